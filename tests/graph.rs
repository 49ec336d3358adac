//! `catalint graph`: the golden catalogue in each format (snapshots), a neighbourhood, a
//! kind filter, the findings marked (a cycle's edges, a service promising more than its
//! hard dependencies allow), a Backstage catalogue's relations, and hostile names quoted.

mod common;

use std::path::Path;

fn graph(args: &[&str]) -> (i32, String, String) {
    common::run(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = graph(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

#[test]
fn mermaid() {
    insta::assert_snapshot!(ok(&["graph", "fixtures/catalogue", "--no-config"]));
}

#[test]
fn dot() {
    insta::assert_snapshot!(ok(&[
        "graph",
        "fixtures/catalogue",
        "--no-config",
        "--format",
        "dot"
    ]));
}

#[test]
fn json() {
    let text = ok(&["graph", "fixtures/catalogue", "--no-config", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["nodes"].as_array().unwrap().len(), 16);
    insta::assert_snapshot!(text);
}

#[test]
fn a_neighbourhood_and_a_kind() {
    let text = ok(&[
        "graph",
        "fixtures/catalogue",
        "--no-config",
        "-f",
        "json",
        "--focus",
        "database-platform",
        "--depth",
        "1",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "cloud-hosting",
            "database-platform",
            "payroll-application",
            "platform-engineering"
        ]
    );
    let text = ok(&[
        "graph",
        "fixtures/catalogue",
        "--no-config",
        "-f",
        "json",
        "--kind",
        "service",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] == "Service")
    );
    assert!(
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "hard" || e["kind"] == "soft")
    );
    insta::assert_snapshot!(
        "focus-depth-2",
        ok(&[
            "graph",
            "fixtures/catalogue",
            "--no-config",
            "--focus",
            "hr-portal",
            "--depth",
            "2",
            "--kind",
            "Service,Product"
        ])
    );
}

#[test]
fn an_unknown_focus_or_kind_is_an_error_with_a_suggestion() {
    let (code, _, err) = graph(&[
        "graph",
        "fixtures/catalogue",
        "--no-config",
        "--focus",
        "cloud-hostin",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `cloud-hosting`?"), "{err}");
    let (code, _, err) = graph(&[
        "graph",
        "fixtures/catalogue",
        "--no-config",
        "--kind",
        "Servce",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown kind `Servce`"), "{err}");
}

#[test]
fn findings_are_marked() {
    let text = ok(&[
        "graph",
        "fixtures/rules/dependency-cycle/fail",
        "--no-config",
        "-f",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cycle: Vec<(String, String)> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["cycle"] == true)
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(!cycle.is_empty(), "{text}");
    let mermaid = ok(&[
        "graph",
        "fixtures/rules/dependency-cycle/fail",
        "--no-config",
    ]);
    assert!(
        mermaid.contains("linkStyle") && mermaid.contains("class n"),
        "{mermaid}"
    );
    let text = ok(&[
        "graph",
        "fixtures/rules/availability-exceeds-dependencies/fail",
        "--no-config",
        "-f",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let app = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "app")
        .unwrap();
    assert_eq!(
        app["marks"],
        serde_json::json!(["availability-exceeds-dependencies"])
    );
    insta::assert_snapshot!(
        "cycle-dot",
        ok(&[
            "graph",
            "fixtures/rules/dependency-cycle/fail",
            "--no-config",
            "-f",
            "dot"
        ])
    );
}

#[test]
fn backstage_relations() {
    let text = ok(&[
        "graph",
        "fixtures/backstage/catalogue",
        "--no-config",
        "--policy",
        "backstage",
        "-f",
        "json",
    ]);
    insta::assert_snapshot!(text);
}

#[test]
fn names_from_yaml_cannot_break_out_of_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: \"x\\\"] --> evil[\\\"<script>|#;\\\\\"}\nspec: {email: t@example.org}\n",
    )
    .unwrap();
    let (_, mermaid, _) = common::run(dir.path(), &["graph", ".", "--no-config"]);
    let line = mermaid.lines().find(|l| l.contains("n0")).unwrap();
    let text = line.replace("<br/><small>", "").replace("</small>", "");
    assert!(!text.contains('<') && !text.contains('|'), "{line}");
    assert_eq!(line.matches('"').count(), 2, "{line}");
    let (_, dot, _) = common::run(dir.path(), &["graph", ".", "--no-config", "-f", "dot"]);
    let line = dot.lines().find(|l| l.contains("n0 [")).unwrap();
    assert!(
        line.contains("x\\\"] --> evil[\\\"<script>|#;\\\\"),
        "{line}"
    );
}
