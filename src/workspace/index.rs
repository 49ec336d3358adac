//! Stage 3 over the workspace's files: the catalogue's index, updated by file after an edit
//! or built again in discovery's order when a file came or went.

use crate::catalogue::{Catalogue, SourceDocument};
use crate::source::{FileId, SourceFile};

use super::stages::admit_input;
use super::state::{Env, State};

impl State {
    /// updates by file (its ids out, its new ids in; see [`Catalogue::replace_file`]).
    /// Only for files already in the index: one that came needs discovery's order.
    pub(super) fn update_catalogue(&mut self, env: &Env<'_>) {
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
    pub(super) fn rebuild_catalogue(&mut self, env: &Env<'_>) {
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
        if self.once {
            // The sources carry each file's name from here on; nothing reads a file again.
            for state in &mut self.files {
                state.found = crate::discover::Found::File(std::path::PathBuf::new());
                state.name = String::new();
            }
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
}
