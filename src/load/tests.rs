use super::*;
use crate::source::SourceFile;
use serde_json::json;

fn load_str(text: &str) -> Loaded {
    load(FileId(0), text, &Limits::default())
}

/// The source text at the value span of `pointer` in document `doc`.
fn value_at<'a>(text: &'a str, loaded: &Loaded, doc: usize, pointer: &str) -> &'a str {
    let r = loaded.documents[doc]
        .spans()
        .resolve(pointer)
        .unwrap_or_else(|| panic!("no span for {pointer}"));
    &text[r.value]
}

fn key_at<'a>(text: &'a str, loaded: &Loaded, doc: usize, pointer: &str) -> &'a str {
    let r = loaded.documents[doc].spans().resolve(pointer).unwrap();
    &text[r.key.expect("a key span")]
}

fn rules(loaded: &Loaded) -> Vec<&str> {
    loaded.diagnostics.iter().map(|d| d.rule.as_ref()).collect()
}

#[test]
fn nested_maps_and_lists_have_key_and_value_spans() {
    let text = "a:\n  b: [1, {c: \"x y\"}]\n  d:\n    - e: 5\n      f: 'q'\n";
    let l = load_str(text);
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    assert_eq!(
        l.documents[0].value.root().to_value(),
        json!({"a": {"b": [1, {"c": "x y"}], "d": [{"e": 5, "f": "q"}]}})
    );
    assert_eq!(value_at(text, &l, 0, "/a/b/1/c"), "\"x y\"");
    assert_eq!(key_at(text, &l, 0, "/a/b/1/c"), "c");
    assert_eq!(value_at(text, &l, 0, "/a/b"), "[1, {c: \"x y\"}]");
    assert_eq!(value_at(text, &l, 0, "/a/d/0/f"), "'q'");
    assert_eq!(key_at(text, &l, 0, "/a/d"), "d");
    assert_eq!(value_at(text, &l, 0, "/a/d/0"), "e: 5\n      f: 'q'");
}

#[test]
fn missing_pointer_resolves_to_nearest_ancestor() {
    let text = "spec:\n  a: 1\n";
    let l = load_str(text);
    let r = l.documents[0].spans().resolve("/spec/category").unwrap();
    assert!(!r.exact);
    assert_eq!(&text[r.key.unwrap()], "spec");
}

#[test]
fn multi_document_files_keep_each_document() {
    let text = "a: 1\n---\nb: 2\n...\n---\nc: [3]\n";
    let l = load_str(text);
    assert_eq!(l.documents.len(), 3);
    assert_eq!(l.documents[2].value.root().to_value(), json!({"c": [3]}));
    assert_eq!(value_at(text, &l, 2, "/c/0"), "3");
    assert_eq!(l.documents[1].index, 1);
}

#[test]
fn syntax_error_keeps_documents_before_it() {
    let text = "a: 1\n---\nb: [1\nc: d\n";
    let l = load_str(text);
    assert_eq!(l.documents.len(), 1);
    assert_eq!(rules(&l), ["yaml-syntax"]);
    let f = SourceFile::new("x", text);
    let lc = f.line_col(l.diagnostics[0].primary.location.span.start);
    assert_eq!((lc.line, lc.column), (4, 2));
}

#[test]
fn duplicate_keys_are_findings_with_both_places_and_first_wins() {
    let text = "spec:\n  category: business\n  category: platform\n";
    let l = load_str(text);
    assert_eq!(rules(&l), ["duplicate-key"]);
    let d = &l.diagnostics[0];
    assert_eq!(
        d.primary.location.span.start,
        text.rfind("category").unwrap()
    );
    assert_eq!(
        d.related[0].location.span.start,
        text.find("category").unwrap()
    );
    assert_eq!(d.pointer.as_deref(), Some("/spec/category"));
    assert_eq!(
        l.documents[0].value.root().to_value(),
        json!({"spec": {"category": "business"}})
    );
    // The ignored value does not overwrite the spans of the kept one.
    assert_eq!(value_at(text, &l, 0, "/spec/category"), "business");
}

#[test]
fn aliases_resolve_and_point_at_use_site_with_anchor_written_at() {
    let text = "base: &b\n  x: 1\n  y: [2]\nuse: *b\n";
    let l = load_str(text);
    assert!(l.diagnostics.is_empty());
    assert_eq!(
        l.documents[0].value.root().to_value()["use"],
        json!({"x": 1, "y": [2]})
    );
    let r = l.documents[0].spans().resolve("/use/y/0").unwrap();
    assert_eq!(&text[r.value], "*b");
    assert_eq!(&text[r.written_at.unwrap()], "2");
    // Anchor properties are not part of the value's span.
    assert_eq!(value_at(text, &l, 0, "/base"), "x: 1\n  y: [2]");
}

