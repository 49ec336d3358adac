//! The Backstage entity format (`catalog-info.yaml`), for the `backstage` profile: its
//! kinds and API versions, entities identified by kind, namespace and name (compared
//! case-insensitively), and the schemas written from Backstage's catalog-model (its
//! validator functions, entity policies and kind schemas: `schemas/backstage.schema.json`,
//! sources in `docs/src/backstage.md`). Beside the catalogue's own kinds
//! because the index identifies entities by it; its relations, which are rules, are in
//! `rules::backstage`.

pub mod reference;

use serde_json::{Value, json};

use crate::catalogue::Kind;
use crate::load::{Document, Node};

const SCHEMA: &str = include_str!("../../../schemas/backstage.schema.json");

/// `backstage.io` kinds with the versions Backstage reads them in.
const CORE_VERSIONS: &[&str] = &["backstage.io/v1alpha1", "backstage.io/v1beta1"];
const TEMPLATE_VERSIONS: &[&str] = &["scaffolder.backstage.io/v1beta3"];

/// The kinds of the format, in Backstage's documentation order.
pub const KIND_NAMES: [&str; 9] = [
    "Component",
    "API",
    "Resource",
    "System",
    "Domain",
    "Group",
    "User",
    "Location",
    "Template",
];

pub fn kinds() -> Vec<Kind> {
    KIND_NAMES.iter().map(|n| Kind::declared(n)).collect()
}

/// The `apiVersion`s a kind is written with.
pub fn api_versions(kind: Kind) -> &'static [&'static str] {
    if kind.as_str() == "Template" {
        TEMPLATE_VERSIONS
    } else {
        CORE_VERSIONS
    }
}

/// Every `apiVersion` of the format.
pub fn all_api_versions() -> impl Iterator<Item = &'static str> {
    CORE_VERSIONS.iter().chain(TEMPLATE_VERSIONS).copied()
}

/// A kind by the name a reference writes (`component`, `API`): case-insensitively.
pub fn kind_named(name: &str) -> Option<Kind> {
    KIND_NAMES
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(|k| Kind::declared(k))
}

/// The namespace of an entity: `metadata.namespace`, else `default`.
pub fn namespace_of<'a>(root: Node<'a>) -> &'a str {
    root.pointer("/metadata/namespace")
        .and_then(Node::as_str)
        .unwrap_or("default")
}

/// What identifies an entity: `kind:namespace/name`, in lower case. `None` without a name.
pub fn identity(kind: Kind, doc: &Document) -> Option<String> {
    let root = doc.value.root();
    let name = root.pointer("/metadata/name").and_then(Node::as_str)?;
    Some(
        reference::EntityName {
            kind: kind.as_str().to_owned(),
            namespace: namespace_of(root).to_owned(),
            name: name.to_owned(),
        }
        .canonical(),
    )
}

/// The schema of each kind: the envelope around the kind's `spec` definition, standing
/// alone (the shared definitions copied in).
pub fn schemas() -> Vec<(Kind, Value)> {
    let file: Value = serde_json::from_str(SCHEMA).unwrap_or(Value::Null);
    let defs = file.get("$defs").cloned().unwrap_or_else(|| json!({}));
    kinds()
        .into_iter()
        .map(|kind| {
            let name = kind.as_str();
            // Every kind's schema requires `spec` (Backstage's kind schemas: `required:
            // ["spec"]`), a Location's too, although none of its fields is required.
            let required = ["apiVersion", "kind", "metadata", "spec"];
            let schema = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": format!("https://catalint.dev/schemas/v1/backstage/{}.schema.json", name.to_lowercase()),
                "title": format!("catalint: Backstage kind {name}"),
                "type": "object",
                "required": required,
                "additionalProperties": false,
                "properties": {
                    "apiVersion": {"enum": api_versions(kind), "description": format!("the version of the {name} format: {}", api_versions(kind).join(" or "))},
                    "kind": {"const": name},
                    "metadata": {"$ref": "#/$defs/metadata"},
                    "spec": {"$ref": format!("#/$defs/{name}")},
                },
                "$defs": defs,
            });
            (kind, schema)
        })
        .collect()
}

#[cfg(test)]
mod tests;
