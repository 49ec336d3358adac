//! The dependency map as SVG, laid out when the site is built ([`crate::graph::layout`]):
//! each node a link to its page, hard dependencies solid, soft ones dashed, a product's
//! service bold, ownership faint (hidden until asked for), cycles and findings in red.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Context;
use super::html::{Links, esc};
use crate::catalogue::Kind;
use crate::graph::layout::{self, Layout, Options};
use crate::graph::{EdgeKind, Graph};

/// Neighbourhoods larger than this are left to the whole map.
pub(super) const NEAR_LIMIT: usize = 60;

pub(super) fn page(cx: &Context<'_>, links: &Links<'_>) -> (String, String) {
    let graph = &cx.graph;
    // Rows as wide as a screen for a small catalogue, wider for a large one (a map of
    // 10,000 boxes is explored by scrolling either way).
    let opts = Options {
        max_row: ((graph.nodes.len() as f64).sqrt() * 1.5).clamp(6.0, 24.0) as usize,
        ..Options::default()
    };
    // Ownership is hidden until asked for: it does not shape the layout (a team would pull
    // its services together across the whole map); its lines are drawn straight.
    let edges: Vec<(usize, usize)> = graph
        .edges
        .iter()
        .map(|e| match e.kind {
            EdgeKind::Owner => (usize::MAX, usize::MAX),
            _ => (e.from, e.to),
        })
        .collect();
    let mut l = layout::layout(graph.nodes.len(), &edges, &opts);
    for (k, e) in graph.edges.iter().enumerate() {
        if e.kind == EdgeKind::Owner {
            l.routes[k] = vec![l.positions[e.from], l.positions[e.to]];
        }
    }
    let nodes: Vec<usize> = (0..graph.nodes.len()).collect();
    let svg = svg(cx, graph, &nodes, &l, &opts, links, None);
    let mut h = String::with_capacity(svg.len() + 2048);
    let _ = write!(
        h,
        "<h1>Map</h1><p class=\"lead\">{} entities, {} relations. Each box is a link to its page; \
         arrows point at what a service depends on.</p>\
         <div class=\"maptools\" data-map-tools><button type=\"button\" data-zoom=\"out\" aria-label=\"Zoom out\">−</button>\
         <button type=\"button\" data-zoom=\"fit\">Fit</button><button type=\"button\" data-zoom=\"in\" aria-label=\"Zoom in\">+</button>\
         <label><input type=\"checkbox\" data-show-owners> Show ownership</label></div>{}\
         <div class=\"map\" id=\"map\" tabindex=\"0\" role=\"region\" aria-label=\"Dependency map\">{svg}</div>",
        crate::diagnostic::thousands(graph.nodes.len()),
        crate::diagnostic::thousands(graph.edges.len()),
        legend(),
    );
    ("Map".into(), h)
}

fn legend() -> &'static str {
    "<ul class=\"legend\" aria-label=\"Legend\"><li><svg width=\"36\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"36\" y2=\"5\" class=\"e hard\"/></svg> hard dependency</li>\
     <li><svg width=\"36\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"36\" y2=\"5\" class=\"e soft\"/></svg> soft dependency</li>\
     <li><svg width=\"36\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"36\" y2=\"5\" class=\"e delivers\"/></svg> product → its service</li>\
     <li><svg width=\"36\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"36\" y2=\"5\" class=\"e hard cycle\"/></svg> in a cycle</li>\
     <li><span class=\"swatch error\"></span> has errors</li><li><span class=\"swatch warning\"></span> has warnings</li></ul>"
}

/// The map of one node and its direct neighbours, when they are few.
pub(super) fn neighbourhood(cx: &Context<'_>, node: usize, links: &Links<'_>) -> Option<String> {
    let mut local: HashMap<usize, usize> = HashMap::new();
    let mut nodes = vec![node];
    local.insert(node, 0);
    for &k in cx.outgoing[node].iter().chain(&cx.incoming[node]) {
        let e = &cx.graph.edges[k];
        for v in [e.from, e.to] {
            if let std::collections::hash_map::Entry::Vacant(slot) = local.entry(v) {
                slot.insert(nodes.len());
                nodes.push(v);
            }
        }
    }
    if nodes.len() < 2 || nodes.len() > NEAR_LIMIT {
        return None;
    }
    let mut edges = Vec::new();
    for &v in &nodes {
        for &k in &cx.outgoing[v] {
            let e = &cx.graph.edges[k];
            if let (Some(&a), Some(&b)) = (local.get(&e.from), local.get(&e.to)) {
                edges.push((a, b, k));
            }
        }
    }
    let opts = Options {
        max_row: 6,
        ..Options::default()
    };
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let l = layout::layout(nodes.len(), &pairs, &opts);
    Some(svg_edges(cx, &nodes, &edges, &l, &opts, links, Some(0)))
}

