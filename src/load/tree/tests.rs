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
