//! Paths as the user wrote them and as catalint shows them. Every path that enters a run
//! (command-line paths, `--config`, `--policy`, `--baseline`, the config's folder) is made
//! absolute and normalised once, so that two spellings of one file are one file; every path
//! that leaves it (every report format) is shown relative to the current folder.
//!
//! Normalisation is lexical (`a/../b` is `b`), as in `std::path::absolute` followed by the
//! removal of `..`: it never touches the file system, so it costs nothing per file on a
//! catalogue of 100,000 files. A `..` after a symbolic link to a folder is resolved as
//! written, not through the link, like a shell's `cd`.

use std::path::{Component, Path, PathBuf};

/// The folder that paths are shown relative to.
#[derive(Debug, Clone)]
pub struct Cwd {
    dir: PathBuf,
}

impl Default for Cwd {
    fn default() -> Self {
        Self::current()
    }
}

impl Cwd {
    /// The process's current folder (`/` if it cannot be read: it was deleted under us).
    pub fn current() -> Self {
        let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Self {
            dir: normalise(&dir),
        }
    }

    /// A given folder, for tests.
    pub fn at(dir: &Path) -> Self {
        Self {
            dir: normalise(dir),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `p` made absolute against this folder and normalised: the one spelling of a file.
    pub fn absolute(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            normalise(p)
        } else {
            normalise(&self.dir.join(p))
        }
    }

    /// How a file is shown: relative to this folder when it lies below it; otherwise
    /// absolute when the user named it absolutely, relative (with `..`) when not.
    pub fn show(&self, abs: &Path, named_absolutely: bool) -> String {
        if let Ok(rel) = abs.strip_prefix(&self.dir) {
            return if rel.as_os_str().is_empty() {
                ".".to_owned()
            } else {
                rel.to_string_lossy().into_owned()
            };
        }
        if named_absolutely {
            return abs.to_string_lossy().into_owned();
        }
        relative_from(&self.dir, abs).to_string_lossy().into_owned()
    }
}

/// How a settings file (config, policy, baseline) is named in messages: relative to the
/// current folder, like catalogue files.
pub fn shown(p: &Path) -> String {
    let cwd = Cwd::current();
    cwd.show(&cwd.absolute(p), p.is_absolute())
}

/// Whether `path` is normalised as [`normalise`] leaves it: no `.` or `..`
/// component, no doubled or trailing separator.
pub fn is_normalised(path: &Path) -> bool {
    let Some(s) = path.to_str() else { return false };
    if cfg!(not(unix)) {
        return false;
    }
    !(s.contains("//")
        || s.contains("/./")
        || s.contains("/../")
        || s.ends_with("/.")
        || s.ends_with("/..")
        || (s.len() > 1 && s.ends_with('/'))
        || s.starts_with("./")
        || s.starts_with("../"))
}

/// Removes `.` and resolves `..` lexically; an empty path is `.`.
pub fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                // `..` at the root stays at the root; a leading `..` of a relative path stays.
                if !popped && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The folder a file lies in: `.` for a bare file name (whose `parent()` is empty).
pub fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The relative path from folder `from` to `to`, both absolute and normalised.
fn relative_from(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    // Only a shared root (e.g. another drive on Windows has none): show it absolutely.
    if common == 0 {
        return to.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to_parts[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_called_normalised_is_its_own_normalisation() {
        let paths = [
            "/a/b.yaml",
            "/",
            "/a",
            "a/b",
            "/a//b",
            "/a/./b",
            "/a/../b",
            "/a/.",
            "/a/..",
            "/a/",
            "./a",
            "../a",
            "/a/.b/c",
            "/a/..b",
            "/a/b../c",
        ];
        for p in paths {
            let p = Path::new(p);
            if is_normalised(p) {
                assert_eq!(normalise(p), p, "{}", p.display());
                assert_eq!(normalise(p).as_os_str(), p.as_os_str(), "{}", p.display());
            }
        }
        assert!(is_normalised(Path::new("/a/.b/c")) && !is_normalised(Path::new("/a/./b")));
    }

    #[test]
    fn normalises_lexically() {
        assert_eq!(normalise(Path::new("a/../a/x.yaml")), Path::new("a/x.yaml"));
        assert_eq!(normalise(Path::new("./a/./b/")), Path::new("a/b"));
        assert_eq!(normalise(Path::new("")), Path::new("."));
        assert_eq!(normalise(Path::new("a/..")), Path::new("."));
        assert_eq!(normalise(Path::new("../x")), Path::new("../x"));
        assert_eq!(normalise(Path::new("../../x/..")), Path::new("../.."));
        assert_eq!(normalise(Path::new("/../x")), Path::new("/x"));
        assert_eq!(normalise(Path::new("/a/b/../../..")), Path::new("/"));
    }

    #[test]
    fn bare_names_have_the_current_folder_as_parent() {
        assert_eq!(parent_dir(Path::new("catalint.yaml")), Path::new("."));
        assert_eq!(parent_dir(Path::new("a/catalint.yaml")), Path::new("a"));
        assert_eq!(parent_dir(Path::new("/catalint.yaml")), Path::new("/"));
    }

    #[test]
    fn shows_paths_relative_to_the_current_folder() {
        let cwd = Cwd::at(Path::new("/repo/sub"));
        let abs = cwd.absolute(Path::new("cat/../cat/x.yaml"));
        assert_eq!(abs, Path::new("/repo/sub/cat/x.yaml"));
        assert_eq!(cwd.show(&abs, false), "cat/x.yaml");
        assert_eq!(cwd.show(&abs, true), "cat/x.yaml");
        assert_eq!(cwd.show(Path::new("/repo/sub"), false), ".");
        // Outside the current folder: as the user named it.
        assert_eq!(
            cwd.show(Path::new("/repo/other/y.yaml"), false),
            "../other/y.yaml"
        );
        assert_eq!(
            cwd.show(Path::new("/repo/other/y.yaml"), true),
            "/repo/other/y.yaml"
        );
        assert_eq!(
            cwd.show(Path::new("/etc/z.yaml"), false),
            "../../etc/z.yaml"
        );
    }
}
