//! `retired-dependency`: live services do not depend on retired or deprecated ones.

use crate::load::Node;

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "retired-dependency",
    default_severity: Severity::Error,
    stage: Stage::Entity,
    summary: "a live service does not depend on a retired service (on a deprecated one: warning)",
    doc: r#"## What it checks
That a `live` service has no dependency (hard or soft) on a `retired` service (an error) or
on a `deprecated` one (a warning).

## Why it matters
A retired service is no longer operated: a live service that depends on it is broken, or
about to be. A deprecated one is on its way out, and its dependants need a plan before it
goes.

## Example
```yaml
metadata: {id: payroll, name: Payroll}
spec:
  lifecycle: live
  dependencies:
    - {service: legacy-ftp, kind: hard}     # lifecycle: retired
```

Instead:

```yaml
spec:
  lifecycle: live
  dependencies:
    - {service: managed-file-transfer, kind: hard}
```

## How to fix
Move the dependency to the service that replaced the retired one, or remove it if it is no
longer used.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct RetiredDependency;

impl Rule for RetiredDependency {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if e.kind() != Kind::Service || e.str_at("/spec/lifecycle") != Some("live") {
            return;
        }
        let Some(deps) = e.get("/spec/dependencies").and_then(Node::as_array) else {
            return;
        };
        for (i, dep) in deps.iter().enumerate() {
            let Some(target_id) = dep.get("service").and_then(Node::as_str) else {
                continue;
            };
            let Some(target) = cx.catalogue.get_kind(target_id, Kind::Service) else {
                continue;
            };
            let (severity, state) = match target.str_at("/spec/lifecycle") {
                Some("retired") => (Severity::Error, "retired"),
                Some("deprecated") => (Severity::Warning, "deprecated"),
                _ => continue,
            };
            let kind = dep.get("kind").and_then(Node::as_str).unwrap_or("hard");
            let ptr = format!("/spec/dependencies/{i}/service");
            let mut d = finding(
                &META,
                format!("live service `{}` has a {kind} dependency on {state} service `{target_id}`", e.id()),
                Label::new(e.at_value(&ptr), format!("a {state} service")),
            )
            .with_pointer(ptr)
            .with_related(Label::new(target.at_value("/spec/lifecycle"), format!("`{target_id}` is {state}")))
            .with_help(if state == "retired" {
                "a retired service is no longer operated: depend on the service that replaced it, or remove the dependency"
            } else {
                "plan the move before it is retired: depend on its replacement, or remove the dependency"
            });
            d.severity = severity;
            out.push(d);
        }
    }
}
