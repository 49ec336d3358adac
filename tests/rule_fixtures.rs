//! Each rule against its fixtures, one test per rule (so one rule's failure hides no other's):
//! `fixtures/rules/<id>/pass/` gives no finding at all, `fixtures/rules/<id>/fail/` gives
//! findings of that rule only, pinned by snapshots of the human output (no colour, fixed
//! width) and of the JSON report. `every_rule_has_its_test` keeps the list below complete.

mod common;

use catalint::report::Format;
use catalint::rules::REGISTRY;
use common::{check_dir as run, render};

fn pass_and_fail(id: &str) {
    let pass = run(&format!("fixtures/rules/{id}/pass"));
    assert!(
        pass.diagnostics.is_empty(),
        "{id}/pass:\n{}",
        render(&pass, Format::Short)
    );

    let fail = run(&format!("fixtures/rules/{id}/fail"));
    assert!(!fail.diagnostics.is_empty(), "{id}/fail gives no finding");
    for d in &fail.diagnostics {
        assert_eq!(
            d.rule,
            id,
            "{id}/fail also gives:\n{}",
            render(&fail, Format::Short)
        );
    }
    insta::assert_snapshot!(format!("{id}-human"), render(&fail, Format::Human));
    insta::assert_snapshot!(format!("{id}-json"), render(&fail, Format::Json));
}

macro_rules! rule_tests {
    ($($test:ident => $id:literal,)*) => {
        $(
            #[test]
            fn $test() {
                pass_and_fail($id);
            }
        )*
        const LISTED: &[&str] = &[$($id),*];
    };
}

rule_tests! {
    yaml_syntax => "yaml-syntax",
    duplicate_key => "duplicate-key",
    yaml_ambiguous_value => "yaml-ambiguous-value",
    yaml_unsupported => "yaml-unsupported",
    yaml_limit => "yaml-limit",
    unreadable_file => "unreadable-file",
    empty_file => "empty-file",
    schema => "schema",
    unknown_kind => "unknown-kind",
    product_is_service => "product-is-service",
    single_category => "single-category",
    sla_defined => "sla-defined",
    sla_consistent => "sla-consistent",
    agreement_type => "agreement-type",
    unique_id => "unique-id",
    unresolved_reference => "unresolved-reference",
    dependency_cycle => "dependency-cycle",
    availability_exceeds_dependencies => "availability-exceeds-dependencies",
    retired_dependency => "retired-dependency",
    individual_owner => "individual-owner",
    invalid_suppression => "invalid-suppression",
    unused_suppression => "unused-suppression",
}

/// The registry, the fixture folders and the tests above name the same rules: a new rule
/// without fixtures or without its test fails here, by name.
#[test]
fn every_rule_has_its_test() {
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let registry = sorted(REGISTRY.iter().map(|r| r.meta().id.to_owned()).collect());
    let listed = sorted(LISTED.iter().map(|s| (*s).to_owned()).collect());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let folders = sorted(
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
    );
    assert_eq!(listed, registry, "rule_tests! and REGISTRY differ");
    assert_eq!(folders, registry, "fixtures/rules/ and REGISTRY differ");
}
