//! Stage 1: which files make up the catalogue. Folders are walked for `*.yaml`/`*.yml`,
//! honouring `.gitignore` and skipping hidden entries; results are sorted so that output
//! is deterministic. A path that does not exist, or a folder with no catalogue file, is a
//! usage error: a gate must never pass because it looked at nothing.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::RunError;

/// The config's file names, searched for in this order in each folder; never catalogue
/// files. Here, below the settings, because discovery must skip them.
pub const CONFIG_NAMES: [&str; 2] = ["catalint.yaml", ".catalint.yaml"];

/// A file to lint, or a problem met while walking (a loop, a permission error).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Found {
    File(PathBuf),
    Problem { path: PathBuf, message: String },
}

impl Found {
    pub fn path(&self) -> &Path {
        match self {
            Found::File(p) | Found::Problem { path: p, .. } => p,
        }
    }
}

pub fn is_catalogue_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if CONFIG_NAMES.contains(&name) {
        return false;
    }
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Globs relative to a base folder.
#[derive(Debug, Clone)]
pub struct Globs {
    /// Absolute and normalised.
    base: PathBuf,
    /// What relative paths given to [`Globs::matches`] are relative to.
    cwd: crate::paths::Cwd,
    set: GlobSet,
    empty: bool,
}

impl Globs {
    pub fn new(base: &Path, patterns: &[String]) -> Result<Globs, RunError> {
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let glob =
                Glob::new(p).map_err(|e| RunError::Usage(format!("invalid glob `{p}`: {e}")))?;
            b.add(glob);
        }
        let set = b
            .build()
            .map_err(|e| RunError::Usage(format!("invalid globs: {e}")))?;
        let cwd = crate::paths::Cwd::current();
        Ok(Globs {
            base: cwd.absolute(base),
            cwd,
            set,
            empty: patterns.is_empty(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// Whether `path` matches, taken relative to the base folder; a path outside the base
    /// folder never matches. Paths from discovery are absolute and normalised already (see
    /// [`crate::paths`]), so this costs no system call.
    pub fn matches(&self, path: &Path) -> bool {
        if self.empty {
            return false;
        }
        let absolute;
        let path = if path.is_absolute() {
            path
        } else {
            absolute = self.cwd.absolute(path);
            &absolute
        };
        path.strip_prefix(&self.base)
            .is_ok_and(|rel| self.set.is_match(rel))
    }
}

/// Walks the given paths. Files named explicitly are taken whatever their extension;
/// folders contribute their `*.yaml`/`*.yml` files not matched by `exclude`. Folders are
/// walked on every core (a catalogue of 100,000 files is mostly directory reads), and the
/// result is sorted, so the order never depends on the walk.
///
/// `paths` are absolute and normalised; `show` gives a path as messages show it.
pub fn walk(
    paths: &[PathBuf],
    exclude: &Globs,
    show: &dyn Fn(&Path) -> String,
) -> Result<Vec<Found>, RunError> {
    let mut found = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                RunError::Usage(format!("`{}` does not exist", show(root)))
            }
            _ => RunError::Usage(format!("cannot read `{}`: {e}", show(root))),
        })?;
        if !meta.is_dir() {
            found.push(Found::File(root.clone()));
            continue;
        }
        let before = found.len();
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        // Links are not followed by the walker (so a loop cannot trap it); each link is
        // resolved here and taken only when it leads to a file inside the folder.
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .ignore(false)
            .parents(true)
            .follow_links(false)
            .build_parallel();
        let shared = std::sync::Mutex::new(Vec::new());
        walker.run(|| {
            let shared = &shared;
            let canonical_root = &canonical_root;
            // Each walker thread gathers its own finds and hands them over once, at its end.
            let mut local = Batch {
                items: Vec::new(),
                into: shared,
            };
            Box::new(move |entry| {
                if let Some(f) = visit(entry, root, canonical_root, exclude) {
                    local.items.push(f);
                }
                ignore::WalkState::Continue
            })
        });
        found.extend(shared.into_inner().unwrap_or_else(|e| e.into_inner()));
        if found.len() == before {
            return Err(RunError::Usage(format!(
                "no catalogue files (*.yaml, *.yml) under `{}`",
                show(root)
            )));
        }
    }
    sort(&mut found);
    found.dedup();
    Ok(found)
}

/// Sorts in `Found`'s own order. For normalised paths, comparing components (`a/b` before
/// `a-b`) is comparing bytes with `/` below every other byte, and a byte key sorts at memcmp
/// speed: `Path`'s comparison parses components on every call, which made this sort, on one
/// core, a tenth of a re-check with one file changed.
pub(crate) fn sort(found: &mut [Found]) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        found.sort_by_cached_key(|f| {
            let path = f.path().as_os_str().as_bytes();
            let key: Vec<u8> = path
                .iter()
                .map(|&b| if b == b'/' { 0 } else { b })
                .collect();
            match f {
                Found::File(_) => (0u8, key, String::new()),
                Found::Problem { message, .. } => (1, key, message.clone()),
            }
        });
    }
    #[cfg(not(unix))]
    found.sort_unstable();
}