#[test]
fn merge_keys_merge_without_overriding_explicit_keys() {
    let text = "defaults: &d\n  a: 1\n  b: 2\nitem:\n  <<: *d\n  b: 3\n";
    let l = load_str(text);
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    assert_eq!(
        l.documents[0].value.root().to_value()["item"],
        json!({"b": 3, "a": 1})
    );
    let r = l.documents[0].spans().resolve("/item/a").unwrap();
    assert_eq!(&text[r.value], "*d");
    assert_eq!(&text[r.key.unwrap()], "<<");
    assert_eq!(&text[r.written_at.unwrap()], "1");
    assert_eq!(value_at(text, &l, 0, "/item/b"), "3");
}

#[test]
fn merge_list_earlier_source_wins() {
    let text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n";
    let l = load_str(text);
    assert_eq!(
        l.documents[0].value.root().to_value()["c"],
        json!({"x": 1, "y": 2})
    );
}

#[test]
fn crlf_and_non_ascii_positions_are_exact() {
    let text = "name: Zoë Ünïcødé\r\nbad: [1\r\n";
    let l = load_str("name: Zoë Ünïcødé\r\nid: é\r\n");
    assert_eq!(
        value_at("name: Zoë Ünïcødé\r\nid: é\r\n", &l, 0, "/id"),
        "é"
    );
    let l = load_str(text);
    let f = SourceFile::new("x", text);
    let lc = f.line_col(l.diagnostics[0].primary.location.span.start);
    assert_eq!(lc.line, 3);
}

#[test]
fn non_ascii_before_offending_value() {
    let text = "description: «é» ✓\ncriticality: high\n";
    let l = load_str(text);
    assert_eq!(value_at(text, &l, 0, "/criticality"), "high");
    let f = SourceFile::new("x", text);
    let r = l.documents[0].spans().resolve("/criticality").unwrap();
    let lc = f.line_col(r.value.start);
    assert_eq!((lc.line, lc.column), (2, 14));
}

#[test]
fn bom_is_skipped_and_offsets_stay_true() {
    let text = "\u{feff}a: b\n";
    let l = load_str(text);
    assert_eq!(l.documents[0].value.root().to_value(), json!({"a": "b"}));
    assert_eq!(value_at(text, &l, 0, "/a"), "b");
}

#[test]
fn yaml11_traps_are_recorded_not_converted() {
    let text = "a: no\nb: 0777\nc: \"no\"\nd: 18:00\non: 1\n";
    let l = load_str(text);
    let v = &l.documents[0].value.root().to_value();
    assert_eq!(v["a"], json!("no"));
    assert_eq!(v["b"], json!(777));
    assert_eq!(v["d"], json!("18:00"));
    let amb: Vec<_> = l.documents[0]
        .ambiguous()
        .iter()
        .map(|a| (a.pointer.as_str(), a.yaml11.as_str(), a.is_key))
        .collect();
    assert_eq!(
        amb,
        [
            ("/a", "false", false),
            ("/b", "511", false),
            ("/d", "1080", false),
            ("/on", "true", true)
        ]
    );
}

