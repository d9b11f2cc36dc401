//! The Spark property catalog: every property Spark registers, per Spark version line ("3.5",
//! "4.1", "4.3"), embedded from `data/spark-catalog.json.gz` (format and provenance:
//! `data/README.md`) and parsed once per process on first use. Lookups by version line: does a
//! key exist, in which lines, its type/default/since/doc, deprecated (replacement chains followed)
//! and removed status, a did-you-mean over public names; plus the open namespaces — prefixes
//! under which Spark, Hadoop or a plugin read names the catalog cannot list.
//!
//! Decisions: records keep the catalog's compact shape (fields of the newest line plus `by`
//! overrides for older lines) and are resolved per line on lookup, so the 480 KB document is
//! parsed into maps once and nothing is duplicated per line. The open-namespace list is data
//! ([`DEFAULT_OPEN_NAMESPACES`]) that site.toml extends (`[check.spark] open_namespaces`).

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::OnceLock;

static GZ: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/spark-catalog.json.gz"
));

/// The embedded catalog, decompressed and parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut json = Vec::with_capacity(512 * 1024);
        flate2::read::GzDecoder::new(GZ)
            .read_to_end(&mut json)
            .expect("embedded spark catalog is gzip");
        Catalog::from_json(&json).expect("embedded spark catalog parses")
    })
}

/// A record of the catalog: the lines it is in, the newest line's fields, older lines' overrides.
#[derive(Debug, Deserialize)]
struct Record {
    #[serde(rename = "in")]
    lines: Vec<String>,
    #[serde(default)]
    by: BTreeMap<String, Map<String, Value>>,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

impl Record {
    fn has(&self, line: &str) -> bool {
        self.lines.iter().any(|l| l == line)
    }

    /// The field as it is in `line` (`None` when absent there).
    fn get(&self, line: &str, field: &str) -> Option<&Value> {
        match self.by.get(line).and_then(|m| m.get(field)) {
            Some(Value::Null) => None,
            Some(v) => Some(v),
            None => self.fields.get(field),
        }
    }

    fn str(&self, line: &str, field: &str) -> Option<&str> {
        self.get(line, field).and_then(Value::as_str)
    }

    fn flag(&self, line: &str, field: &str) -> Option<bool> {
        self.get(line, field).and_then(Value::as_bool)
    }
}

#[derive(Debug, Deserialize)]
struct Raw {
    format: u32,
    versions: BTreeMap<String, Value>,
    properties: HashMap<String, Record>,
    #[serde(default)]
    deprecated: HashMap<String, Record>,
    #[serde(default)]
    removed: HashMap<String, Record>,
}

/// The parsed catalog.
#[derive(Debug)]
pub struct Catalog {
    /// Version lines, oldest first (`3.5`, `4.1`, `4.3`).
    lines: Vec<String>,
    /// Exact release per line (`3.5` → `3.5.9`).
    releases: BTreeMap<String, String>,
    properties: HashMap<String, Record>,
    deprecated: HashMap<String, Record>,
    removed: HashMap<String, Record>,
    /// Public, non-literal property names, sorted: the did-you-mean candidates.
    suggestable: Vec<String>,
}

/// The type of a property's value, as Spark's converter parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Boolean,
    Int,
    Long,
    Double,
    Decimal,
    Size,
    Duration,
    Enum,
    List,
    String,
    Regex,
}

impl ValueType {
    fn from_name(s: &str) -> Option<ValueType> {
        Some(match s {
            "boolean" => ValueType::Boolean,
            "int" => ValueType::Int,
            "long" => ValueType::Long,
            "double" => ValueType::Double,
            "decimal" => ValueType::Decimal,
            "size" => ValueType::Size,
            "duration" => ValueType::Duration,
            "enum" => ValueType::Enum,
            "list" => ValueType::List,
            "string" => ValueType::String,
            "regex" => ValueType::Regex,
            _ => return None,
        })
    }

    /// `a boolean`, `an int`...
    pub fn with_article(self) -> &'static str {
        match self {
            ValueType::Boolean => "a boolean",
            ValueType::Int => "an int",
            ValueType::Long => "a long",
            ValueType::Double => "a double",
            ValueType::Decimal => "a decimal",
            ValueType::Size => "a size",
            ValueType::Duration => "a duration",
            ValueType::Enum => "an enum",
            ValueType::List => "a list",
            ValueType::String => "a string",
            ValueType::Regex => "a regex",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Boolean => "boolean",
            ValueType::Int => "int",
            ValueType::Long => "long",
            ValueType::Double => "double",
            ValueType::Decimal => "decimal",
            ValueType::Size => "size",
            ValueType::Duration => "duration",
            ValueType::Enum => "enum",
            ValueType::List => "list",
            ValueType::String => "string",
            ValueType::Regex => "regex",
        }
    }
}

