//! Inventory of the packages installed in one code location: a function's deployment package
//! or a layer's content, as a directory or a zip, in every layout Lambda uses.
//!
//! | ecosystem | read |
//! |---|---|
//! | PyPI | `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO`, `*.egg-info` files; vendored `_vendor/` metadata ignored |
//! | npm | `node_modules/[@scope/]name/package.json`, `node_modules/.package-lock.json`, the application's `package-lock.json` (v1–v3, dev dependencies excluded) |
//! | Maven | every `META-INF/maven/**/pom.properties` of every (nested) jar/war/ear; else `MANIFEST.MF`, else the jar's file name (listed, not matched) |
//! | RubyGems | `specifications/*.gemspec`, `Gemfile.lock` |
//! | Go, crates.io | build info of Go binaries and `cargo auditable` data of Rust binaries (`bootstrap`, `bin/`, `extensions/`, executables) |
//!
//! The same package found through several files of one location is listed once (installed
//! metadata is preferred to lockfile entries). JavaScript bundles without any package
//! metadata are reported as a coverage note: their dependencies cannot be inventoried.

mod java;
mod node;
mod python;
mod ruby;

use crate::binary;
use lambdasec_archive::{has_archive_ext, walk, EntryMeta, Limits, Select, Visitor};
use lambdasec_model::{Ecosystem, Package};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What one code location contains.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CodeInventory {
    pub packages: Vec<Package>,
    /// Coverage notes (content that could not be inventoried, and why).
    pub notes: Vec<String>,
    /// Problems reading the content: `(entry path, message)`; entry path `""` is the location
    /// itself.
    pub problems: Vec<(String, String)>,
}

/// Inventories a directory or a zip (function package or layer).
pub fn inventory(path: &Path, limits: &Limits) -> CodeInventory {
    let mut v = Collector::default();
    walk(path, limits, &mut v);
    v.finish()
}

/// JavaScript files at least this large with no package metadata anywhere are taken for
/// bundles (esbuild/webpack output).
const BUNDLE_MIN: u64 = 64 * 1024;

/// Lower is preferred when the same package is found twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    Installed,
    Lockfile,
    Weak,
}

#[derive(Default)]
struct Collector {
    found: Vec<(Evidence, Package)>,
    /// Jars and other archives opened, for the manifest/file-name fallback.
    jars: Vec<String>,
    /// Archives with at least one `pom.properties`.
    jars_with_pom: HashSet<String>,
    manifests: BTreeMap<String, (String, String)>,
    bundles: Vec<(String, u64)>,
    notes: Vec<String>,
    problems: Vec<(String, String)>,
}

/// The archive an entry is in (`""` for the location itself) and its path inside it.
fn split_local(path: &str) -> (&str, &str) {
    match path.rfind('!') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

fn is_binary_candidate(local: &str, meta: &EntryMeta) -> bool {
    let base = local.rsplit('/').next().unwrap_or(local);
    base == "bootstrap"
        || local.starts_with("bin/")
        || local.starts_with("extensions/")
        || (meta.executable && !base.contains('.') && meta.size >= 1024)
}

pub(crate) fn purl(eco: Ecosystem, name: &str, version: &str) -> String {
    let (namespace, name) = match eco {
        Ecosystem::Maven => match name.split_once(':') {
            Some((g, a)) => (Some(g), a),
            None => (None, name),
        },
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => (Some(scope), n),
            None => (None, name),
        },
        Ecosystem::Go => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns), n),
            None => (None, name),
        },
        _ => (None, name),
    };
    let mut s = format!("pkg:{}/", eco.purl_type());
    if let Some(ns) = namespace {
        // Namespace segments are encoded one by one; `@` of an npm scope becomes `%40`.
        let segs: Vec<String> = ns.split('/').map(pct).collect();
        if eco == Ecosystem::Npm {
            s.push_str("%40");
        }
        s.push_str(&segs.join("/"));
        s.push('/');
    }
    s.push_str(&pct(name));
    s.push('@');
    s.push_str(&pct(version));
    s
}

