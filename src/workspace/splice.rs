//! An edit inside one document of a file of many: that document read again, and the index,
//! schema and rules redone for its entity and for what its ids reach, not for the whole file.
//!
//! The plan is made from the texts alone (the old and the new, compared from both ends), so
//! it holds whoever made the edit. It is only taken when it is plain: the edit lies between
//! two `---` lines (or before the first) that it leaves as they were, neither text of that
//! part holds another document marker, a directive or a carriage return, the part holds
//! exactly one document before and after, and the file loaded without a finding (so no
//! finding of the loader has to be split by document). Anything else, and the whole file
//! is loaded again, as before. The documents after the edit keep their values and move
//! their places; every finding kept that points after the edit moves with them.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalogue::{Format, Kind};
use crate::diagnostic::Diagnostic;
use crate::load::{self, Document};
use crate::rules::{self, Context, REGISTRY};
use crate::source::{FileId, Location, SourceFile};
use crate::timings::Timings;

use super::stages::{collect_strings, mention_key, validate_document};
use super::state::{DocCheck, Env, State};

/// One document of a file replaced after an edit inside it.
pub(crate) struct Splice {
    /// The file's new text.
    pub source: SourceFile,
    /// The document's text in the old text: `start..old_end` (`start..old_end + delta` in
    /// the new one).
    pub start: usize,
    pub old_end: usize,
    pub delta: isize,
    /// The document read again, and its position in the file.
    pub doc: Document,
    pub index: usize,
}

/// The splice that turns `old` into `new` in a file whose documents are `docs` (in file
/// order, as loaded from `old`), or `None` when the edit is not plainly inside one document.
pub(crate) fn plan(
    file: FileId,
    name: &str,
    old: &str,
    new: &Arc<str>,
    docs: &[&Document],
    limits: &load::Limits,
) -> Option<Splice> {
    if old.starts_with('\u{feff}') || new.starts_with('\u{feff}') || old == &**new {
        return None;
    }
    if docs.len() < 2 || docs.iter().any(|d| !d.is_lazy() || d.is_null()) {
        return None;
    }
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !new.is_char_boundary(prefix) || !old.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let room = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    let old_change_end = a.len() - suffix;
    // The document's text: after the `---` line before the edit, up to the next one.
    let start = match old[..prefix].rfind("\n---") {
        Some(nl) => after_marker(old, nl + 1)?,
        None if old.starts_with("---") => after_marker(old, 0)?,
        None => 0,
    };
    if start > prefix {
        return None;
    }
    let mut from = old_change_end.saturating_sub(1).max(start);
    // A line break is never inside a character: back to a boundary, the search is the same.
    while !old.is_char_boundary(from) {
        from -= 1;
    }
    let old_end = match old[from..].find("\n---") {
        Some(nl) => from + nl + 1,
        None => old.len(),
    };
    if old_end < old_change_end {
        return None;
    }
    let delta = b.len() as isize - a.len() as isize;
    let new_end = old_end.checked_add_signed(delta)?;
    // The marker after the document still starts its line.
    if new_end < b.len() && (new_end == 0 || b[new_end - 1] != b'\n') {
        return None;
    }
    let (old_part, new_part) = (old.get(start..old_end)?, new.get(start..new_end)?);
    if [old_part, new_part].iter().any(|p| holds_marker(p)) || new_part.contains('\0') {
        return None;
    }
    // Exactly one document starts in the part.
    let inside: Vec<usize> = (0..docs.len())
        .filter(|&i| (start..old_end).contains(&docs[i].span.start))
        .collect();
    let [index] = inside[..] else {
        return None;
    };
    if docs[index].span.end > old_end {
        return None;
    }
    let doc = load::load_document(file, new, start..new_end, index, limits)?;
    Some(Splice {
        source: SourceFile::new(name, Arc::clone(new)),
        start,
        old_end,
        delta,
        doc,
        index,
    })
}

