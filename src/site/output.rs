//! Writing the site: a folder (refused when it holds files that are not a previous site,
//! unless forced), or one self-contained HTML file.
//!
//! A site folder holds [`MANIFEST`], the list of the files catalint wrote. A rebuild
//! removes those and writes the new site; any other file in the folder means the folder is
//! someone else's (`--out .` by mistake), and nothing is written or removed.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::Page;
use super::html::{self, CSS, JS};

pub const MANIFEST: &str = ".catalint-site";

/// Why a site could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The folder holds files catalint did not write (the first few, and how many).
    NotOurs {
        dir: PathBuf,
        files: Vec<String>,
        more: usize,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotOurs { dir, files, more } => {
                write!(
                    f,
                    "{} holds files that catalint did not write ({}{}); choose an empty or new folder, or pass --force to write into it anyway",
                    crate::paths::shown(dir),
                    files.join(", "),
                    if *more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                )
            }
            WriteError::Io { path, error } => {
                write!(f, "cannot write {}: {error}", crate::paths::shown(path))
            }
        }
    }
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> WriteError + '_ {
    move |error| WriteError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// The files under `dir`, relative, with `/` separators.
fn walk(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let name = rel.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                stack.push(name);
            } else {
                out.push(name.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A folder being written: checked first (nothing is written into someone else's folder),
/// then filled page by page, then finished (assets, stale pages removed, the manifest).
pub struct Folder {
    dir: PathBuf,
    previous: Vec<String>,
    written: Mutex<Vec<String>>,
}

impl Folder {
    /// Checks that `dir` is new, empty or a previous site (unless `force`).
    pub fn open(dir: &Path, force: bool) -> Result<Folder, WriteError> {
        let previous: Vec<String> = match std::fs::read_to_string(dir.join(MANIFEST)) {
            Ok(text) => text
                .lines()
                .filter(|l| safe_relative(l))
                .map(str::to_owned)
                .collect(),
            Err(_) => Vec::new(),
        };
        if dir.exists() {
            let present = walk(dir).map_err(io_err(dir))?;
            let known: HashSet<&str> = previous.iter().map(String::as_str).collect();
            let foreign: Vec<&String> = present
                .iter()
                .filter(|p| p.as_str() != MANIFEST && !known.contains(p.as_str()))
                .collect();
            if !foreign.is_empty() && !force {
                return Err(WriteError::NotOurs {
                    dir: dir.to_path_buf(),
                    files: foreign.iter().take(3).map(|s| s.to_string()).collect(),
                    more: foreign.len().saturating_sub(3),
                });
            }
        }
        Ok(Folder {
            dir: dir.to_path_buf(),
            previous,
            written: Mutex::new(Vec::new()),
        })
    }

    /// Writes one file (its folder made when missing). A file of the previous site is
    /// overwritten in place, and left untouched when it already holds these bytes: a
    /// rebuild after a small change rewrites only the pages it changed (on a disk, writing
    /// a file costs many times more than reading one), and unchanged pages keep their
    /// modification times for whatever syncs the folder.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let full = self.dir.join(path);
        let same = !self.previous.is_empty()
            && std::fs::metadata(&full).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&full).is_ok_and(|old| old == bytes);
        let written = match if same {
            Ok(())
        } else {
            std::fs::write(&full, bytes)
        } {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent).map_err(io_err(parent))?;
                }
                std::fs::write(&full, bytes)
            }
            other => other,
        };
        written.map_err(io_err(&full))?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_owned());
        Ok(())
    }

    /// Writes the assets, removes the previous site's files that this one did not write,
    /// and records the manifest. Returns how many files the site has.
    pub fn finish(self) -> Result<usize, WriteError> {
        self.write("assets/site.css", CSS.as_bytes())?;
        self.write("assets/site.js", JS.as_bytes())?;
        let mut written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        written.sort_unstable();
        let now: HashSet<&str> = written.iter().map(String::as_str).collect();
        for p in &self.previous {
            if !now.contains(p.as_str()) {
                let _ = std::fs::remove_file(self.dir.join(p));
            }
        }
        let path = self.dir.join(MANIFEST);
        std::fs::write(&path, written.join("\n") + "\n").map_err(io_err(&path))?;
        Ok(written.len())
    }
}

/// Writes rendered pages and the assets into `dir`; returns how many files were written.
pub fn write_folder(dir: &Path, pages: &[Page], force: bool) -> Result<usize, WriteError> {
    let folder = Folder::open(dir, force)?;
    pages
        .par_iter()
        .try_for_each(|p| folder.write(&p.path, p.text.as_bytes()))?;
    folder.finish()
}

/// A manifest line names a file inside the folder: relative, without `..`.
fn safe_relative(p: &str) -> bool {
    let path = Path::new(p);
    !p.is_empty()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The whole site as one HTML document (pages built in single-file mode).
pub fn single_file(title: &str, pages: &[Page]) -> String {
    let sections: String = pages.iter().map(|p| p.text.as_str()).collect();
    html::single_document(title, &sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> Page {
        Page {
            path: path.into(),
            title: "t".into(),
            text: "<p>x</p>".into(),
        }
    }

    #[test]
    fn a_folder_with_other_files_is_refused_and_a_previous_site_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        assert_eq!(
            write_folder(&out, &[page("index.html"), page("service/a.html")], false).unwrap(),
            4
        );
        // A rebuild: the old page of a removed entity goes.
        write_folder(&out, &[page("index.html"), page("service/b.html")], false).unwrap();
        assert!(!out.join("service/a.html").exists());
        assert!(out.join("service/b.html").exists());
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = write_folder(&out, &[page("index.html")], false).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert!(
            out.join("service/b.html").exists(),
            "nothing removed when refused"
        );
        write_folder(&out, &[page("index.html")], true).unwrap();
        assert!(
            out.join("notes.txt").exists(),
            "--force never removes other files"
        );
    }

    #[test]
    fn manifest_lines_outside_the_folder_are_ignored() {
        assert!(safe_relative("service/a.html"));
        assert!(!safe_relative("../x"));
        assert!(!safe_relative("/etc/passwd"));
    }
}
