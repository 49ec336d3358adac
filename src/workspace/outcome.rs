//! What a finished one-shot check hands back: the workspace's results, taken out of it.
//! Here, not in `engine`, because the workspace makes it ([`super::Workspace::into_outcome`]).

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Summary};
use crate::policy::Policy;
use crate::read::ReadLimits;
use crate::settings::config::FailOn;
use crate::source::Files;
use crate::timings::Timings;

/// A finished check: the catalogue, its findings in output order, and the verdict.
#[derive(Debug)]
pub struct Outcome {
    pub catalogue: Catalogue,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    pub fail_on: FailOn,
    pub policy: Policy,
    /// Findings hidden because the baseline knows them.
    pub baselined: usize,
    pub timings: Timings,
    /// The files reported on (by file id), when the run reports only some of its files.
    pub focus: Option<Vec<bool>>,
    /// What the run read at most (from the config): a re-check of fixed texts reads them
    /// under the same limits.
    pub limits: ReadLimits,
}

impl Outcome {
    /// What the reporters read.
    pub fn report<'a>(&'a self, rules: &'a [crate::rules::RuleInfo]) -> crate::report::Report<'a> {
        crate::report::Report {
            fail_on: self.fail_on,
            reported: self.focus.as_deref(),
            ..crate::report::Report::new(self.files(), &self.diagnostics, self.summary, rules)
        }
    }

    pub fn files(&self) -> &Files {
        &self.catalogue.files
    }

    /// Whether the findings fail the run (exit 1).
    pub fn failed(&self) -> bool {
        match self.fail_on {
            FailOn::Error => self.summary.errors > 0,
            FailOn::Warning => self.summary.errors + self.summary.warnings > 0,
            FailOn::Never => false,
        }
    }
}
