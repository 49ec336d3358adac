//! The reference fields of an entity, in one list: the places where one entity names
//! another (or, for a request's offering, an offering of its own service). Navigation,
//! rename and hover in the language server read them; each rule that checks a reference
//! keeps its own wording of what it wants.

use super::{EntityRef, Kind};
use crate::load::Node;

/// What a reference field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// An entity of this kind, by its `metadata.id`.
    Entity(Kind),
    /// An offering of the same service, by its `name`.
    Offering,
}

/// One reference written in an entity: where, what it names, and the value written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'c> {
    pub pointer: String,
    pub names: Names,
    pub value: &'c str,
}

/// The built-in reference fields of each kind (a list item's index as `*`).
pub const FIELDS: &[(Kind, &str, Names)] = &[
    (Kind::Service, "/spec/owner/team", Names::Entity(Kind::Team)),
    (
        Kind::Service,
        "/spec/supportGroup",
        Names::Entity(Kind::Team),
    ),
    (Kind::Service, "/spec/product", Names::Entity(Kind::Product)),
    (
        Kind::Service,
        "/spec/dependencies/*/service",
        Names::Entity(Kind::Service),
    ),
    (
        Kind::Service,
        "/spec/serviceLevels/requests/*/offering",
        Names::Offering,
    ),
    (Kind::Product, "/spec/service", Names::Entity(Kind::Service)),
    (Kind::Product, "/spec/team", Names::Entity(Kind::Team)),
];

impl<'c> EntityRef<'c> {
    /// The references this entity writes in its built-in reference fields, in field order.
    pub fn references(&self) -> Vec<Reference<'c>> {
        let mut out = Vec::new();
        for &(kind, field, names) in FIELDS {
            if kind != self.kind() {
                continue;
            }
            self.strings_at(field, names, &mut out);
        }
        out
    }

    /// The strings at `field` (a pointer whose `*` segment stands for every item of a list),
    /// or, where the field holds a list of strings, each of them.
    pub fn strings_at(&self, field: &str, names: Names, out: &mut Vec<Reference<'c>>) {
        match field.split_once("/*") {
            Some((list, rest)) => {
                let Some(items) = self.get(list).and_then(Node::as_array) else {
                    return;
                };
                for i in 0..items.len() {
                    self.strings_at(&format!("{list}/{i}{rest}"), names, out);
                }
            }
            None => match self.get(field) {
                Some(v) if v.is_string() => out.push(Reference {
                    pointer: field.to_owned(),
                    names,
                    value: v.as_str().unwrap_or_default(),
                }),
                Some(v) => {
                    for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                        if let Some(s) = item.as_str() {
                            out.push(Reference {
                                pointer: format!("{field}/{i}"),
                                names,
                                value: s,
                            });
                        }
                    }
                }
                None => {}
            },
        }
    }

    /// The pointer of the offering of this service named `name`, if it has one.
    pub fn offering(&self, name: &str) -> Option<String> {
        let items = self.get("/spec/offerings").and_then(Node::as_array)?;
        items
            .enumerate()
            .find(|(_, o)| o.get("name").and_then(Node::as_str) == Some(name))
            .map(|(i, _)| format!("/spec/offerings/{i}/name"))
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::Catalogue;
    use crate::source::{FileId, Files, SourceFile};

    fn catalogue(text: &str) -> Catalogue {
        let mut files = Files::new();
        files.add(SourceFile::new("a.yaml", text));
        let loaded = crate::load::load(FileId(0), text, &crate::load::Limits::default());
        let docs = loaded
            .documents
            .into_iter()
            .map(|doc| crate::catalogue::SourceDocument {
                file: FileId(0),
                doc,
            })
            .collect();
        Catalogue::build(files, docs, &crate::catalogue::Kinds::new(Vec::new())).0
    }

    #[test]
    fn a_service_lists_its_references_in_field_order() {
        let c = catalogue(
            "apiVersion: catalogue/v1\nkind: Service\nmetadata: {id: s}\nspec:\n  owner: {team: t}\n  \
             supportGroup: d\n  dependencies:\n    - {service: a}\n    - {service: b}\n  \
             serviceLevels:\n    requests: [{offering: O}]\n  offerings: [{name: O}]\n",
        );
        let e = c.get("s").unwrap();
        let refs: Vec<(String, &str)> = e
            .references()
            .into_iter()
            .map(|r| (r.pointer, r.value))
            .collect();
        assert_eq!(
            refs,
            [
                ("/spec/owner/team".to_owned(), "t"),
                ("/spec/supportGroup".to_owned(), "d"),
                ("/spec/dependencies/0/service".to_owned(), "a"),
                ("/spec/dependencies/1/service".to_owned(), "b"),
                ("/spec/serviceLevels/requests/0/offering".to_owned(), "O"),
            ]
        );
        assert_eq!(e.offering("O").as_deref(), Some("/spec/offerings/0/name"));
        assert_eq!(e.offering("P"), None);
    }
}
