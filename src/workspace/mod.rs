//! The engine's one entry: a catalogue opened once and kept in memory, then told what
//! changed (a file's new text from an editor, a file written, created or deleted on disk, the
//! config or the policy), after which its findings are those of a fresh check again.
//!
//! `catalint check` opens a workspace and reports its findings; the language server keeps
//! one per folder. A change re-reads and re-parses only the files it names and keeps the
//! schema results of the others (`state.rs` says what is redone and why).

mod admit;
mod cached;
mod index;
mod outcome;
mod redo;
mod splice;
mod stages;
mod state;

pub use outcome::Outcome;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::catalogue::Catalogue;
use crate::diagnostic::{self, Diagnostic, Summary};
use crate::error::RunError;
use crate::memory::Folder;
use crate::paths::Cwd;
use crate::policy::Level;
use crate::read::{self, Input};
use crate::schema::Schemas;
use crate::select;
use crate::settings::config::FailOn;
use crate::settings::{CheckOptions, Settings};
use crate::source::{FileId, Files};
use crate::timings::Timings;

use state::{Env, State};

/// Something that changed since the workspace last checked.
#[derive(Debug, Clone)]
pub enum Change {
    /// An editor's text for a file: it wins over the file on disk until [`Change::Closed`].
    Text { path: PathBuf, text: String },
    /// The editor let go of the file: its text is the disk's again.
    Closed(PathBuf),
    /// A file was written, created or deleted on disk (a rename is two of these).
    OnDisk(PathBuf),
    /// The config or a policy file changed: everything is read and checked again.
    Settings,
    /// A file of the folder held in memory ([`Workspace::open_in`]) written (`Some`, its
    /// new bytes) or deleted (`None`), by absolute path. The settings are read from disk:
    /// such a change to a settings file is refused.
    InFolder {
        path: PathBuf,
        bytes: Option<Vec<u8>>,
    },
}

/// A catalogue held in memory, checked, and checked again as it changes.
pub struct Workspace {
    opts: CheckOptions,
    cwd: Cwd,
    settings: Settings,
    baseline: Option<Baseline>,
    state: State,
    /// File ids by absolute, normalised path.
    by_path: HashMap<PathBuf, FileId>,
    /// Texts an editor holds, by absolute path.
    overlay: HashMap<PathBuf, Arc<str>>,
    skipped: usize,
    diagnostics: Vec<Diagnostic>,
    summary: Summary,
    baselined: usize,
    /// The files reported, by id, when not all are (see [`Workspace::report`]).
    reported: Option<Vec<bool>>,
    timings: Timings,
    /// The entities of a check replayed from the cache, which builds no index.
    replayed_entities: Option<usize>,
    /// The catalogue's files, when they are held in memory rather than on disk.
    folder: Option<Folder>,
}

impl Workspace {
    /// Reads the settings, finds and reads the catalogue's files, and checks them.
    pub fn open(opts: &CheckOptions) -> Result<Workspace, RunError> {
        Self::open_with(opts, HashMap::new(), false, None)
    }

    /// [`Workspace::open`] over the files of a folder held in memory instead of the disk's
    /// (a git revision's, for `catalint diff`): the catalogue is discovered in it and read
    /// from it, under the paths it gives; the settings (`opts`' config and policy) are read
    /// from disk. Both are told apart nowhere else: names, globs, findings and re-checks are
    /// those of a folder on disk holding these files. Made for a few changes
    /// ([`Change::InFolder`]), not an editor's many: see `State::keep_wide`.
    pub fn open_in(opts: &CheckOptions, folder: Folder) -> Result<Workspace, RunError> {
        Self::open_with(opts, HashMap::new(), false, Some(folder))
    }

    /// One check, with nothing kept for a next one: what `catalint check` runs. No map of
    /// paths to ids, and no per-file result outlives the check (see [`State::once`]); the
    /// workspace itself never leaves this function, so nothing can ask it to re-check.
    pub fn check_once(opts: &CheckOptions) -> Result<Outcome, RunError> {
        Ok(Self::open_with(opts, HashMap::new(), true, None)?.into_outcome())
    }

