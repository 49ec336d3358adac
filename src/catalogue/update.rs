//! The index updated by file: one file's documents replaced by its new ones, the ids its old
//! entities had taken out of the index and the ids of its new ones put in. No other document
//! is classified and no other id hashed, so an edit costs what the edited file holds (plus
//! moving the entries after it when the file's number of documents or entities changed).
//! The result is the index [`Catalogue::build`] makes of the same documents.

use std::ops::Range;

use super::{Catalogue, Entity, Format, Kinds, SourceDocument, backstage, classify};
use crate::diagnostic::Diagnostic;
use crate::load::{Document, Node};
use crate::source::FileId;

/// The id an entity of `kind` in `source` is indexed by: `metadata.id`, or for the Backstage
/// format `kind:namespace/name` in lower case.
pub(super) fn entity_id(
    kind: super::Kind,
    source: &SourceDocument,
    kinds: &Kinds,
) -> Option<String> {
    match kinds.format() {
        Format::Catalint => source
            .doc
            .value
            .pointer("/metadata/id")
            .and_then(Node::as_str)
            .map(str::to_owned),
        Format::Backstage => backstage::identity(kind, &source.doc),
    }
}

/// The entities of `documents` (numbered from `first`), and the index's findings for the
/// documents that are not entities of a known kind.
pub(super) fn classify_all(
    documents: &[SourceDocument],
    first: usize,
    kinds: &Kinds,
) -> (Vec<Entity>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut entities = Vec::with_capacity(documents.len());
    for (i, source) in documents.iter().enumerate() {
        match classify(source, kinds) {
            Ok(Some(kind)) => entities.push(Entity {
                kind,
                id: entity_id(kind, source, kinds),
                document: first + i,
            }),
            Ok(None) => {}
            Err(d) => diagnostics.push(*d),
        }
    }
    (entities, diagnostics)
}

impl Catalogue {
    /// The entities whose documents lie in `documents` (a range of [`Catalogue::documents`]),
    /// as a range of [`Catalogue::entities`]: entities are in document order.
    pub fn entities_in(&self, documents: Range<usize>) -> Range<usize> {
        let start = self
            .entities
            .partition_point(|e| e.document < documents.start);
        let end = self
            .entities
            .partition_point(|e| e.document < documents.end);
        start..end
    }

    /// Replaces the documents at `range` (all of one file's, or the empty range where a file
    /// of no documents sits) by `documents` of `file`, and brings the index up to date.
    /// Returns the index's findings for the new documents; the caller keeps those of the
    /// other files.
    pub fn replace_file(
        &mut self,
        file: FileId,
        range: Range<usize>,
        documents: Vec<Document>,
        kinds: &Kinds,
    ) -> Vec<Diagnostic> {
        let old_entities = self.entities_in(range.clone());
        // Ids out, while the indexes are still the old ones.
        for i in old_entities.clone() {
            if let Some(id) = self.entities[i].id.take() {
                self.unindex(&id, i);
            }
        }
        let new_documents: Vec<SourceDocument> = documents
            .into_iter()
            .map(|doc| SourceDocument { file, doc })
            .collect();
        let (new_entities, findings) = classify_all(&new_documents, range.start, kinds);
        let document_shift = new_documents.len() as isize - range.len() as isize;
        let entity_shift = new_entities.len() as isize - old_entities.len() as isize;
        let new_count = new_entities.len();
        self.documents.splice(range, new_documents);
        self.entities.splice(old_entities.clone(), new_entities);
        let after = old_entities.start + new_count;
        if document_shift != 0 {
            for e in &mut self.entities[after..] {
                e.document = shift(e.document, document_shift);
            }
        }
        if entity_shift != 0 {
            // Entities after the file moved: so do the index's entries for them.
            let moved = |i: &mut usize| {
                if *i >= old_entities.end {
                    *i = shift(*i, entity_shift);
                }
            };
            self.by_id.values_mut().for_each(moved);
            self.shared_ids
                .values_mut()
                .for_each(|list| list.iter_mut().for_each(moved));
        }
        // Ids in.
        for i in old_entities.start..after {
            if let Some(id) = self.entities[i].id.clone() {
                self.index(id.into(), i);
            }
        }
        findings
    }

