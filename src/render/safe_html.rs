//! safe_html: what raw HTML and which URLs a page may carry. Raw HTML written in Markdown is
//! filtered by the site's `[markdown] raw_html` policy, and `javascript:`, `vbscript:` and `data:`
//! URLs (raster `data:image/…` image sources aside) are recognised however they are disguised.
//!
//! Decisions: the filter is a small tokenizer, not an HTML parser: a fragment is split into
//! comments, tags and text; a tag survives only when its name is on the allow-list and each of its
//! attributes is on the attribute allow-list, and it is then written back normalised (lower-case
//! name, double-quoted escaped values), so nothing the tokenizer misread can reach the page as
//! markup. Everything else is escaped and shows as text; comments are dropped (they are invisible
//! anyway, and `<!-- spark-docs-ignore -->` is read from the source, not from the page).

use crate::config::RawHtml;
use crate::render::highlight::escape;

/// Elements `raw_html = "safe"` keeps: disclosure, keyboard keys, line breaks and inline
/// text semantics. None of them loads anything or runs anything.
const SAFE_ELEMENTS: &[&str] = &[
    "abbr", "b", "br", "cite", "code", "del", "details", "dfn", "em", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "strong", "sub", "summary", "sup", "u", "var", "wbr",
];

/// Attributes the kept elements may carry (none takes a URL, none is an event handler).
const SAFE_ATTRIBUTES: &[&str] = &["open", "title"];

/// How a URL is used: an image source may be a raster `data:` image, a link never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    Link,
    Image,
}

/// Whether `url` may be emitted as an `href`/`src`. Entities, ASCII whitespace and control
/// characters are removed and case is folded before the scheme is read, as browsers do, so
/// `JaVaScRiPt:`, `java\tscript:` and `&#106;avascript:` are all caught.
pub fn url_is_safe(url: &str, usage: UrlUse) -> bool {
    let plain: String = decode_entities(url)
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    let Some(colon) = plain.find(':') else {
        return true;
    };
    if plain[..colon].contains(['/', '?', '#']) {
        return true; // a relative path with a colon later on
    }
    match &plain[..colon] {
        "javascript" | "vbscript" => false,
        "data" => {
            usage == UrlUse::Image
                && ["png", "gif", "jpeg", "webp"].iter().any(|t| {
                    plain[colon + 1..]
                        .strip_prefix("image/")
                        .and_then(|r| r.strip_prefix(t))
                        .is_some_and(|r| r.starts_with([';', ',']))
                })
        }
        _ => true,
    }
}

/// `s` with numeric character references (`&#106;`, `&#x6A`, semicolon optional) and the named
/// ones that can hide a scheme (`&colon;`, `&Tab;`, `&NewLine;`) decoded.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (decoded, used) = decode_one(rest);
        match decoded {
            Some(c) => out.push(c),
            None => out.push('&'),
        }
        rest = &rest[used..];
    }
    out.push_str(rest);
    out
}

/// Decodes the reference at the start of `s` (which starts with `&`): the character and the bytes
/// used, or `None` and 1.
fn decode_one(s: &str) -> (Option<char>, usize) {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (num, 10, 2),
        };
        let len = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        if len == 0 {
            return (None, 1);
        }
        let value = u32::from_str_radix(&digits[..len].chars().take(8).collect::<String>(), radix)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}');
        let semi = usize::from(digits[len..].starts_with(';'));
        return (Some(value), skip + len + semi);
    }
    for (name, c) in [("colon;", ':'), ("tab;", '\t'), ("newline;", '\n')] {
        if body.len() >= name.len() && body[..name.len()].eq_ignore_ascii_case(name) {
            return (Some(c), 1 + name.len());
        }
    }
    (None, 1)
}

/// Raw HTML from Markdown (an HTML block or one inline tag), filtered by `policy`.
pub fn filter_raw_html(html: &str, policy: RawHtml) -> String {
    match policy {
        RawHtml::All => html.to_string(),
        RawHtml::None => keep_tags(html, |_| false),
        RawHtml::Safe => keep_tags(html, |tag| tag.is_safe()),
    }
}

/// Tags that `keep` accepts normalised, comments dropped, everything else escaped.
fn keep_tags(html: &str, keep: fn(&Tag) -> bool) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&escape_text(&rest[..i]));
        rest = &rest[i..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            match comment.find("-->") {
                Some(end) => rest = &comment[end + 3..],
                None => {
                    out.push_str(&escape(rest));
                    rest = "";
                }
            }
            continue;
        }
        match parse_tag(rest) {
            Some((tag, used)) if keep(&tag) => {
                out.push_str(&tag.to_html());
                rest = &rest[used..];
            }
            _ => {
                out.push_str("&lt;");
                rest = &rest[1..];
            }
        }
    }
    out.push_str(&escape_text(rest));
    out
}

/// Text between tags: `<`/`>` and quotes escaped, character references kept.
fn escape_text(text: &str) -> String {
    text.replace('<', "&lt;").replace('>', "&gt;")
}

