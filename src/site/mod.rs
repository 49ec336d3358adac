//! The static site of a checked catalogue: an index with filters and search, a page per
//! entity, the dependency map drawn at build time, and every finding. Every file is written
//! by catalint (styles and script are [`html::CSS`] and [`html::JS`], no CDN); pages link
//! relatively, so the site works from `file://` and from any Pages sub-path. Text from the
//! YAML is escaped wherever it lands ([`html::esc`], [`html::script_json`]).
//!
//! Rendering is pure: [`build`] returns the pages, [`output`] writes them (a folder, or
//! one self-contained file).

mod entity;
mod fields;
pub mod html;
mod index;
mod map;
pub mod output;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::catalogue::{Catalogue, Kind};
use crate::diagnostic::{Diagnostic, Summary};
use crate::graph::{Graph, findings_by_entity};
use crate::policy::Policy;
use crate::report::{Human, HumanOptions};
use crate::rules::RuleInfo;
use html::{Links, Mode};

/// What a site is built from: a finished check.
pub struct Input<'a> {
    pub catalogue: &'a Catalogue,
    pub diagnostics: &'a [Diagnostic],
    pub policy: &'a Policy,
    pub rules: &'a [RuleInfo],
    pub summary: Summary,
    /// The site's title (the header, each page's `<title>`).
    pub title: String,
    /// Where the catalogue's files are browsable: `https://github.com/o/r/blob/main`;
    /// a page links to `{repository}/{file}#L{line}`.
    pub repository: Option<String>,
    /// The folder the files' repository paths are relative to (the repository's top).
    pub repository_root: Option<std::path::PathBuf>,
}

/// One page: its path in the site and its text.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub title: String,
    /// The whole document (folder site) or the page's section (single file).
    pub text: String,
}

/// Everything the pages share, computed once.
pub(crate) struct Context<'a> {
    pub input: &'a Input<'a>,
    pub graph: Graph,
    /// The graph node of each entity, where it has one.
    pub node_of: Vec<Option<usize>>,
    /// Each node's page path.
    pub paths: Vec<String>,
    pub findings: Vec<Vec<usize>>,
    pub incoming: Vec<Vec<usize>>,
    pub outgoing: Vec<Vec<usize>>,
    /// Services that name a team as their support group, by the team's node.
    pub supported: HashMap<usize, Vec<usize>>,
    pub human: Human,
}

impl<'a> Context<'a> {
    fn new(input: &'a Input<'a>) -> Context<'a> {
        let graph = Graph::build(input.catalogue, input.policy, input.diagnostics);
        let mut node_of = vec![None; input.catalogue.entities.len()];
        for (i, n) in graph.nodes.iter().enumerate() {
            node_of[n.entity] = Some(i);
        }
        let paths = page_paths(&graph);
        let (incoming, outgoing) = graph.incidence();
        let mut supported: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, n) in graph.nodes.iter().enumerate() {
            if n.kind != Kind::Service {
                continue;
            }
            let e = input.catalogue.entity(n.entity);
            if let Some(team) = e.str_at("/spec/supportGroup")
                && let Some(t) = input.catalogue.get(team)
                && let Some(t) = node_of[t.index]
            {
                supported.entry(t).or_default().push(i);
            }
        }
        Context {
            input,
            findings: findings_by_entity(input.catalogue, input.diagnostics),
            graph,
            node_of,
            paths,
            incoming,
            outgoing,
            supported,
            human: Human::new(HumanOptions {
                color: false,
                width: Some(100),
            }),
        }
    }

    /// A finding as the terminal shows it, colourless (escaped by the caller).
    pub fn snippet(&self, d: &Diagnostic) -> String {
        self.human.render(&self.input.catalogue.files, d)
    }

    /// Where a file's line is in the repository, when the config names it.
    pub fn source_link(&self, file: &str, line: usize) -> Option<String> {
        let base = self.input.repository.as_deref()?.trim_end_matches('/');
        let path = std::path::Path::new(file);
        let relative = match &self.input.repository_root {
            Some(root) => {
                let cwd = crate::paths::Cwd::current();
                let abs = crate::paths::normalise(&cwd.absolute(path));
                let root = crate::paths::normalise(&cwd.absolute(root));
                abs.strip_prefix(&root).map(|p| p.to_path_buf()).ok()?
            }
            None => path.to_path_buf(),
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        Some(format!("{base}/{relative}#L{line}"))
    }
}

