//! Every output format, produced from the same diagnostics of `fixtures/report/` (an error,
//! a warning, a related place in another file, a file name with a space, and a key that
//! tries to forge workflow commands and XML), pinned by snapshots and validated against the
//! public schemas kept in `tests/corpora/`.

use std::process::Command;

mod common;

use catalint::report::Format;

fn render(format: Format) -> String {
    common::render(&common::check_dir("fixtures/report"), format)
}

#[test]
fn human() {
    insta::assert_snapshot!(render(Format::Human));
}

#[test]
fn short() {
    insta::assert_snapshot!(render(Format::Short));
}

#[test]
fn json() {
    let text = render(Format::Json);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["summary"]["errors"], 2);
    insta::assert_snapshot!(text);
}

#[test]
fn github_annotations_cannot_be_forged() {
    let text = render(Format::Github);
    // One command per finding and a plain summary: the hostile key adds no line.
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 4);
    assert!(!text.contains('\u{1b}'));
    for c in &commands {
        let (props, _) = c[2..].split_once("::").unwrap();
        assert!(
            props.starts_with("error file=") || props.starts_with("warning file="),
            "{c}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let text = render(Format::Sarif);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let run = &doc["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        catalint::rules::REGISTRY.len()
    );
    let result = &run["results"][3];
    assert_eq!(result["ruleId"], "availability-exceeds-dependencies");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/report/web%20app.yaml"
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/report/db.yaml"
    );
    assert!(result["partialFingerprints"]["catalint/v1"].is_string());
    insta::assert_snapshot!(redacted_sarif(&doc));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::corpus("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The SARIF report without what changes for reasons of its own: the version, every rule's
/// documentation (pinned by `sarif_rules_carry_the_explain_text`) and the folder the test
/// ran in.
fn redacted_sarif(doc: &serde_json::Value) -> String {
    let mut doc = doc.clone();
    let run = &mut doc["runs"][0];
    run["tool"]["driver"]["version"] = "[version]".into();
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///[current folder]/".into();
    let rules = run["tool"]["driver"]["rules"].as_array_mut().unwrap();
    for rule in rules {
        let rule = rule.as_object_mut().unwrap();
        for docs in ["shortDescription", "fullDescription", "help"] {
            rule.remove(docs);
        }
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

#[test]
fn sarif_rules_carry_the_explain_text() {
    let doc: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .clone();
    let mut names = std::collections::HashSet::new();
    for (rule, meta) in rules
        .iter()
        .zip(catalint::rules::REGISTRY.iter().map(|r| r.meta()))
    {
        assert_eq!(rule["id"], meta.id);
        assert_eq!(rule["help"]["text"], meta.doc);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        let what = meta.doc.split("\n## ").next().unwrap();
        assert_eq!(
            rule["fullDescription"]["text"],
            what.trim_start_matches("## What it checks").trim(),
        );
        // SARIF's convention: a PascalCase name distinct from the id.
        let name = rule["name"].as_str().unwrap();
        assert!(name.chars().next().unwrap().is_ascii_uppercase() && !name.contains('-'));
        assert_ne!(name, meta.id);
        assert!(names.insert(name.to_owned()), "{name} twice");
    }
    assert_eq!(
        catalint::report::sarif::pascal_case("availability-exceeds-dependencies"),
        "AvailabilityExceedsDependencies"
    );
}

#[test]
fn sarif_fingerprints_are_unique_within_a_run() {
    // Two findings of one rule on one line (two unknown keys of a flow mapping), and two
    // alike in everything but the column (the same bad value twice on a line).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: T, x: 1, y: 1}\nspec: {email: t@example.org, members: [no-mail, no-mail]}\n",
    )
    .unwrap();
    let outcome = common::check_dir(&dir.path().display().to_string());
    assert!(outcome.diagnostics.len() >= 4, "{:?}", outcome.diagnostics);
    let doc: serde_json::Value =
        serde_json::from_str(&common::render(&outcome, Format::Sarif)).unwrap();
    let prints: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["catalint/v1"].as_str().unwrap())
        .collect();
    let unique: std::collections::HashSet<_> = prints.iter().collect();
    assert_eq!(unique.len(), prints.len(), "{prints:?}");
}

#[test]
fn junit_passes_files_whose_findings_are_below_fail_on() {
    // Warnings only: each file passes unless the run fails on warnings.
    let mut outcome = common::check_dir("fixtures/rules/agreement-type/fail");
    assert!(outcome.summary.warnings > 0 && outcome.summary.errors == 0);
    let failures = |o: &catalint::engine::Outcome| {
        let text = common::render(o, Format::Junit);
        let n = text.matches("<failure ").count();
        (text, n)
    };
    let (text, on_errors) = failures(&outcome);
    assert_eq!(on_errors, 0, "{text}");
    assert!(text.contains("<system-out>"), "{text}");
    assert!(text.contains("warning[agreement-type]"), "{text}");
    outcome.fail_on = catalint::settings::config::FailOn::Warning;
    let (text, on_warnings) = failures(&outcome);
    assert_eq!(on_warnings, outcome.summary.warnings, "{text}");
    assert!(text.contains("<system-out/>"), "{text}");
    outcome.fail_on = catalint::settings::config::FailOn::Never;
    assert_eq!(failures(&outcome).1, 0);
}

#[test]
fn junit_validates_against_the_junit_xsd() {
    let text = render(Format::Junit);
    insta::assert_snapshot!(text);
    let Ok(probe) = Command::new("xmllint").arg("--version").output() else {
        common::cannot_check(
            "the JUnit report was not validated against the XSD: xmllint is not installed",
            "apt-get install libxml2-utils; .ci/run installs it",
        );
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(common::corpus("junit/JUnit.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
