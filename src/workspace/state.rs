//! What a workspace keeps between checks, and the check itself: stages 3 to 5 (index,
//! schemas, rules) over files already read, redoing only what a changed file can change.
//!
//! Per file it keeps the loader's and the index's findings, the schema results of its
//! documents, the findings of the rules that read only their own entity, and those of the
//! rules that look other entities up. After an edit, the index updates by file (the edited
//! file's ids out, its new ids in: [`Catalogue::replace_file`]); a file that came or went
//! builds it again in discovery's order. The rules that look others up run again only for
//! the files whose answer the change can alter ([`State::lookups_to_redo`] says which, and
//! why), and the catalogue-wide rules only for what those files and the touched ids reach
//! ([`rules::wide`]). The first check, and every check of a focused run, runs everything.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::catalogue::{Catalogue, Kind, SourceDocument};
use crate::diagnostic::Diagnostic;
use crate::discover::Found;
use crate::policy::Policy;
use crate::read::Input;
use crate::rules::{self, Context};
use crate::schema::Schemas;
use crate::source::{FileId, SourceFile};
use crate::timings::Timings;

use super::stages::{
    admit_input, catalogue_rules, collect_strings, entity_rules, files_mentioning, mention_key,
    validate_document,
};

/// What the stages read besides the files: the policy, the compiled schemas, and which
/// rules are off everywhere (their checks are skipped).
pub(crate) struct Env<'a> {
    pub policy: &'a Policy,
    pub schemas: &'a Schemas,
    pub off: &'a (dyn Fn(&str) -> bool + Sync),
}

/// One file of the workspace. A removed file keeps its slot, so that file ids never move.
pub(crate) struct FileState {
    /// Where it was found (sorts the catalogue as discovery does).
    pub found: Found,
    pub name: String,
    pub live: bool,
    /// Read, but not yet run through schemas and rules. A pending input of a file that is
    /// not dirty comes from the cache: its documents are new, its results are kept.
    pub(super) pending: Option<Box<Input>>,
    /// The reading problem, the loader's findings and `empty-file`.
    pub(super) loaded: Vec<Diagnostic>,
    /// Per document of the file, in order; empty for a file whose documents are all clean.
    pub(super) schema: Vec<DocCheck>,
    /// Findings of the per-entity rules that read nothing but their entity.
    pub(super) own: Vec<Diagnostic>,
    /// Findings of the per-entity rules that look other entities up.
    pub(super) across: Vec<Diagnostic>,
    /// The hash of the text read from disk, when the run keeps a cache.
    pub(super) hash: Option<crate::cache::Hash>,
    /// Every string its documents hold (the ids they may name), once the workspace has been
    /// changed at least once.
    pub(super) mentions: Vec<Box<str>>,
    /// Changed (new text, new reading problem, or removed) since the last check.
    pub(super) dirty: bool,
}

#[derive(Debug, Default)]
pub(super) struct DocCheck {
    pub findings: Vec<Diagnostic>,
    /// Pointers whose values broke the schema: the domain rules leave them alone.
    pub failed: Vec<String>,
}

impl DocCheck {
    fn is_empty(&self) -> bool {
        self.findings.is_empty() && self.failed.is_empty()
    }
}

impl FileState {
    pub fn new(found: Found, name: String, input: Input) -> Self {
        Self {
            found,
            name,
            live: true,
            pending: Some(Box::new(input)),
            loaded: Vec::new(),
            schema: Vec::new(),
            own: Vec::new(),
            across: Vec::new(),
            mentions: Vec::new(),
            dirty: true,
            hash: None,
        }
    }

    /// A new text (or a new reading problem) for this file.
    pub fn replace(&mut self, input: Input) {
        self.live = true;
        self.pending = Some(Box::new(input));
        self.dirty = true;
    }

    pub fn remove(&mut self) {
        self.live = false;
        self.pending = None;
        self.loaded.clear();
        self.schema.clear();
        self.own.clear();
        self.across.clear();
        self.dirty = true;
    }
}

