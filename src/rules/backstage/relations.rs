//! Backstage relations as Backstage resolves them: the fields that name other entities,
//! each with its default kind (none for `dependsOn`/`dependencyOf`) and the kinds it may
//! name; the default namespace is the referring entity's. `unresolved-reference` checks
//! them against the linted catalogue and the policy's `external` globs, and a Location's
//! relative targets against the files next to it.

use std::collections::HashMap;
use std::path::Path;

use crate::catalogue::backstage;
use crate::catalogue::backstage::reference::{self, EntityName};
use crate::catalogue::{EntityRef, Kind, clip};
use crate::diagnostic::{Diagnostic, Label};
use crate::load::{Node, View};
use crate::rules::Context;

/// A field of `spec` that names entities.
#[derive(Debug)]
pub struct Relation {
    pub field: &'static str,
    pub default_kind: Option<&'static str>,
    pub allowed: &'static [&'static str],
}

const fn rel(
    field: &'static str,
    default_kind: Option<&'static str>,
    allowed: &'static [&'static str],
) -> Relation {
    Relation {
        field,
        default_kind,
        allowed,
    }
}

const OWNER: Relation = rel("owner", Some("Group"), &["Group", "User"]);
const SYSTEM: Relation = rel("system", Some("System"), &["System"]);
const DEPENDS_ON: Relation = rel("dependsOn", None, &["Component", "Resource"]);
const DEPENDENCY_OF: Relation = rel("dependencyOf", None, &["Component", "Resource"]);

static COMPONENT: [Relation; 7] = [
    OWNER,
    SYSTEM,
    rel("subcomponentOf", Some("Component"), &["Component"]),
    rel("providesApis", Some("API"), &["API"]),
    rel("consumesApis", Some("API"), &["API"]),
    DEPENDS_ON,
    DEPENDENCY_OF,
];
static OWNED: [Relation; 2] = [OWNER, SYSTEM];
static RESOURCE: [Relation; 4] = [OWNER, SYSTEM, DEPENDS_ON, DEPENDENCY_OF];
static SYSTEM_KIND: [Relation; 2] = [OWNER, rel("domain", Some("Domain"), &["Domain"])];
static DOMAIN: [Relation; 2] = [OWNER, rel("subdomainOf", Some("Domain"), &["Domain"])];
static GROUP: [Relation; 3] = [
    rel("parent", Some("Group"), &["Group"]),
    rel("children", Some("Group"), &["Group"]),
    rel("members", Some("User"), &["User"]),
];
static USER: [Relation; 1] = [rel("memberOf", Some("Group"), &["Group"])];

/// The relations a kind's `spec` holds.
pub fn of_kind(kind: Kind) -> &'static [Relation] {
    match kind.as_str() {
        "Component" => &COMPONENT,
        "API" | "Template" => &OWNED,
        "Resource" => &RESOURCE,
        "System" => &SYSTEM_KIND,
        "Domain" => &DOMAIN,
        "Group" => &GROUP,
        "User" => &USER,
        _ => &[],
    }
}

