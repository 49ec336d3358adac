//! `dependency-cycle`: hard dependencies form no cycle.

use std::collections::{HashMap, HashSet, VecDeque};

use super::graph::Graph;
use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::diagnostic::{Diagnostic, Label, RELATED_SHOWN, Severity, thousands};

pub static META: RuleMeta = RuleMeta {
    id: "dependency-cycle",
    default_severity: Severity::Error,
    stage: Stage::Catalogue,
    summary: "hard dependencies between services form no cycle",
    doc: r#"## What it checks
That following `dependencies` of `kind: hard` from service to service never leads back to
where it started. Each cycle is reported once, on the dependency entry of the member with the
smallest id, with every other edge of the cycle as a related place. Soft dependencies are
not followed.

## Why it matters
A hard dependency means "down when it is down". In a cycle, no member can be started first
and none can recover on its own; their availability targets cannot all be met either.

## Example
```yaml
# services/a.yaml
metadata: {id: a, name: A}
spec:
  dependencies: [{service: b, kind: hard}]
---
# services/b.yaml
metadata: {id: b, name: B}
spec:
  dependencies: [{service: a, kind: hard}]
```

Instead:

```yaml
metadata: {id: b, name: B}
spec:
  dependencies: [{service: a, kind: soft}]
```

## How to fix
Break the cycle: make one of the dependencies soft (the service survives, degraded, without
it) or remove it. Often the cycle shows two services that are really one.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct DependencyCycle;

impl Rule for DependencyCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(all_cycles(cx).into_iter().map(|(_, d)| d));
    }
}

/// A cycle's finding with the ids of its component's members.
pub type Cycle = (Vec<Box<str>>, Diagnostic);

/// The incremental form: the cycles whose components hold a service of `ids`, found on a
/// part of the graph that holds their whole components (see [`Graph::holding_components`];
/// without `dependants`, what the services reach). In a Backstage catalogue, whose edges
/// are also written at their targets (`dependencyOf`), the part is found through
/// `dependants` too, and without them (`None`) the caller runs the rule whole.
pub fn cycles_through<'r>(
    cx: &Context<'_>,
    ids: impl IntoIterator<Item = &'r str> + Clone,
    dependants: Option<super::graph::Dependants<'_>>,
) -> Option<Vec<Cycle>> {
    if cx.policy.kinds.format() == crate::catalogue::Format::Backstage {
        return super::backstage::cycles::cycles_through(cx, ids, dependants?);
    }
    let graph = match dependants {
        Some(dependants) => Graph::holding_components(cx.catalogue, ids.clone(), dependants),
        None => Graph::around(cx.catalogue, ids.clone(), true),
    };
    let wanted: HashSet<&str> = ids.into_iter().collect();
    Some(cycles(&graph, Some(&wanted)))
}

/// Every cycle of the catalogue, with its members.
pub fn all_cycles(cx: &Context<'_>) -> Vec<Cycle> {
    if cx.policy.kinds.format() == crate::catalogue::Format::Backstage {
        return super::backstage::cycles::all(cx);
    }
    cycles(cx.hard_graph(), None)
}

/// The cyclic components of `graph` (those with a member in `wanted`, when given).
fn cycles(graph: &Graph<'_>, wanted: Option<&HashSet<&str>>) -> Vec<Cycle> {
    let mut out = Vec::new();
    for component in graph.components() {
        let cyclic = component.len() > 1
            || graph.edges[component[0]]
                .iter()
                .any(|&(t, _)| t == component[0]);
        if !cyclic {
            continue;
        }
        if let Some(wanted) = wanted
            && !component
                .iter()
                .any(|&v| wanted.contains(graph.nodes[v].id()))
        {
            continue;
        }
        let Some(&start) = component.iter().min_by_key(|&&v| graph.nodes[v].id()) else {
            continue;
        };
        let cycle = shortest_cycle(graph, &component, start);
        let members = component
            .iter()
            .map(|&v| graph.nodes[v].id().into())
            .collect();
        out.push((members, report(graph, &cycle)));
    }
    out
}

/// The shortest cycle through `start` inside its component, as (node, dependency entry)
/// steps: each node with the entry that leads to the next one.
pub(crate) fn shortest_cycle(
    graph: &Graph<'_>,
    component: &[usize],
    start: usize,
) -> Vec<(usize, usize)> {
    let inside: HashSet<usize> = component.iter().copied().collect();
    let mut came_from: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &(w, entry) in &graph.edges[v] {
            if !inside.contains(&w) {
                continue;
            }
            if w == start {
                let mut steps = vec![(v, entry)];
                let mut cur = v;
                while cur != start {
                    let (prev, e) = came_from[&cur];
                    steps.push((prev, e));
                    cur = prev;
                }
                steps.reverse();
                return steps;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = came_from.entry(w) {
                slot.insert((v, entry));
                queue.push_back(w);
            }
        }
    }
    Vec::new()
}

fn report(graph: &Graph<'_>, cycle: &[(usize, usize)]) -> Diagnostic {
    let ptr = |entry: usize| format!("/spec/dependencies/{entry}/service");
    let names: Vec<&str> = cycle.iter().map(|&(v, _)| graph.nodes[v].id()).collect();
    // A cycle of thousands is named by its first members, as its related places are shown.
    let path = if names.len() > RELATED_SHOWN + 1 {
        format!(
            "{} -> ... ({} more) -> {} (a cycle of {} services)",
            names[..RELATED_SHOWN].join(" -> "),
            thousands(names.len() - RELATED_SHOWN),
            names[0],
            thousands(names.len())
        )
    } else {
        format!("{} -> {}", names.join(" -> "), names[0])
    };
    let (first, entry) = cycle[0];
    let first = graph.nodes[first];
    let next = names.get(1).copied().unwrap_or(names[0]);
    let mut d = finding(
        &META,
        if cycle.len() == 1 {
            format!("service `{}` has a hard dependency on itself", first.id())
        } else {
            format!("hard dependencies form a cycle: {path}")
        },
        Label::new(
            first.at_value(&ptr(entry)),
            format!("`{}` needs `{next}`", first.id()),
        ),
    )
    .with_pointer(ptr(entry))
    .with_help(
        "break the cycle: make one of these dependencies `kind: soft` (the service survives \
         without it, degraded) or remove it",
    );
    for (i, &(v, e)) in cycle.iter().enumerate().skip(1) {
        let to = names[(i + 1) % names.len()];
        let node = graph.nodes[v];
        d.related.push(Label::new(
            node.at_value(&ptr(e)),
            format!("`{}` needs `{to}`", node.id()),
        ));
    }
    d
}
