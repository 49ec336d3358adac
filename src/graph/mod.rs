//! The catalogue as a graph: one node per entity, one edge per reference that resolves
//! (hard and soft dependencies, a product's service, ownership, a policy's own references,
//! Backstage relations), with the findings on it marked: the edges of a hard-dependency
//! cycle and the services that promise more availability than their hard dependencies
//! allow. `catalint graph` writes it as Mermaid, DOT or JSON ([`formats`]); `catalint site`
//! lays it out ([`layout`]) and draws it as SVG.

pub mod formats;
pub mod layout;

use std::collections::{HashMap, HashSet, VecDeque};

use crate::catalogue::{Catalogue, EntityRef, Format, Kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node as Value;
use crate::policy::Policy;

/// What an edge says, for its drawing: the relation's name is in [`Edge::relation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Down when the target is down (`kind: hard`, Backstage `dependsOn`).
    Hard,
    /// Degraded when the target is down.
    Soft,
    /// A product delivered through a service.
    Delivers,
    /// Owned by a team (or a Backstage group or user).
    Owner,
    /// Any other reference (a policy's own, a Backstage `system`, `providesApis`, ...).
    Other,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Hard => "hard",
            EdgeKind::Soft => "soft",
            EdgeKind::Delivers => "delivers",
            EdgeKind::Owner => "owner",
            EdgeKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Index into [`Catalogue::entities`].
    pub entity: usize,
    pub kind: Kind,
    pub id: String,
    /// The human name (`metadata.name`, a Backstage `metadata.title`), when written.
    pub name: Option<String>,
    /// The file that defines it (as shown) and the line its document starts on.
    pub file: String,
    pub line: usize,
    pub errors: usize,
    pub warnings: usize,
    /// The service promises more availability than its hard dependencies allow.
    pub exceeds: bool,
}

impl Node {
    /// The name, else the id: what a drawing shows.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// The relation as the catalogue names it: `hard`, `soft`, `service`, `owner`,
    /// `dependsOn`, a policy reference's role.
    pub relation: String,
    /// Part of a cycle of hard dependencies.
    pub cycle: bool,
}

/// The graph of a catalogue.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// For each entity, the indexes of the findings that fall inside its document, in the
/// findings' order: what a node's marks and a site page's findings list are made of.
pub fn findings_by_entity(catalogue: &Catalogue, diagnostics: &[Diagnostic]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); catalogue.entities.len()];
    // Per file, the entities' document spans sorted by start: a finding belongs to the
    // document whose span holds its primary place.
    let mut spans: HashMap<u32, Vec<(usize, usize, usize)>> = HashMap::new();
    for e in catalogue.iter() {
        let span = &e.source.doc.span;
        spans
            .entry(e.file().0)
            .or_default()
            .push((span.start, span.end, e.index));
    }
    for list in spans.values_mut() {
        list.sort_unstable();
    }
    for (i, d) in diagnostics.iter().enumerate() {
        let Some(list) = spans.get(&d.primary.location.file.0) else {
            continue;
        };
        let at = d.primary.location.span.start;
        let k = list.partition_point(|&(start, _, _)| start <= at);
        if k > 0 {
            let (start, end, entity) = list[k - 1];
            if at >= start && at <= end {
                out[entity].push(i);
            }
        }
    }
    out
}

const EXCEEDS: &str = "availability-exceeds-dependencies";

