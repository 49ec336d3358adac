//! `--format junit`: JUnit XML (the Apache Ant schema CI servers read). One test case per
//! reported file: a file with findings at or above the failing severity fails, listing
//! them; any other file passes, and the suite's `system-out` lists its lesser findings.

use std::io::{self, Write};

use super::text::neutralise;
use super::{Report, Reporter, summary_line};
use crate::diagnostic::Severity;

pub struct Junit {
    /// `YYYY-MM-DDTHH:MM:SS` (UTC).
    pub timestamp: String,
    pub hostname: String,
}

impl Junit {
    /// Stamped with the current time (or `SOURCE_DATE_EPOCH`, for reproducible output) and
    /// this machine's name.
    pub fn from_environment() -> Self {
        let secs = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
            });
        let hostname = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_owned());
        Self {
            timestamp: iso8601(secs),
            hostname,
        }
    }
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SS` (UTC), without a date library.
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Escapes text for XML attributes and content; characters XML 1.0 cannot hold at all
/// (most control characters) are written as `\u{..}`.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// One finding as a line of text: `file:line:col: severity[rule] message`, then its help.
fn finding_text(report: &Report<'_>, d: &crate::diagnostic::Diagnostic, path: &str) -> String {
    let (s, _) = report.range(d);
    let mut text = format!(
        "{}:{}:{}: {}[{}] {}\n",
        neutralise(path),
        s.line,
        s.column,
        d.severity.as_str(),
        d.rule,
        neutralise(&d.message)
    );
    if let Some(h) = &d.help {
        text.push_str(&format!("  help: {}\n", neutralise(h)));
    }
    text
}

impl Reporter for Junit {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut cases = String::new();
        let mut failures = 0;
        let mut tests = 0;
        // Findings below the failing severity: their files pass, and the suite's output
        // lists them (the Ant schema allows no output inside a test case).
        let mut passing_findings = String::new();
        let mut by_file: Vec<Vec<&crate::diagnostic::Diagnostic>> =
            vec![Vec::new(); report.files.len()];
        for d in report.diagnostics {
            if let Some(list) = by_file.get_mut(d.file().0 as usize) {
                list.push(d);
            }
        }
        for (id, file) in report.files.iter() {
            if !report.is_reported(id) {
                continue;
            }
            tests += 1;
            let found = &by_file[id.0 as usize];
            let name = xml(&neutralise(&file.path));
            let failing = found.iter().filter(|d| report.fails(d.severity)).count();
            if failing == 0 {
                for d in found {
                    passing_findings.push_str(&finding_text(report, d, &file.path));
                }
                cases.push_str(&format!(
                    "    <testcase name=\"{name}\" classname=\"catalint\" time=\"0\"/>\n"
                ));
                continue;
            }
            failures += 1;
            let errors = found
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let kind = if errors > 0 { "error" } else { "warning" };
            let body: String = found
                .iter()
                .map(|d| finding_text(report, d, &file.path))
                .collect();
            cases.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"catalint\" time=\"0\">\n      <failure message=\"{}\" type=\"{kind}\">{}</failure>\n    </testcase>\n",
                xml(&format!("{} problem(s) ({} error(s))", found.len(), errors)),
                xml(&body),
            ));
        }
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<testsuites>")?;
        writeln!(
            out,
            "  <testsuite package=\"catalint\" id=\"0\" name=\"catalint\" timestamp=\"{}\" hostname=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">",
            xml(&self.timestamp),
            xml(&self.hostname),
        )?;
        writeln!(out, "    <properties>")?;
        writeln!(
            out,
            "      <property name=\"catalint.version\" value=\"{}\"/>",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            out,
            "      <property name=\"summary\" value=\"{}\"/>",
            xml(&summary_line(&report.summary))
        )?;
        writeln!(out, "    </properties>")?;
        out.write_all(cases.as_bytes())?;
        if passing_findings.is_empty() {
            writeln!(out, "    <system-out/>")?;
        } else {
            writeln!(
                out,
                "    <system-out>{}</system-out>",
                xml(&passing_findings)
            )?;
        }
        writeln!(out, "    <system-err/>")?;
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_escaping() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00");
        assert_eq!(iso8601(1_796_083_200), "2026-12-01T00:00:00");
        assert_eq!(
            xml("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\\u{1b}"
        );
    }
}
