//! An organisation's own fields and kinds (`fixtures/organisation/`): the example lints clean
//! under its policy; typos of organisation fields, missing required ones, references of
//! the organisation's kinds across files and broken policies are reported at exact spans.

use std::fs;
use std::path::Path;

mod common;
use common::run;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the example (policy and catalogue) with `edits` applied: (file, from, to).
fn example_with(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("fixtures/organisation"), dir.path());
    for (file, from, to) in edits {
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    dir
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

/// `catalint check` of the copy's catalogue under its policy, in `format`.
fn check(dir: &Path, format: &str) -> (i32, String, String) {
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
            "policy.yaml",
            "catalogue",
        ],
    )
}

/// The findings as (rule, file:line:column, message, help).
fn findings(dir: &Path) -> Vec<(String, String, String, String)> {
    let (_, out, err) = check(dir, "json");
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                format!(
                    "{}:{}:{}",
                    d["file"].as_str().unwrap(),
                    d["line"],
                    d["column"]
                ),
                d["message"].as_str().unwrap().to_owned(),
                d["help"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_example_lints_clean_under_its_policy() {
    let (code, out, err) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--policy",
            "fixtures/organisation/policy.yaml",
            "fixtures/organisation/catalogue",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 files, 4 entities"), "{out}");
}

#[test]
fn without_its_policy_the_organisation_is_unknown() {
    let (code, out, _) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--format",
            "short",
            "fixtures/organisation/catalogue",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("unknown field `costCentre` in `spec`"),
        "{out}"
    );
    assert!(out.contains("unknown kind `Supplier`"), "{out}");
    // Annotations and labels are part of every kind's envelope.
    assert!(
        !out.contains("annotations") && !out.contains("labels"),
        "{out}"
    );
}

#[test]
fn a_typo_of_an_organisation_field_is_an_unknown_field_with_did_you_mean() {
    let dir = example_with(&[("catalogue/payroll.yaml", "  costCentre:", "  costCenter:")]);
    // One root cause, one finding: the misspelt required field is not also missing.
    assert_eq!(
        findings(dir.path()),
        [(
            "schema".to_owned(),
            "catalogue/payroll.yaml:20:3".to_owned(),
            "unknown field `costCenter` in `spec`".to_owned(),
            "did you mean `costCentre`?".to_owned()
        )]
    );
}

#[test]
fn a_missing_organisation_field_is_reported_at_the_mapping_that_lacks_it() {
    let dir = example_with(&[("catalogue/payroll.yaml", "  costCentre: CC-1234\n", "")]);
    assert_eq!(
        findings(dir.path()),
        [(
            "schema".to_owned(),
            "catalogue/payroll.yaml:11:1".to_owned(),
            "`spec` is missing `costCentre`".to_owned(),
            "add `costCentre`: the finance cost centre, e.g. `costCentre: CC-1234`".to_owned()
        )]
    );
}

#[test]
fn organisation_values_are_checked_like_built_in_ones() {
    let dir = example_with(&[
        ("catalogue/payroll.yaml", "CC-1234", "1234"),
        ("catalogue/payroll.yaml", "confidential", "confidental"),
        (
            "catalogue/payroll.yaml",
            "servicenow.com/sys-id: 9d",
            "servicenow.com/sys-id: [9d]\n  #",
        ),
    ]);
    let found = findings(dir.path());
    let messages: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    // Unquoted, `1234` is a number: the help says so, as for a built-in field.
    let cost = found
        .iter()
        .find(|f| f.2.starts_with("`spec.costCentre`"))
        .unwrap();
    assert_eq!(
        (cost.1.as_str(), cost.2.as_str(), cost.3.as_str()),
        (
            "catalogue/payroll.yaml:21:15",
            "`spec.costCentre` must be the finance cost centre, e.g. `costCentre: CC-1234`, found the number `1234`",
            "quote it to make it a string: \"1234\""
        )
    );
    let classification = found
        .iter()
        .find(|f| f.2.starts_with("`spec.dataClassification`"))
        .unwrap();
    assert_eq!(classification.3, "did you mean `confidential`?");
    assert!(
        messages.iter().any(|m| m.starts_with("`metadata.annotations.servicenow.com/sys-id` must be a string")),
        "{found:#?}"
    );
}

#[test]
fn organisation_kinds_are_entities_like_the_built_in_ones() {
    let dir = example_with(&[
        // A contract that does not exist, one letter off one that does.
        (
            "catalogue/suppliers/payco.yaml",
            "contracts: [payco-2025]",
            "contracts: [payco-2026]",
        ),
        // A service's supplier that is a team.
        (
            "catalogue/payroll.yaml",
            "supplier: payco",
            "supplier: hr-systems",
        ),
        // An id shared by a Contract and a Service.
        (
            "catalogue/suppliers/payco.yaml",
            "  id: payco-2025",
            "  id: payroll",
        ),
    ]);
    let found = findings(dir.path());
    let shown: Vec<String> = found
        .iter()
        .map(|f| format!("{} {} {} | {}", f.0, f.1, f.2, f.3))
        .collect();
    assert_eq!(
        shown,
        [
            "unresolved-reference catalogue/payroll.yaml:22:13 the supplier of `payroll` is `hr-systems`, which is a Team, not a Supplier | name a Supplier here",
            "unresolved-reference catalogue/suppliers/payco.yaml:8:15 the contract of `payco` is `payco-2026`, which is not in the catalogue | define a Contract `payco-2026`, or name an existing one",
            "unique-id catalogue/suppliers/payco.yaml:13:7 id `payroll` is already used by service `payroll` | ids are unique across the catalogue, whatever the kind: rename one and update its references",
        ],
        "{shown:#?}"
    );
}

#[test]
fn a_missing_reference_of_an_organisation_kind_suggests_the_close_id() {
    let dir = example_with(&[(
        "catalogue/suppliers/payco.yaml",
        "contracts: [payco-2025]",
        "contracts: [payco-2052]",
    )]);
    let found = findings(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].3,
        "did you mean `payco-2025`? otherwise define a Contract `payco-2052`"
    );
}