/// The checked catalogue and its per-file results.
#[derive(Default)]
pub(crate) struct State {
    pub files: Vec<FileState>,
    pub catalogue: Catalogue,
    /// The files whose findings are reported, by id, when not all are.
    pub focus: Option<Vec<bool>>,
    /// Where each file's documents lie in the catalogue's list, by file id.
    pub(super) documents_of: Vec<std::ops::Range<usize>>,
    /// Which files name a string (see [`FileState::mentions`]): built on the first change,
    /// never for a one-shot check.
    mentioned_by: Option<HashMap<Box<str>, Vec<FileId>>>,
    /// Whether a check has run: the first checks everything.
    pub(super) checked: bool,
    /// The index's findings (documents that are not entities of a known kind), by file id.
    pub(super) indexed: Vec<Vec<Diagnostic>>,
    /// By file id: where the file stands in the index's file order, for the files whose
    /// documents are in it (`None`: not in the index).
    rank: Vec<Option<usize>>,
    /// The catalogue-wide rules' findings, kept by what decides them (see
    /// [`rules::wide`]): built on the first change, never for a one-shot check unless
    /// [`State::keep_wide`] asks.
    pub(super) catalogue_wide: Option<rules::wide::Wide>,
    /// Check every file whole even when only some are reported (`focus`): the cache keeps
    /// whole results, and the reported ones are chosen afterwards.
    pub(super) unfocused: bool,
    /// For a state restored from the cache: the ids that the files changed since (or gone)
    /// had then, in place of the index's, which a restored state has not built yet.
    pub(super) restored_ids: Option<Vec<(Kind, Box<str>)>>,
    /// Keep [`State::catalogue_wide`] on a first check too: the cache writes its findings.
    pub(super) keep_wide: bool,
    /// Find the files that name a touched id by scanning, not by an index of mentions.
    pub(super) scan_mentions: bool,
}

impl State {
    /// Files held in memory, read and waiting for their first check.
    pub fn from_texts(files: &[(&str, &str)], limits: &crate::read::ReadLimits) -> State {
        let inputs: Vec<Input> = files
            .par_iter()
            .enumerate()
            .map(|(i, (name, text))| {
                Input::in_memory(
                    FileId(u32::try_from(i).unwrap_or(u32::MAX)),
                    name,
                    text,
                    limits,
                )
            })
            .collect();
        let files = files
            .iter()
            .zip(inputs)
            .map(|((name, _), input)| {
                let found = Found::File(std::path::PathBuf::from(name));
                FileState::new(found, (*name).to_owned(), input)
            })
            .collect();
        State {
            files,
            ..State::default()
        }
    }

    /// Runs stages 3 to 5 for what changed since the last call and returns every raw
    /// finding of the catalogue (before suppressions and severities).
    pub fn check(&mut self, env: &Env<'_>, timings: &mut Timings) -> Vec<Diagnostic> {
        let changed: Vec<bool> = self.files.iter().map(|f| f.dirty).collect();
        // A file came or went: the index is built again (in discovery's order). A state
        // restored from the cache has no index yet, and may have lost files.
        let restored = self.restored_ids.is_some();
        let structural = restored
            || self
                .files
                .iter()
                .enumerate()
                .any(|(i, f)| f.dirty && self.in_index(i) != f.live);
        // The ids the changed files defined, read from the index before it changes (a
        // first check has none to read): nothing is kept per file for this.
        let (old_ids, old_teams) = match self.restored_ids.take() {
            Some(ids) => (ids, false),
            None => self.ids_of(&changed),
        };
        // 3. Index.
        match self.checked && !structural {
            true => self.update_catalogue(env),
            false => self.rebuild_catalogue(env),
        }
        let (new_ids, new_teams) = self.ids_of(&changed);
        let recheck = self.lookups_to_redo(env, &changed, structural, &old_ids, &new_ids);
        timings.mark("index");

        // 4. Schema validation and YAML 1.1 ambiguity, for the changed files.
        self.validate(env, &changed);
        let failures = self.schema_failures();
        timings.mark("schema");

        // 5. Rules: per entity, then catalogue-wide.
        let cx = Context::new(&self.catalogue, env.policy).with_schema_failures(failures);
        let found = entity_rules(&cx, env, self.check_focus(), &changed, &recheck);
        let mut diagnostics = found.uncached;
        let wide = match (self.checked || self.keep_wide, self.check_focus().is_some()) {
            (true, false) => {
                let mut ids: Vec<Box<str>> = old_ids
                    .iter()
                    .chain(&new_ids)
                    .map(|(_, id)| id.clone())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let format = env.policy.kinds.format();
                let (mentioned_by, documents_of) = (&self.mentioned_by, &self.documents_of);
                let catalogue = &self.catalogue;
                // Each file's entities are handed out once per check: the graph search keeps
                // every candidate it was given (see `Dependants`).
                let handed = std::cell::RefCell::new(std::collections::HashSet::new());
                let dependants = |id: &str| -> Vec<usize> {
                    let files = mentioned_by
                        .as_ref()
                        .and_then(|m| m.get(&mention_key(format, id)));
                    let mut handed = handed.borrow_mut();
                    files
                        .into_iter()
                        .flatten()
                        .filter(|f| handed.insert(f.0))
                        .filter_map(|f| documents_of.get(f.0 as usize).cloned())
                        .flat_map(|docs| catalogue.entities_in(docs))
                        .collect()
                };
                let reach = rules::wide::Reach {
                    files: &recheck,
                    ids: &ids,
                    teams: old_teams || new_teams,
                    dependants: match mentioned_by {
                        Some(_) => Some(&dependants),
                        None => None,
                    },
                };
                let wide = match self.catalogue_wide.take() {
                    Some(mut wide) => {
                        wide.update(&cx, Some(&reach), env.off);
                        wide
                    }
                    None => {
                        let mut wide = rules::wide::Wide::default();
                        wide.update(&cx, None, env.off);
                        wide
                    }
                };
                diagnostics.extend(wide.findings().cloned());
                Some(wide)
            }
            _ => {
                diagnostics.extend(catalogue_rules(&cx, env));
                None
            }
        };
        drop(cx);
        self.catalogue_wide = wide;
        for (i, f) in self.files.iter_mut().enumerate() {
            if recheck[i] {
                f.across.clear();
            }
            f.dirty = false;
        }
        for (file, (own, across)) in found.by_file {
            let f = &mut self.files[file.0 as usize];
            f.own.extend(own);
            f.across.extend(across);
        }
        for (i, f) in self.files.iter().enumerate().filter(|(_, f)| f.live) {
            diagnostics.extend(self.indexed.get(i).into_iter().flatten().cloned());
            diagnostics.extend(f.loaded.iter().cloned());
            for d in &f.schema {
                diagnostics.extend(d.findings.iter().cloned());
            }
            diagnostics.extend(f.own.iter().cloned());
            diagnostics.extend(f.across.iter().cloned());
        }
        self.checked = true;
        timings.mark("rules");
        diagnostics
    }

