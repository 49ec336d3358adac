//! catalint: a catalogue-as-code policy checker.
//!
//! The pipeline, one module per stage:
//! [`discover`] files and [`select`] the catalogue's -> [`read`] and [`load`] YAML with
//! spans -> [`catalogue`] index -> [`schema`] validation -> [`rules`] (per entity, then
//! catalogue-wide) -> [`suppress`]ions -> [`diagnostic`]s ->
//! [`fix`]es (`--fix`) -> [`report`]ers -> exit code.
//! [`workspace`] runs the stages and keeps their results, re-checking what a change can
//! affect, and [`cache`] keeps them on disk between one-shot runs; [`engine`] is its
//! one-shot use ([`timings`] measures the stages). [`settings`]
//! resolves the config, the [`policy`] and the severity levels; [`paths`] says how paths are
//! spelled and shown.
//! Library code never prints: reporters write to the writer they are given.
//!
//! # Layers
//!
//! A module imports only modules on the lines above its own: never one on its own line,
//! never one below, so no two modules import each other however indirectly. Lowest first,
//! with why each line sits where it does. `tests/layers.rs` reads this list and the `use`
//! lines of every file (test modules apart), and fails on an import that goes up or
//! sideways, and on a source file over 600 lines. A new module gets a place here.
//!
//! 1. [`paths`], [`source`], [`suggest`], [`timings`], `codec`: the leaves, importing
//!    nothing of catalint: how paths are spelled, files and byte positions (and `clip`, for
//!    source text quoted in messages), "did you mean", how long a stage took; the cache's
//!    bounds-checked binary encoding, which the loader's trees are written in too.
//! 2. [`diagnostic`]: the one finding model, its fixes' edits included; every stage above
//!    makes findings.
//! 3. [`edit`], [`error`]: building and applying a fix's edits, below the schema stage and
//!    the rules, which attach fixes; why a run cannot be done, settings errors included,
//!    since the policy (below the settings) reads its files with them.
//! 4. [`load`], [`discover`], [`baseline`]: YAML with spans, which needs only sources and
//!    findings; which files, skipping the config's file names (defined here for that); the
//!    baseline, which knows findings and files only.
//! 5. [`catalogue`], [`read`], [`memory`]: the index of entities, with the Backstage
//!    format's kinds, versions and identity beside the catalogue's own kinds, since the index
//!    identifies entities by them; reading a found file and loading it; a folder held in
//!    memory (a git revision's files), walked as discovery walks one on disk.
//! 6. [`schema`]: validation, which needs the catalogue's kinds and documents.
//! 7. [`policy`]: the vocabulary as data; it compiles the kinds' schemas with its fields
//!    merged in, so it sits above the schema stage, and every rule reads it.
//! 8. [`settings`], [`rules`]: the config, the policy and the levels of a run (it holds the
//!    policy); the rules, which read the policy, the schema results and the index but
//!    never the config. The `backstage` profile's relation checks are rules too.
//! 9. [`select`], [`report`], [`suppress`], [`cache`]: the catalogue files the config
//!    selects; the reporters, which read the rule registry (SARIF's rule list) and the
//!    failing severity; suppressions, which name rules and run after them; the on-disk
//!    snapshot of a check, keyed by the settings (hence above them), written by the
//!    workspace.
//! 10. [`workspace`], [`graph`]: runs the stages and keeps their results; it makes the
//!     [`engine`]'s `Outcome`. The catalogue as a graph, its findings marked, and its
//!     layered layout: it reads the index, the policy's references and the findings.
//! 11. [`site`]: the static site of a checked catalogue: pages over the graph, the findings
//!     as the human reporter renders them, and the rulebook.
//! 12. [`engine`]: the workspace used once.
//! 13. [`fix`], [`diff`]: rounds of fixes, each re-checked with the engine, and
//!     `--add-suppressions`, which is re-checked the same way; `catalint diff`, which checks
//!     each side with the engine and compares them, its reporters with it (they write its
//!     own model, with the reporters' escaping helpers from below).
//! 14. [`init`], [`server`]: what the commands drive: the first config `catalint init`
//!     proposes; the language server, over the workspace and the fixes.
//! 15. [`cli`]: the commands, over everything.

pub mod baseline;
pub mod cache;
pub mod catalogue;
pub mod cli;
mod codec;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod edit;
pub mod engine;
pub mod error;
pub mod fix;
pub mod graph;
pub mod init;
pub mod load;
pub mod memory;
pub mod paths;
pub mod policy;
pub mod read;
pub mod report;
pub mod rules;
pub mod schema;
pub mod select;
pub mod server;
pub mod settings;
pub mod site;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod timings;
pub mod workspace;