/// Each node's page: `{kind}/{slug}.html`, the slug made of the id's safe characters (a
/// Backstage id without its kind and default namespace), made unique within its folder.
fn page_paths(graph: &Graph) -> Vec<String> {
    let mut used: HashMap<String, usize> = HashMap::new();
    graph
        .nodes
        .iter()
        .map(|n| {
            let dir = slug(n.kind.as_str());
            let id = n.id.split_once(':').map_or(n.id.as_str(), |(_, rest)| rest);
            let id = id.strip_prefix("default/").unwrap_or(id);
            let mut name = slug(id);
            if name.is_empty() {
                name = "entity".to_owned();
            }
            let key = format!("{dir}/{name}");
            let count = used.entry(key.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                format!("{key}-{}.html", count)
            } else {
                format!("{key}.html")
            }
        })
        .collect()
}

/// Lower-case letters, digits, `-`, `_` and `.`; anything else a `-`.
fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            '.' => '.',
            _ => '-',
        })
        .collect();
    // Never `..` or a leading dot: a page stays in its folder and is not hidden.
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    out.trim_start_matches('.').chars().take(120).collect()
}

/// The pages that are not an entity's, in the order the single-file site shows them.
const FIXED: [&str; 3] = ["index.html", "map.html", "findings.html"];

/// Page `k`: the fixed pages first, then each graph node's.
fn render(cx: &Context<'_>, mode: Mode, k: usize) -> Page {
    let (path, (title, main)) = match FIXED.get(k) {
        Some(&path) => {
            let links = Links { mode, from: path };
            let made = match k {
                0 => index::page(cx, &links),
                1 => map::page(cx, &links),
                _ => entity::findings_page(cx, &links),
            };
            (path.to_owned(), made)
        }
        None => {
            let node = k - FIXED.len();
            let path = cx.paths[node].clone();
            let made = entity::page(cx, node, &Links { mode, from: &path });
            (path, made)
        }
    };
    let text = match mode {
        Mode::Folder => {
            html::document(&Links { mode, from: &path }, &cx.input.title, &title, &main)
        }
        Mode::SingleFile => html::section(&path, &title, &main),
    };
    Page { path, title, text }
}

/// Every page of the site, rendered in parallel, in order.
pub fn build(input: &Input<'_>, mode: Mode) -> Vec<Page> {
    let cx = Context::new(input);
    (0..FIXED.len() + cx.graph.nodes.len())
        .into_par_iter()
        .map(|k| render(&cx, mode, k))
        .collect()
}

/// Every page of the site, rendered in parallel and handed to `sink` as soon as it is made
/// (in no set order), so that a large site is never held in memory whole. Returns the
/// number of pages.
pub fn build_each<E: Send>(
    input: &Input<'_>,
    mode: Mode,
    sink: &(dyn Fn(Page) -> Result<(), E> + Sync),
) -> Result<usize, E> {
    let cx = Context::new(input);
    let count = FIXED.len() + cx.graph.nodes.len();
    (0..count)
        .into_par_iter()
        .try_for_each(|k| sink(render(&cx, mode, k)))?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_in_their_folder() {
        assert_eq!(slug("payroll-app"), "payroll-app");
        assert_eq!(slug("../../etc/passwd"), "-.-etc-passwd");
        assert_eq!(slug(".hidden"), "hidden");
        assert_eq!(slug("Team A/B"), "team-a-b");
    }
}
