//! Real git repositories for the diff tests, with fixed authors and dates so that commit
//! hashes (which the reports show) are the same on every run.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Bin;

use crate::common::copy_dir;

pub struct Repo {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs (CI installs it)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

impl Repo {
    /// A repository whose `main` holds the given fixture folders (copied to the same
    /// relative places) and files, committed.
    pub fn with(folders: &[(&str, &str)], files: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        for (from, to) in folders {
            copy_dir(&fixture(from), &root.join(to));
        }
        let repo = Repo { _dir: dir, root };
        for (path, text) in files {
            repo.write(path, text);
        }
        repo.git(&["init", "-q", "-b", "main"]);
        repo.commit("base");
        repo
    }

    /// The example catalogue at `catalogue/`.
    pub fn catalogue() -> Repo {
        Repo::with(&[("catalogue", "catalogue")], &[])
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.root, args)
    }

    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replaces `from` by `to` in a file; `from` must be there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// `catalint ARGS` in `dir` (relative to the top): exit code, stdout, stderr.
    pub fn catalint_in(&self, dir: &str, args: &[&str]) -> (i32, String, String) {
        run_catalint(&self.root.join(dir), args)
    }

    pub fn catalint(&self, args: &[&str]) -> (i32, String, String) {
        self.catalint_in("", args)
    }

    /// `catalint diff ARGS --format json`, parsed; the run must succeed (exit 0 or 1).
    pub fn diff_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let (code, out, err) = self.catalint(&all);
        assert!(code == 0 || code == 1, "exit {code}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }
}

pub fn run_catalint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Bin::cargo_bin("catalint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every change of an entity in a JSON diff, as (kind, class) pairs.
pub fn changes_of(diff: &serde_json::Value, id: &str) -> Vec<(String, String)> {
    diff["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == id)
        .flat_map(|e| e["changes"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["class"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The change of `kind` to entity `id`; panics with the whole diff when there is none.
pub fn change<'a>(diff: &'a serde_json::Value, id: &str, kind: &str) -> &'a serde_json::Value {
    diff["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == id)
        .flat_map(|e| e["changes"].as_array().unwrap().iter())
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} on {id} in {diff:#}"))
}
