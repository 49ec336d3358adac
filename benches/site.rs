//! Site benchmark: `catalint site` of a generated catalogue (10,000 services, 2,000
//! products, 500 teams) against one `check` of it, in process, each the median of five
//! runs: the whole check (discovery and reading included), then the check plus the pages
//! and writing them, rebuilding one folder and into a new folder each time. The site
//! should cost under three checks.
//!
//! `cargo bench --bench site` (`SERVICES=N` for another size, `CATALOGUE=DIR` for a
//! catalogue of your own). Never part of `cargo test`: a benchmark, not a timed test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use catalint::engine::{self, CheckOptions, ConfigChoice};
use catalint::site::{self, Input, html::Mode, output};

fn catalogue(tmp: &Path) -> PathBuf {
    if let Ok(dir) = std::env::var("CATALOGUE") {
        return PathBuf::from(dir);
    }
    let services: usize = std::env::var("SERVICES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let out = tmp.join("catalogue");
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
        .args(["--services", &services.to_string()])
        .args(["--products", &(services / 5).to_string()])
        .arg("--out")
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("cargo runs the generator");
    assert!(status.success(), "the generator failed");
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = catalogue(tmp.path());
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    let runs = 5;
    let mut check = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let outcome = engine::check(&opts).expect("the catalogue checks");
        check.push(t.elapsed());
        drop(outcome);
    }
    let mut whole = Vec::new();
    let mut pages_only = Vec::new();
    let mut files = 0;
    // `SITE_OUT=/dev/shm/site`: the same on a RAM disk, without the disk's share.
    let out = std::env::var("SITE_OUT").map_or_else(|_| tmp.path().join("site"), PathBuf::from);
    for _ in 0..runs {
        let t = Instant::now();
        let outcome = engine::check(&opts).expect("the catalogue checks");
        let checked = t.elapsed();
        let rules = catalint::rules::rulebook(&outcome.policy);
        let input = Input {
            catalogue: &outcome.catalogue,
            diagnostics: &outcome.diagnostics,
            policy: &outcome.policy,
            rules: &rules,
            summary: outcome.summary,
            title: "Service catalogue".into(),
            repository: None,
            repository_root: None,
        };
        let folder = output::Folder::open(&out, false).expect("the site's folder");
        site::build_each(&input, Mode::Folder, &|p| {
            folder.write(&p.path, p.text.as_bytes())
        })
        .expect("the site is written");
        files = folder.finish().expect("the site is written");
        let total = t.elapsed();
        whole.push(total);
        pages_only.push(total - checked);
        drop(outcome);
    }
    // Into a new folder each time: every file created (what a CI job on a fresh checkout
    // does), against rebuilding the same folder above (unchanged pages are not rewritten).
    let mut fresh = Vec::new();
    for i in 0..runs {
        let dir = out.with_file_name(format!("fresh-{i}"));
        let t = Instant::now();
        let outcome = engine::check(&opts).expect("the catalogue checks");
        let rules = catalint::rules::rulebook(&outcome.policy);
        let input = Input {
            catalogue: &outcome.catalogue,
            diagnostics: &outcome.diagnostics,
            policy: &outcome.policy,
            rules: &rules,
            summary: outcome.summary,
            title: "Service catalogue".into(),
            repository: None,
            repository_root: None,
        };
        let folder = output::Folder::open(&dir, false).expect("a new folder");
        site::build_each(&input, Mode::Folder, &|p| {
            folder.write(&p.path, p.text.as_bytes())
        })
        .expect("the site is written");
        folder.finish().expect("the site is written");
        fresh.push(t.elapsed());
        drop(outcome);
    }
    for i in 0..runs {
        let _ = std::fs::remove_dir_all(out.with_file_name(format!("fresh-{i}")));
    }
    let fresh = median(fresh);
    let (check, whole, pages) = (median(check), median(whole), median(pages_only));
    let index = std::fs::metadata(out.join("index.html")).map_or(0, |m| m.len());
    let map = std::fs::metadata(out.join("map.html")).map_or(0, |m| m.len());
    println!("catalogue:        {}", dir.display());
    println!("check:            {:>8.1} ms", check.as_secs_f64() * 1e3);
    println!(
        "site:             {:>8.1} ms  ({} files; pages and writing {:.1} ms)",
        whole.as_secs_f64() * 1e3,
        files,
        pages.as_secs_f64() * 1e3
    );
    println!(
        "site / check:     {:>8.2}x  (target: under 3x)",
        whole.as_secs_f64() / check.as_secs_f64()
    );
    println!(
        "new folder:       {:>8.1} ms  ({:.2}x a check)",
        fresh.as_secs_f64() * 1e3,
        fresh.as_secs_f64() / check.as_secs_f64()
    );
    println!("index.html:       {:>8.0} KB", index as f64 / 1024.0);
    println!("map.html:         {:>8.0} KB", map as f64 / 1024.0);
}
