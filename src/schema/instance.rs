//! Lets the `jsonschema` validators read a loaded document ([`Tree`]) in place, so no
//! `serde_json::Value` is built to validate a catalogue document.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node as JsonNode, NodeIdentity, Object};
use serde_json::{Number, Value};

use crate::load::{Items, Members, Node, Tree, View};

/// The [`Tree`] representation, as the validators see it.
pub struct Arena;

impl Json for Arena {
    type Node<'a> = Node<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = Tree;

    // A lookup scans a mapping's few keys; walking all of them once is as cheap as a few
    // lookups.
    const KEYS_PER_LOOKUP: usize = 4;
    // Aliases share nodes, but a node is never inside itself.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(buffer: &mut Tree, string: &str, f: impl FnOnce(Node<'_>) -> T) -> T {
        *buffer = Tree::string(string);
        f(buffer.root())
    }
}

impl<'a> JsonNode<'a, Arena> for Node<'a> {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = Number;

    fn as_object(&self) -> Option<Members<'a>> {
        Node::as_object(*self)
    }

    fn as_array(&self) -> Option<Items<'a>> {
        Node::as_array(*self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.as_str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<Number> {
        Node::as_number(*self)
    }

    fn as_boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn is_null(&self) -> bool {
        Node::is_null(*self)
    }

    fn json_type(&self) -> JsonType {
        match self.view() {
            View::Null => JsonType::Null,
            View::Bool(_) => JsonType::Boolean,
            View::Number(_) => JsonType::Number,
            View::String(_) => JsonType::String,
            View::Array(_) => JsonType::Array,
            View::Object(_) => JsonType::Object,
        }
    }

    fn string_length(&self) -> Option<u64> {
        self.as_str().map(|s| s.chars().count() as u64)
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let s = self.as_str()?;
        // A code point takes one to four bytes: most strings are decided without counting.
        let bytes = s.len() as u64;
        if bytes < min || bytes.div_ceil(4) > max {
            return Some(false);
        }
        if min <= bytes.div_ceil(4) && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(s.chars().count() as u64)))
    }

    /// `const` and `enum` (every category check) compare here: without building a value.
    fn equals_value(&self, expected: &Value) -> bool {
        equals(*self, expected)
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(Node::to_value(*self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::tagged(self.tree_address(), self.id()))
    }
}

fn equals(node: Node<'_>, expected: &Value) -> bool {
    match (node.view(), expected) {
        (View::String(a), Value::String(b)) => a == b,
        (View::Null, Value::Null) => true,
        (View::Bool(a), Value::Bool(b)) => a == *b,
        (View::Number(a), Value::Number(_)) => {
            jsonschema::json::cmp::equal(&Value::Number(a), expected)
        }
        (View::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.zip(b).all(|(x, y)| equals(x, y))
        }
        (View::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.into_iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| equals(v, w)))
        }
        _ => false,
    }
}

impl<'a> Object<'a, Arena> for Members<'a> {
    type Node = Node<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        Self::len(self)
    }

    fn get(&self, key: &Box<str>) -> Option<Node<'a>> {
        Members::get(self, key)
    }

    fn members(&self) -> Members<'a> {
        *self
    }
}

impl<'a> Array<'a, Arena> for Items<'a> {
    type Node = Node<'a>;
    type ElementsIter = Items<'a>;

    fn len(&self) -> usize {
        Self::len(self)
    }

    fn elements(&self) -> Items<'a> {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validator(schema: Value) -> jsonschema::Validator<Arena> {
        jsonschema::options_for::<Arena>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("test schema compiles")
    }

    #[test]
    fn meets_the_validators_accessor_contract() {
        let tree = Tree::from_value(&jsonschema::json::conformance::document());
        jsonschema::json::conformance::assert_conformance::<Arena>(&tree.root());
    }

    #[test]
    fn validates_in_place_like_serde_json() {
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": {"enum": ["x", 1, [1, {"b": null}]]},
                "n": {"type": "integer", "maximum": 5},
                "s": {"type": "string", "minLength": 2, "maxLength": 3},
                "l": {"type": "array", "uniqueItems": true},
            },
            "propertyNames": {"pattern": "^[a-z]$"},
            "additionalProperties": false,
        });
        let cases = [
            json!({"a": "x"}),
            json!({"a": 1.0}),
            json!({"a": [1, {"b": null}]}),
            json!({"a": "y"}),
            json!({"a": "x", "n": 6}),
            json!({"a": "x", "n": 2.5}),
            json!({"a": "x", "s": "é"}),
            json!({"a": "x", "s": "ééé"}),
            json!({"a": "x", "l": [1, 1.0]}),
            json!({"a": "x", "l": [1, 2]}),
            json!({"a": "x", "ZZ": 1}),
            json!({"b": "x"}),
        ];
        let ours = validator(schema.clone());
        let reference = jsonschema::validator_for(&schema).expect("compiles");
        for case in cases {
            let tree = Tree::from_value(&case);
            assert_eq!(
                ours.is_valid(tree.root()),
                reference.is_valid(&case),
                "{case}"
            );
            let a: Vec<String> = ours
                .iter_errors(tree.root())
                .map(|e| e.to_string())
                .collect();
            let b: Vec<String> = reference
                .iter_errors(&case)
                .map(|e| e.to_string())
                .collect();
            assert_eq!(a, b, "{case}");
        }
    }
}
