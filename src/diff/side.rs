//! One side of a diff, read and checked as `catalint check` reads it: the working tree in
//! the current folder, a folder, or a git revision whose YAML files are read from git's
//! objects into a private temporary folder (never the working tree or the index) and
//! checked there with that revision's own `catalint.yaml` and policy. File names are then
//! shown as they would be in a checkout of that revision, relative to the current folder,
//! so that both sides name a file alike.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::git::Repo;
use super::{Collision, Finding, Place, SideInfo, Source, Unreadable, Which};
use crate::catalogue::{Catalogue, Format};
use crate::diagnostic::Diagnostic;
use crate::engine::{self, CheckOptions, ConfigChoice, Outcome};
use crate::error::RunError;
use crate::memory::Folder;
use crate::paths::{Cwd, normalise};
use crate::policy::Policy;
use crate::settings::config::{CONFIG_NAMES, Config};
use crate::source::{FileId, Location, SourceFile};
use crate::workspace::Workspace;

/// A side, checked.
pub struct Side {
    pub which: Which,
    pub label: String,
    pub outcome: Checked,
    /// Checked by applying its changes to the other side's workspace.
    pub incremental: bool,
    /// Entity indices by key (`Service:payroll`; Backstage `component:default/name`).
    keys: HashMap<String, Vec<usize>>,
}

/// What a side's check found: the parts of a check's [`Outcome`] a diff reads. The policy is
/// shared when both sides were checked by one workspace (their settings are the same).
pub struct Checked {
    pub catalogue: Catalogue,
    pub diagnostics: Vec<Diagnostic>,
    pub policy: Arc<Policy>,
    /// Which files (by id) are the side's, when not all of the catalogue's are: a
    /// workspace keeps the slot of a file HEAD removed.
    pub live: Option<Vec<bool>>,
}

impl Checked {
    pub(super) fn of(outcome: Outcome) -> Checked {
        Checked {
            catalogue: outcome.catalogue,
            diagnostics: outcome.diagnostics,
            policy: Arc::new(outcome.policy),
            live: outcome.focus,
        }
    }
}

/// A folder removed when dropped: where a revision's settings files are read.
pub(super) struct Scratch(pub PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Scratch {
    /// Files of a revision, written to a new temporary folder. In memory (`/dev/shm`) unless
    /// `TMPDIR` names a folder: creating 12,500 files on ext4 cost the diff more system time
    /// than both checks (5.7 s against 0.9 s on a loaded machine). Where memory is short
    /// (a container's small `/dev/shm`), on disk.
    pub(super) fn with(blobs: &[(&str, &[u8])]) -> Result<Scratch, RunError> {
        let shm = Path::new("/dev/shm");
        if std::env::var_os("TMPDIR").is_none()
            && shm.is_dir()
            && let Ok(s) = Scratch::new_in(shm)
            && write_tree(&s.0, blobs).is_ok()
        {
            return Ok(s);
        }
        let s = Scratch::new_in(&std::env::temp_dir())?;
        write_tree(&s.0, blobs)?;
        Ok(s)
    }

    fn new_in(base: &Path) -> Result<Scratch, RunError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = base.join(format!(
            "catalint-diff-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| {
            RunError::Io(format!(
                "cannot create a temporary folder {}: {e}",
                dir.display()
            ))
        })?;
        Ok(Scratch(normalise(&dir)))
    }
}

/// A revision's files: held in memory, where the workspace discovers and reads the
/// catalogue, and those its settings may be read from (the config's names, and files in
/// which the word `Policy` appears, as it does in every policy's `kind`) written to a
/// temporary folder, since the settings are read from disk. Its 12,500 files once all went
/// to that folder and were read back, which cost as much as the check.
pub(super) struct Revision {
    pub scratch: Scratch,
    pub folder: Folder,
}

impl Revision {
    pub(super) fn new(blobs: Vec<super::git::Blob>) -> Result<Revision, RunError> {
        use rayon::prelude::*;
        let settings: Vec<(&str, &[u8])> = blobs
            .par_iter()
            .filter(|b| may_be_settings(&b.path, &b.bytes))
            .map(|b| (b.path.as_str(), b.bytes.as_slice()))
            .collect();
        let scratch = Scratch::with(&settings)?;
        let mut folder = Folder::new(&scratch.0);
        for b in blobs {
            folder.write(&b.path, b.bytes);
        }
        Ok(Revision { scratch, folder })
    }

    pub(super) fn root(&self) -> &Path {
        &self.scratch.0
    }

