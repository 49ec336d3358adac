//! The texts the editor holds open, kept in step with its edits (incremental sync: each
//! change replaces a range, in the order the editor made them). Each text keeps its line
//! index, updated by edit: a keystroke in a 20 MB document looks up its range without
//! reading the whole text again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::TextDocumentContentChangeEvent;

use super::convert::{Encoding, LineIndex, Positions};

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    /// Where its lines start, as [`crate::source::line_starts`] finds them.
    starts: Vec<usize>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let starts = crate::source::line_starts(&text);
        Self {
            text,
            version,
            starts,
        }
    }

    /// The text's bytes `span` replaced by `with`, and the line index brought in step: the
    /// line starts before the edit stay, those after it move, and only the ones in between
    /// are looked for again.
    fn replace(&mut self, span: std::ops::Range<usize>, with: &str) {
        self.text.replace_range(span.clone(), with);
        let (at, old_end) = (span.start, span.end);
        let new_end = at + with.len();
        let delta = new_end as isize - old_end as isize;
        // A start at `at` depends on the character there, which changed (`\r` then `\n`).
        let keep = self.starts.partition_point(|&s| s < at);
        // A start after `old_end` depends only on characters after the edit.
        let tail_from = self.starts.partition_point(|&s| s <= old_end);
        let tail: Vec<usize> = self.starts[tail_from..]
            .iter()
            .map(|&s| s.saturating_add_signed(delta))
            .collect();
        self.starts.truncate(keep);
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let bytes = self.text.as_bytes();
        for p in at.max(1)..=new_end.min(bytes.len()) {
            let start = match bytes[p - 1] {
                b'\n' => true,
                b'\r' => bytes.get(p) != Some(&b'\n'),
                _ => false,
            };
            if start {
                self.starts.push(p);
            }
        }
        self.starts.extend(tail);
    }
}

impl LineIndex for Document {
    fn text(&self) -> &str {
        &self.text
    }
    fn line_count(&self) -> usize {
        self.starts.len()
    }
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(l) => l,
            Err(next) => next.saturating_sub(1),
        }
    }
    fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }
    fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.text.len();
        };
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > 0 && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end.max(self.line_start(line))
    }
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
                None => {
                    doc.starts = crate::source::line_starts(&change.text);
                    doc.text = change.text;
                }
                Some(range) => {
                    let span = Positions::new(&*doc, encoding).span(range);
                    doc.replace(span, &change.text);
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
            Document::new("team: hr-sytems\nx: é1\n".into(), 1),
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

    /// After any edits (line breaks of every kind typed, joined and split), the line index
    /// kept by edit is the one the whole text gives.
    #[test]
    fn the_line_index_kept_by_edit_equals_a_fresh_one() {
        let mut state = 0x1234_5678_9abc_def1_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        let pieces = ["", "a", "\n", "\r", "\r\n", "xy\nz", "é", "\n\r", "---\n"];
        let mut doc = Document::new("a\nb\r\nc\rd\n".into(), 1);
        for step in 0..3000 {
            let len = doc.text.len();
            let mut a = next(len + 1);
            while !doc.text.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + next(4)).min(len);
            while !doc.text.is_char_boundary(b) {
                b += 1;
            }
            let with = pieces[next(pieces.len())];
            doc.replace(a..b, with);
            assert_eq!(
                doc.starts,
                crate::source::line_starts(&doc.text),
                "step {step}: {:?}",
                doc.text
            );
        }
    }
}