fn svg(
    cx: &Context<'_>,
    graph: &Graph,
    nodes: &[usize],
    l: &Layout,
    opts: &Options,
    links: &Links<'_>,
    focus: Option<usize>,
) -> String {
    let edges: Vec<(usize, usize, usize)> = graph
        .edges
        .iter()
        .enumerate()
        .map(|(k, e)| (e.from, e.to, k))
        .collect();
    svg_edges(cx, nodes, &edges, l, opts, links, focus)
}

/// The SVG: `nodes[i]` is the graph node drawn at layout position i; `edges` are (local
/// from, local to, graph edge), routed as the layout says.
fn svg_edges(
    cx: &Context<'_>,
    nodes: &[usize],
    edges: &[(usize, usize, usize)],
    l: &Layout,
    opts: &Options,
    links: &Links<'_>,
    focus: Option<usize>,
) -> String {
    let mut s = String::with_capacity(nodes.len() * 320 + edges.len() * 90 + 1024);
    let (w, h) = (l.width.ceil(), l.height.ceil());
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"group\" aria-label=\"{} entities\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" class=\"tip\"/></marker>\
         <marker id=\"arrow-bad\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" class=\"tip bad\"/></marker></defs><g class=\"edges\">",
        nodes.len()
    );
    let half = opts.node_height / 2.0;
    for (k, &(_, _, edge)) in edges.iter().enumerate() {
        let route = &l.routes[k];
        if route.len() < 2 {
            continue;
        }
        let e = &cx.graph.edges[edge];
        let mut pts: Vec<(f64, f64)> = route.clone();
        // From the source's box edge to the target's, not centre to centre.
        let n = pts.len();
        let (dy0, dy1) = (pts[1].1 - pts[0].1, pts[n - 1].1 - pts[n - 2].1);
        pts[0].1 += half * dy0.signum();
        pts[n - 1].1 -= (half + 1.0) * dy1.signum();
        let mut d = format!("M{},{}", px(pts[0].0), px(pts[0].1));
        for p in pts.windows(2) {
            let (x0, y0, x1, y1) = (px(p[0].0), px(p[0].1), px(p[1].0), px(p[1].1));
            let my = (y0 + y1) / 2;
            let _ = write!(d, "C{x0},{my} {x1},{my} {x1},{y1}");
        }
        let class = format!(
            "e {}{}",
            e.kind.as_str(),
            if e.cycle { " cycle" } else { "" }
        );
        let marker = match e.kind {
            EdgeKind::Owner | EdgeKind::Other => "",
            _ if e.cycle => " marker-end=\"url(#arrow-bad)\"",
            _ => " marker-end=\"url(#arrow)\"",
        };
        let _ = write!(s, "<path class=\"{class}\" d=\"{d}\"{marker}/>");
    }
    s.push_str("</g><g class=\"nodes\">");
    let (nw, nh) = (opts.node_width, opts.node_height);
    for (i, &node) in nodes.iter().enumerate() {
        let n = &cx.graph.nodes[node];
        let (x, y) = l.positions[i];
        let (left, top) = (x - nw / 2.0, y - nh / 2.0);
        let state = if n.errors > 0 {
            " error"
        } else if n.warnings > 0 || n.exceeds {
            " warning"
        } else {
            ""
        };
        let shape = match n.kind {
            Kind::Product => 16.0,
            Kind::Team => 2.0,
            _ => 6.0,
        };
        let here = if focus == Some(i) { " here" } else { "" };
        let label = clip(n.label(), 21);
        let sub = clip(&format!("{} · {}", n.kind.as_str(), short_id(&n.id)), 27);
        // The visible text names the link; the tooltip has the whole name and the findings.
        let mut tip = format!("{} {} ({})", n.kind.as_str(), n.label(), n.id);
        if n.errors + n.warnings > 0 {
            let _ = write!(tip, ": {}", plain_counts(n.errors, n.warnings));
        }
        let _ = write!(
            s,
            "<a href=\"{}\" class=\"node k-{}{state}{here}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{shape}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text><text class=\"sub\" x=\"{}\" y=\"{}\">{}</text></a>",
            links.to(&cx.paths[node]),
            super::slug(n.kind.as_str()),
            esc(&tip),
            px(left),
            px(top),
            px(nw),
            px(nh),
            px(x),
            px(y - 3.0),
            esc(&label),
            px(x),
            px(y + 12.0),
            esc(&sub),
        );
    }
    s.push_str("</g></svg>");
    s
}

/// A coordinate in whole pixels: integer formatting, many times faster than `{:.0}` on a
/// float, and all a map needs.
fn px(v: f64) -> i64 {
    v.round() as i64
}

fn plain_counts(errors: usize, warnings: usize) -> String {
    let word = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => word(w, "warning"),
        (e, 0) => word(e, "error"),
        (e, w) => format!("{}, {}", word(e, "error"), word(w, "warning")),
    }
}

fn short_id(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
