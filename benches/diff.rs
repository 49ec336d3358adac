//! `catalint diff` against one `catalint check`, as whole processes: a generated catalogue of
//! 10,000 services and 2,000 products (the `gen-catalogue` example) committed to a new git
//! repository, then 50 service files changed in the working tree. Timed: `check` of the
//! working tree, `diff main` (BASE read from git's objects, HEAD the working tree) and
//! `diff main feature` (both sides from git). The target is a diff under twice one check.
//! `cargo bench --bench diff` (`RUNS=N`, default 5; the median is shown). Never part of
//! `cargo test`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.org")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.org")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

fn generate(out: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "--example",
            "gen-catalogue",
            "--",
        ])
        .args(["--services", "10000", "--products", "2000"])
        .args(["--seed", "1", "--out"])
        .arg(out)
        .status()
        .expect("cargo runs the generator");
    assert!(status.success(), "the generator failed");
}

/// The median of `runs` runs of `catalint ARGS` in `dir`, with its exit code.
fn time(dir: &Path, args: &[&str], runs: usize) -> (Duration, i32) {
    let bin = env!("CARGO_BIN_EXE_catalint");
    let mut times = Vec::new();
    let mut code = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(bin)
            .current_dir(dir)
            .args(args)
            .output()
            .expect("catalint runs");
        times.push(start.elapsed());
        code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 1,
            "catalint {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    times.sort();
    (times[times.len() / 2], code)
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let repo = dir.path();
    generate(&repo.join("catalogue"));
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    // 50 services change: a lower target, a slower P1 response.
    let services = repo.join("catalogue/services");
    let mut changed = 0;
    let mut i = 0;
    while changed < 50 && i < 10_000 {
        let path = services.join(format!("svc-{i}.yaml"));
        i += 1;
        let text = std::fs::read_to_string(&path).expect("a generated service");
        // Only services whose category promises availability; spread over the catalogue.
        let Some(at) = text.find("target: ") else {
            continue;
        };
        let at = at + "target: ".len();
        let end = at + text[at..].find(',').expect("a flow mapping");
        let new = format!("{}90{}", &text[..at], &text[end..]).replacen(
            "response: 15m",
            "response: 1h",
            1,
        );
        std::fs::write(&path, new).unwrap();
        changed += 1;
        i += 199;
    }
    assert_eq!(changed, 50);
    println!(
        "catalogue: 10,000 services, 2,000 products; 50 service files changed; median of {runs} runs"
    );
    let (check, _) = time(
        repo,
        &["check", "catalogue", "--fail-on", "never", "--quiet"],
        runs,
    );
    let (diff, _) = time(repo, &["diff", "main", "--format", "json"], runs);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    git(repo, &["commit", "-q", "-am", "50 changes"]);
    let (both, _) = time(repo, &["diff", "main", "feature", "--format", "json"], runs);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("check (working tree):          {:>8.0} ms", ms(check));
    println!(
        "diff main (git vs working tree): {:>6.0} ms  = {:.2}x check",
        ms(diff),
        ms(diff) / ms(check)
    );
    println!(
        "diff main feature (git, git):  {:>8.0} ms  = {:.2}x check",
        ms(both),
        ms(both) / ms(check)
    );
}
