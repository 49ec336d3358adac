//! A layered drawing of a directed graph (after Sugiyama, Tagawa and Toda), computed when
//! the site is built so that the map needs no Graphviz and no script:
//!
//! 1. cycles are broken by reversing the back edges of a depth-first search;
//! 2. nodes are put in layers by longest path, and sources are pulled down next to the
//!    nodes they point at (a product sits just above its service);
//! 3. edges that span layers get dummy nodes (up to a budget: past it, they are drawn
//!    straight), so that they bend around nodes instead of crossing them;
//! 4. crossings are reduced by barycentre sweeps, a fixed number of them, keeping the
//!    order with the fewest crossings (counted exactly, in O(E log V) per layer pair);
//! 5. x coordinates: each layer is placed as close as its neighbours pull it while keeping
//!    its order and spacing (an isotonic regression, exact and linear per layer); a layer
//!    wider than [`Options::max_row`] is wrapped onto several rows, so that a 1,000-wide
//!    fan-out is a block and not a line 200,000 pixels long.
//!
//! Every step is linear or O(E log V) in the graph with its dummies, with a fixed number of
//! sweeps: the cost is bounded whatever the catalogue's shape.

use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Options {
    pub node_width: f64,
    pub node_height: f64,
    /// Between two nodes of a row.
    pub gap: f64,
    /// Between two layers.
    pub layer_gap: f64,
    /// Between the rows of a wrapped layer.
    pub row_gap: f64,
    /// Nodes in one row; a wider layer is wrapped.
    pub max_row: usize,
    /// Barycentre sweeps (each one down and one up).
    pub sweeps: usize,
    /// Dummy nodes at most, for the whole graph.
    pub dummy_budget: usize,
    pub margin: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            node_width: 168.0,
            node_height: 40.0,
            gap: 16.0,
            layer_gap: 64.0,
            row_gap: 14.0,
            max_row: 24,
            sweeps: 4,
            dummy_budget: 200_000,
            margin: 16.0,
        }
    }
}

/// Where everything goes: node centres, and each edge's polyline from source to target.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub positions: Vec<(f64, f64)>,
    pub layer: Vec<usize>,
    /// Per input edge; empty for a self-loop.
    pub routes: Vec<Vec<(f64, f64)>>,
    pub width: f64,
    pub height: f64,
    /// Crossings between adjacent layers after reduction (dummy segments included).
    pub crossings: usize,
}

const DUMMY_WIDTH: f64 = 8.0;

/// Lays out `n` nodes and `edges` (pairs of node indexes; self-loops and repeats allowed).
pub fn layout(n: usize, edges: &[(usize, usize)], opts: &Options) -> Layout {
    // 1. One edge per ordered pair, self-loops aside; back edges reversed.
    let mut unique: HashMap<(usize, usize), usize> = HashMap::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &(a, b) in edges {
        if a != b && a < n && b < n {
            unique.entry((a, b)).or_insert_with(|| {
                pairs.push((a, b));
                pairs.len() - 1
            });
        }
    }
    let reversed = back_edges(n, &pairs);
    let dag: Vec<(usize, usize)> = pairs
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    // 2. Layers.
    let layer = layers(n, &dag);
    // 3. Dummies: every virtual node has a layer; `chains[k]` is the path of pair k.
    let mut vlayer = layer.clone();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let mut budget = opts.dummy_budget;
    for &(a, b) in &dag {
        let span = layer[b].saturating_sub(layer[a]);
        let mut chain = vec![a];
        if span > 1 && span - 1 <= budget {
            budget -= span - 1;
            for l in layer[a] + 1..layer[b] {
                vlayer.push(l);
                chain.push(vlayer.len() - 1);
            }
        }
        chain.push(b);
        for w in chain.windows(2) {
            if vlayer[w[1]] == vlayer[w[0]] + 1 {
                segments.push((w[0], w[1]));
            }
        }
        chains.push(chain);
    }
    let total = vlayer.len();
    let depth = vlayer.iter().max().map_or(0, |&l| l + 1);
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); total];
    for &(a, b) in &segments {
        down[a].push(b);
        up[b].push(a);
    }
    // 4. Order within layers.
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in 0..total {
        order[vlayer[v]].push(v);
    }
    let crossings = reduce_crossings(&mut order, &up, &down, opts.sweeps);
    // 5. Coordinates.
    let width_of = |v: usize| {
        if v < n { opts.node_width } else { DUMMY_WIDTH }
    };
    let mut x = vec![0.0; total];
    let mut y = vec![0.0; total];
    let mut top = opts.margin;
    for row in &order {
        let real = row.iter().filter(|&&v| v < n).count();
        if real > opts.max_row {
            top = wrap(row, n, opts, top, &mut x, &mut y, &up);
            continue;
        }
        let mut at = 0.0;
        for (k, &v) in row.iter().enumerate() {
            if k > 0 {
                at += (width_of(row[k - 1]) + width_of(v)) / 2.0 + opts.gap;
            }
            x[v] = at;
            y[v] = top + opts.node_height / 2.0;
        }
        top += opts.node_height + opts.layer_gap;
    }
    let wide: Vec<bool> = order
        .iter()
        .map(|row| row.iter().filter(|&&v| v < n).count() > opts.max_row)
        .collect();
    for _ in 0..opts.sweeps.max(1) {
        for l in 1..depth {
            if !wide[l] {
                place(&order[l], &up, &mut x, &width_of, opts.gap);
            }
        }
        for l in (0..depth.saturating_sub(1)).rev() {
            if !wide[l] {
                place(&order[l], &down, &mut x, &width_of, opts.gap);
            }
        }
    }
    // A layer of nodes without edges (the bottom one, see `layers`) is centred under the
    // rest rather than left where it started.
    let lone = |v: usize| up[v].is_empty() && down[v].is_empty();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in (0..total).filter(|&v| !lone(v)) {
        lo = lo.min(x[v]);
        hi = hi.max(x[v]);
    }
    if lo.is_finite() {
        for row in order.iter().filter(|row| row.iter().all(|&v| lone(v))) {
            let (a, b) = row
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(x[v]), b.max(x[v]))
                });
            let shift = (lo + hi) / 2.0 - (a + b) / 2.0;
            for &v in row {
                x[v] += shift;
            }
        }
    }
    // Shift everything right of the margin.
    let left = (0..total)
        .map(|v| x[v] - width_of(v) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if left.is_finite() {
        opts.margin - left
    } else {
        0.0
    };
    for v in &mut x {
        *v += shift;
    }
    let width = (0..total)
        .map(|v| x[v] + width_of(v) / 2.0)
        .fold(0.0, f64::max)
        + opts.margin;
    let height = (0..total)
        .map(|v| y[v] + opts.node_height / 2.0)
        .fold(0.0, f64::max)
        + opts.margin;
    let routes = edges
        .iter()
        .map(|&(a, b)| {
            let Some(&k) = unique.get(&(a, b)) else {
                // A self-loop, or an edge to no node.
                return Vec::new();
            };
            let mut points: Vec<(f64, f64)> = chains[k].iter().map(|&v| (x[v], y[v])).collect();
            if reversed[k] {
                points.reverse();
            }
            points
        })
        .collect();
    Layout {
        positions: (0..n).map(|v| (x[v], y[v])).collect(),
        layer,
        routes,
        width,
        height,
        crossings,
    }
}

