//! Every output format, produced from the same diagnostics of `fixtures/report/` (an error,
//! a warning, a related place in another file, a file name with a space, and a key that
//! tries to forge workflow commands and XML), pinned by snapshots and validated against the
//! public schemas in `../shared/corpora/`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use catalint::report::Format;

fn render(format: Format) -> String {
    common::render(&common::check_dir("fixtures/report"), format)
}

fn corpora() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent", dir.display());
        None
    }
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
    insta::assert_snapshot!(text);
    let Some(corpora) = corpora() else { return };
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(corpora.join("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn junit_validates_against_the_junit_xsd() {
    let text = render(Format::Junit);
    insta::assert_snapshot!(text);
    let Some(corpora) = corpora() else { return };
    let Ok(probe) = Command::new("xmllint").arg("--version").output() else {
        eprintln!("SKIPPED: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(corpora.join("junit/JUnit.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
