//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//! Everything that comes from a YAML file is escaped as the command format requires, so
//! file content can never end a command early or start another one.

use std::io::{self, Write};

use super::text::neutralise;
use super::{Report, Reporter, summary_line};
use crate::diagnostic::Severity;

pub struct Github;

/// Escapes a command's message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property (`%`, CR, LF, `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for d in report.diagnostics {
            let (s, e) = report.range(d);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut message = neutralise(&d.message).into_owned();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(&neutralise(h));
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&neutralise(report.path(d))),
                s.line,
                s.column,
                e.line,
                e.column,
                escape_property(&format!("catalint {}", d.rule)),
                escape_data(&message),
            )?;
        }
        writeln!(out, "{}", summary_line(&report.summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_text_cannot_inject_a_command() {
        let hostile = "x\n::error file=evil::owned,%0A";
        let escaped = escape_data(hostile);
        assert!(!escaped.contains('\n'));
        assert_eq!(escaped, "x%0A::error file=evil::owned,%250A");
        assert_eq!(escape_property("a,b:c\r"), "a%2Cb%3Ac%0D");
    }
}
