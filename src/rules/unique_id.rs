//! `unique-id`: no two entities share an id, and no two offerings of a service share a name.

use std::collections::HashMap;

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind, clip};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::load::Node;

pub static META: RuleMeta = RuleMeta {
    id: "unique-id",
    default_severity: Severity::Error,
    stage: Stage::Catalogue,
    summary: "no two entities share an id, whatever their kind; no service repeats an offering name",
    doc: r#"## What it checks
That every `metadata.id` is used once in the whole catalogue, across services, products and
teams, and that the names of a service's `spec.offerings` are unique within it (requests
name offerings by name). Each repeat is reported at the later place (files in path order,
then position), with the first place as a related location.

## Why it matters
Everything refers to entities by id: products to services, services to teams and to their
dependencies. Two entities with one id make every reference to it ambiguous, and which one a
tool picks depends on the order it reads files in.

## Example
```yaml
# services/payroll.yaml
metadata: {id: payroll, name: Payroll}
---
# products/payroll.yaml
metadata: {id: payroll, name: Payroll app}
```

Instead:

```yaml
metadata: {id: payroll, name: Payroll}
---
metadata: {id: payroll-app, name: Payroll app}
```

Offerings too:

```yaml
spec:
  offerings:
    - name: new-starter
    - name: new-starter      # a second offering of the same name
```

## How to fix
Rename one of them, and update the references that meant it (for an offering, the
`serviceLevels.requests` entries that name it).

Not fixed automatically: which of the two to rename is a person's choice.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct UniqueId;

impl Rule for UniqueId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (id, entities) in cx.catalogue.duplicate_ids() {
            repeats(cx, id, entities, out);
        }
        if cx.policy.kinds.format() == crate::catalogue::Format::Backstage {
            return;
        }
        for e in cx.catalogue.iter() {
            if e.kind() == Kind::Service {
                offerings(cx, e, out);
            }
        }
    }
}

/// The incremental form, for an id a change touched: its repeats, read from the index.
pub fn repeats_of(cx: &Context<'_>, id: &str, out: &mut Vec<Diagnostic>) {
    let entities: Vec<usize> = cx.catalogue.by_id(id).map(|e| e.index).collect();
    if entities.len() > 1 {
        repeats(cx, id, &entities, out);
    }
}

/// Each entity of `entities` after the first (they share `id`, in file order).
fn repeats(cx: &Context<'_>, id: &str, entities: &[usize], out: &mut Vec<Diagnostic>) {
    if cx.policy.kinds.format() == crate::catalogue::Format::Backstage {
        return backstage(cx, id, entities, out);
    }
    let ptr = "/metadata/id";
    let first = cx.catalogue.entity(entities[0]);
    for &later in &entities[1..] {
        let e = cx.catalogue.entity(later);
        out.push(
            finding(
                &META,
                format!(
                    "id `{id}` is already used by {} `{id}`",
                    first.kind().as_str().to_lowercase()
                ),
                Label::new(e.at_value(ptr), "used again here"),
            )
            .with_pointer(ptr)
            .with_related(Label::new(first.at_value(ptr), "first used here"))
            .with_help("ids are unique across the catalogue, whatever the kind: rename one and update its references"),
        );
    }
}

/// Backstage entities are identified by kind, namespace and name, compared
/// case-insensitively: `Ledger` and `ledger` are one entity.
fn backstage(cx: &Context<'_>, id: &str, entities: &[usize], out: &mut Vec<Diagnostic>) {
    let ptr = "/metadata/name";
    let first = cx.catalogue.entity(entities[0]);
    for &later in &entities[1..] {
        let e = cx.catalogue.entity(later);
        out.push(
            finding(
                &META,
                format!("`{}` is defined twice", clip(id, 80)),
                Label::new(e.at_value(ptr), "defined again here"),
            )
            .with_pointer(ptr)
            .with_related(Label::new(first.at_value(ptr), "first defined here"))
            .with_help(
                "Backstage identifies an entity by its kind, namespace and name, compared \
                 case-insensitively: rename one, or move it to another namespace",
            ),
        );
    }
}

/// Offering names repeated within one service: the part of the rule that reads only its
/// entity.
pub fn offerings(cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
    let Some(list) = e.get("/spec/offerings").and_then(Node::as_array) else {
        return;
    };
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, offering) in list.iter().enumerate() {
        let ptr = format!("/spec/offerings/{i}/name");
        let Some(name) = offering.get("name").and_then(Node::as_str) else {
            continue;
        };
        if cx.broke_schema(e, &ptr) {
            continue;
        }
        match first.get(name) {
            None => {
                first.insert(name, i);
            }
            Some(&earlier) => out.push(
                finding(
                    &META,
                    format!(
                        "service `{}` already has an offering named `{}`",
                        e.id(),
                        clip(name, 60)
                    ),
                    Label::new(e.at_value(&ptr), "named again here"),
                )
                .with_pointer(ptr)
                .with_related(Label::new(
                    e.at_value(&format!("/spec/offerings/{earlier}/name")),
                    "first named here",
                ))
                .with_help(
                    "offering names are unique within a service (requests name them): rename                      or remove one",
                ),
            ),
        }
    }
}
