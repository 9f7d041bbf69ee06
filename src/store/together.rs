//! New files outside the PKI directory that are made together (a key and
//! its request, or possibly
//! thousands: the keystores of every user, each in a directory of
//! its own): created all or none, and made durable by a few syncs for the
//! whole set instead of two for each file.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Result;

use super::fs::{
    make_new_dir, parent_of, remove_stale_temps as remove_stale_temps_in, rename_noreplace,
    sync_many, temp_beside, write_new,
};
use super::perms::{Mode, Perms};

/// What [`create_together`] made so far, removed again unless it completes.
#[derive(Default)]
struct Undo {
    dirs: Vec<PathBuf>,
    temps: Vec<PathBuf>,
    published: Vec<PathBuf>,
    done: bool,
}

impl Drop for Undo {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        for f in self.temps.iter().chain(&self.published) {
            let _ = fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

/// Creates the directories `dirs` (each parent exists, nothing is there
/// yet) with their owner and mode, then `files`, none of which may exist.
/// Every file is written beside its destination first (`O_EXCL`, its mode
/// from the start, never through a link; on every core); all of them are made durable
/// together, renamed into place without replacing anything, and their
/// directory entries made durable together. When one step fails, what this
/// call created is removed again: all of it is there, or none. Temp files
/// that a call killed before it could remove them left beside these
/// destinations are removed first.
///
/// Syncs: up to a few files, one `fsync` each, issued in parallel so that
/// the filesystem folds them into one journal commit; beyond, one `syncfs`
/// for each filesystem the files are on, before the renames and after.
pub fn create_together(dirs: &[(&Path, Perms)], files: &[(&Path, &[u8], Mode)]) -> Result<()> {
    let mut undo = Undo::default();
    remove_stale_temps(files);
    for (dir, perms) in dirs {
        make_new_dir(dir, *perms)?;
        undo.dirs.push(dir.to_path_buf());
    }
    // On every core: creating a file is the kernel's work, and much of it
    // (ext4 looks past the inodes deleted in the last minutes).
    let written: Vec<(PathBuf, Result<()>)> = files
        .par_iter()
        .map(|(path, content, mode)| {
            let tmp = temp_beside(path);
            let written = write_new(&tmp, content, *mode, false);
            if written.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            (tmp, written)
        })
        .collect();
    let mut failed = None;
    for (tmp, written) in written {
        match written {
            Ok(()) => undo.temps.push(tmp),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    sync_many(&undo.temps)?;
    let temps = std::mem::take(&mut undo.temps);
    let mut temps = temps.into_iter();
    for ((path, ..), tmp) in files.iter().zip(temps.by_ref()) {
        if let Err(e) = rename_noreplace(&tmp, path) {
            let _ = fs::remove_file(&tmp);
            undo.temps.extend(temps);
            return Err(e);
        }
        undo.published.push(path.to_path_buf());
    }
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let new_entries = files
        .iter()
        .map(|(p, ..)| *p)
        .chain(dirs.iter().map(|(d, _)| *d));
    for path in new_entries {
        let parent = parent_of(path);
        if seen.insert(parent) {
            entries.push(parent.to_path_buf());
        }
    }
    sync_many(&entries)?;
    undo.done = true;
    Ok(())
}

/// Removes the temp files a killed call left beside `files`' destinations.
fn remove_stale_temps(files: &[(&Path, &[u8], Mode)]) {
    let mut names: HashMap<&Path, HashSet<&OsStr>> = HashMap::new();
    for (path, ..) in files {
        if let Some(name) = path.file_name() {
            names.entry(parent_of(path)).or_default().insert(name);
        }
    }
    names
        .par_iter()
        .for_each(|(dir, names)| remove_stale_temps_in(dir, names));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::os::unix::fs::PermissionsExt;

    fn perms() -> Perms {
        Perms {
            uid: None,
            gid: None,
            mode: 0o755,
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn many_files_in_new_directories_land_with_their_modes() {
        let d = tempfile::tempdir().unwrap();
        let dirs: Vec<PathBuf> = (0..20).map(|i| d.path().join(format!("u{i}"))).collect();
        let paths: Vec<(PathBuf, PathBuf)> = dirs
            .iter()
            .map(|dir| (dir.join("secret"), dir.join("public")))
            .collect();
        let mut files: Vec<(&Path, &[u8], Mode)> = Vec::new();
        for (s, p) in &paths {
            files.push((s, b"s", Mode::Secret));
            files.push((p, b"p", Mode::Public));
        }
        let new: Vec<(&Path, Perms)> = dirs.iter().map(|d| (d.as_path(), perms())).collect();
        create_together(&new, &files).unwrap();
        for (dir, (s, p)) in dirs.iter().zip(&paths) {
            assert_eq!(names(dir), ["public", "secret"], "no temp file left");
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!((mode(dir), mode(s), mode(p)), (0o755, 0o600, 0o644));
            assert_eq!(fs::read(s).unwrap(), b"s");
        }
    }

    #[test]
    fn one_file_that_is_there_leaves_nothing_of_the_others() {
        let d = tempfile::tempdir().unwrap();
        let old = d.path().join("old");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("taken"), b"someone's").unwrap();
        let new = d.path().join("new");
        let (a, b, c) = (new.join("a"), old.join("b"), old.join("taken"));
        let files: Vec<(&Path, &[u8], Mode)> = vec![
            (&a, b"a", Mode::Secret),
            (&b, b"b", Mode::Secret),
            (&c, b"c", Mode::Secret),
        ];
        let err = create_together(&[(&new, perms())], &files).unwrap_err();
        assert!(matches!(err, Error::Exists(p) if p == c));
        assert_eq!(names(d.path()), ["old"], "the new directory is gone");
        assert_eq!(names(&old), ["taken"]);
        assert_eq!(fs::read(&c).unwrap(), b"someone's");
    }

    #[test]
    fn a_link_in_place_of_a_file_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("elsewhere");
        let link = d.path().join("key");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let other = d.path().join("other");
        let files: Vec<(&Path, &[u8], Mode)> =
            vec![(&other, b"o", Mode::Secret), (&link, b"k", Mode::Secret)];
        assert!(create_together(&[], &files).is_err());
        assert!(!target.exists());
        assert_eq!(names(d.path()), ["key"]);
    }

    #[test]
    fn temp_files_a_killed_call_left_are_removed_and_nothing_else() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let leave = |name: &str, old: bool| {
            let f = fs::File::create(dir.join(name)).unwrap();
            if old {
                f.set_modified(hour_ago).unwrap();
            }
        };
        leave(&format!(".key.tmp-{gone}-3"), true);
        leave(&format!(".cert.tmp-{gone}-4"), true);
        leave(&format!(".key.tmp-{gone}-8"), false); // too recent to tell
        leave(".key.tmp-1-5", true); // pid 1 is alive
        leave(&format!(".other.tmp-{gone}-6"), true);
        leave(&format!(".key.tmp-{gone}-x"), true);
        let mut kept = vec![
            format!(".key.tmp-{gone}-8"),
            ".key.tmp-1-5".to_string(),
            format!(".other.tmp-{gone}-6"),
            format!(".key.tmp-{gone}-x"),
        ];
        let planted = format!(".cert.tmp-{gone}-7");
        std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join(&planted)).unwrap();
        kept.push(planted);
        // Another user's file, when this test may give one away.
        let theirs = format!(".cert.tmp-{gone}-9");
        leave(&theirs, true);
        match std::os::unix::fs::chown(dir.join(&theirs), Some(65534), None) {
            Ok(()) => kept.push(theirs),
            Err(_) => fs::remove_file(dir.join(&theirs)).unwrap(),
        }
        let (key, cert) = (dir.join("key"), dir.join("cert"));
        let files: Vec<(&Path, &[u8], Mode)> =
            vec![(&key, b"k", Mode::Secret), (&cert, b"c", Mode::Public)];
        create_together(&[], &files).unwrap();
        kept.extend(["cert".to_string(), "key".to_string()]);
        kept.sort();
        assert_eq!(names(dir), kept);
    }
}