    /// The files checked as reported ones: all, when the state checks unfocused.
    fn check_focus(&self) -> Option<&[bool]> {
        match self.unfocused {
            true => None,
            false => self.focus.as_deref(),
        }
    }

    fn in_index(&self, i: usize) -> bool {
        self.rank.get(i).is_some_and(Option::is_some)
    }

    /// The ids (with kinds) that the changed files' entities have in the index as it is, and
    /// whether one of them is a team: none before the first check, when everything is
    /// checked anyway.
    fn ids_of(&self, changed: &[bool]) -> (Vec<(Kind, Box<str>)>, bool) {
        if !self.checked {
            return (Vec::new(), false);
        }
        let mut ids = Vec::new();
        let mut teams = false;
        for (i, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
            if !self.in_index(i) {
                continue;
            }
            let docs = self.documents_of.get(i).cloned().unwrap_or(0..0);
            for e in self.catalogue.entities_in(docs) {
                let e = &self.catalogue.entities[e];
                teams |= e.kind == Kind::Team;
                if let Some(id) = e.id.as_deref() {
                    ids.push((e.kind, id.into()));
                }
            }
        }
        (ids, teams)
    }

    /// The files whose lookup rules must run again: the changed ones; those that name an id
    /// the changed files defined before or define now (a target that came, went or changed);
    /// and, when the set of ids changed, those with lookup findings (a "did you mean" is
    /// chosen among all ids). Everything on the first check and in a focused run, which
    /// keeps nothing. A Backstage catalogue's relations name entities in other forms than
    /// their ids (`Team-A`, `group:team-a`, a default namespace): there, what a string may
    /// name is its name part in lower case ([`mention_key`]), on both sides; and a file that
    /// came or went redoes everything (a Location's targets are files).
    fn lookups_to_redo(
        &mut self,
        env: &Env<'_>,
        changed: &[bool],
        structural: bool,
        old_ids: &[(Kind, Box<str>)],
        new_ids: &[(Kind, Box<str>)],
    ) -> Vec<bool> {
        let format = env.policy.kinds.format();
        let backstage = format == crate::catalogue::Format::Backstage;
        if !self.checked || self.check_focus().is_some() || (backstage && structural) {
            return vec![true; self.files.len()];
        }
        let mut redo = changed.to_vec();
        // A state restored from the cache may have lost files and changed none: their old
        // ids still send their dependants to be checked again.
        if !changed.iter().any(|&c| c) && old_ids.is_empty() {
            return redo;
        }
        if self.scan_mentions {
            // Restored from the cache for one check: scanning the documents for the few ids
            // touched is cheaper than an index of every string, which only a later change
            // would use.
            let keys: Vec<Box<str>> = old_ids
                .iter()
                .chain(new_ids)
                .map(|(_, id)| mention_key(format, id))
                .collect();
            let hits = files_mentioning(&self.catalogue, &self.documents_of, &redo, &keys, format);
            for i in hits {
                redo[i] = true;
            }
        } else {
            self.update_mentions(changed, format);
            let Some(mentioned_by) = &self.mentioned_by else {
                return vec![true; self.files.len()];
            };
            for (_, id) in old_ids.iter().chain(new_ids) {
                let key = mention_key(format, id);
                for f in mentioned_by.get(&key).into_iter().flatten() {
                    redo[f.0 as usize] = true;
                }
            }
        }
        let (mut a, mut b) = (old_ids.to_vec(), new_ids.to_vec());
        a.sort();
        b.sort();
        if a != b {
            for (i, f) in self.files.iter().enumerate() {
                redo[i] |= !f.across.is_empty();
            }
        }
        redo
    }