/// A property as one version line defines it.
#[derive(Debug, Clone)]
pub struct Property<'a> {
    pub key: &'a str,
    pub line: &'a str,
    pub value_type: Option<ValueType>,
    /// Spark's `defaultValueString` (`<undefined>`, `<value of K>` included).
    pub default: Option<&'a str>,
    pub since: Option<&'a str>,
    pub doc: Option<&'a str>,
    pub public: bool,
    /// Known only as a string constant in Spark's classes (nothing else known).
    pub literal: bool,
    /// A static SQL conf (startup only).
    pub is_static: bool,
    /// Allowed values of an `enum` (or of a `list`'s elements).
    pub values: Vec<&'a str>,
    pub values_case_insensitive: bool,
}

/// A deprecated key in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// The key to use instead: the end of the replacement chain (itself not deprecated).
    pub replacement: Option<String>,
    /// Every step of the chain after the key (`[b, c]` for `a → b → c`).
    pub chain: Vec<String>,
    pub since: Option<String>,
    pub message: Option<String>,
}

/// A removed SQL key in one line (Spark rejects any value but `default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub since: Option<String>,
    pub default: Option<String>,
    pub message: Option<String>,
    pub replacement: Option<String>,
}

impl Catalog {
    /// Parses the catalog document (`format` 1).
    pub fn from_json(json: &[u8]) -> Result<Catalog, String> {
        let raw: Raw = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        if raw.format != 1 {
            return Err(format!("unsupported catalog format {}", raw.format));
        }
        let mut lines: Vec<String> = raw.versions.keys().cloned().collect();
        lines.sort_by_key(|l| version_key(l));
        let releases = raw
            .versions
            .iter()
            .filter_map(|(l, v)| Some((l.clone(), v.get("pyspark")?.as_str()?.to_string())))
            .collect();
        let mut suggestable: Vec<String> = raw
            .properties
            .iter()
            .filter(|(_, r)| {
                r.fields.get("public") != Some(&Value::Bool(false))
                    && r.fields.get("literal") != Some(&Value::Bool(true))
            })
            .map(|(k, _)| k.clone())
            .collect();
        suggestable.sort();
        Ok(Catalog {
            lines,
            releases,
            properties: raw.properties,
            deprecated: raw.deprecated,
            removed: raw.removed,
            suggestable,
        })
    }

    /// The version lines, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The exact Spark release a line was read from (`3.5` → `3.5.9`).
    pub fn release(&self, line: &str) -> Option<&str> {
        self.releases.get(line).map(String::as_str)
    }

