//! Organisation-specific rules written as data in policy files: selectors, requirements,
//! references, uniqueness, placeholders, `extends`, the example policies, and broken
//! policies reported precisely.

use std::fs;
use std::path::Path;

mod common;
use common::run;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(policy: &str, format: &str) -> (i32, String) {
    let (code, out, err) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--width",
            "100",
            "--format",
            format,
            "--policy",
            &format!("policies/examples/{policy}.yaml"),
            &format!("fixtures/policies/{policy}"),
        ],
    );
    (code, format!("{out}{err}"))
}

#[test]
fn strict_production_policy() {
    let (code, out) = example("strict-production", "short");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
    let (_, human) = example("strict-production", "human");
    insta::assert_snapshot!("strict-production-human", human);
}

#[test]
fn itil_policy_with_its_own_categories() {
    let (code, out) = example("itil", "short");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn small_team_policy() {
    let (code, out) = example("small-team", "short");
    assert_eq!(code, 0, "only warnings: {out}");
    insta::assert_snapshot!(out);
}

#[test]
fn the_example_catalogue_passes_the_examples_built_on_the_default() {
    // The bundled catalogue is complete enough for the default-based examples, except for
    // the house rules it was not written for.
    let (_, out, _) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--format",
            "short",
            "--policy",
            "policies/examples/small-team.yaml",
            "fixtures/catalogue",
        ],
    );
    assert!(out.lines().all(|l| l.contains("[described]")), "{out}");
}

#[test]
fn custom_rules_are_first_class() {
    let policy = "policies/examples/strict-production.yaml";
    // rules lists them with their policy
    let (code, out, _) = run(root(), &["rules", "--policy", policy]);
    assert_eq!(code, 0);
    // Summaries wrap to 80 columns: compare the words.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        out.contains("critical-needs-runbook")
            && words.contains("(custom, from policies/examples/strict-production.yaml)"),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    // explain serves their description
    let (code, out, _) = run(
        root(),
        &["explain", "critical-needs-runbook", "--policy", policy],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("the on-call engineer needs the runbook"),
        "{out}"
    );
    assert!(out.contains("## How to fix"), "{out}");
    let (code, _, err) = run(
        root(),
        &["explain", "critical-needs-runbok", "--policy", policy],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `critical-needs-runbook`?"),
        "{err}"
    );
    // severity overrides
    let dir = "fixtures/policies/strict-production";
    let (_, out, _) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--format",
            "short",
            "--policy",
            policy,
            "--rule",
            "critical-needs-runbook=off",
            dir,
        ],
    );
    assert!(!out.contains("critical-needs-runbook"), "{out}");
    // SARIF metadata
    let (_, out, _) = run(
        root(),
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--policy",
            policy,
            dir,
        ],
    );
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let custom = rules
        .iter()
        .find(|r| r["id"] == "critical-needs-runbook")
        .expect("custom rule in SARIF");
    assert_eq!(custom["properties"]["policy"], policy);
    assert_eq!(
        custom["shortDescription"]["text"],
        "Criticality-1 services link a runbook"
    );
}

#[test]
fn custom_rules_can_be_suppressed_and_baselined() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("fixtures/policies/strict-production");
    for f in ["teams.yaml", "db.yaml"] {
        fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    fs::copy(
        root().join("policies/examples/strict-production.yaml"),
        dir.path().join("policy.yaml"),
    )
    .unwrap();
    fs::write(dir.path().join("catalint.yaml"), "policy: policy.yaml\n").unwrap();
    let db = dir.path().join("db.yaml");
    let text = fs::read_to_string(&db).unwrap();
    fs::write(
        &db,
        format!("# catalint-disable-file critical-needs-runbook -- runbook being written\n{text}"),
    )
    .unwrap();
    let (_, out, _) = run(dir.path(), &["check", "--format", "short", "."]);
    assert!(!out.contains("critical-needs-runbook"), "{out}");
    assert!(out.contains("critical-24x7-support"), "{out}");
    let (code, _, _) = run(dir.path(), &["check", "--write-baseline", "b.json", "."]);
    assert_eq!(code, 0);
    let (code, out, _) = run(
        dir.path(),
        &["check", "--format", "short", "--baseline", "b.json", "."],
    );
    assert_eq!((code, out.as_str()), (0, ""));
}

