//! The layer order of `src/`, as ARCHITECTURE.md writes it, is the order of
//! the code: a module imports only from layers below its own (or from its
//! own directory module), and no import closes a circle. The checker reads
//! the source as text: `use` trees, `crate::`/`super::`/`self::`/`certgen::`
//! paths and `mod` declarations, leaving out comments, strings and
//! `#[cfg(test)]` modules (tests may use anything).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module by its path under `src/`: `["lifecycle", "renew"]`; the crate
/// roots are `[]` of the library (lib.rs) and of the binary (main.rs).
type ModPath = Vec<String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Crate {
    Lib,
    Bin,
}

#[derive(Debug)]
struct Module {
    krate: Crate,
    path: ModPath,
    file: PathBuf,
}

fn name(krate: Crate, path: &[String]) -> String {
    match (krate, path.is_empty()) {
        (Crate::Lib, true) => "lib".into(),
        (Crate::Bin, true) => "main".into(),
        _ => path.join("/"),
    }
}

/// Every `.rs` file under `src`, as a module of the library or the binary
/// (`main.rs` and `cli/`), leaving out files that are only test modules.
fn modules(src: &Path) -> Vec<Module> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: ModPath = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|l| l == "tests") {
                continue;
            }
            if parts
                .last()
                .is_some_and(|l| ["mod", "lib", "main"].contains(&l.as_str()))
            {
                parts.pop();
            }
            let krate = if rel == Path::new("main") || parts.first().is_some_and(|p| p == "cli") {
                Crate::Bin
            } else {
                Crate::Lib
            };
            out.push(Module {
                krate,
                path: parts,
                file: path,
            });
        }
    }
    out.sort_by(|a, b| (a.krate, &a.path).cmp(&(b.krate, &b.path)));
    out
}

/// The code of a file without comments, string and char literals, and
/// `#[cfg(test)]` items.
fn code(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                let end: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                i += 2 + hashes;
                while i < b.len() && !b[i..].starts_with(&end) {
                    i += 1;
                }
                i += end.len();
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            // A char literal ('a', '\n', '\u{1F}'), not a lifetime ('a).
            b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("' '");
            }
            _ => {
                let c = text[i..].chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    without_test_items(&out)
}

/// `code` without the items that follow `#[cfg(test)]`.
fn without_test_items(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        // The item ends at its `;` or at the brace closing its body.
        let mut depth = 0usize;
        let mut end = item.len();
        for (j, c) in item.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Other,
}

fn tokens(code: &str) -> Vec<Tok> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Ident(code[start..i].to_string()));
            continue;
        }
        i += 1;
        out.push(match c {
            b':' if b.get(i) == Some(&b':') => {
                i += 1;
                Tok::Path
            }
            b'{' => Tok::Open,
            b'}' => Tok::Close,
            b',' => Tok::Comma,
            b';' => Tok::Semi,
            b'*' => Tok::Star,
            c if c.is_ascii_whitespace() => continue,
            _ => Tok::Other,
        });
    }
    out
}

/// The paths a `use` tree names, from the token after `use` to its `;`.
fn use_tree(toks: &[Tok], prefix: &[String], out: &mut Vec<ModPath>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Ident(s) if s == "as" => i += 1,
            Tok::Ident(s) if s == "self" && !path.is_empty() => {}
            Tok::Ident(s) => path.push(s.clone()),
            Tok::Path => {}
            Tok::Star => {}
            Tok::Open => {
                i += 1;
                loop {
                    i += use_tree(&toks[i..], &path, out);
                    match toks.get(i) {
                        Some(Tok::Comma) => i += 1,
                        _ => break,
                    }
                    if toks.get(i) == Some(&Tok::Close) {
                        break;
                    }
                }
                return i + 1; // after the closing brace
            }
            Tok::Close | Tok::Comma | Tok::Semi => break,
            Tok::Other => {}
        }
        i += 1;
    }
    if path.len() > prefix.len() {
        out.push(path);
    }
    i
}

