//! `catalint graph`: the checked catalogue as a graph in Mermaid, DOT or JSON, whole or one
//! entity's neighbourhood, with its findings marked.

use std::io::{self, Write};
use std::path::PathBuf;

use super::{SettingsArgs, exit, run_error};
use crate::engine::{self, CheckOptions};
use crate::graph::Graph;
use crate::graph::formats::{self, GraphFormat};

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files and folders of the catalogue (default: the current folder, or the config's
    /// `include`).
    pub paths: Vec<PathBuf>,
    /// Output format: mermaid (for Markdown), dot (Graphviz) or json.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Only this entity and what lies within --depth edges of it (either way).
    #[arg(long, value_name = "ID")]
    pub focus: Option<String>,
    /// With --focus: how many edges away to go (default 1).
    #[arg(long, value_name = "N", requires = "focus")]
    pub depth: Option<usize>,
    /// Only entities of these kinds (repeatable, or comma-separated: `--kind Service,Team`).
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    pub kind: Vec<String>,
    /// Write the graph to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub(super) fn run(args: GraphArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let opts = CheckOptions {
        paths: args.paths.clone(),
        config: args.settings.choice(),
        policy: args.settings.policy.clone(),
        fail_on: None,
        rule_levels: Vec::new(),
        baseline: None,
    };
    let outcome = match engine::check(&opts) {
        Ok(o) => o,
        Err(e) => return run_error(e, err, None),
    };
    let graph = Graph::build(&outcome.catalogue, &outcome.policy, &outcome.diagnostics);
    let graph = match select(graph, &args, &outcome.policy) {
        Ok(g) => g,
        Err(message) => {
            writeln!(err, "error: {message}")?;
            return Ok(exit::ERROR);
        }
    };
    let text = formats::render(&graph, args.format);
    if let Some(path) = &args.output_file {
        if let Err(e) = std::fs::write(path, &text) {
            writeln!(
                err,
                "error: cannot write the graph to {}: {e}",
                path.display()
            )?;
            return Ok(exit::ERROR);
        }
        return Ok(exit::OK);
    }
    out.write_all(text.as_bytes())?;
    Ok(exit::OK)
}

/// The part of the graph the options ask for: kinds first, then the focus's neighbourhood
/// within them.
fn select(graph: Graph, args: &GraphArgs, policy: &crate::policy::Policy) -> Result<Graph, String> {
    let mut graph = graph;
    if !args.kind.is_empty() {
        let mut kinds = Vec::new();
        for k in &args.kind {
            // Kinds are matched as written or in lower case (`service`, `api`).
            let kind = policy
                .kinds
                .all()
                .find(|known| known.as_str().eq_ignore_ascii_case(k.trim()));
            match kind {
                Some(kind) => kinds.push(kind),
                None => {
                    return Err(format!(
                        "unknown kind `{k}`; the kinds are {}",
                        policy.kinds.words("and")
                    ));
                }
            }
        }
        let keep: Vec<bool> = graph
            .nodes
            .iter()
            .map(|n| kinds.contains(&n.kind))
            .collect();
        graph = graph.retain(&keep);
    }
    if let Some(id) = &args.focus {
        let Some(focus) = graph.find(id).or_else(|| {
            // A Backstage entity by its name alone, as people say it.
            let lower = id.to_lowercase();
            graph
                .nodes
                .iter()
                .position(|n| n.id.rsplit('/').next() == Some(lower.as_str()))
        }) else {
            let near = crate::suggest::nearest(id, graph.nodes.iter().map(|n| n.id.as_str()));
            return Err(match near {
                Some(n) => format!("no entity `{id}` in the graph; did you mean `{n}`?"),
                None => format!("no entity `{id}` in the graph"),
            });
        };
        let keep = graph.neighbourhood(focus, args.depth.unwrap_or(1));
        graph = graph.retain(&keep);
    }
    Ok(graph)
}
