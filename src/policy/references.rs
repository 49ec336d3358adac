//! References between entities, declared as data: a JSON pointer into the entity (`*` for
//! every item of a list) and the kinds the id there may name. Checked against the composed
//! schema of the kind that makes them when the policy is read, and resolved by
//! `unresolved-reference`.

use serde::Deserialize;
use serde_json::Value;

use super::kinds::unknown_kind;
use crate::catalogue::{Kind, Kinds};
use crate::load::{Node, View};
use crate::schema::Schemas;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReferenceDef {
    path: String,
    kind: OneOrMany,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn entries(&self) -> Vec<(Option<usize>, &str)> {
        match self {
            OneOrMany::One(s) => vec![(None, s.as_str())],
            OneOrMany::Many(v) => v
                .iter()
                .enumerate()
                .map(|(i, s)| (Some(i), s.as_str()))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    /// `*`: every item of a list.
    Each,
}

/// A reference an entity of kind `from` makes: the ids at `path` name entities of `kinds`.
#[derive(Debug, Clone)]
pub struct Reference {
    pub from: Kind,
    /// The JSON pointer as written, `*` standing for every item of a list.
    pub path: String,
    segments: Vec<Segment>,
    pub kinds: Vec<Kind>,
    /// What the reference is, for messages ("the supplier of `payroll`").
    pub role: String,
}

impl Reference {
    /// The ids this reference names in a document: each with its JSON pointer, in order.
    pub fn targets<'a>(&self, root: Node<'a>) -> Vec<(String, &'a str)> {
        let mut at: Vec<(String, Node<'a>)> = vec![(String::new(), root)];
        for seg in &self.segments {
            let mut next = Vec::new();
            for (pointer, node) in at {
                match seg {
                    Segment::Key(k) => {
                        if let Some(child) = node.get(k) {
                            next.push((crate::load::push_segment(&pointer, k), child));
                        }
                    }
                    Segment::Each => {
                        if let Some(items) = node.as_array() {
                            next.extend(
                                items
                                    .enumerate()
                                    .map(|(i, n)| (format!("{pointer}/{i}"), n)),
                            );
                        }
                    }
                }
            }
            at = next;
        }
        at.into_iter()
            .filter_map(|(p, n)| match n.view() {
                View::String(s) => Some((p, s)),
                _ => None,
            })
            .collect()
    }
}

/// The section `catalint explain unresolved-reference` adds for a policy's references.
pub fn explained(references: &[Reference], origin: &str) -> String {
    if references.is_empty() {
        return String::new();
    }
    let mut doc = format!("\n## References of the policy `{origin}`\n");
    for r in references {
        // "a **Supplier**", "an **Audit**".
        let kinds: Vec<String> = r
            .kinds
            .iter()
            .map(|k| {
                let article = k.article().split(' ').next().unwrap_or("a");
                format!("{article} **{}**", k.as_str())
            })
            .collect();
        let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
        doc.push_str(&format!(
            "- {}'s `{}` names {}\n",
            r.from.article(),
            r.path,
            crate::catalogue::join_words(&kinds, "or", str::to_owned)
        ));
    }
    doc
}

pub(super) type RefError = (String, String, &'static str, String);

pub(super) fn reference(
    kinds: &Kinds,
    schemas: &Schemas,
    from: Kind,
    def: ReferenceDef,
) -> Result<Reference, RefError> {
    let mut targets = Vec::new();
    for (i, name) in def.kind.entries() {
        let pointer = i.map_or_else(|| "/kind".to_owned(), |i| format!("/kind/{i}"));
        match kinds.parse(name) {
            Some(k) => targets.push(k),
            None => {
                return Err((
                    pointer,
                    format!("unknown kind `{name}`"),
                    "not a kind",
                    unknown_kind(kinds, name),
                ));
            }
        }
    }
    let segments: Vec<Segment> = def
        .path
        .split('/')
        .skip(1)
        .map(|s| match s {
            "*" => Segment::Each,
            s => Segment::Key(s.replace("~1", "/").replace("~0", "~")),
        })
        .collect();
    if !def.path.starts_with('/') || segments.is_empty() {
        return Err(("/path".into(), format!("`{}` is not a JSON pointer", def.path), "not a pointer", "write a pointer such as `/spec/supplier`, with `*` for every item of a list: `/spec/suppliers/*`".into()));
    }
    if let Some(schema) = schemas.get(from) {
        check_path(&schema.schema, &segments, from, &def.path)?;
    }
    let role = def.name.clone().unwrap_or_else(|| default_role(&segments));
    Ok(Reference {
        from,
        path: def.path,
        segments,
        kinds: targets,
        role,
    })
}

/// The last field's name; for a list of references, the singular of the list's name
/// (`suppliers/*` -> "supplier"), which `name:` overrides.
fn default_role(segments: &[Segment]) -> String {
    let each = segments.last() == Some(&Segment::Each);
    let key = segments.iter().rev().find_map(|s| match s {
        Segment::Key(k) => Some(k.as_str()),
        Segment::Each => None,
    });
    match key {
        Some(k) if each => k.strip_suffix('s').unwrap_or(k).to_owned(),
        Some(k) => k.to_owned(),
        None => "reference".into(),
    }
}

/// A reference's path names a field of its kind's schema: a typo in the policy is found
/// when the policy is read, not by no finding ever appearing.
fn check_path(root: &Value, segments: &[Segment], from: Kind, path: &str) -> Result<(), RefError> {
    let mut s = root;
    for (depth, seg) in segments.iter().enumerate() {
        for _ in 0..8 {
            match s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| root.pointer(p))
            {
                Some(t) => s = t,
                None => break,
            }
        }
        let next = match seg {
            Segment::Key(k) => match s.get("properties").and_then(Value::as_object) {
                Some(props) => match props.get(k) {
                    Some(n) => n,
                    None => {
                        let near = crate::suggest::nearest(k, props.keys().map(String::as_str));
                        let upto: Vec<String> = segments[..=depth]
                            .iter()
                            .map(|s| match s {
                                Segment::Key(k) => k.clone(),
                                Segment::Each => "*".into(),
                            })
                            .collect();
                        return Err((
                            "/path".into(),
                            format!("`/{}` is not a field of {}", upto.join("/"), from.as_str()),
                            "no such field",
                            match near {
                                Some(n) => format!(
                                    "did you mean `{n}`? the reference's field must be in the kind's schema (add it under `fields:`)"
                                ),
                                None => format!(
                                    "add the field to {}'s schema under `fields:` first",
                                    from.as_str()
                                ),
                            },
                        ));
                    }
                },
                // A schema that does not name its fields (`oneOf`, open mappings): trusted.
                None => return Ok(()),
            },
            Segment::Each => match s.get("items") {
                Some(items) => items,
                None if s
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t != "array") =>
                {
                    return Err((
                        "/path".into(),
                        format!(
                            "`*` in `{path}` stands for list items, but that field is not a list"
                        ),
                        "not a list",
                        "remove the `*`".into(),
                    ));
                }
                None => return Ok(()),
            },
        };
        s = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segments(path: &str) -> Vec<Segment> {
        path.split('/')
            .skip(1)
            .map(|s| {
                if s == "*" {
                    Segment::Each
                } else {
                    Segment::Key(s.into())
                }
            })
            .collect()
    }

    #[test]
    fn roles_default_to_the_field() {
        assert_eq!(default_role(&segments("/spec/supplier")), "supplier");
        assert_eq!(default_role(&segments("/spec/contracts/*")), "contract");
        assert_eq!(default_role(&segments("/spec/parties/*/org")), "org");
    }

    #[test]
    fn targets_expand_every_list_item() {
        let tree = crate::load::Tree::from_value(&json!({"spec": {"contracts": [
            {"id": "c-1"}, {"id": 7}, {"id": "c-3"}
        ], "owner": "a"}}));
        let r = Reference {
            from: Kind::Service,
            path: "/spec/contracts/*/id".into(),
            segments: segments("/spec/contracts/*/id"),
            kinds: vec![Kind::Team],
            role: "contract".into(),
        };
        assert_eq!(
            r.targets(tree.root()),
            [
                ("/spec/contracts/0/id".to_owned(), "c-1"),
                ("/spec/contracts/2/id".to_owned(), "c-3")
            ]
        );
    }

    #[test]
    fn paths_are_checked_against_the_schema() {
        let service = crate::schema::builtin(Kind::Service);
        assert!(check_path(&service, &segments("/spec/owner/team"), Kind::Service, "").is_ok());
        assert!(
            check_path(
                &service,
                &segments("/spec/dependencies/*/service"),
                Kind::Service,
                ""
            )
            .is_ok()
        );
        let e = check_path(&service, &segments("/spec/ownr/team"), Kind::Service, "").unwrap_err();
        assert_eq!(e.1, "`/spec/ownr` is not a field of Service");
        assert!(e.3.starts_with("did you mean `owner`?"), "{}", e.3);
        let e = check_path(
            &service,
            &segments("/spec/owner/*"),
            Kind::Service,
            "/spec/owner/*",
        )
        .unwrap_err();
        assert_eq!(e.2, "not a list");
    }
}
