//! Backstage entity references, `[kind:][namespace/]name`, parsed as Backstage's
//! `parseEntityRef` parses them: the kind ends at the first `:` unless a `/` comes first,
//! the namespace at the first `/`, and a missing kind or namespace comes from the context
//! (the relation's default kind, the referring entity's namespace). Entities are compared
//! as Backstage compares them: the whole reference, case-insensitively.

/// A reference with its kind and namespace filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityName {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl EntityName {
    /// `component:default/payments`, in lower case: how Backstage compares references.
    pub fn canonical(&self) -> String {
        format!("{}:{}/{}", self.kind, self.namespace, self.name).to_lowercase()
    }
}

/// Why a reference cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefError {
    /// Not `[kind:][namespace/]name`: an empty kind, namespace or name.
    Malformed,
    /// No kind written, and the relation has no default kind (`dependsOn`).
    NoKind,
}

/// The parts as written: `(kind, namespace, name)`.
pub fn split(reference: &str) -> Result<(Option<&str>, Option<&str>, &str), RefError> {
    let slash = reference.find('/');
    let colon = reference.find(':').filter(|&c| slash.is_none_or(|s| c < s));
    let kind = colon.map(|c| &reference[..c]);
    let after_kind = colon.map_or(0, |c| c + 1);
    let namespace = slash.map(|s| &reference[after_kind..s]);
    let name = &reference[slash.map_or(after_kind, |s| s + 1)..];
    if kind == Some("") || namespace == Some("") || name.is_empty() {
        return Err(RefError::Malformed);
    }
    Ok((kind, namespace, name))
}

/// Parses a reference made by an entity in `namespace`, for a relation whose default kind
/// is `default_kind`.
pub fn parse(
    reference: &str,
    default_kind: Option<&str>,
    namespace: &str,
) -> Result<EntityName, RefError> {
    let (kind, ns, name) = split(reference)?;
    let kind = kind.or(default_kind).ok_or(RefError::NoKind)?;
    Ok(EntityName {
        kind: kind.to_owned(),
        namespace: ns.unwrap_or(namespace).to_owned(),
        name: name.to_owned(),
    })
}

/// The shortest way to write `target` from an entity in `namespace`, for a relation whose
/// default kind is `default_kind`: what a suggestion shows.
pub fn shortest(target: &EntityName, default_kind: Option<&str>, namespace: &str) -> String {
    let kind = match default_kind {
        Some(k) if k.eq_ignore_ascii_case(&target.kind) => String::new(),
        _ => format!("{}:", target.kind.to_lowercase()),
    };
    let ns = if target.namespace.eq_ignore_ascii_case(namespace) {
        String::new()
    } else {
        format!("{}/", target.namespace)
    };
    format!("{kind}{ns}{}", target.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(r: &str, default: Option<&str>) -> Result<String, RefError> {
        parse(r, default, "team-a").map(|n| n.canonical())
    }

    #[test]
    fn kind_and_namespace_default_from_the_relation_and_the_entity() {
        assert_eq!(
            parsed("payments", Some("Group")),
            Ok("group:team-a/payments".into())
        );
        assert_eq!(
            parsed("default/payments", Some("Group")),
            Ok("group:default/payments".into())
        );
        assert_eq!(
            parsed("user:jane", Some("Group")),
            Ok("user:team-a/jane".into())
        );
        assert_eq!(
            parsed("user:default/jane", None),
            Ok("user:default/jane".into())
        );
    }

    #[test]
    fn references_compare_case_insensitively() {
        assert_eq!(
            parsed("Component:Default/Payments", None),
            parsed("component:default/payments", None)
        );
    }

    #[test]
    fn a_slash_before_the_colon_makes_the_rest_the_name() {
        assert_eq!(split("ns/a:b"), Ok((None, Some("ns"), "a:b")));
        assert_eq!(split("k:ns/a/b"), Ok((Some("k"), Some("ns"), "a/b")));
    }

    #[test]
    fn bad_references() {
        for bad in ["", ":x", "k:", "/x", "ns/", "k:/x", "k:ns/"] {
            assert_eq!(split(bad), Err(RefError::Malformed), "{bad:?}");
        }
        assert_eq!(parsed("payments", None), Err(RefError::NoKind));
    }

    #[test]
    fn suggestions_are_written_as_short_as_the_context_allows() {
        let n = parse("component:team-a/payments", None, "team-a").unwrap();
        assert_eq!(shortest(&n, Some("Component"), "team-a"), "payments");
        assert_eq!(shortest(&n, None, "team-a"), "component:payments");
        assert_eq!(shortest(&n, None, "default"), "component:team-a/payments");
    }
}
