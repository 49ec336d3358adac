//! `--format human`: miette-rendered findings with source snippets, then a summary line.
//!
//! miette reads source through [`FileWindow`], which cuts the few lines around a label
//! out of the file with the line index: rendering a finding costs the size of its
//! snippet, not of its file, so thousands of findings in one large file stay fast.
//!
//! A finding whose snippet would be large (a label on a line of thousands of characters,
//! a value over many lines, more related places than [`RELATED_SHOWN`]) is rendered from
//! an [`Excerpt`] instead: a window of characters around each label, the cut marked with
//! `…`, underlines of at most [`UNDERLINE_MAX`] characters, the first [`RELATED_SHOWN`]
//! related places and a count of the others. The `file:line:column` headers stay exact.
//!
//! Why one file of this size: the window, the excerpt and the summary line are one renderer's
//! parts, tested together by the rendered snapshots; split, each part would only be read
//! through the others.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::text::neutralise;
use super::{Report, Reporter, summary_line};
use crate::diagnostic::{Diagnostic, Label, RELATED_SHOWN, Severity, thousands};
use crate::source::{FileId, Files, SourceFile};

/// A line longer than this (in bytes) is shown as a window around its labels.
const LONG_LINE: usize = 400;
/// Characters shown on each side of a label on a long line.
const WINDOW: usize = 40;
/// The longest underline drawn; a longer value is underlined from its start.
pub const UNDERLINE_MAX: usize = 80;
/// A label over more lines than this is shown by its first line.
const TALL_LABEL: usize = 12;

#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    /// Wrap width; `None` for the terminal's.
    pub width: Option<usize>,
}

pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub fn new(opts: HumanOptions) -> Self {
        let theme = if opts.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        if let Some(w) = opts.width {
            handler = handler.with_width(w);
        }
        Self { handler }
    }

    /// Renders one diagnostic (without the summary): its header and snippet, the snippets
    /// of related places in other files, then its help.
    pub fn render(&self, files: &Files, d: &Diagnostic) -> String {
        if needs_excerpt(files, d) {
            return self.render_excerpted(files, d);
        }
        let adapter = Adapter::new(files, d);
        let mut s = String::new();
        if self.handler.render_report(&mut s, &adapter).is_err() {
            // Rendering can only fail on a span outside its file, which would be a bug;
            // the finding is still shown, on one line.
            let f = files.get(d.primary.location.file);
            let at = f.line_col(d.primary.location.span.start);
            return format!("{}:{}:{}: {}\n", f.path, at.line, at.column, adapter);
        }
        for part in adapter.related.iter().chain(adapter.footer.as_deref()) {
            let mut body = String::new();
            if self.handler.render_report(&mut body, part).is_ok() {
                // A part has no title: drop its (empty) header line.
                s.push_str(body.split_once('\n').map_or("", |(_, rest)| rest));
            }
        }
        s
    }

    /// [`Human::render`] for a finding too large to show whole: each group of nearby
    /// labels in a box of its own, cut from an [`Excerpt`].
    fn render_excerpted(&self, files: &Files, d: &Diagnostic) -> String {
        let shown: Vec<(&Label, bool)> = std::iter::once((&d.primary, true))
            .chain(d.related.iter().take(RELATED_SHOWN).map(|r| (r, false)))
            .collect();
        // Boxes: the primary's first, then by file (in order of appearance) and line.
        let mut order: Vec<FileId> = Vec::new();
        for (l, _) in &shown {
            if !order.contains(&l.location.file) {
                order.push(l.location.file);
            }
        }
        let mut groups: Vec<(FileId, Vec<Placed<'_>>)> = Vec::new();
        for &file in &order {
            let f = files.get(file);
            let mut labels: Vec<Placed<'_>> = shown
                .iter()
                .filter(|(l, _)| l.location.file == file)
                .map(|&(l, primary)| (f.line_of(l.location.span.start), l, primary))
                .collect();
            labels.sort_by_key(|&(line, l, _)| (line, l.location.span.start));
            let mut current: Vec<Placed<'_>> = Vec::new();
            for item in labels {
                if current
                    .last()
                    .is_some_and(|&(line, _, _)| item.0 > line + 2)
                {
                    groups.push((file, std::mem::take(&mut current)));
                }
                current.push(item);
            }
            if !current.is_empty() {
                groups.push((file, current));
            }
        }
        if let Some(i) = groups
            .iter()
            .position(|(_, g)| g.iter().any(|&(_, _, primary)| primary))
        {
            let g = groups.remove(i);
            groups.insert(0, g);
        }
        let mut s = String::new();
        for (n, (file, group)) in groups.iter().enumerate() {
            let excerpt = Excerpt::new(files.get(*file), group);
            let part = Adapter {
                title: if n == 0 {
                    format!("{}: {}", d.rule, neutralise(&d.message))
                } else {
                    String::new()
                },
                severity: d.severity,
                help: None,
                labels: excerpt.labels.clone(),
                source: None,
                excerpt: Some(excerpt),
                related: Vec::new(),
                footer: None,
            };
            let mut body = String::new();
            if self.handler.render_report(&mut body, &part).is_err() {
                continue;
            }
            if n == 0 {
                s.push_str(&body);
            } else {
                s.push_str(body.split_once('\n').map_or("", |(_, rest)| rest));
            }
        }
        let hidden = d.related.len().saturating_sub(RELATED_SHOWN);
        if hidden > 0 {
            s.push_str(&format!(
                "  … and {} more related {} (`--format json` lists every one)\n",
                thousands(hidden),
                if hidden == 1 { "place" } else { "places" }
            ));
        }
        if let Some(h) = &d.help {
            let footer = Adapter {
                title: String::new(),
                severity: d.severity,
                help: Some(neutralise(h).into_owned()),
                source: None,
                excerpt: None,
                labels: Vec::new(),
                related: Vec::new(),
                footer: None,
            };
            let mut body = String::new();
            if self.handler.render_report(&mut body, &footer).is_ok() {
                s.push_str(body.split_once('\n').map_or("", |(_, rest)| rest));
            }
        }
        s
    }
}

