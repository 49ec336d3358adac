//! `catalint diff` on real git repositories: every change kind and class, the transitive
//! composition, the reports, and bad input.

mod cli;
mod kinds;
mod repo;
