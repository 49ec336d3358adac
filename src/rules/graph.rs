//! The hard-dependency graph between services, built once per run and shared by the
//! rules that follow dependencies.

use std::collections::{HashMap, HashSet};

use crate::load::Node;

use crate::catalogue::{Catalogue, EntityRef, Kind};

/// Who may depend on an id: groups of entities that may name it (a superset of those that
/// do), each a range of entity indexes: a file's entities, or one document's when a
/// workspace indexes the documents of a large file, as its index of mentions answers.
/// Groups never overlap. A search asks it for many ids and examines each group once
/// ([`Candidates`]): one file of 40,000 services names them all, and examining its
/// entities again for each would be quadratic.
pub type Dependants<'d> = &'d dyn Fn(&str) -> Vec<std::ops::Range<usize>>;

/// The entities [`Dependants`] names, each group handed out once per search.
pub struct Candidates<'c, 'd> {
    catalogue: &'c Catalogue,
    dependants: Dependants<'d>,
    /// The groups examined, by their first entity (groups never overlap).
    examined: HashSet<usize>,
}

impl<'c, 'd> Candidates<'c, 'd> {
    pub fn new(catalogue: &'c Catalogue, dependants: Dependants<'d>) -> Self {
        Candidates {
            catalogue,
            dependants,
            examined: HashSet::new(),
        }
    }

    /// The entities of the files that may name `id` and were not handed out before.
    pub fn fresh(&mut self, id: &str) -> Vec<EntityRef<'c>> {
        let mut out = Vec::new();
        for entities in (self.dependants)(id) {
            // An empty group holds nothing, and its start may be the next group's.
            if !entities.is_empty() && self.examined.insert(entities.start) {
                out.extend(
                    entities
                        .filter(|&i| i < self.catalogue.entities.len())
                        .map(|i| self.catalogue.entity(i)),
                );
            }
        }
        out
    }
}

/// The services with a hard dependency on a service, found on demand through
/// [`Dependants`]: each candidate examined once, its hard edges kept by target.
pub struct HardAbove<'c, 'd> {
    catalogue: &'c Catalogue,
    candidates: Candidates<'c, 'd>,
    edges_to: HashMap<&'c str, Vec<EntityRef<'c>>>,
}

impl<'c, 'd> HardAbove<'c, 'd> {
    pub fn new(catalogue: &'c Catalogue, dependants: Dependants<'d>) -> Self {
        HardAbove {
            catalogue,
            candidates: Candidates::new(catalogue, dependants),
            edges_to: HashMap::new(),
        }
    }

    /// The graph's nodes with a hard dependency on the service `id`.
    pub fn of(&mut self, id: &str) -> Vec<EntityRef<'c>> {
        for d in self.candidates.fresh(id) {
            let is_node = d.kind() == Kind::Service
                && d.entity.id.is_some()
                && service(self.catalogue, d.id()).is_some_and(|n| n.index == d.index);
            if is_node {
                for (t, _) in hard_dependencies(d) {
                    self.edges_to.entry(t).or_default().push(d);
                }
            }
        }
        self.edges_to.get(id).cloned().unwrap_or_default()
    }

    /// Every service that reaches one of `roots` by hard dependencies, the roots included
    /// (those that are services), in catalogue order.
    pub fn closure_of<'r>(
        &mut self,
        roots: impl IntoIterator<Item = &'r str>,
    ) -> Vec<EntityRef<'c>> {
        let mut seen: HashMap<&'c str, EntityRef<'c>> = HashMap::new();
        let mut todo: Vec<EntityRef<'c>> = Vec::new();
        for id in roots {
            if let Some(s) = service(self.catalogue, id)
                && !seen.contains_key(s.id())
            {
                seen.insert(s.id(), s);
                todo.push(s);
            }
        }
        while let Some(s) = todo.pop() {
            for d in self.of(s.id()) {
                if !seen.contains_key(d.id()) {
                    seen.insert(d.id(), d);
                    todo.push(d);
                }
            }
        }
        let mut found: Vec<EntityRef<'c>> = seen.into_values().collect();
        found.sort_by_key(|e| e.index);
        found
    }
}

/// The node a graph of services has for `id`: the first service with it.
fn service<'c>(catalogue: &'c Catalogue, id: &str) -> Option<EntityRef<'c>> {
    catalogue.by_id(id).find(|e| e.kind() == Kind::Service)
}

/// Of two searches from `start`, one following `forward` and one `backward` step by step
/// side by side, the set of the one that completes first: either holds the whole strongly
/// connected components of the starts, and the cost is about the smaller of the two.
pub fn first_closed<T: Copy + Eq + std::hash::Hash>(
    start: &[T],
    mut forward: impl FnMut(T) -> Vec<T>,
    mut backward: impl FnMut(T) -> Vec<T>,
) -> HashSet<T> {
    let mut ahead: HashSet<T> = start.iter().copied().collect();
    let mut behind = ahead.clone();
    let (mut todo_f, mut todo_b) = (start.to_vec(), start.to_vec());
    loop {
        match todo_f.pop() {
            None => return ahead,
            Some(v) => {
                for w in forward(v) {
                    if ahead.insert(w) {
                        todo_f.push(w);
                    }
                }
            }
        }
        match todo_b.pop() {
            None => return behind,
            Some(v) => {
                for w in backward(v) {
                    if behind.insert(w) {
                        todo_b.push(w);
                    }
                }
            }
        }
    }
}

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
        let node = |id: &str| service(catalogue, id);
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
    /// ([`first_closed`]). `dependants` names the entities that may depend on an id (an
    /// over-approximation: each is checked for a hard dependency).
    pub fn holding_components<'r>(
        catalogue: &'c Catalogue,
        roots: impl IntoIterator<Item = &'r str>,
        dependants: Dependants<'_>,
    ) -> Graph<'c> {
        let mut start: Vec<usize> = Vec::new();
        for id in roots {
            if let Some(s) = service(catalogue, id) {
                start.push(s.index);
            }
        }
        start.sort_unstable();
        start.dedup();
        let mut above = HardAbove::new(catalogue, dependants);
        let found = first_closed(
            &start,
            |v| {
                hard_dependencies(catalogue.entity(v))
                    .filter_map(|(target, _)| service(catalogue, target))
                    .map(|t| t.index)
                    .collect()
            },
            |v| {
                let id = catalogue.entity(v).id();
                above.of(id).into_iter().map(|d| d.index).collect()
            },
        );
        let mut nodes: Vec<EntityRef<'c>> =
            found.into_iter().map(|i| catalogue.entity(i)).collect();
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

    /// Strongly connected components, dependencies first (see [`strongly_connected`]).
    pub fn components(&self) -> Vec<Vec<usize>> {
        strongly_connected(self.nodes.len(), |v, i| {
            self.edges[v].get(i).map(|&(w, _)| w)
        })
    }
}

/// Strongly connected components of a graph of `n` nodes (Tarjan), iteratively, so that a
/// chain of 100,000 services does not overflow the stack: the one walk behind
/// `dependency-cycle`, the transitive availability scope and the site map's cycle marks.
/// `successor(v, i)` is the target of `v`'s `i`th edge (`None` past its last). Components
/// come in the order Tarjan's algorithm finds them: each after every one it reaches.
pub fn strongly_connected(
    n: usize,
    successor: impl Fn(usize, usize) -> Option<usize>,
) -> Vec<Vec<usize>> {
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
            if let Some(w) = successor(v, *edge) {
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
