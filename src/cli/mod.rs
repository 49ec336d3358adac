//! The command line: argument definitions and the commands behind them. Commands write only
//! to the writers they are given; `main` owns the process (exit code, broken pipes).
//!
//! Why one file of this size: clap's argument definitions are most of it, and they read best
//! beside the commands that use them; the fix and suppression steps live in `fixing.rs`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{self, CheckOptions, ConfigChoice};
use crate::error::RunError;
use crate::policy::Level;
use crate::report::{self, Format, Human, HumanOptions, Reporter};
use crate::rules::REGISTRY;
use crate::schema;
use crate::settings::config::FailOn;

mod fixing;

/// Exit codes of the contract.
pub mod exit {
    /// No finding at or above the failing severity.
    pub const OK: u8 = 0;
    /// Findings at or above the failing severity.
    pub const FINDINGS: u8 = 1;
    /// The run could not be done: bad arguments, unreadable policy or config, internal error.
    pub const ERROR: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "catalint",
    version,
    about = "Lint an IT service catalogue kept as YAML: schemas, domain rules, exact spans.",
    after_help = "Examples:\n  catalint check catalogue/                 lint a catalogue folder\n  catalint check --format sarif -o out.sarif catalogue/\n  catalint explain single-category          what a rule checks and how to fix it\n  catalint rules                            list every rule\n  catalint schema Service                   print a JSON Schema (for editors)\n\nExit codes: 0 no errors, 1 findings at or above --fail-on, 2 the run could not be done."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    /// The README's rules table.
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint catalogue files and folders.
    #[command(
        after_help = "Examples:\n  catalint check                            the current folder (or the config's include)\n  catalint check catalogue/ --format json\n  catalint check --fail-on warning catalogue/\n  catalint check --rule agreement-type=off catalogue/"
    )]
    Check(CheckArgs),
    /// List every rule (built-in, and the policy's custom rules) with its default severity.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Show a rule's documentation: what it checks, why, an example, how to fix.
    Explain {
        /// A rule id, e.g. `single-category`, or a custom rule of the policy.
        rule: String,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Write a first catalint.yaml whose `include` covers the folders that hold catalogue
    /// files (never overwrites one).
    #[command(
        after_help = "The pre-commit hook needs a catalint.yaml with `include`: with it, catalint knows which\nstaged files are part of the catalogue and skips the others (workflows, mkdocs.yml)."
    )]
    Init {
        /// The repository's top folder (default: the current folder).
        folder: Option<PathBuf>,
    },
    /// Run the language server (LSP over stdin and stdout), for editors.
    #[command(
        after_help = "Started by an editor, not by hand: see README, Editors. Each workspace folder's catalogue\nis opened as `catalint check FOLDER` would (config discovery included)."
    )]
    Lsp,
    /// Print a JSON Schema (draft 2020-12), for editors such as yaml-language-server.
    #[command(
        after_help = "Without KIND, prints one schema for any catalogue document (dispatching on `kind`).\nA kind's schema is the policy's: its organisation fields merged in, its own kinds known."
    )]
    Schema {
        /// Service, Product, Team, a kind the policy declares, Policy or Config.
        kind: Option<String>,
        #[command(flatten)]
        settings: SettingsArgs,
    },
}

/// Which config and policy apply.
#[derive(Debug, clap::Args)]
pub struct SettingsArgs {
    /// Use this config file instead of looking for catalint.yaml (in the first path's folder
    /// and its ancestors, or the current folder's).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any catalint.yaml.
    #[arg(long)]
    pub no_config: bool,
    /// Use this policy file (beats the config's `policy`).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

impl SettingsArgs {
    fn choice(&self) -> ConfigChoice {
        if self.no_config {
            ConfigChoice::None
        } else {
            self.config
                .clone()
                .map_or(ConfigChoice::Discover, ConfigChoice::File)
        }
    }

    /// The policy in force, for commands that list or explain rules.
    fn load(&self) -> Result<crate::policy::Policy, RunError> {
        engine::load_settings(&self.choice(), self.policy.as_deref(), None).map(|(_, p)| p)
    }
}

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
    /// Keep the cache in DIR (default: $CATALINT_CACHE_DIR, else $XDG_CACHE_HOME/catalint,
    /// else ~/.cache/catalint).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache (also: CATALINT_NO_CACHE=1).
    #[arg(long)]
    pub no_cache: bool,
    /// Write a `# catalint-disable-next-line RULE -- TODO` comment above each remaining
    /// finding (after the fixes, with --fix), for adopting catalint on an existing catalogue.
    #[arg(long, conflicts_with = "write_baseline")]
    pub add_suppressions: bool,
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

/// Runs a parsed command; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match cli.command {
        Command::Check(args) => check(args, out, err),
        Command::Rules { format, settings } => match settings.load() {
            Ok(policy) => list_rules(format, &policy, out),
            Err(e) => run_error(e, err, None),
        },
        Command::Explain { rule, settings } => match settings.load() {
            Ok(policy) => explain(&rule, &policy, out, err),
            Err(e) => run_error(e, err, None),
        },
        Command::Schema { kind, settings } => match settings.load() {
            Ok(policy) => print_schema(kind.as_deref(), &policy, out, err),
            Err(e) => run_error(e, err, None),
        },
        Command::Init { folder } => init(folder.as_deref(), out, err),
        // `main` runs the server before it locks stdout; here only for library callers.
        Command::Lsp => crate::server::run(),
    }
}

