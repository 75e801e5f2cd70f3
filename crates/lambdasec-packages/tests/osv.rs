//! Matching against the real advisories in `tests/data/osv/` (sources in SOURCES.md there):
//! affected and not-affected versions derived from each record's own ranges.

use lambdasec_model::{Ecosystem, Package};
use lambdasec_packages::osv::Database;
use std::io::Write;
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osv")
}

fn db() -> Database {
    Database::load(&[data()]).expect("test database loads")
}

fn pkg(eco: Ecosystem, name: &str, version: &str) -> Package {
    Package {
        ecosystem: eco,
        name: eco.normalize_name(name),
        version: version.to_string(),
        path: String::new(),
        purl: String::new(),
    }
}

fn ids(db: &Database, eco: Ecosystem, name: &str, version: &str) -> Vec<String> {
    db.matches(&pkg(eco, name, version))
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// (ecosystem, package, version, expected advisory ids).
const CASES: &[(Ecosystem, &str, &str, &[&str])] = {
    use Ecosystem::*;
    &[
        // Unsorted events (intro 4.2 fixed 4.2.3, intro 4.0 fixed 4.1.10, intro 3.2 fixed 3.2.20).
        (PyPI, "django", "4.2.2", &["PYSEC-2023-100"]),
        (PyPI, "Django", "4.1.9", &["PYSEC-2023-100"]),
        (PyPI, "django", "3.2.19", &["PYSEC-2023-100"]),
        (PyPI, "django", "4.0.11", &["PYSEC-2023-100"]),
        (PyPI, "django", "4.2.3", &[]),
        (PyPI, "django", "4.1.10", &[]),
        (PyPI, "django", "3.2.20", &[]),
        (PyPI, "django", "3.1.14", &[]),
        // GHSA and PYSEC of the same CVE: one vulnerability, reported under the GHSA id.
        (PyPI, "requests", "2.19.1", &["GHSA-x84v-xcm2-53pg"]),
        (PyPI, "requests", "2.20.0", &[]),
        // PEP 440 normalisation of the versions list: 0.12.01 == 0.12.1.
        (PyPI, "requests", "0.12.1", &["GHSA-x84v-xcm2-53pg"]),
        (PyPI, "urllib3", "1.26.16", &["GHSA-v845-jxx5-vc9f"]),
        (PyPI, "urllib3", "2.0.5", &["GHSA-v845-jxx5-vc9f"]),
        (PyPI, "urllib3", "1.26.17", &[]),
        (PyPI, "urllib3", "2.0.6", &[]),
        (PyPI, "urllib3", "2.1.0", &[]),
        (PyPI, "PyYAML", "5.3.1", &["GHSA-8q59-q68h-6hv4"]),
        (PyPI, "pyyaml", "5.4", &[]),
        // Withdrawn: never reported.
        (PyPI, "gradio", "4.36.1", &[]),
        (PyPI, "gradio", "4.36.0", &[]),
        (Npm, "lodash", "4.17.20", &["GHSA-35jh-r3h4-6jhm"]),
        (Npm, "lodash", "4.17.21", &[]),
        (Npm, "minimist", "1.2.5", &["GHSA-xvch-5gv4-984h"]),
        (Npm, "minimist", "0.2.3", &["GHSA-xvch-5gv4-984h"]),
        (Npm, "minimist", "1.2.6", &[]),
        (Npm, "minimist", "0.2.4", &[]),
        (Npm, "@babel/traverse", "7.23.1", &["GHSA-67hx-6x53-jw92"]),
        (
            Npm,
            "@babel/traverse",
            "8.0.0-alpha.3",
            &["GHSA-67hx-6x53-jw92"],
        ),
        (Npm, "@babel/traverse", "7.23.2", &[]),
        (Npm, "@babel/traverse", "8.0.0-alpha.4", &[]),
        (Npm, "babel-traverse", "6.26.0", &["GHSA-67hx-6x53-jw92"]),
        // last_affected 2.88.2.
        (Npm, "request", "2.88.2", &["GHSA-p8p7-x288-28g6"]),
        (Npm, "request", "2.88.3", &[]),
        (Npm, "@cypress/request", "2.88.11", &["GHSA-p8p7-x288-28g6"]),
        (Npm, "@cypress/request", "2.88.12", &[]),
        // Several affected entries for one package are alternatives.
        (
            Maven,
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            &["GHSA-jfh8-c2jp-5v3q"],
        ),
        (
            Maven,
            "org.apache.logging.log4j:log4j-core",
            "2.12.1",
            &["GHSA-jfh8-c2jp-5v3q"],
        ),
        (
            Maven,
            "org.apache.logging.log4j:log4j-core",
            "2.3",
            &["GHSA-jfh8-c2jp-5v3q"],
        ),
        (Maven, "org.apache.logging.log4j:log4j-core", "2.15.0", &[]),
        (Maven, "org.apache.logging.log4j:log4j-core", "2.3.1", &[]),
        (Maven, "org.apache.logging.log4j:log4j-core", "2.3.2", &[]),
        (Maven, "org.apache.logging.log4j:log4j-core", "2.12.2", &[]),
        (
            Maven,
            "com.fasterxml.jackson.core:jackson-databind",
            "2.13.2",
            &["GHSA-57j2-w4cx-62h2"],
        ),
        (
            Maven,
            "com.fasterxml.jackson.core:jackson-databind",
            "2.12.6",
            &["GHSA-57j2-w4cx-62h2"],
        ),
        (
            Maven,
            "com.fasterxml.jackson.core:jackson-databind",
            "2.13.2.1",
            &[],
        ),
        (
            Maven,
            "com.fasterxml.jackson.core:jackson-databind",
            "2.12.6.1",
            &[],
        ),
        (
            Maven,
            "org.springframework:spring-beans",
            "5.3.17",
            &["GHSA-36p3-wjmg-h94x"],
        ),
        (
            Maven,
            "org.springframework:spring-beans",
            "5.2.19.RELEASE",
            &["GHSA-36p3-wjmg-h94x"],
        ),
        (Maven, "org.springframework:spring-beans", "5.3.18", &[]),
        (
            Maven,
            "org.springframework:spring-beans",
            "5.2.20.RELEASE",
            &[],
        ),
        (RubyGems, "nokogiri", "1.13.4", &["GHSA-cgx6-hpwq-fhv5"]),
        (RubyGems, "nokogiri", "1.13.5", &[]),
        (RubyGems, "rack", "2.2.3", &["GHSA-wq4h-7r42-5hrr"]),
        (RubyGems, "rack", "2.1.4", &["GHSA-wq4h-7r42-5hrr"]),
        (RubyGems, "rack", "2.0.9", &["GHSA-wq4h-7r42-5hrr"]),
        (RubyGems, "rack", "2.2.3.1", &[]),
        (RubyGems, "rack", "2.1.4.1", &[]),
        (RubyGems, "rack", "2.0.9.1", &[]),
        (Go, "stdlib", "1.21.2", &["GO-2023-2102", "GO-2023-2185"]),
        (Go, "stdlib", "1.20.9", &["GO-2023-2102", "GO-2023-2185"]),
        (Go, "stdlib", "1.21.3", &["GO-2023-2185"]),
        (Go, "stdlib", "1.21.5", &[]),
        (Go, "stdlib", "1.20.12", &[]),
        (Go, "stdlib", "1.20.11", &["GO-2023-2185"]),
        (Go, "golang.org/x/net", "0.16.0", &["GO-2023-2102"]),
        (Go, "golang.org/x/net", "0.17.0", &[]),
        // RUSTSEC-2020-0071 and GHSA-wcg3-cvx6-7396 name each other (from one side only):
        // one vulnerability. The GHSA's "0.1" event is not SemVer, so only the RUSTSEC ranges
        // decide (the GHSA would otherwise mark every later version, 0.3.x included).
        (CratesIo, "time", "0.2.22", &["GHSA-wcg3-cvx6-7396"]),
        (CratesIo, "time", "0.1.44", &["RUSTSEC-2020-0071"]),
        (CratesIo, "time", "0.2.23", &[]),
        (CratesIo, "time", "0.3.0", &[]),
        (CratesIo, "time", "0.2.0", &[]),
    ]
};

#[test]
fn real_advisories_match_exactly_the_affected_versions() {
    let db = db();
    let mut failures = Vec::new();
    for (eco, name, version, want) in CASES {
        let got = ids(&db, *eco, name, version);
        if got != *want {
            failures.push(format!(
                "{eco:?} {name} {version}: got {got:?}, want {want:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn aliases_are_merged_and_fixes_and_severity_reported() {
    let db = db();
    let hits = db.matches(&pkg(Ecosystem::PyPI, "requests", "2.19.1"));
    assert_eq!(hits.len(), 1, "{hits:?}");
    let h = &hits[0];
    assert_eq!(h.id, "GHSA-x84v-xcm2-53pg");
    assert!(
        h.aliases.contains(&"CVE-2018-18074".to_string()),
        "{:?}",
        h.aliases
    );
    assert!(
        h.aliases.contains(&"PYSEC-2018-28".to_string()),
        "{:?}",
        h.aliases
    );
    assert_eq!(h.fixed, ["2.20.0"]);
    // A Go record keeps its own id; its GHSA alias is listed.
    let go = &db.matches(&pkg(Ecosystem::Go, "golang.org/x/net", "0.16.0"))[0];
    assert_eq!(go.id, "GO-2023-2102");
    assert!(
        go.aliases.contains(&"GHSA-4374-p667-p6c8".to_string()),
        "{:?}",
        go.aliases
    );
    assert_eq!(go.fixed, ["0.17.0"]);
    let log4j = &db.matches(&pkg(
        Ecosystem::Maven,
        "org.apache.logging.log4j:log4j-core",
        "2.14.1",
    ))[0];
    assert_eq!(log4j.cvss_score, Some(10.0));
    assert!(log4j
        .cvss_vector
        .as_deref()
        .unwrap()
        .starts_with("CVSS:3.1/"));
    assert_eq!(log4j.fixed, ["2.15.0"]);
    let old = &db.matches(&pkg(
        Ecosystem::Maven,
        "org.apache.logging.log4j:log4j-core",
        "2.12.1",
    ))[0];
    assert_eq!(old.fixed, ["2.12.2"]);
    // The fix of the line the installed version is on, from unsorted events.
    let dj = &db.matches(&pkg(Ecosystem::PyPI, "django", "3.2.19"))[0];
    assert_eq!(dj.fixed, ["3.2.20"]);
    let rs = &db.matches(&pkg(Ecosystem::CratesIo, "time", "0.2.22"))[0];
    assert!(rs.aliases.contains(&"RUSTSEC-2020-0071".to_string()));
}

#[test]
fn stats_count_what_was_loaded() {
    let db = db();
    let st = &db.stats;
    assert_eq!(st.withdrawn, 1);
    assert_eq!(st.records, 18);
    assert_eq!(st.error_count, 0, "{:?}", st.errors);
    assert_eq!(st.per_ecosystem.get("PyPI"), Some(&5));
    assert_eq!(st.per_ecosystem.get("crates.io"), Some(&2));
    assert_eq!(st.skipped_files, 1, "SOURCES.md");
}

/// The same records as per-ecosystem `all.zip` exports (osv-scanner's offline layout) load
/// the same; a broken record is reported with its file and line and the rest still loads.
#[test]
fn all_zip_exports_and_broken_records() {
    let tmp = tempfile::tempdir().unwrap();
    for eco in std::fs::read_dir(data()).unwrap().flatten() {
        if !eco.path().is_dir() {
            continue;
        }
        let dir = tmp.path().join("osv-scanner").join(eco.file_name());
        std::fs::create_dir_all(&dir).unwrap();
        let mut w = zip::ZipWriter::new(std::fs::File::create(dir.join("all.zip")).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for rec in std::fs::read_dir(eco.path()).unwrap().flatten() {
            w.start_file(rec.file_name().to_string_lossy(), opts)
                .unwrap();
            w.write_all(&std::fs::read(rec.path()).unwrap()).unwrap();
        }
        if eco.file_name() == "npm" {
            w.start_file("BROKEN-1.json", opts).unwrap();
            w.write_all(b"{\n  \"id\": \"BROKEN-1\",\n  \"affected\": [\n")
                .unwrap();
        }
        w.finish().unwrap();
    }
    let db = Database::load(&[tmp.path().to_path_buf()]).unwrap();
    assert_eq!(db.stats.records, 18);
    assert_eq!(db.stats.error_count, 1);
    assert!(
        db.stats.errors[0].contains("npm/all.zip!BROKEN-1.json:4"),
        "{:?}",
        db.stats.errors
    );
    assert_eq!(
        ids(&db, Ecosystem::Npm, "lodash", "4.17.20"),
        ["GHSA-35jh-r3h4-6jhm"]
    );
    // Loading the directory and the exports together: duplicates are counted once.
    let both = Database::load(&[tmp.path().to_path_buf(), data()]).unwrap();
    assert_eq!(both.stats.records, 18);
    assert_eq!(both.stats.duplicates, 19);
}

#[test]
fn a_missing_database_is_an_error() {
    let err = Database::load(&[PathBuf::from("/nonexistent/osv")]).unwrap_err();
    assert!(err.contains("/nonexistent/osv"), "{err}");
}
