//! Stage 2 of the pipeline: YAML text -> documents as compact JSON trees ([`tree`]) with
//! source spans.
//!
//! Built on the event stream of `saphyr-parser` (a maintained YAML 1.2 parser that reports
//! marks). Scalars are resolved by the YAML 1.2 core schema in [`scalar`]; anchors, aliases
//! and merge keys are resolved here, with caps so that a hostile file stays small; duplicate
//! keys are findings, never last-wins. The builder is iterative, so nesting depth is bounded
//! by a limit and never by the call stack.

pub mod scalar;
pub mod spans;
pub mod tree;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::{FileId, Location};
pub use spans::{NodeSpan, Resolved, SpanMap, escape_segment, push_segment};
pub use tree::{Items, Members, Node, Tree, View};
use tree::{KeyRef, NodeId, ScalarKind, TreeBuilder};

pub use crate::diagnostic::ids;

/// Caps that keep hostile input small in memory and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nodes that alias expansion may add to one document, in all.
    pub alias_nodes: usize,
    /// Nesting depth of mappings and lists.
    pub depth: usize,
    /// Documents in one file.
    pub documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            alias_nodes: 100_000,
            depth: 128,
            documents: 100_000,
        }
    }
}

/// A plain scalar that a YAML 1.1 tool reads differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    /// Pointer of the value (or, for a key, of the entry the key names).
    pub pointer: String,
    pub span: Range<usize>,
    pub text: String,
    pub is_key: bool,
    /// The YAML 1.1 reading, e.g. `false` for `no`, `511` for `0777`.
    pub yaml11: String,
}

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based position of the document in its file.
    pub index: usize,
    pub value: Tree,
    /// Byte range of the document's root node.
    pub span: Range<usize>,
    /// False when a limit cut parts of the document out: it is reported by `yaml-limit`
    /// and not validated further, so that the cut does not cascade into other findings.
    pub complete: bool,
    details: Details,
    /// Whether a plain scalar of the document is a YAML 1.1 trap (known without spans).
    maybe_ambiguous: bool,
}

/// Where a document's values are written, and its YAML 1.1 traps: what findings need and
/// a clean document never does.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    pub spans: SpanMap,
    pub ambiguous: Vec<Ambiguous>,
}

static NO_DETAIL: std::sync::LazyLock<Detail> = std::sync::LazyLock::new(Detail::default);

#[derive(Debug, Clone)]
enum Details {
    /// Boxed: most documents never have one, and the enum sits in every document.
    Built(Box<Detail>),
    /// Built on first use, for every document of the file at once, by reading it again.
    Lazy(Arc<FileDetails>),
}

/// The spans of a file's documents, each built on first use by reading that document's
/// text again: documents do not share anchors, so each one parses on its own, and a file of
/// 20,000 documents with findings in some is re-read only where they are, in parallel.
#[derive(Debug)]
struct FileDetails {
    text: Arc<str>,
    limits: Limits,
    documents: Vec<(Range<usize>, OnceLock<Detail>)>,
}

impl FileDetails {
    fn get(&self, index: usize) -> &Detail {
        let Some((span, cell)) = self.documents.get(index) else {
            return &NO_DETAIL;
        };
        cell.get_or_init(|| {
            let bom = if self.text.starts_with('\u{feff}') {
                3
            } else {
                0
            };
            // From the start of the root's line, so that its indentation is kept.
            let start = self.text[..span.start.min(self.text.len())]
                .rfind(['\n', '\r'])
                .map_or(0, |i| i + 1)
                .max(bom);
            let end = span.end.clamp(start, self.text.len());
            let Some(slice) = self.text.get(start..end) else {
                return Detail::default();
            };
            let builder = parse_tolerant(slice, || {
                Builder::new(FileId(0), slice, start, self.limits, true)
            });
            match builder.docs.into_iter().next().map(|d| d.details) {
                Some(Details::Built(detail)) => *detail,
                _ => Detail::default(),
            }
        })
    }
}

