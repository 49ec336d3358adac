//! Sequences and mappings: a value put into its container (with its span and pointer), a
//! container finished, and the context a child node is built in.

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn child_ctx(&self) -> NodeCtx {
        if !self.full {
            // No pointers without spans: the role is all a node needs.
            let role = match self.stack.last().map(|p| &p.container) {
                None => Role::Root,
                Some(Container::Seq { .. }) => Role::Item,
                Some(Container::Map { key: None, .. }) => Role::Key,
                Some(Container::Map { key: Some(_), .. }) => Role::Value,
            };
            return NodeCtx {
                pointer: String::new(),
                record: false,
                role,
            };
        }
        let Some(parent) = self.stack.last() else {
            return NodeCtx {
                pointer: String::new(),
                record: true,
                role: Role::Root,
            };
        };
        match &parent.container {
            Container::Seq { start } => NodeCtx {
                pointer: push_segment(&parent.ctx.pointer, &(self.items.len() - start).to_string()),
                record: parent.ctx.record,
                role: Role::Item,
            },
            Container::Map { key: None, .. } => NodeCtx {
                pointer: parent.ctx.pointer.clone(),
                record: false,
                role: Role::Key,
            },
            Container::Map { key: Some(k), .. } => NodeCtx {
                pointer: push_segment(&parent.ctx.pointer, self.tree.key_str(k.name)),
                record: parent.ctx.record && !k.ignored,
                role: Role::Value,
            },
        }
    }

    pub(super) fn finish(
        &mut self,
        value: NodeId,
        span: Range<usize>,
        anchor: usize,
        nodes: usize,
        ctx: NodeCtx,
    ) {
        self.finish_with_origin(value, span, anchor, nodes, ctx, None);
    }

    pub(super) fn finish_with_origin(
        &mut self,
        value: NodeId,
        span: Range<usize>,
        anchor: usize,
        nodes: usize,
        ctx: NodeCtx,
        origin: Option<String>,
    ) {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchor {
                    value,
                    pointer: ctx.pointer.clone(),
                    nodes,
                },
            );
        }
        match ctx.role {
            Role::Root => {
                self.spans.insert(
                    "",
                    NodeSpan {
                        key: None,
                        value: span.clone(),
                        origin: origin.map(Into::into),
                    },
                );
                self.root = Some((value, span));
            }
            Role::Item => {
                if ctx.record {
                    self.spans.insert(
                        &ctx.pointer,
                        NodeSpan {
                            key: None,
                            value: span.clone(),
                            origin: origin.map(Into::into),
                        },
                    );
                }
                if let Some(parent) = self.stack.last_mut() {
                    parent.end = parent.end.max(span.end);
                    parent.nodes += nodes;
                    if let Container::Seq { .. } = parent.container {
                        self.items.push(value);
                    }
                }
            }
            // An anchored or aliased key's node may be used again: it stays in the tree.
            Role::Key => self.key(value, span, anchor != 0 || origin.is_some()),
            Role::Value => self.value(value, span, nodes, ctx, origin),
        }
    }

    pub(super) fn value(
        &mut self,
        value: NodeId,
        span: Range<usize>,
        nodes: usize,
        ctx: NodeCtx,
        origin: Option<String>,
    ) {
        let Some(parent) = self.stack.last_mut() else {
            return;
        };
        parent.end = parent.end.max(span.end);
        let Container::Map { key, .. } = &mut parent.container else {
            return;
        };
        let Some(k) = key.take() else {
            return;
        };
        if k.ignored {
            return;
        }
        parent.nodes += nodes;
        if ctx.record {
            self.spans.insert(
                &ctx.pointer,
                NodeSpan {
                    key: Some(k.span.clone()),
                    value: span.clone(),
                    origin: origin.clone().map(Into::into),
                },
            );
        }
        if k.merge {
            if let Some(Frame {
                container: Container::Map { merges, .. },
                ..
            }) = self.stack.last_mut()
            {
                merges.push(MergeSource {
                    value,
                    origin: origin.unwrap_or(ctx.pointer),
                    use_span: span,
                    key_span: k.span,
                });
            }
        } else {
            self.insert_member(k.name, value);
        }
    }

    pub(super) fn end_container(&mut self, frame: Frame, end_event: Range<usize>) {
        let Frame {
            container,
            ctx,
            start,
            mut end,
            anchor,
            nodes,
        } = frame;
        // Flow collections end at their closing bracket; block ones at their last child.
        if !end_event.is_empty() && self.src(&end_event).starts_with([']', '}']) {
            end = end.max(end_event.end);
        }
        let value = match container {
            Container::Seq { start } => {
                let start = start.min(self.items.len());
                let id = self.tree.array(&self.items[start..]);
                self.items.truncate(start);
                id
            }
            Container::Map {
                start,
                merges,
                seen,
                ..
            } => {
                let start = start.min(self.members.len());
                if !merges.is_empty() {
                    // Merged entries join this mapping's: put its frame back while they
                    // are added, so that duplicates are checked against it.
                    self.stack.push(Frame {
                        container: Container::Map {
                            start,
                            key: None,
                            merges: Vec::new(),
                            seen,
                        },
                        ctx: ctx.clone(),
                        start: 0,
                        end: 0,
                        anchor: 0,
                        nodes: 0,
                    });
                    for source in merges {
                        self.merge(&ctx, source);
                    }
                    self.stack.pop();
                }
                let id = self.tree.object(&self.members[start..]);
                self.members.truncate(start);
                id
            }
        };
        self.finish(value, start..end, anchor, nodes, ctx);
    }
}
