//! The house rules of the source tree, read from the code itself:
//!
//! - Each top-level module imports only modules on the lines above its own in the layer list
//!   of `src/lib.rs` (its module docs, "Layers"), so no two modules import each other,
//!   however indirectly. Test modules (`#[cfg(test)]`) may reach up: they drive the stage
//!   they test through the whole pipeline.
//! - No source file is over 600 lines.
//!
//! The layer list is written once, in `src/lib.rs`; this test parses it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = read(&src.join("lib.rs"));
    let layers = parse_layers(&lib).unwrap_or_else(|e| panic!("src/lib.rs: {e}"));
    let declared = declared_modules(&lib);
    let listed: BTreeSet<&str> = layers.keys().map(String::as_str).collect();
    let declared_set: BTreeSet<&str> = declared.iter().map(String::as_str).collect();
    let unplaced: Vec<&&str> = declared_set.difference(&listed).collect();
    let stale: Vec<&&str> = listed.difference(&declared_set).collect();
    assert!(
        unplaced.is_empty() && stale.is_empty(),
        "src/lib.rs: the layer list must name every module once: not placed {unplaced:?}, \
         no such module {stale:?}"
    );

    let files = rust_files(&src);
    let mut modules: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
    for f in &files {
        if let Some(m) = module_path(&src, f) {
            modules.insert(m, f.clone());
        }
    }
    // Test-only modules declared as files (`#[cfg(test)] mod tests;`) are skipped whole.
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    let mut scans = Vec::new();
    for f in &files {
        let Some(path) = module_path(&src, f) else {
            continue;
        };
        let scan = scan(&read(f), &path);
        for child in &scan.test_children {
            let mut m = path.clone();
            m.push(child.clone());
            test_modules.push(m);
        }
        scans.push((f.clone(), path, scan));
    }

    let mut problems = Vec::new();
    for (file, path, scan) in &scans {
        if test_modules.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let me = &path[0];
        let Some(&mine) = layers.get(me) else {
            continue; // reported above as not placed
        };
        for (target, line) in &scan.imports {
            if target == me {
                continue;
            }
            let Some(&theirs) = layers.get(target) else {
                continue; // a name at the crate root that is not a module (none today)
            };
            let shown = file
                .strip_prefix(src.parent().unwrap_or(&src))
                .unwrap_or(file);
            if theirs > mine {
                problems.push(format!(
                    "{}:{line}: `{me}` (layer {mine}) imports `{target}` (layer {theirs}), \
                     which is above it",
                    shown.display()
                ));
            } else if theirs == mine {
                problems.push(format!(
                    "{}:{line}: `{me}` imports `{target}`, on its own layer ({mine})",
                    shown.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the layer order of src/lib.rs (move what both need to a lower layer, \
         or give the module its right place in the list):\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let root = src.parent().unwrap_or(&src);
    let long: Vec<String> = rust_files(&src)
        .iter()
        .filter_map(|f| {
            let n = read(f).lines().count();
            let shown = f.strip_prefix(root).unwrap_or(f);
            (n > MAX_LINES).then(|| format!("{}: {n} lines", shown.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "source files over {MAX_LINES} lines (split them by what they do):\n{}",
        long.join("\n")
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are `[a, b]`; the crate roots are `None`.
fn module_path(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if parts.is_empty() && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    Some(parts)
}

/// The layer of each module, from the numbered list under "# Layers" in the crate docs:
/// `//! 3. [`edit`], [`error`]: why...`. The names are those before the first colon.
fn parse_layers(lib: &str) -> Result<BTreeMap<String, usize>, String> {
    let docs: Vec<&str> = lib
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(str::trim)
        .collect();
    let start = docs
        .iter()
        .position(|l| *l == "# Layers")
        .ok_or("no `# Layers` section in the module docs")?;
    let mut layers = BTreeMap::new();
    let mut expected = 1;
    for line in &docs[start + 1..] {
        if line.starts_with('#') {
            break;
        }
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        let Ok(n) = number.parse::<usize>() else {
            continue;
        };
        if n != expected {
            return Err(format!("layer {n} follows layer {}", expected - 1));
        }
        expected += 1;
        let names = rest.split_once(':').map_or(rest, |(names, _)| names);
        let mut found = false;
        for name in names.split(',') {
            let name = name.trim().trim_start_matches('[').trim_end_matches(']');
            let name = name.trim_matches('`');
            if name.is_empty() {
                continue;
            }
            found = true;
            if layers.insert(name.to_owned(), n).is_some() {
                return Err(format!("`{name}` is listed twice"));
            }
        }
        if !found {
            return Err(format!("layer {n} names no module"));
        }
    }
    if layers.is_empty() {
        return Err("the `# Layers` section lists no layer".into());
    }
    Ok(layers)
}

/// The modules `lib.rs` declares (`pub mod x;`).
fn declared_modules(lib: &str) -> Vec<String> {
    let tokens = tokens(lib);
    let mut out = Vec::new();
    for w in tokens.windows(3) {
        if let [
            (Tok::Ident(m), _),
            (Tok::Ident(name), _),
            (Tok::Punct(';'), _),
        ] = w
            && m == "mod"
        {
            out.push(name.clone());
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Punct(char),
}

/// What a file imports, and which of its child modules are test-only.
#[derive(Debug, Default)]
struct Scan {
    /// A top-level module named by a `crate::` (or `super::` up to the root) path, and the
    /// line it is named on.
    imports: Vec<(String, usize)>,
    /// `#[cfg(test)] mod x;`: the child module `x` (its own file) is test code.
    test_children: Vec<String>,
}

/// Reads `text` (the file of module `path`) as tokens, comments and literals left out.
fn scan(text: &str, path: &[String]) -> Scan {
    let toks = tokens(text);
    let mut out = Scan::default();
    // Inline modules open here: (brace depth inside them, name).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let (tok, line) = &toks[i];
        match tok {
            Tok::Punct('#') if is_cfg_test(&toks, i) => {
                i = skip_test_item(&toks, i, &mut out.test_children);
                continue;
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct('{'), _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((depth + 1, name.clone()));
                }
            }
            Tok::Ident(w) if w == "crate" && !follows(&toks, i, '$') && path_sep(&toks, i + 1) => {
                out.imports
                    .extend(first_segments(&toks, i + 3).into_iter().map(|m| (m, *line)));
            }
            Tok::Ident(w) if w == "super" && !(i >= 2 && path_sep(&toks, i - 2)) => {
                let mut ups = 0;
                let mut j = i;
                while matches!(&toks.get(j), Some((Tok::Ident(s), _)) if s == "super")
                    && path_sep(&toks, j + 1)
                {
                    ups += 1;
                    j += 3;
                }
                let here = path.len() + inline.len();
                if ups == here {
                    out.imports
                        .extend(first_segments(&toks, j).into_iter().map(|m| (m, *line)));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn follows(toks: &[(Tok, usize)], i: usize, c: char) -> bool {
    i > 0 && toks[i - 1].0 == Tok::Punct(c)
}

fn path_sep(toks: &[(Tok, usize)], i: usize) -> bool {
    matches!(
        (toks.get(i), toks.get(i + 1)),
        (Some((Tok::Punct(':'), _)), Some((Tok::Punct(':'), _)))
    )
}

/// The first segments of the path that starts at `i`: `x` of `x::y`, or `a` and `b` of
/// `{a, b::c}`.
fn first_segments(toks: &[(Tok, usize)], i: usize) -> Vec<String> {
    match toks.get(i) {
        Some((Tok::Ident(name), _)) => vec![name.clone()],
        Some((Tok::Punct('{'), _)) => {
            let mut out = Vec::new();
            let mut depth = 0;
            let mut at_start = true;
            for (tok, _) in &toks[i..] {
                match tok {
                    Tok::Punct('{') => {
                        depth += 1;
                        at_start = depth == 1;
                    }
                    Tok::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Tok::Punct(',') if depth == 1 => at_start = true,
                    Tok::Ident(name) if at_start && depth == 1 => {
                        if name != "self" {
                            out.push(name.clone());
                        }
                        at_start = false;
                    }
                    _ => at_start = false,
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// `#[cfg(test)]` at `i`.
fn is_cfg_test(toks: &[(Tok, usize)], i: usize) -> bool {
    let want = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    toks.len() >= i + want.len() && toks[i..i + want.len()].iter().map(|t| &t.0).eq(&want)
}

/// Skips the item after `#[cfg(test)]` at `i` (to its `;` or the end of its block), noting
/// `mod x;`; returns the index after it.
fn skip_test_item(toks: &[(Tok, usize)], i: usize, test_children: &mut Vec<String>) -> usize {
    let mut j = i + 7;
    let mut depth = 0usize;
    while j < toks.len() {
        match &toks[j].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => return j + 1,
            Tok::Ident(w) if w == "mod" && depth == 0 => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct(';'), _))) =
                    (toks.get(j + 1), toks.get(j + 2))
                {
                    test_children.push(name.clone());
                }
            }
            _ => {}
        }
        j += 1;
    }
    j
}

/// Identifiers and punctuation with their 1-based lines; comments, strings and character
/// literals are left out, so that a path in a doc comment or a message is not an import.
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let count_lines = |from: usize, to: usize, line: &mut usize| {
        *line += chars[from..to.min(chars.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count();
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let start = i;
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            count_lines(start, i, &mut line);
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            count_lines(start, i, &mut line);
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F600}'), else a lifetime's quote.
            if next == Some('\\') {
                let start = i;
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                count_lines(start, i, &mut line);
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.push((Tok::Punct('\''), line));
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Raw and byte strings: r"..", r#".."#, br"..", b"..".
            let hashes = chars[i..].iter().take_while(|&&h| h == '#').count();
            if matches!(word.as_str(), "r" | "br") && chars.get(i + hashes) == Some(&'"') {
                let from = i;
                i += hashes + 1;
                loop {
                    if i >= chars.len() {
                        break;
                    }
                    if chars[i] == '"'
                        && chars[i + 1..].iter().take_while(|&&h| h == '#').count() >= hashes
                    {
                        i += 1 + hashes;
                        break;
                    }
                    i += 1;
                }
                count_lines(from, i, &mut line);
            } else if word == "b" && chars.get(i) == Some(&'"') {
                // The string itself is read next, as any string.
            } else if word == "b" && chars.get(i) == Some(&'\'') {
                // A byte literal: b'a', b'\n'.
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            } else {
                out.push((Tok::Ident(word), line));
            }
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else {
            out.push((Tok::Punct(c), line));
            i += 1;
        }
    }
    out
}

// The checker itself, on small texts: a test that cannot fail proves nothing.

fn imports_of(text: &str, path: &[&str]) -> Vec<(String, usize)> {
    let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
    scan(text, &path).imports
}

#[test]
fn imports_are_read_from_use_lines_groups_and_paths() {
    let text = "use crate::load::{self, Limits};\n\
                use crate::{diagnostic::Label, source, self};\n\
                fn f() { let x = crate::fix::apply(); }\n";
    assert_eq!(
        imports_of(text, &["rules", "x"]),
        [
            ("load".to_owned(), 1),
            ("diagnostic".to_owned(), 2),
            ("source".to_owned(), 2),
            ("fix".to_owned(), 3)
        ]
    );
}

#[test]
fn super_counts_only_when_it_reaches_the_crate_root() {
    // In src/rules/backstage/cycles.rs, `super::` is `rules::backstage`, `super::super::` is
    // `rules`, and three reach the root.
    let text = "use super::relations;\nuse super::super::Context;\nuse super::super::super::fix;\n";
    assert_eq!(
        imports_of(text, &["rules", "backstage", "cycles"]),
        [("fix".to_owned(), 3)]
    );
    // An inline module is one level more.
    let text = "mod inner {\n    use super::super::engine;\n}\nuse super::policy;\n";
    assert_eq!(
        imports_of(text, &["rules"]),
        [("engine".to_owned(), 2), ("policy".to_owned(), 4)]
    );
}

#[test]
fn comments_strings_and_test_modules_are_not_imports() {
    let text = "//! See [`crate::engine`].\n\
                /* crate::fix */\n\
                const A: &str = \"crate::cli\";\n\
                const B: &str = r#\"crate::server \"quoted\"\"#;\n\
                const C: char = '\"';\n\
                fn f<'a>(x: &'a str) {}\n\
                #[cfg(test)]\n\
                mod tests {\n    use crate::engine;\n    fn g() { {} }\n}\n\
                #[cfg(test)]\n\
                mod more;\n\
                use crate::source;\n";
    let path = vec!["rules".to_owned()];
    let s = scan(text, &path);
    assert_eq!(s.imports, [("source".to_owned(), 14)]);
    assert_eq!(s.test_children, ["more"]);
}

#[test]
fn the_layer_list_is_parsed_from_numbered_lines() {
    let lib = "//! Intro.\n//!\n//! # Layers\n//!\n//! Text.\n//!\n\
               //! 1. [`paths`], [`source`]: leaves.\n//!    More: words.\n\
               //! 2. [`diagnostic`]: findings.\n\npub mod paths;\n";
    let layers = parse_layers(lib).unwrap();
    assert_eq!(layers["paths"], 1);
    assert_eq!(layers["source"], 1);
    assert_eq!(layers["diagnostic"], 2);
    assert_eq!(layers.len(), 3);
    let skipped = "//! # Layers\n//! 1. [`a`]: x.\n//! 3. [`b`]: y.\n";
    assert!(parse_layers(skipped).is_err());
    assert_eq!(declared_modules(lib), ["paths"]);
}
