//! Paths as users type them and as every format shows them: bare file names, `..` detours,
//! one file reached by two spellings, files outside the catalogue, the config and policy
//! files themselves, and `catalint init`.

mod common;

use std::fs;
use std::path::Path;

use common::run;

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: platform-engineering, name: Platform}\nspec: {email: platform@example.org}\n";
/// A product whose team is missing: one `unresolved-reference`, at 9:9.
const BROKEN: &str = "apiVersion: catalogue/v1\nkind: Product\nmetadata: {id: portal, name: Portal}\nspec:\n  service: cloud-hosting\n  productType: digital\n  lifecycle: discovery\n  productOwner: jane@example.org\n  team: no-such-team\n";
const SERVICE: &str = include_str!("../fixtures/catalogue/services/cloud-hosting.yaml");

/// A repository as the pre-commit section of the README describes it: a catalogue under
/// `cat/`, a root `catalint.yaml` with `include`, and YAML files that are not catalogue
/// files (a workflow, `mkdocs.yml`).
fn repository(config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("cat/services")).unwrap();
    fs::create_dir_all(root.join("cat/teams")).unwrap();
    fs::create_dir_all(root.join(".github/workflows")).unwrap();
    fs::write(root.join("cat/teams/teams.yaml"), TEAM).unwrap();
    fs::write(root.join("cat/services/cloud-hosting.yaml"), SERVICE).unwrap();
    fs::write(
        root.join(".github/workflows/ci.yaml"),
        "on: push\njobs: {}\n",
    )
    .unwrap();
    fs::write(root.join("mkdocs.yml"), "site_name: docs\n").unwrap();
    fs::write(root.join("catalint.yaml"), config).unwrap();
    tmp
}

const INCLUDE: &str = "include: [\"cat/**\"]\n";