impl Graph {
    /// The graph of every entity with an id; references to ids that name no entity (an
    /// `unresolved-reference` finding) are left out. Linear in entities plus references.
    pub fn build(catalogue: &Catalogue, policy: &Policy, diagnostics: &[Diagnostic]) -> Graph {
        let by_entity = findings_by_entity(catalogue, diagnostics);
        let mut node_of = vec![usize::MAX; catalogue.entities.len()];
        let mut nodes = Vec::new();
        for e in catalogue.iter() {
            let Some(id) = e.entity.id.clone() else {
                continue;
            };
            let findings = &by_entity[e.index];
            let count = |s: Severity| {
                findings
                    .iter()
                    .filter(|&&i| diagnostics[i].severity == s)
                    .count()
            };
            node_of[e.index] = nodes.len();
            nodes.push(Node {
                entity: e.index,
                kind: e.kind(),
                id,
                name: display_name(e),
                file: catalogue.files.get(e.file()).path.clone(),
                line: catalogue
                    .files
                    .get(e.file())
                    .line_col(e.source.doc.span.start)
                    .line,
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                exceeds: findings.iter().any(|&i| diagnostics[i].rule == EXCEEDS),
            });
        }
        let mut graph = Graph {
            nodes,
            edges: Vec::new(),
        };
        let mut seen = HashSet::new();
        let mut add = |graph: &mut Graph, from: usize, to: usize, kind: EdgeKind, rel: &str| {
            if seen.insert((from, to, kind, rel.to_owned())) {
                graph.edges.push(Edge {
                    from,
                    to,
                    kind,
                    relation: rel.to_owned(),
                    cycle: false,
                });
            }
        };
        let target = |id: &str| catalogue.get(id).map(|t| node_of[t.index]);
        for e in catalogue.iter() {
            let from = node_of[e.index];
            if from == usize::MAX {
                continue;
            }
            if catalogue_format(policy) == Format::Backstage {
                for (to, kind, rel, reversed) in backstage_edges(e) {
                    let Some(to) = target(&to).filter(|&t| t != usize::MAX) else {
                        continue;
                    };
                    let (a, b) = if reversed { (to, from) } else { (from, to) };
                    add(&mut graph, a, b, kind, rel);
                }
                continue;
            }
            for (to, kind, rel) in builtin_edges(e) {
                if let Some(to) = target(to).filter(|&t| t != usize::MAX) {
                    add(&mut graph, from, to, kind, rel);
                }
            }
            for r in policy.references_of(e.kind()) {
                for (_, id) in r.targets(e.value()) {
                    if let Some(to) = target(id).filter(|&t| t != usize::MAX) {
                        add(&mut graph, from, to, EdgeKind::Other, &r.role);
                    }
                }
            }
        }
        graph.mark_cycles();
        graph
    }

    /// Marks the edges of hard-dependency cycles: those inside a strongly connected
    /// component, and self-loops.
    fn mark_cycles(&mut self) {
        let n = self.nodes.len();
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for e in self.edges.iter().filter(|e| e.kind == EdgeKind::Hard) {
            out[e.from].push(e.to);
        }
        let component = components(&out);
        for e in &mut self.edges {
            // Two ends in one component (or one node): the edge lies on a cycle.
            e.cycle = e.kind == EdgeKind::Hard && component[e.from] == component[e.to];
        }
    }

