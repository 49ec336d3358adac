//! Stage 1b: what the catalogue is and which of its files are reported. Without an
//! `include`, the paths given are the catalogue. With one, the config defines the whole
//! catalogue and the paths given (pre-commit's staged files) only choose what is reported;
//! a named file outside the catalogue is skipped and counted, never linted, so a commit
//! that touches a workflow file or `mkdocs.yml` is not blocked by catalint.
//!
//! Every path is absolute and normalised here (one spelling per file: `cat`, `./cat` and
//! `cat/../cat` name one folder), and given the name that every report shows: relative to
//! the current folder.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::discover::{self, Found, Globs};
use crate::error::RunError;
use crate::memory::Folder;
use crate::paths::Cwd;
use crate::settings::config::Config;

/// One file to read, and the name it is shown under.
#[derive(Debug, Clone)]
pub struct Selected {
    pub found: Found,
    pub name: String,
}

/// The files of a run.
#[derive(Debug, Default)]
pub struct Selection {
    /// Every catalogue file, sorted by name, each once.
    pub files: Vec<Selected>,
    /// The files whose findings are reported (by position in `files`), when not all are.
    pub focus: Option<Vec<bool>>,
    /// Named files that are not part of the catalogue (outside `include`, excluded, or the
    /// config and policy files themselves).
    pub skipped: usize,
}

impl Selection {
    /// How many files the run reports on.
    pub fn reported(&self) -> usize {
        match &self.focus {
            Some(f) => f.iter().filter(|&&x| x).count(),
            None => self.files.len(),
        }
    }
}

/// Chooses the files of a run. `settings_files` are the config and policy files in use:
/// they are never catalogue files, wherever they lie.
pub fn select(
    paths: &[PathBuf],
    config: &Config,
    settings_files: &[PathBuf],
    cwd: &Cwd,
) -> Result<Selection, RunError> {
    select_in(None, paths, config, settings_files, cwd)
}

/// [`select`] over the files of `folder` when one is given (a revision held in memory), or
/// of the disk.
pub fn select_in(
    folder: Option<&Folder>,
    paths: &[PathBuf],
    config: &Config,
    settings_files: &[PathBuf],
    cwd: &Cwd,
) -> Result<Selection, RunError> {
    let walk = |paths: &[PathBuf], exclude: &Globs, show: &dyn Fn(&Path) -> String| match folder {
        Some(f) => f.walk(paths, exclude, show),
        None => discover::walk(paths, exclude, show),
    };
    let config_dir = cwd.absolute(&config.dir);
    let settings: HashSet<PathBuf> = settings_files.iter().map(|p| cwd.absolute(p)).collect();
    let exclude = Globs::new(&config_dir, &config.exclude)?;
    let named: Vec<PathBuf> = if paths.is_empty() && config.include.is_empty() {
        vec![cwd.dir().to_path_buf()]
    } else {
        paths.iter().map(|p| cwd.absolute(p)).collect()
    };
    // Roots named with an absolute path: the command line's, and the config's folder when
    // the config was named so (its `include` is walked from there).
    let mut named_absolutely: Vec<&Path> = paths
        .iter()
        .filter(|p| p.is_absolute())
        .map(|p| p.as_path())
        .collect();
    if config.dir.is_absolute() && !config.include.is_empty() {
        named_absolutely.push(&config.dir);
    }
    let name_of = |path: &Path| {
        let absolute = !cwd_contains(cwd, path)
            && named_absolutely
                .iter()
                .any(|n| path.starts_with(crate::paths::normalise(n)));
        cwd.show(path, absolute)
    };
    let into_selected = |found: Found| Selected {
        name: name_of(found.path()),
        found,
    };

    if config.include.is_empty() {
        let found = walk(&named, &exclude, &name_of)?;
        let named_files: HashSet<&Path> = named.iter().map(PathBuf::as_path).collect();
        let mut skipped = 0;
        // Folder walks leave excluded files out already; a file named explicitly is
        // dropped here, and counted: the user asked for it.
        let files: Vec<Selected> = found
            .into_iter()
            .filter(|f| {
                let keep = !settings.contains(f.path()) && !exclude.matches(f.path());
                skipped += usize::from(!keep && named_files.contains(f.path()));
                keep
            })
            .map(into_selected)
            .collect();
        return Ok(Selection {
            files,
            focus: None,
            skipped,
        });
    }

    // The config defines the catalogue; the paths given only choose what is reported.
    let include = Globs::new(&config_dir, &config.include)?;
    let all = match folder {
        Some(f) => f.walk_included(&config_dir, &include, &exclude, &name_of)?,
        None => discover::walk_included(&config_dir, &include, &exclude, &name_of)?,
    };
    let all: Vec<Found> = all
        .into_iter()
        .filter(|f| !settings.contains(f.path()))
        .collect();
    if paths.is_empty() {
        return Ok(Selection {
            files: all.into_iter().map(into_selected).collect(),
            focus: None,
            skipped: 0,
        });
    }
    let asked = walk(&named, &Globs::new(&config_dir, &[])?, &name_of)?;
    let asked: HashSet<&Path> = asked.iter().map(Found::path).collect();
    let mut focus = Vec::with_capacity(all.len());
    let mut reported = 0;
    for f in &all {
        let yes = asked.contains(f.path());
        reported += usize::from(yes);
        focus.push(yes);
    }
    Ok(Selection {
        skipped: asked.len() - reported,
        files: all.into_iter().map(into_selected).collect(),
        focus: Some(focus),
    })
}

fn cwd_contains(cwd: &Cwd, path: &Path) -> bool {
    path.starts_with(cwd.dir())
}