fn init(
    folder: Option<&std::path::Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let folder = folder.unwrap_or(std::path::Path::new("."));
    let existing = crate::settings::config::CONFIG_NAMES
        .iter()
        .map(|name| folder.join(name))
        .find(|p| p.exists());
    if let Some(existing) = existing {
        writeln!(
            err,
            "error: {} exists already; catalint init never overwrites it (remove it first to start anew)",
            crate::paths::shown(&existing)
        )?;
        return Ok(exit::ERROR);
    }
    let proposal = match crate::init::propose(folder) {
        Ok(p) => p,
        Err(e) => return run_error(e, err, None),
    };
    let path = folder.join(crate::settings::config::CONFIG_NAMES[0]);
    // `create_new`: a config written by someone else in the meantime is not overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(proposal.text.as_bytes()));
    if let Err(e) = written {
        writeln!(
            err,
            "error: cannot write {}: {e}",
            crate::paths::shown(&path)
        )?;
        return Ok(exit::ERROR);
    }
    out.write_all(proposal.text.as_bytes())?;
    writeln!(
        out,
        "\nwrote {} ({} catalogue file{} included); check it with `catalint check`",
        crate::paths::shown(&path),
        proposal.catalogue_files,
        if proposal.catalogue_files == 1 {
            ""
        } else {
            "s"
        }
    )?;
    Ok(exit::OK)
}

fn use_color(choice: Color, terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The width human output wraps at: `--width`, else `COLUMNS`, else the terminal's, else 100
/// (a pipe or a CI log).
fn output_width(flag: Option<usize>) -> usize {
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

fn check(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
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

/// Reports why a run could not be done, on stderr; exit 2.
pub(crate) fn run_error(e: RunError, err: &mut dyn Write, width: Option<usize>) -> io::Result<u8> {
    match e {
        RunError::Settings { files, diagnostics } => {
            let human = Human::new(HumanOptions {
                color: use_color(Color::Auto, io::stderr().is_terminal()),
                width,
            });
            for d in &diagnostics {
                err.write_all(human.render(&files, d).as_bytes())?;
            }
            writeln!(
                err,
                "error: the policy or config above is invalid; nothing was checked"
            )?;
        }
        other => writeln!(err, "error: {other}")?,
    }
    Ok(exit::ERROR)
}

fn list_rules(
    format: ListFormat,
    policy: &crate::policy::Policy,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let book = crate::rules::rulebook(policy);
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = book
                .iter()
                .map(|r| {
                    let mut v = serde_json::json!({
                        "id": r.id,
                        "severity": r.default_severity.as_str(),
                        "stage": r.stage.as_str(),
                        "summary": r.summary,
                    });
                    if let Some(o) = &r.origin {
                        v["policy"] = serde_json::json!(o);
                    }
                    v
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        ListFormat::Markdown => out.write_all(rules_table().as_bytes())?,
        ListFormat::Human => {
            // Fits 80 columns: id and severity on the first line, the summary wrapped below
            // them with a hanging indent when it does not fit beside them.
            let width = book.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &book {
                let head = format!("{:width$}  {:7}  ", r.id, r.default_severity.as_str());
                let indent = head.chars().count();
                for (i, line) in wrap(&r.summary, RULES_WIDTH.saturating_sub(indent))
                    .iter()
                    .enumerate()
                {
                    let lead = if i == 0 { head.as_str() } else { "" };
                    writeln!(out, "{lead:indent$}{line}")?;
                }
                // A policy's path can be long: on a line of its own, indented less.
                if let Some(o) = &r.origin {
                    writeln!(out, "    (custom, from {o})")?;
                }
            }
        }
    }
    Ok(exit::OK)
}

/// The width `catalint rules` keeps to.
const RULES_WIDTH: usize = 80;

/// Greedy word wrap; a word longer than the width gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let Some(line) = lines.last_mut() else { break };
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

fn explain(
    id: &str,
    policy: &crate::policy::Policy,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let Some(rule) = crate::rules::rulebook(policy)
        .into_iter()
        .find(|r| r.id == id)
    else {
        writeln!(err, "error: {}", policy.unknown_rule_message(id))?;
        return Ok(exit::ERROR);
    };
    writeln!(out, "# {}\n", rule.id)?;
    let origin = rule
        .origin
        .as_deref()
        .map(|o| format!(", custom rule from {o}"))
        .unwrap_or_default();
    writeln!(
        out,
        "{} (default severity: {}, checked at the {} stage{origin})\n",
        rule.summary,
        rule.default_severity.as_str(),
        rule.stage.as_str()
    )?;
    out.write_all(rule.doc.as_bytes())?;
    Ok(exit::OK)
}

fn print_schema(
    kind: Option<&str>,
    policy: &crate::policy::Policy,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let schema = match kind {
        None => schema::catalogue_schema(&policy.schemas),
        Some(k) => match schema::by_name(k, &policy.schemas) {
            Some(s) => s,
            None => {
                let names: Vec<&str> = policy
                    .kinds
                    .all()
                    .map(crate::catalogue::Kind::as_str)
                    .chain(["Policy", "Config"])
                    .collect();
                writeln!(
                    err,
                    "error: unknown schema `{k}`; choose one of {}",
                    names.join(", ")
                )?;
                return Ok(exit::ERROR);
            }
        },
    };
    serde_json::to_writer_pretty(&mut *out, &schema).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(exit::OK)
}

/// The rules as a Markdown table: the README's table is this text, checked by a test.
pub fn rules_table() -> String {
    let mut t = String::from("| rule | default | stage | checks |\n| --- | --- | --- | --- |\n");
    for r in REGISTRY {
        let m = r.meta();
        t.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            m.id,
            m.default_severity.as_str(),
            m.stage.as_str(),
            m.summary.replace('|', "\\|")
        ));
    }
    t
}
