//! The book (`docs/`) says what the code does, because its reference pages are the code's own
//! output, compared here:
//!
//! - `docs/src/rules/<rule>.md`: what `catalint explain <rule>` prints, one page per rule of
//!   the registry, listed in `SUMMARY.md` and on the rules page;
//! - the rules table on `docs/src/rules/index.md`: `catalint rules --format markdown`;
//! - `docs/src/reference/config.md` and `policy.md`: rendered from `catalint schema Config`
//!   and `catalint schema Policy`, the schema included.
//!
//! `CATALINT_BLESS=1 cargo test --test book` writes them all; without it, a page that differs
//! from what the binary prints fails the test, naming that command.

#[path = "book/reference.rs"]
mod reference;

use std::path::{Path, PathBuf};

const REGENERATE: &str = "CATALINT_BLESS=1 cargo test --test book";

fn book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src")
}

fn bless() -> bool {
    std::env::var_os("CATALINT_BLESS").is_some_and(|v| v == "1")
}

/// The binary's output, as a user gets it (no config, so the built-in policy).
fn catalint(args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("catalint")
        .unwrap()
        .args(args)
        .arg("--no-config")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "catalint {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn rule_ids() -> Vec<String> {
    let list: serde_json::Value =
        serde_json::from_str(&catalint(&["rules", "--format", "json"])).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Replaces what lies between the line holding `<!-- NAME:start` and the line `<!-- NAME:end -->`.
fn splice(text: &str, name: &str, generated: &str, file: &str) -> String {
    let open = format!("<!-- {name}:start");
    let close = format!("<!-- {name}:end -->");
    let start = text
        .find(&open)
        .unwrap_or_else(|| panic!("{file}: no `{open}` marker"));
    let start = start + text[start..].find('\n').unwrap() + 1;
    let end = text[start..]
        .find(&close)
        .map(|e| start + e)
        .unwrap_or_else(|| panic!("{file}: no `{close}` marker after `{open}`"));
    // The end marker keeps its indentation.
    let end = text[..end].rfind('\n').map_or(end, |n| n + 1);
    format!("{}{generated}{}", &text[..start], &text[end..])
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(book().join(rel)).unwrap_or_default()
}

/// Compares each page with what it should be; with `CATALINT_BLESS=1`, writes it instead.
fn check_or_bless(pages: &[(String, String)]) {
    let mut stale = Vec::new();
    for (rel, want) in pages {
        let path = book().join(rel);
        let have = std::fs::read_to_string(&path).ok();
        if have.as_deref() == Some(want.as_str()) {
            continue;
        }
        if bless() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, want).unwrap();
        } else {
            stale.push(format!("docs/src/{rel}"));
        }
    }
    assert!(
        stale.is_empty(),
        "these pages of the book differ from what catalint prints: {}\nregenerate them with `{REGENERATE}`",
        stale.join(", ")
    );
}

#[test]
fn every_rule_has_its_page_as_explain_prints_it() {
    let ids = rule_ids();
    let mut pages: Vec<(String, String)> = ids
        .iter()
        .map(|id| (format!("rules/{id}.md"), catalint(&["explain", id])))
        .collect();

    let summary = read("SUMMARY.md");
    pages.push((
        "SUMMARY.md".to_owned(),
        splice(
            &summary,
            "rule-pages",
            &links(&ids, "rules/", "  "),
            "SUMMARY.md",
        ),
    ));
    check_or_bless(&pages);

    // A page of a rule that no longer exists goes (with CATALINT_BLESS=1, it is deleted).
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(book().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem != "index" && !ids.contains(&stem) {
            if bless() {
                std::fs::remove_file(&path).unwrap();
            } else {
                orphans.push(path.display().to_string());
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "pages of rules that are not in the registry: {}; `{REGENERATE}` removes them",
        orphans.join(", ")
    );
}

fn links(ids: &[String], prefix: &str, indent: &str) -> String {
    ids.iter()
        .map(|id| format!("{indent}- [{id}]({prefix}{id}.md)\n"))
        .collect()
}

/// The rules page: the table, and a link to each rule's page.
#[test]
fn rules_table_matches_the_registry() {
    let table = catalint(&["rules", "--format", "markdown"]);
    let index = read("rules/index.md");
    let index = splice(&index, "rules", &table, "rules/index.md");
    let index = splice(
        &index,
        "rule-pages",
        &links(&rule_ids(), "", ""),
        "rules/index.md",
    );
    check_or_bless(&[("rules/index.md".to_owned(), index)]);
}

#[test]
fn configuration_and_policy_references_are_the_schemas() {
    let config = catalint(&["schema", "Config"]);
    let policy = catalint(&["schema", "Policy"]);
    let pages = [
        (
            "reference/config.md",
            reference::Page {
                title: "Configuration reference",
                command: "catalint schema Config",
                intro: "Every key of `catalint.yaml` (or `.catalint.yaml`), from the schema that \
                        catalint checks the file against; an unknown key is an error with a \
                        \"did you mean\" (exit 2). How the file is found, and what its keys do \
                        together, is in [Configuration](../configuration.md).",
                schema_text: &config,
            },
        ),
        (
            "reference/policy.md",
            reference::Page {
                title: "Policy reference",
                command: "catalint schema Policy",
                intro: "Every key of a policy file, from the schema that catalint checks it \
                        against; a broken policy is reported with a span and exits 2. What a \
                        policy is for, with examples, is in [Policy](../policy.md). The JSON \
                        Schema fragments a policy holds (`appliesTo.where`, `require`, `fields`, \
                        a kind's `spec`) are JSON Schema draft 2020-12 themselves.",
                schema_text: &policy,
            },
        ),
    ];
    let pages: Vec<(String, String)> = pages
        .iter()
        .map(|(rel, page)| ((*rel).to_owned(), reference::render(page, REGENERATE)))
        .collect();
    check_or_bless(&pages);
}
