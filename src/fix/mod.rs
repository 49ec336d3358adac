//! Stage 7: fixes. Rules attach a [`Fix`] (byte-range edits) to the findings whose repair
//! they know; this stage applies them to the file texts in memory, in rounds, and hands
//! back the new texts. It never touches the disk (that is [`write`]) and never prints.
//!
//! Guarantees:
//! - Only the edited byte ranges change: line breaks, a byte order mark, comments, tabs,
//!   trailing spaces and a missing final newline stay exactly as written, because nothing
//!   is ever re-serialised.
//! - Fixes come from the final findings only: suppressed, baselined, turned-off and
//!   unreported findings are never fixed.
//! - Two fixes whose ranges overlap (or insert at the same place) are never applied in
//!   the same round; the later one waits for the next round, when it is recomputed from
//!   the new text.
//! - A round is re-checked before it is kept: a fix that makes a file fail to parse, or
//!   that adds a finding that was not there, is dropped and reported as not applied.
//! - Rounds stop when nothing changes, or after [`MAX_ROUNDS`].

pub mod add_suppressions;
pub mod compose;
pub mod diff;
pub mod recheck;
pub mod write;

use std::collections::HashSet;
use std::ops::Range;

use crate::diagnostic::{self, Applicability, Diagnostic, Edit, Fix, ids};
use crate::source::Files;
// The edits rules and the schema stage build: below them, in `edit`, and here too for the
// fixer's callers.
use crate::edit::sorted_edits;
pub use crate::edit::{
    apply, apply_edits, double_quoted, replace_scalar, sole_nearest, sole_value,
};
pub use recheck::Run;
use recheck::{Check, Edits};

/// Rounds of fixing at most: a fix that keeps re-creating work cannot loop for ever.
pub const MAX_ROUNDS: usize = 10;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixOptions {
    /// Apply `unsafe` fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

impl FixOptions {
    pub fn allows(&self, a: Applicability) -> bool {
        a == Applicability::Safe || self.unsafe_fixes
    }
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub rule: String,
    pub description: String,
}

/// A fix that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub path: String,
    /// 1-based line of the finding, in the text the fix was tried on.
    pub line: usize,
    pub rule: String,
    pub description: String,
    pub reason: String,
}

/// One file that the fixes change.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
    pub applied: Vec<Applied>,
    /// What changed, as edits of `before` (in text order, disjoint) that give `after`:
    /// every byte outside their ranges is kept.
    pub edits: Vec<Edit>,
}

/// What fixing would do: the changed files (in path order), the fixes not applied, and
/// the rounds it took.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub rejected: Vec<Rejected>,
    pub rounds: usize,
}

impl Plan {
    pub fn applied(&self) -> usize {
        self.changes.iter().map(|c| c.applied.len()).sum()
    }
}

