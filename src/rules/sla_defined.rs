//! `sla-defined`: every service has service levels, complete for its category.

use std::collections::HashMap;

use crate::load::{Items, Node};

use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::load::push_segment;
use crate::policy::SlaPart;

pub static META: RuleMeta = RuleMeta {
    id: "sla-defined",
    default_severity: Severity::Error,
    stage: Stage::Entity,
    summary: "each Service has `spec.serviceLevels` with an agreement and every part its category requires",
    doc: r#"## What it checks
That every Service has `spec.serviceLevels` with an `agreement` and every part that the
policy requires for its category. By default:

| category | requires |
| --- | --- |
| business | availability, incident, requests |
| application, infrastructure, platform, security | availability, incident, recovery |
| end-user | incident, requests |
| professional | requests |

Where `incident` is required, there is exactly one entry per priority of the policy
(`P1`..`P4` by default), and no entry for a priority the policy does not know. Parts that a
category does not require are allowed.

## Why it matters
A service without defined service levels promises nothing, so nothing can be measured or
escalated. The category decides which promises make sense: an infrastructure service must
say how fast it recovers; a consultancy (professional) service promises response and
fulfilment times, not an availability percentage.

## Example
```yaml
spec:
  category: infrastructure
  serviceLevels:
    agreement: OLA
    availability: {target: 99.9, measuredDuring: 24x7}
```

Instead:

```yaml
spec:
  category: infrastructure
  serviceLevels:
    agreement: OLA
    availability: {target: 99.9, measuredDuring: 24x7}
    incident:
      - {priority: P1, response: 15m, resolution: 4h}
      - {priority: P2, response: 30m, resolution: 8h}
      - {priority: P3, response: 4h, resolution: 3d}
      - {priority: P4, response: 1d, resolution: 2w}
    recovery: {rto: 4h, rpo: 15m}
```

## How to fix
Add the parts the message names. `catalint explain sla-defined` shows an example of each.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct SlaDefined;

fn example(part: SlaPart) -> &'static str {
    match part {
        SlaPart::Availability => "`availability: {target: 99.9, measuredDuring: service-hours}`",
        SlaPart::Incident => {
            "`incident:` with one `{priority: P1, response: 15m, resolution: 4h}` per priority"
        }
        SlaPart::Requests => {
            "`requests:` with `{offering: <offering name>, fulfilment: 3d}` entries"
        }
        SlaPart::Recovery => "`recovery: {rto: 4h, rpo: 15m}`",
    }
}

impl Rule for SlaDefined {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_only_its_entity(&self) -> bool {
        true
    }

    fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if e.kind() != Kind::Service || !e.get("/spec").is_some_and(Node::is_object) {
            return;
        }
        let id = e.id();
        let base = "/spec/serviceLevels";
        let Some(levels) = e.get(base) else {
            out.push(
                finding(
                    &META,
                    format!("service `{id}` defines no service levels"),
                    Label::new(
                        e.at_missing("/spec"),
                        "`serviceLevels` is missing from `spec`",
                    ),
                )
                .with_pointer(base)
                .with_help(
                    "add `serviceLevels:` with `agreement: SLA` (or OLA, UC) and the parts its \
                     category requires; `catalint explain sla-defined` lists them",
                ),
            );
            return;
        };
        let Some(levels) = levels.as_object() else {
            return; // a wrong type is a `schema` finding
        };
        if !levels.contains_key("agreement") {
            out.push(
                finding(
                    &META,
                    format!("service `{id}` does not say what kind of agreement its service levels are"),
                    Label::new(e.at_missing(base), "`agreement` is missing from `serviceLevels`"),
                )
                .with_pointer(push_segment(base, "agreement"))
                .with_help("add `agreement: SLA` for a customer-facing service, `OLA` or `UC` for a supporting one"),
            );
        }
        let Some(category) = e
            .str_at("/spec/category")
            .and_then(|c| cx.policy.category(c))
        else {
            return; // no valid category: `single-category` reports it
        };
        for &part in &category.requires {
            if !levels.contains_key(part.as_str()) {
                out.push(
                    finding(
                        &META,
                        format!(
                            "{} service `{id}` has no `{}` service level",
                            category.id,
                            part.as_str()
                        ),
                        Label::new(
                            e.at_missing(base),
                            format!("`{}` is missing from `serviceLevels`", part.as_str()),
                        ),
                    )
                    .with_pointer(push_segment(base, part.as_str()))
                    .with_help(format!(
                        "{} service must define {}: add {}",
                        crate::catalogue::with_article(&category.id),
                        required_list(&category.requires),
                        example(part)
                    )),
                );
            }
        }
        if category.requires.contains(&SlaPart::Incident)
            && let Some(entries) = levels.get("incident").and_then(Node::as_array)
        {
            check_priorities(cx, e, entries, out);
        }
    }
}

fn required_list(parts: &[SlaPart]) -> String {
    let names: Vec<&str> = parts.iter().map(|p| p.as_str()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

fn check_priorities(
    cx: &Context<'_>,
    e: EntityRef<'_>,
    entries: Items<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let id = e.id();
    let base = "/spec/serviceLevels/incident";
    let mut seen: HashMap<&str, usize> = HashMap::new();
    // An entry whose priority broke the schema (`p3`) has its `schema` finding; the
    // priority it was meant to be is not also reported missing.
    let mut broken = false;
    for (i, entry) in entries.iter().enumerate() {
        let ptr = format!("{base}/{i}/priority");
        if cx.broke_schema(e, &ptr) {
            broken = true;
            continue;
        }
        let Some(p) = entry.get("priority").and_then(Node::as_str) else {
            continue;
        };
        if cx.policy.priority_rank(p).is_none() {
            out.push(
                finding(
                    &META,
                    format!("service `{id}` has an incident target for `{p}`, which is not a priority of the policy"),
                    Label::new(e.at_value(&ptr), "unknown priority"),
                )
                .with_pointer(ptr)
                .with_help(format!("the policy's priorities are {}", cx.policy.priorities.join(", "))),
            );
            continue;
        }
        if let Some(first) = seen.insert(p, i) {
            out.push(
                finding(
                    &META,
                    format!("service `{id}` defines incident targets for `{p}` twice"),
                    Label::new(e.at_value(&ptr), "defined again here"),
                )
                .with_pointer(ptr)
                .with_related(Label::new(
                    e.at_value(&format!("{base}/{first}/priority")),
                    "first defined here",
                ))
                .with_help("keep one entry per priority"),
            );
        }
    }
    let missing: Vec<&str> = cx
        .policy
        .priorities
        .iter()
        .map(String::as_str)
        .filter(|p| !seen.contains_key(p))
        .collect();
    if !missing.is_empty() && !broken {
        let list = missing.join(", ");
        out.push(
            finding(
                &META,
                format!("service `{id}` has no incident targets for {list}"),
                Label::new(e.at_key(base), format!("no entry for {list}")),
            )
            .with_pointer(base)
            .with_help(format!(
                "add one `{{priority: {}, response: <duration>, resolution: <duration>}}` entry for each of {list}",
                missing[0]
            )),
        );
    }
}