    /// [`Workspace::check_once`] over a folder held in memory (see [`Workspace::open_in`]).
    pub fn check_once_in(opts: &CheckOptions, folder: Folder) -> Result<Outcome, RunError> {
        Ok(Self::open_with(opts, HashMap::new(), true, Some(folder))?.into_outcome())
    }

    fn open_with(
        opts: &CheckOptions,
        overlay: HashMap<PathBuf, Arc<str>>,
        once: bool,
        folder: Option<Folder>,
    ) -> Result<Workspace, RunError> {
        let mut timings = Timings::default();
        let settings = Settings::load(opts)?;
        let baseline = opts.baseline.as_deref().map(Baseline::read).transpose()?;
        let cwd = Cwd::current();
        // 1. Discover and select: the catalogue's files, and which of them are reported.
        let selection = select::select_in(
            folder.as_ref(),
            &opts.paths,
            &settings.config,
            &settings.files(),
            &cwd,
        )?;
        timings.mark("discover");
        let mut ws = Workspace {
            opts: opts.clone(),
            cwd,
            settings,
            baseline,
            state: State {
                once,
                // A workspace over a folder in memory is a revision's, told of one change
                // (`catalint diff`'s HEAD): the catalogue-wide findings are kept by what
                // decides them from the first check on, so that the change redoes only what
                // it reaches, and the files naming a touched id are found by a scan, cheaper
                // than an index of every string for one change.
                keep_wide: folder.is_some() && !once,
                scan_mentions: folder.is_some() && !once,
                ..State::default()
            },
            by_path: HashMap::new(),
            overlay,
            skipped: selection.skipped,
            diagnostics: Vec::new(),
            summary: Summary::default(),
            baselined: 0,
            reported: None,
            timings,
            replayed_entities: None,
            folder,
        };
        ws.admit(selection);
        ws.timings.mark("read and load");
        ws.check();
        Ok(ws)
    }

