//! Fixing over the mutation corpus (`tests/mutation.rs`): single-byte mutants of a real
//! catalogue file, checked with the rest of the example catalogue, fixed with safe and
//! unsafe fixes in memory. For every mutant that has a fix:
//! - fixing never makes a file fail to parse (a file that parsed still parses; one that
//!   did not has no more syntax findings than before);
//! - only the edited ranges change: the plan's edits of the original text give the fixed
//!   text, so every other byte is kept;
//! - fixing twice is fixing once: the fixed texts have no fix left that would apply.
//!
//! The corpus is sampled, deterministically: every `STRIDE`-th byte position, each with
//! all its mutants. Fixing a mutant re-checks the whole catalogue several times, so all
//! ~14,000 mutants would take minutes; the sample keeps the test to seconds while still
//! reaching every line of the file (lines are longer than the stride).
//! `FIX_MUTATION_STRIDE=1 cargo test --test fix_mutation` runs the whole corpus.

mod common;

use catalint::engine::{ReadLimits, check_texts};
use catalint::fix::{self, FixOptions, Run};
use catalint::policy::Policy;
use catalint::schema::Schemas;

const TARGET: &str = "services/hr-self-service.yaml";
/// One byte position in this many is mutated (prime, so the sample does not follow the
/// file's indentation).
const STRIDE: usize = 7;

fn syntax_findings(diagnostics: &[catalint::diagnostic::Diagnostic], file: u32) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.file().0 == file && (d.rule == "yaml-syntax" || d.rule == "duplicate-key"))
        .count()
}

#[test]
fn fixing_mutants_keeps_them_parsing_touches_only_the_edits_and_twice_is_once() {
    let (others, target) = common::example_catalogue_without(TARGET);
    let schemas = Schemas::new().unwrap();
    let policy = Policy::builtin().unwrap();
    let run = Run {
        policy: &policy,
        limits: ReadLimits::default(),
    };
    let opts = FixOptions { unsafe_fixes: true };
    let (mut mutants, mut fixable, mut fixed, mut applied) = (0, 0, 0, 0);
    let started = std::time::Instant::now();
    let stride = std::env::var("FIX_MUTATION_STRIDE")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(STRIDE);
    for (i, text) in common::single_byte_mutants(&target, (0..target.len()).step_by(stride)) {
        mutants += 1;
        let mut inputs: Vec<(&str, &str)> = others
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        inputs.push((TARGET, &text));
        let (catalogue, found) = check_texts(&inputs, &schemas, &policy);
        if !found.iter().any(|d| d.fix.is_some()) {
            continue;
        }
        fixable += 1;
        let plan = fix::plan(&catalogue.files, &found, &run, None, opts).unwrap();
        if plan.changes.is_empty() {
            continue;
        }
        fixed += 1;
        applied += plan.applied();
        // Only the edited ranges change.
        for c in &plan.changes {
            let ranges: Vec<_> = c.edits.iter().map(|e| e.range.clone()).collect();
            assert!(
                ranges.windows(2).all(|w| w[0].end <= w[1].start),
                "byte {i}: edits overlap: {ranges:?}"
            );
            assert_eq!(
                fix::apply_edits(&c.before, c.edits.iter()),
                c.after,
                "byte {i}: {} differs from its text with the edits {ranges:?}",
                c.path
            );
            let replaced: usize = ranges.iter().map(|r| r.len()).sum();
            assert!(
                replaced * 4 < c.before.len(),
                "byte {i}: {replaced} bytes of {} replaced",
                c.path
            );
        }
        // Never makes a file fail to parse.
        let texts: Vec<(String, String)> = catalogue
            .files
            .iter()
            .map(|(_, f)| {
                let after = plan
                    .changes
                    .iter()
                    .find(|c| c.path == f.path)
                    .map_or_else(|| f.text.to_string(), |c| c.after.clone());
                (f.path.clone(), after)
            })
            .collect();
        let inputs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let (after_catalogue, after) = check_texts(&inputs, &schemas, &policy);
        for (id, f) in catalogue.files.iter() {
            let (was, now) = (syntax_findings(&found, id.0), syntax_findings(&after, id.0));
            assert!(
                now <= was && (was > 0 || now == 0),
                "byte {i}: fixing {} gave {now} syntax findings (there were {was}):\n{}",
                f.path,
                texts[id.0 as usize].1
            );
        }
        // Twice is once.
        let again = fix::plan(&after_catalogue.files, &after, &run, None, opts).unwrap();
        assert!(
            again.changes.is_empty(),
            "byte {i}: a second --fix changed {:?}:\n{}",
            again.changes.iter().map(|c| &c.path).collect::<Vec<_>>(),
            again.changes.first().map_or("", |c| c.after.as_str())
        );
    }
    eprintln!(
        "fix mutation: {mutants} mutants (every {stride}th byte), {fixable} with a fix, {fixed} fixed ({applied} fixes) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(mutants * stride > 13_000, "{mutants}");
    // Deleting a byte of a key, an enum value or an id is a typo with one close fix.
    assert!(fixed * 10 > mutants, "{fixed} of {mutants} fixed");
}
