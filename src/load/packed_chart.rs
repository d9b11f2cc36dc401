//! Charts packaged as `.tgz` archives — what `helm dependency update` leaves in a chart's
//! `charts/` directory — read into memory (never unpacked to disk), so a dependency is understood
//! through its values and templates exactly like a vendored directory. Archives are bounded: a
//! corrupt archive or one that unpacks past the limit becomes a finding, not a hang.

use super::MAX_FILE_BYTES;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

/// What an archive may unpack to in all (a gzip bomb stops here).
const MAX_UNPACKED_BYTES: u64 = 4 * MAX_FILE_BYTES;

/// The chart files of one archive, by entry path (`common/values.yaml`): `Chart.yaml`,
/// `values.yaml`, `values.schema.json`, everything under `templates/` and the archives under
/// `charts/`, at any depth. Other entries (READMEs, CRDs, tests) are skipped.
#[derive(Debug)]
pub struct Archive {
    /// Where diagnostics place it: the archive's path relative to the site root
    /// (`charts/app/charts/common-2.1.0.tgz`); for an archive inside another, the outer one's
    /// followed by the entry path.
    pub rel: String,
    files: BTreeMap<String, Vec<u8>>,
}

/// One chart inside an archive: the archive and the chart's directory in it (`common/`, or
/// `common/charts/sub/` for a dependency vendored inside the package).
#[derive(Debug, Clone)]
pub struct Packed {
    archive: Arc<Archive>,
    prefix: String,
}

/// Unpacks a gzip-compressed tar archive into memory.
pub fn read_archive(rel: String, compressed: &[u8]) -> Result<Archive, String> {
    let unpacked = Bounded {
        inner: flate2::read::GzDecoder::new(compressed),
        left: MAX_UNPACKED_BYTES,
    };
    let mut tar = tar::Archive::new(unpacked);
    let mut files = BTreeMap::new();
    for entry in tar.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = match entry.path() {
            Ok(p) => p.to_string_lossy().replace('\\', "/"),
            Err(e) => return Err(e.to_string()),
        };
        let path = path.trim_start_matches("./").to_string();
        if !is_chart_file(&path) {
            continue;
        }
        if entry.size() > MAX_FILE_BYTES {
            return Err(format!(
                "{path} is {} bytes; the limit is {MAX_FILE_BYTES}",
                entry.size()
            ));
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{path}: {e}"))?;
        files.insert(path, bytes);
    }
    Ok(Archive { rel, files })
}

/// Whether an entry is one a chart's values interface is read from.
fn is_chart_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "Chart.yaml" | "values.yaml" | "values.schema.json")
        || path.contains("/templates/")
        || (name.ends_with(".tgz") && path.contains("/charts/"))
}

impl Archive {
    /// The charts at the top of the archive (normally one: `<name>/Chart.yaml`).
    pub fn charts(self: &Arc<Self>) -> Vec<Packed> {
        self.files
            .keys()
            .filter_map(|k| k.strip_suffix("Chart.yaml"))
            .filter(|dir| dir.ends_with('/') && dir.matches('/').count() == 1)
            .map(|dir| Packed {
                archive: Arc::clone(self),
                prefix: dir.to_string(),
            })
            .collect()
    }
}

