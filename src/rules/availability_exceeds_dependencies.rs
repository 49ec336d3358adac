//! `availability-exceeds-dependencies`: no service promises more than its hard
//! dependencies allow together.

use std::collections::HashSet;

use serde_json::Value;

use crate::load::Node;

use super::graph::Graph;
use super::percent::Decimal;
use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::diagnostic::{Diagnostic, Label, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "availability-exceeds-dependencies",
    default_severity: Severity::Warning,
    stage: Stage::Catalogue,
    summary: "a service's availability target is not above the product of its hard dependencies' targets",
    doc: r#"## What it checks
That a service's `serviceLevels.availability.target` is not above what its hard dependencies
allow together: serial availability is the product of the parts (99.95% x 99.95% =
99.900025%). Equality passes. The arithmetic is exact (decimal, not floating point). Skipped
where the service or one of its hard dependencies has no target.

Option `scope` (in the policy, under `rules:`): `direct` (default) multiplies the direct hard
dependencies; `transitive` multiplies every service in the hard-dependency closure, each once.

## Why it matters
If identity is down, the HR portal that needs it is down too. A service that promises 99.99%
on top of two 99.95% dependencies has promised something its own architecture cannot
deliver, and will breach its SLA through no incident of its own.

## Example
```yaml
metadata: {id: hr-self-service, name: HR Self-Service}
spec:
  serviceLevels:
    availability: {target: 99.99, measuredDuring: 24x7}
  dependencies:
    - {service: identity-and-access, kind: hard}   # 99.95
    - {service: cloud-hosting, kind: hard}         # 99.9
```

Instead:

```yaml
spec:
  serviceLevels:
    availability: {target: 99.8, measuredDuring: 24x7}
```

## How to fix
Lower the target to at most the product, raise the dependencies' targets, or make a
dependency soft if the service really survives without it.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct AvailabilityExceedsDependencies;

const TARGET: &str = "/spec/serviceLevels/availability/target";

fn target(v: Node<'_>) -> Option<Decimal> {
    Decimal::from_number(&v.pointer(TARGET)?.as_number()?)
}

/// A percentage for messages: exact up to six decimals.
fn pct(d: &Decimal) -> String {
    let exact = d.to_string();
    match exact.split_once('.') {
        Some((_, f)) if f.len() > 6 => format!("about {}", d.truncated(6)),
        _ => exact,
    }
}

impl Rule for AvailabilityExceedsDependencies {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let transitive =
            cx.policy.option(META.id, "scope").and_then(Value::as_str) == Some("transitive");
        let graph = cx.hard_graph();
        // Exact decimals are only needed near the boundary: a float estimate settles the
        // clear cases (the product of a few floats is off by ~1e-13, far below the 1e-9
        // margin), and the exact arithmetic decides the rest.
        let estimates: Vec<Option<f64>> = graph
            .nodes
            .iter()
            .map(|n| n.get(TARGET).and_then(Node::as_f64))
            .collect();
        let exact: Vec<std::sync::OnceLock<Option<Decimal>>> = (0..graph.nodes.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let targets = |i: usize| {
            exact[i]
                .get_or_init(|| target(graph.nodes[i].value()))
                .as_ref()
        };
        for (v, node) in graph.nodes.iter().enumerate() {
            let Some(own_estimate) = estimates[v] else {
                continue;
            };
            if graph.edges[v].is_empty() {
                continue;
            }
            let parts: Vec<usize> = if transitive {
                closure(graph, v)
            } else {
                let mut seen = HashSet::new();
                graph.edges[v]
                    .iter()
                    .map(|&(t, _)| t)
                    .filter(|t| seen.insert(*t))
                    .collect()
            };
            // Unresolved hard dependencies are left out of the graph; skip the service
            // rather than judge it on part of its dependencies.
            let hard_declared = match node.get("/spec/dependencies").and_then(Node::as_array) {
                Some(d) => d
                    .filter(|x| x.get("kind").and_then(Node::as_str) == Some("hard"))
                    .count(),
                None => 0,
            };
            if hard_declared > graph.edges[v].len() {
                continue;
            }
            let Some(estimate) = parts
                .iter()
                .try_fold(100.0, |acc, &p| estimates[p].map(|t| acc * t / 100.0))
            else {
                continue;
            };
            if own_estimate < estimate - 1e-9 {
                continue;
            }
            let (Some(own), Some(values)) = (
                targets(v),
                parts
                    .iter()
                    .map(|&p| targets(p))
                    .collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            let Some(allowed) = Decimal::product_of_percents(values.iter().copied()) else {
                continue;
            };
            if *own <= allowed {
                continue;
            }
            let breakdown: Vec<String> = parts
                .iter()
                .zip(&values)
                .map(|(&p, t)| format!("{} {}%", graph.nodes[p].id(), t))
                .collect();
            let (whose, together) = match (transitive, parts.len()) {
                (true, _) => ("hard dependency chain", "allows"),
                (false, 1) => ("hard dependency", "allows"),
                (false, _) => ("hard dependencies", "allow together"),
            };
            let mut d = finding(
                &META,
                format!(
                    "`{}` promises {own}%, more than the {}% that its {whose} {together}: {}",
                    node.id(),
                    pct(&allowed),
                    breakdown.join(" x ")
                ),
                Label::new(node.at_value(TARGET), format!("{own}% promised")),
            )
            .with_pointer(TARGET)
            .with_help(format!(
                "its {whose} {} at most {}%; lower the target, or make a dependency soft if \
                 the service survives without it",
                if together == "allows" {
                    "allows"
                } else {
                    "allow"
                },
                pct(&allowed)
            ));
            for (&p, t) in parts.iter().zip(&values) {
                d.related.push(Label::new(
                    graph.nodes[p].at_value(TARGET),
                    format!("hard dependency `{}` at {t}%", graph.nodes[p].id()),
                ));
            }
            out.push(d);
        }
    }
}

/// Every service reachable from `start` by hard dependencies, each once, start excluded.
fn closure(graph: &Graph<'_>, start: usize) -> Vec<usize> {
    let mut seen = HashSet::from([start]);
    let mut order = Vec::new();
    let mut stack = vec![start];
    while let Some(v) = stack.pop() {
        for &(w, _) in &graph.edges[v] {
            if seen.insert(w) {
                order.push(w);
                stack.push(w);
            }
        }
    }
    order
}
