use super::*;
use serde_json::json;

#[test]
fn slots_stay_small() {
    assert!(
        std::mem::size_of::<Slot>() <= 24,
        "{}",
        std::mem::size_of::<Slot>()
    );
}

#[test]
fn round_trips_json() {
    let v = json!({"a": [1, -2, 2.5, "x", null, true, {"b": {}}], "c~/d": []});
    let t = Tree::from_value(&v);
    assert_eq!(t.root().to_value(), v);
    assert_eq!(t.pointer("/a/3").and_then(Node::as_str), Some("x"));
    assert_eq!(t.pointer("/c~0~1d").map(Node::is_array), Some(true));
    assert!(t.pointer("/a/01").is_none());
    assert!(t.pointer("/a/9").is_none());
    assert!(t.pointer("a").is_none());
    assert_eq!(t.root().as_object().map(|m| m.len()), Some(2));
}

#[test]
fn equality_is_structural() {
    let a = Tree::from_value(&json!({"x": [1, {"y": "z"}], "w": 1}));
    let b = Tree::from_value(&json!({"w": 1, "x": [1, {"y": "z"}]}));
    let c = Tree::from_value(&json!({"w": 1, "x": [1, {"y": "q"}]}));
    assert_eq!(a.root(), b.root());
    assert_ne!(a.root(), c.root());
}

#[test]
fn a_shared_node_reads_the_same_from_both_places() {
    let mut b = TreeBuilder::default();
    let s = b.string("shared");
    let k1 = b.key("one");
    let k2 = b.key("two");
    let root = b.object(&[(k1, s), (k2, s)]);
    let t = b.finish(root);
    assert_eq!(
        t.root().to_value(),
        json!({"one": "shared", "two": "shared"})
    );
    assert_eq!(
        t.pointer("/one").map(Node::id),
        t.pointer("/two").map(Node::id)
    );
}

#[test]
fn keys_are_found_by_bytes_as_by_text() {
    // Keys of every length near each other, an empty key, non-ASCII keys, and keys held in
    // the file's text as well as copied: every lookup agrees with comparing the strings.
    let source: Arc<str> = Arc::from("id: x\nidé: y\n");
    let mut b = TreeBuilder::with_source(Arc::clone(&source));
    let v = b.string("v");
    let names = ["", "i", "id", "idé", "ide", "é", "ids"];
    let mut members: Vec<(KeyRef, NodeId)> = names.iter().map(|n| (b.key(n), v)).collect();
    // `id` and `idé` again, as strings pointing into the source.
    for span in [0..2, 6..10] {
        let s = b.string_at(&source[span.clone()], &span);
        members.push((b.take_string(s, false).expect("a string"), v));
    }
    let root = b.object(&members);
    let t = b.finish(root);
    let map = t.root().as_object().expect("a mapping");
    for probe in [
        "", "i", "id", "idé", "ide", "é", "ids", "idx", "d", "idéé", "x",
    ] {
        let by_text = map.iter().any(|(k, _)| k == probe);
        assert_eq!(map.get(probe).is_some(), by_text, "{probe:?}");
        let pointer = format!("/{}", probe.replace('~', "~0").replace('/', "~1"));
        assert_eq!(t.pointer(&pointer).is_some(), by_text, "{pointer:?}");
    }
}
