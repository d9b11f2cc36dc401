//! The theme: Tera templates and static files, the built-in default theme overridden file by file
//! by `<root>/themes/<theme>/`.

use crate::config::Config;
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));
}

/// A theme problem (a template that does not parse or render): a configuration error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ThemeError(pub String);

/// Parsed templates plus the static files to publish under `/static/`.
pub struct Theme {
    pub tera: std::sync::Arc<tera::Tera>,
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Fingerprint of the template sources: part of every cached page's key.
    pub id: u128,
}

/// Tera's error with its whole cause chain: the useful part is usually at the bottom.
pub fn tera_error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn read_overrides(
    dir: &Path,
    prefix: &str,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), ThemeError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if path.is_dir() {
            read_overrides(&path, &format!("{name}/"), out)?;
        } else {
            let bytes = std::fs::read(&path)
                .map_err(|e| ThemeError(format!("cannot read {}: {e}", path.display())))?;
            out.insert(name, bytes);
        }
    }
    Ok(())
}

fn escape_html(s: &str) -> String {
    super::highlight::escape(s)
}

impl Theme {
    /// Loads the default theme and the site's overrides.
    pub fn load(config: &Config) -> Result<Theme, ThemeError> {
        let mut templates: BTreeMap<String, Vec<u8>> = embedded::TEMPLATES
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        let mut static_files: BTreeMap<String, Vec<u8>> = embedded::STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        let theme_dir = config.root.join("themes").join(&config.site.theme);
        if config.site.theme != "default" && !theme_dir.is_dir() {
            return Err(ThemeError(format!(
                "{}: `theme` = `{}` but {} does not exist",
                config.file.display(),
                config.site.theme,
                theme_dir.display()
            )));
        }
        read_overrides(&theme_dir.join("templates"), "", &mut templates)?;
        read_overrides(&theme_dir.join("static"), "", &mut static_files)?;
        // `serve` rebuilds load the theme every time; parsing is the cost, so the last parsed
        // template set is reused while its sources are byte-for-byte the same.
        type Sources = BTreeMap<String, Vec<u8>>;
        static PARSED: crate::memo::Memo<Sources, std::sync::Arc<tera::Tera>> =
            crate::memo::Memo::new(4);
        let parts: Vec<&[u8]> = templates
            .iter()
            .flat_map(|(name, bytes)| [name.as_bytes(), bytes.as_slice()])
            .collect();
        let id = crate::memo::fingerprint(&parts);
        if let Some(tera) = PARSED.get(&templates) {
            return Ok(Theme {
                tera,
                static_files,
                id,
            });
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaping also turns `/` into `&#x2F;`, which hides site-absolute URLs
        // from the base-path rewrite; `/` needs no escaping in HTML text or quoted attributes.
        tera.set_escape_fn(escape_html);
        let mut raw = Vec::new();
        for (name, bytes) in &templates {
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| ThemeError(format!("template {name} is not UTF-8")))?;
            raw.push((name.clone(), text));
        }
        tera.add_raw_templates(raw)
            .map_err(|e| ThemeError(format!("theme template error: {}", tera_error_chain(&e))))?;
        let tera = std::sync::Arc::new(tera);
        PARSED.insert(templates, tera.clone());
        Ok(Theme {
            tera,
            static_files,
            id,
        })
    }

    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String, ThemeError> {
        self.tera
            .render(template, context)
            .map_err(|e| ThemeError(format!("rendering {template}: {}", tera_error_chain(&e))))
    }
}
