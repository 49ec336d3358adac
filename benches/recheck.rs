//! Re-check benchmark: the generated catalogue of the shape (20,850 files) opened once as a workspace,
//! then one file edited at a time (in memory, as an editor sends it), each edit followed by
//! the whole catalogue's findings brought up to date. Prints the time of the open and of
//! each kind of edit (median and worst of `RUNS`, default 30, and the mean CPU time of a
//! re-check, edits and undos alike).
//!
//! `cargo bench --bench recheck` generates the catalogue with the `gen-catalogue` example
//! into a temporary folder; `CATALOGUE=DIR` uses one already generated. Never part of
//! `cargo test`: a benchmark, not a timed test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use catalint::engine::{CheckOptions, ConfigChoice};
use catalint::workspace::{Change, Workspace};

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let generated;
    let dir: PathBuf = match std::env::var_os("CATALOGUE") {
        Some(d) => PathBuf::from(d),
        None => {
            generated = tempfile::tempdir().expect("a temporary folder");
            generate(generated.path());
            generated.path().to_path_buf()
        }
    };
    let opts = CheckOptions {
        paths: vec![dir.clone()],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    let start = Instant::now();
    let mut ws = Workspace::open(&opts).expect("the catalogue opens");
    let open = start.elapsed();
    println!(
        "open: {:.1} ms ({} files, {} entities, {} findings)",
        ms(open),
        ws.summary().files,
        ws.summary().entities,
        ws.diagnostics().len()
    );

    let file = dir.join("services/svc-5.yaml");
    let text = std::fs::read_to_string(&file).expect("the generated service");
    // Each edit is followed by its undo, so every run starts from the clean catalogue.
    let edits: [(&str, String); 4] = [
        (
            "a value (availability target)",
            text.replace("target: 99.65", "target: 99.6"),
        ),
        (
            "a broken reference (owner team)",
            text.replace("supportGroup: team-1", "supportGroup: team-x"),
        ),
        (
            "the entity's id (its dependants now dangle)",
            text.replace("id: svc-5", "id: svc-5b"),
        ),
        ("broken YAML", text.replace("spec:\n", "spec:\n  : [\n")),
    ];
    for (what, edited) in &edits {
        assert_ne!(
            edited, &text,
            "the edit `{what}` changes the generated file"
        );
        let mut times = Vec::with_capacity(runs * 2);
        let mut findings = 0;
        let cpu_before = cpu_time();
        for _ in 0..runs {
            for (t, count) in [(edited, true), (&text, false)] {
                let start = Instant::now();
                ws.apply([Change::Text {
                    path: file.clone(),
                    text: t.clone(),
                }])
                .expect("the edit applies");
                times.push(start.elapsed());
                if count {
                    findings = ws.diagnostics().len();
                }
            }
        }
        let cpu = cpu_time()
            .zip(cpu_before)
            .map(|(a, b)| ms(a - b) / times.len() as f64);
        times.sort();
        let stages: Vec<String> = ws
            .timings()
            .stages
            .iter()
            .map(|s| format!("{} {:.1}", s.name, ms(s.time)))
            .collect();
        println!("  last run's stages (ms): {}", stages.join(", "));
        println!(
            "edit {what}: median {:.1} ms, worst {:.1} ms, CPU {} per re-check ({findings} findings after the edit)",
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
            cpu.map_or("unknown".into(), |c| format!("{c:.1} ms")),
        );
    }
}

/// The process's CPU time so far (user and system, every thread), from `/proc/self/stat`:
/// under load a re-check's wall time measures the other sessions too.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) end with `)`.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel reports in clock ticks of 1/100 s (USER_HZ) on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
        .args(["--services", "20000", "--products", "840", "--teams", "10"])
        .args(["--seed", "1", "--out"])
        .arg(out)
        .status()
        .expect("cargo runs the generator");
    assert!(status.success(), "the generator failed");
}
