//! The pre-commit hook with the real `pre-commit` tool (installed by `.ci/run`): in a
//! temporary git repository, a staged product references a service in an unstaged file
//! that has problems of its own. The hook understands the whole catalogue (the reference
//! resolves) and reports only the staged file.
//!
//! The hook is `id: catalint` (`language: python`) as users get it: pre-commit pip-installs
//! this repository's root, which requires the `catalint` wheel, and the only package source is
//! a folder holding the wheel that maturin just built (`PIP_NO_INDEX`, `PIP_FIND_LINKS`). No
//! cargo or rustc is on PATH while pre-commit runs, so the install cannot compile Rust.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::python;

/// Hosted pre-commit services stop an install after 60-120 s; the wheel makes it seconds.
const INSTALL_LIMIT: Duration = Duration::from_secs(30);

/// Runs the `catalint` hook through `pre-commit try-repo` on `files`, or on every file of the
/// repository when `files` is empty (`--all-files`), from a fresh pre-commit home, so each call
/// installs the hook anew: whether it passed, and what it printed.
fn pre_commit(repo: &Path, files: &[&str]) -> (bool, String) {
    let root = python::root();
    let wheel = python::wheel().expect("the wheel is built (checked by `can_run`)");
    let home = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = Command::new("pre-commit")
        .current_dir(repo)
        .args(["try-repo"])
        .arg(root)
        .arg("catalint")
        .args(if files.is_empty() {
            vec!["--all-files"]
        } else {
            std::iter::once("--files")
                .chain(files.iter().copied())
                .collect()
        })
        .env("PRE_COMMIT_HOME", home.path())
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", &wheel.dir)
        .env("PATH", python::path_without_rust())
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "catalint tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.org")
        .env("GIT_COMMITTER_NAME", "catalint tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.org")
        .output()
        .expect("pre-commit runs");
    let took = start.elapsed();
    let text = python::text(&out);
    assert!(
        !text.contains("An unexpected error") && !text.contains("CalledProcessError"),
        "pre-commit could not install the hook from the wheel:\n{text}"
    );
    assert!(
        took < INSTALL_LIMIT,
        "installing and running the hook took {took:?}, over {INSTALL_LIMIT:?}:\n{text}"
    );
    eprintln!(
        "pre-commit: hook installed from the wheel and run in {:.1} s",
        took.as_secs_f64()
    );
    (out.status.success(), text)
}

/// Whether this machine has what the test needs; under CI a missing piece fails it.
fn can_run() -> bool {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        common::cannot_check(
            "the pre-commit hook was not run: pre-commit is not installed",
            "pip install pre-commit; .ci/run installs it",
        );
        return false;
    }
    let root = python::root();
    for file in [
        ".pre-commit-hooks.yaml",
        "pyproject.toml",
        "packaging/pre-commit/catalint_pre_commit.py",
    ] {
        let tracked = Command::new("git")
            .current_dir(root)
            .args(["ls-files", "--error-unmatch", file])
            .output()
            .is_ok_and(|o| o.status.success());
        if !tracked {
            common::cannot_check(
                &format!(
                    "the pre-commit hook was not run: {file} is not committed, so pre-commit cannot see it"
                ),
                "git add it",
            );
            return false;
        }
    }
    python::wheel().is_some()
}

