//! A one-shot check through the on-disk cache ([`crate::cache`]): the workspace's state of
//! the last run is read back and brought up to date as a change would bring it.
//!
//! A file whose metadata is what the snapshot recorded, and safely older than the run that
//! recorded it ([`cache::Stat`]), is not read: its text is the snapshot's. Every other file
//! is read and hashed. When every text, the set of files and the key are what the snapshot
//! holds, the findings are the snapshot's, and nothing is parsed or checked ("replay"). Otherwise the files whose text the snapshot knows get back their documents
//! (no parsing) and their results, the others are loaded as usual and marked changed, and
//! the workspace's re-check runs: the index and the catalogue-wide rules over everything,
//! schema and per-entity rules for the changed files, lookups for the files that name an id
//! they touched (including the ids of files gone since). The state is then written back.
//! The check always runs unfocused, so that what is written is whole; a focused run (pre-
//! commit) chooses its reported files afterwards, as it does anyway.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::state::{DocCheck, FileState, State};
use super::{Workspace, file_id};
use crate::cache::{self, Snapshot, Stat};
use crate::catalogue::{Catalogue, Kind};
use crate::diagnostic::Diagnostic;
use crate::discover::Found;
use crate::error::RunError;
use crate::paths::Cwd;
use crate::read::{self, Input};
use crate::select::{self, Selection};
use crate::settings::{CheckOptions, Settings};
use crate::source::{FileId, Files, SourceFile};
use crate::timings::Timings;

/// A file as read for a cached check.
enum Read {
    Text {
        text: Arc<str>,
        hash: cache::Hash,
        /// The snapshot's entry for this path, when its text is the same.
        hit: Option<usize>,
        /// Its metadata, taken before its text was read.
        stat: Option<Stat>,
        /// Whether its text is the snapshot's, trusted by its metadata, not read.
        unread: bool,
    },
    Problem(Box<Input>),
}

/// What a new snapshot keeps of a file besides its results.
pub(super) struct Kept<'a> {
    stat: Option<Stat>,
    /// Its body as the old snapshot stored it, for a text unchanged since.
    stored: Option<cache::snapshot::Stored<'a>>,
    /// Whether it was read as text (else: a reading problem, nothing kept).
    text: bool,
}

impl Workspace {
    /// Opens a workspace for one check, reading and writing the cache in `dir`.
    pub(crate) fn open_cached(opts: &CheckOptions, dir: &Path) -> Result<Workspace, RunError> {
        Self::open_cached_with(opts, dir, true)
    }

