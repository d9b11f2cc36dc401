//! Properties in `spark-defaults.conf` text (`properties` blocks, `spark-defaults.conf: |` in
//! YAML): `key value`, `key=value` or `key: value` per line, as Java's `Properties.load` splits
//! them. Continuation lines (after a trailing `\`) are not keys.

use super::Prop;

/// Every `key value` line of `text`; `line0` and `col0` shift positions (for text embedded in
/// another file: the first line of `text` is line `line0 + 1`, columns are `col0` further right).
pub fn props_at(text: &str, line0: usize, col0: usize) -> Vec<Prop> {
    let mut out = Vec::new();
    let mut continued = false;
    for (n, raw) in text.lines().enumerate() {
        let was_continued = continued;
        continued = ends_with_odd_backslashes(raw);
        if was_continued {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let mut key_end = line.len();
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '=' || c == ':' || c.is_whitespace() {
                key_end = i;
                break;
            }
        }
        let key = &line[..key_end];
        let mut rest = line[key_end..].trim_start();
        if let Some(r) = rest.strip_prefix(['=', ':']) {
            rest = r.trim_start();
        }
        let value = (!continued).then(|| rest.to_string());
        let column = col0 + raw[..indent].chars().count() + 1;
        out.push(Prop::new(key, value, line0 + n + 1, column));
    }
    out
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_properties_lines() {
        let p = props_at(
            "# c\nspark.a 1\n  spark.b=2\nspark.c: x y\nspark.d = a \\\n  spark.not.a.key\n",
            0,
            0,
        );
        let got: Vec<_> = p
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_deref(), p.line, p.column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("spark.a", Some("1"), 2, 1),
                ("spark.b", Some("2"), 3, 3),
                ("spark.c", Some("x y"), 4, 1),
                ("spark.d", None, 5, 1),
            ]
        );
    }
}