impl Document {
    fn detail(&self) -> &Detail {
        match &self.details {
            Details::Built(d) => d,
            Details::Lazy(file) => file.get(self.index),
        }
    }

    /// Where each value of the document is written.
    pub fn spans(&self) -> &SpanMap {
        &self.detail().spans
    }

    /// The document's plain scalars that YAML 1.1 tools read differently.
    pub fn ambiguous(&self) -> &[Ambiguous] {
        if !self.maybe_ambiguous {
            return &[];
        }
        &self.detail().ambiguous
    }
}

/// What loading one file gives: its documents (those before a syntax error included) and
/// the findings made on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads every document of `text` with its spans. Never panics on any input.
pub fn load(file: FileId, text: &str, limits: &Limits) -> Loaded {
    let mut builder = run(file, text, limits, None);
    // Most files hold one document; a growing vector would keep room for four.
    builder.docs.shrink_to_fit();
    Loaded {
        documents: builder.docs,
        diagnostics: builder.diags,
    }
}

/// Loads every document of `text`, building values only: spans are built on first use
/// (see [`Document::spans`]), so a clean file never pays for them. A file that gives any
/// loader finding is loaded again at once with [`load`], so its findings have exact spans.
pub fn load_fast(file: FileId, text: &Arc<str>, limits: &Limits) -> Loaded {
    let mut builder = run(file, text, limits, Some(text));
    if builder.bail {
        return load(file, text, limits);
    }
    let details = Arc::new(FileDetails {
        text: Arc::clone(text),
        limits: *limits,
        documents: builder
            .docs
            .iter()
            .map(|d| (d.span.clone(), OnceLock::new()))
            .collect(),
    });
    for doc in &mut builder.docs {
        doc.details = Details::Lazy(Arc::clone(&details));
    }
    builder.docs.shrink_to_fit();
    Loaded {
        documents: builder.docs,
        diagnostics: Vec::new(),
    }
}

/// Parses `text`; `fast` (the text, shared) builds values only, their strings pointing into
/// the text where they can.
fn run<'t>(file: FileId, text: &'t str, limits: &Limits, fast: Option<&Arc<str>>) -> Builder<'t> {
    // A UTF-8 byte order mark is allowed by YAML; parse after it and shift offsets back.
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    parse_tolerant(body, || {
        let mut builder = Builder::new(file, body, base, *limits, fast.is_none());
        if let Some(text) = fast {
            builder.tree = TreeBuilder::with_source(Arc::clone(text));
        }
        builder
    })
}

/// Parses `body` into a builder from `make`, working around one gap of saphyr-parser: it
/// refuses a tab as the separation after a mapping's `:` when a plain scalar follows
/// (`name:<TAB>Team A`), which YAML 1.2 allows (s-separate-in-line is spaces or tabs).
/// Such a tab is never part of a value, so the parser is given a copy of the text with that
/// tab read as a space, from the start, with a fresh builder; the builder itself reads the
/// author's text, whose offsets and values are the same. The re-parses are bounded by a
/// budget of work linear in the text's size; past it, the tab is a syntax error.
fn parse_tolerant<'t>(body: &'t str, make: impl Fn() -> Builder<'t>) -> Builder<'t> {
    let mut patched: Option<String> = None;
    let mut budget = body.len().saturating_mul(8).saturating_add(1 << 20);
    loop {
        let src = patched.as_deref().unwrap_or(body);
        let mut builder = make();
        let Some(err) = parse_into(&mut builder, src) else {
            return builder;
        };
        match separation_tab(src, &err).filter(|_| budget >= src.len()) {
            Some(at) => {
                budget -= src.len();
                let mut text = patched.take().unwrap_or_else(|| body.to_owned());
                text.replace_range(at..at + 1, " ");
                patched = Some(text);
            }
            None => {
                builder.syntax_error(&err);
                return builder;
            }
        }
    }
}

