//! A page per entity: its facts, service levels (the SLA per priority as a table), what it
//! promises against what its hard dependencies allow, its relations both ways, its
//! neighbourhood drawn, its findings with their snippets, and every field it holds.

use std::fmt::Write as _;

use super::fields::{scalar, tree};
use super::html::{Links, esc};
use super::{Context, map};
use crate::catalogue::{EntityRef, Kind};
use crate::diagnostic::Diagnostic;
use crate::graph::EdgeKind;
use crate::load::Node;

/// (title, main) of the page of graph node `node`.
pub(super) fn page(cx: &Context<'_>, node: usize, links: &Links<'_>) -> (String, String) {
    let n = &cx.graph.nodes[node];
    let e = cx.input.catalogue.entity(n.entity);
    let mut h = String::with_capacity(8 * 1024);
    let title = n.label().to_owned();
    let _ = write!(
        h,
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"{}\">Catalogue</a> › {}</nav>\
         <h1>{}</h1><p class=\"sub\"><span class=\"kind k-{}\">{}</span> <code>{}</code></p>",
        links.to("index.html"),
        esc(n.kind.as_str()),
        esc(&title),
        super::slug(n.kind.as_str()),
        esc(n.kind.as_str()),
        esc(&n.id),
    );
    if let Some(d) = e.str_at("/metadata/description") {
        let _ = write!(h, "<p class=\"lead\">{}</p>", esc(d));
    }
    chips(&mut h, e);
    findings_section(cx, &mut h, &cx.findings[n.entity], links);
    h.push_str("<div class=\"cols\">");
    facts(cx, &mut h, e, links);
    if n.kind == Kind::Service {
        service_levels(&mut h, e);
        availability(cx, &mut h, node, e);
    }
    h.push_str("</div>");
    if n.kind == Kind::Service {
        offerings(&mut h, e);
    }
    relations(cx, &mut h, node, links);
    if let Some(svg) = map::neighbourhood(cx, node, links) {
        let _ = write!(
            h,
            "<section><h2>Neighbourhood</h2>\
             <div class=\"map small\" tabindex=\"0\" role=\"region\" aria-label=\"Map of {} and its neighbours\">{svg}</div></section>",
            esc(&title)
        );
    } else {
        // Past the limit a drawing is a wall of boxes: the table above lists them all.
        let _ = write!(
            h,
            "<section><h2>Neighbourhood</h2><p class=\"sub\">Too many neighbours to draw here \
             (over {}): each is listed under Relations above, and all are on the <a href=\"{}\">map</a>.</p></section>",
            map::NEAR_LIMIT,
            links.to("map.html")
        );
    }
    let _ = write!(
        h,
        "<section><h2>Every field</h2>{}</section>",
        tree(e.value(), 0)
    );
    let source = format!("{}:{}", n.file, n.line);
    let _ = write!(
        h,
        "<p class=\"source\">Defined in <code>{}</code>",
        esc(&source)
    );
    if let Some(url) = cx.source_link(&n.file, n.line) {
        let _ = write!(h, " · <a href=\"{}\">view in the repository</a>", esc(&url));
    }
    h.push_str("</p>");
    (title, h)
}

/// The short facts as chips: category, facing, lifecycle, criticality, product type.
fn chips(h: &mut String, e: EntityRef<'_>) {
    let fields = [
        ("category", "/spec/category"),
        ("facing", "/spec/facing"),
        ("lifecycle", "/spec/lifecycle"),
        ("criticality", "/spec/criticality"),
        ("type", "/spec/productType"),
        ("type", "/spec/type"),
    ];
    let mut any = false;
    for (label, ptr) in fields {
        let Some(v) = e.get(ptr).and_then(scalar) else {
            continue;
        };
        if !any {
            h.push_str("<ul class=\"chips\" aria-label=\"Summary\">");
            any = true;
        }
        let _ = write!(h, "<li><span>{label}</span> {}</li>", esc(&v));
    }
    if any {
        h.push_str("</ul>");
    }
}

/// A link to the entity an id names, else the id as text.
fn entity_link(cx: &Context<'_>, id: &str, links: &Links<'_>) -> String {
    match cx.input.catalogue.get(id).and_then(|t| cx.node_of[t.index]) {
        Some(t) => format!(
            "<a href=\"{}\">{}</a>",
            links.to(&cx.paths[t]),
            esc(cx.graph.nodes[t].label())
        ),
        None => format!("<code>{}</code>", esc(id)),
    }
}

