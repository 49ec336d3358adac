use std::collections::HashSet;
use std::path::Path;

use super::*;

#[test]
fn ids_are_unique_kebab_case() {
    let mut seen = HashSet::new();
    for rule in REGISTRY {
        let id = rule.meta().id;
        assert!(seen.insert(id), "duplicate rule id {id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{id} is not kebab-case"
        );
    }
}

#[test]
fn every_rule_has_complete_documentation() {
    for rule in REGISTRY {
        let m = rule.meta();
        assert!(!m.summary.is_empty(), "{}: empty summary", m.id);
        let mut last = 0;
        for section in DOC_SECTIONS {
            let at = m
                .doc
                .find(section)
                .unwrap_or_else(|| panic!("{}: docs lack `{section}`", m.id));
            assert!(at >= last, "{}: `{section}` is out of order", m.id);
            last = at;
        }
        // A bad example and a good one.
        assert!(
            m.doc.contains("Instead"),
            "{}: docs show no passing example",
            m.id
        );
    }
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    for rule in REGISTRY {
        let id = rule.meta().id;
        // catalint's format, or Backstage's for a rule of the `backstage` profile only.
        let base = match root.join(id).join("pass").is_dir() {
            true => root.join(id),
            false => root.join(id).join("backstage"),
        };
        for case in ["pass", "fail"] {
            assert!(
                base.join(case).is_dir(),
                "missing fixtures/rules/{id}/{case}/ (or fixtures/rules/{id}/backstage/{case}/)"
            );
        }
    }
}

#[test]
fn contract_rule_ids_are_all_registered() {
    let contract = [
        "yaml-syntax",
        "duplicate-key",
        "yaml-ambiguous-value",
        "schema",
        "unknown-kind",
        "product-is-service",
        "single-category",
        "sla-defined",
        "sla-consistent",
        "agreement-type",
        "unique-id",
        "unresolved-reference",
        "dependency-cycle",
        "availability-exceeds-dependencies",
        "retired-dependency",
        "individual-owner",
    ];
    for id in contract {
        assert!(find(id).is_some(), "contract rule {id} is not registered");
    }
}

#[test]
fn unknown_ids_suggest_the_nearest() {
    assert_eq!(
        crate::suggest::unknown_rule_message("single-categroy", ids()),
        "unknown rule `single-categroy`; did you mean `single-category`?"
    );
}

/// The policy checks rule ids against `ids::BUILTIN_RULES` (so that it needs nothing from the
/// rules): it must list exactly the registry's rules, in its order.
#[test]
fn the_builtin_id_list_is_the_registry() {
    let registry: Vec<&str> = ids().collect();
    assert_eq!(crate::diagnostic::ids::BUILTIN_RULES, registry.as_slice());
}
