//! Each rule against its fixtures: `fixtures/rules/<id>/pass/` gives no finding at all,
//! `fixtures/rules/<id>/fail/` gives findings of that rule only, pinned by snapshots of
//! the human output (no colour, fixed width) and of the JSON report.

use std::path::PathBuf;

use catalint::engine::{self, CheckOptions, ConfigChoice, Outcome};
use catalint::report::{self, Format, Human, HumanOptions, Report, Reporter};
use catalint::rules::REGISTRY;

fn run(dir: &str) -> Outcome {
    let opts = CheckOptions {
        paths: vec![PathBuf::from(dir)],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    engine::check(&opts).unwrap_or_else(|e| panic!("{dir}: {e}"))
}

fn render(outcome: &Outcome, format: Format) -> String {
    let rulebook = outcome.policy.rulebook();
    let report = Report {
        files: outcome.files(),
        diagnostics: &outcome.diagnostics,
        summary: outcome.summary,
        rules: &rulebook,
    };
    let mut buf = Vec::new();
    match report::machine(format) {
        Some(r) => r.report(&report, &mut buf).unwrap(),
        None => Human::new(HumanOptions {
            color: false,
            width: Some(100),
        })
        .report(&report, &mut buf)
        .unwrap(),
    }
    String::from_utf8(buf).unwrap()
}

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