    /// The property `key` as `line` defines it, if it is a property there.
    pub fn property<'a>(&'a self, key: &str, line: &'a str) -> Option<Property<'a>> {
        let (key, r) = self.properties.get_key_value(key)?;
        if !r.has(line) {
            return None;
        }
        Some(Property {
            key,
            line,
            value_type: r.str(line, "type").and_then(ValueType::from_name),
            default: r.str(line, "default"),
            since: r.str(line, "since"),
            doc: r.str(line, "doc"),
            public: r.flag(line, "public") != Some(false),
            literal: r.flag(line, "literal") == Some(true),
            is_static: r.flag(line, "static") == Some(true),
            values: r
                .get(line, "values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            values_case_insensitive: r.flag(line, "valuesCaseInsensitive") == Some(true),
        })
    }

    /// Whether `key` is known in `line` at all: a property, a deprecated or a removed key.
    pub fn exists_in(&self, key: &str, line: &str) -> bool {
        [&self.properties, &self.deprecated, &self.removed]
            .iter()
            .any(|m| m.get(key).is_some_and(|r| r.has(line)))
    }

    /// The lines `key` is known in (property, deprecated or removed), oldest first.
    pub fn lines_of(&self, key: &str) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| self.exists_in(key, l))
            .map(String::as_str)
            .collect()
    }

    /// Every key `line` knows (properties, deprecated and removed keys), sorted.
    pub fn keys_in(&self, line: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = [&self.properties, &self.deprecated, &self.removed]
            .iter()
            .flat_map(|m| {
                m.iter()
                    .filter(|(_, r)| r.has(line))
                    .map(|(k, _)| k.as_str())
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Whether any line knows `key`.
    pub fn knows(&self, key: &str) -> bool {
        self.properties.contains_key(key)
            || self.deprecated.contains_key(key)
            || self.removed.contains_key(key)
    }

    /// The `since` of `key` in the newest line that has it as a property.
    pub fn since(&self, key: &str) -> Option<&str> {
        let r = self.properties.get(key)?;
        let line = r.lines.iter().max_by_key(|l| version_key(l))?;
        r.str(line, "since")
    }

    /// Deprecation of `key` in `line`, with the replacement chain followed to its end.
    pub fn deprecated(&self, key: &str, line: &str) -> Option<Deprecation> {
        let r = self.deprecated.get(key).filter(|r| r.has(line))?;
        let mut chain = Vec::new();
        let mut next = r.str(line, "replacement").map(str::to_string);
        while let Some(k) = next.take() {
            if chain.contains(&k) || k == key {
                break;
            }
            next = self
                .deprecated
                .get(&k)
                .filter(|d| d.has(line))
                .and_then(|d| d.str(line, "replacement"))
                .map(str::to_string);
            chain.push(k);
        }
        Some(Deprecation {
            replacement: chain.last().cloned(),
            chain,
            since: r.str(line, "since").map(str::to_string),
            message: r.str(line, "message").map(str::to_string),
        })
    }

    /// Removal of `key` in `line` (`SQLConf.removedSQLConfigs`).
    pub fn removed(&self, key: &str, line: &str) -> Option<Removal> {
        let r = self.removed.get(key).filter(|r| r.has(line))?;
        let s = |f: &str| r.str(line, f).map(str::to_string);
        Some(Removal {
            since: s("since"),
            default: s("default"),
            message: s("message"),
            replacement: s("replacement"),
        })
    }

    /// The closest public property name to a misspelt `key` (any line), for "did you mean".
    /// Names equal apart from case and dots (`spark.sql.warehouseDir` →
    /// `spark.sql.warehouse.dir`) win over plain edit distance.
    pub fn suggest(&self, key: &str) -> Option<&str> {
        let squash = |s: &str| s.replace(['.', '-', '_'], "").to_lowercase();
        let want = squash(key);
        if let Some(hit) = self.suggestable.iter().find(|c| squash(c) == want) {
            return Some(hit);
        }
        let lower = key.to_lowercase();
        let limit = (key.len() / 6).clamp(2, 4);
        let mut best: Option<(usize, &str)> = None;
        for c in &self.suggestable {
            if c.len().abs_diff(key.len()) > limit {
                continue;
            }
            let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
            if d <= limit && best.is_none_or(|(bd, bc)| (d, c.as_str()) < (bd, bc)) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }
}

/// `4.10` sorts after `4.3`.
fn version_key(v: &str) -> Vec<u32> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// Namespaces whose names Spark, Hadoop or a plugin build at run time, so no catalog lists them.
/// `*` as the last segment matches one or more segments; `<name>` (or `*` elsewhere) exactly one;
/// `{a,b}` expands to both alternatives.
pub const DEFAULT_OPEN_NAMESPACES: &[&str] = &[
    // Hadoop configuration passed through (`spark.hadoop.fs.s3a.bucket.<b>.*` included).
    "spark.hadoop.*",
    // Environment of executors, the driver and the YARN/Mesos application master.
    "spark.executorEnv.*",
    "spark.kubernetes.driverEnv.*",
    "spark.yarn.appMasterEnv.*",
    "spark.mesos.driverEnv.*",
    // Kubernetes pod metadata, secrets, volumes and selectors.
    "spark.kubernetes.{driver,executor}.{label,annotation,secrets,secretKeyRef,volumes,node.selector}.*",
    "spark.kubernetes.driver.service.{label,annotation}.*",
    "spark.kubernetes.node.selector.*",
    // Client credentials, built as `<prefix>.<suffix>` (KubernetesUtils).
    "spark.kubernetes.authenticate.{driver,executor,submission,driver.mounted}.{oauthToken,oauthTokenFile,clientKeyFile,clientCertFile,caCertFile}",
    // Catalog plugins: `spark.sql.catalog.<name>` is the class, the rest its options.
    "spark.sql.catalog.<name>",
    "spark.sql.catalog.<name>.*",
    // Resource scheduling (GPUs, FPGAs...).
    // `spark.task.resource.<name>.amount`: the share of a resource each task takes (ResourceUtils).
    "spark.{driver,executor,task}.resource.*",
    "spark.yarn.{am,driver,executor}.resource.*",
    // Built at run time: SSLOptions, MetricsConfig, TransportConf, crypto, plugin confs, RocksDB.
    "spark.ssl.*",
    "spark.metrics.conf.*",
    "spark.{rpc,shuffle,files}.io.*",
    "spark.network.crypto.config.*",
    "spark.io.encryption.commons.config.*",
    "spark.plugins.internal.conf.*",
    "spark.sql.streaming.stateStore.rocksdb.*",
    // Plugins and `spark.sql.extensions` providers: RAPIDS, Iceberg, Delta, Hudi, Sedona, Kyuubi,
    // Gluten, Comet, OpenLineage, DataHub, remote shuffle services and the common connectors.
    "spark.rapids.*",
    "spark.sql.iceberg.*",
    "spark.databricks.delta.*",
    "spark.delta.*",
    "spark.hoodie.*",
    "spark.sedona.*",
    "spark.kyuubi.*",
    "spark.gluten.*",
    "spark.comet.*",
    "spark.openlineage.*",
    "spark.datahub.*",
    // Remote shuffle services: Apache Celeborn's client, Apache Uniffle's client.
    "spark.celeborn.*",
    "spark.rss.*",
    "spark.cassandra.*",
    "spark.mongodb.*",
    "spark.es.*",
];

/// Open namespaces: the defaults plus a site's own, compiled into segment patterns.
#[derive(Debug, Clone)]
pub struct OpenNamespaces {
    patterns: Vec<(String, Vec<String>)>,
}

impl OpenNamespaces {
    /// [`DEFAULT_OPEN_NAMESPACES`] plus `extra` (site.toml `[check.spark] open_namespaces`).
    /// A trailing `.` means `.*` (`spark.myplugin.` = `spark.myplugin.*`).
    pub fn new(extra: &[String]) -> OpenNamespaces {
        let patterns = DEFAULT_OPEN_NAMESPACES
            .iter()
            .map(|s| s.to_string())
            .chain(extra.iter().cloned())
            .flat_map(|p| expand_braces(&p))
            .map(|p| {
                let norm = if p.ends_with('.') {
                    format!("{p}*")
                } else {
                    p.clone()
                };
                let segs = norm.split('.').map(str::to_string).collect();
                (p, segs)
            })
            .collect();
        OpenNamespaces { patterns }
    }

    /// The pattern (as written) of the first open namespace `key` is in.
    pub fn matching(&self, key: &str) -> Option<&str> {
        let segs: Vec<&str> = key.split('.').collect();
        self.patterns
            .iter()
            .find(|(_, p)| segments_match(p, &segs))
            .map(|(s, _)| s.as_str())
    }
}

/// `a.{b,c}.{d,e}` → `a.b.d`, `a.b.e`, `a.c.d`, `a.c.e` (no nesting).
fn expand_braces(p: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (p.find('{'), p.find('}')) else {
        return vec![p.to_string()];
    };
    if close < open {
        return vec![p.to_string()];
    }
    let (head, alts, tail) = (&p[..open], &p[open + 1..close], &p[close + 1..]);
    alts.split(',')
        .flat_map(|a| expand_braces(&format!("{head}{a}{tail}")))
        .collect()
}

fn segments_match(pattern: &[String], key: &[&str]) -> bool {
    for (i, p) in pattern.iter().enumerate() {
        let last = i + 1 == pattern.len();
        if last && p == "*" {
            return key.len() > i && key[i..].iter().all(|s| !s.is_empty());
        }
        let Some(k) = key.get(i) else {
            return false;
        };
        let wildcard = p == "*" || (p.starts_with('<') && p.ends_with('>'));
        if k.is_empty() || !(wildcard || p == k) {
            return false;
        }
    }
    key.len() == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_loads_with_its_lines() {
        let c = catalog();
        assert_eq!(c.lines(), ["3.5", "4.1", "4.3"]);
        assert_eq!(c.release("3.5"), Some("3.5.9"));
    }

    #[test]
    fn lookups_per_line() {
        let c = catalog();
        let p = c.property("spark.sql.ansi.enabled", "3.5").unwrap();
        assert_eq!(p.value_type, Some(ValueType::Boolean));
        assert_eq!(p.default, Some("false"));
        assert_eq!(p.since, Some("3.0.0"));
        assert_eq!(
            c.property("spark.sql.ansi.enabled", "4.1").unwrap().default,
            Some("true")
        );
        // Type differs by line.
        assert_eq!(
            c.property("spark.task.cpus", "3.5").unwrap().value_type,
            Some(ValueType::Int)
        );
        assert_eq!(
            c.property("spark.task.cpus", "4.3").unwrap().value_type,
            Some(ValueType::Decimal)
        );
        assert_eq!(
            c.property("spark.executor.memory", "4.1")
                .unwrap()
                .value_type,
            Some(ValueType::Size)
        );
        assert!(c.property("spark.master", "3.5").unwrap().literal);
        assert!(c.property("spark.sql.scripting.enabled", "3.5").is_none());
        assert_eq!(
            c.lines_of("spark.sql.scripting.enabled"),
            vec!["4.1", "4.3"]
        );
        assert_eq!(c.since("spark.sql.scripting.enabled"), Some("4.0.0"));
        assert!(c.knows("spark.executor.memory"));
        assert!(!c.knows("spark.sql.warehouseDir"));
        let e = c
            .property("spark.kubernetes.container.image.pullPolicy", "4.1")
            .unwrap();
        assert_eq!(e.value_type, Some(ValueType::Enum));
        assert!(e.values.contains(&"IfNotPresent"));
    }

    #[test]
    fn deprecations_follow_chains() {
        let c = catalog();
        let d = c
            .deprecated("spark.yarn.executor.memoryOverhead", "4.1")
            .unwrap();
        assert_eq!(
            d.replacement.as_deref(),
            Some("spark.executor.memoryOverhead")
        );
        let d = c
            .deprecated("spark.yarn.max.worker.failures", "4.1")
            .unwrap();
        assert_eq!(
            d.chain,
            vec![
                "spark.yarn.max.executor.failures",
                "spark.executor.maxNumFailures"
            ]
        );
        assert_eq!(
            d.replacement.as_deref(),
            Some("spark.executor.maxNumFailures")
        );
        assert!(c.deprecated("spark.executor.memory", "4.1").is_none());
        let r = c
            .removed("spark.sql.execution.pandas.respectSessionTimeZone", "4.1")
            .unwrap();
        assert_eq!(r.default.as_deref(), Some("true"));
    }

    #[test]
    fn did_you_mean() {
        let c = catalog();
        assert_eq!(
            c.suggest("spark.sql.warehouseDir"),
            Some("spark.sql.warehouse.dir")
        );
        assert_eq!(
            c.suggest("spark.executor.memroy"),
            Some("spark.executor.memory")
        );
        assert_eq!(
            c.suggest("spark.dynamicAllocation.enable"),
            Some("spark.dynamicAllocation.enabled")
        );
        assert_eq!(c.suggest("spark.completely.unrelated.thing"), None);
    }

    #[test]
    fn open_namespaces() {
        let ns = OpenNamespaces::new(&["spark.myplugin.".into(), "spark.x.<id>.y".into()]);
        for k in [
            "spark.hadoop.fs.s3a.bucket.logs.endpoint",
            "spark.executorEnv.AWS_REGION",
            "spark.kubernetes.driver.label.app.kubernetes.io/name",
            "spark.kubernetes.executor.volumes.persistentVolumeClaim.data.mount.path",
            "spark.kubernetes.driver.node.selector.pool",
            "spark.sql.catalog.lake",
            "spark.sql.catalog.lake.warehouse",
            "spark.executor.resource.gpu.amount",
            "spark.task.resource.gpu.amount",
            "spark.ssl.ui.enabled",
            "spark.metrics.conf.*.sink.prometheusServlet.class",
            "spark.rapids.sql.enabled",
            "spark.myplugin.anything",
            "spark.x.abc.y",
        ] {
            assert!(ns.matching(k).is_some(), "{k}");
        }
        for k in [
            "spark.hadoop",
            "spark.hadoop.",
            "spark.sql.catalog",
            "spark.executor.memory",
            "spark.x.abc.z",
            "spark.x.y",
        ] {
            assert!(ns.matching(k).is_none(), "{k}");
        }
    }
}
