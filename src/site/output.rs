//! Writing the site: a folder (refused when it holds files that are not a previous site,
//! unless forced), or one self-contained HTML file.
//!
//! A site folder holds [`MANIFEST`], the list of the files catalint wrote. A rebuild
//! removes those and writes the new site; any other file in the folder means the folder is
//! someone else's (`--out .` by mistake), and nothing is written or removed.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Page;
use super::html::{self, CSS, JS};

pub const MANIFEST: &str = ".catalint-site";

/// Why a site could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The folder holds files catalint did not write (the first few, and how many).
    NotOurs { dir: PathBuf, files: Vec<String>, more: usize },
    Io { path: PathBuf, error: io::Error },
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
                    if *more > 0 { format!(" and {more} more") } else { String::new() }
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

/// Writes the pages and the assets into `dir`; returns how many files were written.
pub fn write_folder(dir: &Path, pages: &[Page], force: bool) -> Result<usize, WriteError> {
    let previous: Vec<String> = match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => text.lines().map(str::to_owned).collect(),
        Err(_) => Vec::new(),
    };
    if dir.exists() {
        let present = walk(dir).map_err(io_err(dir))?;
        let known: std::collections::HashSet<&str> = previous.iter().map(String::as_str).collect();
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
        // The last site's files go (a page whose entity was removed must not linger).
        for p in &previous {
            if safe_relative(p) {
                let _ = std::fs::remove_file(dir.join(p));
            }
        }
    }
    let mut files: Vec<(String, &[u8])> = pages
        .iter()
        .map(|p| (p.path.clone(), p.text.as_bytes()))
        .collect();
    files.push(("assets/site.css".into(), CSS.as_bytes()));
    files.push(("assets/site.js".into(), JS.as_bytes()));
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|(p, _)| Path::new(p).parent().map(|d| dir.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(io_err(d))?;
    }
    files
        .par_iter()
        .try_for_each(|(p, bytes)| {
            let path = dir.join(p);
            std::fs::write(&path, bytes).map_err(io_err(&path))
        })?;
    let mut manifest: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    manifest.sort_unstable();
    let path = dir.join(MANIFEST);
    std::fs::write(&path, manifest.join("\n") + "\n").map_err(io_err(&path))?;
    Ok(files.len())
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
        assert_eq!(write_folder(&out, &[page("index.html"), page("service/a.html")], false).unwrap(), 4);
        // A rebuild: the old page of a removed entity goes.
        write_folder(&out, &[page("index.html"), page("service/b.html")], false).unwrap();
        assert!(!out.join("service/a.html").exists());
        assert!(out.join("service/b.html").exists());
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = write_folder(&out, &[page("index.html")], false).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert!(out.join("service/b.html").exists(), "nothing removed when refused");
        write_folder(&out, &[page("index.html")], true).unwrap();
        assert!(out.join("notes.txt").exists(), "--force never removes other files");
    }

    #[test]
    fn manifest_lines_outside_the_folder_are_ignored() {
        assert!(safe_relative("service/a.html"));
        assert!(!safe_relative("../x"));
        assert!(!safe_relative("/etc/passwd"));
    }
}
