//! Each rule against its fixtures, one test per rule (so one rule's failure hides no other's):
//! `fixtures/rules/<id>/pass/` gives no finding at all, `fixtures/rules/<id>/fail/` gives
//! findings of that rule only, pinned by snapshots of the human output (no colour, fixed
//! width) and of the JSON report. `every_rule_has_its_test` keeps the list below complete.
//! A rule that applies to Backstage catalogues has the same pair under `backstage/`, linted
//! with the `backstage` profile (snapshots `<id>-backstage-*`).

mod common;

use catalint::report::Format;
use catalint::rules::REGISTRY;
use common::{check_dir_with as run, render};

fn pass_and_fail(id: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules")
        .join(id);
    let ours = dir.join("pass").is_dir();
    let backstage = dir.join("backstage").is_dir();
    assert!(
        ours || backstage,
        "fixtures/rules/{id} has no pass/fail pair"
    );
    if ours {
        pair(id, &format!("fixtures/rules/{id}"), None, "");
    }
    if backstage {
        pair(
            id,
            &format!("fixtures/rules/{id}/backstage"),
            Some("backstage"),
            "-backstage",
        );
    }
}

fn pair(id: &str, dir: &str, policy: Option<&str>, suffix: &str) {
    let pass = run(&format!("{dir}/pass"), policy);
    assert!(
        pass.diagnostics.is_empty(),
        "{dir}/pass:\n{}",
        render(&pass, Format::Short)
    );

    let fail = run(&format!("{dir}/fail"), policy);
    assert!(!fail.diagnostics.is_empty(), "{dir}/fail gives no finding");
    for d in &fail.diagnostics {
        assert_eq!(
            d.rule,
            id,
            "{dir}/fail also gives:\n{}",
            render(&fail, Format::Short)
        );
    }
    insta::assert_snapshot!(format!("{id}{suffix}-human"), render(&fail, Format::Human));
    insta::assert_snapshot!(format!("{id}{suffix}-json"), render(&fail, Format::Json));
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
    unknown_field => "unknown-field",
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
