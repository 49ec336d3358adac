//! HTML text: escaping (every string from YAML goes through [`esc`]), links between pages
//! (relative files, or `#` anchors in the single-file site) and the page shell.

use std::fmt::Write as _;

/// Text and attribute values escaped: nothing a YAML value holds can open a tag, end an
/// attribute or start an entity.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_esc(&mut out, s);
    out
}

pub fn push_esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (and bidirectional overrides) could hide or reorder text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// JSON inside a `<script>` element: `<`, `>` and `&` as `\u` escapes, so that no string
/// can close the element or open a comment.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// How pages link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One file per page; links relative, so that the folder works from `file://` and
    /// from any sub-path of a Pages site.
    Folder,
    /// One HTML file; each page a section, links are `#` anchors.
    SingleFile,
}

/// Links from one page (its path in the site, `service/payroll.html`).
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    pub mode: Mode,
    pub from: &'a str,
}

impl Links<'_> {
    /// The href of page `to` (a site path), escaped for an attribute.
    pub fn to(&self, to: &str) -> String {
        match self.mode {
            Mode::Folder => esc(&format!("{}{to}", self.root())),
            Mode::SingleFile => esc(&format!("#{}", anchor(to))),
        }
    }

    /// The way back to the site's top folder (`../` per folder level).
    pub fn root(&self) -> String {
        "../".repeat(self.from.matches('/').count())
    }
}

/// A page's anchor in the single-file site: its path without `.html`.
pub fn anchor(path: &str) -> &str {
    path.strip_suffix(".html").unwrap_or(path)
}

pub const CSS: &str = include_str!("assets/site.css");
pub const JS: &str = include_str!("assets/site.js");

/// The header every page shares: the site's name and its main links.
pub fn header(links: &Links<'_>, title: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<header class=\"top\"><a class=\"skip\" href=\"#main\">Skip to content</a>\
         <a class=\"brand\" href=\"{}\">{}</a><nav aria-label=\"Site\"><ul>\
         <li><a href=\"{}\">Catalogue</a></li><li><a href=\"{}\">Map</a></li>\
         <li><a href=\"{}\">Findings</a></li></ul></nav>\
         <button type=\"button\" class=\"theme\" data-theme-toggle aria-label=\"Switch between light and dark\">◐</button></header>",
        links.to("index.html"),
        esc(title),
        links.to("index.html"),
        links.to("map.html"),
        links.to("findings.html"),
    );
    h
}

/// A whole document for the folder site: head, the shared header, the page's main part.
pub fn document(links: &Links<'_>, site_title: &str, title: &str, main: &str) -> String {
    let root = links.root();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"catalint {}\">\
         <title>{} · {}</title><link rel=\"stylesheet\" href=\"{root}assets/site.css\">\
         <script src=\"{root}assets/site.js\" defer></script></head>\
         <body>{}<main id=\"main\" tabindex=\"-1\">{main}</main>{}</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title),
        esc(site_title),
        header(links, site_title),
        footer(),
    )
}

pub fn footer() -> String {
    format!(
        "<footer class=\"foot\"><p>Built by catalint {} from the catalogue's YAML. \
         Press <kbd>/</kbd> to search.</p></footer>",
        env!("CARGO_PKG_VERSION")
    )
}

/// One section of the single-file site.
pub fn section(path: &str, title: &str, main: &str) -> String {
    format!(
        "<section class=\"page\" id=\"{}\" data-title=\"{}\">{main}</section>\n",
        esc(anchor(path)),
        esc(title)
    )
}

/// The single-file site: every page a section, styles and script inline.
pub fn single_document(site_title: &str, sections: &str) -> String {
    let links = Links {
        mode: Mode::SingleFile,
        from: "index.html",
    };
    format!(
        "<!doctype html>\n<html lang=\"en\" data-single><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"catalint {}\"><title>{}</title>\
         <style>{CSS}</style></head><body>{}<main id=\"main\" tabindex=\"-1\">{sections}</main>{}\
         <script>{}</script></body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(site_title),
        header(&links, site_title),
        footer(),
        // A script's text ends at `</script`: the bundled script never holds it.
        JS.replace("</", "<\\/"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{202E}b\u{7}"), "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let v = serde_json::json!(["</script><!--", "a&b"]);
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn links_are_relative_or_anchors() {
        let l = Links {
            mode: Mode::Folder,
            from: "service/a.html",
        };
        assert_eq!(l.to("team/t.html"), "../team/t.html");
        let l = Links {
            mode: Mode::SingleFile,
            from: "service/a.html",
        };
        assert_eq!(l.to("team/t.html"), "#team/t");
    }
}