    /// The node of an id (the first, for an id that several entities share).
    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// Keeps the nodes for which `keep` is true, and the edges between them.
    pub fn retain(&self, keep: &[bool]) -> Graph {
        let mut new_index = vec![usize::MAX; self.nodes.len()];
        let mut nodes = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if keep[i] {
                new_index[i] = nodes.len();
                nodes.push(n.clone());
            }
        }
        let edges = self
            .edges
            .iter()
            .filter(|e| keep[e.from] && keep[e.to])
            .map(|e| Edge {
                from: new_index[e.from],
                to: new_index[e.to],
                ..e.clone()
            })
            .collect();
        Graph { nodes, edges }
    }

    /// The nodes at most `depth` edges away from `focus`, following edges both ways.
    pub fn neighbourhood(&self, focus: usize, depth: usize) -> Vec<bool> {
        let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for e in &self.edges {
            adjacent[e.from].push(e.to);
            adjacent[e.to].push(e.from);
        }
        let mut distance = vec![usize::MAX; self.nodes.len()];
        distance[focus] = 0;
        let mut queue = VecDeque::from([focus]);
        while let Some(v) = queue.pop_front() {
            if distance[v] >= depth {
                continue;
            }
            for &w in &adjacent[v] {
                if distance[w] == usize::MAX {
                    distance[w] = distance[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        distance.iter().map(|&d| d != usize::MAX).collect()
    }

    /// Edges into and out of each node: (incoming, outgoing) edge indexes.
    pub fn incidence(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut incoming = vec![Vec::new(); self.nodes.len()];
        let mut outgoing = vec![Vec::new(); self.nodes.len()];
        for (i, e) in self.edges.iter().enumerate() {
            outgoing[e.from].push(i);
            incoming[e.to].push(i);
        }
        (incoming, outgoing)
    }
}

fn catalogue_format(policy: &Policy) -> Format {
    policy.kinds.format()
}

/// The human name of an entity.
pub fn display_name(e: EntityRef<'_>) -> Option<String> {
    e.str_at("/metadata/title")
        .or_else(|| e.str_at("/metadata/name"))
        .map(str::to_owned)
        .filter(|n| Some(n.as_str()) != e.entity.id.as_deref())
}

/// The built-in references of a catalint entity that make edges: (target id, kind, relation).
fn builtin_edges<'c>(e: EntityRef<'c>) -> Vec<(&'c str, EdgeKind, &'static str)> {
    let mut out = Vec::new();
    match e.kind() {
        Kind::Service => {
            if let Some(t) = e.str_at("/spec/owner/team") {
                out.push((t, EdgeKind::Owner, "owner"));
            }
            for d in e
                .get("/spec/dependencies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(t) = d.get("service").and_then(Value::as_str) else {
                    continue;
                };
                match d.get("kind").and_then(Value::as_str) {
                    Some("hard") => out.push((t, EdgeKind::Hard, "hard")),
                    _ => out.push((t, EdgeKind::Soft, "soft")),
                }
            }
        }
        Kind::Product => {
            if let Some(t) = e.str_at("/spec/service") {
                out.push((t, EdgeKind::Delivers, "service"));
            }
            if let Some(t) = e.str_at("/spec/team") {
                out.push((t, EdgeKind::Owner, "owner"));
            }
        }
        _ => {}
    }
    out
}

/// A Backstage entity's relations: (canonical target, kind, relation, reversed). A
/// `dependencyOf` or a group's `children` is drawn the way its inverse would be.
fn backstage_edges(e: EntityRef<'_>) -> Vec<(String, EdgeKind, &'static str, bool)> {
    use crate::catalogue::backstage::{namespace_of, reference};
    use crate::rules::backstage::relations;
    let namespace = namespace_of(e.value());
    let mut out = Vec::new();
    for relation in relations::of_kind(e.kind()) {
        for (_, written) in relations::written(e, relation) {
            let Ok(name) = reference::parse(written, relation.default_kind, namespace) else {
                continue;
            };
            let (kind, rel, reversed) = match relation.field {
                "dependsOn" => (EdgeKind::Hard, "dependsOn", false),
                "dependencyOf" => (EdgeKind::Hard, "dependsOn", true),
                "owner" => (EdgeKind::Owner, "owner", false),
                "children" => (EdgeKind::Other, "parent", true),
                "members" => (EdgeKind::Other, "memberOf", true),
                field => (EdgeKind::Other, field, false),
            };
            out.push((name.canonical(), kind, rel, reversed));
        }
    }
    out
}

/// Strongly connected components: a component number per node (the rules' walk,
/// [`crate::rules::graph::strongly_connected`]).
pub fn components(out: &[Vec<usize>]) -> Vec<usize> {
    let mut component = vec![usize::MAX; out.len()];
    let found = crate::rules::graph::strongly_connected(out.len(), |v, i| out[v].get(i).copied());
    for (c, members) in found.iter().enumerate() {
        for &v in members {
            component[v] = c;
        }
    }
    component
}

#[cfg(test)]
mod tests;
