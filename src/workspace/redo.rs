//! What a change reaches before the rules run: the ids the changed files had and have, and
//! the files whose lookup rules must run again because of them (through the index of which
//! files name which strings, kept from the first change on).

use rayon::prelude::*;

use crate::catalogue::Kind;
use crate::rules;
use crate::source::FileId;

use super::stages::{collect_strings, files_mentioning, mention_key};
use super::state::{Env, State};

/// An id with its kind and place, as [`rules::kept_ids::KeptIds`] holds it.
pub(super) type Placed = (Kind, Box<str>, rules::kept_ids::Place);

impl State {
    /// The ids of the changed files' entities with their places, as the kept ids hold
    /// them: read before the index changes, to be taken out after it.
    pub(super) fn kept_places(&self, changed: &[bool]) -> Vec<Placed> {
        if self.kept_ids.is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
            out.extend(self.placed_ids(i));
        }
        out
    }

    pub(super) fn placed_ids(&self, file: usize) -> Vec<Placed> {
        let (Some(Some(rank)), Some(docs)) = (self.rank.get(file), self.documents_of.get(file))
        else {
            return Vec::new();
        };
        let rank = u32::try_from(*rank).unwrap_or(u32::MAX);
        self.catalogue
            .entities_in(docs.clone())
            .map(|e| &self.catalogue.entities[e])
            .filter_map(|e| {
                let offset = u32::try_from(e.document - docs.start).unwrap_or(u32::MAX);
                Some((e.kind, e.id.as_deref()?.into(), (rank, offset)))
            })
            .collect()
    }

    /// Brings the kept ids in line with the index after stage 3: the changed files' old
    /// ids (`old`) out and their new ones in; built whole on the first re-check that edits
    /// files in place, let go when a file came or went. Only in the catalogue format (a
    /// Backstage catalogue suggests names by namespace) and for a workspace that checks
    /// again and whole.
    pub(super) fn keep_ids(
        &mut self,
        env: &Env<'_>,
        changed: &[bool],
        structural: bool,
        old: Vec<Placed>,
    ) {
        let wanted = self.checked
            && !self.once
            && self.check_focus().is_none()
            && env.policy.kinds.format() == crate::catalogue::Format::Catalint;
        if !wanted || structural {
            self.kept_ids = None;
            return;
        }
        let Some(mut kept) = self.kept_ids.take() else {
            let mut kept = rules::kept_ids::KeptIds::default();
            for i in 0..self.files.len() {
                for (kind, id, place) in self.placed_ids(i) {
                    kept.insert(kind, &id, place);
                }
            }
            self.kept_ids = Some(kept);
            return;
        };
        for (kind, id, place) in old {
            kept.remove(kind, &id, place);
        }
        for (i, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
            for (kind, id, place) in self.placed_ids(i) {
                kept.insert(kind, &id, place);
            }
        }
        self.kept_ids = Some(kept);
    }

    /// The ids (with kinds) that the changed files' entities have in the index as it is, and
    /// whether one of them is a team: none before the first check, when everything is
    /// checked anyway.
    pub(super) fn ids_of(&self, changed: &[bool]) -> (Vec<(Kind, Box<str>)>, bool) {
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
    pub(super) fn lookups_to_redo(
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
    pub(super) fn update_mentions(&mut self, changed: &[bool], format: crate::catalogue::Format) {
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
}
