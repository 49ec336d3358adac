//! `catalint explain RULE`: a rule's documentation, from the registry (the docs next to
//! each rule's code) or from the policy's custom rule.

use std::io::{self, Write};

use super::{SettingsArgs, exit, run_error};

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. `single-category`, or a custom rule of the policy.
    pub rule: String,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub(super) fn run(args: ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match args.settings.load() {
        Ok(policy) => explain(&args.rule, &policy, out, err),
        Err(e) => run_error(e, err, None),
    }
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
