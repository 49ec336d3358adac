//! Positions and file names as the protocol spells them. catalint addresses text by byte
//! offset; LSP by line and column, counted in UTF-16 code units unless the client agrees to
//! UTF-8 at `initialize`. Lines end at `\n`, `\r\n` or a lone `\r` on both sides. A byte
//! order mark is no part of an editor's buffer, so columns on line 0 start after it.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

const BOM: &str = "\u{feff}";

/// What position conversion reads of a text: its lines. Implemented by the workspace's
/// files (whose line index is built once and kept while the file is unchanged) and by
/// an open document's index, for an editor's text.
pub trait LineIndex {
    fn text(&self) -> &str;
    fn line_count(&self) -> usize;
    /// 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize;
    fn line_start(&self, line: usize) -> usize;
    /// The end of a line's content (before its line break).
    fn line_end(&self, line: usize) -> usize;
}

impl LineIndex for crate::source::SourceFile {
    fn text(&self) -> &str {
        &self.text
    }
    fn line_count(&self) -> usize {
        crate::source::SourceFile::line_count(self)
    }
    fn line_of(&self, offset: usize) -> usize {
        crate::source::SourceFile::line_of(self, offset)
    }
    fn line_start(&self, line: usize) -> usize {
        crate::source::SourceFile::line_start(self, line)
    }
    fn line_end(&self, line: usize) -> usize {
        crate::source::SourceFile::line_end(self, line)
    }
}

/// A text with its line starts (the tests' index; an open document keeps its own by edit).
#[cfg(test)]
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

#[cfg(test)]
impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        Lines {
            text,
            starts: crate::source::line_starts(text),
        }
    }
}

#[cfg(test)]
impl LineIndex for Lines<'_> {
    fn text(&self) -> &str {
        self.text
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

/// Converts between byte offsets and positions in one text.
pub struct Positions<'i, I: LineIndex + ?Sized> {
    pub index: &'i I,
    pub encoding: Encoding,
}

impl<'i, I: LineIndex + ?Sized> Positions<'i, I> {
    pub fn new(index: &'i I, encoding: Encoding) -> Self {
        Self { index, encoding }
    }

    /// Where a line's characters start: after the byte order mark on line 0.
    fn content_start(&self, line: usize) -> usize {
        let start = self.index.line_start(line);
        if line == 0 && self.index.text().starts_with(BOM) {
            BOM.len()
        } else {
            start
        }
    }

    /// The position of byte `offset` (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let text = self.index.text();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_of(offset);
        let start = self.content_start(line).min(offset);
        let part = &text[start..offset];
        let character = match self.encoding {
            Encoding::Utf8 => part.len(),
            Encoding::Utf16 => part.chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position. A line past the end is the end of the text; a column
    /// past the end of its line is the line's end; a column inside a character (half of a
    /// UTF-16 surrogate pair, or inside a UTF-8 sequence) is that character's start.
    pub fn offset(&self, p: Position) -> usize {
        let line = p.line as usize;
        let text = self.index.text();
        if line >= self.index.line_count() {
            return text.len();
        }
        let (start, end) = (self.content_start(line), self.index.line_end(line));
        let content = text.get(start..end).unwrap_or("");
        let want = p.character as usize;
        let mut units = 0;
        for (i, c) in content.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > want {
                return start + i;
            }
            units += width;
        }
        end.max(start)
    }

    pub fn span(&self, r: Range) -> std::ops::Range<usize> {
        let (a, b) = (self.offset(r.start), self.offset(r.end));
        a.min(b)..b.max(a)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The path of a `file:` URI; `None` for any other scheme or a malformed one.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s
        .strip_prefix("file://")
        .or_else(|| s.strip_prefix("FILE://"))?;
    // `file:///p` and `file://localhost/p`; another host is a network share we cannot read.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest[..i].eq_ignore_ascii_case("localhost") => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    // Windows: `/C:/x` names `C:/x`.
    #[cfg(windows)]
    let text = match text.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => text[1..].to_owned(),
        _ => text,
    };
    Some(PathBuf::from(text))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let text = text.replace('\\', "/");
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            b':' if cfg!(windows) => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "a: é😀x\r\nb: 1\rc";
        let index = Lines::new(text);
        let lines = Positions::new(&index, Encoding::Utf16);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(0, 6));
        assert_eq!(lines.offset(Position::new(0, 6)), x);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(lines.offset(Position::new(0, 5)), text.find('😀').unwrap());
        assert_eq!(lines.offset(Position::new(1, 0)), text.find('b').unwrap());
        assert_eq!(lines.offset(Position::new(2, 0)), text.find('c').unwrap());
        assert_eq!(
            lines.offset(Position::new(1, 99)),
            text.rfind('\r').unwrap()
        );
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
        let utf8 = Positions::new(&index, Encoding::Utf8);
        assert_eq!(utf8.position(x), Position::new(0, x as u32));
    }

    #[test]
    fn a_byte_order_mark_is_no_column() {
        let text = "\u{feff}ab";
        let index = Lines::new(text);
        let lines = Positions::new(&index, Encoding::Utf16);
        assert_eq!(lines.position(text.find('b').unwrap()), Position::new(0, 1));
        assert_eq!(lines.offset(Position::new(0, 0)), 3);
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let path = Path::new("/tmp/a b/ü#1.yaml");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC%231.yaml");
        assert_eq!(path_of(&uri).unwrap(), path);
        let local = Uri::from_str("file://localhost/x.yaml").unwrap();
        assert_eq!(path_of(&local).unwrap(), Path::new("/x.yaml"));
        assert_eq!(
            path_of(&Uri::from_str("untitled:Untitled-1").unwrap()),
            None
        );
        assert_eq!(
            path_of(&Uri::from_str("file://server/share/x").unwrap()),
            None
        );
        assert_eq!(percent_decode("/%zz"), None);
    }
}
