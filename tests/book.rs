//! The book (`docs/`) stays true to the code: its rules table is the registry's.

use std::path::Path;

fn page(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn rules_table_matches_the_registry() {
    let text = page("rules/index.md");
    let start = text.find("<!-- rules:start").expect("rules:start marker");
    let start = start + text[start..].find('\n').unwrap() + 1;
    let end = text.find("<!-- rules:end -->").expect("rules:end marker");
    let expected = catalint::cli::rules_table();
    assert_eq!(
        &text[start..end],
        expected,
        "docs/src/rules/index.md's rules table is stale; replace it with `cargo run -- rules --format markdown`"
    );
}