impl Packed {
    /// The bytes of a file of this chart (`values.yaml`, `templates/x.yaml`).
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.archive
            .files
            .get(&format!("{}{name}", self.prefix))
            .map(Vec::as_slice)
    }

    /// Where diagnostics place a file of this chart: `<archive rel>/<prefix><name>`.
    pub fn rel(&self, name: &str) -> String {
        format!("{}/{}{name}", self.archive.rel, self.prefix)
            .trim_end_matches('/')
            .to_string()
    }

    /// Every file under `templates/` (sorted), by its name inside the chart.
    pub fn templates(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let dir = format!("{}templates/", self.prefix);
        self.archive
            .files
            .range(dir.clone()..)
            .take_while(move |(k, _)| k.starts_with(&dir))
            .map(|(k, v)| (&k[self.prefix.len()..], v.as_slice()))
    }

    /// The dependency vendored as a directory inside this package (`charts/<name>/`).
    pub fn vendored(&self, name: &str) -> Option<Packed> {
        let prefix = format!("{}charts/{name}/", self.prefix);
        self.archive
            .files
            .contains_key(&format!("{prefix}Chart.yaml"))
            .then(|| Packed {
                archive: Arc::clone(&self.archive),
                prefix,
            })
    }

    /// The archives packaged in this chart's `charts/` directory, by entry path and bytes.
    pub fn archives(&self) -> impl Iterator<Item = (String, &[u8])> {
        let dir = format!("{}charts/", self.prefix);
        self.archive
            .files
            .range(dir.clone()..)
            .take_while(move |(k, _)| k.starts_with(&dir))
            .filter(move |(k, _)| {
                k.ends_with(".tgz") && !k[self.prefix.len() + "charts/".len()..].contains('/')
            })
            .map(|(k, v)| (format!("{}/{k}", self.archive.rel), v.as_slice()))
    }
}

/// A reader that fails once more than `left` bytes have come through it.
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::other(format!(
                "the archive unpacks to more than {MAX_UNPACKED_BYTES} bytes"
            ))
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.tgz` of `(path, text)` entries, as `helm package` writes one.
    pub fn tgz(entries: &[(&str, &str)]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        for (path, text) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(text.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, path, text.as_bytes()).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn reads_the_chart_files_of_a_package() {
        let bytes = tgz(&[
            ("common/Chart.yaml", "name: common\n"),
            ("common/README.md", "skipped"),
            (
                "common/templates/_helpers.tpl",
                "{{ define \"x\" }}{{ end }}",
            ),
            ("common/charts/sub/Chart.yaml", "name: sub\n"),
            ("common/charts/inner-1.0.0.tgz", "not read here"),
        ]);
        let archive = Arc::new(read_archive("c/charts/common-1.0.0.tgz".into(), &bytes).unwrap());
        let charts = archive.charts();
        assert_eq!(charts.len(), 1);
        let common = &charts[0];
        assert_eq!(common.file("Chart.yaml"), Some(&b"name: common\n"[..]));
        assert_eq!(common.file("README.md"), None);
        let t: Vec<_> = common.templates().map(|(n, _)| n).collect();
        assert_eq!(t, ["templates/_helpers.tpl"]);
        assert_eq!(
            common.rel("values.yaml"),
            "c/charts/common-1.0.0.tgz/common/values.yaml"
        );
        assert!(common.vendored("sub").is_some());
        assert!(common.vendored("other").is_none());
        let nested: Vec<_> = common.archives().map(|(rel, _)| rel).collect();
        assert_eq!(
            nested,
            ["c/charts/common-1.0.0.tgz/common/charts/inner-1.0.0.tgz"]
        );
    }

    #[test]
    fn corrupt_and_oversized_archives_are_errors() {
        assert!(read_archive("x.tgz".into(), b"not gzip").is_err());
        let mut bytes = tgz(&[("a/Chart.yaml", "name: a\n")]);
        bytes.truncate(bytes.len() / 2);
        assert!(read_archive("x.tgz".into(), &bytes).is_err());
        // A gzip bomb: one entry of zeros past the bound (zeros compress ~1000:1).
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        let size = MAX_UNPACKED_BYTES + (1 << 20);
        let mut h = tar::Header::new_gnu();
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, "a/big.bin", std::io::repeat(0).take(size))
            .unwrap();
        let bomb = b.into_inner().unwrap().finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        let err = read_archive("bomb.tgz".into(), &bomb).unwrap_err();
        assert!(err.contains("unpacks to more than"), "{err}");
    }
}
