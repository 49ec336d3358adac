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
    files: Arc<BTreeMap<PathBuf, Vec<u8>>>,
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
        Arc::make_mut(&mut self.files).insert(path, bytes);
    }

    /// Deletes a file, by its path relative to the root; whether it was there.
    pub fn remove(&mut self, relative: &str) -> bool {
        let path = self.root.join(relative);
        Arc::make_mut(&mut self.files).remove(&path).is_some()
    }

    /// Writes (`Some`) or deletes (`None`) a file, by absolute path.
    pub fn put(&mut self, path: PathBuf, bytes: Option<Vec<u8>>) {
        match bytes {
            Some(bytes) => {
                Arc::make_mut(&mut self.files).insert(path, bytes);
            }
            None => {
                Arc::make_mut(&mut self.files).remove(&path);
            }
        }
    }

    /// A file's bytes, by absolute path.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// A file's bytes, by its path relative to the root.
    pub fn get_relative(&self, relative: &str) -> Option<&[u8]> {
        self.get(&self.root.join(relative))
    }

    /// Whether a file or a folder is at `path`: the root, a file, or a folder holding one.
    pub fn exists(&self, path: &Path) -> bool {
        path == self.root || self.below(path).next().is_some() || self.files.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file, by absolute path, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_path(), b.as_slice()))
    }

    /// The files strictly below the folder `dir`, in path order. Paths order by component,
    /// so a folder's files follow it in one run.
    fn below<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.files
            .range::<Path, _>((std::ops::Bound::Excluded(dir), std::ops::Bound::Unbounded))
            .map(|(p, _)| p)
            .take_while(move |p| p.starts_with(dir))
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
            if self.files.contains_key(root) {
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
        found.sort_unstable();
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
