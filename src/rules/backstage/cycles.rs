//! `dependency-cycle` in a Backstage catalogue: `dependsOn` and `dependencyOf` between
//! components and resources form no cycle. `a dependsOn b` and `b dependencyOf a` state one
//! edge (counted once); a self-dependency is a cycle of one.

use std::collections::{HashMap, HashSet};

use crate::catalogue::backstage::{self, reference};
use crate::diagnostic::{Diagnostic, Label, RELATED_SHOWN, thousands};
use crate::rules::Context;
use crate::rules::graph::Graph;

/// One written reference that makes an edge: the node whose document holds it, and where.
struct Site {
    node: usize,
    pointer: String,
}

/// How an entity is named in a cycle: `component:payments`, the namespace shown when it is
/// not `default`.
fn shown(id: &str) -> String {
    id.replacen(":default/", ":", 1)
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let catalogue = cx.catalogue;
    let mut nodes = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for e in catalogue.iter() {
        if e.entity.id.is_some() && !index.contains_key(e.id()) {
            index.insert(e.id(), nodes.len());
            nodes.push(e);
        }
    }
    let mut sites: Vec<Site> = Vec::new();
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes.len()];
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for (v, e) in nodes.iter().enumerate() {
        let namespace = backstage::namespace_of(e.value());
        for relation in super::relations::of_kind(e.kind()) {
            let forward = match relation.field {
                "dependsOn" => true,
                "dependencyOf" => false,
                _ => continue,
            };
            for (pointer, written) in super::relations::written(*e, relation) {
                if cx.broke_schema(*e, &pointer) {
                    continue;
                }
                let Ok(target) = reference::parse(written, None, namespace) else {
                    continue;
                };
                let Some(&w) = index.get(target.canonical().as_str()) else {
                    continue;
                };
                let (from, to) = if forward { (v, w) } else { (w, v) };
                if seen.insert((from, to)) {
                    sites.push(Site { node: v, pointer });
                    edges[from].push((to, sites.len() - 1));
                }
            }
        }
    }
    // A self-dependency is a finding of its own, also inside a larger cycle; the larger
    // cycle is then looked for without it.
    let mut selfs = Vec::new();
    for (v, list) in edges.iter_mut().enumerate() {
        if let Some(&(_, site)) = list.iter().find(|&&(t, _)| t == v) {
            selfs.push((v, site));
            list.retain(|&(t, _)| t != v);
        }
    }
    let graph = Graph { nodes, edges };
    for step in selfs {
        out.push(report(&graph, &sites, &[step]));
    }
    for component in graph.components() {
        if component.len() < 2 {
            continue;
        }
        let Some(&start) = component.iter().min_by_key(|&&v| graph.nodes[v].id()) else {
            continue;
        };
        let cycle = crate::rules::dependency_cycle::shortest_cycle(&graph, &component, start);
        if !cycle.is_empty() {
            out.push(report(&graph, &sites, &cycle));
        }
    }
}

fn report(graph: &Graph<'_>, sites: &[Site], cycle: &[(usize, usize)]) -> Diagnostic {
    let names: Vec<String> = cycle
        .iter()
        .map(|&(v, _)| shown(graph.nodes[v].id()))
        .collect();
    let path = if names.len() > RELATED_SHOWN + 1 {
        format!(
            "{} -> ... ({} more) -> {} (a cycle of {} entities)",
            names[..RELATED_SHOWN].join(" -> "),
            thousands(names.len() - RELATED_SHOWN),
            names[0],
            thousands(names.len())
        )
    } else {
        format!("{} -> {}", names.join(" -> "), names[0])
    };
    let label = |i: usize, site: usize| {
        let s = &sites[site];
        let to = &names[(i + 1) % names.len()];
        let text = if graph.nodes[s.node].id() == graph.nodes[cycle[i].0].id() {
            format!("`{}` depends on `{to}`", names[i])
        } else {
            format!("`{to}` is a dependency of `{}`", names[i])
        };
        Label::new(graph.nodes[s.node].at_value(&s.pointer), text)
    };
    let (_, first_site) = cycle[0];
    let mut d = crate::rules::finding(
        &crate::rules::dependency_cycle::META,
        if cycle.len() == 1 {
            format!("`{}` depends on itself", names[0])
        } else {
            format!("dependsOn/dependencyOf form a cycle: {path}")
        },
        label(0, first_site),
    )
    .with_pointer(&sites[first_site].pointer)
    .with_help("break the cycle: remove one of these relations (or reverse it where it is stated the wrong way round)");
    for (i, &(_, site)) in cycle.iter().enumerate().skip(1) {
        d.related.push(label(i, site));
    }
    d
}
