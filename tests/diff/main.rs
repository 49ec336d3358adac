//! `catalint diff` on real git repositories: every change kind and class, the transitive
//! composition, the reports, and bad input.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod gitlab;
mod incremental;
mod kinds;
mod repo;
