//! A one-shot check through the on-disk cache ([`crate::cache`]): the workspace's state of
//! the last run is read back and brought up to date as a change would bring it.
//!
//! Every file is read and hashed. When every text, the set of files and the key are what
//! the snapshot holds, the findings are the snapshot's, and nothing is parsed or checked
//! ("replay"). Otherwise the files whose text the snapshot knows get back their documents
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
use crate::cache::{self, Snapshot};
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
    },
    Problem(Box<Input>),
}

impl Workspace {
    /// Opens a workspace for one check, reading and writing the cache in `dir`.
    pub(crate) fn open_cached(opts: &CheckOptions, dir: &Path) -> Result<Workspace, RunError> {
        let mut timings = Timings::default();
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
        let snapshot = Snapshot::read(&path, key);
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
                match read::read_text(&f.found, &f.name, id, settings.file_size) {
                    Ok(text) => {
                        let hash = cache::hash_text(&text);
                        let hit = known.get(f.found.path()).copied().filter(|&j| {
                            snapshot.as_ref().is_some_and(|s| s.files[j].hash == hash)
                        });
                        Read::Text {
                            text: text.into(),
                            hash,
                            hit,
                        }
                    }
                    Err(problem) => Read::Problem(problem),
                }
            })
            .collect();
        timings.mark("read and hash");
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
            ws.finish(raw);
            return Ok(ws);
        }
        let limits = ws.settings.limits;
        let states: Vec<(FileState, bool)> = files
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
                        return (state, false);
                    }
                    Read::Text { text, hash, hit } => (text, hash, hit),
                };
                let s = snapshot.as_ref();
                let kept = hit.and_then(|j| {
                    let s = s?;
                    let results = s.results(j, &remap)?;
                    let docs = match s.has_documents(j) {
                        true => Some(s.documents(j, &text, &limits)?),
                        false => None,
                    };
                    Some((results, docs))
                });
                match kept {
                    Some((results, Some(docs))) => {
                        let input = Input::restored(id, &f.name, text, docs);
                        (
                            FileState::restored(f.found, f.name, input, results, hash),
                            true,
                        )
                    }
                    Some((results, None)) => {
                        let input = Input::from_text(id, &f.name, text, &limits);
                        (
                            FileState::restored(f.found, f.name, input, results, hash),
                            false,
                        )
                    }
                    None => {
                        let input = Input::from_text(id, &f.name, text, &limits);
                        let mut state = FileState::new(f.found, f.name, input);
                        state.hash = Some(hash);
                        (state, false)
                    }
                }
            })
            .collect();
        // Documents to copy into the next snapshot as they are: by file id, the entry.
        let mut copies: Vec<Option<usize>> = vec![None; states.len()];
        if let Some(s) = &snapshot {
            let mut gone = vec![true; s.files.len()];
            for (i, (state, copied)) in states.iter().enumerate() {
                if state.hash.is_some()
                    && let Some(&j) = known.get(state.found.path())
                {
                    gone[j] = state.is_dirty();
                    if *copied {
                        copies[i] = Some(j);
                    }
                }
            }
            // The ids of files changed or gone since the snapshot: their dependants are
            // checked again, as after an edit.
            let mut old_ids = Vec::new();
            for (j, _) in gone.iter().enumerate().filter(|(_, g)| **g) {
                match s.ids(j) {
                    Some(ids) => old_ids.extend(ids),
                    None => return Self::open_cold(ws, states, &path, key),
                }
            }
            ws.state.restored_ids = Some(old_ids);
            ws.state.checked = true;
            ws.state.scan_mentions = true;
        }
        ws.state.files = states.into_iter().map(|(s, _)| s).collect();
        ws.timings.mark("read and load");
        ws.check();
        let copies: Vec<Option<&[u8]>> = copies
            .iter()
            .map(|j| snapshot.as_ref()?.document_bytes((*j)?))
            .collect();
        ws.save(&path, key, &copies);
        ws.timings.mark("cache write");
        Ok(ws)
    }

    /// A check of files read, as if no snapshot were there (one that does not decode).
    fn open_cold(
        mut ws: Workspace,
        states: Vec<(FileState, bool)>,
        path: &Path,
        key: u64,
    ) -> Result<Workspace, RunError> {
        // Restored states keep cached results: those are not trusted either.
        let found: Vec<FileState> = states
            .into_iter()
            .map(|(s, _)| s.into_fresh(&ws.settings.limits))
            .collect();
        ws.state.files = found;
        ws.state.restored_ids = None;
        ws.state.checked = false;
        ws.timings.mark("read and load");
        ws.check();
        ws.save(path, key, &[]);
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
    fn save(&self, path: &Path, key: u64, copies: &[Option<&[u8]>]) {
        if let (Some(records), Some(wide)) =
            (self.state.records(copies), self.state.wide_findings())
        {
            let entities = self.state.catalogue.entities.len();
            let _ = cache::save(path, key, entities, &wide, &records);
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

    /// The file as if the cache had not known it: loaded again from its text, results
    /// dropped, to be checked.
    pub(super) fn into_fresh(mut self, limits: &crate::load::Limits) -> Self {
        if !self.dirty {
            if let Some(input) = self.pending.take() {
                let text = std::sync::Arc::clone(&input.source.text);
                let fresh = Input::from_text(input.file, &self.name, text, limits);
                self.pending = Some(Box::new(fresh));
            }
            self.dirty = true;
        }
        self
    }
}

impl State {
    /// What the snapshot keeps besides the files' results: the index's findings and the
    /// catalogue-wide rules' ([`State::keep_wide`] keeps those); `None` if they were not kept.
    fn wide_findings(&self) -> Option<Vec<Diagnostic>> {
        let wide = self.catalogue_wide.as_ref()?;
        let indexed = self.files.iter().zip(&self.indexed).filter(|(f, _)| f.live);
        let indexed = indexed.flat_map(|(_, found)| found);
        Some(indexed.chain(wide.findings()).cloned().collect())
    }

    /// What the cache keeps of each file, in file id order (the snapshot's positions); `None`
    /// unless every file is live and read from disk (a state that changes has removed slots;
    /// an editor's texts are not the disk's).
    pub(super) fn records<'a>(
        &'a self,
        copies: &[Option<&'a [u8]>],
    ) -> Option<Vec<crate::cache::Record<'a>>> {
        let mut ids: Vec<Vec<(Kind, &str)>> = vec![Vec::new(); self.files.len()];
        for e in self.catalogue.iter() {
            if let (Some(slot), Some(id)) =
                (ids.get_mut(e.file().0 as usize), e.entity.id.as_deref())
            {
                slot.push((e.kind(), id));
            }
        }
        self.files
            .iter()
            .zip(ids)
            .enumerate()
            .map(|(i, (f, ids))| {
                let hash = f.hash.filter(|_| f.live)?;
                let docs = match copies.get(i).copied().flatten() {
                    Some(bytes) => crate::cache::Docs::Copy(bytes),
                    None => {
                        let range = self.documents_of.get(i).cloned().unwrap_or(0..0);
                        let docs = self.catalogue.documents[range].iter().map(|d| &d.doc);
                        crate::cache::Docs::Encode(docs.collect())
                    }
                };
                Some(crate::cache::Record {
                    path: f.found.path(),
                    hash,
                    loaded: &f.loaded,
                    schema: f
                        .schema
                        .iter()
                        .map(|d| (&d.findings[..], &d.failed[..]))
                        .collect(),
                    own: &f.own,
                    across: &f.across,
                    ids,
                    docs,
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
