//! `catalint rules`: every rule (built-in, and the policy's custom rules) with its default
//! severity, for people (80 columns), for programs (JSON) and for the docs (Markdown).

use std::io::{self, Write};

use clap::ValueEnum;

use super::{SettingsArgs, exit, run_error};
use crate::rules::REGISTRY;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    /// The rules table of the book's rules page (docs/src/rules/index.md).
    Markdown,
}

pub(super) fn run(args: RulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match args.settings.load() {
        Ok(policy) => list_rules(args.format, &policy, out),
        Err(e) => run_error(e, err, None),
    }
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

/// The rules as a Markdown table: the book's rules page (docs/src/rules/index.md) holds this
/// text, checked by tests/book.rs.
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
