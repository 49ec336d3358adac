//! The command line: argument definitions and the commands behind them, one file per
//! command (as `server/` has one per capability). Commands write only to the writers they
//! are given; `main` owns the process (exit code, broken pipes).
//!
//! A command is registered in three places here, each kept in one piece per command so that
//! additions merge cleanly: its file among the `mod` lines (alphabetical), its variant in
//! [`Command`] (in the order `catalint --help` lists it) and its arm in [`run`]. Its file
//! holds its arguments (`XArgs`, a `clap::Args`) and `run(args, out, err) -> exit code`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{self, ConfigChoice};
use crate::error::RunError;
use crate::report::{Human, HumanOptions};

// The commands, one file each.
mod check;
mod explain;
mod graph;
mod init;
mod lsp;
mod rules;
mod schema;
mod site;

// The steps of `check` between the first check and the report: --fix, --add-suppressions.
mod fixing;

pub use check::CheckArgs;
pub use explain::ExplainArgs;
pub use init::InitArgs;
pub use rules::{ListFormat, RulesArgs, rules_table};
pub use schema::SchemaArgs;

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint catalogue files and folders.
    #[command(
        after_help = "Examples:\n  catalint check                            the current folder (or the config's include)\n  catalint check catalogue/ --format json\n  catalint check --fail-on warning catalogue/\n  catalint check --rule agreement-type=off catalogue/"
    )]
    Check(CheckArgs),

    /// List every rule (built-in, and the policy's custom rules) with its default severity.
    Rules(RulesArgs),

    /// Show a rule's documentation: what it checks, why, an example, how to fix.
    Explain(ExplainArgs),

    /// Write a first catalint.yaml whose `include` covers the folders that hold catalogue
    /// files (never overwrites one).
    #[command(
        after_help = "The pre-commit hook needs a catalint.yaml with `include`: with it, catalint knows which\nstaged files are part of the catalogue and skips the others (workflows, mkdocs.yml)."
    )]
    Init(InitArgs),
    /// Print the catalogue as a graph (Mermaid, DOT or JSON), its findings marked.
    Graph(graph::GraphArgs),
    /// Build a static site of the catalogue: an index, a page per entity, the map.
    Site(site::SiteArgs),
    /// Run the language server (LSP over stdin and stdout), for editors.
    #[command(
        after_help = "Started by an editor, not by hand: see the book, docs/src/editors.md. Each workspace folder's catalogue\nis opened as `catalint check FOLDER` would (config discovery included)."
    )]
    Lsp,

    /// Print a JSON Schema (draft 2020-12), for editors such as yaml-language-server.
    #[command(
        after_help = "Without KIND, prints one schema for any catalogue document (dispatching on `kind`).\nA kind's schema is the policy's: its organisation fields merged in, its own kinds known."
    )]
    Schema(SchemaArgs),
}

/// Runs a parsed command; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match cli.command {
        Command::Check(args) => check::run(args, out, err),

        Command::Rules(args) => rules::run(args, out, err),

        Command::Explain(args) => explain::run(args, out, err),

        Command::Init(args) => init::run(args, out, err),

        Command::Graph(args) => graph::run(args, out, err),

        Command::Site(args) => site::run(args, out, err),

        Command::Lsp => lsp::run(),

        Command::Schema(args) => schema::run(args, out, err),
    }
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
    pub(super) fn choice(&self) -> ConfigChoice {
        if self.no_config {
            ConfigChoice::None
        } else {
            self.config
                .clone()
                .map_or(ConfigChoice::Discover, ConfigChoice::File)
        }
    }

    /// The policy in force, for commands that list or explain rules.
    pub(super) fn load(&self) -> Result<crate::policy::Policy, RunError> {
        engine::load_settings(&self.choice(), self.policy.as_deref(), None).map(|(_, p)| p)
    }
}

pub(super) fn use_color(choice: Color, terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
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
