//! Packages found inside deployment packages and layers, and the advisories they match.

use serde::{Deserialize, Serialize};

/// A package ecosystem, as OSV names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "Maven")]
    Maven,
    #[serde(rename = "RubyGems")]
    RubyGems,
    #[serde(rename = "Go")]
    Go,
    #[serde(rename = "crates.io")]
    CratesIo,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 6] = [
        Ecosystem::PyPI,
        Ecosystem::Npm,
        Ecosystem::Maven,
        Ecosystem::RubyGems,
        Ecosystem::Go,
        Ecosystem::CratesIo,
    ];

    /// The OSV `affected[].package.ecosystem` value (and the directory name of its export).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::Maven => "Maven",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Go => "Go",
            Ecosystem::CratesIo => "crates.io",
        }
    }

    /// The ecosystem of an OSV ecosystem string; suffixes such as
    /// `Maven:https://maven.google.com` are accepted.
    pub fn from_osv(s: &str) -> Option<Ecosystem> {
        let base = s.split(':').next().unwrap_or(s);
        Ecosystem::ALL.into_iter().find(|e| e.osv_name() == base)
    }

    /// The package-url type (`pkg:<type>/...`).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Maven => "maven",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Go => "golang",
            Ecosystem::CratesIo => "cargo",
        }
    }

    /// The name as OSV records it: PyPI names normalised per PEP 503 (lower case, runs of
    /// `-`, `_`, `.` become one `-`); npm names lower case; others unchanged.
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut sep = false;
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        sep = true;
                    } else {
                        if sep && !out.is_empty() {
                            out.push('-');
                        }
                        sep = false;
                        out.extend(c.to_lowercase());
                    }
                }
                out
            }
            Ecosystem::Npm => name.trim().to_lowercase(),
            _ => name.trim().to_string(),
        }
    }
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// Normalised per [`Ecosystem::normalize_name`]; Maven as `group:artifact`.
    pub name: String,
    pub version: String,
    /// The metadata file it was read from, inside the code location (`/`-separated; entries
    /// of nested archives joined with `!`, e.g. `java/lib/app.jar!META-INF/maven/g/a/pom.properties`).
    pub path: String,
    /// The package URL (`pkg:pypi/requests@2.19.0`).
    pub purl: String,
}

/// The packages of one code location (a directory or a zip) and whose code it is.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CodePackages {
    /// The code location, relative to the scan root (or as given, for live scans).
    pub code: String,
    /// The location is a directory (else an archive).
    pub dir: bool,
    /// Functions whose own code this is.
    pub functions: Vec<usize>,
    /// Layers whose content this is.
    pub layers: Vec<usize>,
    pub packages: Vec<Package>,
    /// Coverage notes: content that was not (or not fully) inventoried, and why.
    pub notes: Vec<String>,
}

impl CodePackages {
    /// The file a package was read from, as a report shows it: `code/path` in a directory,
    /// `code!path` in an archive.
    pub fn file_of(&self, p: &Package) -> String {
        if self.dir {
            format!("{}/{}", self.code, p.path)
        } else {
            format!("{}!{}", self.code, p.path)
        }
    }
}

/// One vulnerability as an advisory database describes it (its records that name each other
/// merged).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advisory {
    /// The id reported (a matching record's own id).
    pub id: String,
    /// Every other id of the same vulnerability (CVE, GHSA, PYSEC, ...), sorted.
    pub aliases: Vec<String>,
    pub summary: String,
    /// Versions that fix it for the installed version's line (empty: no fix is known).
    pub fixed: Vec<String>,
    /// The CVSS base score, from the record's vector, when it has one.
    pub cvss_score: Option<f64>,
    pub cvss_vector: Option<String>,
    /// The advisory's own severity word (GHSA `database_specific.severity`), upper case.
    pub severity_label: Option<String>,
}

/// An installed package that matches a vulnerability advisory. Derefs to the [`Advisory`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageVuln {
    /// Index into `Inventory::packages`.
    pub code: usize,
    /// Index into that entry's `packages`.
    pub package: usize,
    #[serde(flatten)]
    pub advisory: Advisory,
}

impl std::ops::Deref for PackageVuln {
    type Target = Advisory;
    fn deref(&self) -> &Advisory {
        &self.advisory
    }
}

/// A distinct local code location (directory or archive) of the inventory, with the
/// functions and layers whose code it is.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeLocation {
    pub path: std::path::PathBuf,
    /// Relative to the scan root, `/`-separated.
    pub rel: String,
    pub functions: Vec<usize>,
    pub layers: Vec<usize>,
    /// Where the configuration names it (the first mention).
    pub declared: crate::Location,
}

impl CodeLocation {
    /// `rel` plus where the configuration names it, for messages.
    pub fn describe(&self) -> String {
        match self.declared.file.as_deref() {
            Some(f) => format!("{} (named at {f}:{})", self.rel, self.declared.line),
            None => self.rel.clone(),
        }
    }
}

impl crate::CodeRef {
    /// The absolute path this reference names, when it is known and inside `scan_root`
    /// (already normalised): code outside the scanned tree is never read.
    pub fn resolve(&self, scan_root: &std::path::Path) -> Option<std::path::PathBuf> {
        let p = std::path::Path::new(self.path.as_str()?);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            scan_root.join(&self.base).join(p)
        };
        let full = crate::normalize_path(&full);
        full.starts_with(scan_root).then_some(full)
    }
}

impl crate::Inventory {
    /// Every distinct local code location of the functions and layers, in path order.
    pub fn code_locations(&self, scan_root: &std::path::Path) -> Vec<CodeLocation> {
        let root = crate::normalize_path(scan_root);
        let mut by_path: std::collections::BTreeMap<std::path::PathBuf, CodeLocation> =
            Default::default();
        let owners = self
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| (&f.code, Some(i), None))
            .chain(
                self.layers
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (&l.code, None, Some(i))),
            );
        for (code, function, layer) in owners {
            let Some(code) = code else { continue };
            let Some(path) = code.resolve(&root) else {
                continue;
            };
            let loc = by_path.entry(path.clone()).or_insert_with(|| CodeLocation {
                rel: path
                    .strip_prefix(&root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/"),
                path,
                functions: Vec::new(),
                layers: Vec::new(),
                declared: code.path.loc().clone(),
            });
            loc.functions.extend(function);
            loc.layers.extend(layer);
        }
        by_path.into_values().collect()
    }
}
