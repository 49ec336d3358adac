//! `agreement-type`: the agreement kind matches who the service faces.

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "agreement-type",
    default_severity: Severity::Warning,
    stage: Stage::Entity,
    summary: "customer-facing services use an SLA; supporting ones an OLA or UC",
    doc: r#"## What it checks
That `spec.serviceLevels.agreement` fits `spec.facing`: a customer-facing service promises
its levels in an `SLA` (service level agreement, with its customers); a supporting service
in an `OLA` (operational level agreement, with other IT teams) or a `UC` (underpinning
contract, with a supplier).

## Why it matters
The agreement type says who can hold the service to its promise. A customer-facing service
with only an OLA has made no promise to its customers.

## Example
```yaml
spec:
  facing: customer-facing
  serviceLevels:
    agreement: OLA
```

Instead:

```yaml
spec:
  facing: customer-facing
  serviceLevels:
    agreement: SLA
```

## How to fix
Change the agreement, or `facing` if the service is really used by other teams only.
"#,
};

pub struct AgreementType;

impl Rule for AgreementType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_entity(&self, _cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if e.kind() != Kind::Service {
            return;
        }
        let (Some(facing), Some(agreement)) = (
            e.str_at("/spec/facing"),
            e.str_at("/spec/serviceLevels/agreement"),
        ) else {
            return;
        };
        let (ok, want) = match facing {
            "customer-facing" => (agreement == "SLA", "`SLA`"),
            "supporting" => (matches!(agreement, "OLA" | "UC"), "`OLA` or `UC`"),
            _ => return,
        };
        if ok {
            return;
        }
        let ptr = "/spec/serviceLevels/agreement";
        out.push(
            finding(
                &META,
                format!(
                    "{facing} service `{}` uses an {agreement}; it should use {want}",
                    e.id()
                ),
                Label::new(
                    e.at_value(ptr),
                    format!("{agreement} for a {facing} service"),
                ),
            )
            .with_pointer(ptr)
            .with_related(Label::new(
                e.at_value("/spec/facing"),
                "who the service faces",
            ))
            .with_help(format!(
                "write `agreement: {}`, or change `facing` if the service's users are other teams",
                if facing == "customer-facing" {
                    "SLA"
                } else {
                    "OLA"
                }
            )),
        );
    }
}
