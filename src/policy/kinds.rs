//! A policy's kinds as data: the organisation's own kinds (`spec.kinds`), fields added to
//! any kind (`spec.fields`, merged by [`super::fields`]) and references between entities
//! (`spec.references`, and a declared kind's own `references`). Composed over the layers of
//! an `extends` chain into the kinds a catalogue may hold, one compiled schema per kind,
//! and the references `unresolved-reference` checks.
//!
//! ```yaml
//! spec:
//!   kinds:
//!     Supplier:
//!       description: A company the organisation buys from.
//!       spec: {properties: {contact: {$ref: "#/$defs/email"}}, required: [contact]}
//!   fields:
//!     Service: {properties: {spec: {properties: {supplier: {$ref: "#/$defs/id"}}}}}
//!   references:
//!     Service: [{path: /spec/supplier, kind: Supplier}]
//! ```

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::fields;
use super::file::Settings;
use super::references::{self, Reference, ReferenceDef};
use crate::catalogue::{API_VERSION, Format, Kind, Kinds};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::schema::Schemas;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindDef {
    #[serde(default)]
    description: Option<String>,
    spec: Value,
    #[serde(default)]
    references: Vec<ReferenceDef>,
}

/// What a policy's layers say about kinds, composed.
#[derive(Debug)]
pub struct Composed {
    pub kinds: Kinds,
    pub schemas: Schemas,
    pub references: Vec<Reference>,
}

/// One layer of the `extends` chain: its file and its three sections, as written.
pub struct LayerKinds<'a> {
    pub settings: &'a Settings,
    pub origin: &'a str,
    pub kinds: &'a Map<String, Value>,
    pub fields: &'a Map<String, Value>,
    pub references: &'a Map<String, Value>,
}

/// Findings on one layer, by the layer's index.
pub type LayerErrors = (usize, Vec<Diagnostic>);

/// A kind's schema while it is composed, with the last layer and place that shaped it
/// (where a compile error is reported).
type Shaping = (Kind, Value, Option<(usize, String)>);

fn error(at: crate::source::Location, message: String, label: &str, help: String) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostic::ids::SCHEMA,
        Severity::Error,
        message,
        Label::new(at, label),
    )
    .with_help(help)
}

pub(super) fn unknown_kind(kinds: &Kinds, name: &str) -> String {
    match crate::suggest::nearest(name, kinds.all().map(Kind::as_str)) {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("the kinds are {}", kinds.words("and")),
    }
}

