//! Keys: a mapping key checked (a scalar, not a collection), a duplicate reported where it
//! repeats, never resolved last-wins.

use super::*;

impl<'t> Builder<'t> {
    pub(super) fn key(&mut self, value: NodeId, span: Range<usize>, shared: bool) {
        let text = self.src(&span);
        let mut unsupported = false;
        let name = match self.tree.take_string(value, shared) {
            Some(key) => key,
            None => {
                let kind = self.tree.view_of(value);
                let (what, shown) = match &kind {
                    ScalarKind::Container => ("a mapping or list", text.to_owned()),
                    ScalarKind::Null => ("empty (null)", "~".to_owned()),
                    ScalarKind::Other(s) | ScalarKind::String(s) => ("not a string", s.clone()),
                };
                self.finding(
                    ids::YAML_UNSUPPORTED,
                    format!("mapping key `{}` is {what}", truncate(&shown, 40)),
                    span.clone(),
                    "keys must be strings",
                )
                .help = Some(format!(
                    "quote the key (\"{}\") or rename it; catalogue keys are field names",
                    truncate(text, 40)
                ));
                unsupported = true;
                match kind {
                    ScalarKind::Null => self.tree.key(""),
                    ScalarKind::Other(s) | ScalarKind::String(s) => self.tree.key(&s),
                    ScalarKind::Container => self.tree.key(text),
                }
            }
        };
        let name_str = self.tree.key_str(name);
        let merge = name_str == "<<" && text == "<<";
        let Some(parent) = self.stack.last() else {
            return;
        };
        let record = parent.ctx.record;
        let duplicate = !merge && !unsupported && self.has_key(parent, name_str);
        if !self.full {
            self.bail |= duplicate;
            self.maybe_ambiguous |= !merge && scalar::yaml11_reading(text).is_some();
        }
        let pointer = if self.full {
            push_segment(&parent.ctx.pointer, name_str)
        } else {
            String::new()
        };
        if duplicate {
            let earlier = if record {
                self.spans.get(&pointer).and_then(|n| n.key.clone())
            } else {
                None
            };
            let mut d = Diagnostic::new(
                ids::DUPLICATE_KEY,
                Severity::Error,
                format!("key `{name_str}` appears twice in the same mapping"),
                Label::new(
                    self.loc(span.clone()),
                    "repeated here; this entry is ignored",
                ),
            )
            .with_pointer(pointer.clone())
            .with_help(format!(
                "YAML tools disagree on which `{name_str}` wins; keep one entry and delete the other"
            ));
            if let Some(earlier) = earlier {
                d.related
                    .push(Label::new(self.loc(earlier), "first defined here"));
            }
            self.diags.push(d);
        }
        if record
            && !merge
            && let Some(reading) = scalar::yaml11_reading(text)
        {
            self.ambiguous.push(Ambiguous {
                pointer,
                span: span.clone(),
                text: text.to_owned(),
                is_key: true,
                yaml11: reading,
            });
        }
        if let Some(parent) = self.stack.last_mut()
            && let Container::Map { key, .. } = &mut parent.container
        {
            *key = Some(PendingKey {
                name,
                span,
                merge,
                ignored: duplicate || unsupported,
            });
        }
    }

    /// Whether the mapping of `frame` already holds `name`.
    pub(super) fn has_key(&self, frame: &Frame, name: &str) -> bool {
        match &frame.container {
            Container::Map {
                seen: Some(seen), ..
            } => seen.contains(name),
            Container::Map { start, .. } => self.members[*start..]
                .iter()
                .any(|&(k, _)| self.tree.key_str(k) == name),
            Container::Seq { .. } => false,
        }
    }

    /// Adds an entry to the innermost mapping.
    pub(super) fn insert_member(&mut self, key: KeyRef, value: NodeId) {
        self.members.push((key, value));
        let Some(Frame {
            container: Container::Map { start, seen, .. },
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let entries = &self.members[*start..];
        match seen {
            Some(seen) => {
                seen.insert(self.tree.key_str(key).into());
            }
            None if entries.len() > SCAN_KEYS => {
                *seen = Some(
                    entries
                        .iter()
                        .map(|&(k, _)| self.tree.key_str(k).into())
                        .collect(),
                );
            }
            None => {}
        }
    }
}
