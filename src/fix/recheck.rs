//! Re-checking edited texts in memory, and telling the findings an edit added from those
//! it only moved.
//!
//! A finding of the edited texts is *old* when a finding of the texts before had the same
//! file, rule and message and sat exactly where the edits moved it: its start and end
//! shifted by the edits before them (an edit inside its span moves only its end). Every
//! other finding is *new*. So:
//! - a finding that an edit elsewhere moved (a line removed above it, a value quoted before
//!   it on its line) is old, and so is one whose span holds the edit (a mapping-level
//!   finding around a fixed value);
//! - a finding whose message changed (`has two categories` -> `has three categories`) is
//!   new, and so is one with the same message at another place: counting findings by
//!   file, rule and message would take a fix that removes one finding and adds its twin
//!   elsewhere for a no-op;
//! - a finding that started inside an edited range cannot be placed in the new text: a
//!   finding there after the edit is new (the edit rewrote what it was about).
//!
//! Messages never hold positions, so a moved finding keeps its message.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, ids};
use crate::engine::ReadLimits;
use crate::policy::Policy;
use crate::schema::Schemas;
use crate::source::Files;

/// What a re-check runs under: the run's policy and limits.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub policy: &'a Policy,
    pub limits: ReadLimits,
}

impl<'a> Run<'a> {
    /// The settings of a finished run.
    pub fn of(outcome: &'a crate::engine::Outcome) -> Self {
        Self {
            policy: &outcome.policy,
            limits: outcome.limits,
        }
    }
}

/// The findings of one version of the texts.
pub struct Check {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
}

/// The edits made to each file (by file index) between two checks, in text order and
/// without overlaps.
pub type Edits<'a> = HashMap<usize, Vec<&'a Edit>>;

impl Check {
    pub fn run(names: &[String], texts: &[String], schemas: &Schemas, run: &Run<'_>) -> Check {
        let inputs: Vec<(&str, &str)> = names
            .iter()
            .zip(texts)
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let (catalogue, diagnostics) =
            crate::engine::check_texts_within(&inputs, schemas, run.policy, &run.limits);
        Check {
            files: catalogue.files,
            diagnostics,
        }
    }

    /// The findings here that are not in `before` moved by `edits`, in order.
    pub fn new_since<'s>(&'s self, before: &Check, edits: &Edits<'_>) -> Vec<&'s Diagnostic> {
        let shifts: HashMap<usize, Shifts<'_>> =
            edits.iter().map(|(&f, e)| (f, Shifts::new(e))).collect();
        let mut old: HashMap<Key<'_>, usize> = HashMap::with_capacity(before.diagnostics.len());
        for d in &before.diagnostics {
            let file = d.file().0 as usize;
            let span = &d.primary.location.span;
            let moved = match shifts.get(&file) {
                Some(s) => s.moved(span),
                None => Some(span.clone()),
            };
            if let Some(span) = moved {
                *old.entry((file, &d.rule, &d.message, span)).or_insert(0) += 1;
            }
        }
        self.diagnostics
            .iter()
            .filter(|d| {
                let key = (
                    d.file().0 as usize,
                    &*d.rule,
                    &*d.message,
                    d.primary.location.span.clone(),
                );
                match old.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            })
            .collect()
    }

    /// `Ok` when every finding here was in `before`, moved by `edits`; otherwise what is
    /// new, in words.
    pub fn adds_nothing_to(&self, before: &Check, edits: &Edits<'_>) -> Result<(), String> {
        match self.new_since(before, edits).first() {
            None => Ok(()),
            Some(d) if matches!(d.rule.as_ref(), ids::YAML_SYNTAX | ids::DUPLICATE_KEY) => Err(
                format!("the file would no longer parse ({}: {})", d.rule, d.message),
            ),
            Some(d) => Err(format!("it would add a finding: {}: {}", d.rule, d.message)),
        }
    }
}

type Key<'a> = (usize, &'a str, &'a str, Range<usize>);

/// How the offsets of one file move under its edits (in text order, not overlapping):
/// found by binary search, so mapping every finding of a file costs a logarithm each.
pub struct Shifts<'e> {
    edits: &'e [&'e Edit],
    /// `delta[k]`: how much the first `k` edits lengthen the text.
    delta: Vec<isize>,
}

impl<'e> Shifts<'e> {
    pub fn new(edits: &'e [&'e Edit]) -> Self {
        let mut delta = Vec::with_capacity(edits.len() + 1);
        let mut sum = 0isize;
        delta.push(0);
        for e in edits {
            sum += e.text.len() as isize - e.range.len() as isize;
            delta.push(sum);
        }
        Self { edits, delta }
    }

    /// Where `span` lies after the edits, or `None` when it starts or ends strictly
    /// inside an edited range.
    pub fn moved(&self, span: &Range<usize>) -> Option<Range<usize>> {
        let start = self.shift(span.start, true)?;
        let end = if span.is_empty() {
            start
        } else {
            self.shift(span.end, false)?
        };
        Some(start..end.max(start))
    }

    /// Offset `at` after the edits. Text inserted exactly at `at` lies before a span's
    /// start and after its end.
    fn shift(&self, at: usize, is_start: bool) -> Option<usize> {
        // Edits are sorted and disjoint, so "lies before `at`" holds for a prefix of them.
        let k = self.edits.partition_point(|e| {
            let r = &e.range;
            r.end < at || (r.end == at && (!r.is_empty() || is_start))
        });
        if let Some(e) = self.edits.get(k)
            && e.range.start < at
            && at < e.range.end
        {
            return None;
        }
        usize::try_from(at as isize + self.delta[k]).ok()
    }
}
