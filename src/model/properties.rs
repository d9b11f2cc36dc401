//! properties: the Spark property reference — the version lines a site targets, and for each
//! line the entries of its `/properties/<line>/` page (area, anchor, type, default, since,
//! deprecated/removed status, one-line doc), plus the hover text and URL a property name links to
//! from other pages. `render` (the pages) and `post` (the links) both read it.
//!
//! Decisions: the anchor of an entry is the property name itself (names are `[A-Za-z0-9_.-]`,
//! valid ids and fragments as they are), so `/properties/4.1/#spark.executor.memory` can be
//! written by hand. A page's entries are the line's public properties plus the keys it still knows
//! as deprecated or removed (so a link from an old snippet lands on a row saying what to use
//! instead); internal entries (`isPublic == false`) are left out. The area comes from the key's
//! prefix, not the catalog's `group`, so readers can predict it.

use super::spark_catalog::{Catalog, ValueType};
use super::{spark_minor, PageRef, Site};
use std::collections::HashMap;

/// The index of the reference pages.
pub const INDEX_URL: &str = "/properties/";

/// `/properties/3.5/`.
pub fn line_url(line: &str) -> String {
    format!("{INDEX_URL}{line}/")
}

/// `/properties/3.5/#spark.executor.memory`.
pub fn entry_url(line: &str, key: &str) -> String {
    format!("{}#{}", line_url(line), anchor(key))
}

/// The `id` of a property's row: its name.
pub fn anchor(key: &str) -> &str {
    key
}

/// Where a property belongs on its page, derived from the key prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Core,
    Sql,
    Kubernetes,
    Connect,
    History,
    HiveThrift,
    PythonArrow,
    S3a,
    Other,
}

impl Area {
    /// Every area, in page order.
    pub const ALL: [Area; 9] = [
        Area::Core,
        Area::Sql,
        Area::Kubernetes,
        Area::Connect,
        Area::History,
        Area::HiveThrift,
        Area::PythonArrow,
        Area::S3a,
        Area::Other,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Area::Core => "Core",
            Area::Sql => "SQL",
            Area::Kubernetes => "Kubernetes",
            Area::Connect => "Connect",
            Area::History => "History Server",
            Area::HiveThrift => "Hive / Thrift server",
            Area::PythonArrow => "Python / Arrow",
            Area::S3a => "S3A (Hadoop)",
            Area::Other => "Other (YARN, Mesos, streaming, R)",
        }
    }

    /// The `id` of the area's section.
    pub fn slug(self) -> &'static str {
        match self {
            Area::Core => "core",
            Area::Sql => "sql",
            Area::Kubernetes => "kubernetes",
            Area::Connect => "connect",
            Area::History => "history-server",
            Area::HiveThrift => "hive-thrift",
            Area::PythonArrow => "python-arrow",
            Area::S3a => "s3a",
            Area::Other => "other",
        }
    }
}

/// The area of a property, from its prefix (first match wins).
pub fn area(key: &str) -> Area {
    const RULES: &[(&str, Area)] = &[
        ("spark.hadoop.fs.s3a.", Area::S3a),
        ("spark.kubernetes.", Area::Kubernetes),
        ("spark.connect.", Area::Connect),
        ("spark.sql.connect.", Area::Connect),
        ("spark.history.", Area::History),
        ("spark.sql.hive.", Area::HiveThrift),
        ("spark.sql.thriftServer.", Area::HiveThrift),
        ("spark.sql.thriftserver.", Area::HiveThrift),
        ("spark.hive.", Area::HiveThrift),
        ("spark.sql.execution.arrow.", Area::PythonArrow),
        ("spark.sql.execution.pandas.", Area::PythonArrow),
        ("spark.sql.execution.python.", Area::PythonArrow),
        ("spark.sql.execution.pyspark.", Area::PythonArrow),
        ("spark.sql.pyspark.", Area::PythonArrow),
        ("spark.sql.python.", Area::PythonArrow),
        ("spark.python.", Area::PythonArrow),
        ("spark.pyspark.", Area::PythonArrow),
        ("spark.sql.", Area::Sql),
        ("spark.yarn.", Area::Other),
        ("spark.mesos.", Area::Other),
        ("spark.streaming.", Area::Other),
        ("spark.r.", Area::Other),
        ("spark.sparkr.", Area::Other),
        ("spark.testing", Area::Other),
        ("spark.", Area::Core),
    ];
    RULES
        .iter()
        .find(|(p, _)| key.starts_with(p))
        .map_or(Area::Other, |(_, a)| *a)
}

/// What a key is in a line besides a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Current,
    Deprecated {
        since: Option<String>,
        replacement: Option<String>,
    },
    Removed {
        since: Option<String>,
        replacement: Option<String>,
    },
}

