use super::*;
use crate::engine::check_texts;

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: T}\nspec: {email: t@example.org}\n";

fn service(id: &str, target: &str, deps: &[(&str, &str)]) -> String {
    let mut s = format!(
        "apiVersion: catalogue/v1\nkind: Service\nmetadata: {{id: {id}, name: \"Svc {id}\"}}\nspec:\n  category: application\n  facing: supporting\n  lifecycle: live\n  criticality: 3\n  owner: {{team: t, serviceOwner: o@example.org}}\n  supportGroup: t\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n    availability: {{target: {target}, measuredDuring: 24x7}}\n    incident: [{{priority: P1, response: 15m, resolution: 4h}}, {{priority: P2, response: 30m, resolution: 8h}}, {{priority: P3, response: 4h, resolution: 3d}}, {{priority: P4, response: 1d, resolution: 2w}}]\n    recovery: {{rto: 4h, rpo: 15m}}\n"
    );
    if !deps.is_empty() {
        s.push_str("  dependencies:\n");
        for (d, kind) in deps {
            s.push_str(&format!("    - {{service: {d}, kind: {kind}}}\n"));
        }
    }
    s
}

fn graph(docs: &[String]) -> Graph {
    let policy = Policy::builtin().unwrap();
    let text = docs.join("---\n");
    let (catalogue, diagnostics) = check_texts(
        &[("teams.yaml", TEAM), ("s.yaml", &text)],
        &policy.schemas,
        &policy,
    );
    Graph::build(&catalogue, &policy, &diagnostics)
}

fn edge<'g>(g: &'g Graph, from: &str, to: &str) -> &'g Edge {
    g.edges
        .iter()
        .find(|e| g.nodes[e.from].id == from && g.nodes[e.to].id == to)
        .unwrap_or_else(|| panic!("no edge {from} -> {to}"))
}

#[test]
fn dependencies_ownership_and_cycles() {
    let g = graph(&[
        service("a", "99.9", &[("b", "hard"), ("c", "soft")]),
        service("b", "99.9", &[("a", "hard")]),
        service("c", "99.9", &[("missing", "hard")]),
    ]);
    assert_eq!(g.nodes.len(), 4, "three services and the team");
    assert_eq!(edge(&g, "a", "b").kind, EdgeKind::Hard);
    assert!(edge(&g, "a", "b").cycle && edge(&g, "b", "a").cycle);
    assert_eq!(edge(&g, "a", "c").kind, EdgeKind::Soft);
    assert!(!edge(&g, "a", "c").cycle);
    assert_eq!(edge(&g, "c", "t").kind, EdgeKind::Owner);
    // The unresolved dependency is no edge, and its finding is on `c`'s node.
    assert!(g.edges.iter().all(|e| g.nodes[e.to].id != "missing"));
    let c = &g.nodes[g.find("c").unwrap()];
    assert_eq!(c.errors, 1);
    assert_eq!(c.label(), "Svc c");
}

#[test]
fn a_service_promising_more_than_its_hard_dependencies_is_marked() {
    let g = graph(&[
        service("app", "99.99", &[("db", "hard")]),
        service("db", "99.9", &[]),
    ]);
    assert!(g.nodes[g.find("app").unwrap()].exceeds);
    assert!(!g.nodes[g.find("db").unwrap()].exceeds);
}

#[test]
fn a_neighbourhood_follows_edges_both_ways_up_to_the_depth() {
    let g = graph(&[
        service("a", "99", &[("b", "hard")]),
        service("b", "99", &[("c", "hard")]),
        service("c", "99", &[]),
    ]);
    let ids = |keep: Vec<bool>| {
        let mut v: Vec<String> = g.retain(&keep).nodes.into_iter().map(|n| n.id).collect();
        v.sort();
        v
    };
    let b = g.find("b").unwrap();
    assert_eq!(ids(g.neighbourhood(b, 0)), ["b"]);
    // b's neighbours: a (depends on b), c (b depends on it), t (owns b).
    assert_eq!(ids(g.neighbourhood(b, 1)), ["a", "b", "c", "t"]);
    let sub = g.retain(&g.neighbourhood(g.find("a").unwrap(), 1));
    assert!(
        sub.edges
            .iter()
            .all(|e| e.from < sub.nodes.len() && e.to < sub.nodes.len())
    );
}

#[test]
fn components_are_found_iteratively() {
    let n = 200_000;
    let out: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
    let c = components(&out);
    assert!(c.iter().all(|&x| x == c[0]), "one ring, one component");
}