#[test]
fn unknown_kinds_suggest_the_organisation_kinds() {
    let dir = example_with(&[(
        "catalogue/suppliers/payco.yaml",
        "kind: Supplier",
        "kind: Suplier",
    )]);
    let found = findings(dir.path());
    let unknown = found.iter().find(|f| f.0 == "unknown-kind").unwrap();
    assert_eq!(
        unknown.3,
        "did you mean `kind: Supplier`? kinds are Service, Product, Team, Supplier and Contract"
    );
}

#[test]
fn custom_rules_apply_to_organisation_kinds() {
    let dir = example_with(&[(
        "catalogue/suppliers/payco.yaml",
        "  covers: [payroll]\n",
        "",
    )]);
    let found = findings(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "contract-covers-a-service");
    assert_eq!(found[0].2, "contract payco-2025 covers no service");
}

#[test]
fn human_and_json_output_on_a_broken_organisation_catalogue() {
    let dir = example_with(&[
        ("catalogue/payroll.yaml", "  costCentre:", "  costCenter:"),
        (
            "catalogue/suppliers/payco.yaml",
            "contracts: [payco-2025]",
            "contracts: [payco-2052]",
        ),
    ]);
    let (code, human, _) = check(dir.path(), "human");
    assert_eq!(code, 1);
    insta::assert_snapshot!("organisation-human", human);
    let (_, json, _) = check(dir.path(), "json");
    insta::assert_snapshot!("organisation-json", json);
}

/// A broken policy: exit 2 and the policy file's finding, as `file:line:column` and message.
fn broken_policy(from: &str, to: &str) -> String {
    let dir = example_with(&[("policy.yaml", from, to)]);
    let (code, out, err) = check(dir.path(), "short");
    assert_eq!(code, 2, "{out}{err}");
    format!("{out}{err}")
}

#[test]
fn a_policy_that_redefines_a_built_in_field_is_an_error_with_a_span() {
    let err = broken_policy(
        "            costCentre:\n",
        "            criticality: {type: string}\n            costCentre:\n",
    );
    assert!(
        err.contains("`spec.criticality` is a built-in field; a policy cannot redefine it"),
        "{err}"
    );
    assert!(err.contains("policy.yaml:23:13"), "{err}");
}

