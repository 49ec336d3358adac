//! Stage 4: JSON Schema validation. The schemas in `schemas/` are embedded in the binary,
//! bundled (the shared definitions copied in, so each kind's schema stands alone, also for
//! editors via `catalint schema`) and compiled once per run. Errors become `schema`
//! findings at the exact key or value, in plain words ([`errors`]).

mod ambiguity;
mod describe;
mod errors;
mod findings;
mod fixes;
mod instance;

use serde_json::{Map, Value};

use crate::catalogue::Kind;
pub use ambiguity::ambiguity;
pub use errors::{Issue, SchemaCheck, check_document, display_path, failed_pointers};
pub use instance::Arena;

const COMMON: &str = include_str!("../../schemas/common.schema.json");
const SERVICE: &str = include_str!("../../schemas/service.schema.json");
const PRODUCT: &str = include_str!("../../schemas/product.schema.json");
const TEAM: &str = include_str!("../../schemas/team.schema.json");
const POLICY: &str = include_str!("../../schemas/policy.schema.json");
const CONFIG: &str = include_str!("../../schemas/config.schema.json");

/// A schema and its compiled validator.
pub struct Compiled {
    pub schema: Value,
    pub validator: jsonschema::Validator<Arena>,
    /// The rule that reports a key the schema does not define: `schema`, or
    /// `unknown-field` (a warning) in a profile whose format leaves mappings open.
    pub unknown_field: &'static str,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled").finish_non_exhaustive()
    }
}

impl Compiled {
    /// Compiles a schema with remote references off: nothing is ever fetched.
    pub fn new(schema: Value) -> Result<Self, String> {
        let validator = jsonschema::options_for::<Arena>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            schema,
            validator,
            unknown_field: errors::RULE,
        })
    }
}

/// The compiled schema of every kind a policy knows: the built-in kinds (with the policy's
/// organisation fields merged in) and the policy's own kinds.
#[derive(Debug)]
pub struct Schemas {
    kinds: Vec<(Kind, Compiled)>,
}

impl Schemas {
    /// Compiles the embedded schemas of the built-in kinds. They are part of the binary, so
    /// a failure here is a bug in catalint, reported as an internal error (exit 2).
    pub fn new() -> Result<Self, String> {
        Self::compile(Kind::ALL.into_iter().map(|k| (k, builtin(k))))
            .map_err(|(k, e)| format!("the built-in schema of {}: {e}", k.as_str()))
    }

    /// Compiles composed schemas, one per kind; an error names the kind whose schema fails.
    pub fn compile(
        schemas: impl IntoIterator<Item = (Kind, Value)>,
    ) -> Result<Self, (Kind, String)> {
        let kinds = schemas
            .into_iter()
            .map(|(k, v)| Compiled::new(v).map(|c| (k, c)).map_err(|e| (k, e)))
            .collect::<Result<_, _>>()?;
        Ok(Self { kinds })
    }

    /// The schema of a kind; `None` for a kind these schemas were not composed for.
    pub fn get(&self, kind: Kind) -> Option<&Compiled> {
        self.kinds.iter().find(|(k, _)| *k == kind).map(|(_, c)| c)
    }

    /// Unknown keys become findings of `rule` (`unknown-field`) instead of `schema`'s.
    pub fn with_unknown_field_rule(mut self, rule: &'static str) -> Self {
        for (_, c) in &mut self.kinds {
            c.unknown_field = rule;
        }
        self
    }

    /// Every kind with its schema, built-in kinds first.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, &Compiled)> {
        self.kinds.iter().map(|(k, c)| (*k, c))
    }
}

/// One root cause, one finding: a missing field that a domain rule owns is that rule's
/// finding (`spec.category` -> `single-category`, `spec.serviceLevels` and its agreement ->
/// `sla-defined`, a product's `spec.service` -> `product-is-service`), and so is anything
/// wrong with a service's category.
pub fn owned_by_domain_rule(kind: Kind, issue: &Issue) -> bool {
    let p = issue.pointer.as_str();
    match kind {
        Kind::Service => {
            (p == "/spec" && matches!(issue.missing(), Some("category" | "serviceLevels")))
                || p == "/spec/category"
                || p.starts_with("/spec/category/")
                || (p == "/spec/serviceLevels" && issue.missing() == Some("agreement"))
        }
        // An empty `service:` is a missing service, `product-is-service`'s finding.
        Kind::Product => {
            (p == "/spec" && issue.missing() == Some("service"))
                || (p == "/spec/service" && issue.instance().is_null())
        }
        Kind::Team | Kind::Declared(_) => false,
    }
}

