//! The `backstage` profile on Backstage catalogues (`fixtures/backstage/`): the example lints
//! clean; the defects of real catalog-info.yaml files are found at exact spans; the profile is
//! chosen with `extends: backstage`, `--policy backstage` or `policy: backstage`, and
//! `catalint init` picks it for a Backstage repository.

use std::fs;
use std::path::Path;

mod common;
use common::run;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the example with `file` (relative to the catalogue) written as `text`.
fn example_with(file: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("fixtures/backstage"), dir.path());
    fs::write(dir.path().join("catalogue").join(file), text).unwrap();
    dir
}

fn check(dir: &Path, policy: &str, format: &str) -> (i32, String, String) {
    run(
        dir,
        &[
            "check",
            "--no-config",
            "--width",
            "100",
            "--format",
            format,
            "--policy",
            policy,
            "catalogue",
        ],
    )
}

#[test]
fn the_example_lints_clean() {
    let (code, out, err) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--policy",
            "fixtures/backstage/policy.yaml",
            "fixtures/backstage/catalogue",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 files, 11 entities"), "{out}");
}

#[test]
fn the_profile_by_name_knows_no_external_entities() {
    // `--policy backstage`: the profile itself, without the example's `external` globs.
    let (code, out, _) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--format",
            "short",
            "--policy",
            "backstage",
            "fixtures/backstage/catalogue",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out.trim(),
        "fixtures/backstage/catalogue/components/payments.yaml:21:18: error[unresolved-reference] `payments-service`'s `consumesApis` names `fraud-api`, which is not in the catalogue"
    );
}

/// A catalog-info.yaml with the defects found in public repositories.
const BROKEN: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: website
  lifecycle: production
  owner: paymnets-team
  system: payments
  consumesApi: [payments-api]
  dependsOn: [component:checkout, component:payments-service]
dependsOn: [resource:payments-db]
";

#[test]
fn a_broken_catalog_info_in_human_and_json() {
    let broken = BROKEN.replace(
        "component:payments-service]",
        "component:payments-service]\n  dependencyOf: [component:ledger]",
    );
    let dir = example_with("checkout.yaml", &broken);
    // `ledger` depends on `payments-service`... and now `checkout` is a dependency of ledger
    // while depending on payments-service, which depends on ledger: a cycle of three.
    let (code, human, _) = check(dir.path(), "policy.yaml", "human");
    assert_eq!(code, 1);
    insta::assert_snapshot!("backstage-human", human);
    // The book shows this very output: a change of behaviour shows there too.
    let book = fs::read_to_string(root().join("docs/src/backstage.md")).unwrap();
    assert!(
        book.contains(&format!("```text\n{human}```")),
        "docs/src/backstage.md does not show the output of this test; paste it in:\n{human}"
    );
    let (_, json, _) = check(dir.path(), "policy.yaml", "json");
    insta::assert_snapshot!("backstage-json", json);
}

#[test]
fn references_compare_case_insensitively_and_default_to_the_entitys_namespace() {
    let dir = example_with(
        "more.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: refunds\nspec:\n  type: service\n  lifecycle: production\n  owner: Group:Default/Payments-Team\n  system: PAYMENTS\n  consumesApis: [api:payments-api]\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: refunds\n  namespace: finance\nspec:\n  type: service\n  lifecycle: production\n  owner: payments-team\n",
    );
    let (code, out, _) = check(dir.path(), "policy.yaml", "short");
    assert_eq!(code, 1);
    // The first resolves in `default`; the second, in `finance`, names `group:finance/...`.
    assert_eq!(
        out.trim(),
        "catalogue/more.yaml:20:10: error[unresolved-reference] `refunds`'s `owner` names `payments-team`, which is not in the catalogue"
    );
    let (_, json, _) = check(dir.path(), "policy.yaml", "json");
    assert!(
        json.contains("did you mean `default/payments-team`?"),
        "{json}"
    );
}

