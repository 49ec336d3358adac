//! The loader's builder: it turns saphyr-parser's events into document trees and spans,
//! one concern per file: events and documents here; [`scalars`] (scalars and
//! tags), [`keys`] (keys and duplicates), [`aliases`] (anchors, aliases and merge keys),
//! [`messages`] (findings and the parser's errors in plain words), [`containers`]
//! (sequences, mappings and the values put into them).

mod aliases;
mod containers;
mod keys;
mod messages;
mod scalars;

use std::collections::{HashMap, HashSet};
use std::ops::{ControlFlow, Range};
use std::sync::Arc;

use saphyr_parser::{Event, ScalarStyle, ScanError, Span, Tag};
use serde_json::Value;

use super::tree::{KeyRef, NodeId, ScalarKind, TreeBuilder};
use super::{
    Ambiguous, Detail, Details, Document, Limits, NodeSpan, SpanMap, ids, push_segment, scalar,
};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::{FileId, Location, clip as truncate};
use scalars::is_core_tag;

/// What saphyr-parser says when flow collections nest deeper than it counts.
const PARSER_DEPTH_ERROR: &str = "recursion limit exceeded";

/// Converts the parser's character indices to byte offsets. Events arrive in order, so a
/// forward cursor makes this linear; ASCII text needs no conversion at all. Shared with the
/// suppression scan, which reads the same parser's events.
pub(crate) struct Offsets<'t> {
    text: &'t str,
    base: usize,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'t> Offsets<'t> {
    pub(crate) fn new(text: &'t str, base: usize) -> Self {
        Self {
            text,
            base,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    pub(crate) fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return self.base + char_index.min(self.text.len());
        }
        if char_index < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        let mut iter = self.text[self.bytes..].char_indices();
        while self.chars < char_index {
            match iter.next() {
                Some((_, c)) => {
                    self.bytes += c.len_utf8();
                    self.chars += 1;
                }
                None => break,
            }
        }
        self.base + self.bytes
    }

    fn span(&mut self, span: &Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        start..end.max(start)
    }
}

#[derive(Debug)]
struct Anchor {
    value: NodeId,
    pointer: String,
    nodes: usize,
}

#[derive(Debug)]
struct PendingKey {
    name: KeyRef,
    span: Range<usize>,
    merge: bool,
    /// A repeated or non-string key: its entry is reported and left out of the value.
    ignored: bool,
}

#[derive(Debug)]
struct MergeSource {
    value: NodeId,
    /// Where the merged mapping was written (an anchor's pointer, or the inline value's).
    origin: String,
    use_span: Range<usize>,
    key_span: Range<usize>,
}

#[derive(Debug)]
enum Container {
    /// Items so far: `Builder::items[start..]`.
    Seq { start: usize },
    /// Entries so far: `Builder::members[start..]`.
    Map {
        start: usize,
        key: Option<PendingKey>,
        merges: Vec<MergeSource>,
        /// The keys, once the mapping is large enough that scanning them for duplicates
        /// would be quadratic.
        seen: Option<HashSet<Box<str>>>,
    },
}

/// Entries a mapping may hold before duplicate keys are found by hashing, not scanning.
const SCAN_KEYS: usize = 16;

#[derive(Debug)]
struct Frame {
    container: Container,
    ctx: NodeCtx,
    start: usize,
    end: usize,
    anchor: usize,
    nodes: usize,
}

/// What a node is to its parent, decided when it starts.
#[derive(Debug, Clone)]
struct NodeCtx {
    pointer: String,
    /// Whether this node's spans are recorded (not for keys, nor under a duplicate key).
    record: bool,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Item,
    Key,
    Value,
}

pub(super) struct Builder<'t> {
    file: FileId,
    text: &'t str,
    base: usize,
    offsets: Offsets<'t>,
    limits: Limits,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) docs: Vec<Document>,
    // The document being built.
    stack: Vec<Frame>,
    pub(super) tree: TreeBuilder,
    /// Children of the open lists and mappings, innermost last.
    items: Vec<NodeId>,
    members: Vec<(KeyRef, NodeId)>,
    root: Option<(NodeId, Range<usize>)>,
    spans: SpanMap,
    anchors: HashMap<usize, Anchor>,
    ambiguous: Vec<Ambiguous>,
    expanded: usize,
    /// Whether a limit cut this document.
    truncated: bool,
    /// Depth of a subtree being skipped because it is nested too deep.
    skipping: usize,
    skip_ctx: Option<(NodeCtx, usize)>,
    doc_count: usize,
    /// Whether spans are built (`load`) or not (`load_fast`).
    full: bool,
    /// Set in fast mode when a finding needs spans: the file is loaded again in full.
    pub(super) bail: bool,
    maybe_ambiguous: bool,
}

