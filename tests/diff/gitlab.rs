//! The book's GitLab CI job for `catalint diff`, run as written: its `script:` lines are read
//! from docs/src/reviewing-changes.md and run in a shell with the variables GitLab sets in a
//! merge-request pipeline, in a clone made as GitLab's runner makes it (`git init`, a remote,
//! a shallow fetch of the merge request's head, a detached checkout), so the doc cannot drift.

use std::path::Path;
use std::process::Command;

use crate::repo::git_in;

/// The `script:` lines of the book's GitLab job.
fn script_lines() -> Vec<String> {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/reviewing-changes.md"),
    )
    .unwrap();
    let section = &page[page.find("### GitLab CI").expect("the GitLab section")..];
    let block = &section[section.find("```yaml").unwrap()..];
    let block = &block[..block[3..].find("```").unwrap()];
    let mut lines = Vec::new();
    let mut inside = false;
    for line in block.lines() {
        if line == "  script:" {
            inside = true;
        } else if inside && line.starts_with("    - ") {
            lines.push(line["    - ".len()..].to_owned());
        } else if inside {
            break;
        }
    }
    assert!(
        lines.len() >= 2,
        "no script lines in the GitLab job: {block}"
    );
    lines
}

/// An origin whose `main` moved on after the merge request's branch `mr` forked: 30
/// commits before the fork, the merge request's 4 (one lowers a target), 25 after it on main.
fn origin(dir: &Path) -> String {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    crate::common::copy_dir(&crate::repo::fixture("catalogue"), &src.join("catalogue"));
    git_in(&src, &["init", "-q", "-b", "main"]);
    let commit = |m: &str| {
        git_in(&src, &["add", "-A"]);
        git_in(&src, &["commit", "-q", "-m", m]);
    };
    let append = |rel: &str, line: &str| {
        let p = src.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("{text}# {line}\n")).unwrap();
    };
    commit("base");
    for i in 0..30 {
        append("catalogue/teams/teams.yaml", &format!("main {i}"));
        commit(&format!("main {i}"));
    }
    let base = git_in(&src, &["rev-parse", "HEAD"]).trim().to_owned();
    git_in(&src, &["checkout", "-q", "-b", "mr"]);
    for i in 0..3 {
        append("catalogue/services/cloud-hosting.yaml", &format!("mr {i}"));
        commit(&format!("mr {i}"));
    }
    let db = src.join("catalogue/services/database-platform.yaml");
    let text = std::fs::read_to_string(&db).unwrap();
    std::fs::write(&db, text.replacen("target: 99.95", "target: 99.5", 1)).unwrap();
    commit("lower the database's target");
    git_in(&src, &["checkout", "-q", "main"]);
    for i in 0..25 {
        append("catalogue/teams/teams.yaml", &format!("later {i}"));
        commit(&format!("later {i}"));
    }
    git_in(dir, &["clone", "-q", "--bare", "src", "origin.git"]);
    base
}

/// The job's clone: GitLab's runner fetches the merge request's head `depth` deep.
fn job_clone(dir: &Path, depth: usize) -> std::path::PathBuf {
    let job = dir.join(format!("job-{depth}"));
    std::fs::create_dir_all(&job).unwrap();
    git_in(&job, &["init", "-q"]);
    let url = format!("file://{}", dir.join("origin.git").display());
    git_in(&job, &["remote", "add", "origin", &url]);
    git_in(
        &job,
        &[
            "fetch",
            "-q",
            &format!("--depth={depth}"),
            "origin",
            "+refs/heads/mr:refs/remotes/origin/mr",
        ],
    );
    git_in(&job, &["checkout", "-q", "--detach", "origin/mr"]);
    job
}

#[test]
fn the_books_gitlab_job_runs_in_shallow_clones() {
    let dir = tempfile::tempdir().unwrap();
    let base = origin(dir.path());
    let bin = Path::new(env!("CARGO_BIN_EXE_catalint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for depth in [20, 2] {
        let job = job_clone(dir.path(), depth);
        let has_base = |job: &Path| {
            Command::new("git")
                .current_dir(job)
                .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        assert_eq!(has_base(&job), depth == 20, "depth {depth}");
        // GitLab runs each line in one shell and stops at the first that fails.
        let script = format!("set -e\n{}\n", script_lines().join("\n"));
        let out = Command::new("bash")
            .current_dir(&job)
            .arg("-c")
            .arg(&script)
            .env("PATH", &path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("CI", "true")
            .env("GITLAB_CI", "true")
            .env("CI_PIPELINE_SOURCE", "merge_request_event")
            .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)
            .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
            .env("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "mr")
            .env("GIT_DEPTH", depth.to_string())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // `--fail-on weakened`: the lowered target fails the job, with the report written.
        assert_eq!(out.status.code(), Some(1), "depth {depth}: {err}");
        let report = std::fs::read_to_string(job.join("diff.md")).unwrap();
        assert!(
            report.starts_with(&format!("## catalint diff: {}", &base[..12])),
            "{report}"
        );
        assert!(report.contains("database-platform"), "{report}");
        // Only the merge request's changes: main's later commits are not shown reversed.
        assert!(!report.contains("later"), "{report}");
    }
}
