//! The binary as users run it: exit codes, formats, commands, config and policy.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::copy_dir;

fn catalint() -> Command {
    let mut c = Command::cargo_bin("catalint").unwrap();
    c.env_remove("NO_COLOR").env("CLICOLOR", "0");
    c
}

fn stdout(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn example_catalogue_is_clean_exit_0() {
    let (code, out, _) = stdout(catalint().args(["check", "fixtures/catalogue"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "no problems in 11 files, 16 entities\n");
}

#[test]
fn findings_exit_1_and_are_sorted_deterministically() {
    let args = [
        "check",
        "--no-config",
        "--format",
        "short",
        "fixtures/rules/product-is-service/fail",
    ];
    let (code, first, _) = stdout(catalint().args(args));
    assert_eq!(code, 1);
    let (_, second, _) = stdout(catalint().args(args));
    assert_eq!(first, second);
    let lines: Vec<&str> = first.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| l.split(':').next().unwrap().to_owned());
    assert_eq!(lines, sorted);
    assert_eq!(
        lines[0],
        "fixtures/rules/product-is-service/fail/app.yaml:7:12: error[product-is-service] live product `app` is delivered through `new-svc`, which is not operated yet (pipeline)"
    );
}

#[test]
fn missing_path_exits_2() {
    let (code, out, err) = stdout(catalint().args(["check", "no/such/folder"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err, "error: `no/such/folder` does not exist\n");
}

#[test]
fn folder_without_catalogue_files_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let (code, _, err) = stdout(catalint().arg("check").arg(dir.path()));
    assert_eq!(code, 2);
    assert!(
        err.contains("no catalogue files (*.yaml, *.yml) under"),
        "{err}"
    );
}

#[test]
fn json_report_follows_the_contract() {
    let (code, out, _) = stdout(catalint().args([
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/rules/single-category/fail",
    ]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 4);
    assert_eq!(v["summary"]["files"], 5);
    let d = &v["diagnostics"][0];
    for field in [
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "endLine",
        "endColumn",
        "pointer",
        "related",
    ] {
        assert!(d.get(field).is_some(), "missing {field}");
    }
    assert_eq!(d["rule"], "single-category");
    assert_eq!(d["pointer"], "/spec/category");
}

#[test]
fn human_output_has_rule_location_snippet_and_help() {
    let (code, out, _) = stdout(catalint().args([
        "check",
        "--no-config",
        "--width",
        "100",
        "fixtures/rules/agreement-type/fail/web.yaml",
        "fixtures/rules/agreement-type/fail/teams.yaml",
    ]));
    assert_eq!(code, 0, "agreement-type is a warning: {out}");
    assert!(
        out.contains("⚠ agreement-type: customer-facing service `web` uses an OLA"),
        "{out}"
    );
    assert!(
        out.contains("╭─[fixtures/rules/agreement-type/fail/web.yaml:19:16]"),
        "{out}"
    );
    assert!(out.contains("help: write `agreement: SLA`"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    assert!(
        out.ends_with(
            "1 problem (0 errors, 1 warning) in 2 files, 2 entities; 1 fixable with --unsafe-fixes\n"
        ),
        "{out}"
    );
}

#[test]
fn fail_on_changes_the_threshold_not_the_findings() {
    let dir = "fixtures/rules/empty-file/fail";
    assert_eq!(stdout(catalint().args(["check", "--no-config", dir])).0, 0);
    assert_eq!(
        stdout(catalint().args(["check", "--no-config", "--fail-on", "warning", dir])).0,
        1
    );
    let dir = "fixtures/rules/schema/fail";
    assert_eq!(
        stdout(catalint().args(["check", "--no-config", "--fail-on", "never", dir])).0,
        0
    );
}

#[test]
fn rule_levels_from_the_command_line() {
    let dir = "fixtures/rules/unique-id/fail";
    assert_eq!(stdout(catalint().args(["check", "--no-config", dir])).0, 1);
    let (code, out, _) =
        stdout(catalint().args(["check", "--no-config", "--rule", "unique-id=off", dir]));
    assert_eq!(code, 0);
    assert!(out.starts_with("no problems"));
    let (code, _, err) =
        stdout(catalint().args(["check", "--no-config", "--rule", "unique-ids=off", dir]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `unique-id`?"), "{err}");
}

#[test]
fn explain_serves_the_rule_docs() {
    let (code, out, _) = stdout(catalint().args(["explain", "single-category"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("# single-category\n"));
    assert!(out.contains(catalint::rules::single_category::META.doc));
    let (code, _, err) = stdout(catalint().args(["explain", "single-categroy"]));
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `single-category`?"));
}

#[test]
fn rules_lists_every_rule() {
    let (code, out, _) = stdout(catalint().args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let v: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(v.len(), catalint::rules::REGISTRY.len());
    let (_, human, _) = stdout(catalint().args(["rules"]));
    assert!(human.contains("dependency-cycle"));
}

#[test]
fn schema_prints_standalone_schemas() {
    for kind in ["Service", "Product", "Team", "Policy", "Config"] {
        let (code, out, _) = stdout(catalint().args(["schema", kind]));
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
    let (code, out, _) = stdout(catalint().args(["schema"]));
    assert_eq!(code, 0);
    assert!(out.contains("\"allOf\""));
    assert_eq!(stdout(catalint().args(["schema", "Widget"])).0, 2);
}

#[test]
fn bad_arguments_exit_2_help_exits_0() {
    assert_eq!(stdout(catalint().args(["check", "--format", "xml"])).0, 2);
    assert_eq!(stdout(catalint().args(["frobnicate"])).0, 2);
    let (code, out, _) = stdout(catalint().args(["--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Examples:"));
    assert_eq!(stdout(catalint().args(["--version"])).0, 0);
}

#[test]
fn config_is_discovered_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("fixtures/rules/agreement-type/fail"), dir.path());
    let (code, out, _) = stdout(
        catalint()
            .arg("check")
            .arg(dir.path())
            .args(["--fail-on", "warning"]),
    );
    assert_eq!(code, 1, "{out}");
    fs::write(
        dir.path().join("catalint.yaml"),
        "rules:\n  agreement-type: off\n",
    )
    .unwrap();
    let (code, out, _) = stdout(
        catalint()
            .arg("check")
            .arg(dir.path())
            .args(["--fail-on", "warning"]),
    );
    assert_eq!(code, 0, "{out}");
    // --no-config ignores it.
    assert_eq!(
        stdout(catalint().arg("check").arg(dir.path()).args([
            "--no-config",
            "--fail-on",
            "warning"
        ]))
        .0,
        1
    );
}

#[test]
fn broken_config_is_reported_with_a_span_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("fixtures/rules/agreement-type/pass"), dir.path());
    fs::write(
        dir.path().join("catalint.yaml"),
        "rules:\n  agreement-typo: off\nfailon: warning\n",
    )
    .unwrap();
    let (code, out, err) = stdout(
        catalint()
            .arg("check")
            .arg(dir.path())
            .args(["--width", "100"]),
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("unknown field `failon` at the top level"),
        "{err}"
    );
    assert!(err.contains("did you mean `failOn`?"), "{err}");
    assert!(err.contains("catalint.yaml:3:1]"), "{err}");
}

#[test]
fn broken_policy_is_reported_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    fs::write(
        &policy,
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  priorities: [P1]\n  categories:\n    - {id: gold, requires: [availabilty]}\n  rules:\n    sla-defind: {severity: off}\n",
    )
    .unwrap();
    let (code, _, err) = stdout(
        catalint()
            .args(["check", "--no-config", "fixtures/catalogue", "--policy"])
            .arg(&policy),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("`spec.categories[0].requires[0]` must be one of `availability`"),
        "{err}"
    );
    assert_eq!(
        stdout(catalint().args(["check", "fixtures/catalogue", "--policy", "missing.yaml"])).0,
        2
    );
}

#[test]
fn human_output_wraps_to_columns_and_width_wins() {
    let args = [
        "check",
        "--no-config",
        "--color",
        "never",
        "fixtures/rules/single-category/fail",
    ];
    // Messages, labels and help wrap; file names and source lines are shown whole.
    let help_lines = |out: &str| {
        out.lines()
            .filter(|l| l.trim_start().starts_with("help:") || l.starts_with("        "))
            .count()
    };
    let (_, narrow, _) = stdout(catalint().env("COLUMNS", "60").args(args));
    let (_, wide, _) = stdout(
        catalint()
            .env("COLUMNS", "60")
            .args(args)
            .args(["--width", "200"]),
    );
    // Neither set and no terminal (a pipe, a CI log): 100.
    let (_, piped, _) = stdout(catalint().env_remove("COLUMNS").args(args));
    let (_, hundred, _) = stdout(catalint().args(args).args(["--width", "100"]));
    assert!(
        help_lines(&narrow) > help_lines(&piped),
        "{narrow}\n{piped}"
    );
    assert!(help_lines(&piped) > help_lines(&wide), "{piped}\n{wide}");
    assert_eq!(piped, hundred);
}

#[test]
fn rules_list_fits_80_columns() {
    let (code, out, _) = stdout(catalint().args(["rules"]));
    assert_eq!(code, 0);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    // Every summary is there in full, wrapped or not.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for r in catalint::rules::REGISTRY {
        assert!(words.contains(r.meta().summary), "{}", r.meta().id);
    }
}
