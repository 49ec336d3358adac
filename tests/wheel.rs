//! The Python wheel, as a user gets it: maturin builds it from packaging/wheel/, pip installs
//! it into a fresh virtual environment, and the `catalint` command that pip put there checks
//! the example catalogue. Also: one version for Cargo, the wheel and the pre-commit package.

mod common;

use std::process::Command;

use common::python::{self, text};

#[test]
fn the_wheel_installs_in_a_fresh_venv_and_checks_the_example_catalogue() {
    let Some(wheel) = python::wheel() else { return };
    let version = python::cargo_version();
    let name = wheel
        .file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("catalint-{version}-py3-none-")),
        "the wheel's name carries Cargo's version {version}: {name}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bin = python::venv(&dir.path().join("venv"));
    let out = Command::new(bin.join("python"))
        .args(["-m", "pip", "install", "--no-index", "--no-deps", "--quiet"])
        .arg(&wheel.file)
        .env("PATH", python::path_without_rust())
        .env_remove("PIP_FIND_LINKS")
        .output()
        .unwrap();
    assert!(out.status.success(), "pip install:\n{}", text(&out));

    let exe = bin.join(if cfg!(windows) {
        "catalint.exe"
    } else {
        "catalint"
    });
    assert!(
        exe.is_file(),
        "pip put no catalint command in {}",
        bin.display()
    );
    let out = Command::new(&exe).arg("--version").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("catalint {version}")
    );

    let out = Command::new(&exe)
        .current_dir(python::root())
        .args(["check", "fixtures/catalogue"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no problems in 11 files, 16 entities\n"
    );

    // `pip show` reads the installed metadata: the version users see on PyPI.
    let out = Command::new(bin.join("python"))
        .args(["-m", "pip", "show", "catalint"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains(&format!("Version: {version}\n")),
        "{}",
        text(&out)
    );
}

/// The repository root (what pre-commit pip-installs) builds, from the standard library
/// alone, a metadata-only package that requires exactly Cargo's version of the wheel.
#[test]
fn the_root_package_requires_the_wheel_of_cargos_version() {
    let version = python::cargo_version();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .current_dir(python::root())
        .args([
            "-c",
            "import sys; sys.path.insert(0, 'packaging/pre-commit'); \
             import catalint_pre_commit as b; \
             print(b.build_wheel(sys.argv[1]))",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(
        name,
        format!("catalint_pre_commit-{version}-py3-none-any.whl")
    );
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
             print(z.read(sys.argv[2]).decode())",
        ])
        .arg(dir.path().join(&name))
        .arg(format!("catalint_pre_commit-{version}.dist-info/METADATA"))
        .output()
        .unwrap();
    let metadata = text(&out);
    assert!(
        metadata.contains(&format!("Requires-Dist: catalint=={version}\n")),
        "{metadata}"
    );

    // The root's pyproject.toml uses that backend, needs no build requirement to be fetched,
    // and the wheel's project takes its version from Cargo (no second place to bump).
    let root = std::fs::read_to_string(python::root().join("pyproject.toml")).unwrap();
    assert!(root.contains("requires = []"), "{root}");
    assert!(
        root.contains("build-backend = \"catalint_pre_commit\""),
        "{root}"
    );
    let wheel =
        std::fs::read_to_string(python::root().join("packaging/wheel/pyproject.toml")).unwrap();
    assert!(wheel.contains("dynamic = [\"version\"]"), "{wheel}");
    assert!(!wheel.lines().any(|l| l.starts_with("version")), "{wheel}");
}

/// `pipx run` and `uvx`, the one-off ways the README offers, run the wheel's command with no
/// package index: the wheel is the only source.
#[test]
fn pipx_run_and_uvx_run_the_wheels_command() {
    let Some(wheel) = python::wheel() else { return };
    let version = python::cargo_version();
    let home = tempfile::tempdir().unwrap();
    let runs: [(&str, Vec<std::ffi::OsString>); 2] = [
        (
            "pipx",
            vec![
                "run".into(),
                "--spec".into(),
                wheel.file.clone().into(),
                "catalint".into(),
            ],
        ),
        (
            "uvx",
            vec![
                "--offline".into(),
                "--no-config".into(),
                "--from".into(),
                wheel.file.clone().into(),
                "catalint".into(),
            ],
        ),
    ];
    for (tool, args) in runs {
        if Command::new(tool).arg("--version").output().is_err() {
            common::cannot_check(
                &format!("`{tool}` running the wheel"),
                "pip install pipx uv",
            );
            continue;
        }
        for (check, expected) in [
            (vec!["--version"], format!("catalint {version}\n")),
            (
                vec!["check", "fixtures/catalogue"],
                "no problems in 11 files, 16 entities\n".to_owned(),
            ),
        ] {
            let out = Command::new(tool)
                .current_dir(python::root())
                .args(&args)
                .args(&check)
                .env("PATH", python::path_without_rust())
                .env("PIP_NO_INDEX", "1")
                .env("PIPX_HOME", home.path().join("pipx"))
                .env("UV_CACHE_DIR", home.path().join("uv"))
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            assert!(out.status.success(), "{tool} {check:?}:\n{}", text(&out));
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected,
                "{tool} {check:?}"
            );
        }
    }
}