fn facts(cx: &Context<'_>, h: &mut String, e: EntityRef<'_>, links: &Links<'_>) {
    let refs: &[(&str, &str)] = &[
        ("Owner team", "/spec/owner/team"),
        ("Team", "/spec/team"),
        ("Support group", "/spec/supportGroup"),
        ("Delivered through", "/spec/service"),
        ("Product", "/spec/product"),
    ];
    let people: &[(&str, &str)] = &[
        ("Service owner", "/spec/owner/serviceOwner"),
        ("Service manager", "/spec/owner/serviceManager"),
        ("Product owner", "/spec/productOwner"),
        ("Manager", "/spec/manager"),
        ("E-mail", "/spec/email"),
        ("Chat", "/spec/chat"),
        ("Last reviewed", "/spec/review/lastReviewed"),
    ];
    let mut rows = String::new();
    for (label, ptr) in refs {
        if let Some(id) = e.str_at(ptr) {
            let _ = write!(
                rows,
                "<dt>{label}</dt><dd>{}</dd>",
                entity_link(cx, id, links)
            );
        }
    }
    for (label, ptr) in people {
        if let Some(v) = e.get(ptr).and_then(scalar) {
            let _ = write!(rows, "<dt>{label}</dt><dd>{}</dd>", esc(&v));
        }
    }
    for (label, ptr) in [
        ("Service hours", "/spec/hours/service"),
        ("Support hours", "/spec/hours/support"),
    ] {
        if let Some(v) = e.get(ptr) {
            let _ = write!(rows, "<dt>{label}</dt><dd>{}</dd>", hours(v));
        }
    }
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section><h2>Facts</h2><dl class=\"facts\">{rows}</dl></section>"
    );
}

/// `24x7`, or `mon–fri 08:00–18:00 Europe/London`.
fn hours(v: Node<'_>) -> String {
    if let Some(s) = v.as_str() {
        return esc(s);
    }
    let days: Vec<&str> = v
        .get("days")
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .filter_map(Node::as_str)
        .collect();
    let part = |k: &str| v.get(k).and_then(scalar).unwrap_or_default();
    esc(&format!(
        "{} {}–{} {}",
        days.join(", "),
        part("from"),
        part("to"),
        part("timeZone")
    ))
}

fn service_levels(h: &mut String, e: EntityRef<'_>) {
    let Some(levels) = e.get("/spec/serviceLevels") else {
        return;
    };
    h.push_str("<section><h2>Service levels</h2><dl class=\"facts\">");
    if let Some(a) = levels.get("agreement").and_then(scalar) {
        let _ = write!(h, "<dt>Agreement</dt><dd>{}</dd>", esc(&a));
    }
    if let Some(t) = levels.pointer("/availability/target").and_then(scalar) {
        let during = levels
            .pointer("/availability/measuredDuring")
            .and_then(scalar)
            .map(|d| format!(", measured during {}", esc(&d)))
            .unwrap_or_default();
        let _ = write!(h, "<dt>Availability</dt><dd>{}%{during}</dd>", esc(&t));
    }
    if let Some(r) = levels.get("recovery") {
        let part = |k: &str| {
            r.get(k)
                .and_then(scalar)
                .map(|v| esc(&v))
                .unwrap_or_else(|| "—".into())
        };
        let _ = write!(
            h,
            "<dt>Recovery</dt><dd>RTO {}, RPO {}</dd>",
            part("rto"),
            part("rpo")
        );
    }
    h.push_str("</dl>");
    table(
        h,
        "sla",
        "Incident response and resolution, per priority",
        levels.get("incident"),
        &[
            ("Priority", "priority"),
            ("Response", "response"),
            ("Resolution", "resolution"),
        ],
    );
    table(
        h,
        "requests",
        "Request fulfilment",
        levels.get("requests"),
        &[("Offering", "offering"), ("Fulfilment", "fulfilment")],
    );
    h.push_str("</section>");
}