    /// Keeps [`State::mentioned_by`] in step with the changed files (building it whole on
    /// the first change).
    fn update_mentions(&mut self, changed: &[bool], format: crate::catalogue::Format) {
        let build_all = self.mentioned_by.is_none();
        let mut index = self.mentioned_by.take().unwrap_or_default();
        let catalogue = &self.catalogue;
        let todo: Vec<usize> = (0..self.files.len())
            .filter(|&i| build_all || changed[i])
            .collect();
        let fresh: Vec<(usize, Vec<Box<str>>)> = todo
            .into_par_iter()
            .map(|i| {
                let docs = self.documents_of.get(i).cloned().unwrap_or(0..0);
                let mut strings = Vec::new();
                for d in &catalogue.documents[docs] {
                    collect_strings(d.doc.value.root(), &mut strings);
                }
                if format == crate::catalogue::Format::Backstage {
                    for s in &mut strings {
                        *s = mention_key(format, s);
                    }
                }
                strings.sort_unstable();
                strings.dedup();
                (i, strings)
            })
            .collect();
        for (i, strings) in fresh {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            let state = &mut self.files[i];
            if !build_all {
                for old in &state.mentions {
                    if let Some(files) = index.get_mut(old) {
                        files.retain(|f| *f != id);
                    }
                }
            }
            for s in &strings {
                index.entry(s.clone()).or_default().push(id);
            }
            state.mentions = strings;
        }
        self.mentioned_by = Some(index);
    }

    /// Stage 3 after an edit: each changed file's documents replaced in the index, which
    /// updates by file (its ids out, its new ids in; see [`Catalogue::replace_file`]).
    /// Only for files already in the index: one that came needs discovery's order.
    fn update_catalogue(&mut self, env: &Env<'_>) {
        for i in 0..self.files.len() {
            if !self.files[i].dirty || !self.in_index(i) {
                continue;
            }
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            let state = &mut self.files[i];
            let documents = match state.pending.take() {
                Some(input) => admit_input(state, id, *input, &mut self.catalogue.files),
                None => {
                    // Removed: its slot stays, empty, so that file ids never move.
                    let empty = SourceFile::new(state.name.clone(), "");
                    self.catalogue.files.replace(id, empty);
                    Vec::new()
                }
            };
            let live = state.live;
            let range = self.documents_of[i].clone();
            let count = documents.len();
            self.indexed[i] =
                self.catalogue
                    .replace_file(id, range.clone(), documents, &env.policy.kinds);
            let shift = count as isize - range.len() as isize;
            if shift != 0 {
                let rank = self.rank[i];
                for (j, docs) in self.documents_of.iter_mut().enumerate() {
                    if self.rank.get(j).copied().flatten() > rank {
                        docs.start = docs.start.saturating_add_signed(shift);
                        docs.end = docs.end.saturating_add_signed(shift);
                    }
                }
            }
            self.documents_of[i] = range.start..range.start + count;
            if !live {
                self.rank[i] = None;
                self.indexed[i].clear();
            }
        }
    }

