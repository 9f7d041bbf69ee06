//! Finding a deployed copy of a bundle's certificate: the file a server
//! reads, given as that file or as the directory `deploy --to` wrote, and
//! the layout its file names are deploy's for, so that the `deploy` that
//! refreshes it can be written out.

use std::path::{Path, PathBuf};

use super::layout::Layout;
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::store::CA_CERT;

/// A deployed certificate file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The certificate file.
    pub cert: PathBuf,
    /// Its directory: `deploy --to`.
    pub dir: PathBuf,
    /// The layout whose names the files have, `None` when deploy writes no
    /// certificate of that name.
    pub layout: Option<Layout>,
}

/// The certificate of a `kind` bundle at `path`: the file itself, or in a
/// directory, the one file a layout names (`server-cert.pem`, `server.crt`,
/// `mysql.crt` for a server). A directory holding none of them, or several,
/// is refused: the caller names the file the server reads.
pub fn locate(path: &Path, kind: Kind) -> Result<Located> {
    if !path.is_dir() {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let layout = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|name| layout_of(&dir, name, kind));
        return Ok(Located {
            cert: path.to_path_buf(),
            dir,
            layout,
        });
    }
    let mut names: Vec<&str> = Layout::ALL
        .iter()
        .map(|l| l.file_names(kind).cert)
        .collect();
    names.dedup();
    let found: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| std::fs::symlink_metadata(path.join(n)).is_ok())
        .collect();
    match found.as_slice() {
        [name] => Ok(Located {
            cert: path.join(name),
            dir: path.to_path_buf(),
            layout: layout_of(path, name, kind),
        }),
        [] => Err(Error::NoDeployedCertificate {
            dir: path.to_path_buf(),
            kind: kind.noun(),
            names: names.join(", "),
        }),
        several => Err(Error::SeveralDeployedCertificates {
            dir: path.to_path_buf(),
            kind: kind.noun(),
            names: several.join(", "),
        }),
    }
}

/// The layout that names a `kind` certificate `name`; between layouts that
/// share the name (`plain` and `mysql`), the one whose CA file is beside it.
fn layout_of(dir: &Path, name: &str, kind: Kind) -> Option<Layout> {
    let fits: Vec<Layout> = Layout::ALL
        .into_iter()
        .filter(|l| l.file_names(kind).cert == name)
        .collect();
    match fits.as_slice() {
        [] => None,
        [one] => Some(*one),
        several => several
            .iter()
            .copied()
            .find(|l| {
                let ca = l.file_names(kind).ca;
                ca != CA_CERT && dir.join(ca).exists() && !dir.join(CA_CERT).exists()
            })
            .or(Some(Layout::Plain)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_told_by_the_file_names() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        let made = |sub: &str, files: &[&str]| {
            let p = dir.join(sub);
            std::fs::create_dir(&p).unwrap();
            for f in files {
                std::fs::write(p.join(f), "x").unwrap();
            }
            p
        };
        let plain = made("plain", &["ca-cert.pem", "server-cert.pem"]);
        let mysql = made("mysql", &["ca.pem", "server-cert.pem"]);
        let pg = made("pg", &["root.crt", "server.crt"]);
        let ey = made("ey", &["root.crt", "mysql.crt"]);
        let user = made("user", &["root.crt", "postgresql.crt"]);
        let both = made("both", &["server-cert.pem", "server.crt"]);
        let none = made("none", &["notes.txt"]);
        for (p, layout) in [
            (&plain, Layout::Plain),
            (&mysql, Layout::Mysql),
            (&pg, Layout::Postgres),
            (&ey, Layout::Engineyard),
        ] {
            let found = locate(p, Kind::Server).unwrap();
            assert_eq!(found.layout, Some(layout), "{}", p.display());
            assert_eq!(&found.dir, p);
            assert_eq!(found.cert.parent(), Some(p.as_path()));
            // The file itself tells the same.
            let again = locate(&found.cert, Kind::Server).unwrap();
            assert_eq!(again, found);
        }
        let found = locate(&user, Kind::User).unwrap();
        assert_eq!(found.layout, Some(Layout::Postgres));
        assert_eq!(found.cert, user.join("postgresql.crt"));
        let err = locate(&both, Kind::Server).unwrap_err();
        assert!(
            matches!(&err, Error::SeveralDeployedCertificates { names, .. } if names == "server-cert.pem, server.crt"),
            "{err:?}"
        );
        let err = locate(&none, Kind::Server).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} holds no server certificate under a name deploy writes (server-cert.pem, server.crt, mysql.crt)",
                none.display()
            )
        );
        // A file of another name: no layout, its directory still the one.
        let other = none.join("db1.crt");
        let found = locate(&other, Kind::Server).unwrap();
        assert_eq!((found.dir, found.layout), (none.clone(), None));
        assert_eq!(
            locate(Path::new("server.crt"), Kind::Server).unwrap().dir,
            PathBuf::from(".")
        );
    }
}
