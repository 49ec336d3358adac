//! Findings on very long lines and very large values render in every format: no panic at
//! any column (miette's formatting is limited to columns below 65,536), the column in the
//! header exact, the snippet a window around the label and the underline bounded. Also:
//! related lists are bounded in text formats, and full in JSON.

mod common;

use catalint::report::Format;
use common::{check_dir, render};

const FORMATS: [Format; 6] = [
    Format::Human,
    Format::Short,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Junit,
];

/// A team whose flow-mapping `metadata` line holds about `size` bytes, with the unknown
/// key `bogus` at the start, the middle or the end of the line.
fn team(id: &str, at: &str, size: usize) -> String {
    let text = "x".repeat(size);
    let half = "y".repeat(size / 2);
    let metadata = match at {
        "start" => format!("{{bogus: 1, id: {id}, name: N, description: {text}}}"),
        "middle" => format!("{{id: {id}, name: {half}, bogus: 1, description: {half}}}"),
        _ => format!("{{id: {id}, name: N, description: {text}, bogus: 1}}"),
    };
    format!(
        "apiVersion: catalogue/v1\nkind: Team\nmetadata: {metadata}\nspec: {{email: {id}@example.org, chat: \"#{id}\", manager: m@example.org}}\n"
    )
}

fn long_lines_render(size: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for at in ["start", "middle", "end"] {
        let text = team(at, at, size);
        let line = text.lines().nth(2).unwrap();
        let column = line.find("bogus").unwrap() + 1; // ASCII: bytes are characters
        expected.push((format!("{at}.yaml"), column));
        std::fs::write(dir.path().join(format!("{at}.yaml")), text).unwrap();
    }
    let outcome = check_dir(dir.path().to_str().unwrap());
    let json: serde_json::Value = serde_json::from_str(&render(&outcome, Format::Json)).unwrap();
    for (file, column) in &expected {
        let found = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| {
                d["file"].as_str().unwrap().ends_with(file.as_str())
                    && d["message"].as_str().unwrap().contains("bogus")
            })
            .unwrap_or_else(|| panic!("no finding in {file}: {json}"));
        assert_eq!(found["line"], 3, "{file}");
        assert_eq!(found["column"], *column, "{file}");
    }
    for format in FORMATS {
        let out = render(&outcome, format);
        // No format copies the long line (SARIF carries every rule's documentation).
        assert!(
            out.len() < 256 * 1024 && !out.contains(&"x".repeat(200)),
            "{format:?}: {} bytes for three findings",
            out.len()
        );
        if format == Format::Human {
            for (file, column) in &expected {
                assert!(
                    out.contains(&format!("{file}:3:{column}]")),
                    "human header for {file} at column {column}:\n{out}"
                );
            }
            assert!(out.contains('…'), "the cut is marked:\n{out}");
            assert!(out.contains("bogus"), "the label's text is shown:\n{out}");
        }
    }
}

#[test]
fn one_megabyte_lines_render_in_every_format() {
    long_lines_render(1 << 20);
}

#[test]
fn sixty_four_megabyte_lines_render_in_every_format() {
    // 64 MB, just under the default file size limit of 64 MiB.
    long_lines_render(64_000_000);
}

#[test]
fn a_huge_value_is_underlined_from_its_start_only() {
    let dir = tempfile::tempdir().unwrap();
    // A 4 MB e-mail address that is not one: the label covers the whole value.
    let text = format!(
        "apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: t, name: T}}\nspec:\n  email: {}\n  chat: \"#t\"\n  manager: m@example.org\n",
        "x".repeat(4 << 20)
    );
    std::fs::write(dir.path().join("t.yaml"), text).unwrap();
    let outcome = check_dir(dir.path().to_str().unwrap());
    assert!(!outcome.diagnostics.is_empty());
    for format in FORMATS {
        let out = render(&outcome, format);
        assert!(
            out.len() < 256 * 1024 && !out.contains(&"x".repeat(200)),
            "{format:?}: {} bytes",
            out.len()
        );
    }
    let human = render(&outcome, Format::Human);
    let longest_underline = human
        .lines()
        .map(|l| l.chars().filter(|&c| c == '─').count())
        .max()
        .unwrap_or(0);
    assert!(longest_underline <= 100, "{longest_underline}:\n{human}");
    assert!(human.contains("t.yaml:5:10]"), "{human}");
}

/// A cycle of `n` services in one file: one finding with `n - 1` related places.
fn cycle(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let team = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: T}\nspec: {email: t@example.org, chat: \"#t\", manager: m@example.org}\n";
    std::fs::write(dir.path().join("teams.yaml"), team).unwrap();
    let docs: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "apiVersion: catalogue/v1\nkind: Service\nmetadata: {{id: svc-{i:03}, name: S}}\nspec:\n  category: application\n  facing: supporting\n  lifecycle: live\n  criticality: 3\n  owner: {{team: t, serviceOwner: o@example.org}}\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n  dependencies: [{{service: svc-{:03}, kind: hard}}]\n",
                (i + 1) % n
            )
        })
        .collect();
    std::fs::write(dir.path().join("services.yaml"), docs.join("---\n")).unwrap();
    dir
}

#[test]
fn related_places_are_bounded_in_text_formats_and_full_in_json() {
    let dir = cycle(30);
    let outcome = check_dir(dir.path().to_str().unwrap());
    let cycles: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == "dependency-cycle")
        .collect();
    assert_eq!(cycles.len(), 1);
    assert!(
        cycles[0]
            .message
            .contains("-> ... (20 more) -> svc-000 (a cycle of 30 services)"),
        "{}",
        cycles[0].message
    );
    let json: serde_json::Value = serde_json::from_str(&render(&outcome, Format::Json)).unwrap();
    let related = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "dependency-cycle")
        .unwrap()["related"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(related, 29, "JSON lists every related place");
    let sarif: serde_json::Value = serde_json::from_str(&render(&outcome, Format::Sarif)).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "dependency-cycle")
        .unwrap();
    assert_eq!(result["relatedLocations"].as_array().unwrap().len(), 10);
    let human = render(&outcome, Format::Human);
    assert!(human.contains("… and 19 more related places"), "{human}");
    assert_eq!(human.matches("needs `svc-").count(), 11, "{human}");
}