struct Tag<'a> {
    name: String,
    closing: bool,
    attributes: Vec<(String, Option<&'a str>)>,
}

impl Tag<'_> {
    fn is_safe(&self) -> bool {
        SAFE_ELEMENTS.contains(&self.name.as_str())
            && (!self.closing || self.attributes.is_empty())
            && self
                .attributes
                .iter()
                .all(|(name, _)| SAFE_ATTRIBUTES.contains(&name.as_str()))
    }

    fn to_html(&self) -> String {
        let mut s = format!("<{}{}", if self.closing { "/" } else { "" }, self.name);
        for (name, value) in &self.attributes {
            s.push(' ');
            s.push_str(name);
            if let Some(v) = value {
                s.push_str(&format!("=\"{}\"", escape(&decode_entities(v))));
            }
        }
        s.push('>');
        s
    }
}

/// Reads one start or end tag at the start of `s`: the tag and its length in bytes.
fn parse_tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        let ws = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => break,
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                i += 1;
                break;
            }
            _ if i == ws => return None, // attributes must be separated by whitespace
            _ => {}
        }
        let attr_start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'_' | b':' | b'.'))
        {
            i += 1;
        }
        if i == attr_start {
            return None;
        }
        let attr = s[attr_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) != Some(&b'=') {
            attributes.push((attr, None));
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let value = match bytes.get(j)? {
            q @ (b'"' | b'\'') => {
                let end = s[j + 1..].find(*q as char)? + j + 1;
                i = end + 1;
                &s[j + 1..end]
            }
            _ => {
                let end = s[j..]
                    .find(|c: char| {
                        c.is_ascii_whitespace() || matches!(c, '>' | '"' | '\'' | '<' | '=' | '`')
                    })
                    .map_or(s.len(), |e| e + j);
                if end == j {
                    return None;
                }
                i = end;
                &s[j..end]
            }
        };
        attributes.push((attr, Some(value)));
    }
    Some((
        Tag {
            name,
            closing,
            attributes,
        },
        i + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_disguised_script_urls() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " java\tscript:alert(1)",
            "java\nscript:x",
            "&#106;avascript:alert(1)",
            "&#x6A&#x61vascript:x",
            "javascript&colon;x",
            "\u{1}javascript:x",
            "vbscript:msgbox",
            "data:text/html,<script>x</script>",
            "data:image/svg+xml,<svg onload=x>",
        ] {
            assert!(!url_is_safe(url, UrlUse::Link), "{url:?}");
            assert!(!url_is_safe(url, UrlUse::Image), "{url:?}");
        }
        assert!(!url_is_safe("data:image/png;base64,AAAA", UrlUse::Link));
        for url in [
            "https://example.org/a:b",
            "/issues/",
            "#x",
            "../a.md",
            "mailto:a@b",
            "docs/javascript:notes.md",
        ] {
            assert!(url_is_safe(url, UrlUse::Link), "{url:?}");
        }
        assert!(url_is_safe("data:image/png;base64,AAAA", UrlUse::Image));
        assert!(url_is_safe("DATA:image/webp,AAAA", UrlUse::Image));
    }

    #[test]
    fn keeps_only_allowed_tags_and_attributes() {
        let safe = |s: &str| filter_raw_html(s, RawHtml::Safe);
        assert_eq!(
            safe("<details open><summary>More</summary>\n<kbd>Ctrl</kbd>+<KBD>C</KBD><br/></details>"),
            "<details open><summary>More</summary>\n<kbd>Ctrl</kbd>+<kbd>C</kbd><br></details>"
        );
        assert_eq!(
            safe("<abbr title='a \"b\"'>AB</abbr>"),
            "<abbr title=\"a &quot;b&quot;\">AB</abbr>"
        );
        assert_eq!(
            safe("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            safe("<kbd onclick=\"x()\">K</kbd>"),
            "&lt;kbd onclick=\"x()\"&gt;K</kbd>"
        );
        assert_eq!(safe("<iframe src=x>"), "&lt;iframe src=x&gt;");
        assert_eq!(safe("<!-- spark-docs-ignore: all -->\n"), "\n");
        assert_eq!(safe("<!-- open"), "&lt;!-- open");
        assert_eq!(safe("<REALM>"), "&lt;REALM&gt;");
        assert_eq!(safe("a < b > c &amp; d"), "a &lt; b &gt; c &amp; d");
        assert_eq!(safe("<sup\n>1</sup>"), "<sup>1</sup>");
        assert_eq!(safe("<sub/onerror=x>"), "&lt;sub/onerror=x&gt;");
        assert_eq!(
            filter_raw_html("<!-- c --><script>x</script>", RawHtml::None),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(
            filter_raw_html("<kbd>K</kbd>", RawHtml::None),
            "&lt;kbd&gt;K&lt;/kbd&gt;"
        );
        assert_eq!(filter_raw_html("<iframe>", RawHtml::All), "<iframe>");
    }
}
