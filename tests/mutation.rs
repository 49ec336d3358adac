//! Mutation test: every byte of a real catalogue file deleted, or replaced by a character
//! that matters to YAML, must still give a clean outcome: the whole pipeline runs, no panic,
//! and every finding points inside its file. The mutated file is checked together with the
//! rest of the example catalogue, so cross-file rules run too.

mod common;

use catalint::engine::check_texts;
use catalint::policy::Policy;
use catalint::schema::Schemas;

const TARGET: &str = "services/hr-self-service.yaml";

#[test]
fn every_single_byte_mutation_is_handled() {
    let (others, target) = common::example_catalogue_without(TARGET);
    let schemas = Schemas::new().unwrap();
    let policy = Policy::builtin().unwrap();
    let mut clean: Vec<(&str, &str)> = others
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    clean.push((TARGET, &target));
    assert!(
        check_texts(&clean, &schemas, &policy).1.is_empty(),
        "the unmutated catalogue is clean"
    );
    let mut runs = 0;
    let mut with_findings = 0;
    // Mutations inside a multi-byte character are not UTF-8; reading reports those before
    // the pipeline (tested in tests/hostile.rs).
    for (i, text) in common::single_byte_mutants(&target, 0..target.len()) {
        let mut files: Vec<(&str, &str)> = others
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        files.push((TARGET, &text));
        let (catalogue, diagnostics) = check_texts(&files, &schemas, &policy);
        runs += 1;
        if !diagnostics.is_empty() {
            with_findings += 1;
        }
        for d in &diagnostics {
            let f = catalogue.files.get(d.primary.location.file);
            let span = &d.primary.location.span;
            assert!(
                span.start <= span.end && span.end <= f.text.len(),
                "byte {i}: span {span:?} outside {}",
                f.path
            );
            assert!(
                f.text.is_char_boundary(span.start) && f.text.is_char_boundary(span.end),
                "byte {i}: span {span:?} splits a character"
            );
            assert!(!d.message.is_empty());
        }
    }
    eprintln!("mutation: {runs} mutated files checked, {with_findings} with findings");
    assert!(runs > 10_000, "{runs}");
    // Many single-byte edits are harmless (inside a description or a comment), most are not.
    assert!(with_findings * 2 > runs, "{with_findings} of {runs}");
}
