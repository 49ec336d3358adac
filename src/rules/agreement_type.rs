//! `agreement-type`: the agreement kind matches who the service faces.

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Fix, Label, Severity};

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

`catalint check --unsafe-fixes` writes the agreement that `facing` calls for (`SLA` for
customer-facing, `OLA` for supporting); unsafe, because `facing` may be what is wrong.
"#,
};

pub struct AgreementType;

impl Rule for AgreementType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_only_its_entity(&self) -> bool {
        true
    }

    fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
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
            ))
            .with_fix_opt(agreement_fix(cx, e, ptr, facing, agreement)),
        );
    }
}

/// The agreement `facing` calls for: `SLA` for a customer-facing service, `OLA` for a
/// supporting one (an underpinning contract, `UC`, is with a supplier: a person says so).
/// Unsafe: `facing` itself may be what is wrong.
fn agreement_fix(
    cx: &Context<'_>,
    e: EntityRef<'_>,
    ptr: &str,
    facing: &str,
    agreement: &str,
) -> Option<Fix> {
    if e.written_at(ptr).is_some() {
        return None;
    }
    let want = if facing == "customer-facing" {
        "SLA"
    } else {
        "OLA"
    };
    let text = &cx.catalogue.files.get(e.file()).text;
    let edit = crate::edit::replace_scalar(text, &e.value_span(ptr), want)?;
    Some(Fix::unsafe_(
        format!("write `{want}` in place of `{agreement}`, as a {facing} service calls for"),
        vec![edit],
    ))
}