/// Which pairs are back edges of a depth-first search (iterative: a chain of 100,000 nodes
/// does not overflow the stack). Reversing them leaves a graph without cycles.
fn back_edges(n: usize, pairs: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, &(a, b)) in pairs.iter().enumerate() {
        out[a].push((b, k));
    }
    // 0 unseen, 1 on the path, 2 done.
    let mut state = vec![0u8; n];
    let mut back = vec![false; pairs.len()];
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        work.push((root, 0));
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&(w, k)) = out[v].get(*i) {
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        work.push((w, 0));
                    }
                    1 => back[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                work.pop();
            }
        }
    }
    back
}

/// Longest-path layers of an acyclic graph, then each source moved down to just above the
/// nearest node it points at.
fn layers(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in dag {
        out[a].push(b);
        indegree[b] += 1;
    }
    let sources: Vec<bool> = indegree.iter().map(|&d| d == 0).collect();
    let isolated: Vec<bool> = (0..n)
        .map(|v| indegree[v] == 0 && out[v].is_empty())
        .collect();
    let mut topo: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut i = 0;
    while i < topo.len() {
        let v = topo[i];
        i += 1;
        for &w in &out[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                topo.push(w);
            }
        }
    }
    let mut layer = vec![0usize; n];
    for &v in &topo {
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    for &v in topo.iter().rev() {
        if sources[v] && !out[v].is_empty() {
            let nearest = out[v].iter().map(|&w| layer[w]).min().unwrap_or(1);
            layer[v] = nearest.saturating_sub(1);
        }
    }
    // Entities that relate to nothing go below the rest, out of the way of the edges.
    if isolated.iter().any(|&i| !i) {
        let bottom = (0..n)
            .filter(|&v| !isolated[v])
            .map(|v| layer[v])
            .max()
            .unwrap_or(0)
            + 1;
        for v in 0..n {
            if isolated[v] {
                layer[v] = bottom;
            }
        }
    }
    layer
}

/// Barycentre sweeps down and up, keeping the best order found; returns its crossings.
fn reduce_crossings(
    order: &mut [Vec<usize>],
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    sweeps: usize,
) -> usize {
    let total: usize = order.iter().map(Vec::len).sum();
    let mut pos = vec![0usize; total];
    let index = |order: &[Vec<usize>], pos: &mut [usize]| {
        for row in order {
            for (k, &v) in row.iter().enumerate() {
                pos[v] = k;
            }
        }
    };
    index(order, &mut pos);
    let mut best = count_crossings(order, down, &pos);
    let mut best_order = order.to_vec();
    for _ in 0..sweeps {
        if best == 0 {
            break;
        }
        for row in order.iter_mut().skip(1) {
            sort_by_barycentre(row, up, &mut pos);
        }
        let last = order.len().saturating_sub(1);
        for row in order[..last].iter_mut().rev() {
            sort_by_barycentre(row, down, &mut pos);
        }
        let c = count_crossings(order, down, &pos);
        if c < best {
            best = c;
            best_order = order.to_vec();
        }
    }
    order.clone_from_slice(&best_order);
    best
}