/// A list of mappings as a table of the given columns.
fn table(
    h: &mut String,
    class: &str,
    caption: &str,
    list: Option<Node<'_>>,
    columns: &[(&str, &str)],
) {
    let Some(items) = list.and_then(Node::as_array) else {
        return;
    };
    if items.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<table class=\"{class}\"><caption>{}</caption><thead><tr>",
        esc(caption)
    );
    for (head, _) in columns {
        let _ = write!(h, "<th scope=\"col\">{head}</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for item in items {
        h.push_str("<tr>");
        for (i, (_, key)) in columns.iter().enumerate() {
            let v = item.get(key).and_then(scalar).unwrap_or_default();
            if i == 0 {
                let _ = write!(h, "<th scope=\"row\">{}</th>", esc(&v));
            } else {
                let _ = write!(h, "<td>{}</td>", esc(&v));
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

fn target_of(e: EntityRef<'_>) -> Option<f64> {
    e.get("/spec/serviceLevels/availability/target")
        .and_then(Node::as_f64)
        .filter(|t| *t > 0.0 && *t < 100.0)
}

/// What the service promises against the product of its hard dependencies' targets.
fn availability(cx: &Context<'_>, h: &mut String, node: usize, e: EntityRef<'_>) {
    let hard: Vec<usize> = cx.outgoing[node]
        .iter()
        .map(|&k| &cx.graph.edges[k])
        .filter(|edge| edge.kind == EdgeKind::Hard)
        .map(|edge| edge.to)
        .collect();
    let Some(promised) = target_of(e) else {
        return;
    };
    if hard.is_empty() {
        return;
    }
    let mut allowed = 1.0;
    let mut parts = Vec::new();
    for &t in &hard {
        let dep = cx.input.catalogue.entity(cx.graph.nodes[t].entity);
        let Some(target) = target_of(dep) else {
            return;
        };
        allowed *= target / 100.0;
        parts.push(format!("{} {}%", esc(&cx.graph.nodes[t].id), target));
    }
    let allowed = allowed * 100.0;
    // The rule compares exact decimals; the page shows its verdict.
    let exceeds = cx.graph.nodes[node].exceeds;
    let verdict = if exceeds {
        "<strong class=\"bad\">promises more than its hard dependencies allow</strong>"
    } else {
        "<span class=\"good\">within what its hard dependencies allow</span>"
    };
    let _ = write!(
        h,
        "<section><h2>Availability</h2><dl class=\"facts\">\
         <dt>Promised</dt><dd>{promised}%</dd><dt>Hard dependencies allow</dt><dd>{} ({})</dd></dl><p>{verdict}</p></section>",
        trim_percent(allowed),
        parts.join(" × ")
    );
}

/// A percentage with up to six decimals, trailing zeros dropped.
fn trim_percent(p: f64) -> String {
    let s = format!("{p:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

fn offerings(h: &mut String, e: EntityRef<'_>) {
    let Some(items) = e.get("/spec/offerings").and_then(Node::as_array) else {
        return;
    };
    if items.is_empty() {
        return;
    }
    h.push_str("<section><h2>Offerings</h2><table><thead><tr><th scope=\"col\">Offering</th><th scope=\"col\">Requestable</th><th scope=\"col\">Description</th></tr></thead><tbody>");
    for o in items {
        let name = o.get("name").and_then(scalar).unwrap_or_default();
        let req = match o.get("requestable").and_then(Node::as_bool) {
            Some(true) => "yes",
            Some(false) => "no",
            None => "—",
        };
        let desc = o.get("description").and_then(scalar).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{req}</td><td>{}</td></tr>",
            esc(&name),
            esc(&desc)
        );
    }
    h.push_str("</tbody></table></section>");
}

fn relation_words(kind: EdgeKind, relation: &str, outgoing: bool) -> String {
    match (kind, outgoing) {
        (EdgeKind::Hard, true) => "depends on (hard)".into(),
        (EdgeKind::Hard, false) => "depended on by (hard)".into(),
        (EdgeKind::Soft, true) => "depends on (soft)".into(),
        (EdgeKind::Soft, false) => "depended on by (soft)".into(),
        (EdgeKind::Delivers, true) => "delivered through".into(),
        (EdgeKind::Delivers, false) => "delivers the product".into(),
        (EdgeKind::Owner, true) => "owned by".into(),
        (EdgeKind::Owner, false) => "owns".into(),
        (EdgeKind::Other, true) => relation.to_owned(),
        (EdgeKind::Other, false) => format!("{relation} of"),
    }
}

fn relations(cx: &Context<'_>, h: &mut String, node: usize, links: &Links<'_>) {
    let mut rows: Vec<(String, usize, bool)> = Vec::new();
    for (list, outgoing) in [(&cx.outgoing[node], true), (&cx.incoming[node], false)] {
        for &k in list.iter() {
            let edge = &cx.graph.edges[k];
            let other = if outgoing { edge.to } else { edge.from };
            let mut words = relation_words(edge.kind, &edge.relation, outgoing);
            if edge.cycle {
                words.push_str(" — in a cycle");
            }
            rows.push((words, other, edge.cycle));
        }
    }
    if let Some(services) = cx.supported.get(&node) {
        for &s in services {
            rows.push(("support group for".into(), s, false));
        }
    }
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section><h2>Relations</h2><table class=\"rel\"><thead><tr>\
         <th scope=\"col\">Relation</th><th scope=\"col\">Entity</th><th scope=\"col\">Kind</th><th scope=\"col\">Findings</th></tr></thead><tbody>"
    );
    for (words, other, cycle) in rows {
        let o = &cx.graph.nodes[other];
        let _ = write!(
            h,
            "<tr{}><td>{}</td><td><a href=\"{}\">{}</a> <code>{}</code></td><td>{}</td><td>{}</td></tr>",
            if cycle { " class=\"cycle\"" } else { "" },
            esc(&words),
            links.to(&cx.paths[other]),
            esc(o.label()),
            esc(&o.id),
            esc(o.kind.as_str()),
            counts(o.errors, o.warnings),
        );
    }
    h.push_str("</tbody></table></section>");
}

/// "2 errors, 1 warning" as badges, or a dash.
pub(super) fn counts(errors: usize, warnings: usize) -> String {
    let mut s = String::new();
    if errors > 0 {
        let _ = write!(
            s,
            "<span class=\"badge error\">{errors} error{}</span>",
            if errors == 1 { "" } else { "s" }
        );
    }
    if warnings > 0 {
        let _ = write!(
            s,
            "<span class=\"badge warning\">{warnings} warning{}</span>",
            if warnings == 1 { "" } else { "s" }
        );
    }
    if s.is_empty() {
        s.push('—');
    }
    s
}

fn findings_section(cx: &Context<'_>, h: &mut String, list: &[usize], links: &Links<'_>) {
    if list.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section class=\"findings\"><h2>Findings ({})</h2>",
        list.len()
    );
    for &i in list {
        finding(cx, h, &cx.input.diagnostics[i], links);
    }
    h.push_str("</section>");
}

fn finding(cx: &Context<'_>, h: &mut String, d: &Diagnostic, _links: &Links<'_>) {
    let summary = cx
        .input
        .rules
        .iter()
        .find(|r| r.id == d.rule)
        .map(|r| format!(" title=\"{}\"", esc(&r.summary)))
        .unwrap_or_default();
    let _ = write!(
        h,
        "<article class=\"finding {sev}\"><h3><span class=\"badge {sev}\">{sev}</span> <code{summary}>{}</code> {}</h3>\
         <pre class=\"snippet\" tabindex=\"0\">{}</pre></article>",
        esc(&d.rule),
        esc(&d.message),
        esc(&cx.snippet(d)),
        sev = d.severity.as_str(),
    );
}

/// Every finding of the run, by file: those on no entity (a YAML error, an unknown kind)
/// have no other page.
pub(super) fn findings_page(cx: &Context<'_>, links: &Links<'_>) -> (String, String) {
    let s = &cx.input.summary;
    let mut h = format!(
        "<h1>Findings</h1><p class=\"lead\">{}</p>",
        esc(&crate::report::summary_line(s))
    );
    let mut owner = vec![None; cx.input.diagnostics.len()];
    for (entity, list) in cx.findings.iter().enumerate() {
        for &i in list {
            owner[i] = cx.node_of[entity];
        }
    }
    if cx.input.diagnostics.is_empty() {
        h.push_str("<p>No findings: every check passed.</p>");
    }
    let mut file = None;
    for (i, d) in cx.input.diagnostics.iter().enumerate() {
        let f = d.primary.location.file;
        if file != Some(f) {
            if file.is_some() {
                h.push_str("</section>");
            }
            file = Some(f);
            let _ = write!(
                h,
                "<section><h2><code>{}</code></h2>",
                esc(&cx.input.catalogue.files.get(f).path)
            );
        }
        if let Some(node) = owner[i] {
            let _ = write!(
                h,
                "<p class=\"on\">On <a href=\"{}\">{}</a></p>",
                links.to(&cx.paths[node]),
                esc(cx.graph.nodes[node].label())
            );
        }
        finding(cx, &mut h, d, links);
    }
    if file.is_some() {
        h.push_str("</section>");
    }
    ("Findings".into(), h)
}
