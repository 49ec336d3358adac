//! Documents and block collections. Each function starts at the first byte of its node's
//! first token and returns at the first byte of the token after the node (past spaces, line
//! breaks and comments), so that the collection around it decides by that token's column
//! whether it goes on. The spans follow saphyr-parser's tokens: a block collection starts
//! and ends with an empty span (at its first key or `-`, and at the token that ends it), an
//! empty value sits at its `:`.

use saphyr_parser::{Event, Marker, Span};

use super::{Halt, Scalar, Scanner, Step, Unsupported};

impl<'t, S> Scanner<'t, S>
where
    S: FnMut(Event<'t>, saphyr_parser::Span) -> std::ops::ControlFlow<()>,
{
    pub(super) fn stream(&mut self) -> Step {
        self.emit(Event::StreamStart, Span::empty(Marker::new(0, 1, 0)))?;
        self.skip_to_token();
        loop {
            if self.eof() {
                let end = self.eof_mark();
                return self.emit(Event::StreamEnd, Span::empty(end));
            }
            if self.is_document_indicator() {
                if self.peek() == b'.' {
                    return Err(Unsupported.into());
                }
                let start = self.mark();
                self.pos += 3;
                self.emit(Event::DocumentStart(true), Span::new(start, self.mark()))?;
                // Content on the `---` line, and empty documents, are left to saphyr-parser.
                self.skip_ws_to_eol()?;
                if !matches!(self.peek(), b'\n' | 0) {
                    return Err(Unsupported.into());
                }
                self.skip_to_token();
                if self.eof() || self.is_document_indicator() {
                    return Err(Unsupported.into());
                }
            } else {
                self.pending_document = true;
            }
            self.block_node(-1, false)?;
            if self.eof() {
                let end = Span::empty(self.eof_mark());
                self.emit(Event::DocumentEnd, end)?;
                return self.emit(Event::StreamEnd, end);
            }
            if !(self.is_document_indicator() && self.peek() == b'-') {
                return Err(Unsupported.into());
            }
            let start = self.mark();
            let end = self.mark_at(self.pos + 3);
            self.emit(Event::DocumentEnd, Span::new(start, end))?;
        }
    }

    /// The node at the cursor, inside a block collection indented at `indent` (-1 for a
    /// document's root). `inline`: on the line of its key's `:`, where no mapping may start.
    pub(super) fn block_node(&mut self, indent: isize, inline: bool) -> Step {
        self.enter()?;
        let col = self.col();
        debug_assert!(col as isize > indent);
        match self.peek() {
            b'-' if self.is_entry() => {
                if inline {
                    return Err(Unsupported.into());
                }
                self.block_sequence(col)?;
            }
            b'[' | b'{' => {
                self.flow_collection()?;
                self.end_of_line()?;
                self.skip_to_token();
            }
            _ => {
                let scalar = self.scalar(false)?;
                if self.is_value_indicator() {
                    if inline {
                        return Err(Unsupported.into());
                    }
                    self.block_mapping(col, scalar)?;
                } else {
                    self.emit_scalar(scalar)?;
                    self.end_of_line()?;
                    self.skip_to_token();
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// After a value on its line: only a comment (already past, for quoted scalars and flow
    /// collections) may follow.
    fn end_of_line(&self) -> Result<(), Unsupported> {
        match self.peek() {
            b'\n' | b'#' | 0 => Ok(()),
            _ => Err(Unsupported),
        }
    }

    /// Emits the end of a block collection indented at `col` at the token the cursor is on.
    /// At the end of the text, saphyr-parser first ends the collections indented deeper than
    /// the last line's trailing spaces, there, and the others where the stream ends.
    fn end_block(&mut self, event: Event<'t>, col: usize) -> Step {
        let at = if self.eof() && self.col() >= col {
            self.eof_mark()
        } else {
            self.mark()
        };
        self.emit(event, Span::empty(at))
    }

    /// A block mapping whose keys start at `col`; the cursor is on its first key's `:`.
    fn block_mapping(&mut self, col: usize, first: Scalar<'t>) -> Step {
        self.emit(Event::MappingStart(0, None), Span::empty(first.start))?;
        let mut key = first;
        loop {
            // saphyr-parser stops looking for a simple key's `:` after 1024 characters.
            if self.pos - key.start.index() > 1000 {
                return Err(Unsupported.into());
            }
            self.emit_scalar(key)?;
            let colon = self.mark();
            self.pos += 1;
            self.skip_spaces();
            if matches!(self.peek(), b'\n' | b'#' | 0) {
                self.skip_to_token();
                let next = self.col();
                if self.eof() || next < col || (next == col && !self.is_entry()) {
                    let empty =
                        Event::Scalar("".into(), saphyr_parser::ScalarStyle::Plain, 0, None);
                    self.emit(empty, Span::empty(colon))?;
                } else if next == col {
                    self.indentless_sequence(col)?;
                } else {
                    self.block_node(col as isize, false)?;
                }
            } else {
                self.block_node(col as isize, true)?;
            }
            if self.eof() || self.col() < col || self.is_document_indicator() {
                return self.end_block(Event::MappingEnd, col);
            }
            if self.col() > col {
                return Err(Unsupported.into());
            }
            key = self.scalar(false)?;
            if !self.is_value_indicator() {
                return Err(Unsupported.into());
            }
        }
    }

    /// A block sequence whose `-` indicators are on `col`; the cursor is on the first one.
    fn block_sequence(&mut self, col: usize) -> Step {
        self.emit(Event::SequenceStart(0, None), Span::empty(self.mark()))?;
        loop {
            self.pos += 1;
            self.entry(col)?;
            if !self.eof() && self.col() == col && self.is_entry() {
                continue;
            }
            if self.eof() || self.col() < col || self.is_document_indicator() {
                return self.end_block(Event::SequenceEnd, col);
            }
            return Err(Unsupported.into());
        }
    }

    /// A sequence on the column of the mapping it is a value of (`key:` then `- item` below
    /// it); the cursor is on the first `-`. saphyr-parser starts it where the first entry's
    /// content would start: past the `-`, its spaces and a comment.
    fn indentless_sequence(&mut self, col: usize) -> Step {
        self.pos += 1;
        self.skip_ws_to_eol()?;
        self.emit(Event::SequenceStart(0, None), Span::empty(self.mark()))?;
        loop {
            self.entry(col)?;
            if !self.eof() && self.col() == col && self.is_entry() {
                self.pos += 1;
                continue;
            }
            if !self.eof() && self.col() > col {
                return Err(Unsupported.into());
            }
            return self.end_block(Event::SequenceEnd, col);
        }
    }

    /// The item of a sequence entry, the cursor just past its `-`.
    fn entry(&mut self, col: usize) -> Step {
        self.skip_spaces();
        if matches!(self.peek(), b'\n' | b'#' | 0) {
            self.skip_to_token();
            // An empty item.
            if self.eof() || self.col() <= col {
                return Err(Halt::Unsupported);
            }
        }
        self.block_node(col as isize, false)
    }
}