/// Feeds the parser's events to the builder; returns the syntax error that stopped it.
fn parse_into(builder: &mut Builder<'_>, body: &str) -> Option<ScanError> {
    let mut parser = Parser::new_from_str(body);
    loop {
        match parser.next_event() {
            None => return None,
            Some(Ok((event, span))) => {
                if builder.event(event, span).is_break() || builder.bail {
                    return None;
                }
            }
            Some(Err(err)) => return Some(err),
        }
    }
}

/// The byte offset of a tab that saphyr-parser refused as the separation after a mapping
/// value indicator, where YAML 1.2 accepts it: `key:<TAB>value`, the value a plain scalar
/// on the same line that does not open a block collection (`key:<TAB>- a` and
/// `key:<TAB>b: c` stay errors, as the YAML test suite's Y79Y cases require).
fn separation_tab(src: &str, err: &ScanError) -> Option<usize> {
    if err.info() != "':' must be followed by a valid YAML whitespace" {
        return None;
    }
    let at = src
        .char_indices()
        .nth(err.marker().index())
        .map_or(src.len(), |(i, _)| i);
    let before = &src[..at];
    let colon = before.trim_end_matches('\t');
    if !colon.ends_with(':') || colon.len() == before.len() {
        return None;
    }
    let rest = &src[at..];
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    // A `#` after white space starts a comment, which ends the plain scalar.
    let value = match line.find(" #").into_iter().chain(line.find("\t#")).min() {
        Some(hash) => &line[..hash],
        None => line,
    };
    let value = value.trim_end();
    let opens_sequence = value == "-" || value.starts_with("- ") || value.starts_with("-\t");
    let opens_mapping = value.ends_with(':') || value.contains(": ") || value.contains(":\t");
    (!opens_sequence && !opens_mapping).then_some(colon.len())
}
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

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    base: usize,
    offsets: Offsets<'t>,
    limits: Limits,
    diags: Vec<Diagnostic>,
    docs: Vec<Document>,
    // The document being built.
    stack: Vec<Frame>,
    tree: TreeBuilder,
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
    bail: bool,
    maybe_ambiguous: bool,
}

use std::ops::ControlFlow;

