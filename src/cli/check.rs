//! `catalint check`: lint, then fix (`fixing.rs`), then report, and the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use super::{Color, SettingsArgs, exit, fixing, run_error, use_color};
use crate::engine::{self, CheckOptions};
use crate::policy::Level;
use crate::report::{self, Format, Human, HumanOptions, Reporter};
use crate::settings::config::FailOn;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to lint (default: the current folder, or the config's `include`).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE; the terminal still gets the summary.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print findings only, no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// The severity that fails the run (exit 1).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Set a rule's severity: `--rule ID=error|warning|off` (repeatable).
    #[arg(long = "rule", value_name = "ID=LEVEL", value_parser = parse_rule_level)]
    pub rules: Vec<(String, Level)>,
    /// Colour in human output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Wrap human output at this width (default: the terminal's).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,
    /// Print how long each stage of the pipeline took, and the peak memory after it, on stderr.
    #[arg(long)]
    pub timings: bool,
    /// Report only findings that this baseline file does not record.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE (for `--baseline`) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Apply the safe fixes in place, then report what remains.
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// Apply the unsafe fixes too (guesses such as a near id: review the change). Implies
    /// --fix unless --diff is given.
    #[arg(long, conflicts_with = "write_baseline")]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix (or --add-suppressions) would change and change
    /// nothing (exit 1 if it would change anything).
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    /// Write a `# catalint-disable-next-line RULE -- TODO` comment above each remaining
    /// finding (after the fixes, with --fix), for adopting catalint on an existing catalogue.
    #[arg(long, conflicts_with = "write_baseline")]
    pub add_suppressions: bool,
    /// Keep the cache in DIR (default: $CATALINT_CACHE_DIR, else the user's cache folder:
    /// $XDG_CACHE_HOME/catalint, ~/.cache/catalint; see the book's Cache page).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache (also: CATALINT_NO_CACHE=1).
    #[arg(long)]
    pub no_cache: bool,
}

fn parse_rule_level(s: &str) -> Result<(String, Level), String> {
    let (id, level) = s
        .split_once('=')
        .ok_or_else(|| format!("expected ID=LEVEL, e.g. agreement-type=off, found `{s}`"))?;
    let level = match level {
        "error" => Level::Error,
        "warning" => Level::Warning,
        "off" => Level::Off,
        other => {
            return Err(format!(
                "unknown level `{other}`: use error, warning or off"
            ));
        }
    };
    Ok((id.to_owned(), level))
}

/// The width human output wraps at: `--width`, else `COLUMNS`, else the terminal's, else 100
/// (a pipe or a CI log).
pub(super) fn output_width(flag: Option<usize>) -> usize {
    let columns = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
    };
    let terminal = || terminal_size::terminal_size().map(|(w, _)| usize::from(w.0));
    flag.or_else(columns)
        .or_else(terminal)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

/// Human output's width where nothing says otherwise.
const DEFAULT_WIDTH: usize = 100;
/// Narrower than this, snippets cannot show a label at all.
const MIN_WIDTH: usize = 40;

pub(super) fn run(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let opts = CheckOptions {
        paths: args.paths.clone(),
        config: args.settings.choice(),
        policy: args.settings.policy.clone(),
        fail_on: args.fail_on,
        rule_levels: args.rules.clone(),
        baseline: args.baseline.clone(),
    };
    let width = output_width(args.width);
    let human = Human::new(HumanOptions {
        color: use_color(args.color, io::stdout().is_terminal()),
        width: Some(width),
    });
    let cache = crate::cache::location(args.cache_dir.as_deref(), args.no_cache);
    let outcome = match engine::check_cached(&opts, cache.as_deref()) {
        Ok(o) => o,
        Err(e) => return run_error(e, err, Some(width)),
    };
    // A file that could not be written keeps its findings, and the run says it failed.
    let (outcome, write_failed) = match fixing::run(&args, &opts, outcome, width, out, err)? {
        fixing::Next::Report {
            outcome,
            write_failed,
        } => (*outcome, write_failed),
        fixing::Next::Exit(code) => return Ok(code),
    };
    if args.timings {
        for stage in &outcome.timings.stages {
            let memory = match stage.resident {
                Some(bytes) => format!("{:>7.1} MB", bytes as f64 / 1e6),
                None => String::new(),
            };
            writeln!(
                err,
                "{:>8.1} ms {memory}  {}",
                stage.time.as_secs_f64() * 1000.0,
                stage.name
            )?;
        }
    }
    if let Some(path) = &args.write_baseline {
        return match crate::baseline::write(path, &outcome.diagnostics, outcome.files()) {
            Ok(n) => {
                writeln!(
                    out,
                    "baseline of {n} finding{} written to {}",
                    if n == 1 { "" } else { "s" },
                    path.display()
                )?;
                Ok(exit::OK)
            }
            Err(e) => {
                writeln!(
                    err,
                    "error: cannot write the baseline {}: {e}",
                    path.display()
                )?;
                Ok(exit::ERROR)
            }
        };
    }
    let rulebook = crate::rules::rulebook(&outcome.policy);
    let report = outcome.report(&rulebook);
    if outcome.baselined > 0 && !args.quiet && args.format == Format::Human {
        writeln!(
            err,
            "{} known finding(s) hidden by the baseline",
            outcome.baselined
        )?;
    }
    let code = if write_failed {
        exit::ERROR
    } else if outcome.failed() {
        exit::FINDINGS
    } else {
        exit::OK
    };
    let machine = report::machine(args.format);
    if let Some(path) = &args.output_file {
        // Written as it is built: a large report is never held in memory whole.
        let written = std::fs::File::create(path).and_then(|file| {
            let mut buf = io::BufWriter::new(file);
            match &machine {
                Some(r) => r.report(&report, &mut buf)?,
                None => Human::new(HumanOptions {
                    color: false,
                    width: Some(width),
                })
                .report(&report, &mut buf)?,
            }
            buf.flush()
        });
        if let Err(e) = written {
            writeln!(
                err,
                "error: cannot write the report to {}: {e}",
                path.display()
            )?;
            return Ok(exit::ERROR);
        }
        if !args.quiet {
            writeln!(
                out,
                "{} (report written to {})",
                report::summary_line(&report.summary),
                path.display()
            )?;
        }
        return Ok(code);
    }
    match machine {
        Some(r) => r.report(&report, out)?,
        None if args.quiet => {
            for d in report.diagnostics {
                out.write_all(human.render(report.files, d).as_bytes())?;
            }
        }
        None => human.report(&report, out)?,
    }
    // The process is about to exit: the OS frees the catalogue faster than dropping it
    // value by value (a tenth of the run on large catalogues).
    std::mem::forget(outcome);
    Ok(code)
}
