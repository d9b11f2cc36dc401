//! Properties in SQL (blocks, `%%sql` cells): `SET k=v` and `SET k = v` statements, one per line.
//! `SET k` alone (which shows the value) has its key checked only.

use super::Prop;
use regex::Regex;
use std::sync::OnceLock;

pub fn props(text: &str) -> Vec<Prop> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)^(\s*SET\s+)([A-Za-z][A-Za-z0-9_.\-]*)(?:\s*=\s*(.*?))?\s*;?\s*$")
            .expect("static regex")
    });
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(c) = re.captures(line) else {
            continue;
        };
        let key = c.get(2).expect("key");
        if key.as_str().eq_ignore_ascii_case("-v") {
            continue;
        }
        let value = c.get(3).map(|v| {
            let v = v.as_str().trim();
            v.strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .unwrap_or(v)
                .to_string()
        });
        let col = line[..key.start()].chars().count() + 1;
        out.push(Prop::new(key.as_str(), value, n + 1, col));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_statements() {
        let got: Vec<_> = props("SET spark.a=1;\n  set spark.b = true\nSELECT 1;\nSET spark.c\n")
            .into_iter()
            .map(|p| (p.key, p.value, p.line, p.column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("spark.a".into(), Some("1".into()), 1, 5),
                ("spark.b".into(), Some("true".into()), 2, 7),
                ("spark.c".into(), None, 4, 5),
            ]
        );
    }
}