    /// `open` run on the revision with the options `check` would have in `root/prefix`.
    /// When it fails (settings that read a file not written, such as a policy extending a
    /// file without the word, or anything else), every file is written and it runs again:
    /// an error is then the one a checkout would give.
    pub(super) fn open<T>(
        &self,
        prefix: &str,
        open: impl Fn(&CheckOptions, Folder) -> Result<T, RunError>,
    ) -> Result<T, RunError> {
        let run = || open(&options_at(self.root(), prefix)?, self.folder.clone());
        match run() {
            Ok(t) => Ok(t),
            Err(_) => {
                let all: Vec<(&str, &[u8])> = self
                    .folder
                    .iter()
                    .filter_map(|(p, b)| Some((p.strip_prefix(self.root()).ok()?.to_str()?, b)))
                    .collect();
                write_tree(self.root(), &all)?;
                run()
            }
        }
    }
}

/// Whether a revision's file may be read by its settings: written to the temporary folder.
fn may_be_settings(path: &str, bytes: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    CONFIG_NAMES.contains(&name) || bytes.windows(6).any(|w| w == b"Policy")
}

impl Side {
    pub fn read(
        source: &Source,
        which: Which,
        repo: Option<&Repo>,
        cwd: &Cwd,
    ) -> Result<Side, RunError> {
        let side_name = match which {
            Which::Base => "BASE",
            Which::Head => "HEAD",
        };
        let (label, outcome) = match source {
            Source::WorkingTree => (
                "working tree".to_owned(),
                Checked::of(
                    engine::check(&CheckOptions::default())
                        .map_err(|e| in_side(e, side_name, "the working tree", None))?,
                ),
            ),
            Source::Folder(dir) => {
                let root = cwd.absolute(dir);
                if !root.is_dir() {
                    return Err(RunError::Usage(format!(
                        "--base-dir {}: no such folder",
                        crate::paths::shown(dir)
                    )));
                }
                let label = format!("folder {}", crate::paths::shown(dir));
                let outcome = check_at(&root, "", cwd)
                    .map_err(|e| in_side(e, side_name, &label, Some(&root)))?;
                (label, outcome)
            }
            Source::Revision(rev) => {
                let repo = repo.ok_or_else(|| RunError::Internal("no repository".into()))?;
                let (commit, label) = revision(repo, rev)?;
                let revision = Revision::new(repo.yaml_blobs(&commit)?)?;
                let root = revision.root();
                let mut outcome = revision
                    .open(&repo.prefix, Workspace::check_once_in)
                    .map(Checked::of)
                    .map_err(|e| in_side(e, side_name, &label, Some(root)))?;
                rename(&mut outcome.catalogue, root, &repo.prefix, cwd);
                (label, outcome)
            }
        };
        Ok(Side::new(which, label, outcome))
    }

    /// A side from what its check found.
    pub(super) fn new(which: Which, label: String, outcome: Checked) -> Side {
        let mut keys: HashMap<String, Vec<usize>> = HashMap::new();
        let backstage = outcome.policy.kinds.format() == Format::Backstage;
        for e in outcome.catalogue.iter() {
            let Some(id) = e.entity.id.as_deref() else {
                continue;
            };
            let key = match backstage {
                true => id.to_owned(),
                false => format!("{}:{id}", e.kind().as_str()),
            };
            keys.entry(key).or_default().push(e.index);
        }
        Side {
            which,
            label,
            outcome,
            keys,
            incremental: false,
        }
    }

    /// The keys that name one entity on this side.
    pub fn singles(&self) -> impl Iterator<Item = (&str, &usize)> {
        let mut v: Vec<(&str, &usize)> = self
            .keys
            .iter()
            .filter(|(_, v)| v.len() == 1)
            .map(|(k, v)| (k.as_str(), &v[0]))
            .collect();
        v.sort();
        v.into_iter()
    }

