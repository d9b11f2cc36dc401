//! The sites under `tests/fixtures/`, copied into temporary directories and built; file-tree
//! helpers over the copies and the output.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::cli::{assert_success, run_build};

/// The base URL the fixtures' site.toml files declare and the tests pass with `--base-url`.
pub const BASE_URL: &str = "https://example.github.io/spark-docs/";
/// The path part of [`BASE_URL`]: every internal link must start with it.
pub const BASE_PATH: &str = "/spark-docs/";

/// The repository root: the default site, README, workflows, schemas.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>` in the source tree (`name` may hold a `/`: `check-lang/bad`).
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// Recursively copies `from` into `to` (created if needed).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).unwrap();
            }
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Replaces the first `from` with `to` in the file at `path`, asserting `from` was there.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Packages the chart directory `dir` as `helm package` does (a gzipped tar whose top directory
/// is the chart's directory name) into `tgz`, then removes `dir`: what `helm dependency update`
/// leaves in a parent chart's `charts/`.
pub fn pack_chart(dir: &Path, tgz: &Path) {
    let name = dir.file_name().unwrap();
    let gz = flate2::write::GzEncoder::new(fs::File::create(tgz).unwrap(), Default::default());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all(name, dir).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    fs::remove_dir_all(dir).unwrap();
}

/// Appends `text` to the file at `path`.
pub fn append(path: &Path, text: &str) {
    let old = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fs::write(path, format!("{old}{text}")).unwrap();
}

/// A fixture copied into a fresh temporary directory, with an output path beside it.
pub struct Site {
    pub tmp: tempfile::TempDir,
    /// The copied site root.
    pub root: PathBuf,
    /// `<tmp>/out/public`: its parent holds nothing else, so stray temp dirs are visible.
    pub out: PathBuf,
}

/// Copies `tests/fixtures/<name>` to `<tmp>/site` and reserves `<tmp>/out/public` for output.
pub fn site(name: &str) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&fixture(name), &root);
    let out_parent = tmp.path().join("out");
    fs::create_dir_all(&out_parent).unwrap();
    let out = out_parent.join("public");
    Site { tmp, root, out }
}

/// Copies the fixture and builds it with `--base-url BASE_URL`; panics if the build fails.
pub fn build_fixture(name: &str) -> Site {
    let s = site(name);
    let output = run_build(&s.root, &s.out, &["--base-url", BASE_URL]);
    assert_success(&output);
    s
}

/// Output of `build_fixture(name)`, built once per test process and shared by the tests that
/// only read it. Lives under cargo's `CARGO_TARGET_TMPDIR`, replaced on every run.
pub fn shared_build(name: &str) -> PathBuf {
    use std::sync::{Mutex, OnceLock};
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(out) = built.get(name) {
        return out.clone();
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("spark-docs-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    let root = dir.join("site");
    copy_dir(&fixture(name), &root);
    let out = dir.join("out/public");
    fs::create_dir_all(out.parent().unwrap()).unwrap();
    let output = run_build(&root, &out, &["--base-url", BASE_URL]);
    assert_success(&output);
    built.insert(name.to_string(), out.clone());
    out
}

/// All files under `dir`, as `/`-separated paths relative to `dir`.
pub fn files(dir: &Path) -> BTreeSet<String> {
    WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| rel_slash(e.path().strip_prefix(dir).unwrap()))
        .collect()
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| (f.clone(), fs::read(dir.join(&f)).unwrap()))
        .collect()
}

/// Names of the entries directly in `dir`.
pub fn dir_entries(dir: &Path) -> BTreeSet<String> {
    match fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// `p` with `/` between its components, whatever the platform.
pub(crate) fn rel_slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A site written by `spark-docs init` into `<tmp>/site`; panics unless `init` exits 0.
pub fn init_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = super::cli::spark_docs(["init"])
        .arg(&root)
        .output()
        .unwrap();
    super::cli::assert_exit(&out, 0);
    (tmp, root)
}
