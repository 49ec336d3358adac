//! The Python side of packaging, with the real tools: maturin builds the `catalint` wheel
//! (packaging/wheel/), `python3 -m venv` makes fresh environments, pip installs into them.
//! Used by tests/wheel.rs and tests/pre_commit.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::cannot_check;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built wheel and the folder that holds it and nothing else (a find-links folder).
pub struct Wheel {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub took: Duration,
}

/// Builds the wheel once per test process with maturin. It uses cargo's `dev` profile: the
/// test run has just built that binary, so cargo reuses it and the wheel takes seconds, not
/// the minutes of the `dist` profile that releases use (same packaging, other optimisation).
/// `None` when maturin is not installed (and not under CI, where that fails the test).
pub fn wheel() -> Option<&'static Wheel> {
    static WHEEL: OnceLock<Option<Wheel>> = OnceLock::new();
    WHEEL.get_or_init(build_wheel).as_ref()
}

fn build_wheel() -> Option<Wheel> {
    if Command::new("maturin").arg("--version").output().is_err() {
        cannot_check(
            "the wheel was not built: maturin is not installed",
            "pip install maturin; .ci/run installs it",
        );
        return None;
    }
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("wheel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let start = Instant::now();
    let out = Command::new("maturin")
        .current_dir(root().join("packaging/wheel"))
        .args(["build", "--locked", "--profile", "dev", "--out"])
        .arg(&dir)
        // A plain `linux_x86_64`-style tag: the manylinux audit is the release build's business.
        .args(["--compatibility", "linux"])
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("maturin runs");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "maturin build failed:\n{}",
        text(&out)
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel expected in {}", dir.display());
    let file = wheels.into_iter().next().unwrap();
    eprintln!(
        "wheel: {} built in {:.1} s",
        file.display(),
        took.as_secs_f64()
    );
    Some(Wheel { dir, file, took })
}

/// The target folder cargo uses for this test run, so maturin's cargo finds its build.
fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh virtual environment in `dir`; the folder of its executables.
pub fn venv(dir: &Path) -> PathBuf {
    let out = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "python3 -m venv:\n{}", text(&out));
    dir.join(if cfg!(windows) { "Scripts" } else { "bin" })
}

/// PATH without any folder that holds cargo or rustc: what runs with it cannot compile Rust.
pub fn path_without_rust() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|p| !p.join("cargo").exists() && !p.join("rustc").exists())
        .collect();
    std::env::join_paths(kept).unwrap()
}

/// stdout and stderr together, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Cargo.toml's `[package] version`.
pub fn cargo_version() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(v) = line.strip_prefix("version = ") {
            return v.trim_matches('"').to_owned();
        }
    }
    panic!("Cargo.toml has no [package] version");
}