/// A label shown in an excerpt: its 0-based line, the label, whether it is the primary.
type Placed<'l> = (usize, &'l Label, bool);

/// Whether a finding's snippet would be too large to show whole (see the module doc).
fn needs_excerpt(files: &Files, d: &Diagnostic) -> bool {
    if d.related.len() > RELATED_SHOWN {
        return true;
    }
    std::iter::once(&d.primary).chain(&d.related).any(|l| {
        let f = files.get(l.location.file);
        let first = f.line_of(l.location.span.start);
        let last = f.line_of(l.location.span.end);
        last > first + TALL_LABEL
            || (first.saturating_sub(1)..=last + 1)
                .filter(|&line| line < f.line_count())
                .any(|line| f.line_end(line) - f.line_start(line) > LONG_LINE)
    })
}

impl Reporter for Human {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for d in report.diagnostics {
            out.write_all(self.render(report.files, d).as_bytes())?;
            writeln!(out)?;
        }
        writeln!(out, "{}", summary_line(&report.summary))
    }
}

/// A diagnostic as miette sees it: labels in its primary file. Related places in other
/// files and the help are rendered as separate, untitled parts, so that every snippet
/// comes before the help.
struct Adapter<'a> {
    title: String,
    severity: Severity,
    help: Option<String>,
    source: Option<FileWindow<'a>>,
    excerpt: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Adapter<'a>>,
    footer: Option<Box<Adapter<'a>>>,
}

