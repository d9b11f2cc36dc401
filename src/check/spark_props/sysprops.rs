//! Properties passed as Java system properties, which Spark loads into its configuration:
//! `-Dspark.x=v` in `SPARK_HISTORY_OPTS`, `SPARK_DAEMON_JAVA_OPTS`, `JAVA_TOOL_OPTIONS` and the like,
//! wherever they are written (shell, YAML env values, presets, scripts).

use super::Prop;
use crate::util::lines::LineIndex;
use regex::Regex;
use std::sync::OnceLock;

pub fn props(text: &str) -> Vec<Prop> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?:^|[\s"'=])-D(spark\.[A-Za-z0-9_.\-]+)(?:=([^\s"'\\]*))?"#)
            .expect("static regex")
    });
    let pos = LineIndex::new(text);
    re.captures_iter(text)
        .map(|c| {
            let key = c.get(1).expect("key");
            let (line, col) = pos.line_col(key.start());
            Prop::new(
                key.as_str(),
                c.get(2).map(|v| v.as_str().to_string()),
                line,
                col,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_system_properties() {
        let got: Vec<_> =
            props("  value: \"-Dspark.history.fs.logDirectory=s3a://x -Dfoo=1\n  -Dspark.a=1\"\n")
                .into_iter()
                .map(|p| (p.key, p.value, p.line, p.column))
                .collect();
        assert_eq!(
            got,
            vec![
                (
                    "spark.history.fs.logDirectory".into(),
                    Some("s3a://x".into()),
                    1,
                    13
                ),
                ("spark.a".into(), Some("1".into()), 2, 5),
            ]
        );
    }
}