#[test]
fn external_globs_are_lower_case_kind_namespace_name() {
    let dir = example_with(
        "more.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: refunds\nspec:\n  type: service\n  lifecycle: production\n  owner: group:redhat/Team-X\n",
    );
    fs::write(
        dir.path().join("policy.yaml"),
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: backstage\n  external: [\"group:redhat/*\", \"API:default/fraud-*\"]\n",
    )
    .unwrap();
    let (code, out, err) = check(dir.path(), "policy.yaml", "short");
    assert_eq!(code, 0, "{out}{err}");
    // An invalid glob is a policy error at its place.
    fs::write(
        dir.path().join("policy.yaml"),
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: backstage\n  external: [\"group:[redhat/*\"]\n",
    )
    .unwrap();
    let (code, out, err) = check(dir.path(), "policy.yaml", "short");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("is not a valid glob") && err.contains("policy.yaml:6:14"),
        "{err}"
    );
}

#[test]
fn unknown_fields_are_warnings_that_do_not_fail_the_run() {
    let dir = example_with(
        "more.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: refunds\nspec:\n  type: team\n  children: []\n  memebers: [jane.doe]\n",
    );
    let (code, out, _) = check(dir.path(), "policy.yaml", "short");
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        "catalogue/more.yaml:8:3: warning[unknown-field] unknown field `memebers` in `spec`"
    );
}

#[test]
fn a_config_names_the_profile_and_init_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("fixtures/backstage/catalogue"), dir.path());
    fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    fs::write(dir.path().join(".github/workflows/ci.yaml"), "on: push\n").unwrap();
    let (code, _, err) = run(dir.path(), &["init"]);
    assert_eq!(code, 0, "{err}");
    let config = fs::read_to_string(dir.path().join("catalint.yaml")).unwrap();
    assert!(config.contains("\npolicy: backstage\n"), "{config}");
    assert!(config.contains("  - catalog-info.yaml\n"), "{config}");
    assert!(!config.contains("workflows"), "{config}");
    // The config works: the one finding is the API outside the linted files.
    let (code, out, _) = run(dir.path(), &["check", "--format", "short"]);
    assert_eq!(code, 1);
    assert!(out.contains("names `fraud-api`"), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn the_schema_command_and_rules_know_the_profile() {
    let (code, out, _) = run(
        root(),
        &[
            "schema",
            "Component",
            "--no-config",
            "--policy",
            "backstage",
        ],
    );
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(schema["properties"]["kind"]["const"], "Component");
    assert_eq!(
        schema["properties"]["apiVersion"]["enum"],
        serde_json::json!(["backstage.io/v1alpha1", "backstage.io/v1beta1"])
    );
    let (_, out, _) = run(root(), &["explain", "unknown-field"]);
    assert!(out.contains("consumesApis"), "{out}");
}

#[test]
fn under_the_default_policy_a_backstage_entity_points_at_the_profile() {
    let (code, out, _) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "fixtures/backstage/catalogue",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "this is a Backstage entity: lint a Backstage catalogue with the `backstage` profile"
        ),
        "{out}"
    );
}

#[test]
fn organisation_fields_join_backstage_kinds_but_kinds_cannot() {
    let dir = example_with(
        "more.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: refunds\nspec:\n  type: service\n  lifecycle: production\n  owner: payments-team\n  teir: gold\n",
    );
    let policy = "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: backstage\n  external: [\"api:default/fraud-*\"]\n  fields:\n    Component:\n      properties:\n        spec:\n          properties:\n            tier: {enum: [gold, silver, bronze]}\n";
    fs::write(dir.path().join("policy.yaml"), policy).unwrap();
    let (code, out, _) = check(dir.path(), "policy.yaml", "json");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("unknown field `teir` in `spec`") && out.contains("did you mean `tier`?"),
        "{out}"
    );
    fs::write(
        dir.path().join("policy.yaml"),
        format!("{policy}  kinds:\n    Supplier: {{spec: {{}}}}\n"),
    )
    .unwrap();
    let (code, _, err) = check(dir.path(), "policy.yaml", "short");
    assert_eq!(code, 2);
    assert!(
        err.contains("a Backstage catalogue cannot declare kinds (`Supplier`)"),
        "{err}"
    );
}

#[test]
fn sarif_of_a_backstage_catalogue_validates_and_describes_unknown_field() {
    let dir = example_with("checkout.yaml", BROKEN);
    let (code, out, _) = check(dir.path(), "policy.yaml", "sarif");
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(common::corpus("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-field")
        .unwrap();
    assert_eq!(warning["level"], "warning");
    let index = warning["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "unknown-field");
}