/// The references of one relation in an entity: (pointer, reference as written).
pub fn written<'a>(e: EntityRef<'a>, relation: &Relation) -> Vec<(String, &'a str)> {
    let ptr = format!("/spec/{}", relation.field);
    match e.get(&ptr).map(Node::view) {
        Some(View::String(s)) => vec![(ptr, s)],
        Some(View::Array(items)) => items
            .enumerate()
            .filter_map(|(i, n)| Some((format!("{ptr}/{i}"), n.as_str()?)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The entities' names by kind and namespace (lower case), for "did you mean".
pub struct Names<'a> {
    by_place: HashMap<(Kind, String), crate::suggest::Index<'a>>,
    /// The first namespace that holds an entity of this kind and (lower-case) name: the
    /// suggestion for a reference that misses only the namespace.
    namespace_of: HashMap<(Kind, String), &'a str>,
}

impl<'a> Names<'a> {
    pub fn new(cx: &Context<'a>) -> Names<'a> {
        let mut lists: HashMap<(Kind, String), Vec<&'a str>> = HashMap::new();
        let mut namespace_of: HashMap<(Kind, String), &'a str> = HashMap::new();
        for e in cx.catalogue.iter() {
            let root = e.value();
            if let Some(name) = root.pointer("/metadata/name").and_then(Node::as_str) {
                let ns = backstage::namespace_of(root);
                lists
                    .entry((e.kind(), ns.to_lowercase()))
                    .or_default()
                    .push(name);
                namespace_of
                    .entry((e.kind(), name.to_lowercase()))
                    .or_insert(ns);
            }
        }
        let by_place = lists
            .into_iter()
            .map(|(k, mut names)| {
                names.sort_by_key(|n| n.chars().count());
                (k, crate::suggest::Index::new(names))
            })
            .collect();
        Names {
            by_place,
            namespace_of,
        }
    }

    /// The closest name in the reference's namespace, else the same name in another
    /// namespace: (namespace, name).
    fn nearest(&self, kind: Kind, namespace: &str, name: &str) -> Option<(String, String)> {
        let here = self
            .by_place
            .get(&(kind, namespace.to_lowercase()))
            .and_then(|index| index.nearest(name));
        match here {
            Some(n) => Some((namespace.to_owned(), n.to_owned())),
            None => {
                let ns = self.namespace_of.get(&(kind, name.to_lowercase()))?;
                Some(((*ns).to_owned(), name.to_owned()))
            }
        }
    }
}

fn finding(message: String, label: Label) -> Diagnostic {
    crate::rules::finding(&crate::rules::unresolved_reference::META, message, label)
}

/// Every relation of `e` names an entity of an allowed kind that is in the catalogue or
/// declared external; a Location's relative targets exist.
pub fn check(cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
    let root = e.value();
    let namespace = backstage::namespace_of(root);
    let me = root
        .pointer("/metadata/name")
        .and_then(Node::as_str)
        .unwrap_or("");
    for relation in of_kind(e.kind()) {
        for (ptr, written) in written(e, relation) {
            if cx.broke_schema(e, &ptr) {
                continue;
            }
            // An unparseable reference broke the schema (its pattern) and is reported there.
            let Ok(target) = reference::parse(written, relation.default_kind, namespace) else {
                continue;
            };
            let role = relation.field;
            let kind = backstage::kind_named(&target.kind);
            let Some(kind) = kind.filter(|k| relation.allowed.contains(&k.as_str())) else {
                let allowed = crate::catalogue::join_words(relation.allowed, "or", |k| {
                    crate::catalogue::with_article(k)
                });
                out.push(
                    finding(
                        format!(
                            "`{me}`'s `{role}` names `{}`, which is {}, not {allowed}",
                            clip(written, 60),
                            kind_words(&target.kind)
                        ),
                        Label::new(e.at_value(&ptr), format!("not {allowed}")),
                    )
                    .with_pointer(ptr)
                    .with_help(format!("`{role}` names {allowed}")),
                );
                continue;
            };
            let canonical = target.canonical();
            if cx.catalogue.get(&canonical).is_some() || cx.policy.is_external(&canonical) {
                continue;
            }
            out.push(missing(
                cx, e, &ptr, written, &target, kind, relation, me, namespace,
            ));
        }
    }
    if e.kind().as_str() == "Location" {
        locations(cx, e, out);
    }
}

/// "a System", or "an unknown kind `Service`".
fn kind_words(kind: &str) -> String {
    match backstage::kind_named(kind) {
        Some(k) => k.article().to_owned(),
        None => format!("of an unknown kind `{kind}`"),
    }
}

#[allow(clippy::too_many_arguments)]
fn missing(
    cx: &Context<'_>,
    e: EntityRef<'_>,
    ptr: &str,
    written: &str,
    target: &EntityName,
    kind: Kind,
    relation: &Relation,
    me: &str,
    namespace: &str,
) -> Diagnostic {
    let names = cx.backstage_names();
    let near = names
        .nearest(kind, &target.namespace, &target.name)
        .map(|(ns, name)| {
            let suggested = EntityName {
                kind: kind.as_str().to_owned(),
                namespace: ns,
                name,
            };
            reference::shortest(&suggested, relation.default_kind, namespace)
        });
    let canonical = target.canonical();
    let external = format!(
        "{}:{}/*",
        target.kind.to_lowercase(),
        target.namespace.to_lowercase()
    );
    let help = match near {
        Some(n) => format!(
            "did you mean `{n}`? otherwise add {} `{}`, or declare it outside the linted files: `external: [\"{external}\"]` in the policy",
            kind.article(),
            target.name
        ),
        None => format!(
            "add {} `{}` to the catalogue, or declare it outside the linted files: `external: [\"{external}\"]` in the policy",
            kind.article(),
            target.name
        ),
    };
    finding(
        format!(
            "`{me}`'s `{}` names `{}`, which is not in the catalogue",
            relation.field,
            clip(written, 60)
        ),
        Label::new(
            e.at_value(ptr),
            format!("no entity `{}`", clip(&canonical, 80)),
        ),
    )
    .with_pointer(ptr)
    .with_help(help)
}

/// A Location's relative `target`/`targets` name files next to it (URLs and globs are
/// left to Backstage).
fn locations(cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
    let file = &cx.catalogue.files.get(e.file()).path;
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let mut targets: Vec<(String, &str)> = Vec::new();
    if let Some(t) = e.str_at("/spec/target") {
        targets.push(("/spec/target".into(), t));
    }
    if let Some(items) = e.get("/spec/targets").and_then(Node::as_array) {
        targets.extend(
            items
                .enumerate()
                .filter_map(|(i, n)| Some((format!("/spec/targets/{i}"), n.as_str()?))),
        );
    }
    let shown_dir = match dir.to_string_lossy() {
        d if d.is_empty() => ".".to_owned(),
        d => d.into_owned(),
    };
    for (ptr, target) in targets {
        let remote = target.contains("://") || target.starts_with("mailto:");
        let glob = target.contains(['*', '?', '[', '{']);
        if remote || glob || cx.broke_schema(e, &ptr) || dir.join(target).exists() {
            continue;
        }
        out.push(
            finding(
                format!("the Location `{}` targets `{}`, which does not exist", e.str_at("/metadata/name").unwrap_or(""), clip(target, 80)),
                Label::new(e.at_value(&ptr), "no file at this path"),
            )
            .with_pointer(ptr)
            .with_help(format!(
                "a relative target is read from this file's folder (`{shown_dir}`); correct the path, or remove the target"
            )),
        );
    }
}
