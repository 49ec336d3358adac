//! The README stays true: its rules table is the registry's, and its two commands exist.

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

#[test]
fn rules_table_matches_the_registry() {
    let text = readme();
    let start = text.find("<!-- rules:start").expect("rules:start marker");
    let start = start + text[start..].find('\n').unwrap() + 1;
    let end = text.find("<!-- rules:end -->").expect("rules:end marker");
    let expected = catalint::cli::rules_table();
    assert_eq!(
        &text[start..end],
        expected,
        "README rules table is stale; replace it with `cargo run -- rules --format markdown`"
    );
}

#[test]
fn the_two_commands_are_documented() {
    let text = readme();
    assert!(text.contains("cargo run --release -- check fixtures/catalogue"));
    assert!(text.contains("cargo test"));
}
