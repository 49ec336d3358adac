//! The graph as text: Mermaid (renders in GitHub and GitLab Markdown), DOT (Graphviz) and
//! JSON (for other tools). Names from YAML are quoted for each language, so that no value
//! can end a label or start a statement; nodes are named by their position (`n0`, `n1`),
//! never by an id the catalogue wrote.

use serde_json::json;

use super::{EdgeKind, Graph, Node};
use crate::catalogue::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

pub fn render(graph: &Graph, format: GraphFormat) -> String {
    match format {
        GraphFormat::Mermaid => mermaid(graph),
        GraphFormat::Dot => dot(graph),
        GraphFormat::Json => json(graph),
    }
}

/// A node's text: its name, with its id and kind below when they differ from the name.
fn caption(n: &Node) -> (String, String) {
    let sub = format!("{} {}", n.kind.as_str(), n.id);
    (n.label().to_owned(), sub)
}

fn flagged(n: &Node) -> Option<&'static str> {
    if n.errors > 0 {
        Some("error")
    } else if n.warnings > 0 || n.exceeds {
        Some("warning")
    } else {
        None
    }
}

/// Mermaid's label text: quotes and markup as entity codes (`#quot;`), which Mermaid
/// decodes when it draws; newlines as spaces.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, n) in graph.nodes.iter().enumerate() {
        let (name, sub) = caption(n);
        let text = format!(
            "{}<br/><small>{}</small>",
            mermaid_text(&name),
            mermaid_text(&sub)
        );
        let (open, close) = match n.kind {
            Kind::Service => ("[\"", "\"]"),
            Kind::Product => ("([\"", "\"])"),
            Kind::Team => ("{{\"", "\"}}"),
            Kind::Declared(_) => ("[/\"", "\"/]"),
        };
        out.push_str(&format!("  n{i}{open}{text}{close}\n"));
    }
    let mut cycle_links = Vec::new();
    for (k, e) in graph.edges.iter().enumerate() {
        let label = mermaid_text(&e.relation);
        let arrow = match e.kind {
            EdgeKind::Hard => format!("-->|{label}|"),
            EdgeKind::Soft => format!("-.->|{label}|"),
            EdgeKind::Delivers => format!("==>|{label}|"),
            EdgeKind::Owner | EdgeKind::Other => format!("-.-|{label}|"),
        };
        out.push_str(&format!("  n{} {arrow} n{}\n", e.from, e.to));
        if e.cycle {
            cycle_links.push(k.to_string());
        }
    }
    out.push_str("  classDef error stroke:#c62828,stroke-width:3px\n");
    out.push_str("  classDef warning stroke:#b26a00,stroke-width:3px,stroke-dasharray:4 2\n");
    for class in ["error", "warning"] {
        let members: Vec<String> = graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| flagged(n) == Some(class))
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !members.is_empty() {
            out.push_str(&format!("  class {} {class}\n", members.join(",")));
        }
    }
    if !cycle_links.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#c62828,stroke-width:3px\n",
            cycle_links.join(",")
        ));
    }
    out
}

/// A DOT string's content: backslashes and quotes escaped, newlines as `\n`.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn dot(graph: &Graph) -> String {
    let mut out = String::from(
        "digraph catalogue {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n",
    );
    for (i, n) in graph.nodes.iter().enumerate() {
        let (name, sub) = caption(n);
        let shape = match n.kind {
            Kind::Service => "box",
            Kind::Product => "component",
            Kind::Team => "hexagon",
            Kind::Declared(_) => "note",
        };
        let mut attrs = format!(
            "label=\"{}\\n{}\", shape={shape}, tooltip=\"{}\"",
            dot_text(&name),
            dot_text(&sub),
            dot_text(&format!("{}:{}", n.file, n.line))
        );
        match flagged(n) {
            Some("error") => attrs.push_str(", color=\"#c62828\", penwidth=3"),
            Some(_) => {
                attrs.push_str(", color=\"#b26a00\", penwidth=3, style=\"rounded,filled,dashed\"")
            }
            None => {}
        }
        out.push_str(&format!("  n{i} [{attrs}];\n"));
    }
    for e in &graph.edges {
        let mut attrs = format!("label=\"{}\"", dot_text(&e.relation));
        match e.kind {
            EdgeKind::Hard => {}
            EdgeKind::Soft => attrs.push_str(", style=dashed"),
            EdgeKind::Delivers => attrs.push_str(", style=bold"),
            EdgeKind::Owner | EdgeKind::Other => attrs.push_str(", style=dotted, arrowhead=none"),
        }
        if e.cycle {
            attrs.push_str(", color=\"#c62828\", penwidth=3");
        }
        out.push_str(&format!("  n{} -> n{} [{attrs}];\n", e.from, e.to));
    }
    out.push_str("}\n");
    out
}

pub fn json(graph: &Graph) -> String {
    let nodes: Vec<serde_json::Value> = graph
        .nodes
        .iter()
        .map(|n| {
            let mut marks = Vec::new();
            if n.exceeds {
                marks.push("availability-exceeds-dependencies");
            }
            json!({
                "id": n.id,
                "kind": n.kind.as_str(),
                "name": n.name,
                "file": n.file,
                "line": n.line,
                "errors": n.errors,
                "warnings": n.warnings,
                "marks": marks,
            })
        })
        .collect();
    let edges: Vec<serde_json::Value> = graph
        .edges
        .iter()
        .map(|e| {
            json!({
                "from": graph.nodes[e.from].id,
                "to": graph.nodes[e.to].id,
                "kind": e.kind.as_str(),
                "relation": e.relation,
                "cycle": e.cycle,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "version": 1,
        "nodes": nodes,
        "edges": edges,
    }))
    .unwrap_or_default();
    text.push('\n');
    text
}
