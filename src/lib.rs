//! catalint: a catalogue-as-code policy checker.
//!
//! The pipeline, one module per stage:
//! [`discover`] files and [`select`] the catalogue's -> [`read`] and [`load`] YAML with
//! spans -> [`catalogue`] index -> [`schema`] validation -> [`rules`] (per entity, then
//! catalogue-wide) -> [`suppress`]ions -> [`diagnostic`]s ->
//! [`fix`]es (`--fix`) -> [`report`]ers -> exit code.
//! [`engine`] runs the stages in order ([`timings`] measures them); [`policy`] holds the
//! settings, [`paths`] how paths are spelled and shown.
//! Library code never prints: reporters write to the writer they are given.

pub mod baseline;
pub mod catalogue;
pub mod cli;
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