#[test]
fn billion_laughs_is_a_limit_finding() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in 'b'..='j' {
        text.push_str(&format!(
            "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
        prev = name;
    }
    let l = load_str(&text);
    assert!(rules(&l).contains(&"yaml-limit"), "{:?}", rules(&l));
}

#[test]
fn deep_nesting_is_a_limit_finding_not_a_stack_overflow() {
    let flow = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert_eq!(rules(&load_str(&flow)), ["yaml-limit"]);
    let mut block = String::new();
    for depth in 0..5_000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("k:\n");
    }
    let l = load_str(&block);
    assert_eq!(rules(&l), ["yaml-limit"]);
    // The parser refuses very deep flow nesting on its own; a cut document is reported
    // once, as the limit it is, wherever the nesting starts.
    let huge = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(rules(&load_str(&huge)), ["yaml-limit"]);
    let inside = format!("a: 1\nb: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(rules(&load_str(&inside)), ["yaml-limit"]);
    let mapping = format!(
        "metadata: {}{}\n",
        "{a: ".repeat(100_000),
        "}".repeat(100_000)
    );
    assert_eq!(rules(&load_str(&mapping)), ["yaml-limit"]);
}

#[test]
fn non_string_keys_custom_tags_and_non_finite_numbers_are_findings() {
    let l = load_str("1: a\n");
    assert_eq!(rules(&l), ["yaml-unsupported"]);
    let l = load_str("a: !custom x\n");
    assert_eq!(rules(&l), ["yaml-unsupported"]);
    let l = load_str("a: .inf\n");
    assert_eq!(rules(&l), ["yaml-unsupported"]);
    let l = load_str("a: !!str 5\nb: !!int 7\n");
    assert!(l.diagnostics.is_empty());
    assert_eq!(
        l.documents[0].value.root().to_value(),
        json!({"a": "5", "b": 7})
    );
    let l = load_str("? [a]\n: b\n");
    assert_eq!(rules(&l), ["yaml-unsupported"]);
}

#[test]
fn anchored_and_aliased_keys_keep_their_values() {
    // A key's node is dropped from the tree unless an anchor or alias may use it again.
    let cases = [
        ("&a k: *a\n", json!({"k": "k"})),
        ("{&a k: 1, *a : 2}\n", json!({"k": 1})),
        (
            "x: &a k\ny: {*a : v, w: *a}\n",
            json!({"x": "k", "y": {"k": "v", "w": "k"}}),
        ),
        ("- &a k\n- {*a : [*a]}\n", json!(["k", {"k": ["k"]}])),
    ];
    for (text, want) in cases {
        for fast in [false, true] {
            let l = if fast {
                load_fast(FileId(0), &Arc::from(text), &Limits::default())
            } else {
                load_str(text)
            };
            assert_eq!(l.documents[0].value.root().to_value(), want, "{text:?}");
        }
    }
}

#[test]
fn a_mapping_with_many_keys_finds_duplicates_by_hashing() {
    let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k7: again\nk99: again\n");
    let l = load_str(&text);
    assert_eq!(rules(&l), ["duplicate-key", "duplicate-key"]);
    let v = l.documents[0].value.root().to_value();
    assert_eq!(v["k7"], json!(7));
    assert_eq!(v.as_object().map(|m| m.len()), Some(100));
}

#[test]
fn the_fast_pass_reads_the_same_values_with_strings_from_the_text() {
    let texts = [
        "\u{feff}a: é b\r\nc: 'q'\r\nd: \"x\\ty\"\n",
        "k: plain\nl: multi\n  line\nm: [x, 'y z']\n",
        "---\na: 1\n---\nb: ü — two\n...\n",
        "a: &x text\nb: *x\n\"q k\": v\n",
    ];
    for text in texts {
        let full = load_str(text);
        let fast = load_fast(FileId(0), &Arc::from(text), &Limits::default());
        let values = |l: &Loaded| -> Vec<serde_json::Value> {
            l.documents
                .iter()
                .map(|d| d.value.root().to_value())
                .collect()
        };
        assert_eq!(values(&fast), values(&full), "{text:?}");
    }
}

#[test]
fn a_tab_after_a_colon_separates_like_a_space() {
    // YAML 1.2 s-separate-in-line is spaces or tabs; saphyr-parser refuses the tab before a
    // plain scalar, and the loader reads it as the space YAML means.
    let text = "a:\tTeam A\nb:\t\tx # note: y\nc: \"q:\tr\"\nd: |\n  e:\tf\ng:\th\n";
    for l in [
        load_str(text),
        load_fast(FileId(0), &Arc::from(text), &Limits::default()),
    ] {
        assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
        assert_eq!(
            l.documents[0].value.root().to_value(),
            json!({"a": "Team A", "b": "x", "c": "q:\tr", "d": "e:\tf\n", "g": "h"})
        );
        assert_eq!(value_at(text, &l, 0, "/a"), "Team A");
        assert_eq!(value_at(text, &l, 0, "/g"), "h");
    }
    let file = SourceFile::new("t.yaml", text);
    let l = load_str(text);
    let span = l.documents[0].spans().resolve("/g").unwrap().value;
    let at = file.line_col(span.start);
    assert_eq!((at.line, at.column), (6, 4));
}

#[test]
fn tabs_that_yaml_refuses_stay_syntax_errors() {
    // From the YAML test suite, Y79Y/007 and Y79Y/009: a tab before a block collection.
    for text in [
        "? -\n:\t-\n",
        "? key:\n:\tkey:\n",
        "a:\t- b\n",
        "a:\tb: c\n",
    ] {
        assert_eq!(rules(&load_str(text)), ["yaml-syntax"], "{text:?}");
    }
}