const SERVICE: &str = "apiVersion: catalogue/v1
kind: Service
metadata: {id: web, name: Web}
spec:
  category: professional
  facing: customer-facing
  lifecycle: pipeline
  criticality: 3
  owner: {team: ops, serviceOwner: ana@example.org}
  hours: {service: 24x7, support: 24x7}
  serviceLevels:
    agreement: SLA
    requests: [{offering: Advice, fulfilment: 2w}]
  offerings: [{name: Advice}]
";
const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: Ops}\nspec: {email: ops@example.org}\n";

/// `check --format short` of the two catalogue files under `policy.yaml`.
fn check_with_policy(dir: &Path) -> (i32, String, String) {
    run(
        dir,
        &[
            "check",
            "--no-config",
            "--policy",
            "policy.yaml",
            "--format",
            "short",
            "team.yaml",
            "web.yaml",
        ],
    )
}

fn catalogue_with(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("team.yaml"), TEAM).unwrap();
    fs::write(dir.path().join("web.yaml"), SERVICE).unwrap();
    fs::write(dir.path().join("policy.yaml"), policy).unwrap();
    dir
}

const HEAD: &str = "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n";

#[test]
fn selectors_requirements_and_placeholders() {
    let policy = format!(
        "{HEAD}  extends: default\n  customRules:\n    - id: pipeline-criticality\n      summary: s\n      appliesTo:\n        kind: Service\n        where: {{properties: {{spec: {{properties: {{lifecycle: {{const: pipeline}}}}}}}}}}\n      require: {{properties: {{spec: {{properties: {{criticality: {{maximum: 2}}}}}}}}}}\n      message: \"{{kind}} {{id}}: {{pointer}} is {{value}}\"\n"
    );
    let dir = catalogue_with(&policy);
    let (code, out, _) = check_with_policy(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "web.yaml:8:16: error[pipeline-criticality] Service web: /spec/criticality is 3\n"
    );
    // The selector does not match a live service.
    fs::write(
        dir.path().join("web.yaml"),
        SERVICE.replace(
            "lifecycle: pipeline",
            "lifecycle: live\n  supportGroup: ops",
        ),
    )
    .unwrap();
    let (code, out, _) = check_with_policy(dir.path());
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn references_and_uniqueness_point_at_both_places() {
    let policy = format!(
        "{HEAD}  extends: default\n  customRules:\n    - id: owned-by-platform\n      summary: s\n      appliesTo: {{kind: Service}}\n      references:\n        - path: /spec/owner/team\n          kind: Team\n          where: {{properties: {{metadata: {{required: [tags]}}}}}}\n      message: \"{{id}} is owned by {{value}}, an untagged team\"\n    - id: unique-names\n      summary: s\n      appliesTo: {{kind: [Service, Team]}}\n      unique: [/metadata/name]\n      message: \"name {{value}} is taken\"\n"
    );
    let dir = catalogue_with(&policy);
    fs::write(
        dir.path().join("web.yaml"),
        SERVICE.replace("name: Web", "name: Ops"),
    )
    .unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--policy",
            "policy.yaml",
            "--format",
            "json",
            "team.yaml",
            "web.yaml",
        ],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 2, "{out}");
    assert_eq!(d[0]["rule"], "unique-names");
    assert_eq!(d[0]["message"], "name Ops is taken");
    assert_eq!(
        (d[0]["file"].as_str(), d[0]["line"].as_u64()),
        (Some("web.yaml"), Some(3))
    );
    assert_eq!(d[0]["related"][0]["file"], "team.yaml");
    assert_eq!(d[1]["rule"], "owned-by-platform");
    assert_eq!(d[1]["message"], "web is owned by ops, an untagged team");
    assert_eq!(
        (d[1]["line"].as_u64(), d[1]["column"].as_u64()),
        (Some(9), Some(17))
    );
    assert_eq!(d[1]["related"][0]["file"], "team.yaml");
    assert_eq!(
        d[1]["related"][0]["message"],
        "`metadata` is missing `tags`"
    );
}

