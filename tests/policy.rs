//! The policy drives the domain rules: the bundled default, and a custom one.

use std::fs;
use std::path::PathBuf;

use catalint::engine::{self, CheckOptions, ConfigChoice};

fn check(paths: Vec<PathBuf>, policy: Option<PathBuf>) -> Vec<(String, String)> {
    let opts = CheckOptions {
        paths,
        config: ConfigChoice::None,
        policy,
        ..CheckOptions::default()
    };
    let outcome = engine::check(&opts).unwrap();
    outcome
        .diagnostics
        .iter()
        .map(|d| (d.rule.to_string(), d.message.clone()))
        .collect()
}

#[test]
fn bundled_example_catalogue_is_clean_under_the_default_policy() {
    assert_eq!(check(vec!["fixtures/catalogue".into()], None), vec![]);
}

#[test]
fn a_custom_policy_with_other_categories_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("tiers.yaml");
    fs::write(
        &policy,
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: tiers, name: Tiers}\nspec:\n  priorities: [P1, P2]\n  categories:\n    - {id: gold, requires: [availability, incident]}\n    - {id: bronze, requires: []}\n",
    )
    .unwrap();
    let svc = |cat: &str, incident: &str| {
        format!(
            "apiVersion: catalogue/v1\nkind: Service\nmetadata: {{id: s-{cat}, name: S}}\nspec:\n  category: {cat}\n  facing: supporting\n  lifecycle: pipeline\n  criticality: 2\n  owner: {{team: ops, serviceOwner: a@example.org}}\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n    availability: {{target: 99.5, measuredDuring: 24x7}}\n{incident}"
        )
    };
    let cat = dir.path().join("catalogue");
    fs::create_dir(&cat).unwrap();
    fs::write(cat.join("team.yaml"), "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec: {email: ops@example.org}\n").unwrap();
    fs::write(
        cat.join("gold.yaml"),
        svc("gold", "    incident:\n      - {priority: P1, response: 15m, resolution: 4h}\n      - {priority: P2, response: 1h, resolution: 8h}\n"),
    )
    .unwrap();
    fs::write(cat.join("bronze.yaml"), svc("bronze", "")).unwrap();
    fs::write(cat.join("business.yaml"), svc("business", "")).unwrap();
    let found = check(vec![cat.clone()], Some(policy));
    assert_eq!(
        found,
        vec![(
            "single-category".to_owned(),
            "service `s-business` has unknown category `business`".to_owned()
        )]
    );
    // Under the default policy, the same files break the other way round.
    let found = check(vec![cat], None);
    let rules: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        rules,
        [
            "single-category",
            "sla-defined",
            "sla-defined",
            "single-category"
        ]
    );
}
