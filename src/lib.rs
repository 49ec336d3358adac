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

pub mod backstage;
pub mod baseline;
pub mod cache;
pub mod catalogue;
pub mod cli;
mod codec;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod error;
pub mod fix;
pub mod init;
pub mod load;
pub mod paths;
pub mod policy;
pub mod read;
pub mod report;
pub mod rules;
pub mod schema;
pub mod select;
pub mod server;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod timings;
pub mod workspace;
