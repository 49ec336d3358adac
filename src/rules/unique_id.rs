//! `unique-id`: no two entities share an id.

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "unique-id",
    default_severity: Severity::Error,
    stage: Stage::Catalogue,
    summary: "no two entities share an id, whatever their kind",
    doc: r#"## What it checks
That every `metadata.id` is used once in the whole catalogue, across services, products and
teams. Each repeat is reported at the later place (files in path order, then position), with
the first place as a related location.

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

## How to fix
Rename one of them, and update the references that meant it.
"#,
};

pub struct UniqueId;

impl Rule for UniqueId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let ptr = "/metadata/id";
        for (id, entities) in cx.catalogue.duplicate_ids() {
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
    }
}