    /// Stage 3: the catalogue's documents in file order, with the changed files' new ones
    /// in place of their old ones, and the index built again over them.
    fn rebuild_catalogue(&mut self, env: &Env<'_>) {
        let (mut files, old_documents) = std::mem::take(&mut self.catalogue).into_parts();
        files.reserve(self.files.len().saturating_sub(files.len()));
        // A re-check sorts the kept documents by file; a first check has none, and moves each
        // file's loaded documents straight into the catalogue's list (one copy, as before
        // there was a workspace: a catalogue of 12,000 files would otherwise peak higher).
        let mut kept: Vec<Vec<SourceDocument>> = Vec::new();
        if !old_documents.is_empty() {
            kept.resize_with(self.files.len(), Vec::new);
            for d in old_documents {
                kept[d.file.0 as usize].push(d);
            }
        }
        let mut loaded_docs: Vec<Option<Vec<crate::load::Document>>> = Vec::new();
        loaded_docs.resize_with(self.files.len(), || None);
        for (i, state) in self.files.iter_mut().enumerate() {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            let Some(input) = state.pending.take().map(|b| *b) else {
                if !state.live && i < files.len() {
                    files.replace(id, SourceFile::new(state.name.clone(), ""));
                    if let Some(k) = kept.get_mut(i) {
                        k.clear();
                    }
                }
                continue;
            };
            if let Some(k) = kept.get_mut(i) {
                k.clear();
            }
            loaded_docs[i] = Some(admit_input(state, id, input, &mut files));
        }
        // Discovery's order, whatever order files joined the workspace in: `unique-id`
        // names the first of the entities that share an id.
        let mut order: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files[i].live)
            .collect();
        order.sort_by(|&a, &b| self.files[a].found.cmp(&self.files[b].found));
        let total = kept.iter().map(Vec::len).sum::<usize>()
            + loaded_docs.iter().flatten().map(Vec::len).sum::<usize>();
        let mut documents = Vec::with_capacity(total);
        self.documents_of = vec![0..0; self.files.len()];
        self.rank = vec![None; self.files.len()];
        for (rank, &i) in order.iter().enumerate() {
            let start = documents.len();
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            match loaded_docs[i].take() {
                Some(docs) => {
                    documents.extend(docs.into_iter().map(|doc| SourceDocument { file: id, doc }))
                }
                None => {
                    if let Some(k) = kept.get_mut(i) {
                        documents.append(k);
                    }
                }
            }
            self.documents_of[i] = start..documents.len();
            self.rank[i] = Some(rank);
        }
        let (catalogue, findings) = Catalogue::build(files, documents, &env.policy.kinds);
        self.catalogue = catalogue;
        self.indexed = vec![Vec::new(); self.files.len()];
        for d in findings {
            if let Some(slot) = self.indexed.get_mut(d.file().0 as usize) {
                slot.push(d);
            }
        }
    }

    /// Stage 4 for the documents of changed files. Outside a focused run's reported files,
    /// only the pointers that broke the schema are wanted (the domain rules leave those
    /// values alone everywhere); no finding is built.
    fn validate(&mut self, env: &Env<'_>, changed: &[bool]) {
        let catalogue = &self.catalogue;
        // The kind of each document that is an entity: looked up for the changed files'
        // documents only (entities are in document order).
        let kind = |d: usize| {
            let e = catalogue.entities_in(d..d + 1);
            catalogue
                .entities
                .get(e.start)
                .filter(|_| !e.is_empty())
                .map(|e| e.kind)
        };
        let todo: Vec<(usize, Option<Kind>)> = (0..self.files.len())
            .filter(|&i| changed[i] && self.files[i].live)
            .flat_map(|i| self.documents_of[i].clone())
            .map(|d| (d, kind(d)))
            .collect();
        let focus = self.check_focus();
        let checked: Vec<(usize, DocCheck)> = todo
            .into_par_iter()
            .map(|(i, kind)| (i, validate_document(env, catalogue, i, kind, focus)))
            .collect();
        for (i, check) in checked {
            let file = self.catalogue.documents[i].file;
            self.files[file.0 as usize].schema.push(check);
        }
        // A clean file keeps no per-document results (most files of a catalogue are clean).
        for (i, state) in self.files.iter_mut().enumerate() {
            if changed[i] && state.schema.iter().all(DocCheck::is_empty) {
                state.schema = Vec::new();
            }
        }
    }

    /// The pointers that broke the schema, by document, as the rules look them up.
    fn schema_failures(&self) -> rules::SchemaFailures {
        let mut failed = rules::SchemaFailures::default();
        for (state, range) in self.files.iter().zip(&self.documents_of) {
            for (document, check) in range.clone().zip(&state.schema) {
                for p in &check.failed {
                    failed.add(document, p);
                }
            }
        }
        failed
    }
}
