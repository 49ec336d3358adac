//! The official YAML test suite (kept in `tests/corpora/yaml-test-suite/`): every case goes
//! through the loader and the whole check without a panic; invalid cases give `yaml-syntax`;
//! where the loader accepts a case, its value equals the suite's `in.json`.

use std::path::{Path, PathBuf};

use catalint::engine::{self, CheckOptions, ConfigChoice};
use catalint::load::{self, Limits};
use catalint::source::FileId;
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/yaml-test-suite")
}

/// Every case folder: those holding `in.yaml`, including numbered sub-cases.
fn cases(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "in.yaml") {
                out.push(dir.clone());
            }
        }
    }
    out.sort();
    out
}

/// JSON numbers compare by value (`1` and `1.0` are the same number to a JSON reader).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn every_case_loads_as_the_suite_says() {
    let root = corpus();
    let cases = cases(&root);
    assert!(
        cases.len() >= 400,
        "expected the 402 cases, found {}",
        cases.len()
    );
    let (mut invalid, mut compared, mut refused) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.strip_prefix(&root).unwrap().display().to_string();
        let bytes = std::fs::read(case.join("in.yaml")).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let loaded = load::load(FileId(0), &text, &Limits::default());
        // The fast pass (values only, strings pointing into the text) must read the same
        // values, or hand the file to the full pass.
        let fast = load::load_fast(FileId(0), &text.as_str().into(), &Limits::default());
        let values = |l: &load::Loaded| -> Vec<Value> {
            l.documents
                .iter()
                .map(|d| d.value.root().to_value())
                .collect()
        };
        if values(&fast) != values(&loaded) {
            failures.push(format!("{name}: the fast pass reads other values"));
        }
        let rules: Vec<&str> = loaded.diagnostics.iter().map(|d| d.rule.as_ref()).collect();
        if case.join("error").exists() {
            invalid += 1;
            if !rules.contains(&"yaml-syntax") {
                failures.push(format!("{name}: invalid YAML accepted ({rules:?})"));
            }
            continue;
        }
        if rules.contains(&"yaml-syntax") {
            failures.push(format!(
                "{name}: valid YAML refused: {}",
                loaded.diagnostics[0].message
            ));
            continue;
        }
        let Ok(expected_text) = std::fs::read_to_string(case.join("in.json")) else {
            continue;
        };
        if !loaded.diagnostics.is_empty() {
            // Non-string keys, custom tags, .inf: valid YAML that catalint reports and
            // does not turn into JSON; nothing to compare.
            refused.push(name);
            continue;
        }
        let expected: Vec<Value> = serde_json::Deserializer::from_str(&expected_text)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .unwrap();
        let got: Vec<Value> = loaded
            .documents
            .iter()
            .map(|d| d.value.root().to_value())
            .collect();
        compared += 1;
        if got.len() != expected.len() || !got.iter().zip(&expected).all(|(g, e)| same(g, e)) {
            failures.push(format!("{name}: loaded {got:?}, suite says {expected:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "yaml-test-suite: {} cases, {invalid} invalid refused, {compared} values equal to in.json, {} reported as unsupported",
        cases.len(),
        refused.len()
    );
    assert!(invalid >= 90 && compared >= 250, "too few cases exercised");
}

#[test]
fn every_case_goes_through_the_whole_check() {
    let root = corpus();
    let paths: Vec<PathBuf> = cases(&root)
        .into_iter()
        .map(|c| c.join("in.yaml"))
        .collect();
    let opts = CheckOptions {
        paths,
        config: ConfigChoice::None,
        ..CheckOptions::default()
    };
    let outcome = engine::check(&opts).expect("the check runs");
    let syntax = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == "yaml-syntax")
        .count();
    assert!(syntax >= 90, "{syntax} syntax findings");
    assert_eq!(outcome.summary.files, 402);
}