/// Where the text after a `---` line at `line` starts, when that line is the marker alone.
fn after_marker(text: &str, line: usize) -> Option<usize> {
    let rest = &text[line..];
    let len = rest.find('\n').map_or(rest.len(), |n| n + 1);
    (rest[..len].trim_end() == "---").then_some(line + len)
}

/// Whether a document's text holds anything that makes it more than one document on its
/// own: a marker, a directive, or a carriage return (a line break the search above does
/// not look for).
fn holds_marker(part: &str) -> bool {
    part.contains('\r')
        || ["---", "...", "%"]
            .iter()
            .any(|m| part.starts_with(m) || part.contains(&format!("\n{m}")))
}

/// Moves a place of `file` that lies at or after `end` (in the old text) by `delta`.
fn shift_location(l: &mut Location, file: FileId, end: usize, delta: isize) {
    if l.file != file {
        return;
    }
    if l.span.start >= end {
        l.span.start = l.span.start.saturating_add_signed(delta);
    }
    if l.span.end >= end {
        l.span.end = l.span.end.saturating_add_signed(delta);
    }
}

fn shift_diagnostic(d: &mut Diagnostic, file: FileId, end: usize, delta: isize) {
    shift_location(&mut d.primary.location, file, end, delta);
    for l in &mut d.related {
        shift_location(&mut l.location, file, end, delta);
    }
    // A fix edits the file of the finding's primary place.
    if d.primary.location.file == file
        && let Some(fix) = &mut d.fix
    {
        for e in &mut fix.edits {
            let mut l = Location::new(file, e.range.clone());
            shift_location(&mut l, file, end, delta);
            e.range = l.span;
        }
    }
}

