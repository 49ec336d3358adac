//! Scalars and tags: a scalar event resolved by the YAML 1.2 core schema (or its tag) into a
//! value, its YAML 1.1 readings recorded, and an unsupported tag reported.

use super::*;

impl<'t> Builder<'t> {
    /// The span of a node without its anchor (`&a`) and tag (`!!str`) properties, so that
    /// labels underline the value itself.
    pub(super) fn trim_properties(&self, span: Range<usize>) -> Range<usize> {
        let mut start = span.start;
        loop {
            let rest = self.src(&(start..span.end));
            if !(rest.starts_with('&') || rest.starts_with('!')) {
                break;
            }
            let token = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
            let after = &rest[token..];
            let ws = after.len() - after.trim_start().len();
            if token + ws == 0 {
                break;
            }
            start += token + ws;
        }
        start..span.end
    }

    /// The span of the tag (`!secret`) among a node's properties.
    pub(super) fn tag_span(&self, raw: &Range<usize>) -> Range<usize> {
        let text = self.src(raw);
        match text.find('!') {
            Some(i) => {
                let len = text[i..]
                    .find(char::is_whitespace)
                    .unwrap_or(text.len() - i);
                raw.start + i..raw.start + i + len
            }
            None => raw.start..raw.start,
        }
    }

    pub(super) fn scalar(
        &mut self,
        text: std::borrow::Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: &Range<usize>,
        raw: &Range<usize>,
        ctx: &NodeCtx,
    ) -> NodeId {
        if let Some(tag) = tag {
            if tag.handle == "!" && tag.suffix.is_empty() {
                return self.tree.string_at(&text, span);
            }
            if tag.is_yaml_core_schema() {
                let v = self.core_tagged(&text, &tag.suffix, span);
                return self.tree.scalar(&v);
            }
            self.unsupported_tag(tag, self.tag_span(raw));
        }
        if style != ScalarStyle::Plain {
            return self.tree.string_at(&text, span);
        }
        if let Some(reading) = scalar::yaml11_reading(&text) {
            self.maybe_ambiguous = true;
            if ctx.record {
                self.ambiguous.push(Ambiguous {
                    pointer: ctx.pointer.clone(),
                    span: span.clone(),
                    text: text.to_string(),
                    is_key: false,
                    yaml11: reading,
                });
            }
        }
        match scalar::resolve_plain(&text) {
            scalar::Plain::Value(v) => self.tree.scalar(&v),
            scalar::Plain::Text => self.tree.string_at(&text, span),
            scalar::Plain::NonFinite(what) => {
                self.finding(
                    ids::YAML_UNSUPPORTED,
                    format!("`{text}` is {what}, which JSON and the catalogue cannot hold"),
                    span.clone(),
                    format!("{what} is not a number the catalogue accepts"),
                )
                .help = Some(format!(
                    "write a finite number, or quote it (\"{text}\") if you meant text"
                ));
                self.tree.null()
            }
        }
    }

    pub(super) fn core_tagged(&mut self, text: &str, suffix: &str, span: &Range<usize>) -> Value {
        let plain = scalar::resolve_plain(text);
        let ok = |v: &Value| match suffix {
            "int" => v.is_i64() || v.is_u64(),
            "float" => v.is_number(),
            "bool" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        };
        match suffix {
            "str" => Value::String(text.to_owned()),
            "int" | "float" | "bool" | "null" => match plain {
                scalar::Plain::Value(v) if ok(&v) => v,
                _ => {
                    self.finding(
                        ids::YAML_UNSUPPORTED,
                        format!("`{text}` is not a valid `!!{suffix}`"),
                        span.clone(),
                        format!("not a {suffix}"),
                    )
                    .help = Some(format!("remove the `!!{suffix}` tag, or fix the value"));
                    Value::Null
                }
            },
            _ => {
                self.finding(
                    ids::YAML_UNSUPPORTED,
                    format!("the YAML tag `!!{suffix}` has no JSON equivalent"),
                    span.clone(),
                    "tagged here",
                )
                .help = Some("remove the tag and write plain text, numbers or lists".into());
                Value::String(text.to_owned())
            }
        }
    }

    pub(super) fn unsupported_tag(&mut self, tag: &Tag, span: Range<usize>) {
        let name = if tag.is_yaml_core_schema() {
            format!("!!{}", tag.suffix)
        } else {
            format!("{}{}", tag.handle, tag.suffix)
        };
        self.finding(
            ids::YAML_UNSUPPORTED,
            format!("custom YAML tag `{name}` is not supported"),
            span,
            "tagged value",
        )
        .help = Some(
            "catalogue files are plain data: remove the tag (the value is read as if untagged)"
                .into(),
        );
    }
}

pub(super) fn is_core_tag(tag: &Tag, expected: &str) -> bool {
    tag.is_yaml_core_schema() && tag.suffix == expected
}