fn git(repo: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(repo)
        .args(args)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

/// A new, empty git repository in a temporary folder.
fn empty_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

#[test]
fn hook_reports_only_staged_files_but_understands_the_whole_catalogue() {
    if !can_run() {
        return;
    }
    let root = python::root();
    let dir = empty_repository();
    let repo = dir.path();
    let fixtures = root.join("fixtures/rules/product-is-service/pass");
    std::fs::create_dir_all(repo.join("services")).unwrap();
    std::fs::create_dir_all(repo.join("products")).unwrap();
    std::fs::copy(fixtures.join("teams.yaml"), repo.join("teams.yaml")).unwrap();
    std::fs::copy(
        fixtures.join("portal.yaml"),
        repo.join("products/portal.yaml"),
    )
    .unwrap();
    // The service the product names: unstaged, and broken in a way the hook must not report.
    let svc = std::fs::read_to_string(fixtures.join("svc.yaml"))
        .unwrap()
        .replace("criticality: 2", "criticality: 9");
    std::fs::write(repo.join("services/svc.yaml"), svc).unwrap();
    std::fs::write(repo.join("catalint.yaml"), "include: [\"**/*.yaml\"]\n").unwrap();
    git(repo, &["add", "products/portal.yaml", "catalint.yaml"]);

    let (ok, out) = pre_commit(repo, &["products/portal.yaml"]);
    assert!(
        ok,
        "the staged product is fine and its service resolves:\n{out}"
    );
    assert!(out.contains("catalint") && out.contains("Passed"), "{out}");

    let portal = repo.join("products/portal.yaml");
    let text = std::fs::read_to_string(&portal)
        .unwrap()
        .replace("service: svc", "service: svx");
    std::fs::write(&portal, text).unwrap();
    git(repo, &["add", "products/portal.yaml"]);
    let (ok, out) = pre_commit(repo, &["products/portal.yaml"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("product-is-service: product `portal` is delivered through `svx`"),
        "{out}"
    );
    assert!(out.contains("products/portal.yaml:7:12"), "{out}");
    assert!(
        !out.contains("criticality"),
        "the unstaged file's problems are not reported:\n{out}"
    );
}

/// The README's setup in a repository that also holds YAML files that are not catalogue
/// files: `--all-files` passes; a staged broken file fails with a relative path; staged
/// changes that break the catalogue elsewhere (a copy that repeats an id, an edit that
/// closes a cycle) fail although the finding's primary place is an unchanged file.
#[test]
fn hook_skips_what_is_not_catalogue_and_sees_what_a_staged_change_breaks() {
    if !can_run() {
        return;
    }
    let root = python::root();
    let dir = empty_repository();
    let repo = dir.path();
    let catalogue = root.join("fixtures/catalogue");
    for folder in ["products", "services", "teams"] {
        std::fs::create_dir_all(repo.join("catalogue").join(folder)).unwrap();
        for entry in std::fs::read_dir(catalogue.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let to = repo
                .join("catalogue")
                .join(folder)
                .join(path.file_name().unwrap());
            std::fs::copy(&path, to).unwrap();
        }
    }
    std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    std::fs::write(
        repo.join(".github/workflows/ci.yaml"),
        "on: push\njobs: {}\n",
    )
    .unwrap();
    std::fs::write(repo.join("mkdocs.yml"), "site_name: docs\n").unwrap();
    std::fs::write(repo.join("catalint.yaml"), "include: [\"catalogue/**\"]\n").unwrap();
    git(repo, &["add", "."]);
    let (ok, out) = pre_commit(repo, &[]);
    assert!(
        ok,
        "a clean catalogue with other YAML files beside it passes:\n{out}"
    );

    // A staged broken file: its finding, with the path relative to the repository.
    let svc = repo.join("catalogue/services/cloud-hosting.yaml");
    let original = std::fs::read_to_string(&svc).unwrap();
    std::fs::write(&svc, original.replace("criticality: 1", "criticality: 9")).unwrap();
    git(repo, &["add", "."]);
    let (ok, out) = pre_commit(
        repo,
        &["catalogue/services/cloud-hosting.yaml", "mkdocs.yml"],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("[catalogue/services/cloud-hosting.yaml:"),
        "{out}"
    );
    assert!(
        out.contains("1 named file outside the catalogue skipped"),
        "{out}"
    );
    std::fs::write(&svc, &original).unwrap();

    // A staged copy that repeats an id: the finding lands on the unchanged original.
    std::fs::copy(&svc, repo.join("catalogue/services/a-copy.yaml")).unwrap();
    git(repo, &["add", "."]);
    let (ok, out) = pre_commit(repo, &["catalogue/services/a-copy.yaml"]);
    assert!(!ok, "{out}");
    assert!(out.contains("unique-id"), "{out}");
    std::fs::remove_file(repo.join("catalogue/services/a-copy.yaml")).unwrap();

    // A staged edit that closes a cycle, reported on the member with the smallest id.
    let iam = repo.join("catalogue/services/identity-and-access.yaml");
    let text = std::fs::read_to_string(&iam).unwrap().replace(
        "    - {service: cloud-hosting, kind: hard}",
        "    - {service: cloud-hosting, kind: hard}\n    - {service: hr-self-service, kind: hard}",
    );
    std::fs::write(&iam, text).unwrap();
    git(repo, &["add", "."]);
    let (ok, out) = pre_commit(repo, &["catalogue/services/identity-and-access.yaml"]);
    assert!(!ok, "{out}");
    assert!(out.contains("dependency-cycle"), "{out}");
    assert!(
        out.contains("catalogue/services/hr-self-service.yaml"),
        "{out}"
    );
}
