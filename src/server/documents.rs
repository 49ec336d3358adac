//! The texts the editor holds open, kept in step with its edits (incremental sync: each
//! change replaces a range, in the order the editor made them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::TextDocumentContentChangeEvent;

use super::convert::{Encoding, Lines, Positions};

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
}

/// The open documents, by path (only `file:` documents can be part of a catalogue).
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<PathBuf, Document>,
}

impl Documents {
    pub fn open(&mut self, path: PathBuf, doc: Document) {
        self.open.insert(path, doc);
    }

    pub fn close(&mut self, path: &Path) -> Option<Document> {
        self.open.remove(path)
    }

    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PathBuf, &Document)> {
        self.open.iter()
    }

    /// Applies the editor's changes in order. A change without a range replaces the whole
    /// text; a range is clamped to the text, so a stale or bad range cannot panic.
    /// Returns false for a document that is not open.
    pub fn change(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> bool {
        let Some(doc) = self.open.get_mut(path) else {
            return false;
        };
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let span = {
                        let lines = Lines::new(&doc.text);
                        Positions::new(&lines, encoding).span(range)
                    };
                    doc.text.replace_range(span, &change.text);
                }
            }
        }
        doc.version = version;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn incremental_changes_apply_in_order_and_bad_ranges_clamp() {
        let mut docs = Documents::default();
        let path = PathBuf::from("/a.yaml");
        docs.open(
            path.clone(),
            Document {
                text: "team: hr-sytems\nx: é1\n".into(),
                version: 1,
            },
        );
        let edit = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        };
        let changed = docs.change(
            &path,
            2,
            vec![
                edit(0, 11, 0, 11, "s"),
                edit(1, 4, 1, 5, "2"),
                edit(7, 0, 9, 9, "end"),
            ],
            Encoding::Utf16,
        );
        assert!(changed);
        let doc = docs.get(&path).unwrap();
        assert_eq!(doc.text, "team: hr-systems\nx: é2\nend");
        assert_eq!(doc.version, 2);
        assert!(!docs.change(Path::new("/b.yaml"), 1, vec![], Encoding::Utf16));
    }
}