/// Every path a file names: `use` trees, paths written inline, and the
/// modules it declares (`mod x;`, as `self::x`). Inside an inline module
/// (`mod x { ... }`) a leading `super` names the file's own module again.
fn paths(code: &str) -> Vec<ModPath> {
    let toks = tokens(code);
    let mut out = Vec::new();
    let ident = |i: usize| match toks.get(i) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    // The brace depths at which the inline modules around a token open.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        let start = out.len();
        match ident(i) {
            Some("use") => {
                i += 1 + use_tree(&toks[i + 1..], &[], &mut out);
            }
            Some("mod") if toks.get(i + 2) == Some(&Tok::Semi) => {
                if let Some(m) = ident(i + 1) {
                    out.push(vec!["self".into(), m.into()]);
                }
                i += 1;
            }
            Some("mod") if toks.get(i + 2) == Some(&Tok::Open) => {
                inline.push(depth);
                i += 1;
            }
            Some(root @ ("crate" | "super" | "self" | "certgen"))
                if toks.get(i + 1) == Some(&Tok::Path) && (i == 0 || toks[i - 1] != Tok::Path) =>
            {
                let mut path = vec![root.to_string()];
                let mut j = i + 1;
                while toks.get(j) == Some(&Tok::Path) {
                    match ident(j + 1) {
                        Some(s) => path.push(s.into()),
                        None => break,
                    }
                    j += 2;
                }
                out.push(path);
                i = j;
            }
            _ => i += 1,
        }
        for path in &mut out[start..] {
            let supers = path.iter().take_while(|s| *s == "super").count();
            let local = supers.min(inline.len());
            if local > 0 {
                path.drain(..local);
                if supers == local {
                    path.insert(0, "self".into());
                }
            }
        }
    }
    out
}

/// One import of the graph: from a module to another, and how it was written.
#[derive(Clone, Debug)]
struct Edge {
    to: (Crate, ModPath),
    written: String,
}

/// The module a path names from `from`, or an error when it reaches an
/// item of the library's root (a re-export of lib.rs) from inside the library.
fn resolve(
    all: &BTreeSet<(Crate, ModPath)>,
    from: &Module,
    children: &BTreeSet<String>,
    path: &[String],
) -> Option<Result<(Crate, ModPath), String>> {
    let (krate, mut full): (Crate, ModPath) = match path.first().map(String::as_str) {
        Some("crate") => (from.krate, path[1..].to_vec()),
        Some("certgen") => (Crate::Lib, path[1..].to_vec()),
        Some("self") => {
            let mut p = from.path.clone();
            p.extend_from_slice(&path[1..]);
            (from.krate, p)
        }
        Some("super") => {
            let mut p = from.path.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                p.pop();
                rest = &rest[1..];
            }
            p.extend_from_slice(rest);
            (from.krate, p)
        }
        Some(first) if children.contains(first) => {
            let mut p = from.path.clone();
            p.extend_from_slice(path);
            (from.krate, p)
        }
        _ => return None,
    };
    while !full.is_empty() && !all.contains(&(krate, full.clone())) {
        if full.len() == 1 && krate == Crate::Lib && from.krate == Crate::Lib {
            return Some(Err(format!(
                "{} reaches `{}` through lib.rs",
                name(from.krate, &from.path),
                path.join("::")
            )));
        }
        full.pop();
    }
    Some(Ok((krate, full)))
}

/// The import graph of `src`: edges by module, and the re-exports reached.
#[allow(clippy::type_complexity)]
fn graph(src: &Path) -> (Vec<Module>, BTreeMap<usize, Vec<Edge>>, Vec<String>) {
    let mods = modules(src);
    let all: BTreeSet<(Crate, ModPath)> = mods.iter().map(|m| (m.krate, m.path.clone())).collect();
    let mut edges = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, m) in mods.iter().enumerate() {
        let text = code(&std::fs::read_to_string(&m.file).unwrap());
        let found = paths(&text);
        let children: BTreeSet<String> = found
            .iter()
            .filter(|p| p.len() == 2 && p[0] == "self")
            .map(|p| p[1].clone())
            .collect();
        let mut out: Vec<Edge> = Vec::new();
        for p in &found {
            match resolve(&all, m, &children, p) {
                Some(Ok(to))
                    if to != (m.krate, m.path.clone()) && !out.iter().any(|e| e.to == to) =>
                {
                    out.push(Edge {
                        to,
                        written: p.join("::"),
                    });
                }
                Some(Err(problem)) => problems.push(problem),
                _ => {}
            }
        }
        edges.insert(n, out);
    }
    (mods, edges, problems)
}

