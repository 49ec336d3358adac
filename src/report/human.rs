//! `--format human`: miette-rendered findings with source snippets, then a summary line.
//!
//! miette reads source through [`FileWindow`], which cuts the few lines around a label
//! out of the file with the line index: rendering a finding costs the size of its
//! snippet, not of its file, so thousands of findings in one large file stay fast.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::text::neutralise;
use super::{Report, Reporter, summary_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Files, SourceFile};

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
        self.source.as_ref().map(|s| s as &dyn SourceCode)
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