#[test]
fn extends_chains_override_earlier_definitions() {
    let dir = catalogue_with("");
    let base = format!(
        "{HEAD}  extends: default\n  rules:\n    agreement-type: {{severity: error}}\n  customRules:\n    - id: has-description\n      summary: s\n      appliesTo: {{kind: Service}}\n      require: {{properties: {{metadata: {{required: [description]}}}}}}\n      message: \"base: {{id}}\"\n"
    );
    fs::create_dir(dir.path().join("policies")).unwrap();
    fs::write(dir.path().join("policies/base.yaml"), base).unwrap();
    let top = format!(
        "{HEAD}  extends: [base.yaml]\n  rules:\n    has-description: {{severity: warning}}\n  customRules:\n    - id: has-description\n      summary: s\n      appliesTo: {{kind: Service}}\n      require: {{properties: {{metadata: {{required: [description]}}}}}}\n      message: \"top: {{id}}\"\n"
    );
    fs::write(dir.path().join("policies/top.yaml"), top).unwrap();
    fs::write(
        dir.path().join("web.yaml"),
        SERVICE.replace("facing: customer-facing", "facing: supporting"),
    )
    .unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--policy",
            "policies/top.yaml",
            "--format",
            "short",
            "team.yaml",
            "web.yaml",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "web.yaml:3:1: warning[has-description] top: web\nweb.yaml:12:16: error[agreement-type] supporting service `web` uses an SLA; it should use `OLA` or `UC`\n"
    );
}

fn broken(policy_body: &str) -> String {
    let dir = catalogue_with(&format!("{HEAD}{policy_body}"));
    let (code, out, err) = run(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--width",
            "120",
            "--policy",
            "policy.yaml",
            "team.yaml",
            "web.yaml",
        ],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty());
    err
}

#[test]
fn broken_policies_are_reported_precisely() {
    let rule = |body: &str| {
        format!(
            "  extends: default\n  customRules:\n    - id: r\n      summary: s\n      message: m\n{body}"
        )
    };
    // A JSON Schema that is not one.
    let err = broken(&rule(
        "      appliesTo: {kind: Service}\n      require: {type: 12}\n",
    ));
    assert!(
        err.contains("custom rule: not a valid JSON Schema"),
        "{err}"
    );
    assert!(err.contains("policy.yaml:11:16]"), "{err}");
    // An id that clashes with a built-in rule.
    let err = broken(
        "  extends: default\n  customRules:\n    - {id: unique-id, summary: s, message: m, appliesTo: {kind: Team}, unique: [/metadata/name]}\n",
    );
    assert!(
        err.contains("custom rule `unique-id` has the id of a built-in rule"),
        "{err}"
    );
    // An unknown kind.
    let err = broken(&rule(
        "      appliesTo: {kind: Servce}\n      unique: [/metadata/name]\n",
    ));
    assert!(
        err.contains("`spec.customRules[0].appliesTo.kind` must be"),
        "{err}"
    );
    assert!(err.contains("did you mean `Service`?"), "{err}");
    // A rule that checks nothing.
    let err = broken(&rule("      appliesTo: {kind: Service}\n"));
    assert!(
        err.contains("a custom rule needs `require`, `references` or `unique`"),
        "{err}"
    );
}

#[test]
fn extends_cycles_missing_files_and_escapes_are_errors() {
    let dir = catalogue_with("");
    fs::write(
        dir.path().join("b.yaml"),
        format!("{HEAD}  extends: [default, a.yaml]\n"),
    )
    .unwrap();
    let cases = [
        (
            "  extends: b.yaml\n",
            "policies extend each other in a cycle",
        ),
        ("  extends: missing.yaml\n", "cannot read"),
        (
            "  extends: ../../etc/passwd\n",
            "is outside the policy's folder",
        ),
        (
            "  rules: {agreement-type: {severity: off}}\n",
            "defines no `priorities` or no `categories`",
        ),
    ];
    for (body, expected) in cases {
        fs::write(dir.path().join("a.yaml"), format!("{HEAD}{body}")).unwrap();
        let (code, _, err) = run(
            dir.path(),
            &["check", "--no-config", "--policy", "a.yaml", "team.yaml"],
        );
        assert_eq!(code, 2, "{body}");
        assert!(err.contains(expected), "{body}: {err}");
    }
}