/// The layers ARCHITECTURE.md lists, lowest first: the block of lines
/// `LAYER: module module ...` under its heading "Layers".
fn layers(architecture: &str) -> Vec<(String, Vec<String>)> {
    let section = format!("\n{architecture}")
        .split("\n## ")
        .find(|s| s.starts_with("Layers"))
        .expect("ARCHITECTURE.md has a section \"## Layers\"")
        .to_string();
    let block = section
        .split("```")
        .nth(1)
        .expect("the Layers section holds the order in a ``` block");
    block
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(layer, mods)| {
            (
                layer.trim().to_string(),
                mods.split_whitespace().map(str::to_string).collect(),
            )
        })
        .collect()
}

/// Where a module sits: the layer and entry of the longest listed prefix.
fn place(layers: &[(String, Vec<String>)], m: &Module) -> Option<(usize, String)> {
    let full = name(m.krate, &m.path);
    let mut best: Option<(usize, String)> = None;
    for (n, (_, entries)) in layers.iter().enumerate() {
        for e in entries {
            let covers = full == *e || full.starts_with(&format!("{e}/"));
            if covers && best.as_ref().is_none_or(|(_, b)| e.len() > b.len()) {
                best = Some((n, e.clone()));
            }
        }
    }
    best
}

/// Every way `src` breaks the order of `architecture`: imports that run up
/// or sideways, circles, modules the order does not place, and re-exports of
/// lib.rs used inside the library.
fn violations(src: &Path, architecture: &str) -> Vec<String> {
    let layers = layers(architecture);
    let (mods, edges, mut problems) = graph(src);
    let index: BTreeMap<(Crate, ModPath), usize> = mods
        .iter()
        .enumerate()
        .map(|(n, m)| ((m.krate, m.path.clone()), n))
        .collect();
    for (n, m) in mods.iter().enumerate() {
        if m.krate == Crate::Lib && m.path.is_empty() {
            continue; // lib.rs declares and re-exports every module
        }
        let Some((layer, entry)) = place(&layers, m) else {
            problems.push(format!(
                "{} is in no layer of ARCHITECTURE.md",
                name(m.krate, &m.path)
            ));
            continue;
        };
        for e in &edges[&n] {
            let target = &mods[index[&e.to]];
            if target.krate == Crate::Lib && target.path.is_empty() {
                continue; // the library's public API, as the binary uses it
            }
            let Some((to_layer, to_entry)) = place(&layers, target) else {
                continue;
            };
            if to_layer < layer || (to_layer == layer && to_entry == entry) {
                continue;
            }
            problems.push(format!(
                "{} ({}) imports {} ({}) as `{}`: a layer imports only from layers below it",
                name(m.krate, &m.path),
                layers[layer].0,
                name(target.krate, &target.path),
                layers[to_layer].0,
                e.written
            ));
        }
    }
    for circle in circles(&mods, &edges, &index) {
        problems.push(format!("import circle: {}", circle.join(" -> ")));
    }
    problems
}

/// The strongly connected groups of more than one module (Tarjan), each
/// named by its modules, library root left out.
fn circles(
    mods: &[Module],
    edges: &BTreeMap<usize, Vec<Edge>>,
    index: &BTreeMap<(Crate, ModPath), usize>,
) -> Vec<Vec<String>> {
    let skip = |n: usize| mods[n].krate == Crate::Lib && mods[n].path.is_empty();
    let succ: Vec<Vec<usize>> = (0..mods.len())
        .map(|n| {
            edges[&n]
                .iter()
                .map(|e| index[&e.to])
                .filter(|t| !skip(*t) && !skip(n))
                .collect()
        })
        .collect();
    struct T {
        next: usize,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on: Vec<bool>,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, succ: &[Vec<usize>], v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in &succ[v] {
            match t.index[w] {
                None => {
                    visit(t, succ, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut group = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                group.push(w);
                if w == v {
                    break;
                }
            }
            t.out.push(group);
        }
    }
    let mut t = T {
        next: 0,
        index: vec![None; mods.len()],
        low: vec![0; mods.len()],
        stack: Vec::new(),
        on: vec![false; mods.len()],
        out: Vec::new(),
    };
    for v in 0..mods.len() {
        if t.index[v].is_none() {
            visit(&mut t, &succ, v);
        }
    }
    t.out
        .into_iter()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let mut names: Vec<String> = g
                .iter()
                .map(|n| name(mods[*n].krate, &mods[*n].path))
                .collect();
            names.sort();
            names
        })
        .collect()
}

