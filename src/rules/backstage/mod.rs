//! The `backstage` profile's catalogue-wide checks: relations resolved with their default
//! kinds as Backstage resolves them ([`relations`], for `unresolved-reference`) and
//! dependency cycles among them ([`cycles`], for `dependency-cycle`). The format itself
//! (kinds, versions, identity, references) is below the rules, in
//! [`crate::catalogue::backstage`].

pub mod cycles;
pub mod relations;
