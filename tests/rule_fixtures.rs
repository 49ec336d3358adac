//! Each rule against its fixtures: `fixtures/rules/<id>/pass/` gives no finding at all,
//! `fixtures/rules/<id>/fail/` gives findings of that rule only, pinned by snapshots of
//! the human output (no colour, fixed width) and of the JSON report.

mod common;

use catalint::report::Format;
use catalint::rules::REGISTRY;
use common::{check_dir as run, render};

#[test]
fn pass_fixtures_have_no_findings() {
    for rule in REGISTRY {
        let id = rule.meta().id;
        let outcome = run(&format!("fixtures/rules/{id}/pass"));
        assert!(
            outcome.diagnostics.is_empty(),
            "{id}/pass:\n{}",
            render(&outcome, Format::Short)
        );
    }
}

#[test]
fn fail_fixtures_give_exactly_their_rule() {
    for rule in REGISTRY {
        let id = rule.meta().id;
        let outcome = run(&format!("fixtures/rules/{id}/fail"));
        assert!(
            !outcome.diagnostics.is_empty(),
            "{id}/fail gives no finding"
        );
        for d in &outcome.diagnostics {
            assert_eq!(
                d.rule,
                id,
                "{id}/fail also gives:\n{}",
                render(&outcome, Format::Short)
            );
        }
        insta::assert_snapshot!(format!("{id}-human"), render(&outcome, Format::Human));
        insta::assert_snapshot!(format!("{id}-json"), render(&outcome, Format::Json));
    }
}
