//! Findings of the loader, and the parser's complaints in plain words.

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn finding(
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

    pub(in crate::load) fn syntax_error(&mut self, err: &ScanError) {
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
