//! `values-schema`: the preset merged over the chart defaults (Helm's merge, from the model)
//! validated against the chart's `values.schema.json`, and each vendored subchart's values
//! against its own schema, as Helm validates on install. Only errors the preset itself causes
//! are reported, and none under a key already reported as unknown or mistyped.

use super::{truncate, PresetCheck, Validators};
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::load::SourceFile;
use crate::memo::PageCache;
use crate::model::values::{coalesce, display_path, Interface, Seg};
use crate::util::yaml::{map_get, to_json};
use serde_json::Value as J;
use serde_yaml_ng::Value as Y;
use std::collections::HashSet;
use std::sync::Arc;

impl PresetCheck<'_> {
    /// Validates the preset merged over the chart defaults against the chart's schema (and each
    /// vendored subchart's values against its own schema).
    pub(super) fn schema(&mut self, iface: &Interface, values: &Y, validators: &mut Validators) {
        let merged = merge_over(self.chart.values.as_ref(), values);
        if let (Some(schema), Some(file)) = (&self.chart.schema, &self.chart.schema_file) {
            self.validate(validators, schema, file, &to_json(&merged), &[]);
        }
        for (key, sub) in iface.subcharts() {
            let (Some(schema), Some(file)) = (&sub.schema, &sub.schema_file) else {
                continue;
            };
            let mut inst = defaults_map(sub.values.as_ref());
            let merged_map = merged.as_mapping();
            if let Some(part) = merged_map.and_then(|m| map_get(m, key)) {
                coalesce(&mut inst, part);
            }
            if let Some(global) = merged_map.and_then(|m| map_get(m, "global")) {
                let mut g = serde_yaml_ng::Mapping::new();
                g.insert("global".into(), global.clone());
                coalesce(&mut inst, &Y::Mapping(g));
            }
            self.validate(
                validators,
                schema,
                file,
                &to_json(&inst),
                &[Seg::Key(key.to_string())],
            );
        }
    }

    fn validate(
        &mut self,
        validators: &mut Validators,
        schema: &J,
        schema_file: &SourceFile,
        instance: &J,
        prefix: &[Seg],
    ) {
        // `serve` rebuilds: a schema file that did not change is not compiled again.
        static COMPILED: PageCache<Result<Arc<jsonschema::Validator>, String>> = PageCache::new();
        let schema_rel = schema_file.rel.as_str();
        let validator = match validators.entry(schema_rel.to_string()).or_insert_with(|| {
            let key =
                crate::memo::rebuild_key(&[schema_rel.as_bytes(), schema_file.text.as_bytes()]);
            COMPILED.get_or_insert(key, || compile_schema(schema).map(Arc::new))
        }) {
            Ok(v) => v,
            Err(e) => {
                self.findings.push(Finding::error(
                    Code::ValuesSchema,
                    self.file,
                    self.origin.0,
                    self.origin.1,
                    format!("cannot validate against {schema_rel}: {}", truncate(e, 200)),
                ));
                return;
            }
        };
        let mut reported: HashSet<(Vec<Seg>, String)> = HashSet::new();
        for err in validator.iter_errors(instance) {
            let mut path: Vec<Seg> = prefix.to_vec();
            for seg in err.instance_path().iter() {
                path.push(match seg {
                    jsonschema::paths::LocationSegment::Property(p) => Seg::Key(p.to_string()),
                    jsonschema::paths::LocationSegment::Index(i) => Seg::Index(i),
                });
            }
            if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } =
                err.kind()
            {
                for name in unexpected {
                    let mut p = path.clone();
                    p.push(Seg::Key(name.clone()));
                    if !self.in_preset(&p) || self.already_reported(&p) {
                        continue;
                    }
                    let msg = format!("`{}` is not allowed by the chart's schema (additional properties are not allowed here)", display_path(&p));
                    if reported.insert((p.clone(), msg.clone())) {
                        let (line, col) = self.locate(&p);
                        self.findings.push(
                            Finding::error(Code::ValuesSchema, self.file, line, col, msg)
                                .with_help(format!("see {schema_rel}")),
                        );
                    }
                }
                continue;
            }
            if !self.in_preset(&path) || self.already_reported(&path) {
                continue;
            }
            let msg = format!(
                "`{}`: {}",
                display_path(&path),
                truncate(&err.to_string(), 300)
            );
            if reported.insert((path.clone(), msg.clone())) {
                let (line, col) = self.locate(&path);
                self.findings.push(
                    Finding::error(Code::ValuesSchema, self.file, line, col, msg)
                        .with_help(format!("see {schema_rel}")),
                );
            }
        }
    }
}

/// Chart defaults as a map to merge into: anything but a map (no values.yaml, a scalar) is `{}`.
fn defaults_map(defaults: Option<&Y>) -> Y {
    match defaults {
        Some(d) if crate::util::yaml::untag(d).is_mapping() => d.clone(),
        _ => Y::Mapping(Default::default()),
    }
}

/// The preset merged over the chart defaults, as Helm does before it validates.
fn merge_over(defaults: Option<&Y>, preset: &Y) -> Y {
    let mut merged = defaults_map(defaults);
    coalesce(&mut merged, preset);
    merged
}

pub(super) fn compile_schema(schema: &J) -> Result<jsonschema::Validator, String> {
    let mut draft = jsonschema::Draft::Draft7.detect(schema);
    if draft == jsonschema::Draft::Unknown {
        draft = jsonschema::Draft::Draft7;
    }
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        jsonschema::options().with_draft(draft).build(schema)
    }));
    match built {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the schema could not be compiled".into()),
    }
}