/// Sorts a layer by the mean position of each node's neighbours in the adjacent layer; a
/// node without neighbours keeps its place.
fn sort_by_barycentre(row: &mut [usize], neighbours: &[Vec<usize>], pos: &mut [usize]) {
    let mut keyed: Vec<(f64, usize)> = row
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let ns = &neighbours[v];
            let key = if ns.is_empty() {
                k as f64
            } else {
                // Scaled to this layer's width, so that keepers and movers interleave.
                ns.iter().map(|&w| pos[w] as f64).sum::<f64>() / ns.len() as f64
            };
            (key, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (k, (_, v)) in keyed.into_iter().enumerate() {
        row[k] = v;
        pos[v] = k;
    }
}

/// Crossings between every pair of adjacent layers: for edges sorted by their upper end,
/// the inversions among their lower ends (a Fenwick tree).
pub fn count_crossings(order: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for l in 0..order.len().saturating_sub(1) {
        let width = order[l + 1].len();
        let mut ends: Vec<(usize, usize)> = Vec::new();
        for &v in &order[l] {
            for &w in &down[v] {
                ends.push((pos[v], pos[w]));
            }
        }
        ends.sort_unstable();
        let mut tree = vec![0usize; width + 1];
        for (seen, &(_, lower)) in ends.iter().enumerate() {
            // Edges seen so far whose lower end lies strictly right of this one cross it.
            let mut at_most = 0;
            let mut i = lower + 1;
            while i > 0 {
                at_most += tree[i];
                i &= i - 1;
            }
            total += seen - at_most;
            let mut i = lower + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Places a layer's nodes as near as possible (least squares) to the mean x of their
/// neighbours, keeping their order and the spacing between them: with `o_k` the least
/// offset of node k from the first, fit `x_k - o_k` by a non-decreasing sequence (pool
/// adjacent violators).
fn place(
    row: &[usize],
    neighbours: &[Vec<usize>],
    x: &mut [f64],
    width_of: &dyn Fn(usize) -> f64,
    gap: f64,
) {
    if row.is_empty() {
        return;
    }
    let mut offset = Vec::with_capacity(row.len());
    let mut at = 0.0;
    for (k, &v) in row.iter().enumerate() {
        if k > 0 {
            at += (width_of(row[k - 1]) + width_of(v)) / 2.0 + gap;
        }
        offset.push(at);
    }
    let wanted: Vec<f64> = row
        .iter()
        .map(|&v| {
            let ns = &neighbours[v];
            if ns.is_empty() {
                x[v]
            } else {
                ns.iter().map(|&w| x[w]).sum::<f64>() / ns.len() as f64
            }
        })
        .collect();
    // Blocks of (mean, weight).
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for k in 0..row.len() {
        blocks.push((wanted[k] - offset[k], 1));
        while blocks.len() > 1 {
            let (b, wb) = blocks[blocks.len() - 1];
            let (a, wa) = blocks[blocks.len() - 2];
            if a <= b {
                break;
            }
            blocks.pop();
            let merged = (a * wa as f64 + b * wb as f64) / (wa + wb) as f64;
            if let Some(last) = blocks.last_mut() {
                *last = (merged, wa + wb);
            }
        }
    }
    let mut k = 0;
    for (value, count) in blocks {
        for _ in 0..count {
            x[row[k]] = value + offset[k];
            k += 1;
        }
    }
}

/// A layer too wide for one row: its nodes in rows of `max_row`, each row centred on 0,
/// its dummies at their neighbours' mean on the first row. Returns the next layer's top.
fn wrap(
    row: &[usize],
    n: usize,
    opts: &Options,
    top: f64,
    x: &mut [f64],
    y: &mut [f64],
    up: &[Vec<usize>],
) -> f64 {
    let real: Vec<usize> = row.iter().copied().filter(|&v| v < n).collect();
    let pitch = opts.node_width + opts.gap;
    let rows = real.len().div_ceil(opts.max_row.max(1));
    for (k, &v) in real.iter().enumerate() {
        let r = k / opts.max_row.max(1);
        let c = k % opts.max_row.max(1);
        let in_row = (real.len() - r * opts.max_row).min(opts.max_row);
        x[v] = (c as f64 - (in_row as f64 - 1.0) / 2.0) * pitch;
        y[v] = top + r as f64 * (opts.node_height + opts.row_gap) + opts.node_height / 2.0;
    }
    for &v in row.iter().filter(|&&v| v >= n) {
        let ns = &up[v];
        x[v] = if ns.is_empty() {
            0.0
        } else {
            ns.iter().map(|&w| x[w]).sum::<f64>() / ns.len() as f64
        };
        y[v] = top + opts.node_height / 2.0;
    }
    top + rows as f64 * (opts.node_height + opts.row_gap) - opts.row_gap + opts.layer_gap
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