impl<'a> Adapter<'a> {
    fn new(files: &'a Files, d: &Diagnostic) -> Self {
        let file = d.primary.location.file;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(neutralise(&d.primary.message).into_owned()),
            span(&d.primary.location.span),
        )];
        let mut others: Vec<(FileId, Vec<LabeledSpan>)> = Vec::new();
        let source = files.get(file);
        let primary_line = source.line_of(d.primary.location.span.start);
        for r in &d.related {
            let l = LabeledSpan::new_with_span(
                Some(neutralise(&r.message).into_owned()),
                span(&r.location.span),
            );
            // miette titles each snippet box with its first label's place: a related place
            // well above the primary one goes in a box of its own after the primary box, so
            // that the first `file:line:col` shown is always the finding's own.
            let same_file = r.location.file == file;
            let above = same_file && source.line_of(r.location.span.start) + 2 < primary_line;
            if same_file && !above {
                labels.push(l);
            } else if let Some((_, ls)) = others.iter_mut().find(|(f, _)| *f == r.location.file) {
                ls.push(l);
            } else {
                others.push((r.location.file, vec![l]));
            }
        }
        let related = others
            .into_iter()
            .map(|(f, labels)| Adapter {
                title: String::new(),
                severity: d.severity,
                help: None,
                source: Some(FileWindow(files.get(f))),
                excerpt: None,
                labels,
                related: Vec::new(),
                footer: None,
            })
            .collect();
        let fix_hint = d
            .fix
            .as_deref()
            .map(|f| format!("fixable with {}: {}", super::fix_flag(f), f.description));
        // The fix hint goes on a line of its own under the help (each neutralised apart,
        // so that only this break is a real one).
        let help = match (d.help.as_deref(), fix_hint) {
            (Some(h), Some(f)) => Some(format!("{}\n{}", neutralise(h), neutralise(&f))),
            (h, f) => h
                .map(|h| neutralise(h).into_owned())
                .or(f.map(|f| neutralise(&f).into_owned())),
        };
        let footer = help.map(|h| {
            Box::new(Adapter {
                title: String::new(),
                severity: d.severity,
                help: Some(h),
                source: None,
                excerpt: None,
                labels: Vec::new(),
                related: Vec::new(),
                footer: None,
            })
        });
        Adapter {
            title: format!("{}: {}", d.rule, neutralise(&d.message)),
            severity: d.severity,
            help: None,
            source: Some(FileWindow(files.get(file))),
            excerpt: None,
            labels,
            related,
            footer,
        }
    }
}

fn span(r: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(r.start.into(), r.end.saturating_sub(r.start))
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Adapter<'_> {}

impl miette::Diagnostic for Adapter<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match (&self.source, &self.excerpt) {
            (Some(s), _) => Some(s as &dyn SourceCode),
            (None, Some(e)) => Some(e as &dyn SourceCode),
            (None, None) => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// A file as miette's source: each read returns only the lines around the span, found
/// through the line index, from the file's display text (control characters blanked, so
/// that file content cannot drive the terminal).
struct FileWindow<'a>(&'a SourceFile);

impl SourceCode for FileWindow<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let f = self.0;
        let start = span.offset();
        let end = start + span.len();
        if end > f.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let span_line = f.line_of(start);
        if before == 0 && after == 0 {
            // miette asks for the bare span to print `file:line:column` above the snippet.
            let column = f.line_col(start).column - 1;
            return Ok(Box::new(MietteSpanContents::new_named(
                neutralise(&f.path).into_owned(),
                &f.display_text().as_bytes()[start..end],
                *span,
                span_line,
                column,
                1,
            )));
        }
        let first = span_line.saturating_sub(before);
        let last_of_span = f.line_of(end.saturating_sub(1).max(start));
        let last = (last_of_span + after).min(f.line_count().saturating_sub(1));
        let data_start = f.line_start(first);
        let data_end = if last + 1 < f.line_count() {
            f.line_start(last + 1)
        } else {
            f.text.len()
        };
        let data = &f.display_text().as_bytes()[data_start..data_end];
        Ok(Box::new(MietteSpanContents::new_named(
            neutralise(&f.path).into_owned(),
            data,
            SourceSpan::new(data_start.into(), data_end - data_start),
            first,
            0,
            last - first + 1,
        )))
    }
}

/// A few lines of a file as they are shown: long lines cut to windows around their labels
/// (`…` where text is left out), labels clipped to their first line and to
/// [`UNDERLINE_MAX`] characters, and translated to offsets in this text.
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line of the file where the excerpt starts.
    first_line: usize,
    lines: usize,
    labels: Vec<LabeledSpan>,
    /// Per label, where it is in the file (0-based line and character column), for the
    /// `file:line:column` header miette asks for.
    places: Vec<(SourceSpan, usize, usize)>,
}