/// One row of a `/properties/<line>/` page.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub area: Area,
    pub value_type: Option<ValueType>,
    /// Spark's default (`<undefined>` = none; `<value of K>` = falls back to K).
    pub default: Option<String>,
    pub since: Option<String>,
    pub doc: Option<String>,
    /// Known only as a name Spark reads (nothing else known).
    pub literal: bool,
    /// A static SQL conf (set at startup only).
    pub is_static: bool,
    /// Allowed values of an enum.
    pub values: Vec<String>,
    pub status: Status,
}

impl Entry {
    /// The hover text of a link to this entry: `default: 1g · since 0.7.0 · size`.
    pub fn hover(&self) -> String {
        let mut parts = Vec::new();
        match self.default.as_deref() {
            Some("<undefined>") => parts.push("no default".to_string()),
            Some(d) => parts.push(format!("default: {d}")),
            None => {}
        }
        if let Some(s) = &self.since {
            parts.push(format!("since {s}"));
        }
        if let Some(t) = self.value_type {
            parts.push(t.as_str().to_string());
        }
        if self.literal && parts.is_empty() {
            parts.push("read by name (no registered entry)".into());
        }
        match &self.status {
            Status::Current => {}
            Status::Deprecated { replacement, .. } => parts.push(match replacement {
                Some(r) => format!("deprecated, use {r}"),
                None => "deprecated".into(),
            }),
            Status::Removed { since, .. } => parts.push(match since {
                Some(s) => format!("removed in {s}"),
                None => "removed".into(),
            }),
        }
        parts.join(" · ")
    }
}

/// The entries of `line`'s page, sorted by key: public properties, deprecated and removed keys;
/// not a name known only as a string constant when other names continue it (a namespace).
pub fn entries(cat: &Catalog, line: &str) -> Vec<Entry> {
    let keys = cat.keys_in(line);
    // A name other names continue (`spark.executor` of `spark.executor.memory`).
    let is_prefix = |key: &str| {
        let dotted = format!("{key}.");
        let i = keys.partition_point(|k| *k < dotted.as_str());
        keys.get(i).is_some_and(|k| k.starts_with(&dotted))
    };
    keys.iter()
        .filter_map(|&key| {
            let p = cat.property(key, line);
            if p.as_ref()
                .is_some_and(|p| !p.public || (p.literal && is_prefix(key)))
            {
                return None;
            }
            let status = if let Some(d) = cat.deprecated(key, line) {
                Status::Deprecated {
                    since: d.since,
                    replacement: d.replacement,
                }
            } else if let Some(r) = cat.removed(key, line) {
                Status::Removed {
                    since: r.since,
                    replacement: r.replacement,
                }
            } else {
                Status::Current
            };
            let s = |v: Option<&str>| v.map(str::to_string);
            Some(Entry {
                key: key.to_string(),
                area: area(key),
                value_type: p.as_ref().and_then(|p| p.value_type),
                default: p.as_ref().and_then(|p| s(p.default)),
                since: p.as_ref().and_then(|p| s(p.since)),
                doc: p.as_ref().and_then(|p| s(p.doc)),
                literal: p.as_ref().is_some_and(|p| p.literal),
                is_static: p.as_ref().is_some_and(|p| p.is_static),
                values: p
                    .as_ref()
                    .map(|p| p.values.iter().map(|v| v.to_string()).collect())
                    .unwrap_or_default(),
                status,
            })
        })
        .collect()
}

impl Site {
    /// The Spark lines the site targets, oldest first: `[check.spark] versions`, else the lines
    /// pages and presets declare, else every line of the catalog (only lines the catalog has).
    pub fn spark_lines(&self, cat: &Catalog) -> Vec<String> {
        let covered = |v: &str| {
            let l = spark_minor(v.trim());
            cat.lines().contains(&l).then_some(l)
        };
        let order = |v: &mut Vec<String>| {
            v.sort_by_key(|l| cat.lines().iter().position(|x| x == l));
            v.dedup();
        };
        let mut configured: Vec<String> = self
            .config
            .site
            .check
            .spark
            .versions
            .iter()
            .filter_map(|v| covered(v))
            .collect();
        if !configured.is_empty() {
            order(&mut configured);
            return configured;
        }
        let mut declared: Vec<String> = self
            .recipes
            .iter()
            .flat_map(|r| r.spark.iter())
            .chain(self.issues.iter().flat_map(|i| i.spark.iter()))
            .filter_map(|v| covered(v))
            .chain((0..self.presets.len()).filter_map(|i| covered(&self.preset_spark_version(i))))
            .collect();
        order(&mut declared);
        if declared.is_empty() {
            cat.lines().to_vec()
        } else {
            declared
        }
    }

