//! catalint: a catalogue-as-code policy checker.
//!
//! The pipeline, one module per stage:
//! [`discover`] files -> [`load`] YAML with spans -> [`catalogue`] index ->
//! [`schema`] validation -> [`rules`] (per entity, then catalogue-wide) ->
//! [`diagnostic`]s -> [`report`]ers -> exit code. [`engine`] runs the stages in order.
//! Library code never prints: reporters write to the writer they are given.

pub mod diagnostic;
pub mod load;
pub mod source;
