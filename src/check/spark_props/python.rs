//! Properties in Python (and Scala) code — blocks and notebook code cells:
//! `SparkSession.builder.config("k", v)`, `spark.conf.set("k", v)`, `SparkConf().set("k", v)`
//! (keyword arguments `key=`/`value=` too) and `"spark.x": v` entries of dictionaries (Airflow's
//! `SparkSubmitOperator(conf={...})`), and keys read with `spark.conf.get("k")`. Only string-literal keys starting with `spark.` are read;
//! a value that is not a literal (a variable, an expression) is not judged.

use super::Prop;
use crate::util::lines::LineIndex;
use regex::Regex;
use std::sync::OnceLock;

const VALUE: &str = r#"("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|True|False|true|false|[-+]?[0-9][0-9.eE_]*\b|[^,)\n]+)"#;

fn call_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r#"\.(?:config|set)\(\s*(?:key\s*=\s*)?(["'])(spark\.[^"'\\\s]*)["']\s*(?:,\s*(?:value\s*=\s*)?{VALUE})?"#
        ))
        .expect("static regex")
    })
}

fn dict_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r#"(["'])(spark\.[^"'\\\s]*)["']\s*:\s*{VALUE}"#))
            .expect("static regex")
    })
}

fn get_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"\.conf\.get\(\s*(["'])(spark\.[^"'\\\s]*)["']"#).expect("static regex")
    })
}

/// Every property `text` sets through a call or a dictionary entry, or reads with
/// `spark.conf.get("k")` (an unknown key raises there; its value is not judged).
pub fn props(text: &str) -> Vec<Prop> {
    let pos = LineIndex::new(text);
    let mut out = Vec::new();
    for re in [call_re(), dict_re(), get_re()] {
        for c in re.captures_iter(text) {
            let key = c.get(2).expect("key group");
            let line_start = text[..key.start()].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..key.start()].contains('#') {
                continue;
            }
            let value = c.get(3).and_then(|v| literal(v.as_str()));
            let (l, col) = pos.line_col(key.start());
            out.push(Prop::new(key.as_str(), value, l, col));
        }
    }
    out.sort_by_key(|p| (p.line, p.column));
    out
}

/// A Python literal as Spark receives it (`True` → `true`); `None` for anything else.
fn literal(v: &str) -> Option<String> {
    let v = v.trim();
    if let Some(inner) = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
    {
        return (!inner.contains('\\')).then(|| inner.to_string());
    }
    match v {
        "True" | "true" => Some("true".into()),
        "False" | "false" => Some("false".into()),
        _ if v.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-._".contains(c)) =>
        {
            Some(v.replace('_', ""))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_conf_and_dicts() {
        let text = r#"spark = (SparkSession.builder
    .config("spark.a", "4g")
    .config('spark.b', True)
    .config("spark.c", memory)
    .getOrCreate())
spark.conf.set("spark.d", 200)
conf = SparkConf().set("spark.e", "x")
# spark.conf.set("spark.commented", 1)
print(spark.conf.get("spark.g"))
op = SparkSubmitOperator(conf={"spark.f": "1g", "other": 1})
"#;
        let got: Vec<_> = props(text)
            .into_iter()
            .map(|p| (p.key, p.value, p.line, p.column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("spark.a".into(), Some("4g".into()), 2, 14),
                ("spark.b".into(), Some("true".into()), 3, 14),
                ("spark.c".into(), None, 4, 14),
                ("spark.d".into(), Some("200".into()), 6, 17),
                ("spark.e".into(), Some("x".into()), 7, 25),
                ("spark.g".into(), None, 9, 23),
                ("spark.f".into(), Some("1g".into()), 10, 33),
            ]
        );
    }
}
