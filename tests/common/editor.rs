//! What the real-editor tests (tests/neovim.rs, tests/emacs.rs) share: the book's recipe as
//! written, and a copy of the example catalogue with one broken service and `catalint` on the
//! `PATH`, as a user has it.

use std::path::{Path, PathBuf};

/// A temporary home for an editor run; removed when dropped.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    /// The catalogue's top (no `catalint.yaml` in it, no `.git`).
    pub root: PathBuf,
    /// A `PATH` with this build's `catalint` first.
    pub path: String,
}

pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The example catalogue copied, `services/hr-self-service.yaml` edited by replacing `from`
/// with `to`, and `catalint` linked into a folder put first on the `PATH`.
pub fn sandbox(from: &str, to: &str) -> Sandbox {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("catalogue");
    super::copy_dir(&manifest().join("fixtures/catalogue"), &root);
    assert!(!root.join("catalint.yaml").exists());
    let service = root.join("services/hr-self-service.yaml");
    let text = std::fs::read_to_string(&service).unwrap();
    assert!(text.contains(from), "`{from}` in {}", service.display());
    std::fs::write(&service, text.replace(from, to)).unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_catalint"), bin.join("catalint")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Sandbox { tmp, root, path }
}

/// The first fenced block of `lang` after `heading` in the book's Editors page: the recipe a
/// user copies.
pub fn recipe(heading: &str, lang: &str) -> String {
    let page = std::fs::read_to_string(manifest().join("docs/src/editors.md")).unwrap();
    let at = page
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}` in docs/src/editors.md"));
    let rest = &page[at..];
    let fence = format!("```{lang}\n");
    let start = rest.find(&fence).expect("a code block") + fence.len();
    let len = rest[start..].find("```").expect("the block's end");
    rest[start..start + len].to_owned()
}

/// Asserts that an editor run passed: it exited 0 and its script printed `all checks passed`.
pub fn assert_passed(editor: &str, out: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("all checks passed"),
        "{editor}: {:?}\nstderr:\n{stderr}\nstdout:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}