    /// Takes entity `i` out of the index of `id`.
    fn unindex(&mut self, id: &str, i: usize) {
        if let Some(list) = self.shared_ids.get_mut(id) {
            list.retain(|&e| e != i);
            match list.as_slice() {
                [] => {
                    self.shared_ids.remove(id);
                    self.by_id.remove(id);
                }
                [only] => {
                    let only = *only;
                    self.shared_ids.remove(id);
                    self.by_id.insert(id.into(), only);
                }
                [first, ..] => {
                    let first = *first;
                    self.by_id.insert(id.into(), first);
                }
            }
        } else if self.by_id.get(id) == Some(&i) {
            self.by_id.remove(id);
        }
    }

    /// Puts entity `i` in the index of `id`, keeping the first (in file order) first.
    fn index(&mut self, id: Box<str>, i: usize) {
        match self.by_id.get(&id).copied() {
            None => {
                self.by_id.insert(id, i);
            }
            Some(first) => {
                let list = self
                    .shared_ids
                    .entry(id.clone())
                    .or_insert_with(|| vec![first]);
                let at = list.partition_point(|&e| e < i);
                list.insert(at, i);
                let first = list[0];
                self.by_id.insert(id, first);
            }
        }
    }

    /// Whether the index equals one built afresh over the same documents (for tests).
    #[cfg(test)]
    pub(crate) fn same_index(&self, other: &Catalogue) -> bool {
        let mut a: Vec<_> = self.shared_ids.iter().collect();
        let mut b: Vec<_> = other.shared_ids.iter().collect();
        a.sort();
        b.sort();
        self.by_id == other.by_id
            && a == b
            && self.entities.len() == other.entities.len()
            && self
                .entities
                .iter()
                .zip(&other.entities)
                .all(|(x, y)| x.kind == y.kind && x.id == y.id && x.document == y.document)
    }
}

fn shift(i: usize, by: isize) -> usize {
    i.checked_add_signed(by).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Files, SourceFile};

    const KINDS: fn() -> Kinds = || Kinds::new(Vec::new());

    fn docs(file: u32, text: &str) -> Vec<Document> {
        crate::load::load(FileId(file), text, &crate::load::Limits::default()).documents
    }

    fn team(id: &str) -> String {
        format!(
            "apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: {id}, name: T}}\nspec: {{}}\n"
        )
    }

    fn build(texts: &[String]) -> Catalogue {
        let mut files = Files::new();
        let mut all = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            files.add(SourceFile::new(format!("{i}.yaml"), t.as_str()));
            all.extend(docs(i as u32, t).into_iter().map(|doc| SourceDocument {
                file: FileId(i as u32),
                doc,
            }));
        }
        Catalogue::build(files, all, &KINDS()).0
    }

    /// Every replacement, of every file, by every text: the index equals a fresh build's.
    #[test]
    fn replacing_a_file_gives_the_index_a_fresh_build_gives() {
        let texts = [
            team("a"),
            format!("{}---\n{}", team("b"), team("a")),
            String::new(),
            "kind: Nonsense\n".to_owned(),
            format!("{}---\n{}---\n{}", team("c"), team("b"), team("d")),
            team("b"),
        ];
        let files = [
            team("a"),
            team("x"),
            String::new(),
            texts[1].clone(),
            texts[4].clone(),
        ];
        for target in 0..files.len() {
            for replacement in &texts {
                let mut catalogue = build(&files);
                let range = {
                    let s = catalogue
                        .documents
                        .partition_point(|d| d.file.0 < target as u32);
                    let e = catalogue
                        .documents
                        .partition_point(|d| d.file.0 <= target as u32);
                    s..e
                };
                catalogue.replace_file(
                    FileId(target as u32),
                    range,
                    docs(target as u32, replacement),
                    &KINDS(),
                );
                let mut now = files.clone();
                now[target] = replacement.clone();
                let fresh = build(&now);
                assert!(
                    catalogue.same_index(&fresh),
                    "file {target} replaced by {replacement:?}"
                );
            }
        }
    }
}