impl Excerpt {
    fn new(f: &SourceFile, group: &[Placed<'_>]) -> Excerpt {
        let display = f.display_text();
        let first = group
            .iter()
            .map(|g| g.0)
            .min()
            .unwrap_or(0)
            .saturating_sub(1);
        let last = (group.iter().map(|g| g.0).max().unwrap_or(0) + 1)
            .min(f.line_count().saturating_sub(1))
            .max(first);
        // Each label as a byte range on its first line, underline bounded.
        let clipped: Vec<(usize, std::ops::Range<usize>)> = group
            .iter()
            .map(|&(line, l, _)| {
                let start = l.location.span.start.min(display.len());
                let end = l
                    .location
                    .span
                    .end
                    .clamp(start, f.line_end(line).max(start));
                (line, start..advance(display, start, end, UNDERLINE_MAX))
            })
            .collect();
        let mut text = String::new();
        // Per label: its range in `text`.
        let mut mapped: Vec<Option<std::ops::Range<usize>>> = vec![None; group.len()];
        for line in first..=last {
            let (ls, le) = (f.line_start(line), f.line_end(line));
            let here: Vec<usize> = (0..group.len()).filter(|&i| clipped[i].0 == line).collect();
            // Pieces of the line to show, as byte ranges of the file.
            let mut pieces: Vec<std::ops::Range<usize>> = Vec::new();
            if le - ls <= LONG_LINE {
                pieces.push(ls..le);
            } else if here.is_empty() {
                pieces.push(ls..advance(display, ls, le, 2 * WINDOW));
            } else {
                let mut around: Vec<std::ops::Range<usize>> = here
                    .iter()
                    .map(|&i| {
                        let r = &clipped[i].1;
                        back(display, ls, r.start, WINDOW)..advance(display, r.end, le, WINDOW)
                    })
                    .collect();
                around.sort_by_key(|r| r.start);
                for r in around {
                    match pieces.last_mut() {
                        Some(p) if r.start <= p.end => p.end = p.end.max(r.end),
                        _ => pieces.push(r),
                    }
                }
            }
            let mut cut_at = ls;
            for piece in &pieces {
                if piece.start > cut_at {
                    text.push('…');
                }
                let at = text.len();
                text.push_str(&display[piece.clone()]);
                for &i in &here {
                    let r = &clipped[i].1;
                    if piece.start <= r.start && r.end <= piece.end {
                        mapped[i] = Some(at + (r.start - piece.start)..at + (r.end - piece.start));
                    }
                }
                cut_at = piece.end;
            }
            if cut_at < le {
                text.push('…');
            }
            if line < last {
                text.push('\n');
            }
        }
        let mut labels = Vec::new();
        let mut places = Vec::new();
        for (i, &(line, l, primary)) in group.iter().enumerate() {
            let Some(r) = mapped[i].clone() else { continue };
            let span = SourceSpan::new(r.start.into(), r.end - r.start);
            let message = Some(neutralise(&l.message).into_owned());
            labels.push(if primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            });
            let column = char_count(&f.text[f.line_start(line)..clipped[i].1.start]);
            places.push((span, line, column));
        }
        // miette titles a box with its first label: the primary one, where it is here.
        if let Some(p) = labels.iter().position(LabeledSpan::primary) {
            labels.swap(0, p);
            places.swap(0, p);
        }
        Excerpt {
            name: neutralise(&f.path).into_owned(),
            text,
            first_line: first,
            lines: last - first + 1,
            labels,
            places,
        }
    }
}

/// The byte offset `n` characters after `from`, at most `limit`.
fn advance(text: &str, from: usize, limit: usize, n: usize) -> usize {
    text.get(from..limit)
        .and_then(|t| t.char_indices().nth(n).map(|(i, _)| from + i))
        .unwrap_or(limit)
}

/// The byte offset `n` characters before `to`, at least `limit`.
fn back(text: &str, limit: usize, to: usize, n: usize) -> usize {
    text.get(limit..to)
        .and_then(|t| {
            t.char_indices()
                .rev()
                .nth(n.saturating_sub(1))
                .map(|(i, _)| limit + i)
        })
        .unwrap_or(limit)
}

/// Characters in `s`, counted fast on lines of many megabytes.
fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| (b & 0xC0) != 0x80).count()
}

impl SourceCode for Excerpt {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        if span.offset() + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        if before == 0 && after == 0 {
            let (line, column) = self
                .places
                .iter()
                .find(|(s, _, _)| s == span)
                .map_or((self.first_line, 0), |&(_, l, c)| (l, c));
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &self.text.as_bytes()[span.offset()..span.offset() + span.len()],
                *span,
                line,
                column,
                1,
            )));
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            SourceSpan::new(0.into(), self.text.len()),
            self.first_line,
            0,
            self.lines,
        )))
    }
}