    /// Takes changes in, then checks again what they can affect.
    pub fn apply(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<(), RunError> {
        self.timings = Timings::default();
        let mut touched: Vec<PathBuf> = Vec::new();
        // A settings change reloads everything, once, after the batch's texts are taken in.
        let mut reload = false;
        for change in changes {
            match change {
                Change::Settings => reload = true,
                Change::Text { path, text } => {
                    let path = self.cwd.absolute(&path);
                    self.overlay.insert(path.clone(), text.into());
                    touched.push(path);
                }
                Change::Closed(path) => {
                    let path = self.cwd.absolute(&path);
                    self.overlay.remove(&path);
                    touched.push(path);
                }
                Change::OnDisk(path) => {
                    let path = self.cwd.absolute(&path);
                    reload |= self.is_settings_file(&path);
                    touched.push(path);
                }
                Change::InFolder { path, bytes } => {
                    let path = self.cwd.absolute(&path);
                    let Some(folder) = self.folder.as_mut() else {
                        return Err(RunError::Internal(
                            "a change to a folder in memory, in a workspace on disk".into(),
                        ));
                    };
                    if self
                        .settings
                        .files()
                        .iter()
                        .any(|s| self.cwd.absolute(s) == path)
                    {
                        return Err(RunError::Internal(
                            "the settings of a folder in memory are read from disk".into(),
                        ));
                    }
                    folder.put(path.clone(), bytes);
                    touched.push(path);
                }
            }
        }
        if reload {
            return self.reload();
        }
        let structural = touched
            .iter()
            .any(|p| self.file_id(p).is_none() || !self.exists(p));
        if structural {
            // A file came or went: discovery decides what the catalogue is now, as it does
            // for a fresh check (include, exclude, .gitignore). When it fails as a fresh
            // check would (the last file deleted, a folder gone), that is the answer, and the
            // workspace keeps its files until a change makes discovery succeed again.
            let selection = select::select_in(
                self.folder.as_ref(),
                &self.opts.paths,
                &self.settings.config,
                &self.settings.files(),
                &self.cwd,
            )?;
            self.skipped = selection.skipped;
            self.admit(selection);
        }
        let changed: Vec<(FileId, PathBuf)> = touched
            .into_iter()
            .filter_map(|p| Some((*self.by_path.get(&p)?, p)))
            .filter(|(id, _)| self.state.files[id.0 as usize].live)
            .collect();
        // One document edited in a file of many: that document is read again, and only what
        // it reaches is checked (see `splice.rs`).
        if let [(id, path)] = &changed[..]
            && !structural
            && let Some(splice) = self.plan_splice(*id, path)
        {
            self.timings.mark("read and load (one document)");
            self.state.spliced += 1;
            self.check_with(Some((*id, splice)));
            return Ok(());
        }
        let inputs: Vec<(FileId, Input)> = changed
            .par_iter()
            .map(|(id, _)| (*id, self.read(*id)))
            .collect();
        for (id, input) in inputs {
            self.state.files[id.0 as usize].replace(input);
        }
        self.timings.mark("read and load");
        self.check();
        Ok(())
    }

    /// The config or policy changed: everything is read again (editor texts stay). Settings
    /// that cannot be read leave the workspace as it was, and say why.
    fn reload(&mut self) -> Result<(), RunError> {
        *self = Self::open_with(
            &self.opts.clone(),
            self.overlay.clone(),
            self.state.once,
            self.folder.clone(),
        )?;
        Ok(())
    }

    fn is_settings_file(&self, path: &Path) -> bool {
        self.settings
            .files()
            .iter()
            .any(|s| self.cwd.absolute(s) == path)
    }

    /// Stages 3 to 6: index, schemas and rules for what changed, then suppressions,
    /// severities, the baseline, the reported files and the order, over every finding.
    fn check(&mut self) {
        self.check_with(None);
    }

    /// An edit of file `id` that can be spliced (see `splice.rs`), from its editor's text.
    fn plan_splice(&self, id: FileId, path: &Path) -> Option<splice::Splice> {
        let format = self.settings.policy.kinds.format();
        let slot = id.0 as usize;
        if !self.state.can_splice(format) || !self.state.splice_ready(slot) {
            return None;
        }
        let text = self.overlay.get(path)?;
        if text.len() as u64 > self.settings.file_size {
            return None;
        }
        let old = &self.state.catalogue.files.get(id).text;
        let docs = self.state.documents_of_file(slot);
        let name = &self.state.files[slot].name;
        splice::plan(id, name, old, text, &docs, &self.settings.limits)
    }

    fn check_with(&mut self, splice: Option<(FileId, splice::Splice)>) {
        let settings = &self.settings;
        let off = |rule: &str| settings.off_everywhere(rule);
        let env = Env {
            policy: &settings.policy,
            // The policy's: organisation fields and kinds composed in, compiled once.
            schemas: &settings.policy.schemas,
            off: &off,
        };
        let raw = match splice {
            Some((id, splice)) => self.state.check_splice(&env, &mut self.timings, id, splice),
            None => self.state.check(&env, &mut self.timings),
        };
        self.finish(raw);
    }

    /// Stage 6 over a check's raw findings.
    fn finish(&mut self, raw: Vec<Diagnostic>) {
        let settings = &self.settings;
        let files = &self.state.catalogue.files;
        let diagnostics = crate::suppress::apply(raw, files, &settings.policy, &|rule| {
            !settings.off_everywhere(rule)
        });
        let mut diagnostics: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter_map(|mut d| {
                let path = Path::new(&files.get(d.file()).path);
                match settings.level_for_file(&d.rule, path) {
                    Some(Level::Off) => return None,
                    Some(level) => d.severity = level.severity().unwrap_or(d.severity),
                    None => {}
                }
                Some(d)
            })
            .collect();
        // The baseline's counts are used up as findings match: each check starts afresh.
        self.baselined = match &self.baseline {
            Some(b) => b.clone().filter(&mut diagnostics, files),
            None => 0,
        };
        if let Some(focus) = self.state.focus.as_deref() {
            // A finding is the reported files' business when any of its places lies in one:
            // a staged copy that repeats an id, or a staged edit that closes a cycle, is
            // reported even where the finding's primary place is an unchanged file.
            diagnostics.retain(|d| d.places().any(|l| stages::in_focus(Some(focus), l.file)));
        }
        diagnostic::sort(&mut diagnostics, files);
        let mut summary = Summary::count(
            &diagnostics,
            self.reported_files(),
            self.replayed_entities
                .unwrap_or(self.state.catalogue.entities.len()),
        );
        summary.skipped = self.skipped;
        self.summary = summary;
        self.diagnostics = diagnostics;
        self.reported = self.reported_mask();
        self.timings.mark("suppressions, severities, order");
    }

    fn reported_files(&self) -> usize {
        let live = self.state.files.iter().enumerate().filter(|(_, f)| f.live);
        match &self.state.focus {
            Some(focus) => live.filter(|(i, _)| focus.get(*i) == Some(&true)).count(),
            None => live.count(),
        }
    }

    /// The findings, in output order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn summary(&self) -> Summary {
        self.summary
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.state.catalogue
    }

