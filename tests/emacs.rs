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

use std::process::Command;
use std::time::Duration;

use common::editor;

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
    let sb = editor::sandbox("lifecycle: live", "lifecycle: alive");
    let (tmp, root) = (&sb.tmp, &sb.root);
    let home = tmp.path().join("home");
    std::fs::create_dir_all(home.join(".emacs.d")).unwrap();
    std::fs::write(
        home.join(".emacs.d/init.el"),
        editor::recipe("## Emacs (eglot)", "elisp"),
    )
    .unwrap();
    let runtime = tmp.path().join("run");
    std::fs::create_dir_all(&runtime).unwrap();

    let script = editor::manifest().join("tests/emacs/recipe.el");
    let out = assert_cmd::Command::new("emacs")
        // A daemon, not --batch: batch Emacs skips the init file and package activation, and
        // runs no command loop, so no idle timer (eglot's change sync, Flymake) would fire.
        .arg(format!("--fg-daemon=catalint-test-{}", std::process::id()))
        .arg("-l")
        .arg(&script)
        .env("PATH", &sb.path)
        .env("CATALOGUE", root)
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("EMACSLOADPATH")
        .current_dir(root.join("services"))
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    editor::assert_passed(
        &format!("emacs ({})", version.lines().next().unwrap_or_default()),
        &out,
    );
}