    pub fn single(&self, key: &str) -> Option<usize> {
        match self.keys.get(key).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        }
    }

    pub fn collides(&self, key: &str) -> bool {
        self.keys.get(key).is_some_and(|v| v.len() > 1)
    }

    pub fn collisions(&self) -> Vec<Collision> {
        let mut out: Vec<Collision> = self
            .keys
            .iter()
            .filter(|(_, v)| v.len() > 1)
            .map(|(key, v)| Collision {
                side: self.which,
                key: key.clone(),
                places: v
                    .iter()
                    .map(|&i| {
                        let e = self.outcome.catalogue.entity(i);
                        self.place(&e.at_value("/metadata"))
                    })
                    .collect(),
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// The id as shown: `payroll`; Backstage's `component:default/name`.
    pub fn display_id(&self, index: usize) -> &str {
        self.outcome.catalogue.entity(index).id()
    }

    /// Whether entity `i` here and `j` of `other` are in files of one name and one text.
    /// The whole file's text, not the document's: a document's span is built by parsing
    /// its file again (spans are lazy), which for a 10,000-file catalogue cost more than
    /// both checks together.
    pub fn same_document(&self, i: usize, other: &Side, j: usize) -> bool {
        let (a, b) = (
            self.outcome.catalogue.entity(i),
            other.outcome.catalogue.entity(j),
        );
        let (fa, fb) = (
            self.outcome.catalogue.files.get(a.file()),
            other.outcome.catalogue.files.get(b.file()),
        );
        fa.path == fb.path && fa.text == fb.text
    }

    pub fn file_of(&self, index: usize) -> &str {
        let e = self.outcome.catalogue.entity(index);
        &self.outcome.catalogue.files.get(e.file()).path
    }

    pub fn place(&self, at: &Location) -> Place {
        let f = self.outcome.catalogue.files.get(at.file);
        let start = f.line_col(at.span.start);
        let end = f.line_col(at.span.end);
        Place {
            side: self.which,
            file: f.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }

    pub fn info(&self) -> SideInfo {
        let files = match &self.outcome.live {
            Some(live) => live.iter().filter(|&&l| l).count(),
            None => self.outcome.catalogue.files.len(),
        };
        SideInfo {
            label: self.label.clone(),
            files,
            entities: self.outcome.catalogue.entities.len(),
        }
    }

    /// Files that could not be read, or whose YAML does not parse (wholly or from some
    /// document on).
    fn broken_files(&self) -> Vec<(FileId, String)> {
        const RULES: [&str; 4] = [
            "yaml-syntax",
            "unreadable-file",
            "yaml-limit",
            "yaml-unsupported",
        ];
        let mut out: Vec<(FileId, String)> = Vec::new();
        for d in &self.outcome.diagnostics {
            if RULES.contains(&d.rule.as_ref()) && !out.iter().any(|(f, _)| *f == d.file()) {
                out.push((d.file(), format!("{}: {}", d.rule, d.message)));
            }
        }
        out
    }
}

/// Writes a revision's files below `root`: folders first, then the files in parallel (a
/// 10,000-file catalogue is mostly system calls).
fn write_tree(root: &Path, blobs: &[(&str, &[u8])]) -> Result<(), RunError> {
    use rayon::prelude::*;
    let mut dirs: Vec<PathBuf> = blobs
        .iter()
        .filter_map(|(p, _)| root.join(p).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d)
            .map_err(|e| RunError::Io(format!("cannot create {}: {e}", d.display())))?;
    }
    blobs.par_iter().try_for_each(|(p, bytes)| {
        let path = root.join(p);
        std::fs::write(&path, bytes)
            .map_err(|e| RunError::Io(format!("cannot write {}: {e}", path.display())))
    })
}

/// The commit a revision names, and the side's label: `main (3f2a9c1d0b7e)`.
pub(super) fn revision(repo: &Repo, rev: &str) -> Result<(String, String), RunError> {
    let (commit, short) = repo.resolve(rev)?;
    let label = if rev.starts_with(&short) || commit == *rev {
        short
    } else {
        format!("{rev} ({short})")
    };
    Ok((commit, label))
}

/// Checks the catalogue below `root` as `catalint check` would, run in `root/prefix`.
fn check_at(root: &Path, prefix: &str, cwd: &Cwd) -> Result<Checked, RunError> {
    let mut outcome = Checked::of(engine::check(&options_at(root, prefix)?)?);
    rename(&mut outcome.catalogue, root, prefix, cwd);
    Ok(outcome)
}

/// The options `catalint check` run in `root/prefix` would have.
pub(super) fn options_at(root: &Path, prefix: &str) -> Result<CheckOptions, RunError> {
    let start = normalise(&root.join(prefix));
    // The revision's own config, found as check finds it (in the folder and its ancestors),
    // but never above the revision's top: a config beside the temporary folder is not part
    // of the revision.
    let config = start
        .ancestors()
        .take_while(|d| d.starts_with(root))
        .flat_map(|d| CONFIG_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file());
    let has_include = match &config {
        Some(path) => !Config::load(path)?.include.is_empty(),
        None => false,
    };
    Ok(CheckOptions {
        // With `include`, the config defines the catalogue (no path given); without, the
        // catalogue is the folder check would run in.
        paths: if has_include { Vec::new() } else { vec![start] },
        config: config.map_or(ConfigChoice::None, ConfigChoice::File),
        ..CheckOptions::default()
    })
}

/// Names the files of a catalogue checked below `root` as a checkout would show them.
pub(super) fn rename(catalogue: &mut Catalogue, root: &Path, prefix: &str, cwd: &Cwd) {
    let renamed: Vec<(FileId, SourceFile)> = catalogue
        .files
        .iter()
        .map(|(id, f)| {
            let name = shown_name(&f.path, root, prefix, cwd);
            (id, SourceFile::new(name, f.text.clone()))
        })
        .collect();
    for (id, f) in renamed {
        catalogue.files.replace(id, f);
    }
}

/// The name a file below `root` would have in a checkout where the current folder is
/// `root/prefix`: `services/a.yaml`, or `../teams/t.yaml` for one above it.
fn shown_name(name: &str, root: &Path, prefix: &str, cwd: &Cwd) -> String {
    let abs = cwd.absolute(Path::new(name));
    let Ok(rel) = abs.strip_prefix(root) else {
        return name.to_owned();
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let here: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    let common = parts
        .iter()
        .zip(&here)
        .take_while(|(a, b)| a.as_str() == **b)
        .count();
    let mut out: Vec<&str> = vec![".."; here.len() - common];
    out.extend(parts[common..].iter().map(String::as_str));
    out.join("/")
}

/// A side's error, said to be that side's, with the temporary folder out of its paths.
pub(super) fn in_side(e: RunError, side: &str, label: &str, root: Option<&Path>) -> RunError {
    let clean = |m: String| match root {
        Some(r) => m.replace(&format!("{}/", r.display()), ""),
        None => m,
    };
    match e {
        RunError::Usage(m) => RunError::Usage(format!("{side} ({label}): {}", clean(m))),
        RunError::Io(m) => RunError::Io(format!("{side} ({label}): {}", clean(m))),
        RunError::Internal(m) => RunError::Internal(format!("{side} ({label}): {m}")),
        RunError::Settings { files, diagnostics } => {
            let mut renamed = crate::source::Files::with_capacity(files.len());
            for (_, f) in files.iter() {
                renamed.add(SourceFile::new(clean(f.path.clone()), f.text.clone()));
            }
            // Each finding says whose settings it is about: both sides have a policy.yaml.
            let diagnostics = diagnostics
                .into_iter()
                .map(|mut d| {
                    d.message = format!("{side} ({label}): {}", d.message);
                    d
                })
                .collect();
            RunError::Settings {
                files: renamed,
                diagnostics,
            }
        }
    }
}

/// The files a side could not read, with the entities of the other side that they held.
pub(super) fn unreadable(base: &Side, head: &Side) -> Vec<Unreadable> {
    let mut out = Vec::new();
    for side in [base, head] {
        for (file, reason) in side.broken_files() {
            out.push(Unreadable {
                side: side.which,
                file: side.outcome.catalogue.files.get(file).path.clone(),
                reason,
                entities: Vec::new(),
            });
        }
    }
    out
}

/// Findings HEAD has that BASE had not, and the other way round, matched as baselines
/// match them (file, rule, pointer and the offending text: not by line).
pub(super) fn findings(base: &Side, head: &Side) -> (Vec<Finding>, Vec<Finding>) {
    use crate::diagnostic::{Fingerprint, fingerprint};
    let count = |side: &Side| {
        let mut m: HashMap<Fingerprint, usize> = HashMap::new();
        for d in &side.outcome.diagnostics {
            *m.entry(fingerprint(d, &side.outcome.catalogue.files))
                .or_default() += 1;
        }
        m
    };
    let only = |side: &Side, mut other: HashMap<Fingerprint, usize>| -> Vec<Finding> {
        let mut out = Vec::new();
        for d in &side.outcome.diagnostics {
            let fp = fingerprint(d, &side.outcome.catalogue.files);
            match other.get_mut(&fp) {
                Some(n) if *n > 0 => *n -= 1,
                _ => out.push(Finding {
                    rule: d.rule.to_string(),
                    severity: d.severity,
                    message: d.message.clone(),
                    place: side.place(&d.primary.location),
                }),
            }
        }
        out
    };
    (only(head, count(base)), only(base, count(head)))
}
