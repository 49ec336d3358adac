//! The engine's one entry: a catalogue opened once and kept in memory, then told what
//! changed (a file's new text from an editor, a file written, created or deleted on disk, the
//! config or the policy), after which its findings are those of a fresh check again.
//!
//! `catalint check` opens a workspace and reports its findings; the language server keeps
//! one per folder. A change re-reads and re-parses only the files it names and keeps the
//! schema results of the others (`state.rs` says what is redone and why).

mod cached;
mod index;
mod outcome;
mod redo;
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
use crate::discover::Found;
use crate::error::RunError;
use crate::memory::Folder;
use crate::paths::Cwd;
use crate::policy::Level;
use crate::read::{self, Input};
use crate::schema::Schemas;
use crate::select::{self, Selection};
use crate::settings::config::FailOn;
use crate::settings::{CheckOptions, Settings};
use crate::source::{FileId, Files};
use crate::timings::Timings;

use state::{Env, FileState, State};

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

    /// Brings the workspace's files in line with a selection: new files are read, files no
    /// longer selected are removed. Files already here keep their ids and their results.
    fn admit(&mut self, selection: Selection) {
        if self.state.files.is_empty() {
            return self.admit_first(selection);
        }
        let Selection { files, focus, .. } = selection;
        let selected: HashMap<PathBuf, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.found.path().to_path_buf(), i))
            .collect();
        for (path, &id) in &self.by_path {
            if !selected.contains_key(path) {
                self.state.files[id.0 as usize].remove();
            }
        }
        let mut new: Vec<(FileId, select::Selected)> = Vec::new();
        // A file that never was here gets the next free slot; one that comes back (restored
        // after a delete) takes its old slot again, and uses up no new one.
        let mut next_slot = self.state.files.len();
        for f in files {
            let path = f.found.path().to_path_buf();
            match self.by_path.get(&path) {
                Some(&id) if self.state.files[id.0 as usize].live => {}
                Some(&id) => new.push((id, f)),
                None => {
                    let id = file_id(next_slot);
                    next_slot += 1;
                    self.by_path.insert(path, id);
                    new.push((id, f));
                }
            }
        }
        self.state.files.reserve(new.len());
        let inputs: Vec<Input> = new
            .par_iter()
            .map(|(id, f)| self.read_found(*id, &f.found, &f.name))
            .collect();
        for ((id, f), input) in new.into_iter().zip(inputs) {
            let slot = id.0 as usize;
            if slot < self.state.files.len() {
                self.state.files[slot].replace(input);
            } else {
                // New slots were handed out in order: each is the next one pushed.
                debug_assert_eq!(slot, self.state.files.len());
                self.state
                    .files
                    .push(FileState::new(f.found, f.name, input));
            }
        }
        // Which files are reported, by id: a focused selection names them by position.
        self.state.focus = focus.map(|marks| {
            let mut by_id = vec![false; self.state.files.len()];
            for (path, &i) in &selected {
                if let (Some(&id), Some(true)) = (self.by_path.get(path), marks.get(i)) {
                    by_id[id.0 as usize] = true;
                }
            }
            by_id
        });
    }

    /// The first selection: file ids are positions in it, every file is read straight into
    /// its slot (no list of what is new, no second copy of the inputs), and the map from
    /// paths to ids is built only for a workspace that will be told of changes.
    fn admit_first(&mut self, selection: Selection) {
        let Selection { files, focus, .. } = selection;
        let states: Vec<FileState> = files
            .into_par_iter()
            .enumerate()
            .map(|(i, f)| {
                let input = self.read_found(file_id(i), &f.found, &f.name);
                FileState::new(f.found, f.name, input)
            })
            .collect();
        if !self.state.once {
            self.by_path = states
                .iter()
                .enumerate()
                .map(|(i, s)| (s.found.path().to_path_buf(), file_id(i)))
                .collect();
        }
        self.state.files = states;
        // A focused selection marks its files by position, which is their id here.
        self.state.focus = focus;
    }

    fn exists(&self, path: &Path) -> bool {
        self.overlay.contains_key(path)
            || match &self.folder {
                Some(folder) => folder.exists(path),
                None => path.exists(),
            }
    }

    fn read(&self, id: FileId) -> Input {
        let state = &self.state.files[id.0 as usize];
        self.read_found(id, &state.found, &state.name)
    }

    fn read_found(&self, id: FileId, found: &Found, name: &str) -> Input {
        let in_folder = || self.folder.as_ref().and_then(|f| f.get(found.path()));
        match self.overlay.get(found.path()) {
            Some(text) => Input::in_memory(id, name, text, &self.read_limits()),
            None => match in_folder() {
                Some(bytes) => read::from_bytes(
                    bytes,
                    name,
                    id,
                    self.settings.file_size,
                    &self.settings.limits,
                ),
                None => read::read(
                    found,
                    name,
                    id,
                    self.settings.file_size,
                    &self.settings.limits,
                ),
            },
        }
    }

    fn read_limits(&self) -> read::ReadLimits {
        read::ReadLimits {
            file_size: self.settings.file_size,
            load: self.settings.limits,
        }
    }

    /// Stages 3 to 6: index, schemas and rules for what changed, then suppressions,
    /// severities, the baseline, the reported files and the order, over every finding.
    fn check(&mut self) {
        let settings = &self.settings;
        let off = |rule: &str| settings.off_everywhere(rule);
        let env = Env {
            policy: &settings.policy,
            // The policy's: organisation fields and kinds composed in, compiled once.
            schemas: &settings.policy.schemas,
            off: &off,
        };
        let raw = self.state.check(&env, &mut self.timings);
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
