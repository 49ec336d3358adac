//! What a workspace keeps between checks, and the check itself: stages 3 to 5 (index,
//! schemas, rules) over files already read, redoing per file only what a changed file
//! can change.
//!
//! Per file it keeps the loader's findings, the schema results of its documents, the
//! findings of the rules that read only their own entity, and those of the rules that look
//! other entities up. After a change, the index and the catalogue-wide rules run again over
//! the whole catalogue (each is linear, and running them whole keeps the answer equal to a
//! fresh check's); the rules that look others up run again only for the files whose answer
//! the change can alter ([`State::lookups_to_redo`] says which, and why).

use std::collections::{HashMap, HashSet};

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
    catalogue_rules, collect_strings, empty_file, entity_rules, mentions_any, validate_document,
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
    pending: Option<Box<Input>>,
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
    mentions: Vec<Box<str>>,
    /// Changed (new text, new reading problem, or removed) since the last check.
    dirty: bool,
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

    /// A file whose text the cache knows: its documents from `input`, its results as the
    /// cache kept them, nothing to redo unless a change elsewhere asks for it.
    pub fn restored(
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

    /// A new text (or a new reading problem) for this file.
    pub fn replace(&mut self, input: Input) {
        self.live = true;
        self.pending = Some(Box::new(input));
        self.dirty = true;
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Lets go of the input of a file that will not be checked (a replayed check).
    pub fn drop_pending(&mut self) {
        self.pending = None;
    }

    /// The file as if the cache had not known it: loaded again from its text, results
    /// dropped, to be checked.
    pub fn into_fresh(mut self, limits: &crate::load::Limits) -> Self {
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
    documents_of: Vec<std::ops::Range<usize>>,
    /// Which files name a string (see [`FileState::mentions`]): built on the first change,
    /// never for a one-shot check.
    mentioned_by: Option<HashMap<Box<str>, Vec<FileId>>>,
    /// Whether a check has run: the first checks everything.
    pub(super) checked: bool,
    /// Check every file whole even when only some are reported (`focus`): the cache keeps
    /// whole results, and the reported ones are chosen afterwards.
    pub(super) unfocused: bool,
    /// For a state restored from the cache: the ids that the files changed since (or gone)
    /// had then, in place of the index's, which a restored state has not built yet.
    pub(super) restored_ids: Option<Vec<(Kind, Box<str>)>>,
    /// Keep the index's and the catalogue-wide rules' findings in [`State::wide`].
    pub(super) keep_wide: bool,
    pub(super) wide: Vec<Diagnostic>,
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
        // The ids the changed files defined, read from the index before it is rebuilt (a
        // first check has none to read): nothing is kept per file for this.
        let old_ids = match self.restored_ids.take() {
            Some(ids) => ids,
            None => self.ids_of(&changed),
        };
        // 3. Index.
        let mut diagnostics = self.rebuild_catalogue(env);
        let new_ids = self.ids_of(&changed);
        let recheck = self.lookups_to_redo(env, &changed, &old_ids, &new_ids);
        timings.mark("index");

        // 4. Schema validation and YAML 1.1 ambiguity, for the changed files.
        self.validate(env, &changed);
        let failures = self.schema_failures();
        timings.mark("schema");

        // 5. Rules: per entity, then catalogue-wide.
        let cx = Context::new(&self.catalogue, env.policy).with_schema_failures(failures);
        let found = entity_rules(&cx, env, self.check_focus(), &changed, &recheck);
        diagnostics.extend(found.uncached);
        diagnostics.extend(catalogue_rules(&cx, env));
        if self.keep_wide {
            self.wide = diagnostics.clone();
        }
        drop(cx);
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
        for f in self.files.iter().filter(|f| f.live) {
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

    /// The ids (with kinds) that the changed files' entities have in the index as it is: none
    /// before the first check, when everything is checked anyway.
    fn ids_of(&self, changed: &[bool]) -> Vec<(Kind, Box<str>)> {
        if !self.checked {
            return Vec::new();
        }
        self.catalogue
            .iter()
            .filter(|e| changed.get(e.file().0 as usize).copied().unwrap_or(false))
            .filter_map(|e| Some((e.kind(), e.entity.id.as_deref()?.into())))
            .collect()
    }

    /// The files whose lookup rules must run again: the changed ones; those that name an id
    /// the changed files defined before or define now (a target that came, went or changed);
    /// and, when the set of ids changed, those with lookup findings (a "did you mean" is
    /// chosen among all ids). Everything on the first check and in a focused run, which
    /// keeps nothing; and everything in a Backstage catalogue, whose relations name entities
    /// in forms other than their ids (`Team-A`, `group:team-a`, a default namespace).
    fn lookups_to_redo(
        &mut self,
        env: &Env<'_>,
        changed: &[bool],
        old_ids: &[(Kind, Box<str>)],
        new_ids: &[(Kind, Box<str>)],
    ) -> Vec<bool> {
        let verbatim = env.policy.kinds.format() == crate::catalogue::Format::Catalint;
        if !self.checked || self.check_focus().is_some() || !verbatim {
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
            let wanted: HashSet<&str> =
                old_ids.iter().chain(new_ids).map(|(_, id)| &**id).collect();
            let catalogue = &self.catalogue;
            let documents_of = &self.documents_of;
            let hits: Vec<usize> = (0..self.files.len())
                .into_par_iter()
                .filter(|&i| !redo[i])
                .filter(|&i| {
                    let docs = documents_of.get(i).cloned().unwrap_or(0..0);
                    catalogue.documents[docs]
                        .iter()
                        .any(|d| mentions_any(d.doc.value.root(), &wanted))
                })
                .collect();
            for i in hits {
                redo[i] = true;
            }
        } else {
            self.update_mentions(changed);
            let Some(mentioned_by) = &self.mentioned_by else {
                return vec![true; self.files.len()];
            };
            for (_, id) in old_ids.iter().chain(new_ids) {
                for f in mentioned_by.get(id).into_iter().flatten() {
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
    fn update_mentions(&mut self, changed: &[bool]) {
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

    /// Stage 3: the catalogue's documents in file order, with the changed files' new ones
    /// in place of their old ones, and the index built again over them. Returns the index's
    /// findings (documents that are not entities of a known kind).
    fn rebuild_catalogue(&mut self, env: &Env<'_>) -> Vec<Diagnostic> {
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
            let Some(mut input) = state.pending.take().map(|b| *b) else {
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
            // A file restored from the cache brings its documents; its results stay.
            let restored = !state.dirty;
            if !restored {
                state.loaded.clear();
                state.schema.clear();
                state.own.clear();
                state.across.clear();
                state.loaded.extend(input.problem_diagnostic());
            }
            let Input { source, loaded, .. } = input;
            if i < files.len() {
                files.replace(id, source);
            } else {
                files.add(source);
            }
            let Some(loaded) = loaded else { continue };
            let any_document = loaded.documents.iter().any(|d| !d.value.is_null());
            if !restored {
                if !any_document && loaded.diagnostics.is_empty() {
                    state.loaded.push(empty_file(id));
                }
                state.loaded.extend(loaded.diagnostics);
            }
            loaded_docs[i] = Some(loaded.documents);
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
        for i in order {
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
        }
        let (catalogue, findings) = Catalogue::build(files, documents, &env.policy.kinds);
        self.catalogue = catalogue;
        findings
    }

    /// Stage 4 for the documents of changed files. Outside a focused run's reported files,
    /// only the pointers that broke the schema are wanted (the domain rules leave those
    /// values alone everywhere); no finding is built.
    fn validate(&mut self, env: &Env<'_>, changed: &[bool]) {
        let mut kinds: Vec<Option<Kind>> = vec![None; self.catalogue.documents.len()];
        for e in &self.catalogue.entities {
            kinds[e.document] = Some(e.kind);
        }
        let todo: Vec<usize> = (0..self.files.len())
            .filter(|&i| changed[i] && self.files[i].live)
            .flat_map(|i| self.documents_of[i].clone())
            .collect();
        let catalogue = &self.catalogue;
        let focus = self.check_focus();
        let checked: Vec<(usize, DocCheck)> = todo
            .into_par_iter()
            .map(|i| (i, validate_document(env, catalogue, i, kinds[i], focus)))
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

impl State {
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
