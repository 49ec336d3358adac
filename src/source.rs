//! Source files and positions.
//!
//! Every finding carries a byte range into one file of the [`Files`] database; lines and
//! columns are computed late, only for the findings that are rendered. Columns are counted
//! in characters (the contract), lines are 1-based. YAML line breaks are `\n`, `\r\n` and a
//! lone `\r`, so all three end a line here too.

use std::ops::Range;
use std::sync::Arc;

/// A file's index in [`Files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: FileId,
    pub span: Range<usize>,
}

impl Location {
    pub fn new(file: FileId, span: Range<usize>) -> Self {
        Self { file, span }
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One loaded file: its path as found, its text and a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it or as discovery joined it (`catalogue/services/a.yaml`).
    pub path: String,
    pub text: Arc<str>,
    /// Built on first use: only files with findings are ever shown by line.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    display: std::sync::OnceLock<Option<String>>,
    /// Whether the text holds [`SourceFile::MARKER`]: asked by every check, found once.
    marked: std::sync::OnceLock<bool>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            display: std::sync::OnceLock::new(),
            marked: std::sync::OnceLock::new(),
        }
    }

    /// What starts every suppression comment.
    pub const MARKER: &str = "catalint-disable";

    /// Whether the text holds [`SourceFile::MARKER`]. A workspace keeps its files between
    /// checks, so the search runs once per text, not once per check over the catalogue.
    pub fn has_marker(&self) -> bool {
        *self.marked.get_or_init(|| self.text.contains(Self::MARKER))
    }

    /// The text to show in snippets: control characters (and bidirectional overrides)
    /// replaced by spaces of the same byte length, so every offset stays valid and file
    /// content can never drive a terminal.
    pub fn display_text(&self) -> &str {
        self.display
            .get_or_init(|| {
                let dangerous = |c: char| {
                    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                };
                if !self.text.chars().any(dangerous) {
                    return None;
                }
                Some(
                    self.text
                        .chars()
                        .map(|c| if dangerous(c) { " ".repeat(c.len_utf8()) } else { c.to_string() })
                        .collect(),
                )
            })
            .as_deref()
            .unwrap_or(&self.text)
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// Number of lines (a final line without a break counts; an empty file has one line).
    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    /// Byte offset where the 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts().get(line).copied().unwrap_or(self.text.len())
    }

    /// Byte offset where the 0-based line `line` ends, line break excluded.
    pub fn line_end(&self, line: usize) -> usize {
        let next = self
            .starts()
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > self.line_start(line) && end <= bytes.len() && next != self.text.len() {
            // Strip the break that ends this line: `\n`, `\r\n` or `\r`.
            if bytes[end - 1] == b'\n' {
                end -= 1;
                if end > self.line_start(line) && bytes[end - 1] == b'\r' {
                    end -= 1;
                }
            } else if bytes[end - 1] == b'\r' {
                end -= 1;
            }
        } else if next == self.text.len() {
            while end > self.line_start(line) && matches!(bytes[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
        }
        end
    }

    /// 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts().binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// 1-based line and character column of byte `offset` (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_of(offset);
        let mut start = self.line_start(line);
        // A byte order mark is no character of the text: columns on line 1 start after it.
        if line == 0 && self.text.starts_with('\u{feff}') {
            start = offset.min('\u{feff}'.len_utf8());
        }
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The text of a span, clamped to valid boundaries.
    pub fn slice(&self, span: &Range<usize>) -> &str {
        let end = self.floor_char_boundary(span.end.min(self.text.len()));
        let start = self.floor_char_boundary(span.start.min(end));
        &self.text[start..end]
    }
}

/// Where each line starts: after `\n`, `\r\n` or a lone `\r`, as YAML breaks lines.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                starts.push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    starts
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Self {
            files: Vec::with_capacity(n),
        }
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Room for `more` files.
    pub fn reserve(&mut self, more: usize) {
        self.files.reserve(more);
    }

    /// A new text for a file already here: its id stays.
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        if let Some(slot) = self.files.get_mut(id.0 as usize) {
            *slot = file;
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// Shortens source text quoted in a message, on a character boundary.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_all_breaks() {
        let f = SourceFile::new("a.yaml", "a: 1\r\nb: é2\rc: 3\n");
        assert_eq!(f.line_count(), 4);
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        let two = f.text.find('2').unwrap();
        assert_eq!(f.line_col(two), LineCol { line: 2, column: 5 });
        let c = f.text.find('c').unwrap();
        assert_eq!(f.line_col(c), LineCol { line: 3, column: 1 });
        assert_eq!(f.slice(&(f.line_start(1)..f.line_end(1))), "b: é2");
        assert_eq!(f.slice(&(f.line_start(0)..f.line_end(0))), "a: 1");
        assert_eq!(f.slice(&(f.line_start(2)..f.line_end(2))), "c: 3");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let f = SourceFile::new("a.yaml", "x");
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 2 });
    }
}
