//! The hard-dependency graph between services, built once per run and shared by the
//! rules that follow dependencies.

use std::collections::{HashMap, HashSet};

use crate::load::Node;

use crate::catalogue::{Catalogue, EntityRef, Kind};

/// Who may depend on an id: the indexes of entities that may name it (a superset of those
/// that do), as a workspace's index of mentions answers. One search asks it for many ids and
/// keeps every entity it was given, so an entity handed out once need not be handed out
/// again for another id (a workspace's answers are by file; a file's entities come once).
pub type Dependants<'d> = &'d dyn Fn(&str) -> Vec<usize>;

/// Hard-dependency graph over the catalogue's services.
pub struct Graph<'c> {
    pub nodes: Vec<EntityRef<'c>>,
    /// Per node: (target node, index of the dependency entry).
    pub edges: Vec<Vec<(usize, usize)>>,
}

impl<'c> Graph<'c> {
    /// Builds the graph of hard dependencies; unresolved ones are left out (another rule
    /// reports them). Linear in services plus dependencies.
    pub fn hard(catalogue: &'c Catalogue) -> Graph<'c> {
        let mut nodes = Vec::new();
        let mut index: HashMap<&'c str, usize> = HashMap::new();
        for s in catalogue.of_kind(Kind::Service) {
            if s.entity.id.is_some() && !index.contains_key(s.id()) {
                index.insert(s.id(), nodes.len());
                nodes.push(s);
            }
        }
        let edges = nodes
            .iter()
            .map(|s| {
                hard_dependencies(*s)
                    .filter_map(|(target, i)| index.get(target).map(|&t| (t, i)))
                    .collect()
            })
            .collect();
        Graph { nodes, edges }
    }

    /// The part of the graph around the services of `roots` (ids): them and the services
    /// they depend on, directly or (`closure`) through any number of hard dependencies. A
    /// node's edges are those of the whole graph; without `closure`, only the roots' are
    /// filled in. Nodes are numbered in catalogue order, as in [`Graph::hard`], so that
    /// what depends on the numbering (ties between equal targets) is the same. Costs what
    /// it holds, not what the catalogue holds.
    pub fn around<'r>(
        catalogue: &'c Catalogue,
        roots: impl IntoIterator<Item = &'r str>,
        closure: bool,
    ) -> Graph<'c> {
        let node = |id: &str| catalogue.by_id(id).find(|e| e.kind() == Kind::Service);
        let mut seen: HashMap<&'c str, bool> = HashMap::new();
        let mut found: Vec<EntityRef<'c>> = Vec::new();
        let mut todo: Vec<EntityRef<'c>> = Vec::new();
        for id in roots {
            if let Some(s) = node(id)
                && !seen.contains_key(s.id())
            {
                seen.insert(s.id(), true);
                todo.push(s);
            }
        }
        while let Some(s) = todo.pop() {
            found.push(s);
            for (target, _) in hard_dependencies(s) {
                if seen.contains_key(target) {
                    continue;
                }
                let Some(t) = node(target) else { continue };
                seen.insert(t.id(), closure);
                if closure {
                    todo.push(t);
                } else {
                    found.push(t);
                }
            }
        }
        found.sort_by_key(|e| e.index);
        let index: HashMap<&'c str, usize> =
            found.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
        let edges = found
            .iter()
            .map(|s| match seen.get(s.id()) {
                Some(true) => hard_dependencies(*s)
                    .filter_map(|(target, i)| index.get(target).map(|&t| (t, i)))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        Graph {
            nodes: found,
            edges,
        }
    }

    /// The part of the graph that holds the whole components of the services of `roots`:
    /// the services they reach, or those that reach them, whichever is found complete first
    /// (a component lies in both). The two searches go step by step side by side, so the
    /// cost is about the smaller of the two. `dependants` names the entities that may
    /// depend on an id (an over-approximation: each is checked for a hard dependency).
    pub fn holding_components<'r>(
        catalogue: &'c Catalogue,
        roots: impl IntoIterator<Item = &'r str>,
        dependants: Dependants<'_>,
    ) -> Graph<'c> {
        let node = |id: &str| catalogue.by_id(id).find(|e| e.kind() == Kind::Service);
        let mut start: Vec<EntityRef<'c>> = Vec::new();
        let mut seen_start: HashMap<&'c str, ()> = HashMap::new();
        for id in roots {
            if let Some(s) = node(id)
                && seen_start.insert(s.id(), ()).is_none()
            {
                start.push(s);
            }
        }
        let mut forward: HashMap<&'c str, EntityRef<'c>> =
            start.iter().map(|s| (s.id(), *s)).collect();
        let mut backward = forward.clone();
        let (mut todo_f, mut todo_b) = (start.clone(), start);
        // Each candidate dependant is examined once, its hard edges kept by target: one file
        // of 40,000 services names them all as candidates of each of them, and examining the
        // file's entities again for each would be quadratic.
        let mut examined: HashSet<usize> = HashSet::new();
        let mut edges_to: HashMap<&'c str, Vec<EntityRef<'c>>> = HashMap::new();
        let found = loop {
            match todo_f.pop() {
                None => break forward,
                Some(s) => {
                    for (target, _) in hard_dependencies(s) {
                        if !forward.contains_key(target)
                            && let Some(t) = node(target)
                        {
                            forward.insert(t.id(), t);
                            todo_f.push(t);
                        }
                    }
                }
            }
            match todo_b.pop() {
                None => break backward,
                Some(s) => {
                    for i in dependants(s.id()) {
                        let Some(d) = (i < catalogue.entities.len()).then(|| catalogue.entity(i))
                        else {
                            continue;
                        };
                        if !examined.insert(i) {
                            continue;
                        }
                        let is_node = d.kind() == Kind::Service
                            && d.entity.id.is_some()
                            && node(d.id()).is_some_and(|n| n.index == d.index);
                        if is_node {
                            for (t, _) in hard_dependencies(d) {
                                edges_to.entry(t).or_default().push(d);
                            }
                        }
                    }
                    for d in edges_to.get(s.id()).into_iter().flatten() {
                        if !backward.contains_key(d.id()) {
                            backward.insert(d.id(), *d);
                            todo_b.push(*d);
                        }
                    }
                }
            }
        };
        let mut nodes: Vec<EntityRef<'c>> = found.into_values().collect();
        nodes.sort_by_key(|e| e.index);
        let index: HashMap<&'c str, usize> =
            nodes.iter().enumerate().map(|(i, e)| (e.id(), i)).collect();
        let edges = nodes
            .iter()
            .map(|s| {
                hard_dependencies(*s)
                    .filter_map(|(target, i)| index.get(target).map(|&t| (t, i)))
                    .collect()
            })
            .collect();
        Graph { nodes, edges }
    }

    /// Strongly connected components (Tarjan), iteratively, so that a chain of 100,000
    /// services does not overflow the stack.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.nodes.len();
        const UNSEEN: usize = usize::MAX;
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut out = Vec::new();
        let mut next = 0;
        let mut work: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if index[root] != UNSEEN {
                continue;
            }
            work.push((root, 0));
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut edge)) = work.last_mut() {
                if let Some(&(w, _)) = self.edges[v].get(*edge) {
                    *edge += 1;
                    if index[w] == UNSEEN {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    work.pop();
                    if let Some(&(parent, _)) = work.last() {
                        low[parent] = low[parent].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let mut component = Vec::new();
                        while let Some(w) = stack.pop() {
                            on_stack[w] = false;
                            component.push(w);
                            if w == v {
                                break;
                            }
                        }
                        out.push(component);
                    }
                }
            }
        }
        out
    }
}

/// A service's hard dependencies as written: (the id named, the entry's index).
fn hard_dependencies<'c>(s: EntityRef<'c>) -> impl Iterator<Item = (&'c str, usize)> {
    s.get("/spec/dependencies")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, d)| d.get("kind").and_then(Node::as_str) == Some("hard"))
        .filter_map(|(i, d)| Some((d.get("service")?.as_str()?, i)))
}
