//! `--format short`: one line per finding, for editors, grep and quick reading.

use std::io::{self, Write};

use super::text::neutralise;
use super::{Report, Reporter};

pub struct Short;

impl Reporter for Short {
    fn report(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for d in report.diagnostics {
            let (start, _) = report.range(d);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                neutralise(report.path(d)),
                start.line,
                start.column,
                d.severity.as_str(),
                d.rule,
                neutralise(&d.message)
            )?;
        }
        Ok(())
    }
}
