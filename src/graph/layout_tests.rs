use super::*;

/// No two nodes overlap: within each row (same y), sorted by x, neighbours are at least a
/// node width plus the gap apart.
fn assert_no_overlap(l: &Layout, opts: &Options) {
    let mut rows: HashMap<i64, Vec<f64>> = HashMap::new();
    for &(x, y) in &l.positions {
        rows.entry(y.round() as i64).or_default().push(x);
    }
    for xs in rows.values_mut() {
        xs.sort_by(f64::total_cmp);
        for w in xs.windows(2) {
            assert!(
                w[1] - w[0] >= opts.node_width + opts.gap - 1e-6,
                "overlap: {} and {}",
                w[0],
                w[1]
            );
        }
    }
    for &(x, y) in &l.positions {
        assert!(x - opts.node_width / 2.0 >= 0.0 && x + opts.node_width / 2.0 <= l.width);
        assert!(y - opts.node_height / 2.0 >= 0.0 && y + opts.node_height / 2.0 <= l.height);
    }
}

#[test]
fn a_chain_is_one_straight_column() {
    let opts = Options::default();
    let l = layout(3, &[(0, 1), (1, 2)], &opts);
    assert_eq!(l.layer, [0, 1, 2]);
    assert!((l.positions[0].0 - l.positions[2].0).abs() < 1e-6);
    assert!(l.positions[0].1 < l.positions[1].1 && l.positions[1].1 < l.positions[2].1);
    assert_eq!(l.crossings, 0);
    assert_eq!(l.routes[0].len(), 2);
}

#[test]
fn a_cycle_is_broken_and_every_edge_still_drawn() {
    let opts = Options::default();
    let edges = [(0, 1), (1, 2), (2, 0), (1, 1)];
    let l = layout(3, &edges, &opts);
    let mut layers = l.layer.clone();
    layers.sort_unstable();
    layers.dedup();
    assert_eq!(layers.len(), 3, "the cycle becomes a chain of three layers");
    for (k, &(a, b)) in edges.iter().enumerate() {
        let route = &l.routes[k];
        if a == b {
            assert!(route.is_empty(), "a self-loop has no route");
            continue;
        }
        // Routes run from the edge's source to its target, reversed edges included.
        assert_eq!(route.first(), Some(&l.positions[a]));
        assert_eq!(route.last(), Some(&l.positions[b]));
    }
    assert_no_overlap(&l, &opts);
}

#[test]
fn a_long_edge_bends_through_dummies_within_budget() {
    let opts = Options::default();
    // 0 -> 1 -> 2 -> 3 and 0 -> 3: the long edge gets two dummies.
    let edges = [(0, 1), (1, 2), (2, 3), (0, 3)];
    let l = layout(4, &edges, &opts);
    assert_eq!(l.routes[3].len(), 4);
    let none = Options {
        dummy_budget: 0,
        ..Options::default()
    };
    let l = layout(4, &edges, &none);
    assert_eq!(
        l.routes[3].len(),
        2,
        "past the budget the edge is drawn straight"
    );
}

#[test]
fn barycentre_sweeps_remove_a_needless_crossing() {
    // Sources 0 and 1 (first layer), targets 2 and 3: 0 -> 3 and 1 -> 2 cross in input
    // order; the sweep untangles them.
    let l = layout(4, &[(0, 3), (1, 2)], &Options::default());
    assert_eq!(l.crossings, 0);
    let (a, b) = (
        l.positions[0].0 < l.positions[1].0,
        l.positions[3].0 < l.positions[2].0,
    );
    assert_eq!(a, b, "the two edges do not cross");
}

#[test]
fn crossings_are_counted_exactly() {
    // Layer 0: a b c, layer 1: x y z; edges a-z, b-y, c-x cross pairwise: 3 crossings.
    let order = vec![vec![0, 1, 2], vec![3, 4, 5]];
    let mut down = vec![Vec::new(); 6];
    down[0].push(5);
    down[1].push(4);
    down[2].push(3);
    let pos = [0, 1, 2, 0, 1, 2];
    assert_eq!(count_crossings(&order, &down, &pos), 3);
    down[0] = vec![3];
    down[2] = vec![5];
    assert_eq!(count_crossings(&order, &down, &pos), 0);
}

#[test]
fn a_thousand_wide_fan_out_wraps_into_a_block() {
    let opts = Options::default();
    let n = 1001;
    let edges: Vec<(usize, usize)> = (1..n).map(|i| (0, i)).collect();
    let l = layout(n, &edges, &opts);
    let pitch = opts.node_width + opts.gap;
    assert!(
        l.width <= opts.max_row as f64 * pitch + 2.0 * opts.margin,
        "width {} is bounded by the row length",
        l.width
    );
    let rows = 1000usize.div_ceil(opts.max_row) as f64;
    assert!(l.height <= (rows + 2.0) * (opts.node_height + opts.layer_gap));
    assert_no_overlap(&l, &opts);
    // And the same fan-in, the other way round.
    let edges: Vec<(usize, usize)> = (1..n).map(|i| (i, 0)).collect();
    let l = layout(n, &edges, &opts);
    assert_no_overlap(&l, &opts);
}

#[test]
fn a_dense_cyclic_graph_lays_out_without_overlap_and_deterministically() {
    // Every node points at the next three, modulo n: cycles everywhere.
    let n = 300;
    let edges: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (1..4).map(move |k| (i, (i * 7 + k * 13) % n)))
        .collect();
    let opts = Options::default();
    let a = layout(n, &edges, &opts);
    let b = layout(n, &edges, &opts);
    assert_eq!(a.positions, b.positions);
    assert_no_overlap(&a, &opts);
    assert_eq!(a.routes.len(), edges.len());
    assert!(a.routes.iter().all(|r| r.len() >= 2));
}

#[test]
fn a_long_chain_does_not_overflow_the_stack() {
    let n = 100_000;
    let edges: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).chain([(n - 1, 0)]).collect();
    let l = layout(n, &edges, &Options::default());
    assert_eq!(l.positions.len(), n);
}

#[test]
fn an_empty_graph_has_an_empty_layout() {
    let l = layout(0, &[], &Options::default());
    assert!(l.positions.is_empty() && l.routes.is_empty());
}

#[test]
fn nodes_without_edges_go_below_the_rest() {
    let l = layout(4, &[(0, 1)], &Options::default());
    assert_eq!(l.layer, [0, 1, 2, 2]);
    assert!(l.positions[2].1 > l.positions[1].1);
    // Only isolated nodes: one layer.
    let l = layout(3, &[], &Options::default());
    assert_eq!(l.layer, [0, 0, 0]);
}
