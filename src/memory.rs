//! A folder held in memory: a git revision's files, read from git's objects, that the
//! workspace discovers and reads in place of a folder on disk (`catalint diff` checks a
//! revision this way: writing its 12,500 files to a temporary folder and reading them back
//! cost more system time than the check itself). The paths are those the files would have in
//! that folder, so that everything after discovery (names, the config's globs, the reports)
//! is as for a folder on disk.
//!
//! Discovery in memory gives what [`discover::walk`] gives on a folder holding these files
//! and nothing else: files named explicitly are taken whatever their extension; a folder
//! gives its `*.yaml`/`*.yml` files except the config's names, hidden entries (a name
//! starting with `.`, and everything below a hidden folder) and those `exclude` matches
//! (matched on the file's path: on disk an excluded folder is still walked). There are no
//! `.gitignore` files in it (a revision's files are its YAML files), no links (git's links
//! are not files of the revision) and no unreadable entries.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover::{self, Found, Globs};
use crate::error::RunError;

/// Files by absolute, normalised path, below one root folder. A copy shares the files
/// until one of the two is written to.
#[derive(Debug, Clone, Default)]
pub struct Folder {
    root: PathBuf,
    files: Arc<BTreeMap<Key, Vec<u8>>>,
}

/// A file's path as the map's key, ordered as `Path` orders normalised paths (by component:
/// `a/b` before `a-b`) but by comparing bytes, with `/` below every other byte. `Path`'s own
/// comparison parses components on every call: building the map of a 12,500-file revision
/// and looking each working-tree file up in it spent a tenth of a diff there.
#[derive(Debug, Clone)]
struct Key(PathBuf);

impl Key {
    /// The key of an absolute path: normalised only when it is not already, which paths
    /// from git's trees and from discovery always are.
    fn of(path: &Path) -> Key {
        if crate::paths::is_normalised(path) {
            Key(path.to_path_buf())
        } else {
            Key(crate::paths::normalise(path))
        }
    }
}

/// How many leading bytes `a` and `b` share, eight at a time: a folder's paths share their
/// root's (often 60 bytes), which a byte-at-a-time loop walked in every comparison.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    let word = |c: &[u8]| c.try_into().map(u64::from_ne_bytes).unwrap_or_default();
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        if word(x) != word(y) {
            break;
        }
        n += 8;
    }
    n + a[n..]
        .iter()
        .zip(&b[n..])
        .take_while(|(x, y)| x == y)
        .count()
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let (a, b) = (
                self.0.as_os_str().as_bytes(),
                other.0.as_os_str().as_bytes(),
            );
            let same = common_prefix(a, b);
            let rank = |c: Option<&u8>| c.map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 });
            rank(a.get(same)).cmp(&rank(b.get(same)))
        }
        #[cfg(not(unix))]
        self.0.cmp(&other.0)
    }
}

impl Folder {
    /// An empty folder at `root` (absolute and normalised).
    pub fn new(root: &Path) -> Folder {
        Folder {
            root: root.to_path_buf(),
            files: Arc::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes a file, by its `/`-separated path relative to the root.
    pub fn write(&mut self, relative: &str, bytes: Vec<u8>) {
        let path = self.root.join(relative);
        Arc::make_mut(&mut self.files).insert(Key::of(&path), bytes);
    }

    /// Deletes a file, by its path relative to the root; whether it was there.
    pub fn remove(&mut self, relative: &str) -> bool {
        let path = self.root.join(relative);
        Arc::make_mut(&mut self.files)
            .remove(&Key::of(&path))
            .is_some()
    }

    /// Writes (`Some`) or deletes (`None`) a file, by absolute path.
    pub fn put(&mut self, path: PathBuf, bytes: Option<Vec<u8>>) {
        match bytes {
            Some(bytes) => {
                Arc::make_mut(&mut self.files).insert(Key::of(&path), bytes);
            }
            None => {
                Arc::make_mut(&mut self.files).remove(&Key::of(&path));
            }
        }
    }

    /// A file's bytes, by absolute path.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(&Key::of(path)).map(Vec::as_slice)
    }

    /// A file's bytes, by its path relative to the root.
    pub fn get_relative(&self, relative: &str) -> Option<&[u8]> {
        self.get(&self.root.join(relative))
    }

    /// Whether a file or a folder is at `path`: the root, a file, or a folder holding one.
    pub fn exists(&self, path: &Path) -> bool {
        path == self.root
            || self.below(path).next().is_some()
            || self.files.contains_key(&Key::of(path))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file, by absolute path, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files
            .iter()
            .map(|(p, b)| (p.0.as_path(), b.as_slice()))
    }

    /// The files strictly below the folder `dir`, in path order. Paths order by component,
    /// so a folder's files follow it in one run.
    fn below<'a>(&'a self, dir: &Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        let dir = Key::of(dir);
        let run = self.files.range((
            std::ops::Bound::Excluded(dir.clone()),
            std::ops::Bound::Unbounded,
        ));
        run.map(|(p, _)| &p.0)
            .take_while(move |p| p.starts_with(&dir.0))
    }