/// Composes the layers in order: kinds first (so that any layer's fields and references
/// may name a kind declared anywhere in the chain), then fields, schemas and references.
pub fn compose(format: Format, layers: &[LayerKinds<'_>]) -> Result<Composed, LayerErrors> {
    // 1. Declared kinds.
    let mut declared: Vec<(Kind, usize, KindDef)> = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        let mut errors = Vec::new();
        for (name, raw) in layer.kinds {
            let at = crate::load::push_segment("/spec/kinds", name);
            // A declared kind has catalint's envelope (`metadata.id`), which a Backstage
            // catalogue does not use.
            if format == Format::Backstage {
                errors.push(error(
                    layer.settings.at_key(&at),
                    format!("a Backstage catalogue cannot declare kinds (`{name}`)"),
                    "not in a Backstage catalogue",
                    "Backstage's kinds are fixed; add fields to them under `fields:`".into(),
                ));
                continue;
            }
            let format_kind = match format {
                Format::Catalint => Kind::parse(name),
                Format::Backstage => crate::catalogue::backstage::kind_named(name),
            };
            if format_kind.is_some() {
                errors.push(error(
                    layer.settings.at_key(&at),
                    format!("`{name}` is a built-in kind"),
                    "already a kind",
                    format!(
                        "add fields to it under `fields: {{{name}: ...}}`, or choose another name"
                    ),
                ));
                continue;
            }
            if declared.iter().any(|(k, _, _)| k.as_str() == name) {
                errors.push(error(
                    layer.settings.at_key(&at),
                    format!("kind `{name}` is declared twice"),
                    "declared again here",
                    "keep one declaration; add fields to it under `fields:`".into(),
                ));
                continue;
            }
            match serde_json::from_value::<KindDef>(raw.clone()) {
                Ok(def) => declared.push((Kind::declared(name), li, def)),
                Err(e) => errors.push(error(
                    layer.settings.at(&at),
                    format!("invalid kind declaration: {e}"),
                    "here",
                    "see `catalint schema Policy`".into(),
                )),
            }
        }
        if !errors.is_empty() {
            return Err((li, errors));
        }
    }
    let own: Vec<Kind> = declared.iter().map(|(k, _, _)| *k).collect();
    let kinds = match format {
        Format::Catalint => Kinds::new(own),
        Format::Backstage => Kinds::of_format(
            format,
            crate::catalogue::backstage::kinds()
                .into_iter()
                .chain(own)
                .collect(),
        ),
    };

    // 2. Schemas: built-in or declared, then each layer's fields merged in. `touched` is the
    // last layer and place that shaped a kind's schema, where a compile error is reported.
    let mut schemas: Vec<Shaping> = match format {
        Format::Catalint => Kind::ALL
            .into_iter()
            .map(|k| (k, crate::schema::builtin(k), None))
            .collect(),
        Format::Backstage => crate::catalogue::backstage::schemas()
            .into_iter()
            .map(|(k, v)| (k, v, None))
            .collect(),
    };
    for (kind, li, def) in &declared {
        let at = format!(
            "{}/spec",
            crate::load::push_segment("/spec/kinds", kind.as_str())
        );
        schemas.push((
            *kind,
            envelope(*kind, def, layers[*li].origin),
            Some((*li, at)),
        ));
    }
    for (li, layer) in layers.iter().enumerate() {
        let mut errors = Vec::new();
        for (name, add) in layer.fields {
            let at = crate::load::push_segment("/spec/fields", name);
            let Some((_, schema, touched)) =
                schemas.iter_mut().find(|(k, _, _)| k.as_str() == name)
            else {
                errors.push(error(
                    layer.settings.at_key(&at),
                    format!("unknown kind `{name}`"),
                    "not a kind",
                    unknown_kind(&kinds, name),
                ));
                continue;
            };
            let root = schema.clone();
            for e in fields::merge(&root, schema, add, &at, "") {
                errors.push(error(
                    layer.settings.at_key(&e.pointer),
                    e.message,
                    e.label,
                    e.help,
                ));
            }
            *touched = Some((li, at));
        }
        if !errors.is_empty() {
            return Err((li, errors));
        }
    }
    let origins: Vec<(Kind, Option<(usize, String)>)> =
        schemas.iter().map(|(k, _, t)| (*k, t.clone())).collect();
    let compiled = Schemas::compile(schemas.into_iter().map(|(k, v, _)| (k, v))).map_err(|(kind, e)| {
        let (li, at) = origins
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, t)| t.clone())
            .unwrap_or((layers.len().saturating_sub(1), "/spec".into()));
        let d = error(
            layers[li].settings.at(&at),
            format!("the composed schema of {} is not a valid JSON Schema: {e}", kind.as_str()),
            "here",
            "fix the JSON Schema (draft 2020-12); `$ref: \"#/$defs/id\"` names catalint's shared definitions".into(),
        );
        (li, vec![d])
    })?;

    // 3. References, each checked against the composed schema of the kind that makes it.
    let mut references = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        let mut errors = Vec::new();
        let mut lists: Vec<(Kind, String, Vec<ReferenceDef>)> = Vec::new();
        for (kind, dli, def) in &declared {
            if *dli == li {
                let at = format!(
                    "{}/references",
                    crate::load::push_segment("/spec/kinds", kind.as_str())
                );
                lists.push((*kind, at, def.references.clone()));
            }
        }
        for (name, raw) in layer.references {
            let at = crate::load::push_segment("/spec/references", name);
            let Some(kind) = kinds.parse(name) else {
                errors.push(error(
                    layer.settings.at_key(&at),
                    format!("unknown kind `{name}`"),
                    "not a kind",
                    unknown_kind(&kinds, name),
                ));
                continue;
            };
            match serde_json::from_value::<Vec<ReferenceDef>>(raw.clone()) {
                Ok(defs) => lists.push((kind, at, defs)),
                Err(e) => errors.push(error(
                    layer.settings.at(&at),
                    format!("invalid references: {e}"),
                    "here",
                    "see `catalint schema Policy`".into(),
                )),
            }
        }
        for (from, at, defs) in lists {
            for (i, def) in defs.into_iter().enumerate() {
                let at = format!("{at}/{i}");
                match references::reference(&kinds, &compiled, from, def) {
                    Ok(r) => references.push(r),
                    Err((pointer, message, label, help)) => errors.push(error(
                        layer.settings.at(&format!("{at}{pointer}")),
                        message,
                        label,
                        help,
                    )),
                }
            }
        }
        if !errors.is_empty() {
            return Err((li, errors));
        }
    }
    let compiled = match format {
        Format::Catalint => compiled,
        Format::Backstage => {
            compiled.with_unknown_field_rule(crate::diagnostic::ids::UNKNOWN_FIELD)
        }
    };
    Ok(Composed {
        kinds,
        schemas: compiled,
        references,
    })
}

/// The whole schema of a declared kind: catalint's envelope around the policy's `spec`.
fn envelope(kind: Kind, def: &KindDef, origin: &str) -> Value {
    let mut spec = def.spec.clone();
    crate::schema::local_refs(&mut spec);
    if let Some(obj) = spec.as_object_mut() {
        obj.entry("type").or_insert_with(|| json!("object"));
    }
    fields::close(&mut spec);
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("catalint: kind {} (declared by the policy {origin})", kind.as_str()),
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": false,
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"const": kind.as_str()},
            "metadata": {"$ref": "common.schema.json#/$defs/metadata"},
            "spec": spec,
        },
    });
    if let (Some(d), Some(obj)) = (&def.description, schema.as_object_mut()) {
        obj.insert("description".into(), json!(d));
    }
    crate::schema::bundle(schema)
}