    pub fn files(&self) -> &Files {
        &self.state.catalogue.files
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The folder in memory the catalogue is read from, if it is.
    pub fn folder(&self) -> Option<&Folder> {
        self.folder.as_ref()
    }

    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// The absolute paths of the files the catalogue holds now (a removed file's slot is
    /// kept, and left out here).
    pub fn live_paths(&self) -> impl Iterator<Item = &Path> {
        self.state
            .files
            .iter()
            .filter(|f| f.live)
            .map(|f| f.found.path())
    }

    /// The id of a file of the catalogue, by its path (as given or absolute).
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        let id = *self.by_path.get(&self.cwd.absolute(path))?;
        self.state.files[id.0 as usize].live.then_some(id)
    }

    /// What the reporters read.
    pub fn report<'a>(&'a self, rules: &'a [crate::rules::RuleInfo]) -> crate::report::Report<'a> {
        crate::report::Report {
            fail_on: self.settings.fail_on,
            reported: self.reported.as_deref(),
            ..crate::report::Report::new(self.files(), &self.diagnostics, self.summary, rules)
        }
    }

    /// Which files are reported, by id: `None` when every file of the catalogue is. Files
    /// removed from the workspace are never reported.
    fn reported_mask(&self) -> Option<Vec<bool>> {
        let removed = self.state.files.iter().any(|f| !f.live);
        match (&self.state.focus, removed) {
            (None, false) => None,
            (focus, _) => Some(
                self.state
                    .files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| f.live && focus.as_ref().is_none_or(|m| m.get(i) == Some(&true)))
                    .collect(),
            ),
        }
    }

    /// A copy of the checked catalogue and its findings (in output order), with the files
    /// reported by id when not all are (removed files keep their slots, never reported):
    /// what `catalint diff` keeps of BASE before it applies HEAD's changes.
    pub fn snapshot(&self) -> (Catalogue, Vec<Diagnostic>, Option<Vec<bool>>) {
        (
            self.state.catalogue.clone(),
            self.diagnostics.clone(),
            self.reported.clone(),
        )
    }

    /// A finished one-shot check: what `catalint check` reports.
    pub fn into_outcome(self) -> Outcome {
        let limits = self.read_limits();
        let focus = self.reported;
        Outcome {
            limits,
            fail_on: self.settings.fail_on,
            policy: self.settings.policy,
            catalogue: self.state.catalogue,
            diagnostics: self.diagnostics,
            summary: self.summary,
            baselined: self.baselined,
            timings: self.timings,
            focus,
        }
    }

    /// How many checks since the workspace opened re-checked one edited document of a file
    /// instead of the whole file (for tests and benchmarks: the findings are the same).
    pub fn spliced_checks(&self) -> usize {
        self.state.spliced
    }

    /// The failing severity in force.
    pub fn fail_on(&self) -> FailOn {
        self.settings.fail_on
    }
}

/// See [`crate::engine::check_texts`].
pub(crate) fn check_texts(
    files: &[(&str, &str)],
    schemas: &Schemas,
    policy: &crate::policy::Policy,
    limits: &read::ReadLimits,
) -> (Catalogue, Vec<Diagnostic>) {
    let mut state = State::from_texts(files, limits);
    let env = Env {
        policy,
        schemas,
        off: &|_| false,
    };
    let raw = state.check(&env, &mut Timings::default());
    let diagnostics = crate::suppress::apply(raw, &state.catalogue.files, policy, &|_| true);
    (state.catalogue, diagnostics)
}

fn file_id(i: usize) -> FileId {
    FileId(u32::try_from(i).unwrap_or(u32::MAX))
}