#[test]
fn src_follows_the_layers_of_architecture_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let problems = violations(&root.join("src"), &architecture);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A small tree in the shape of `src/`, for the checker's own tests.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const SMALL: &str =
    "# x\n\n## Layers\n\n```\nbase: error\nmiddle: store\ntop: issue\ncli: cli\nbin: main\n```\n";

#[test]
fn the_checker_passes_a_tree_in_order() {
    let dir = tree(&[
        (
            "lib.rs",
            "pub mod error;\npub mod store;\npub mod issue;\npub use error::Error;\n",
        ),
        ("error.rs", "pub struct Error;\n"),
        (
            "store.rs",
            "mod lock;\nuse crate::error::Error;\n// use crate::issue::x;\n",
        ),
        (
            "store/lock.rs",
            "use crate::error::{self, Error};\nconst S: &str = \"crate::issue::X\";\n",
        ),
        (
            "issue.rs",
            "use crate::{error::Error, store};\n#[cfg(test)]\nmod tests {\n    use crate::issue;\n}\n",
        ),
        ("main.rs", "mod cli;\nuse certgen::Error;\n"),
        ("cli/mod.rs", "use certgen::issue::X;\nuse super::cli;\n"),
    ]);
    assert_eq!(violations(dir.path(), SMALL), Vec::<String>::new());
}

#[test]
fn the_checker_finds_a_planted_back_import() {
    let dir = tree(&[
        ("lib.rs", "pub mod error;\npub mod store;\npub mod issue;\n"),
        ("error.rs", "pub struct Error;\n"),
        (
            "store.rs",
            "use crate::error::Error;\npub fn f() { crate::issue::g() }\n",
        ),
        ("issue.rs", "use crate::store;\npub fn g() {}\n"),
    ]);
    let problems = violations(dir.path(), SMALL);
    assert_eq!(
        problems,
        [
            "store (middle) imports issue (top) as `crate::issue::g`: a layer imports only from layers below it",
            "import circle: issue -> store",
        ]
    );
}

#[test]
fn the_checker_finds_a_circle_inside_a_directory_module() {
    let dir = tree(&[
        ("lib.rs", "pub mod store;\n"),
        ("store.rs", "mod a;\nmod b;\n"),
        ("store/a.rs", "use super::b::X;\n"),
        ("store/b.rs", "use super::{a::Y};\n"),
    ]);
    let problems = violations(dir.path(), "## Layers\n```\nbase: store\n```\n");
    assert_eq!(problems, ["import circle: store/a -> store/b"]);
    // A child that imports its parent, which declares it, closes a circle too.
    let dir = tree(&[
        ("lib.rs", "pub mod store;\n"),
        ("store.rs", "mod a;\npub struct Layout;\n"),
        ("store/a.rs", "use super::Layout;\n"),
    ]);
    let problems = violations(dir.path(), "## Layers\n```\nbase: store\n```\n");
    assert_eq!(problems, ["import circle: store -> store/a"]);
}

#[test]
fn the_checker_refuses_lib_re_exports_and_unplaced_modules() {
    let dir = tree(&[
        (
            "lib.rs",
            "pub mod error;\npub mod store;\npub mod extra;\npub use error::Error;\n",
        ),
        ("error.rs", "pub struct Error;\n"),
        ("store.rs", "use crate::Error;\n"),
        ("extra.rs", "\n"),
    ]);
    let problems = violations(dir.path(), SMALL);
    assert_eq!(
        problems,
        [
            "store reaches `crate::Error` through lib.rs",
            "extra is in no layer of ARCHITECTURE.md",
        ]
    );
}

#[test]
fn the_checker_reads_super_inside_an_inline_module_as_the_file_itself() {
    let dir = tree(&[
        ("lib.rs", "pub mod error;\npub mod store;\n"),
        ("error.rs", "pub fn f() {}\n"),
        (
            "store.rs",
            "pub fn g() {}\npub mod option {\n    pub fn h() { super::g() }\n}\nfn k() { crate::error::f() }\n",
        ),
    ]);
    assert_eq!(violations(dir.path(), SMALL), Vec::<String>::new());
}
