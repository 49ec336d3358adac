//! `sla-consistent`: incident targets make sense together.

use crate::load::Node;

use super::duration::minutes;
use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "sla-consistent",
    default_severity: Severity::Error,
    stage: Stage::Entity,
    summary: "incident resolution >= response, and targets never get faster from P1 to P4",
    doc: r#"## What it checks
In `spec.serviceLevels.incident`:
- each priority's `resolution` is not shorter than its `response`;
- going down the policy's priorities (P1 to P4), neither `response` nor `resolution` gets
  faster: each priority is compared with the one before it that the service defines.

Durations compare by their length: `1d` = `24h`, `1w` = `7d`.

## Why it matters
An incident cannot be resolved before anyone responds to it, and a less urgent incident
cannot be promised a faster answer than a more urgent one. Targets like these are typos, and
a service desk that measures against them breaches on day one.

## Example
```yaml
incident:
  - {priority: P1, response: 15m, resolution: 4h}
  - {priority: P2, response: 10m, resolution: 2h}
```

Instead:

```yaml
incident:
  - {priority: P1, response: 15m, resolution: 4h}
  - {priority: P2, response: 30m, resolution: 8h}
```

## How to fix
Correct the duration the message points at; the related label shows the target it was
compared with.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct SlaConsistent;

struct Target<'a> {
    index: usize,
    priority: &'a str,
    rank: usize,
    response: Option<(u64, &'a str)>,
    resolution: Option<(u64, &'a str)>,
}

impl Rule for SlaConsistent {
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
        let Some(entries) = e
            .get("/spec/serviceLevels/incident")
            .and_then(Node::as_array)
        else {
            return;
        };
        let id = e.id();
        let at = |i: usize, field: &str| format!("/spec/serviceLevels/incident/{i}/{field}");
        let mut targets: Vec<Target<'_>> = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let Some(priority) = entry.get("priority").and_then(Node::as_str) else {
                continue;
            };
            let Some(rank) = cx.policy.priority_rank(priority) else {
                continue;
            };
            let response = duration(entry, "response");
            let resolution = duration(entry, "resolution");
            if let (Some((rm, rs)), Some((sm, ss))) = (response, resolution)
                && sm < rm
            {
                out.push(
                    finding(
                        &META,
                        format!("service `{id}`: {priority} resolution {ss} is shorter than its response {rs}"),
                        Label::new(e.at_value(&at(index, "resolution")), format!("resolved in {ss}")),
                    )
                    .with_pointer(at(index, "resolution"))
                    .with_related(Label::new(e.at_value(&at(index, "response")), format!("but responded to in {rs}")))
                    .with_help("an incident cannot be resolved before anyone responds: make `resolution` at least as long as `response`"),
                );
            }
            targets.push(Target {
                index,
                priority,
                rank,
                response,
                resolution,
            });
        }
        // Compare each priority with the one before it in the policy's order. Duplicate
        // priorities are `sla-defined`'s finding; the first entry of each is used here.
        targets.sort_by_key(|t| (t.rank, t.index));
        targets.dedup_by_key(|t| t.rank);
        for pair in targets.windows(2) {
            let (prev, cur) = (&pair[0], &pair[1]);
            for (field, a, b) in [
                ("response", prev.response, cur.response),
                ("resolution", prev.resolution, cur.resolution),
            ] {
                let (Some((pm, ps)), Some((cm, cs))) = (a, b) else {
                    continue;
                };
                if cm < pm {
                    out.push(
                        finding(
                            &META,
                            format!(
                                "service `{id}`: {} {field} {cs} is faster than {} {field} {ps}",
                                cur.priority, prev.priority
                            ),
                            Label::new(e.at_value(&at(cur.index, field)), format!("{} in {cs}", cur.priority)),
                        )
                        .with_pointer(at(cur.index, field))
                        .with_related(Label::new(
                            e.at_value(&at(prev.index, field)),
                            format!("{} in {ps}", prev.priority),
                        ))
                        .with_help(format!(
                            "a less urgent priority cannot be promised a faster {field}: make {} at least {ps}, or {} faster",
                            cur.priority, prev.priority
                        )),
                    );
                }
            }
        }
    }
}

fn duration<'a>(entry: Node<'a>, field: &str) -> Option<(u64, &'a str)> {
    let s = entry.get(field)?.as_str()?;
    Some((minutes(s)?, s))
}
