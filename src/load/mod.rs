//! Stage 2 of the pipeline: YAML text -> documents as compact JSON trees ([`tree`]) with
//! source spans.
//!
//! Built on the event stream of `saphyr-parser` (a maintained YAML 1.2 parser that reports
//! marks). Scalars are resolved by the YAML 1.2 core schema in [`scalar`]; anchors, aliases
//! and merge keys are resolved here, with caps so that a hostile file stays small; duplicate
//! keys are findings, never last-wins. The builder is iterative, so nesting depth is bounded
//! by a limit and never by the call stack.

mod builder;
pub mod fast;
pub mod scalar;
pub mod spans;
pub mod tree;

use std::ops::{ControlFlow, Range};
use std::sync::{Arc, OnceLock};

use saphyr_parser::{Parser, ScanError};

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use builder::Builder;
pub(crate) use builder::Offsets;
pub use spans::{NodeSpan, Resolved, SpanMap, escape_segment, push_segment};
use tree::TreeBuilder;
pub use tree::{Items, Members, Node, Tree, View};

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
    /// Shared: `catalint diff` keeps BASE's catalogue while the workspace moves on to
    /// HEAD, and a copy of 12,500 trees cost a twentieth of the diff.
    pub value: Arc<Tree>,
    /// Byte range of the document's root node.
    pub span: Range<usize>,
    /// Where the line of the root node's start ends: a field missing from the root is
    /// underlined on that line.
    first_line_end: usize,
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
    /// The position in the file of the first document of `documents`.
    first: usize,
    documents: Vec<(Range<usize>, OnceLock<Detail>)>,
}

impl FileDetails {
    fn get(&self, index: usize) -> &Detail {
        let at = index.checked_sub(self.first);
        let Some((span, cell)) = at.and_then(|at| self.documents.get(at)) else {
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

    // Every stage that points at a place of a document (schema findings, rules, settings)
    // asks these three: one answer for where a value, a key and a missing field are.

    /// Where the value at `pointer` is written (for an aliased value: the use site). A
    /// missing pointer falls back to the key of its nearest written ancestor.
    pub fn value_span(&self, pointer: &str) -> Range<usize> {
        match self.spans().resolve(pointer) {
            Some(r) if r.exact => r.value,
            Some(r) => r.key.unwrap_or(r.value),
            None => self.span.clone(),
        }
    }

    /// The key of the entry at `pointer` (its value for list items and the root).
    pub fn key_span(&self, pointer: &str) -> Range<usize> {
        match self.spans().resolve(pointer) {
            Some(r) => r.key.unwrap_or(r.value),
            None => self.span.clone(),
        }
    }

    /// Where a field missing from the mapping at `parent` is reported: that mapping's key
    /// (`spec:`), or, for the root, the document's first line.
    pub fn missing_span(&self, parent: &str) -> Range<usize> {
        if parent.is_empty() {
            return self.span.start..self.first_line_end.max(self.span.start);
        }
        self.key_span(parent)
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
        first: 0,
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

/// One document of a file read again on its own after an edit inside it: `range` is its
/// text in the file's new `text` (the lines between two `---` markers, or before the
/// first), `index` its position in the file. Its spans are the file's, and its strings point
/// into `text`, as a load of the whole file gives. `None` unless the range holds exactly one
/// document, not null, that the fast path reads without a finding: the caller loads the
/// whole file then, so every finding keeps coming from a whole load.
pub fn load_document(
    file: FileId,
    text: &Arc<str>,
    range: Range<usize>,
    index: usize,
    limits: &Limits,
) -> Option<Document> {
    let slice = text.get(range.clone())?;
    let builder = parse_tolerant(slice, || {
        let mut builder = Builder::new(file, slice, range.start, *limits, false);
        builder.tree = TreeBuilder::with_source(Arc::clone(text));
        builder
    });
    if builder.bail || !builder.diags.is_empty() || builder.docs.len() != 1 {
        return None;
    }
    let mut doc = builder.docs.into_iter().next()?;
    if doc.value.is_null() || !doc.complete {
        return None;
    }
    doc.index = index;
    doc.details = Details::Lazy(Arc::new(FileDetails {
        text: Arc::clone(text),
        limits: *limits,
        first: index,
        documents: vec![(doc.span.clone(), OnceLock::new())],
    }));
    Some(doc)
}

impl Document {
    /// Whether its spans are built on first use (a file loaded without findings).
    pub fn is_lazy(&self) -> bool {
        matches!(self.details, Details::Lazy(_))
    }

    /// Whether the document holds something (not an empty or null document).
    pub fn is_null(&self) -> bool {
        self.value.is_null()
    }
}

/// The documents after an edit in an earlier document of the same file (in file order, all
/// lazy: see [`Document::is_lazy`]): their places move by `delta`, and their spans, built on
/// first use, are read from `text`, the file's new text. Their values stay as they are (the
/// strings they point to are kept with them).
pub fn shift_documents<'d>(
    docs: impl Iterator<Item = &'d mut Document>,
    text: &Arc<str>,
    delta: isize,
) {
    let docs: Vec<&mut Document> = docs.collect();
    let Some(first) = docs.first() else {
        return;
    };
    let limits = match &first.details {
        Details::Lazy(f) => f.limits,
        Details::Built(_) => Limits::default(),
    };
    let shift = |i: usize| i.saturating_add_signed(delta);
    let mut documents = Vec::with_capacity(docs.len());
    for doc in &docs {
        let span = shift(doc.span.start)..shift(doc.span.end);
        documents.push((span, OnceLock::new()));
    }
    let details = Arc::new(FileDetails {
        text: Arc::clone(text),
        limits,
        first: first.index,
        documents,
    });
    for doc in docs {
        doc.span = shift(doc.span.start)..shift(doc.span.end);
        doc.first_line_end = shift(doc.first_line_end);
        if let Details::Lazy(_) = doc.details {
            doc.details = Details::Lazy(Arc::clone(&details));
        }
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
///
/// Before all that, the [`fast`] scanner reads the text if it is inside the subset it knows,
/// with the same events and spans; if it is not, the builder it fed is dropped and the text
/// read again from the top by saphyr-parser.
fn parse_tolerant<'t>(body: &'t str, make: impl Fn() -> Builder<'t>) -> Builder<'t> {
    let mut builder = make();
    let fed = fast::parse(body, |event, span| {
        if builder.event(event, span).is_break() || builder.bail {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    if fed.is_ok() {
        return builder;
    }
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

#[cfg(test)]
mod tests;