/// The strings of one document that may name an id (see [`mention_key`]).
fn strings_of(doc: &Document, format: Format) -> Vec<Box<str>> {
    let mut strings = Vec::new();
    collect_strings(doc.value.root(), &mut strings);
    let mut keys: Vec<Box<str>> = strings
        .into_iter()
        .map(|s| mention_key(format, &s))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Which documents of the one file spliced name which strings (by position in the file):
/// the index of mentions inside that file, kept while only splices change it.
pub(crate) struct DocMentions {
    pub file: FileId,
    by_string: HashMap<Box<str>, Vec<usize>>,
}

impl State {
    /// Whether an edit of one file may be spliced: the workspace has checked and keeps its
    /// results (not a one-shot, focused or cache-restored check), and its catalogue is in
    /// catalint's format (a Backstage catalogue's relations name entities in more forms).
    pub(super) fn can_splice(&self, format: Format) -> bool {
        self.checked
            && !self.once
            && self.focus.is_none()
            && !self.scan_mentions
            && self.restored_ids.is_none()
            && format == Format::Catalint
    }

    /// The documents of file `i`, in order.
    pub(super) fn documents_of_file(&self, i: usize) -> Vec<&Document> {
        let range = self.documents_of.get(i).cloned().unwrap_or(0..0);
        self.catalogue.documents[range]
            .iter()
            .map(|d| &d.doc)
            .collect()
    }

    /// Whether file `i` may be spliced: in the index, and loaded without a finding.
    pub(super) fn splice_ready(&self, i: usize) -> bool {
        self.in_index(i)
            && self.files[i].live
            && self.files[i].pending.is_none()
            && self.files[i].loaded.is_empty()
    }

    /// A check after one splice (and no other change): stages 2 to 5 for the document
    /// replaced and what its ids reach. Returns every raw finding, as [`State::check`].
    pub(super) fn check_splice(
        &mut self,
        env: &Env<'_>,
        timings: &mut Timings,
        file: FileId,
        splice: Splice,
    ) -> Vec<Diagnostic> {
        let f = file.0 as usize;
        let format = env.policy.kinds.format();
        let n = self.files.len();
        if self.mentioned_by.is_none() {
            self.update_mentions(&vec![false; n], format);
        }
        let Splice {
            source,
            start,
            old_end,
            delta,
            doc,
            index,
        } = splice;
        let docs = self.documents_of[f].clone();
        let d = docs.start + index;
        // The ids the document's entity had.
        let ids_at = |state: &State| -> (Vec<(Kind, Box<str>)>, bool) {
            let mut teams = false;
            let ids = state
                .catalogue
                .entities_in(d..d + 1)
                .map(|e| &state.catalogue.entities[e])
                .inspect(|e| teams |= e.kind == Kind::Team)
                .filter_map(|e| Some((e.kind, e.id.as_deref()?.into())))
                .collect();
            (ids, teams)
        };
        let (old_ids, old_teams) = ids_at(self);
        // The kept ids for "did you mean" hold the document's place: its ids out, the new
        // ones in after the index changes (a later whole check takes them out by place).
        let placed_in = |state: &State| -> Vec<super::redo::Placed> {
            let at = u32::try_from(index).unwrap_or(u32::MAX);
            match state.kept_ids {
                Some(_) => state
                    .placed_ids(f)
                    .into_iter()
                    .filter(|p| p.2.1 == at)
                    .collect(),
                None => Vec::new(),
            }
        };
        let old_placed = placed_in(self);
        let old_strings = strings_of(&self.catalogue.documents[d].doc, format);

        // The old document's findings go; those after it move.
        let in_old = |d: &Diagnostic| {
            d.primary.location.file == file
                && (start..old_end).contains(&d.primary.location.span.start)
        };
        {
            let state = &mut self.files[f];
            state.own.retain(|d| !in_old(d));
            state.across.retain(|d| !in_old(d));
            if let Some(check) = state.schema.get_mut(index) {
                *check = DocCheck::default();
            }
        }
        if let Some(list) = self.indexed.get_mut(f) {
            list.retain(|d| !in_old(d));
        }
        let shift = |d: &mut Diagnostic| shift_diagnostic(d, file, old_end, delta);
        for (i, state) in self.files.iter_mut().enumerate() {
            state.own.iter_mut().for_each(shift);
            state.across.iter_mut().for_each(shift);
            for check in &mut state.schema {
                check.findings.iter_mut().for_each(shift);
            }
            if let Some(list) = self.indexed.get_mut(i) {
                list.iter_mut().for_each(shift);
            }
        }
        if let Some(wide) = &mut self.catalogue_wide {
            wide.for_each_mut(shift);
        }
        if delta != 0 {
            let after = self.catalogue.documents[d + 1..docs.end]
                .iter_mut()
                .map(|s| &mut s.doc);
            load::shift_documents(after, &source.text, delta);
        }
        self.catalogue.files.replace(file, source);

        // 3. Index: the one document replaced.
        let found = self
            .catalogue
            .replace_file(file, d..d + 1, vec![doc], &env.policy.kinds);
        self.indexed[f].extend(found);
        let (new_ids, new_teams) = ids_at(self);
        let new_placed = placed_in(self);
        if let Some(kept) = &mut self.kept_ids {
            for (kind, id, place) in old_placed {
                kept.remove(kind, &id, place);
            }
            for (kind, id, place) in new_placed {
                kept.insert(kind, &id, place);
            }
        }
        let new_strings = strings_of(&self.catalogue.documents[d].doc, format);
        self.splice_mentions(file, index, &old_strings, &new_strings);
        timings.mark("index");

        // 4. Schema, for that document.
        let kind = {
            let e = self.catalogue.entities_in(d..d + 1);
            self.catalogue
                .entities
                .get(e.start)
                .filter(|_| !e.is_empty())
                .map(|e| e.kind)
        };
        let check = validate_document(env, &self.catalogue, d, kind, None);
        {
            let schema = &mut self.files[f].schema;
            if schema.is_empty() && !check.is_empty() {
                schema.resize_with(docs.len(), DocCheck::default);
            }
            if let Some(slot) = schema.get_mut(index) {
                *slot = check;
            }
            if schema.iter().all(DocCheck::is_empty) {
                *schema = Vec::new();
            }
        }
        let failures = self.schema_failures();
        timings.mark("schema");

        // What the ids reach: the files that name them, and the documents of this file that
        // do (each one's entity), besides the document edited.
        let mut keys: Vec<Box<str>> = old_ids
            .iter()
            .chain(&new_ids)
            .map(|(_, id)| mention_key(format, id))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut recheck = vec![false; n];
        let mut local: Vec<usize> = vec![index];
        if let Some(by) = &self.mentioned_by {
            for key in &keys {
                for g in by.get(key).into_iter().flatten() {
                    recheck[g.0 as usize] = true;
                }
            }
        }
        if let Some(m) = &self.doc_mentions {
            for key in &keys {
                local.extend(m.by_string.get(key).into_iter().flatten().copied());
            }
        }
        let (mut a, mut b) = (old_ids.clone(), new_ids.clone());
        a.sort();
        b.sort();
        if a != b {
            // A "did you mean" is chosen among all ids: every lookup finding is redone.
            for (i, state) in self.files.iter().enumerate() {
                recheck[i] |= !state.across.is_empty();
            }
            let regions = self.regions(f);
            for d in &self.files[f].across {
                local.extend(region_of(&regions, d.primary.location.span.start));
            }
        }
        recheck[f] = false;
        local.sort_unstable();
        local.dedup();
        let entities: Vec<usize> = local
            .iter()
            .flat_map(|&k| {
                self.catalogue
                    .entities_in(docs.start + k..docs.start + k + 1)
            })
            .collect();
        // Their lookup findings go (the edited document's went above).
        {
            let regions = self.regions(f);
            let redone: std::collections::HashSet<usize> = local.iter().copied().collect();
            self.files[f].across.retain(|d| {
                region_of(&regions, d.primary.location.span.start)
                    .is_none_or(|k| !redone.contains(&k))
            });
        }
        for (i, state) in self.files.iter_mut().enumerate() {
            if recheck[i] {
                state.across.clear();
            }
        }

        // 5. Rules: per entity, then catalogue-wide.
        let mut cx = Context::new(&self.catalogue, env.policy).with_schema_failures(failures);
        if let Some(kept) = &self.kept_ids {
            cx = cx.with_kept_ids(kept);
        }
        let edited: Vec<usize> = self.catalogue.entities_in(d..d + 1).collect();
        let todo: Vec<usize> = (0..self.catalogue.entities.len())
            .filter(|&e| recheck[self.catalogue.entity(e).file().0 as usize])
            .chain(entities.iter().copied())
            .collect();
        let results: Vec<(FileId, Vec<Diagnostic>, Vec<Diagnostic>)> =
            todo.into_par_iter()
                .map(|i| {
                    let e = cx.catalogue.entity(i);
                    let own_too = edited.contains(&i);
                    let (mut own, mut across) = (Vec::new(), Vec::new());
                    for rule in REGISTRY.iter().filter(|r| {
                        r.meta().stage == rules::Stage::Entity && !(env.off)(r.meta().id)
                    }) {
                        match rule.reads_only_its_entity() {
                            true if own_too => rule.check_entity(&cx, e, &mut own),
                            true => {}
                            false => rule.check_entity(&cx, e, &mut across),
                        }
                    }
                    for rule in env
                        .policy
                        .custom_rules
                        .iter()
                        .filter(|r| !(env.off)(&r.def.id))
                    {
                        rule.check_entity(&cx, e, &mut across);
                    }
                    (e.file(), own, across)
                })
                .collect();

        let mut ids: Vec<Box<str>> = old_ids
            .iter()
            .chain(&new_ids)
            .map(|(_, id)| id.clone())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let (mentioned_by, documents_of, catalogue) =
            (&self.mentioned_by, &self.documents_of, &self.catalogue);
        let doc_mentions = &self.doc_mentions;
        // Other files by file, the edited file by document (it may hold 40,000 services).
        let dependants = |id: &str| -> Vec<std::ops::Range<usize>> {
            let key = mention_key(format, id);
            let mut out = Vec::new();
            for g in mentioned_by
                .as_ref()
                .and_then(|m| m.get(&key))
                .into_iter()
                .flatten()
            {
                if *g == file {
                    continue;
                }
                let range = documents_of.get(g.0 as usize).cloned().unwrap_or(0..0);
                out.push(catalogue.entities_in(range));
            }
            if let Some(m) = doc_mentions {
                for &k in m.by_string.get(&key).into_iter().flatten() {
                    let at = docs.start + k;
                    out.push(catalogue.entities_in(at..at + 1));
                }
            }
            out
        };
        let regions = self.regions(f);
        let owned: std::collections::HashSet<usize> = local.iter().copied().collect();
        let owns = |d: &Diagnostic| {
            d.primary.location.file == file
                && region_of(&regions, d.primary.location.span.start)
                    .is_some_and(|k| owned.contains(&k))
        };
        let reach = rules::wide::Reach {
            files: &recheck,
            ids: &ids,
            teams: old_teams || new_teams,
            dependants: Some(&dependants),
            within: Some(rules::wide::Within {
                file,
                entities: &entities,
                owns: &owns,
            }),
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
        drop(cx);
        self.catalogue_wide = Some(wide);
        for (g, own, across) in results {
            let state = &mut self.files[g.0 as usize];
            state.own.extend(own);
            state.across.extend(across);
        }
        self.files[f].dirty = false;
        let mut diagnostics = self.collect();
        if let Some(wide) = &self.catalogue_wide {
            diagnostics.extend(wide.findings().cloned());
        }
        timings.mark("rules");
        diagnostics
    }

    /// Where each document of file `f` lies: from its start to the next one's (the last to
    /// the end of the text), so that a finding's primary place names its document.
    fn regions(&self, f: usize) -> Vec<usize> {
        let range = self.documents_of.get(f).cloned().unwrap_or(0..0);
        self.catalogue.documents[range]
            .iter()
            .map(|d| d.doc.span.start)
            .collect()
    }

    /// The index of mentions kept in step with a splice: the file's strings gain the new
    /// document's (a superset: a string gone from one document may be in another, and an
    /// extra candidate only costs a check), and the file's own index of which documents
    /// name what is built on the first splice, then updated by document.
    fn splice_mentions(&mut self, file: FileId, index: usize, old: &[Box<str>], new: &[Box<str>]) {
        let f = file.0 as usize;
        let state = &mut self.files[f];
        let by = self.mentioned_by.get_or_insert_with(HashMap::new);
        for s in new {
            if let Err(at) = state.mentions.binary_search(s) {
                state.mentions.insert(at, s.clone());
                by.entry(s.clone()).or_default().push(file);
            }
        }
        if let Some(m) = self.doc_mentions.as_mut().filter(|m| m.file == file) {
            for s in old {
                if let Some(list) = m.by_string.get_mut(s) {
                    list.retain(|&k| k != index);
                }
            }
            for s in new {
                m.by_string.entry(s.clone()).or_default().push(index);
            }
            return;
        }
        let format = Format::Catalint;
        let range = self.documents_of[f].clone();
        let per_doc: Vec<Vec<Box<str>>> = self.catalogue.documents[range]
            .par_iter()
            .map(|d| strings_of(&d.doc, format))
            .collect();
        let mut by_string: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        for (k, strings) in per_doc.into_iter().enumerate() {
            for s in strings {
                by_string.entry(s).or_default().push(k);
            }
        }
        self.doc_mentions = Some(DocMentions { file, by_string });
    }
}

/// The document (by position in its file) whose region holds `offset`.
fn region_of(starts: &[usize], offset: usize) -> Option<usize> {
    starts.partition_point(|&s| s <= offset).checked_sub(1)
}
