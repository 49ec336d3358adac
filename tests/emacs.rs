//! The Emacs recipe of the book (docs/src/editors.md, "Emacs (eglot)"), read from the page and
//! written as the init file (`~/.emacs.d/init.el`) of an Emacs daemon, with `catalint` on the
//! `PATH` as a user has it. Emacs 28 with Debian's eglot 1.9 and yaml-mode, the issue
//! reporter's setup: the daemon runs its command loop, so eglot's and Flymake's timers fire as
//! for a user, and `tests/emacs/recipe.el` drives it in a copy of the example catalogue with no
//! catalint.yaml and no `.git` (eglot names `services/` as the root): the server starts and
//! finds the catalogue's top, the schema finding arrives through Flymake, `M-.` opens the
//! team's definition, and a misspelt reference typed in shows its finding and then clears.
//! `.ci/run` installs Emacs; without it the test fails under CI.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[test]
fn the_books_emacs_recipe_works_as_written() {
    let Ok(version) = Command::new("emacs").arg("--version").output() else {
        common::cannot_check(
            "Emacs with eglot as a language client",
            "install it: apt-get install emacs-nox elpa-eglot elpa-yaml-mode",
        );
        return;
    };
    assert!(version.status.success());
    let version = String::from_utf8_lossy(&version.stdout);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(manifest.join("docs/src/editors.md")).unwrap();
    let recipe = block_after(&page, "## Emacs (eglot)", "elisp");

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("catalogue");
    common::copy_dir(&manifest.join("fixtures/catalogue"), &root);
    assert!(!root.join("catalint.yaml").exists());
    let service = root.join("services/hr-self-service.yaml");
    let text = std::fs::read_to_string(&service).unwrap();
    std::fs::write(
        &service,
        text.replace("lifecycle: live", "lifecycle: alive"),
    )
    .unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(home.join(".emacs.d")).unwrap();
    std::fs::write(home.join(".emacs.d/init.el"), recipe).unwrap();
    let runtime = tmp.path().join("run");
    std::fs::create_dir_all(&runtime).unwrap();
    // `catalint` on the PATH, as the recipe calls it.
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_catalint"), bin.join("catalint")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let script = manifest.join("tests/emacs/recipe.el");
    let out = assert_cmd::Command::new("emacs")
        // A daemon, not --batch: batch Emacs skips the init file and package activation, and
        // runs no command loop, so no idle timer (eglot's change sync, Flymake) would fire.
        .arg(format!("--fg-daemon=catalint-test-{}", std::process::id()))
        .arg("-l")
        .arg(&script)
        .env("PATH", path)
        .env("CATALOGUE", &root)
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("EMACSLOADPATH")
        .current_dir(root.join("services"))
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("all checks passed"),
        "emacs ({}): {:?}\nstderr:\n{stderr}\nstdout:\n{}",
        version.lines().next().unwrap_or_default(),
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The first fenced block of `lang` after `heading` in a Markdown page.
fn block_after(page: &str, heading: &str, lang: &str) -> String {
    let at = page
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}` in docs/src/editors.md"));
    let rest = &page[at..];
    let fence = format!("```{lang}\n");
    let start = rest.find(&fence).expect("a code block") + fence.len();
    let len = rest[start..].find("```").expect("the block's end");
    rest[start..start + len].to_owned()
}