/// Plans the fixes of `reported` (a run's final findings, over `files`), re-checking each
/// round under the run's policy and limits. `focus` (by file id) limits the files that
/// may change.
pub fn plan(
    files: &Files,
    reported: &[Diagnostic],
    run: &Run<'_>,
    focus: Option<&[bool]>,
    opts: FixOptions,
) -> Result<Plan, String> {
    // The policy's schemas: organisation fields and kinds are re-checked as they were checked.
    let schemas = &run.policy.schemas;
    // The findings that may be fixed, by identity: fingerprints survive edits elsewhere in
    // the file, so a finding still known after a round is still known to be reported.
    let wanted: HashSet<diagnostic::Fingerprint> = reported
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| opts.allows(f.applicability)))
        .map(|d| diagnostic::fingerprint(d, files))
        .collect();
    let names: Vec<String> = files.iter().map(|(_, f)| f.path.clone()).collect();
    let before: Vec<String> = files.iter().map(|(_, f)| f.text.to_string()).collect();
    let mut texts = before.clone();
    let mut applied: Vec<Vec<Applied>> = vec![Vec::new(); texts.len()];
    let mut composed: Vec<compose::Composed> = vec![Default::default(); texts.len()];
    let mut rejected = Vec::new();
    let mut tried: HashSet<(usize, String, String)> = HashSet::new();
    let mut rounds = 0;
    if wanted.is_empty() {
        return Ok(Plan::default());
    }
    // Files that were not read whole (unreadable, over a limit) are never written.
    let mut writable: Vec<bool> = (0..texts.len())
        .map(|i| focus.is_none_or(|f| f.get(i).copied().unwrap_or(false)))
        .collect();

    let mut current = Check::run(&names, &texts, schemas, run);
    // The run's own findings count too: a file not read as UTF-8 is held here as a lossy
    // copy, which parses, and one over `limits.fileSize` as an empty text.
    for d in current.diagnostics.iter().chain(reported) {
        if matches!(d.rule.as_ref(), ids::UNREADABLE_FILE | ids::YAML_LIMIT) {
            writable[d.file().0 as usize] = false;
        }
    }
    while rounds < MAX_ROUNDS {
        let candidates: Vec<Candidate> = current
            .diagnostics
            .iter()
            .filter_map(|d| {
                let fix = d.fix.as_deref()?;
                let file = d.file().0 as usize;
                let key = (file, d.rule.to_string(), fix.description.clone());
                (opts.allows(fix.applicability)
                    && writable.get(file).copied().unwrap_or(false)
                    && !tried.contains(&key)
                    && wanted.contains(&diagnostic::fingerprint(d, &current.files))
                    && valid(fix, &texts[file]))
                .then(|| Candidate {
                    file,
                    line: current
                        .files
                        .get(d.file())
                        .line_of(d.primary.location.span.start)
                        + 1,
                    rule: d.rule.to_string(),
                    fix: fix.clone(),
                })
            })
            .collect();
        let chosen = non_overlapping(candidates);
        if chosen.is_empty() {
            break;
        }
        rounds += 1;
        let mut next = texts.clone();
        let mut edits: Edits<'_> = Edits::new();
        for (file, fixes) in by_file(&chosen) {
            next[file] = apply(&texts[file], fixes.iter().map(|c| &c.fix));
            edits.insert(file, sorted_edits(fixes.iter().map(|c| &c.fix)));
        }
        let checked = Check::run(&names, &next, schemas, run);
        if checked.adds_nothing_to(&current, &edits).is_ok() {
            for (&file, e) in &edits {
                composed[file].add(e.iter().copied());
            }
            for c in &chosen {
                applied[c.file].push(c.applied());
            }
            texts = next;
            current = checked;
            continue;
        }
        drop(edits);
        // Something in the round broke the file or added a finding: try the fixes one by
        // one, keeping each that is harmless on its own.
        for c in chosen {
            let mut next = texts.clone();
            next[c.file] = apply(&texts[c.file], std::iter::once(&c.fix));
            let checked = Check::run(&names, &next, schemas, run);
            let edits: Edits<'_> = [(c.file, sorted_edits(std::iter::once(&c.fix)))].into();
            match checked.adds_nothing_to(&current, &edits) {
                Ok(()) => {
                    composed[c.file].add(c.fix.edits.iter());
                    applied[c.file].push(c.applied());
                    texts = next;
                    current = checked;
                }
                Err(reason) => {
                    tried.insert((c.file, c.rule.clone(), c.fix.description.clone()));
                    rejected.push(Rejected {
                        path: names[c.file].clone(),
                        line: c.line,
                        rule: c.rule,
                        description: c.fix.description,
                        reason,
                    });
                }
            }
        }
    }
    let mut changes: Vec<Change> = (0..texts.len())
        .filter(|&i| texts[i] != before[i])
        .map(|i| Change {
            path: names[i].clone(),
            before: before[i].clone(),
            after: texts[i].clone(),
            applied: std::mem::take(&mut applied[i]),
            edits: composed[i].edits(&texts[i]),
        })
        .collect();
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        changes,
        rejected,
        rounds,
    })
}

struct Candidate {
    file: usize,
    line: usize,
    rule: String,
    fix: Fix,
}

impl Candidate {
    fn applied(&self) -> Applied {
        Applied {
            rule: self.rule.clone(),
            description: self.fix.description.clone(),
        }
    }
}

/// Whether every edit lies within `text`, on character boundaries, without two edits of
/// the fix overlapping.
fn valid(fix: &Fix, text: &str) -> bool {
    let mut ranges: Vec<&Range<usize>> = fix.edits.iter().map(|e| &e.range).collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    !fix.edits.is_empty()
        && fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        })
        && ranges.windows(2).all(|w| w[0].end <= w[1].start)
}

/// Keeps, per file and in text order, the fixes that touch nothing an earlier one touches.
/// Two insertions at one place also clash: their order would be a guess.
fn non_overlapping(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        (a.file, a.fix.range().start, a.fix.range().end).cmp(&(
            b.file,
            b.fix.range().start,
            b.fix.range().end,
        ))
    });
    let mut kept: Vec<Candidate> = Vec::new();
    for c in candidates {
        let clashes = kept.iter().filter(|k| k.file == c.file).any(|k| {
            k.fix.edits.iter().any(|a| {
                c.fix.edits.iter().any(|b| {
                    (a.range.start < b.range.end && b.range.start < a.range.end)
                        || a.range.start == b.range.start
                        || (a.range.is_empty() && a.range.start == b.range.end)
                        || (b.range.is_empty() && b.range.start == a.range.end)
                })
            })
        });
        if !clashes {
            kept.push(c);
        }
    }
    kept
}

fn by_file(chosen: &[Candidate]) -> Vec<(usize, Vec<&Candidate>)> {
    let mut map: std::collections::BTreeMap<usize, Vec<&Candidate>> = Default::default();
    for c in chosen {
        map.entry(c.file).or_default().push(c);
    }
    map.into_iter().collect()
}

#[cfg(test)]
mod tests;