#[test]
fn broken_kind_declarations_and_references_are_errors_with_spans() {
    let cases = [
        (
            "    Supplier:\n      description",
            "    Team:\n      description",
            "`Team` is a built-in kind",
            "policy.yaml:37:5",
        ),
        (
            "        - {path: /spec/contracts/*, kind: Contract}",
            "        - {path: /spec/contract/*, kind: Contract}",
            "`/spec/contract` is not a field of Supplier",
            "policy.yaml:48:18",
        ),
        (
            "        - {path: /spec/contracts/*, kind: Contract}",
            "        - {path: /spec/contracts/*, kind: Contrat}",
            "unknown kind `Contrat`",
            "policy.yaml:48:43",
        ),
        (
            "    Service:\n      - {path",
            "    Servce:\n      - {path",
            "unknown kind `Servce`",
            "policy.yaml:66:5",
        ),
        (
            "          required: [costCentre, dataClassification]",
            "          required: [costCenter, dataClassification]",
            "`costCenter` is required but is not a field of `spec`",
            "policy.yaml:33:22",
        ),
        (
            "          ends: {$ref: \"#/$defs/date\"",
            "          ends: {$ref: \"#/$defs/dat\"",
            "the composed schema of Contract is not a valid JSON Schema",
            "policy.yaml:52:9",
        ),
    ];
    for (from, to, message, at) in cases {
        let err = broken_policy(from, to);
        assert!(err.contains(message), "{message}:\n{err}");
        assert!(err.contains(at), "{message} at {at}:\n{err}");
    }
}

#[test]
fn the_schema_command_prints_the_composed_schemas() {
    let schema = |kind: &str| -> serde_json::Value {
        let mut args = vec![
            "schema",
            "--no-config",
            "--policy",
            "fixtures/organisation/policy.yaml",
        ];
        if !kind.is_empty() {
            args.insert(1, kind);
        }
        let (code, out, err) = run(root(), &args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let service = schema("Service");
    let spec = &service["properties"]["spec"];
    assert_eq!(spec["properties"]["costCentre"]["pattern"], "^CC-[0-9]{4}$");
    assert!(
        spec["required"]
            .as_array()
            .unwrap()
            .contains(&"costCentre".into())
    );
    assert!(service["properties"]["metadata"]["properties"]["annotations"].is_object());
    let supplier = schema("Supplier");
    assert_eq!(supplier["properties"]["kind"]["const"], "Supplier");
    assert_eq!(
        supplier["properties"]["spec"]["additionalProperties"],
        false
    );
    let any = schema("");
    assert_eq!(
        any["properties"]["kind"]["enum"],
        serde_json::json!(["Service", "Product", "Team", "Supplier", "Contract"])
    );
    // Without the policy, only the built-in kinds.
    let (code, _, err) = run(root(), &["schema", "Supplier", "--no-config"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("choose one of Service, Product, Team, Policy, Config"),
        "{err}"
    );
}

#[test]
fn explain_lists_the_references_a_policy_adds() {
    let (code, out, _) = run(
        root(),
        &[
            "explain",
            "unresolved-reference",
            "--no-config",
            "--policy",
            "fixtures/organisation/policy.yaml",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("- a Service's `/spec/supplier` names a **Supplier**"),
        "{out}"
    );
    assert!(
        out.contains("- a Supplier's `/spec/contracts/*` names a **Contract**"),
        "{out}"
    );
}

#[test]
fn sarif_of_an_organisation_catalogue_validates() {
    let dir = example_with(&[(
        "catalogue/suppliers/payco.yaml",
        "contracts: [payco-2025]",
        "contracts: [payco-2052]",
    )]);
    let (code, out, _) = check(dir.path(), "sarif");
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(common::corpus("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&doc));
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "unresolved-reference");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "catalogue/suppliers/payco.yaml"
    );
    // The policy's custom rule on a declared kind is described like any rule.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "contract-covers-a-service"));
}
