//! `check --fix`, `--unsafe-fixes`, `--diff` and `--add-suppressions`: between the first
//! check and the report. Plans come from [`crate::fix`] and [`crate::fix::add_suppressions`]; this
//! writes them (or prints them as a diff), then checks the files again from disk.

use std::io::{self, Write};

use super::{CheckArgs, exit, run_error};
use crate::engine::{self, CheckOptions, Outcome};
use crate::error::RunError;
use crate::fix::add_suppressions as add;
use crate::fix::{self, Run};

/// What the command does after this step.
pub enum Next {
    /// Report on `outcome` (checked again from disk if anything was written).
    Report {
        /// Boxed: an outcome is large, an exit code small.
        outcome: Box<Outcome>,
        /// A file could not be written: it keeps its findings, and the run fails (exit 2).
        write_failed: bool,
    },
    /// Stop with this exit code (`--diff`, or a run that could not be done).
    Exit(u8),
}

pub fn run(
    args: &CheckArgs,
    opts: &CheckOptions,
    mut outcome: Outcome,
    width: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Next> {
    let fixing = args.fix || args.unsafe_fixes;
    if args.diff && args.add_suppressions && fixing {
        writeln!(
            err,
            "error: --diff shows the fixes or the suppression comments, not both: drop --fix/--unsafe-fixes or --add-suppressions"
        )?;
        return Ok(Next::Exit(exit::ERROR));
    }
    let mut write_failed = false;
    if fixing || (args.diff && !args.add_suppressions) {
        let plan = match fix::plan(
            outcome.files(),
            &outcome.diagnostics,
            &Run::of(&outcome),
            outcome.focus.as_deref(),
            fix::FixOptions {
                unsafe_fixes: args.unsafe_fixes,
            },
        ) {
            Ok(p) => p,
            Err(e) => return run_error(RunError::Internal(e), err, Some(width)).map(Next::Exit),
        };
        for r in &plan.rejected {
            writeln!(
                err,
                "warning: fix not applied in {}:{} ({}: {}): {}",
                r.path, r.line, r.rule, r.description, r.reason
            )?;
        }
        let changes: Vec<(&str, &str, &str)> = plan
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        if args.diff {
            print_diff(&changes, out)?;
            if !args.quiet {
                writeln!(err, "{}", fix_summary(&plan, "would fix"))?;
            }
            return Ok(Next::Exit(diff_code(&changes)));
        }
        let written = write(&changes, err, &mut write_failed)?;
        if !args.quiet && !write_failed {
            writeln!(err, "{}", fix_summary(&plan, "fixed"))?;
        }
        if written > 0 {
            // What remains, checked again from the files as now written.
            outcome = match engine::check(opts) {
                Ok(o) => o,
                Err(e) => return run_error(e, err, Some(width)).map(Next::Exit),
            };
        }
    }
    if args.add_suppressions {
        let plan = match add::plan(
            outcome.files(),
            &outcome.diagnostics,
            &Run::of(&outcome),
            outcome.focus.as_deref(),
        ) {
            Ok(p) => p,
            Err(e) => return run_error(RunError::Internal(e), err, Some(width)).map(Next::Exit),
        };
        for l in &plan.left {
            writeln!(
                err,
                "warning: no suppression comment for {}:{} ({}): {}",
                l.path, l.line, l.rule, l.reason
            )?;
        }
        let changes: Vec<(&str, &str, &str)> = plan
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        if args.diff {
            print_diff(&changes, out)?;
            if !args.quiet {
                writeln!(err, "{}", suppression_summary(&plan, "would write"))?;
            }
            return Ok(Next::Exit(diff_code(&changes)));
        }
        let mut failed = false;
        let written = write(&changes, err, &mut failed)?;
        if !args.quiet && !failed {
            writeln!(err, "{}", suppression_summary(&plan, "wrote"))?;
        }
        write_failed |= failed;
        if written > 0 {
            outcome = match engine::check(opts) {
                Ok(o) => o,
                Err(e) => return run_error(e, err, Some(width)).map(Next::Exit),
            };
        }
    }
    Ok(Next::Report {
        outcome: Box::new(outcome),
        write_failed,
    })
}

fn print_diff(changes: &[(&str, &str, &str)], out: &mut dyn Write) -> io::Result<()> {
    for (path, before, after) in changes {
        out.write_all(fix::diff::unified(path, before, after).as_bytes())?;
    }
    Ok(())
}

/// `--diff` exits 1 when it would change anything.
fn diff_code(changes: &[(&str, &str, &str)]) -> u8 {
    if changes.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}

/// Writes each changed file atomically; returns how many were written. A file that could
/// not be written is named on `err` and sets `failed`.
fn write(
    changes: &[(&str, &str, &str)],
    err: &mut dyn Write,
    failed: &mut bool,
) -> io::Result<usize> {
    let mut written = 0;
    for (path, before, after) in changes {
        match fix::write::replace(path, before, after) {
            Ok(()) => written += 1,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                *failed = true;
            }
        }
    }
    Ok(written)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "fixed 3 findings in 2 files" (or "would fix", for `--diff`).
fn fix_summary(plan: &fix::Plan, verb: &str) -> String {
    format!(
        "{verb} {} in {}",
        plural(plan.applied(), "finding", "findings"),
        plural(plan.changes.len(), "file", "files")
    )
}

/// "wrote 4 suppression comments for 5 findings in 2 files; 1 finding left without one
/// (see above)".
fn suppression_summary(plan: &add::Plan, verb: &str) -> String {
    let mut s = format!(
        "{verb} {} for {} in {}",
        plural(
            plan.comments(),
            "suppression comment",
            "suppression comments"
        ),
        plural(plan.suppressed(), "finding", "findings"),
        plural(plan.changes.len(), "file", "files")
    );
    if !plan.left.is_empty() {
        s.push_str(&format!(
            "; {} without one (see above)",
            plural(plan.left.len(), "finding", "findings")
        ));
    }
    s
}