    /// The catalog lines a page declares (front matter `spark:`, a preset's chart); empty when
    /// it declares none the catalog has.
    pub fn page_spark_lines(&self, r: PageRef, cat: &Catalog) -> Vec<String> {
        let declared: Vec<String> = match r {
            PageRef::Recipe(i) => self.recipes[i].spark.clone(),
            PageRef::Issue(i) => self.issues[i].spark.clone(),
            PageRef::Preset(i) => vec![self.preset_spark_version(i)],
            PageRef::Notebook(_) | PageRef::Script(_) => Vec::new(),
        };
        let mut lines: Vec<String> = declared
            .iter()
            .map(|v| spark_minor(v.trim()))
            .filter(|l| cat.lines().contains(l))
            .collect();
        lines.dedup();
        lines
    }
}

/// Where a property name links: for each key, the targeted lines that have an entry for it with
/// the entry's hover text. Built once per build.
#[derive(Debug, Default)]
pub struct PropertyLinks {
    /// Targeted lines, oldest first.
    lines: Vec<String>,
    /// Key → (index into `lines`, hover text), oldest line first.
    keys: HashMap<String, Vec<(usize, String)>>,
}

impl PropertyLinks {
    /// The links to the reference pages of `lines`.
    pub fn new(cat: &Catalog, lines: &[String]) -> PropertyLinks {
        let mut keys: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        for (i, line) in lines.iter().enumerate() {
            for e in entries(cat, line) {
                let hover = e.hover();
                keys.entry(e.key).or_default().push((i, hover));
            }
        }
        PropertyLinks {
            lines: lines.to_vec(),
            keys,
        }
    }

    /// The URL and hover text for `key` on a page about `preferred` lines: the first preferred
    /// line that has it, else the newest targeted line that does. `None` for names no targeted
    /// line has an entry for.
    pub fn link(&self, key: &str, preferred: &[String]) -> Option<(String, &str)> {
        let found = self.keys.get(key)?;
        let hit = preferred
            .iter()
            .find_map(|p| found.iter().find(|(i, _)| &self.lines[*i] == p))
            .or_else(|| found.last())?;
        Some((entry_url(&self.lines[hit.0], key), hit.1.as_str()))
    }

    /// Whether there is nothing to link (no targeted line).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spark_catalog::catalog;

    #[test]
    fn areas_from_prefixes() {
        assert_eq!(area("spark.executor.memory"), Area::Core);
        assert_eq!(area("spark.sql.shuffle.partitions"), Area::Sql);
        assert_eq!(area("spark.sql.hive.metastore.version"), Area::HiveThrift);
        assert_eq!(
            area("spark.sql.execution.arrow.pyspark.enabled"),
            Area::PythonArrow
        );
        assert_eq!(area("spark.kubernetes.namespace"), Area::Kubernetes);
        assert_eq!(area("spark.sql.connect.enrichError.enabled"), Area::Connect);
        assert_eq!(area("spark.history.fs.logDirectory"), Area::History);
        assert_eq!(area("spark.hadoop.fs.s3a.endpoint"), Area::S3a);
        assert_eq!(area("spark.yarn.queue"), Area::Other);
    }

    #[test]
    fn entries_and_links() {
        let cat = catalog();
        let e = entries(cat, "4.1");
        let mem = e.iter().find(|e| e.key == "spark.executor.memory").unwrap();
        assert_eq!(mem.hover(), "default: 1g · since 0.7.0 · size");
        let old = e
            .iter()
            .find(|e| e.key == "spark.yarn.executor.memoryOverhead")
            .unwrap();
        assert!(old
            .hover()
            .contains("deprecated, use spark.executor.memoryOverhead"));
        let links = PropertyLinks::new(cat, &["3.5".into(), "4.1".into()]);
        let (url, _) = links
            .link("spark.executor.memory", &["3.5".into()])
            .unwrap();
        assert_eq!(url, "/properties/3.5/#spark.executor.memory");
        let (url, _) = links.link("spark.executor.memory", &[]).unwrap();
        assert_eq!(url, "/properties/4.1/#spark.executor.memory");
        // 4.x only: a 3.5 page links to the 4.1 entry.
        let (url, _) = links
            .link("spark.sql.scripting.enabled", &["3.5".into()])
            .unwrap();
        assert_eq!(url, "/properties/4.1/#spark.sql.scripting.enabled");
        // `spark.executor` is a string constant in Spark, but a namespace, not a property.
        assert!(links.link("spark.executor", &[]).is_none());
        assert!(links
            .link("spark.hadoop.fs.s3a.bucket.x.endpoint", &[])
            .is_none());
    }
}
