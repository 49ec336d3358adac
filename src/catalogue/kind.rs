//! Entity kinds. The three built-in kinds are enum variants, so that the domain rules that
//! know what a Service is match on them (no rule compares kind names as strings). A
//! policy's own kinds (`Supplier`, `Contract`) are data: [`Kind::Declared`] holds their
//! interned name, which compares, hashes and orders like the name itself, and stays `Copy`
//! so that every index and message that takes a kind takes a declared one too.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Service,
    Product,
    Team,
    /// A kind declared by the policy (`spec.kinds`).
    Declared(&'static DeclaredName),
}

/// The name of a declared kind, with its article for messages ("a Supplier", "an Audit").
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeclaredName {
    name: Box<str>,
    article: Box<str>,
}

impl Kind {
    /// The built-in kinds.
    pub const ALL: [Kind; 3] = [Kind::Service, Kind::Product, Kind::Team];

    /// The kind a policy declares under this name. Names are interned once per process
    /// (a policy declares a handful), so the kind is a plain pointer that is `Copy`.
    pub fn declared(name: &str) -> Kind {
        static NAMES: OnceLock<Mutex<HashMap<Box<str>, &'static DeclaredName>>> = OnceLock::new();
        let mut names = NAMES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(d) = names.get(name) {
            return Kind::Declared(d);
        }
        let d: &'static DeclaredName = Box::leak(Box::new(DeclaredName {
            name: name.into(),
            article: super::with_article(name).into(),
        }));
        names.insert(name.into(), d);
        Kind::Declared(d)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "Service",
            Kind::Product => "Product",
            Kind::Team => "Team",
            Kind::Declared(d) => &d.name,
        }
    }

    /// A built-in kind by name; [`Kinds::parse`] also knows the policy's kinds.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// "a Service", "a Product", "a Team", "an Agreement": for messages.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Service => "a Service",
            Kind::Product => "a Product",
            Kind::Team => "a Team",
            Kind::Declared(d) => &d.article,
        }
    }

    pub fn is_builtin(self) -> bool {
        !matches!(self, Kind::Declared(_))
    }
}

/// How a catalogue's entities are written and identified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// catalint's format: `apiVersion: catalogue/v1`, entities identified by `metadata.id`.
    #[default]
    Catalint,
    /// Backstage's `catalog-info.yaml`: entities identified by kind, namespace and name.
    Backstage,
}

/// The kinds a catalogue may hold under a policy: the built-in ones, then the policy's.
/// A Backstage catalogue holds Backstage's kinds instead of the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kinds {
    format: Format,
    declared: Vec<Kind>,
}

impl Kinds {
    pub fn new(declared: Vec<Kind>) -> Kinds {
        Kinds {
            format: Format::Catalint,
            declared,
        }
    }

    /// The kinds of another format (theirs only, no built-in kinds).
    pub fn of_format(format: Format, declared: Vec<Kind>) -> Kinds {
        Kinds { format, declared }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn parse(&self, s: &str) -> Option<Kind> {
        self.all().find(|k| k.as_str() == s)
    }

    /// Every kind, built-in first, then in the order the policy declares them.
    pub fn all(&self) -> impl Iterator<Item = Kind> + '_ {
        let builtin: &[Kind] = match self.format {
            Format::Catalint => &Kind::ALL,
            Format::Backstage => &[],
        };
        builtin.iter().chain(&self.declared).copied()
    }

    pub fn declared(&self) -> &[Kind] {
        &self.declared
    }

    /// "Service, Product and Team" (`and`) or "Service, Product or Team" (`or`).
    pub fn words(&self, conjunction: &str) -> String {
        let names: Vec<&str> = self.all().map(Kind::as_str).collect();
        join_words(&names, conjunction, |s| s.to_owned())
    }

    /// "`kind: Service`, `kind: Product` or `kind: Team`".
    pub fn written(&self) -> String {
        let names: Vec<&str> = self.all().map(Kind::as_str).collect();
        join_words(&names, "or", |s| format!("`kind: {s}`"))
    }
}

/// "a, b and c", each word shown by `show`.
pub fn join_words(words: &[&str], conjunction: &str, show: impl Fn(&str) -> String) -> String {
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => show(last),
        Some((last, rest)) => {
            let rest: Vec<String> = rest.iter().map(|w| show(w)).collect();
            format!("{} {conjunction} {}", rest.join(", "), show(last))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_kinds_are_interned_and_named() {
        let a = Kind::declared("Agreement");
        assert_eq!(a, Kind::declared("Agreement"));
        assert_ne!(a, Kind::declared("Supplier"));
        assert_eq!(a.as_str(), "Agreement");
        assert_eq!(a.article(), "an Agreement");
        assert!(!a.is_builtin() && Kind::Team.is_builtin());
    }

    #[test]
    fn kinds_list_the_builtins_first() {
        let kinds = Kinds::default();
        assert_eq!(kinds.words("and"), "Service, Product and Team");
        assert_eq!(
            kinds.written(),
            "`kind: Service`, `kind: Product` or `kind: Team`"
        );
        let kinds = Kinds::new(vec![Kind::declared("Supplier")]);
        assert_eq!(kinds.words("or"), "Service, Product, Team or Supplier");
        assert_eq!(kinds.parse("Supplier"), Some(Kind::declared("Supplier")));
        assert_eq!(kinds.parse("Widget"), None);
    }
}