    /// `trust`: whether to read the snapshot at all (not after one that did not decode).
    fn open_cached_with(
        opts: &CheckOptions,
        dir: &Path,
        trust: bool,
    ) -> Result<Workspace, RunError> {
        let mut timings = Timings::default();
        // Before any file is looked at: what a file changed after this moment shows.
        let started = cache::stat::now();
        let settings = Settings::load(opts)?;
        let baseline = opts
            .baseline
            .as_deref()
            .map(crate::baseline::Baseline::read)
            .transpose()?;
        let cwd = Cwd::current();
        let selection = select::select(&opts.paths, &settings.config, &settings.files(), &cwd)?;
        timings.mark("discover");
        let key = cache::key(&settings, opts, cwd.dir());
        let path = cache::snapshot_path(dir, cwd.dir(), &roots(opts, &settings, &cwd));
        let snapshot = Snapshot::read(&path, key).filter(|_| trust);
        timings.mark("cache read");
        let Selection {
            files,
            focus,
            skipped,
        } = selection;
        let known: HashMap<&Path, usize> = snapshot
            .iter()
            .flat_map(|s| s.files.iter().enumerate())
            .map(|(i, e)| (e.path.as_path(), i))
            .collect();
        let reads: Vec<Read> = files
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let id = file_id(i);
                let path = f.found.path();
                let stat = match &f.found {
                    Found::File(_) => std::fs::metadata(path)
                        .ok()
                        .filter(std::fs::Metadata::is_file)
                        .map(|m| Stat::of(&m)),
                    Found::Problem { .. } => None,
                };
                let entry = known.get(path).copied();
                if let (Some(s), Some(j), Some(stat)) = (&snapshot, entry, stat)
                    && s.files[j].stat == Some(stat)
                    && stat.trusted(s.started)
                    && let Some(text) = s.text(j)
                {
                    return Read::Text {
                        text: text.into(),
                        hash: s.files[j].hash,
                        hit: Some(j),
                        stat: Some(stat),
                        unread: true,
                    };
                }
                match read::read_text(&f.found, &f.name, id, settings.file_size) {
                    Ok(text) => {
                        let hash = cache::hash_text(&text);
                        let hit = entry.filter(|&j| {
                            snapshot.as_ref().is_some_and(|s| s.files[j].hash == hash)
                        });
                        Read::Text {
                            text: text.into(),
                            hash,
                            hit,
                            stat,
                            unread: false,
                        }
                    }
                    Err(problem) => Read::Problem(problem),
                }
            })
            .collect();
        timings.mark("stat, read and hash");
        // Positions in the snapshot -> this run's file ids.
        let mut new_id: Vec<Option<FileId>> = vec![None; known.len()];
        for (i, f) in files.iter().enumerate() {
            if let Some(&j) = known.get(f.found.path()) {
                new_id[j] = Some(file_id(i));
            }
        }
        let remap = |j: u32| new_id.get(j as usize).copied().flatten();
        let mut ws = Workspace {
            opts: opts.clone(),
            cwd,
            settings,
            baseline,
            state: State::default(),
            by_path: HashMap::new(),
            overlay: HashMap::new(),
            skipped,
            diagnostics: Vec::new(),
            summary: crate::diagnostic::Summary::default(),
            baselined: 0,
            reported: None,
            timings,
            replayed_entities: None,
            folder: None,
        };
        for (i, f) in files.iter().enumerate() {
            ws.by_path.insert(f.found.path().to_path_buf(), file_id(i));
        }
        ws.state.focus = focus;
        ws.state.unfocused = true;
        ws.state.keep_wide = true;
        let unchanged = snapshot.as_ref().is_some_and(|s| {
            s.files.len() == reads.len()
                && reads
                    .iter()
                    .enumerate()
                    .all(|(i, r)| matches!(r, Read::Text { hit: Some(j), .. } if *j == i))
        });
        if let (true, Some(s)) = (unchanged, &snapshot)
            && let Some(raw) = ws.replay(s, &files, &reads, &remap)
        {
            ws.timings.mark("cache replay");
            // Texts read (touched, or written too close to the last run to trust their
            // metadata then) are trusted by the metadata found now, from the next run on.
            let read_some = reads
                .iter()
                .any(|r| matches!(r, Read::Text { unread: false, .. }));
            if read_some {
                let stats: Vec<Option<Stat>> = reads
                    .iter()
                    .map(|r| match r {
                        Read::Text { stat, .. } => *stat,
                        Read::Problem(_) => None,
                    })
                    .collect();
                let _ = s.restat(key, started, &stats);
                ws.timings.mark("cache write");
            }
            ws.finish(raw);
            return Ok(ws);
        }
        let kept: Vec<Kept<'_>> = reads
            .iter()
            .map(|r| match r {
                Read::Text { hit, stat, .. } => Kept {
                    stat: *stat,
                    stored: hit.and_then(|j| snapshot.as_ref()?.stored(j)),
                    text: true,
                },
                Read::Problem(_) => Kept {
                    stat: None,
                    stored: None,
                    text: false,
                },
            })
            .collect();
        let limits = ws.settings.limits;
        let states: Vec<FileState> = files
            .into_par_iter()
            .zip(reads)
            .enumerate()
            .map(|(i, (f, read))| {
                let id = file_id(i);
                let (text, hash, hit) = match read {
                    Read::Problem(input) => {
                        let mut state = FileState::new(f.found, f.name, *input);
                        // Never equal to a text's hash in practice: read again next time.
                        state.hash = Some(0);
                        return state;
                    }
                    Read::Text {
                        text, hash, hit, ..
                    } => (text, hash, hit),
                };
                let s = snapshot.as_ref();
                let restored = hit.and_then(|j| {
                    let s = s?;
                    let results = s.results(j, &remap)?;
                    let docs = match s.has_documents(j) {
                        true => Some(s.documents(j, &text, &limits)?),
                        false => None,
                    };
                    Some((results, docs))
                });
                match restored {
                    Some((results, docs)) => {
                        let input = match docs {
                            Some(docs) => Input::restored(id, &f.name, text, docs),
                            None => Input::from_text(id, &f.name, text, &limits),
                        };
                        FileState::restored(f.found, f.name, input, results, hash)
                    }
                    None => {
                        let input = Input::from_text(id, &f.name, text, &limits);
                        let mut state = FileState::new(f.found, f.name, input);
                        state.hash = Some(hash);
                        state
                    }
                }
            })
            .collect();
        if let Some(s) = &snapshot {
            let mut gone = vec![true; s.files.len()];
            for state in &states {
                if state.hash.is_some()
                    && let Some(&j) = known.get(state.found.path())
                {
                    gone[j] = state.is_dirty();
                }
            }
            // The ids of files changed or gone since the snapshot: their dependants are
            // checked again, as after an edit.
            let mut old_ids = Vec::new();
            for (j, _) in gone.iter().enumerate().filter(|(_, g)| **g) {
                match s.ids(j) {
                    Some(ids) => old_ids.extend(ids),
                    // Not to be trusted in anything, texts included: read every file.
                    None => return Self::open_cached_with(opts, dir, false),
                }
            }
            // A team without an id is written with an empty one: its mailbox counts too.
            let teams = old_ids.iter().any(|(kind, _)| *kind == Kind::Team);
            old_ids.retain(|(_, id)| !id.is_empty());
            // The catalogue-wide findings as the snapshot kept them, brought up to date by
            // what the change reaches; without them, the rules run whole.
            ws.state.catalogue_wide = s
                .wide_state(&remap)
                .map(crate::rules::wide::Wide::from_parts);
            ws.state.restored_ids = Some((old_ids, teams));
            ws.state.checked = true;
            ws.state.scan_mentions = true;
        }
        ws.state.files = states;
        ws.timings.mark("read and load");
        ws.check();
        ws.save(&path, key, started, &kept);
        ws.timings.mark("cache write");
        Ok(ws)
    }

    /// The findings as the snapshot holds them, for files all unchanged; `None` if they do
    /// not decode.
    fn replay(
        &mut self,
        s: &Snapshot,
        files: &[select::Selected],
        reads: &[Read],
        remap: &dyn Fn(u32) -> Option<FileId>,
    ) -> Option<Vec<Diagnostic>> {
        let mut raw = s.wide(remap)?;
        let mut sources = Files::with_capacity(files.len());
        let mut states = Vec::with_capacity(files.len());
        for (i, (f, r)) in files.iter().zip(reads).enumerate() {
            let Read::Text { text, hash, .. } = r else {
                return None;
            };
            let results = s.results(i, remap)?;
            raw.extend(results.loaded.iter().cloned());
            for (findings, _) in &results.schema {
                raw.extend(findings.iter().cloned());
            }
            raw.extend(results.own.iter().cloned());
            raw.extend(results.across.iter().cloned());
            sources.add(SourceFile::new(f.name.clone(), Arc::clone(text)));
            let input = Input::restored(file_id(i), &f.name, Arc::clone(text), Vec::new());
            let mut state =
                FileState::restored(f.found.clone(), f.name.clone(), input, results, *hash);
            state.drop_pending();
            states.push(state);
        }
        let (catalogue, _) = Catalogue::build(sources, Vec::new(), &self.settings.policy.kinds);
        self.state.catalogue = catalogue;
        self.state.files = states;
        self.replayed_entities = Some(s.entities);
        Some(raw)
    }

    /// Writes the state back; a cache that cannot be written is skipped.
    fn save(&self, path: &Path, key: u64, started: i64, kept: &[Kept<'_>]) {
        if let (Some(records), Some(wide)) = (self.state.records(kept), &self.state.catalogue_wide)
        {
            let entities = self.state.catalogue.entities.len();
            let indexed = self.state.indexed_findings();
            let _ = cache::save(
                path,
                key,
                started,
                entities,
                &indexed,
                &wide.parts(),
                &records,
            );
        }
    }
}

