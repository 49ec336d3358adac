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
//!
//! The index's stage lives in `index.rs`, and what a change reaches (the ids touched, the
//! files whose lookups run again) in `redo.rs`: both are `impl State` over these fields.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::catalogue::{Catalogue, Kind};
use crate::diagnostic::Diagnostic;
use crate::discover::Found;
use crate::policy::Policy;
use crate::read::Input;
use crate::rules::{self, Context};
use crate::schema::Schemas;
use crate::source::FileId;
use crate::timings::Timings;

use super::stages::{catalogue_rules, entity_rules, mention_key, validate_document};

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
    pub(super) fn is_empty(&self) -> bool {
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

/// Ids with their kinds, as the files that defined them had them.
pub(super) type KindIds = Vec<(Kind, Box<str>)>;

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
    pub(super) mentioned_by: Option<HashMap<Box<str>, Vec<FileId>>>,
    /// Whether a check has run: the first checks everything.
    pub(super) checked: bool,
    /// The index's findings (documents that are not entities of a known kind), by file id.
    pub(super) indexed: Vec<Vec<Diagnostic>>,
    /// By file id: where the file stands in the index's file order, for the files whose
    /// documents are in it (`None`: not in the index).
    pub(super) rank: Vec<Option<usize>>,
    /// The catalogue-wide rules' findings, kept by what decides them (see
    /// [`rules::wide`]): built on the first change, never for a one-shot check unless
    /// [`State::keep_wide`] asks.
    pub(super) catalogue_wide: Option<rules::wide::Wide>,
    /// Check every file whole even when only some are reported (`focus`): the cache keeps
    /// whole results, and the reported ones are chosen afterwards.
    pub(super) unfocused: bool,
    /// For a state restored from the cache: the ids that the files changed since (or gone)
    /// had then, in place of the index's, which a restored state has not built yet.
    /// And whether one of those files held a team.
    pub(super) restored_ids: Option<(KindIds, bool)>,
    /// Keep [`State::catalogue_wide`] on a first check too: the cache writes its findings.
    pub(super) keep_wide: bool,
    /// Which documents of the one file last spliced name which strings (see
    /// `splice.rs`): dropped when that file is loaded whole again.
    pub(super) doc_mentions: Option<super::splice::DocMentions>,
    /// How many checks were splices (see `splice.rs`).
    pub(super) spliced: usize,
    /// Find the files that name a touched id by scanning, not by an index of mentions.
    pub(super) scan_mentions: bool,
    /// The ids of each kind for "did you mean", kept up to date by file: built on a
    /// re-check after an edit in place, let go when a file comes or goes (the places of
    /// the files after it move), never built for a one-shot or focused check.
    pub(super) kept_ids: Option<rules::kept_ids::KeptIds>,
    /// A one-shot check ([`super::Workspace::check_once`]): nothing is kept for a next check,
    /// so the findings move out of the per-file lists instead of being copied, and the
    /// paths a re-check would read files by are let go once the index holds the files.
    pub(super) once: bool,
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
            once: true,
            ..State::default()
        }
    }

    /// Runs stages 3 to 5 for what changed since the last call and returns every raw
    /// finding of the catalogue (before suppressions and severities).
    pub fn check(&mut self, env: &Env<'_>, timings: &mut Timings) -> Vec<Diagnostic> {
        let changed: Vec<bool> = self.files.iter().map(|f| f.dirty).collect();
        if self
            .doc_mentions
            .as_ref()
            .is_some_and(|m| changed.get(m.file.0 as usize).copied().unwrap_or(true))
        {
            self.doc_mentions = None;
        }
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
            Some(restored) => restored,
            None => self.ids_of(&changed),
        };
        let old_places = match structural {
            true => Vec::new(),
            false => self.kept_places(&changed),
        };
        // 3. Index.
        match self.checked && !structural {
            true => self.update_catalogue(env),
            false => self.rebuild_catalogue(env),
        }
        self.keep_ids(env, &changed, structural, old_places);
        let (new_ids, new_teams) = self.ids_of(&changed);
        let recheck = self.lookups_to_redo(env, &changed, structural, &old_ids, &new_ids);
        timings.mark("index");

        // 4. Schema validation and YAML 1.1 ambiguity, for the changed files.
        self.validate(env, &changed);
        let failures = self.schema_failures();
        timings.mark("schema");

        // 5. Rules: per entity, then catalogue-wide.
        let mut cx = Context::new(&self.catalogue, env.policy).with_schema_failures(failures);
        if let Some(kept) = &self.kept_ids {
            cx = cx.with_kept_ids(kept);
        }
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
                // The files that may name an id, with their entities: a graph search asks for
                // many ids and examines each file once (see `Dependants`).
                let dependants = |id: &str| -> Vec<std::ops::Range<usize>> {
                    let files = mentioned_by
                        .as_ref()
                        .and_then(|m| m.get(&mention_key(format, id)));
                    files
                        .into_iter()
                        .flatten()
                        .filter_map(|f| {
                            let docs = documents_of.get(f.0 as usize)?.clone();
                            Some(catalogue.entities_in(docs))
                        })
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
                    within: None,
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
        if self.once {
            for (i, f) in self.files.iter_mut().enumerate().filter(|(_, f)| f.live) {
                diagnostics.extend(
                    self.indexed
                        .get_mut(i)
                        .map(std::mem::take)
                        .unwrap_or_default(),
                );
                diagnostics.append(&mut f.loaded);
                for d in &mut f.schema {
                    diagnostics.append(&mut d.findings);
                }
                diagnostics.append(&mut f.own);
                diagnostics.append(&mut f.across);
            }
        } else {
            diagnostics.extend(self.collect());
        }
        self.checked = true;
        timings.mark("rules");
        diagnostics
    }

    /// Every finding kept per file, the catalogue-wide rules' aside (copies: the state keeps them for the next check).
    pub(super) fn collect(&self) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for (i, f) in self.files.iter().enumerate().filter(|(_, f)| f.live) {
            diagnostics.extend(self.indexed.get(i).into_iter().flatten().cloned());
            diagnostics.extend(f.loaded.iter().cloned());
            for d in &f.schema {
                diagnostics.extend(d.findings.iter().cloned());
            }
            diagnostics.extend(f.own.iter().cloned());
            diagnostics.extend(f.across.iter().cloned());
        }
        diagnostics
    }

    /// The files checked as reported ones: all, when the state checks unfocused.
    pub(super) fn check_focus(&self) -> Option<&[bool]> {
        match self.unfocused {
            true => None,
            false => self.focus.as_deref(),
        }
    }

    pub(super) fn in_index(&self, i: usize) -> bool {
        self.rank.get(i).is_some_and(Option::is_some)
    }

    /// Stage 3 after an edit: each changed file's documents replaced in the index, which
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
    pub(super) fn schema_failures(&self) -> rules::SchemaFailures {
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