impl<'t> Builder<'t> {
    fn new(file: FileId, text: &'t str, base: usize, limits: Limits, full: bool) -> Self {
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

    fn finding(
        &mut self,
        rule: &'static str,
        message: impl Into<String>,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.bail |= !self.full;
        let d = Diagnostic::new(
            rule,
            Severity::Error,
            message,
            Label::new(self.loc(span), label),
        );
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn src(&self, span: &Range<usize>) -> &'t str {
        let (s, e) = (span.start - self.base, span.end - self.base);
        self.text.get(s..e).unwrap_or("")
    }

    /// The span of a node without its anchor (`&a`) and tag (`!!str`) properties, so that
    /// labels underline the value itself.
    fn trim_properties(&self, span: Range<usize>) -> Range<usize> {
        let mut start = span.start;
        loop {
            let rest = self.src(&(start..span.end));
            if !(rest.starts_with('&') || rest.starts_with('!')) {
                break;
            }
            let token = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
            let after = &rest[token..];
            let ws = after.len() - after.trim_start().len();
            if token + ws == 0 {
                break;
            }
            start += token + ws;
        }
        start..span.end
    }

    /// The span of the tag (`!secret`) among a node's properties.
    fn tag_span(&self, raw: &Range<usize>) -> Range<usize> {
        let text = self.src(raw);
        match text.find('!') {
            Some(i) => {
                let len = text[i..]
                    .find(char::is_whitespace)
                    .unwrap_or(text.len() - i);
                raw.start + i..raw.start + i + len
            }
            None => raw.start..raw.start,
        }
    }

    fn syntax_error(&mut self, err: &ScanError) {
        self.bail |= !self.full;
        let at = self.offsets.byte(err.marker().index());
        let end = self
            .text
            .get(at - self.base..)
            .and_then(|r| r.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        let info = err.info().to_owned();
        if info == PARSER_DEPTH_ERROR {
            // The parser's own nesting limit. Past our depth limit the document is already
            // cut and reported by `yaml-limit`: a cut document is reported once.
            if !self.truncated {
                self.truncated = true;
                self.finding(
                    ids::YAML_LIMIT,
                    "nesting deeper than the YAML parser reads",
                    at..end,
                    "this value is nested too deep and is not read",
                )
                .help = Some(
                    "a catalogue entity needs a handful of levels; flatten the structure".into(),
                );
            }
            return;
        }
        let help = syntax_help(&info);
        let d = self.finding(
            ids::YAML_SYNTAX,
            format!("invalid YAML: {info}"),
            at..end,
            info.clone(),
        );
        if let Some(h) = help {
            d.help = Some(h.into());
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> ControlFlow<()> {
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

    fn child_ctx(&self) -> NodeCtx {
        if !self.full {
            // No pointers without spans: the role is all a node needs.
            let role = match self.stack.last().map(|p| &p.container) {
                None => Role::Root,
                Some(Container::Seq { .. }) => Role::Item,
                Some(Container::Map { key: None, .. }) => Role::Key,
                Some(Container::Map { key: Some(_), .. }) => Role::Value,
            };
            return NodeCtx {
                pointer: String::new(),
                record: false,
                role,
            };
        }
        let Some(parent) = self.stack.last() else {
            return NodeCtx {
                pointer: String::new(),
                record: true,
                role: Role::Root,
            };
        };
        match &parent.container {
            Container::Seq { start } => NodeCtx {
                pointer: push_segment(&parent.ctx.pointer, &(self.items.len() - start).to_string()),
                record: parent.ctx.record,
                role: Role::Item,
            },
            Container::Map { key: None, .. } => NodeCtx {
                pointer: parent.ctx.pointer.clone(),
                record: false,
                role: Role::Key,
            },
            Container::Map { key: Some(k), .. } => NodeCtx {
                pointer: push_segment(&parent.ctx.pointer, self.tree.key_str(k.name)),
                record: parent.ctx.record && !k.ignored,
                role: Role::Value,
            },
        }
    }

    fn scalar(
        &mut self,
        text: std::borrow::Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: &Range<usize>,
        raw: &Range<usize>,
        ctx: &NodeCtx,
    ) -> NodeId {
        if let Some(tag) = tag {
            if tag.handle == "!" && tag.suffix.is_empty() {
                return self.tree.string_at(&text, span);
            }
            if tag.is_yaml_core_schema() {
                let v = self.core_tagged(&text, &tag.suffix, span);
                return self.tree.scalar(&v);
            }
            self.unsupported_tag(tag, self.tag_span(raw));
        }
        if style != ScalarStyle::Plain {
            return self.tree.string_at(&text, span);
        }
        if let Some(reading) = scalar::yaml11_reading(&text) {
            self.maybe_ambiguous = true;
            if ctx.record {
                self.ambiguous.push(Ambiguous {
                    pointer: ctx.pointer.clone(),
                    span: span.clone(),
                    text: text.to_string(),
                    is_key: false,
                    yaml11: reading,
                });
            }
        }
        match scalar::resolve_plain(&text) {
            scalar::Plain::Value(v) => self.tree.scalar(&v),
            scalar::Plain::Text => self.tree.string_at(&text, span),
            scalar::Plain::NonFinite(what) => {
                self.finding(
                    ids::YAML_UNSUPPORTED,
                    format!("`{text}` is {what}, which JSON and the catalogue cannot hold"),
                    span.clone(),
                    format!("{what} is not a number the catalogue accepts"),
                )
                .help = Some(format!(
                    "write a finite number, or quote it (\"{text}\") if you meant text"
                ));
                self.tree.null()
            }
        }
    }

    fn core_tagged(&mut self, text: &str, suffix: &str, span: &Range<usize>) -> Value {
        let plain = scalar::resolve_plain(text);
        let ok = |v: &Value| match suffix {
            "int" => v.is_i64() || v.is_u64(),
            "float" => v.is_number(),
            "bool" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        };
        match suffix {
            "str" => Value::String(text.to_owned()),
            "int" | "float" | "bool" | "null" => match plain {
                scalar::Plain::Value(v) if ok(&v) => v,
                _ => {
                    self.finding(
                        ids::YAML_UNSUPPORTED,
                        format!("`{text}` is not a valid `!!{suffix}`"),
                        span.clone(),
                        format!("not a {suffix}"),
                    )
                    .help = Some(format!("remove the `!!{suffix}` tag, or fix the value"));
                    Value::Null
                }
            },
            _ => {
                self.finding(
                    ids::YAML_UNSUPPORTED,
                    format!("the YAML tag `!!{suffix}` has no JSON equivalent"),
                    span.clone(),
                    "tagged here",
                )
                .help = Some("remove the tag and write plain text, numbers or lists".into());
                Value::String(text.to_owned())
            }
        }
    }

    fn unsupported_tag(&mut self, tag: &Tag, span: Range<usize>) {
        let name = if tag.is_yaml_core_schema() {
            format!("!!{}", tag.suffix)
        } else {
            format!("{}{}", tag.handle, tag.suffix)
        };
        self.finding(
            ids::YAML_UNSUPPORTED,
            format!("custom YAML tag `{name}` is not supported"),
            span,
            "tagged value",
        )
        .help = Some(
            "catalogue files are plain data: remove the tag (the value is read as if untagged)"
                .into(),
        );
    }

    fn alias(&mut self, id: usize, span: Range<usize>, ctx: NodeCtx) {
        let Some(anchor) = self.anchors.get(&id) else {
            self.finding(
                ids::YAML_SYNTAX,
                "alias to an unknown anchor",
                span.clone(),
                "no anchor of this name is defined before this point",
            );
            let null = self.tree.null();
            self.finish(null, span, 0, 1, ctx);
            return;
        };
        if self.expanded.saturating_add(anchor.nodes) > self.limits.alias_nodes {
            if self.truncated {
                // One finding per document: the first alias over the limit.
                let null = self.tree.null();
                self.finish(null, span, 0, 1, ctx);
                return;
            }
            self.truncated = true;
            let limit = self.limits.alias_nodes;
            self.finding(
                ids::YAML_LIMIT,
                format!("aliases expand this document beyond {limit} values"),
                span.clone(),
                "expansion stopped at this alias",
            )
            .help = Some(
                "a file that multiplies aliases (a \"billion laughs\") is refused; \
                 write the values out, or raise `limits.aliasNodes` in catalint.yaml"
                    .into(),
            );
            let null = self.tree.null();
            self.finish(null, span, 0, 1, ctx);
            return;
        }
        // The alias shares the anchor's node: trees are read-only once built.
        let value = anchor.value;
        let nodes = anchor.nodes;
        let origin = anchor.pointer.clone();
        self.expanded += nodes;
        self.finish_with_origin(value, span, 0, nodes, ctx, Some(origin));
    }

    fn finish(
        &mut self,
        value: NodeId,
        span: Range<usize>,
        anchor: usize,
        nodes: usize,
        ctx: NodeCtx,
    ) {
        self.finish_with_origin(value, span, anchor, nodes, ctx, None);
    }

    fn finish_with_origin(
        &mut self,
        value: NodeId,
        span: Range<usize>,
        anchor: usize,
        nodes: usize,
        ctx: NodeCtx,
        origin: Option<String>,
    ) {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchor {
                    value,
                    pointer: ctx.pointer.clone(),
                    nodes,
                },
            );
        }
        match ctx.role {
            Role::Root => {
                self.spans.insert(
                    "",
                    NodeSpan {
                        key: None,
                        value: span.clone(),
                        origin: origin.map(Into::into),
                    },
                );
                self.root = Some((value, span));
            }
            Role::Item => {
                if ctx.record {
                    self.spans.insert(
                        &ctx.pointer,
                        NodeSpan {
                            key: None,
                            value: span.clone(),
                            origin: origin.map(Into::into),
                        },
                    );
                }
                if let Some(parent) = self.stack.last_mut() {
                    parent.end = parent.end.max(span.end);
                    parent.nodes += nodes;
                    if let Container::Seq { .. } = parent.container {
                        self.items.push(value);
                    }
                }
            }
            // An anchored or aliased key's node may be used again: it stays in the tree.
            Role::Key => self.key(value, span, anchor != 0 || origin.is_some()),
            Role::Value => self.value(value, span, nodes, ctx, origin),
        }
    }

    fn key(&mut self, value: NodeId, span: Range<usize>, shared: bool) {
        let text = self.src(&span);
        let mut unsupported = false;
        let name = match self.tree.take_string(value, shared) {
            Some(key) => key,
            None => {
                let kind = self.tree.view_of(value);
                let (what, shown) = match &kind {
                    ScalarKind::Container => ("a mapping or list", text.to_owned()),
                    ScalarKind::Null => ("empty (null)", "~".to_owned()),
                    ScalarKind::Other(s) | ScalarKind::String(s) => ("not a string", s.clone()),
                };
                self.finding(
                    ids::YAML_UNSUPPORTED,
                    format!("mapping key `{}` is {what}", truncate(&shown, 40)),
                    span.clone(),
                    "keys must be strings",
                )
                .help = Some(format!(
                    "quote the key (\"{}\") or rename it; catalogue keys are field names",
                    truncate(text, 40)
                ));
                unsupported = true;
                match kind {
                    ScalarKind::Null => self.tree.key(""),
                    ScalarKind::Other(s) | ScalarKind::String(s) => self.tree.key(&s),
                    ScalarKind::Container => self.tree.key(text),
                }
            }
        };
        let name_str = self.tree.key_str(name);
        let merge = name_str == "<<" && text == "<<";
        let Some(parent) = self.stack.last() else {
            return;
        };
        let record = parent.ctx.record;
        let duplicate = !merge && !unsupported && self.has_key(parent, name_str);
        if !self.full {
            self.bail |= duplicate;
            self.maybe_ambiguous |= !merge && scalar::yaml11_reading(text).is_some();
        }
        let pointer = if self.full {
            push_segment(&parent.ctx.pointer, name_str)
        } else {
            String::new()
        };
        if duplicate {
            let earlier = if record {
                self.spans.get(&pointer).and_then(|n| n.key.clone())
            } else {
                None
            };
            let mut d = Diagnostic::new(
                ids::DUPLICATE_KEY,
                Severity::Error,
                format!("key `{name_str}` appears twice in the same mapping"),
                Label::new(
                    self.loc(span.clone()),
                    "repeated here; this entry is ignored",
                ),
            )
            .with_pointer(pointer.clone())
            .with_help(format!(
                "YAML tools disagree on which `{name_str}` wins; keep one entry and delete the other"
            ));
            if let Some(earlier) = earlier {
                d.related
                    .push(Label::new(self.loc(earlier), "first defined here"));
            }
            self.diags.push(d);
        }
        if record
            && !merge
            && let Some(reading) = scalar::yaml11_reading(text)
        {
            self.ambiguous.push(Ambiguous {
                pointer,
                span: span.clone(),
                text: text.to_owned(),
                is_key: true,
                yaml11: reading,
            });
        }
        if let Some(parent) = self.stack.last_mut()
            && let Container::Map { key, .. } = &mut parent.container
        {
            *key = Some(PendingKey {
                name,
                span,
                merge,
                ignored: duplicate || unsupported,
            });
        }
    }

    /// Whether the mapping of `frame` already holds `name`.
    fn has_key(&self, frame: &Frame, name: &str) -> bool {
        match &frame.container {
            Container::Map {
                seen: Some(seen), ..
            } => seen.contains(name),
            Container::Map { start, .. } => self.members[*start..]
                .iter()
                .any(|&(k, _)| self.tree.key_str(k) == name),
            Container::Seq { .. } => false,
        }
    }

    /// Adds an entry to the innermost mapping.
    fn insert_member(&mut self, key: KeyRef, value: NodeId) {
        self.members.push((key, value));
        let Some(Frame {
            container: Container::Map { start, seen, .. },
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let entries = &self.members[*start..];
        match seen {
            Some(seen) => {
                seen.insert(self.tree.key_str(key).into());
            }
            None if entries.len() > SCAN_KEYS => {
                *seen = Some(
                    entries
                        .iter()
                        .map(|&(k, _)| self.tree.key_str(k).into())
                        .collect(),
                );
            }
            None => {}
        }
    }

    fn value(
        &mut self,
        value: NodeId,
        span: Range<usize>,
        nodes: usize,
        ctx: NodeCtx,
        origin: Option<String>,
    ) {
        let Some(parent) = self.stack.last_mut() else {
            return;
        };
        parent.end = parent.end.max(span.end);
        let Container::Map { key, .. } = &mut parent.container else {
            return;
        };
        let Some(k) = key.take() else {
            return;
        };
        if k.ignored {
            return;
        }
        parent.nodes += nodes;
        if ctx.record {
            self.spans.insert(
                &ctx.pointer,
                NodeSpan {
                    key: Some(k.span.clone()),
                    value: span.clone(),
                    origin: origin.clone().map(Into::into),
                },
            );
        }
        if k.merge {
            if let Some(Frame {
                container: Container::Map { merges, .. },
                ..
            }) = self.stack.last_mut()
            {
                merges.push(MergeSource {
                    value,
                    origin: origin.unwrap_or(ctx.pointer),
                    use_span: span,
                    key_span: k.span,
                });
            }
        } else {
            self.insert_member(k.name, value);
        }
    }

    fn end_container(&mut self, frame: Frame, end_event: Range<usize>) {
        let Frame {
            container,
            ctx,
            start,
            mut end,
            anchor,
            nodes,
        } = frame;
        // Flow collections end at their closing bracket; block ones at their last child.
        if !end_event.is_empty() && self.src(&end_event).starts_with([']', '}']) {
            end = end.max(end_event.end);
        }
        let value = match container {
            Container::Seq { start } => {
                let start = start.min(self.items.len());
                let id = self.tree.array(&self.items[start..]);
                self.items.truncate(start);
                id
            }
            Container::Map {
                start,
                merges,
                seen,
                ..
            } => {
                let start = start.min(self.members.len());
                if !merges.is_empty() {
                    // Merged entries join this mapping's: put its frame back while they
                    // are added, so that duplicates are checked against it.
                    self.stack.push(Frame {
                        container: Container::Map {
                            start,
                            key: None,
                            merges: Vec::new(),
                            seen,
                        },
                        ctx: ctx.clone(),
                        start: 0,
                        end: 0,
                        anchor: 0,
                        nodes: 0,
                    });
                    for source in merges {
                        self.merge(&ctx, source);
                    }
                    self.stack.pop();
                }
                let id = self.tree.object(&self.members[start..]);
                self.members.truncate(start);
                id
            }
        };
        self.finish(value, start..end, anchor, nodes, ctx);
    }

    /// Applies a `<<` merge to the innermost mapping: keys written in the mapping win over
    /// merged ones, and earlier sources win over later ones (YAML merge-key semantics).
    fn merge(&mut self, ctx: &NodeCtx, source: MergeSource) {
        let MergeSource {
            value,
            origin,
            use_span,
            key_span,
        } = source;
        let mut sources: Vec<(Vec<(KeyRef, NodeId)>, String)> = Vec::new();
        if let Some(members) = self.tree.object_members(value) {
            sources.push((members, origin));
        } else if let Some(items) = self.tree.array_items(value) {
            for (i, item) in items.into_iter().enumerate() {
                let item_ptr = push_segment(&origin, &i.to_string());
                let item_origin = self
                    .spans
                    .get(&item_ptr)
                    .and_then(|n| n.origin.as_deref().map(str::to_owned))
                    .unwrap_or(item_ptr);
                match self.tree.object_members(item) {
                    Some(members) => sources.push((members, item_origin)),
                    None => {
                        self.bad_merge(use_span.clone());
                        return;
                    }
                }
            }
        } else {
            self.bad_merge(use_span);
            return;
        }
        for (members, origin) in sources {
            for (k, v) in members {
                let name = self.tree.key_str(k);
                let Some(frame) = self.stack.last() else {
                    return;
                };
                if self.has_key(frame, name) {
                    continue;
                }
                if ctx.record {
                    let pointer = push_segment(&ctx.pointer, name);
                    let origin = push_segment(&origin, name);
                    // An entry written inline in the merge (`<<: [*base, {note: x}]`) is
                    // shown where it is written; one that comes through an alias, at the
                    // `<<` that brings it in (the anchor is its origin).
                    let written_inline = self.spans.get(&origin).and_then(|n| {
                        let key = n.key.clone()?;
                        (key.start >= use_span.start && key.end <= use_span.end)
                            .then(|| (key, n.value.clone()))
                    });
                    let (key, value) =
                        written_inline.unwrap_or_else(|| (key_span.clone(), use_span.clone()));
                    self.spans.insert(
                        &pointer,
                        NodeSpan {
                            key: Some(key),
                            value,
                            origin: Some(origin.into()),
                        },
                    );
                }
                self.insert_member(k, v);
            }
        }
    }

    fn bad_merge(&mut self, span: Range<usize>) {
        self.finding(
            ids::YAML_UNSUPPORTED,
            "a merge key `<<` must merge a mapping or a list of mappings",
            span,
            "not a mapping",
        );
    }

    fn end_document(&mut self, end: Range<usize>) {
        let index = self.docs.len();
        let (root, span) = match self.root.take() {
            Some(root) => root,
            None => (self.tree.null(), end.start..end.start),
        };
        let value = self.tree.finish(root);
        let maybe_ambiguous = self.maybe_ambiguous;
        self.docs.push(Document {
            index,
            value,
            span,
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

fn is_core_tag(tag: &Tag, expected: &str) -> bool {
    tag.is_yaml_core_schema() && tag.suffix == expected
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// A plain-words hint for the parser's most common complaints.
fn syntax_help(info: &str) -> Option<&'static str> {
    let info = info.to_ascii_lowercase();
    if info.contains("mapping values are not allowed") {
        Some(
            "a value that contains `: ` must be quoted; otherwise check the indentation of this line",
        )
    } else if info.contains("tab") {
        Some("YAML indents with spaces only; replace the tab characters")
    } else if info.contains("did not find expected key") || info.contains("block mapping") {
        Some("check that this line is indented like the other keys of its mapping")
    } else if info.contains("unclosed") || info.contains("end of stream") || info.contains("eof") {
        Some("a quote or bracket opened earlier is never closed")
    } else if info.contains("flow mapping") || info.contains("flow sequence") {
        Some("a `{` or `[` opened earlier is not closed here, or an entry lacks its `,`")
    } else if info.contains("anchor") || info.contains("alias") {
        Some(
            "an alias (`*name`) must refer to an anchor (`&name`) defined earlier in the same document",
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