#[test]
fn bare_file_names_work_like_dot_slash_names() {
    let repo = repository(INCLUDE);
    let root = repo.path();
    // The config itself, named bare: not a catalogue file, skipped and counted.
    let (code, out, err) = run(root, &["check", "catalint.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "no problems in 0 files, 2 entities; 1 named file outside the catalogue skipped\n"
    );
    fs::copy(root.join("catalint.yaml"), root.join("cfg.yaml")).unwrap();
    let (code, out, err) = run(root, &["check", "--config", "cfg.yaml"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no problems in 2 files, 2 entities\n"),
        "{err}"
    );
    fs::write(root.join("p.yaml"), "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec: {extends: default}\n").unwrap();
    let (code, out, err) = run(root, &["check", "--policy", "p.yaml", "cat"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no problems in 2 files, 2 entities\n"),
        "{err}"
    );
    let (code, out, err) = run(root, &["check", "--write-baseline", "b.json", "cat"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(root, &["check", "--baseline", "b.json", "cat"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn named_files_outside_the_catalogue_are_skipped_not_linted() {
    let repo = repository(INCLUDE);
    let root = repo.path();
    let (code, out, err) = run(
        root,
        &[
            "check",
            ".github/workflows/ci.yaml",
            "mkdocs.yml",
            "cat/teams/teams.yaml",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "no problems in 1 file, 2 entities; 2 named files outside the catalogue skipped\n"
    );
    let (_, json, _) = run(root, &["check", "--format", "json", "mkdocs.yml"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["skipped"], 1, "{json}");
    assert_eq!(v["summary"]["files"], 0, "{json}");
}

#[test]
fn without_a_config_a_file_that_is_no_entity_is_still_a_finding() {
    let repo = repository(INCLUDE);
    let root = repo.path();
    let (code, out, _) = run(
        root,
        &["check", "--no-config", "--format", "short", "mkdocs.yml"],
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("mkdocs.yml:1:1: error[unknown-kind]"),
        "{out}"
    );
}

#[test]
fn every_format_shows_paths_relative_to_the_current_folder() {
    let repo = repository(INCLUDE);
    let root = repo.path();
    fs::write(root.join("cat/broken.yaml"), BROKEN).unwrap();
    let file = "cat/broken.yaml";
    // Named through a detour: reported as the one normalised path.
    let named = "cat/../cat/broken.yaml";
    let (code, short, _) = run(root, &["check", "--format", "short", named]);
    assert_eq!(code, 1);
    assert!(
        short.starts_with(&format!("{file}:9:9: error[unresolved-reference]")),
        "{short}"
    );
    let (_, json, _) = run(root, &["check", "--format", "json", named]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["diagnostics"][0]["file"], file, "{json}");
    let (_, sarif, _) = run(root, &["check", "--format", "sarif", named]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run0 = &v["runs"][0];
    let location = &run0["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], file, "{sarif}");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let (_, github, _) = run(root, &["check", "--format", "github", named]);
    assert!(
        github.contains(&format!("file={file},line=9,col=9")),
        "{github}"
    );
    let (_, junit, _) = run(root, &["check", "--format", "junit", named]);
    assert!(
        junit.contains(&format!("<testcase name=\"{file}\"")),
        "{junit}"
    );
    assert!(!junit.contains(&root.display().to_string()), "{junit}");
    let (_, human, _) = run(root, &["check", "--color", "never", named]);
    assert!(human.contains(&format!("[{file}:9:9]")), "{human}");
}

#[test]
fn a_file_named_absolutely_outside_the_current_folder_is_shown_absolutely() {
    let repo = repository(INCLUDE);
    let root = repo.path();
    fs::write(root.join("cat/broken.yaml"), BROKEN).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let absolute = root.join("cat/broken.yaml");
    let (code, short, _) = run(
        elsewhere.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "short",
            &absolute.display().to_string(),
            &root.join("cat").display().to_string(),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        short.starts_with(&format!("{}:9:9:", absolute.display())),
        "{short}"
    );
    let (_, sarif, _) = run(
        elsewhere.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            &absolute.display().to_string(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let uri = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uri"], format!("file://{}", absolute.display()));
    assert!(uri.get("uriBaseId").is_none());
}

#[test]
fn one_file_reached_by_two_spellings_is_read_once() {
    let repo = repository("exclude: []\n");
    let root = repo.path();
    for args in [
        ["check", "cat", "./cat"],
        ["check", "cat", "./cat/teams/teams.yaml"],
        ["check", "cat/teams", "cat/../cat/teams/teams.yaml"],
    ] {
        let (code, out, err) = run(root, &args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert!(out.starts_with("no problems in"), "{args:?}: {out}");
    }
}

#[test]
fn config_and_policy_inside_the_catalogue_folder_are_not_entities() {
    // The README's own layout: no `include`, the config and policy in the catalogue folder.
    let repo = repository("policy: policies/strict.yaml\n");
    let root = repo.path();
    fs::remove_file(root.join("catalint.yaml")).unwrap();
    fs::create_dir(root.join("cat/policies")).unwrap();
    fs::write(
        root.join("cat/policies/strict.yaml"),
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: strict, name: Strict}\nspec:\n  extends: default\n  rules: {agreement-type: {severity: error}}\n",
    )
    .unwrap();
    fs::write(
        root.join("cat/catalint.yaml"),
        "policy: policies/strict.yaml\n",
    )
    .unwrap();
    let (code, out, err) = run(root, &["check", "cat"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no problems in 2 files, 2 entities\n"),
        "{err}"
    );
}

#[test]
fn init_writes_a_config_that_covers_the_catalogue_and_never_overwrites() {
    let repo = repository(INCLUDE);
    let root = repo.path();
    fs::remove_file(root.join("catalint.yaml")).unwrap();
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::write(root.join("docs/other.yaml"), "nav: []\n").unwrap();
    fs::write(
        root.join("docs/team.yaml"),
        TEAM.replace("platform-engineering", "docs-team")
            .replace("platform@", "docs@"),
    )
    .unwrap();
    let (code, out, err) = run(root, &["init"]);
    assert_eq!(code, 0, "{out}{err}");
    let written = fs::read_to_string(root.join("catalint.yaml")).unwrap();
    assert!(
        out.contains("wrote catalint.yaml (3 catalogue files included)"),
        "{out}"
    );
    assert!(
        written.contains("include:\n  - \"cat/**\"\n  - docs/team.yaml\n"),
        "{written}"
    );
    // The written config: the whole catalogue checks clean, and files outside it are skipped.
    let (code, out, _) = run(root, &["check"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "no problems in 3 files, 3 entities\n")
    );
    let (code, out, _) = run(root, &["check", "mkdocs.yml", "docs/other.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("2 named files outside the catalogue skipped\n"),
        "{out}"
    );
    let (code, _, err) = run(root, &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("catalint.yaml exists already"), "{err}");
    assert_eq!(
        fs::read_to_string(root.join("catalint.yaml")).unwrap(),
        written
    );
}

#[test]
fn init_without_catalogue_files_says_what_one_looks_like() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mkdocs.yml"), "site_name: docs\n").unwrap();
    let (code, _, err) = run(tmp.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("no catalogue files under `.`"), "{err}");
    assert!(!Path::new(&tmp.path().join("catalint.yaml")).exists());
}