    /// [`discover::walk`] over these files.
    pub fn walk(
        &self,
        paths: &[PathBuf],
        exclude: &Globs,
        show: &dyn Fn(&Path) -> String,
    ) -> Result<Vec<Found>, RunError> {
        let mut found = Vec::new();
        for root in paths {
            if self.files.contains_key(&Key::of(root)) {
                found.push(Found::File(root.clone()));
                continue;
            }
            if !self.exists(root) {
                return Err(RunError::Usage(format!("`{}` does not exist", show(root))));
            }
            let before = found.len();
            for path in self.below(root) {
                let hidden = path.strip_prefix(root).is_ok_and(|rel| {
                    rel.components()
                        .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
                });
                if !hidden && !exclude.matches(path) && discover::is_catalogue_file(path) {
                    found.push(Found::File(path.clone()));
                }
            }
            if found.len() == before {
                return Err(RunError::Usage(format!(
                    "no catalogue files (*.yaml, *.yml) under `{}`",
                    show(root)
                )));
            }
        }
        discover::sort(&mut found);
        found.dedup();
        Ok(found)
    }

    /// [`discover::walk_included`] over these files.
    pub fn walk_included(
        &self,
        dir: &Path,
        include: &Globs,
        exclude: &Globs,
        show: &dyn Fn(&Path) -> String,
    ) -> Result<Vec<Found>, RunError> {
        let all = self.walk(&[dir.to_path_buf()], exclude, show)?;
        discover::kept_by_include(all, include, dir, show)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> Folder {
        let mut f = Folder::new(Path::new("/r"));
        for p in [
            "a.yaml",
            "catalint.yaml",
            "cat/s.yml",
            "cat/t.yaml",
            "cat/.hidden.yaml",
            "cat/.dir/u.yaml",
            "cat/old/v.yaml",
            "cat/readme.md",
            "catx/w.yaml",
        ] {
            f.write(p, Vec::new());
        }
        f
    }

    fn names(found: &[Found]) -> Vec<String> {
        found
            .iter()
            .map(|f| f.path().display().to_string())
            .collect()
    }

    #[test]
    fn keys_order_and_match_as_paths_do() {
        let names = crate::discover::tests::TRICKY_PATHS;
        let mut by_key: Vec<Key> = names.iter().map(|n| Key::of(Path::new(n))).collect();
        by_key.sort();
        let mut by_path: Vec<&Path> = names.iter().map(Path::new).collect();
        by_path.sort();
        let by_key: Vec<&Path> = by_key.iter().map(|k| k.0.as_path()).collect();
        assert_eq!(by_key, by_path);
        // A path that is not normalised is looked up as the file it names.
        let mut f = Folder::new(Path::new("/r"));
        f.write("cat/s.yaml", b"x".to_vec());
        for p in [
            "/r/cat/s.yaml",
            "/r/./cat/s.yaml",
            "/r//cat/s.yaml",
            "/r/cat/../cat/s.yaml",
        ] {
            assert_eq!(f.get(Path::new(p)), Some(&b"x"[..]), "{p}");
        }
        assert!(f.exists(Path::new("/r/cat/")) && f.exists(Path::new("/r/./cat")));
        assert!(!f.exists(Path::new("/r/ca")) && f.get(Path::new("/r/cat")).is_none());
    }

    #[test]
    fn walks_as_discovery_walks_a_folder() {
        let f = folder();
        let show = |p: &Path| p.display().to_string();
        let none = Globs::new(Path::new("/r"), &[]).unwrap();
        let got = f.walk(&[PathBuf::from("/r/cat")], &none, &show).unwrap();
        assert_eq!(
            names(&got),
            ["/r/cat/old/v.yaml", "/r/cat/s.yml", "/r/cat/t.yaml"]
        );
        let old = Globs::new(Path::new("/r"), &["cat/old/**".to_owned()]).unwrap();
        let got = f.walk(&[PathBuf::from("/r")], &old, &show).unwrap();
        assert_eq!(
            names(&got),
            [
                "/r/a.yaml",
                "/r/cat/s.yml",
                "/r/cat/t.yaml",
                "/r/catx/w.yaml"
            ]
        );
        // A file named explicitly is taken whatever its name.
        let got = f
            .walk(&[PathBuf::from("/r/cat/readme.md")], &none, &show)
            .unwrap();
        assert_eq!(names(&got), ["/r/cat/readme.md"]);
        let err = f.walk(&[PathBuf::from("/r/nope")], &none, &show);
        assert!(matches!(err, Err(RunError::Usage(m)) if m.contains("does not exist")));
        let err = f.walk(&[PathBuf::from("/r/cat/.dir")], &none, &show);
        assert!(err.is_ok(), "the root itself may be hidden");
        let mut empty = Folder::new(Path::new("/e"));
        let err = empty.walk(&[PathBuf::from("/e")], &none, &show);
        assert!(matches!(err, Err(RunError::Usage(m)) if m.contains("no catalogue files")));
        empty.write("x/y.txt", Vec::new());
        assert!(empty.exists(Path::new("/e/x")) && !empty.exists(Path::new("/e/y")));
    }
}
