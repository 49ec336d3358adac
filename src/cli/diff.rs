//! `catalint diff [BASE [HEAD]]`: what a change does to the catalogue's promises.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::diff::report::{DiffFormat, HumanDiff};
use crate::diff::{self, DiffOptions, Gate, Source};

use super::check::output_width;
use super::{Color, exit, run_error, use_color};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The git revision to compare against (default: the merge base of the current branch
    /// with its upstream).
    #[arg(value_name = "BASE", conflicts_with = "base_dir")]
    pub base: Option<String>,
    /// The git revision to compare (default: the working tree).
    #[arg(value_name = "HEAD")]
    pub head: Option<String>,
    /// Compare against this folder instead of a git revision (no git needed): a checkout
    /// or copy of the catalogue's repository at the base.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Write the report to FILE; the terminal gets the summary line.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// What fails the run (exit 1): a weakened promise, a new finding, or nothing.
    #[arg(long, value_enum, default_value_t = Gate::Never)]
    pub fail_on: Gate,
    /// Colour in human output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Wrap human output at this width (default: the terminal's).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,
    /// Check HEAD whole, as a second `catalint check`, instead of re-checking its changed
    /// files on BASE's results. Slower; the report is the same.
    #[arg(long)]
    pub no_incremental: bool,
}

pub fn run(args: DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let width = output_width(args.width);
    let opts = DiffOptions {
        base: match (&args.base_dir, &args.base) {
            (Some(dir), _) => Some(Source::Folder(dir.clone())),
            (None, Some(rev)) => Some(Source::Revision(rev.clone())),
            (None, None) => None,
        },
        head: args
            .head
            .clone()
            .map_or(Source::WorkingTree, Source::Revision),
        whole: args.no_incremental,
    };
    let result = match diff::diff(&opts) {
        Ok(d) => d,
        Err(e) => return run_error(e, err, Some(width)),
    };
    // How HEAD was checked, for whoever doubts the incremental path (the tests, a bug
    // report): never in the report itself, which is the same either way.
    if std::env::var_os("CATALINT_DIFF_TRACE").is_some() {
        let how = match result.incremental {
            true => "re-checked on BASE's workspace",
            false => "checked whole",
        };
        writeln!(err, "catalint diff: HEAD {how}")?;
    }
    let to_file = args.output_file.is_some();
    let human = HumanDiff {
        color: !to_file && use_color(args.color, io::stdout().is_terminal()),
        width,
    };
    match &args.output_file {
        Some(path) => {
            let mut buf = Vec::new();
            crate::diff::report::write(&result, args.format, &human, &mut buf)?;
            if let Err(e) = std::fs::write(path, buf) {
                writeln!(
                    err,
                    "error: cannot write {}: {e}",
                    crate::paths::shown(path)
                )?;
                return Ok(exit::ERROR);
            }
            writeln!(out, "{}", crate::diff::report::summary_line(&result))?;
        }
        None => crate::diff::report::write(&result, args.format, &human, out)?,
    }
    Ok(match result.fails(args.fail_on) {
        true => exit::FINDINGS,
        false => exit::OK,
    })
}
