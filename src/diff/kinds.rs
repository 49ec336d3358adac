//! The kinds of change `catalint diff` finds, with their stable ids and default classes, and
//! the policy's `review:` section, which re-classes kinds and marks those that need review.

use crate::policy::Policy;

use super::Change;

/// What a change does to the catalogue's promises. Ordered weakest first, so that a sort by
/// class shows what a reviewer must look at on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A promise is lower, or something others rely on goes away.
    Weakened,
    /// A promise is higher.
    Strengthened,
    /// Neither: a different owner, category, a new dependency.
    Changed,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Weakened => "weakened",
            Class::Strengthened => "strengthened",
            Class::Changed => "changed",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        [Class::Weakened, Class::Strengthened, Class::Changed]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

macro_rules! change_kinds {
    ($($variant:ident = $id:literal, $class:ident, $what:literal;)*) => {
        /// A kind of change, by its stable id (`catalint schema Policy` lists them under
        /// `review`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        pub enum ChangeKind { $($variant),* }

        impl ChangeKind {
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant),*];

            pub fn id(self) -> &'static str {
                match self { $(ChangeKind::$variant => $id),* }
            }

            /// The class a change of this kind has unless the policy says otherwise. Some
            /// kinds decide per change (a lifecycle towards retirement weakens, hours cut
            /// weaken): for those this is the class of the neutral case.
            pub fn default_class(self) -> Class {
                match self { $(ChangeKind::$variant => Class::$class),* }
            }

            /// One line for the docs.
            pub fn what(self) -> &'static str {
                match self { $(ChangeKind::$variant => $what),* }
            }

            pub fn parse(id: &str) -> Option<ChangeKind> {
                Self::ALL.iter().copied().find(|k| k.id() == id)
            }
        }
    };
}

change_kinds! {
    EntityAdded = "entity-added", Changed, "an entity HEAD has and BASE had not";
    EntityRemoved = "entity-removed", Weakened, "an entity BASE had and HEAD has not";
    EntityMoved = "entity-moved", Changed, "an entity now written in another file";
    LifecycleChanged = "lifecycle-changed", Changed, "`spec.lifecycle`: weakened towards deprecated, retiring or retired, strengthened back to live";
    AvailabilityLowered = "availability-lowered", Weakened, "`serviceLevels.availability.target` lowered (exact decimals)";
    AvailabilityRaised = "availability-raised", Strengthened, "`serviceLevels.availability.target` raised";
    AllowedLowered = "allowed-availability-lowered", Weakened, "what the hard-dependency closure allows the service to promise went down (the product of its targets)";
    AllowedRaised = "allowed-availability-raised", Strengthened, "what the hard-dependency closure allows went up";
    ResponseSlower = "response-slower", Weakened, "an incident priority's `response` is longer";
    ResponseFaster = "response-faster", Strengthened, "an incident priority's `response` is shorter";
    ResolutionSlower = "resolution-slower", Weakened, "an incident priority's `resolution` is longer";
    ResolutionFaster = "resolution-faster", Strengthened, "an incident priority's `resolution` is shorter";
    PriorityAdded = "priority-added", Strengthened, "an incident priority the service now answers";
    PriorityRemoved = "priority-removed", Weakened, "an incident priority the service no longer answers";
    HoursReduced = "hours-reduced", Weakened, "service or support hours cover fewer hours a week";
    HoursExtended = "hours-extended", Strengthened, "service or support hours cover more hours a week";
    HoursChanged = "hours-changed", Changed, "service, support or maintenance hours changed otherwise (time zone, days)";
    FulfilmentSlower = "fulfilment-slower", Weakened, "a request's `fulfilment` is longer";
    FulfilmentFaster = "fulfilment-faster", Strengthened, "a request's `fulfilment` is shorter";
    RecoverySlower = "recovery-slower", Weakened, "`recovery.rto` or `recovery.rpo` is longer";
    RecoveryFaster = "recovery-faster", Strengthened, "`recovery.rto` or `recovery.rpo` is shorter";
    RequestAdded = "request-added", Strengthened, "a request (`serviceLevels.requests`) added";
    RequestRemoved = "request-removed", Weakened, "a request removed";
    OfferingAdded = "offering-added", Strengthened, "an offering (`spec.offerings`) added";
    OfferingRemoved = "offering-removed", Weakened, "an offering removed";
    CategoryChanged = "category-changed", Changed, "`spec.category`";
    FacingChanged = "facing-changed", Changed, "`spec.facing`";
    AgreementChanged = "agreement-changed", Changed, "`serviceLevels.agreement` (SLA, OLA, UC)";
    OwnerChanged = "owner-changed", Changed, "the owner team (`spec.owner.team`; Backstage `spec.owner`)";
    DependencyAdded = "dependency-added", Changed, "a dependency (hard or soft; Backstage `dependsOn`) added";
    DependencyRemoved = "dependency-removed", Changed, "a dependency removed";
    DependencyKindChanged = "dependency-kind-changed", Changed, "a dependency turned from hard to soft or back";
    ProductLinkChanged = "product-link-changed", Changed, "a product's `spec.service` or a service's `spec.product`";
    FieldChanged = "field-changed", Changed, "any other field under `spec`, the organisation's own fields (`spec.fields` of the policy) included";
}

/// The policy's `review:` section, as `catalint diff` applies it.
#[derive(Debug, Default)]
pub struct Review {
    classes: Vec<(ChangeKind, Class)>,
    required: Vec<ChangeKind>,
}

impl Review {
    /// The policy's schema admits only known kinds and classes: anything else is skipped
    /// here rather than guessed.
    pub fn from_policy(policy: &Policy) -> Review {
        let classes = policy
            .review
            .classes
            .iter()
            .filter_map(|(k, c)| Some((ChangeKind::parse(k)?, Class::parse(c)?)))
            .collect();
        let required = policy
            .review
            .required
            .iter()
            .filter_map(|k| ChangeKind::parse(k))
            .collect();
        Review { classes, required }
    }

    pub fn apply(&self, change: &mut Change) {
        if let Some((_, class)) = self.classes.iter().find(|(k, _)| *k == change.kind) {
            change.class = *class;
        }
        change.review = self.required.contains(&change.kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for k in ChangeKind::ALL {
            assert!(seen.insert(k.id()), "{} twice", k.id());
            assert!(k.id().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        }
    }

    /// The policy schema's list of change kinds is this list.
    #[test]
    fn policy_schema_lists_every_kind() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/policy.schema.json")).unwrap();
        let listed: Vec<&str> = schema["$defs"]["changeKind"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let ours: Vec<&str> = ChangeKind::ALL.iter().map(|k| k.id()).collect();
        assert_eq!(listed, ours);
    }
}
