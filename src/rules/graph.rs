//! The hard-dependency graph between services, built once per run and shared by the
//! rules that follow dependencies.

use std::collections::HashMap;

use crate::load::Node;

use crate::catalogue::{Catalogue, EntityRef, Kind};

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
                let Some(deps) = s.get("/spec/dependencies").and_then(Node::as_array) else {
                    return Vec::new();
                };
                deps.iter()
                    .enumerate()
                    .filter(|(_, d)| d.get("kind").and_then(Node::as_str) == Some("hard"))
                    .filter_map(|(i, d)| {
                        let target = d.get("service")?.as_str()?;
                        index.get(target).map(|&t| (t, i))
                    })
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
