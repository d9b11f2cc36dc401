//! Properties on command lines (shell and console blocks, scripts): `--conf k=v`, `--conf=k=v`
//! and `-c k=v` on `spark-submit`, `pyspark`, `spark-shell`, `spark-sql` and
//! `start-connect-server.sh`, up to the application (its own arguments are not Spark's); and
//! `--set`/`--set-string` keys of `helm` that set one entry of a `sparkConf` map with escaped dots
//! (`connect.sparkConf.spark\.executor\.memory=4g`). An unescaped key is `helm-set-unknown-key`'s.

use super::Prop;
use crate::check::shell::words::{split, Word};
use regex::Regex;

const SPARK_COMMANDS: &[&str] = &[
    "spark-submit",
    "pyspark",
    "spark-shell",
    "spark-sql",
    "start-connect-server.sh",
    "spark-connect-server",
];

/// spark-submit options that take no value.
const FLAGS: &[&str] = &[
    "--verbose",
    "-v",
    "--supervise",
    "--help",
    "-h",
    "--version",
    "--usage-error",
    "-S",
    "--silent",
];

/// Map names whose entries are Spark properties in chart values.
pub const CONF_MAPS: &[&str] = &["sparkConf", "sparkProperties", "sparkConfig"];

/// Every property set on a command line of `text`, split into commands and words by the shell
/// checker's word splitter (quotes, escapes, `\`-continuations, operators; in `console` mode only
/// the transcript's commands). `placeholder` keeps documentation placeholders (`<value>`) words.
pub fn props(text: &str, placeholder: Option<&Regex>, console: bool) -> Vec<Prop> {
    let mut out = Vec::new();
    for words in split(text, placeholder, console).commands {
        let mut i = 0;
        while i < words.len() {
            let text = words[i].text();
            let name = text.rsplit('/').next().unwrap_or("");
            if SPARK_COMMANDS.contains(&name) {
                i = spark_command(&words, i + 1, &mut out);
            } else if name == "helm" {
                i = helm_command(&words, i + 1, &mut out);
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Line and column of the `index`-th character of a word (after quote removal): where its content
/// starts in the source.
fn at(word: &Word, index: usize) -> (usize, usize) {
    word.chars
        .get(index)
        .or(word.chars.last())
        .map_or((1, 1), |c| (c.line, c.col))
}

fn spark_command(words: &[Word], mut i: usize, out: &mut Vec<Prop>) -> usize {
    let conf = |kv: &str, (l, c): (usize, usize), out: &mut Vec<Prop>| {
        let (key, value) = match kv.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (kv, None),
        };
        out.push(Prop::new(key, value, l, c).conf_flag());
    };
    while i < words.len() {
        let w = words[i].text();
        if let Some(kv) = w.strip_prefix("--conf=") {
            conf(kv, at(&words[i], "--conf=".len()), out);
            i += 1;
        } else if w == "--conf" || w == "-c" {
            if let Some(next) = words.get(i + 1) {
                conf(&next.text(), at(next, 0), out);
            }
            i += 2;
        } else if w.starts_with('-') && w.len() > 1 {
            i += if w.contains('=') || FLAGS.contains(&w.as_str()) {
                1
            } else {
                2
            };
        } else {
            // The application: the rest are its own arguments.
            break;
        }
    }
    words.len()
}

fn helm_command(words: &[Word], mut i: usize, out: &mut Vec<Prop>) -> usize {
    let start = out.len();
    let mut plain: Vec<String> = Vec::new();
    let set = |word: &Word, skip: usize, out: &mut Vec<Prop>| {
        let text = word.text();
        let arg: String = text.chars().skip(skip).collect();
        for (key, value, k_at) in spark_conf_sets(&arg) {
            let (l, c) = at(word, skip + arg[..k_at].chars().count());
            // `--set k=null` deletes the key: nothing reaches Spark.
            let value = (value != "null").then_some(value);
            out.push(Prop::new(&key, value, l, c));
        }
    };
    while i < words.len() {
        let w = words[i].text();
        if let Some(prefix) = ["--set=", "--set-string="]
            .into_iter()
            .find(|p| w.starts_with(p))
        {
            set(&words[i], prefix.len(), out);
            i += 1;
        } else if w == "--set" || w == "--set-string" {
            if let Some(next) = words.get(i + 1) {
                set(next, 0, out);
            }
            i += 2;
        } else {
            if !w.starts_with('-') {
                plain.push(w);
            }
            i += 1;
        }
    }
    for p in &mut out[start..] {
        p.chart_words = plain.clone();
    }
    i
}

/// The `sparkConf` entries of one `--set` argument (`a.sparkConf.spark\.x\.y=v,b=c`): key with
/// its dots unescaped, value, byte offset of the key in `arg`.
fn spark_conf_sets(arg: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (item, item_at) in split_unescaped(arg, ',') {
        let Some(eq) = find_unescaped(item, '=') else {
            continue;
        };
        let (path, value) = (&item[..eq], &item[eq + 1..]);
        let segs = split_unescaped(path, '.');
        if segs.len() < 2 {
            continue;
        }
        let (last, last_at) = segs[segs.len() - 1];
        if CONF_MAPS.contains(&segs[segs.len() - 2].0) && last.contains("\\.") {
            out.push((
                last.replace("\\.", "."),
                value.to_string(),
                item_at + last_at,
            ));
        }
    }
    out
}

fn find_unescaped(s: &str, sep: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            return Some(i);
        }
    }
    None
}

fn split_unescaped(s: &str, sep: char) -> Vec<(&str, usize)> {
    let mut parts = Vec::new();
    let mut rest = s;
    let mut at = 0;
    while let Some(i) = find_unescaped(rest, sep) {
        parts.push((&rest[..i], at));
        at += i + sep.len_utf8();
        rest = &rest[i + sep.len_utf8()..];
    }
    parts.push((rest, at));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, Option<String>, usize, usize)> {
        props(text, None, false)
            .into_iter()
            .map(|p| (p.key, p.value, p.line, p.column))
            .collect()
    }

    #[test]
    fn conf_forms() {
        let text = "spark-submit --master k8s://x \\\n  --conf spark.a=1 --conf=spark.b=2 \\\n  -c 'spark.c=x y' app.py --conf spark.app.arg=1\n";
        assert_eq!(
            keys(text),
            vec![
                ("spark.a".into(), Some("1".into()), 2, 10),
                ("spark.b".into(), Some("2".into()), 2, 27),
                ("spark.c".into(), Some("x y".into()), 3, 7),
            ]
        );
        assert_eq!(
            keys("$ /opt/spark/bin/pyspark --conf foo=bar --verbose -c spark.x=1")
                .iter()
                .map(|k| k.0.as_str())
                .collect::<Vec<_>>(),
            ["foo", "spark.x"]
        );
        assert!(props("spark-submit --conf spark.a=1", None, false)[0].conf_flag);
        assert!(keys("echo --conf spark.a=1").is_empty());
    }

    #[test]
    fn helm_sets() {
        let text = "helm upgrade x charts/spark-4.1 --set 'connect.sparkConf.spark\\.executor\\.memory=4g,connect.replicas=1' --set connect.sparkConf.spark.y=1";
        let p = props(text, None, false);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].key, "spark.executor.memory");
        assert_eq!(p[0].value.as_deref(), Some("4g"));
        assert_eq!(p[0].column, 58);
        assert_eq!(p[0].chart_words, ["upgrade", "x", "charts/spark-4.1"]);
    }
}
