//! The README stays true: its two quick-start commands are there, and it stays a first page
//! (the rest is the book, `docs/`, checked by `tests/book.rs`).

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

#[test]
fn the_two_commands_are_documented() {
    let text = readme();
    assert!(text.contains("cargo run --release -- check fixtures/catalogue"));
    assert!(text.contains("cargo test"));
}

#[test]
fn the_readme_stays_short() {
    let lines = readme().lines().count();
    assert!(
        lines < 250,
        "README.md has {lines} lines; it keeps what a newcomer needs first (under 250), \
         everything else goes into the book (docs/src/)"
    );
}
