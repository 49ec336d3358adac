//! `dependency-cycle` in a Backstage catalogue: `dependsOn` and `dependencyOf` between
//! components and resources form no cycle. `a dependsOn b` and `b dependencyOf a` state one
//! edge (counted once); a self-dependency is a cycle of one.

use std::collections::{HashMap, HashSet};

use crate::catalogue::backstage::{self, reference};
use crate::catalogue::{Catalogue, EntityRef};
use crate::diagnostic::{Diagnostic, Label, RELATED_SHOWN, thousands};
use crate::rules::Context;
use crate::rules::dependency_cycle::Cycle;
use crate::rules::graph::{Candidates, Dependants, Graph, first_closed};

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

/// The relations written at `e` that make edges: whether `e` is their source (`dependsOn`)
/// or their target (`dependencyOf`), the entity named (its canonical id), and where.
fn written_edges(cx: &Context<'_>, e: EntityRef<'_>) -> Vec<(bool, String, String)> {
    let namespace = backstage::namespace_of(e.value());
    let mut out = Vec::new();
    for relation in super::relations::of_kind(e.kind()) {
        let forward = match relation.field {
            "dependsOn" => true,
            "dependencyOf" => false,
            _ => continue,
        };
        for (pointer, written) in super::relations::written(e, relation) {
            if cx.broke_schema(e, &pointer) {
                continue;
            }
            let Ok(target) = reference::parse(written, None, namespace) else {
                continue;
            };
            out.push((forward, target.canonical(), pointer));
        }
    }
    out
}

/// The node an id names: the first entity with it.
fn node<'c>(catalogue: &'c Catalogue, id: &str) -> Option<EntityRef<'c>> {
    catalogue.by_id(id).next()
}

/// The graph over `nodes` (each the first entity of its id, in catalogue order): the edges
/// between them as the relations state them, each once (the first written, in catalogue
/// order), where each is written, and the self-dependencies apart (node, site).
fn build<'c>(
    cx: &Context<'c>,
    nodes: Vec<EntityRef<'c>>,
) -> (Graph<'c>, Vec<Site>, Vec<(usize, usize)>) {
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
    let mut sites: Vec<Site> = Vec::new();
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes.len()];
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for (v, e) in nodes.iter().enumerate() {
        for (forward, target, pointer) in written_edges(cx, *e) {
            let Some(&w) = index.get(target.as_str()) else {
                continue;
            };
            let (from, to) = if forward { (v, w) } else { (w, v) };
            if seen.insert((from, to)) {
                sites.push(Site { node: v, pointer });
                edges[from].push((to, sites.len() - 1));
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
    (Graph { nodes, edges }, sites, selfs)
}

/// The cycles of a graph [`build`] made, each with its members' ids (those with a member in
/// `wanted`, when given).
fn cycles(
    graph: &Graph<'_>,
    sites: &[Site],
    selfs: &[(usize, usize)],
    wanted: Option<&HashSet<&str>>,
) -> Vec<Cycle> {
    let wants = |v: usize| wanted.is_none_or(|w| w.contains(graph.nodes[v].id()));
    let mut out = Vec::new();
    for &step in selfs {
        if wants(step.0) {
            let members = vec![graph.nodes[step.0].id().into()];
            out.push((members, report(graph, sites, &[step])));
        }
    }
    for component in graph.components() {
        if component.len() < 2 || !component.iter().any(|&v| wants(v)) {
            continue;
        }
        let Some(&start) = component.iter().min_by_key(|&&v| graph.nodes[v].id()) else {
            continue;
        };
        let cycle = crate::rules::dependency_cycle::shortest_cycle(graph, &component, start);
        if !cycle.is_empty() {
            let members = component
                .iter()
                .map(|&v| graph.nodes[v].id().into())
                .collect();
            out.push((members, report(graph, sites, &cycle)));
        }
    }
    out
}

/// Every cycle of the catalogue.
pub fn all(cx: &Context<'_>) -> Vec<Cycle> {
    let catalogue = cx.catalogue;
    let mut nodes = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for e in catalogue.iter() {
        if e.entity.id.is_some() && seen.insert(e.id()) {
            nodes.push(e);
        }
    }
    let (graph, sites, selfs) = build(cx, nodes);
    cycles(&graph, &sites, &selfs, None)
}

/// The cycles through the entities of `ids`, found on the part of the graph that holds
/// their components: what they reach or what reaches them, whichever is found complete
/// first ([`first_closed`]). An edge is written at its source (`dependsOn`) or at its
/// target (`dependencyOf`), so both searches ask `dependants` who names an entity.
pub fn cycles_through<'r>(
    cx: &Context<'_>,
    ids: impl IntoIterator<Item = &'r str>,
    dependants: Dependants<'_>,
) -> Option<Vec<Cycle>> {
    let catalogue = cx.catalogue;
    let ids: HashSet<&str> = ids.into_iter().collect();
    let start: Vec<usize> = ids
        .iter()
        .filter_map(|id| node(catalogue, id))
        .map(|e| e.index)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // Who names an entity, and how: (writer, whether the writer is the edge's source), by
    // the entity named; each candidate file read once for both searches.
    let naming = std::cell::RefCell::new((
        Candidates::new(catalogue, dependants),
        HashMap::<String, Vec<(usize, bool)>>::new(),
    ));
    let named_by = |id: &str| -> Vec<(usize, bool)> {
        let mut guard = naming.borrow_mut();
        let (candidates, by_target) = &mut *guard;
        for d in candidates.fresh(id) {
            let is_node = d.entity.id.is_some()
                && node(catalogue, d.id()).is_some_and(|n| n.index == d.index);
            if is_node {
                for (forward, target, _) in written_edges(cx, d) {
                    by_target
                        .entry(target)
                        .or_default()
                        .push((d.index, forward));
                }
            }
        }
        by_target.get(id).cloned().unwrap_or_default()
    };
    let own = |v: usize, wanted: bool| -> Vec<usize> {
        written_edges(cx, catalogue.entity(v))
            .into_iter()
            .filter(|(forward, _, _)| *forward == wanted)
            .filter_map(|(_, target, _)| node(catalogue, &target))
            .map(|t| t.index)
            .collect()
    };
    let found = first_closed(
        &start,
        |v| {
            let mut next = own(v, true);
            let id = catalogue.entity(v).id();
            next.extend(named_by(id).into_iter().filter(|(_, f)| !f).map(|(w, _)| w));
            next
        },
        |v| {
            let mut next = own(v, false);
            let id = catalogue.entity(v).id();
            next.extend(named_by(id).into_iter().filter(|(_, f)| *f).map(|(w, _)| w));
            next
        },
    );
    let mut nodes: Vec<EntityRef<'_>> = found.into_iter().map(|i| catalogue.entity(i)).collect();
    nodes.sort_by_key(|e| e.index);
    let (graph, sites, selfs) = build(cx, nodes);
    Some(cycles(&graph, &sites, &selfs, Some(&ids)))
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