/// The names `catalint schema` accepts besides the policy's own kinds.
pub const SCHEMA_NAMES: [&str; 5] = ["Service", "Product", "Team", "Policy", "Config"];

/// A self-contained schema by name (`Service`, `Product`, `Team`, `Policy`, `Config`, any
/// case), the kinds' as `schemas` composes them.
pub fn by_name(name: &str, schemas: &Schemas) -> Option<Value> {
    match name.to_ascii_lowercase().as_str() {
        "policy" => return Some(bundle_text(POLICY)),
        "config" => return Some(bundle_text(CONFIG)),
        _ => {}
    }
    schemas
        .iter()
        .find(|(k, _)| k.as_str().eq_ignore_ascii_case(name))
        .map(|(_, c)| c.schema.clone())
}

/// One schema for any catalogue document, dispatching on `kind`: what an editor wants.
pub fn catalogue_schema(schemas: &Schemas) -> Value {
    let mut defs = Map::new();
    let mut branches = Vec::new();
    let mut names = Vec::new();
    for (kind, compiled) in schemas.iter() {
        let mut s = compiled.schema.clone();
        if let Some(obj) = s.as_object_mut() {
            if let Some(Value::Object(d)) = obj.remove("$defs") {
                defs.extend(d);
            }
            obj.remove("$schema");
            obj.remove("$id");
        }
        names.push(kind.as_str());
        branches.push(serde_json::json!({
            "if": {"properties": {"kind": {"const": kind.as_str()}}, "required": ["kind"]},
            "then": s,
        }));
    }
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://catalint.dev/schemas/v1/catalogue.schema.json",
        "title": format!("catalint: any catalogue document ({})", crate::catalogue::join_words(&names, "or", str::to_owned)),
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {"kind": {"enum": names}},
        "allOf": branches,
        "$defs": defs,
    })
}

/// The embedded schema of a built-in kind, bundled; an empty schema for a declared kind,
/// whose schema the policy composes ([`crate::policy::kinds`]).
pub fn builtin(kind: Kind) -> Value {
    match kind {
        Kind::Service => bundle_text(SERVICE),
        Kind::Product => bundle_text(PRODUCT),
        Kind::Team => bundle_text(TEAM),
        Kind::Declared(_) => Value::Object(Map::new()),
    }
}

/// A schema written against `common.schema.json` (a declared kind's envelope, a policy's
/// fields), made self-contained like the embedded ones.
pub fn bundle(mut schema: Value) -> Value {
    let common: Value = serde_json::from_str(COMMON).unwrap_or(Value::Null);
    rewrite_refs(&mut schema);
    if let (Some(obj), Some(Value::Object(shared))) = (schema.as_object_mut(), common.get("$defs"))
    {
        let defs = obj
            .entry("$defs")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(defs) = defs.as_object_mut() {
            for (k, v) in shared {
                defs.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    schema
}

/// Points `common.schema.json#/...` references at the bundled copies (`#/...`).
pub fn local_refs(v: &mut Value) {
    rewrite_refs(v);
}

/// Copies the shared definitions into a schema and points its references at the copies.
/// The embedded files are fixed at build time and tested, so parse failures cannot happen
/// at run time; an empty schema is returned rather than panicking all the same.
fn bundle_text(text: &str) -> Value {
    bundle(serde_json::from_str(text).unwrap_or(Value::Null))
}

fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "$ref"
                    && let Value::String(r) = child
                    && let Some(rest) = r.strip_prefix("common.schema.json")
                {
                    *r = rest.to_owned();
                } else {
                    rewrite_refs(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The compiled schema of policy files.
pub fn policy() -> Result<Compiled, String> {
    Compiled::new(bundle_text(POLICY))
}

/// The compiled schema of `catalint.yaml`.
pub fn config() -> Result<Compiled, String> {
    Compiled::new(bundle_text(CONFIG))
}

#[cfg(test)]
mod tests;
