//! Anchors, aliases and merge keys: an alias expands its anchor's value, within a budget so
//! that a hostile file (a billion laughs) stays small; `<<` merges as YAML 1.1 defines it.

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn alias(&mut self, id: usize, span: Range<usize>, ctx: NodeCtx) {
        let Some(anchor) = self.anchors.get(&id) else {
            self.finding(
                ids::YAML_SYNTAX,
                "alias to an unknown anchor",
                span.clone(),
                "no anchor of this name is defined before this point",
            );
            let null = self.tree.null();
            self.finish(null, span, 0, 1, ctx);
            return;
        };
        if self.expanded.saturating_add(anchor.nodes) > self.limits.alias_nodes {
            if self.truncated {
                // One finding per document: the first alias over the limit.
                let null = self.tree.null();
                self.finish(null, span, 0, 1, ctx);
                return;
            }
            self.truncated = true;
            let limit = self.limits.alias_nodes;
            self.finding(
                ids::YAML_LIMIT,
                format!("aliases expand this document beyond {limit} values"),
                span.clone(),
                "expansion stopped at this alias",
            )
            .help = Some(
                "a file that multiplies aliases (a \"billion laughs\") is refused; \
                 write the values out, or raise `limits.aliasNodes` in catalint.yaml"
                    .into(),
            );
            let null = self.tree.null();
            self.finish(null, span, 0, 1, ctx);
            return;
        }
        // The alias shares the anchor's node: trees are read-only once built.
        let value = anchor.value;
        let nodes = anchor.nodes;
        let origin = anchor.pointer.clone();
        self.expanded += nodes;
        self.finish_with_origin(value, span, 0, nodes, ctx, Some(origin));
    }

    /// Applies a `<<` merge to the innermost mapping: keys written in the mapping win over
    /// merged ones, and earlier sources win over later ones (YAML merge-key semantics).
    pub(super) fn merge(&mut self, ctx: &NodeCtx, source: MergeSource) {
        let MergeSource {
            value,
            origin,
            use_span,
            key_span,
        } = source;
        let mut sources: Vec<(Vec<(KeyRef, NodeId)>, String)> = Vec::new();
        if let Some(members) = self.tree.object_members(value) {
            sources.push((members, origin));
        } else if let Some(items) = self.tree.array_items(value) {
            for (i, item) in items.into_iter().enumerate() {
                let item_ptr = push_segment(&origin, &i.to_string());
                let item_origin = self
                    .spans
                    .get(&item_ptr)
                    .and_then(|n| n.origin.as_deref().map(str::to_owned))
                    .unwrap_or(item_ptr);
                match self.tree.object_members(item) {
                    Some(members) => sources.push((members, item_origin)),
                    None => {
                        self.bad_merge(use_span.clone());
                        return;
                    }
                }
            }
        } else {
            self.bad_merge(use_span);
            return;
        }
        for (members, origin) in sources {
            for (k, v) in members {
                let name = self.tree.key_str(k);
                let Some(frame) = self.stack.last() else {
                    return;
                };
                if self.has_key(frame, name) {
                    continue;
                }
                if ctx.record {
                    let pointer = push_segment(&ctx.pointer, name);
                    let origin = push_segment(&origin, name);
                    // An entry written inline in the merge (`<<: [*base, {note: x}]`) is
                    // shown where it is written; one that comes through an alias, at the
                    // `<<` that brings it in (the anchor is its origin).
                    let written_inline = self.spans.get(&origin).and_then(|n| {
                        let key = n.key.clone()?;
                        (key.start >= use_span.start && key.end <= use_span.end)
                            .then(|| (key, n.value.clone()))
                    });
                    let (key, value) =
                        written_inline.unwrap_or_else(|| (key_span.clone(), use_span.clone()));
                    self.spans.insert(
                        &pointer,
                        NodeSpan {
                            key: Some(key),
                            value,
                            origin: Some(origin.into()),
                        },
                    );
                }
                self.insert_member(k, v);
            }
        }
    }

    pub(super) fn bad_merge(&mut self, span: Range<usize>) {
        self.finding(
            ids::YAML_UNSUPPORTED,
            "a merge key `<<` must merge a mapping or a list of mappings",
            span,
            "not a mapping",
        );
    }
}