/// Percent-encoding of a purl component (unreserved characters kept).
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Collector {
    fn push(&mut self, ev: Evidence, eco: Ecosystem, name: &str, version: &str, path: &str) {
        let name = eco.normalize_name(name);
        let version = version.trim().to_string();
        let purl = purl(eco, &name, &version);
        self.found.push((
            ev,
            Package {
                ecosystem: eco,
                name,
                version,
                path: path.to_string(),
                purl,
            },
        ));
    }

    fn finish(mut self) -> CodeInventory {
        // Jars with no pom.properties: manifest, then file name.
        for jar in std::mem::take(&mut self.jars) {
            if self.jars_with_pom.contains(&jar) {
                continue;
            }
            let key = jar.clone();
            if let Some((title, version)) = self.manifests.get(&key).cloned() {
                let at = format!("{jar}!META-INF/MANIFEST.MF");
                self.push(Evidence::Weak, Ecosystem::Maven, &title, &version, &at);
            } else if let Some((name, version)) = java::from_file_name(&jar) {
                self.push(Evidence::Weak, Ecosystem::Maven, &name, &version, &jar);
            } else {
                self.notes.push(format!(
                    "{jar}: archive without Maven metadata or a versioned file name; not inventoried"
                ));
            }
        }
        let has_npm = self
            .found
            .iter()
            .any(|(_, p)| p.ecosystem == Ecosystem::Npm);
        if !has_npm {
            let mut bundles: Vec<_> = std::mem::take(&mut self.bundles)
                .into_iter()
                .filter(|(_, size)| *size >= BUNDLE_MIN)
                .collect();
            bundles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            if let Some((largest, size)) = bundles.first() {
                self.notes.push(format!(
                    "JavaScript bundle without package metadata ({largest}, {size} bytes{}): the dependencies bundled into it are not inventoried; deploy node_modules or a package-lock.json beside it",
                    if bundles.len() > 1 {
                        format!(", and {} more", bundles.len() - 1)
                    } else {
                        String::new()
                    }
                ));
            }
        }
        // One entry per package and version, preferring installed metadata, then path order.
        self.found
            .sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
        let mut seen = HashSet::new();
        let mut packages: Vec<Package> = self
            .found
            .into_iter()
            .filter(|(_, p)| seen.insert((p.ecosystem, p.name.clone(), p.version.clone())))
            .map(|(_, p)| p)
            .collect();
        packages.sort_by(|a, b| {
            (a.ecosystem, &a.name, &a.version, &a.path).cmp(&(
                b.ecosystem,
                &b.name,
                &b.version,
                &b.path,
            ))
        });
        CodeInventory {
            packages,
            notes: self.notes,
            problems: self.problems,
        }
    }
}

impl Visitor for Collector {
    fn select(&mut self, path: &str, meta: &EntryMeta) -> Select {
        let (_, local) = split_local(path);
        if has_archive_ext(local) {
            self.jars.push(path.to_string());
            return Select::Archive;
        }
        if python::wants(local)
            || node::kind(local).is_some()
            || java::wants(local)
            || ruby::is_gemspec(local)
            || ruby::is_gemfile_lock(local)
            || is_binary_candidate(local, meta)
        {
            return Select::Read;
        }
        let lower = local.to_ascii_lowercase();
        if !local.contains("node_modules/")
            && (lower.ends_with(".js") || lower.ends_with(".mjs") || lower.ends_with(".cjs"))
        {
            self.bundles.push((path.to_string(), meta.size));
        }
        Select::Skip
    }

    fn file(&mut self, path: &str, content: &[u8]) {
        let (archive, local) = split_local(path);
        if python::wants(local) {
            match python::parse(content) {
                Some((n, v)) => self.push(Evidence::Installed, Ecosystem::PyPI, &n, &v, path),
                None => self.notes.push(format!(
                    "{path}: Python metadata without Name and Version; skipped"
                )),
            }
        } else if let Some(kind) = node::kind(local) {
            match kind {
                node::Kind::Manifest => {
                    if let Some((n, v)) = node::manifest(content) {
                        self.push(Evidence::Installed, Ecosystem::Npm, &n, &v, path);
                    }
                }
                node::Kind::Lockfile => match node::lockfile(content) {
                    Ok(list) => {
                        for (n, v, _) in list {
                            self.push(Evidence::Lockfile, Ecosystem::Npm, &n, &v, path);
                        }
                    }
                    Err(e) => self.problems.push((path.to_string(), e)),
                },
            }
        } else if java::wants(local) {
            if local == "META-INF/MANIFEST.MF" {
                if let Some(m) = java::manifest(content) {
                    self.manifests.insert(archive.to_string(), m);
                }
            } else if let Some((n, v)) = java::pom_properties(content) {
                self.jars_with_pom.insert(archive.to_string());
                self.push(Evidence::Installed, Ecosystem::Maven, &n, &v, path);
            }
        } else if ruby::is_gemspec(local) {
            if let Some((n, v)) = ruby::gemspec(content) {
                self.push(Evidence::Installed, Ecosystem::RubyGems, &n, &v, path);
            }
        } else if ruby::is_gemfile_lock(local) {
            for (n, v) in ruby::gemfile_lock(content) {
                self.push(Evidence::Lockfile, Ecosystem::RubyGems, &n, &v, path);
            }
        } else if binary::is_executable(content) {
            match binary::read_binary(content) {
                Ok(Some(info)) => {
                    for p in info.packages {
                        self.push(Evidence::Installed, p.ecosystem, &p.name, &p.version, path);
                    }
                }
                Ok(None) => {}
                Err(e) => self.problems.push((path.to_string(), e)),
            }
        }
    }

    fn problem(&mut self, path: &str, message: String) {
        self.problems.push((path.to_string(), message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        assert_eq!(
            purl(Ecosystem::PyPI, "requests", "2.19.0"),
            "pkg:pypi/requests@2.19.0"
        );
        assert_eq!(
            purl(Ecosystem::Npm, "@babel/traverse", "7.22.0"),
            "pkg:npm/%40babel/traverse@7.22.0"
        );
        assert_eq!(
            purl(
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1"
            ),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        assert_eq!(
            purl(Ecosystem::Go, "golang.org/x/net", "0.17.0"),
            "pkg:golang/golang.org/x/net@0.17.0"
        );
        assert_eq!(
            purl(Ecosystem::PyPI, "x", "1.0+local"),
            "pkg:pypi/x@1.0%2Blocal"
        );
    }
}