impl<'t> Builder<'t> {
    pub(super) fn new(
        file: FileId,
        text: &'t str,
        base: usize,
        limits: Limits,
        full: bool,
    ) -> Self {
        Self {
            file,
            text,
            base,
            offsets: Offsets::new(text, base),
            limits,
            diags: Vec::new(),
            docs: Vec::new(),
            stack: Vec::new(),
            tree: TreeBuilder::default(),
            items: Vec::new(),
            members: Vec::new(),
            root: None,
            spans: SpanMap::default(),
            anchors: HashMap::new(),
            ambiguous: Vec::new(),
            expanded: 0,
            truncated: false,
            skipping: 0,
            skip_ctx: None,
            doc_count: 0,
            full,
            bail: false,
            maybe_ambiguous: false,
        }
    }

    fn loc(&self, span: Range<usize>) -> Location {
        Location::new(self.file, span)
    }

    fn src(&self, span: &Range<usize>) -> &'t str {
        let (s, e) = (span.start - self.base, span.end - self.base);
        self.text.get(s..e).unwrap_or("")
    }

    pub(super) fn event(&mut self, event: Event<'_>, span: Span) -> ControlFlow<()> {
        let raw = self.offsets.span(&span);
        if self.skipping > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    self.skipping -= 1;
                    if self.skipping == 0
                        && let Some((ctx, start)) = self.skip_ctx.take()
                    {
                        let null = self.tree.null();
                        self.finish(null, start..raw.end, 0, 1, ctx);
                    }
                }
                _ => {}
            }
            return ControlFlow::Continue(());
        }
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.doc_count += 1;
                if self.doc_count > self.limits.documents {
                    self.finding(
                        ids::YAML_LIMIT,
                        format!(
                            "the file holds more than {} documents",
                            self.limits.documents
                        ),
                        raw,
                        "documents from here on are not read",
                    )
                    .help =
                        Some("split the file, or raise `limits.documents` in catalint.yaml".into());
                    return ControlFlow::Break(());
                }
            }
            Event::DocumentEnd => self.end_document(raw),
            Event::Alias(id) => {
                let ctx = self.child_ctx();
                self.alias(id, raw, ctx);
            }
            Event::Scalar(text, style, anchor, tag) => {
                let ctx = self.child_ctx();
                let span = self.trim_properties(raw.clone());
                let value = self.scalar(text, style, tag.as_deref(), &span, &raw, &ctx);
                self.finish(value, span, anchor, 1, ctx);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let ctx = self.child_ctx();
                let span = self.trim_properties(raw.clone());
                if let Some(tag) = tag.as_deref() {
                    let expected = if is_map { "map" } else { "seq" };
                    if !is_core_tag(tag, expected) {
                        self.unsupported_tag(tag, self.tag_span(&raw));
                    }
                }
                if self.stack.len() >= self.limits.depth {
                    self.truncated = true;
                    self.finding(
                        ids::YAML_LIMIT,
                        format!("nesting deeper than {} levels", self.limits.depth),
                        span.start..span.start + 1,
                        "this value is nested too deep and is not read",
                    )
                    .help = Some(
                        "a catalogue entity needs a handful of levels; flatten the structure"
                            .into(),
                    );
                    self.skipping = 1;
                    self.skip_ctx = Some((ctx, span.start));
                    return ControlFlow::Continue(());
                }
                let container = if is_map {
                    Container::Map {
                        start: self.members.len(),
                        key: None,
                        merges: Vec::new(),
                        seen: None,
                    }
                } else {
                    Container::Seq {
                        start: self.items.len(),
                    }
                };
                self.stack.push(Frame {
                    container,
                    ctx,
                    start: span.start,
                    end: span.end,
                    anchor,
                    nodes: 1,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    self.end_container(frame, raw);
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn end_document(&mut self, end: Range<usize>) {
        let index = self.docs.len();
        let (root, span) = match self.root.take() {
            Some(root) => root,
            None => (self.tree.null(), end.start..end.start),
        };
        let value = self.tree.finish(root);
        let maybe_ambiguous = self.maybe_ambiguous;
        let local = span.start.saturating_sub(self.base);
        let first_line_end = match self.text.get(local..) {
            Some(rest) => local + rest.find(['\n', '\r']).unwrap_or(rest.len()) + self.base,
            None => span.start,
        };
        self.docs.push(Document {
            index,
            value: Arc::new(value),
            span,
            first_line_end,
            complete: !self.truncated,
            details: Details::Built(Box::new(Detail {
                spans: std::mem::take(&mut self.spans),
                ambiguous: std::mem::take(&mut self.ambiguous),
            })),
            maybe_ambiguous,
        });
        self.truncated = false;
        self.maybe_ambiguous = false;
        self.stack.clear();
        self.items.clear();
        self.members.clear();
        self.anchors.clear();
        self.expanded = 0;
    }
}