/// A walker thread's finds, handed to the shared list when the thread is done.
struct Batch<'a> {
    items: Vec<Found>,
    into: &'a std::sync::Mutex<Vec<Found>>,
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        let mut all = self.into.lock().unwrap_or_else(|e| e.into_inner());
        all.append(&mut self.items);
    }
}

/// What one entry of a folder walk contributes, if anything.
fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    canonical_root: &Path,
    exclude: &Globs,
) -> Option<Found> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => {
            return Some(Found::Problem {
                path: error_path(&err).unwrap_or_else(|| root.to_path_buf()),
                message: walk_message(&err),
            });
        }
    };
    let path = entry.path();
    if exclude.matches(path) {
        return None;
    }
    if entry.path_is_symlink() {
        return resolve_link(path, canonical_root);
    }
    let kind = entry.file_type()?;
    // A pipe, socket or device named like a catalogue file is reported (never opened),
    // not silently skipped; only folders are left out.
    (!kind.is_dir() && is_catalogue_file(path)).then(|| Found::File(path.to_path_buf()))
}

/// Walks a config's folder for files matching `include` and not `exclude`.
pub fn walk_included(
    dir: &Path,
    include: &Globs,
    exclude: &Globs,
    show: &dyn Fn(&Path) -> String,
) -> Result<Vec<Found>, RunError> {
    let all = walk(&[dir.to_path_buf()], exclude, show)?;
    kept_by_include(all, include, dir, show)
}

/// The files of a walk of `dir` that `include` matches; none is a usage error. (Also the
/// end of [`crate::memory::Folder::walk_included`].)
pub(crate) fn kept_by_include(
    all: Vec<Found>,
    include: &Globs,
    dir: &Path,
    show: &dyn Fn(&Path) -> String,
) -> Result<Vec<Found>, RunError> {
    let kept: Vec<Found> = all
        .into_iter()
        .filter(|f| include.matches(f.path()))
        .collect();
    if kept.is_empty() {
        return Err(RunError::Usage(format!(
            "the config's `include` globs match no catalogue file under `{}`",
            show(dir)
        )));
    }
    Ok(kept)
}

/// What a symbolic link met during a walk contributes: its file, when it leads to a
/// catalogue file inside the folder; a problem, when it dangles, loops or leads outside;
/// nothing, when it leads to a folder inside (the walk reaches that folder directly).
fn resolve_link(link: &Path, root: &Path) -> Option<Found> {
    let named_like_catalogue = is_catalogue_file(link);
    let target = match std::fs::canonicalize(link) {
        Ok(t) => t,
        Err(e) => {
            return named_like_catalogue.then(|| Found::Problem {
                path: link.to_path_buf(),
                message: format!("broken symbolic link ({e})"),
            });
        }
    };
    let inside = target.starts_with(root);
    if target.is_dir() {
        return (!inside).then(|| Found::Problem {
            path: link.to_path_buf(),
            message: format!(
                "symbolic link to the folder `{}`, outside the catalogue folder; not followed",
                target.display()
            ),
        });
    }
    if !named_like_catalogue {
        return None;
    }
    if inside {
        Some(Found::File(link.to_path_buf()))
    } else {
        Some(Found::Problem {
            path: link.to_path_buf(),
            message: format!(
                "symbolic link to `{}`, outside the catalogue folder; not read",
                target.display()
            ),
        })
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn walk_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop back to `{}`", ancestor.display())
        }
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_message(err),
        ignore::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Paths whose component order and byte order could part: `/` against `-`, `.`, ` `,
    /// case, a digit, a control character, a non-ASCII name, a prefix of another.
    pub(crate) const TRICKY_PATHS: &[&str] = &[
        "/c/a-b.yaml",
        "/c/a/b.yaml",
        "/c/a.yaml",
        "/c/a",
        "/c/a b/x.yaml",
        "/c/A/x.yaml",
        "/c/a/b/c.yaml",
        "/c/a0",
        "/c/\u{e9}.yaml",
        "/c/e/z.yaml",
        "/c/a\u{1}",
        "/c/a.yml",
        "/d.yaml",
        "/c",
        "/",
    ];

    #[test]
    fn the_byte_sort_is_the_order_of_paths() {
        let names = TRICKY_PATHS;
        let mut found: Vec<Found> = names.iter().map(|n| Found::File(n.into())).collect();
        found.push(Found::Problem {
            path: "/c/a".into(),
            message: "b".into(),
        });
        found.push(Found::Problem {
            path: "/c/a".into(),
            message: "a".into(),
        });
        found.push(Found::Problem {
            path: "/b".into(),
            message: "z".into(),
        });
        let mut expected = found.clone();
        expected.sort();
        sort(&mut found);
        assert_eq!(found, expected);
    }
}