impl FileState {
    /// A file whose text the cache knows: its documents from `input`, its results as the
    /// cache kept them, nothing to redo unless a change elsewhere asks for it.
    pub(super) fn restored(
        found: Found,
        name: String,
        input: Input,
        results: crate::cache::Results,
        hash: crate::cache::Hash,
    ) -> Self {
        let crate::cache::Results {
            loaded,
            schema,
            own,
            across,
        } = results;
        Self {
            loaded,
            schema: schema
                .into_iter()
                .map(|(findings, failed)| DocCheck { findings, failed })
                .collect(),
            own,
            across,
            dirty: false,
            hash: Some(hash),
            ..Self::new(found, name, input)
        }
    }

    pub(super) fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Lets go of the input of a file that will not be checked (a replayed check).
    pub(super) fn drop_pending(&mut self) {
        self.pending = None;
    }
}

impl State {
    /// The index's findings (documents that are not entities of a known kind), which the
    /// snapshot keeps beside the catalogue-wide rules' for a replay.
    fn indexed_findings(&self) -> Vec<Diagnostic> {
        let indexed = self.files.iter().zip(&self.indexed).filter(|(f, _)| f.live);
        indexed.flat_map(|(_, found)| found).cloned().collect()
    }

    /// What the cache keeps of each file, in file id order (the snapshot's positions); `None`
    /// unless every file is live and read from disk (a state that changes has removed slots;
    /// an editor's texts are not the disk's).
    pub(super) fn records<'a>(
        &'a self,
        kept: &'a [Kept<'a>],
    ) -> Option<Vec<crate::cache::Record<'a>>> {
        let mut ids: Vec<Vec<(Kind, &str)>> = vec![Vec::new(); self.files.len()];
        for e in self.catalogue.iter() {
            // A team without an id is kept with an empty one: a check after it changed must
            // know a team changed (the mailboxes of `individual-owner`).
            let id = match (e.entity.id.as_deref(), e.kind()) {
                (Some(id), _) => id,
                (None, Kind::Team) => "",
                (None, _) => continue,
            };
            if let Some(slot) = ids.get_mut(e.file().0 as usize) {
                slot.push((e.kind(), id));
            }
        }
        self.files
            .iter()
            .zip(ids)
            .enumerate()
            .map(|(i, (f, ids))| {
                let hash = f.hash.filter(|_| f.live)?;
                let k = kept.get(i)?;
                let body = match (k.stored, k.text) {
                    (Some(stored), _) => crate::cache::Body::Stored(stored),
                    (None, true) => {
                        let range = self.documents_of.get(i).cloned().unwrap_or(0..0);
                        let docs = self.catalogue.documents[range].iter().map(|d| &d.doc);
                        let id = FileId(u32::try_from(i).ok()?);
                        crate::cache::Body::Encode {
                            text: &self.catalogue.files.get(id).text,
                            docs: docs.collect(),
                        }
                    }
                    (None, false) => crate::cache::Body::None,
                };
                Some(crate::cache::Record {
                    path: f.found.path(),
                    hash,
                    stat: k.stat,
                    loaded: &f.loaded,
                    schema: f
                        .schema
                        .iter()
                        .map(|d| (&d.findings[..], &d.failed[..]))
                        .collect(),
                    own: &f.own,
                    across: &f.across,
                    ids,
                    body,
                })
            })
            .collect()
    }
}

/// What names the catalogue: the config's folder when its `include` defines it, else the
/// paths named (the current folder when none).
fn roots(opts: &CheckOptions, settings: &Settings, cwd: &Cwd) -> Vec<PathBuf> {
    if !settings.config.include.is_empty() {
        return vec![cwd.absolute(&settings.config.dir)];
    }
    let mut roots: Vec<PathBuf> = opts.paths.iter().map(|p| cwd.absolute(p)).collect();
    if roots.is_empty() {
        roots.push(cwd.dir().to_path_buf());
    }
    roots.sort();
    roots
}

#[cfg(test)]
#[path = "cached_tests.rs"]
mod tests;
