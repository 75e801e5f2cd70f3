//! Every Lambda package layout, built as a zip (and a directory) in the test and inventoried.

use lambdasec_archive::Limits;
use lambdasec_model::{Ecosystem, Package};
use lambdasec_packages::inventory::{inventory, CodeInventory};
use std::io::{Cursor, Write};
use std::path::Path;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn scan_zip(entries: &[(&str, &[u8])]) -> CodeInventory {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("code.zip");
    std::fs::write(&p, zip_of(entries)).unwrap();
    inventory(&p, &Limits::default())
}

fn scan_dir(entries: &[(&str, &[u8])]) -> CodeInventory {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in entries {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    inventory(dir.path(), &Limits::default())
}

/// (ecosystem, name, version, path) of each package, sorted.
fn listed(inv: &CodeInventory) -> Vec<(Ecosystem, &str, &str, &str)> {
    inv.packages
        .iter()
        .map(|p: &Package| {
            (
                p.ecosystem,
                p.name.as_str(),
                p.version.as_str(),
                p.path.as_str(),
            )
        })
        .collect()
}

fn metadata(name: &str, version: &str) -> Vec<u8> {
    format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: x\n\nlong description\nVersion: 0.0.0\n").into_bytes()
}

#[test]
fn python_function_package_and_layer_layouts() {
    let requests = metadata("requests", "2.19.0");
    let yaml = metadata("PyYAML", "5.3.1");
    let django = metadata("Django", "3.2.19");
    let simplejson = metadata("simplejson", "3.17.0");
    let vendored = metadata("packaging", "24.0");
    let charset = metadata("charset_normalizer", "3.3.2");
    let entries: &[(&str, &[u8])] = &[
        // Function zip: dependencies flat at the root (pip install -t .).
        ("app.py", b"import requests\n"),
        ("requests-2.19.0.dist-info/METADATA", &requests),
        (
            "requests-2.19.0.dist-info/RECORD",
            b"requests/__init__.py,,\n",
        ),
        ("charset_normalizer-3.3.2.dist-info/METADATA", &charset),
        // Layer layouts.
        (
            "python/lib/python3.12/site-packages/PyYAML-5.3.1.dist-info/METADATA",
            &yaml,
        ),
        ("python/Django-3.2.19.egg-info/PKG-INFO", &django),
        // distutils: the egg-info is a single file.
        ("python/simplejson-3.17.0-py3.12.egg-info", &simplejson),
        // Vendored copies are not installed packages.
        (
            "python/setuptools/_vendor/packaging-24.0.dist-info/METADATA",
            &vendored,
        ),
        ("python/pip/_vendor/vendor.txt", b"packaging==24.0\n"),
    ];
    for inv in [scan_zip(entries), scan_dir(entries)] {
        assert_eq!(
            listed(&inv),
            [
                (
                    Ecosystem::PyPI,
                    "charset-normalizer",
                    "3.3.2",
                    "charset_normalizer-3.3.2.dist-info/METADATA"
                ),
                (
                    Ecosystem::PyPI,
                    "django",
                    "3.2.19",
                    "python/Django-3.2.19.egg-info/PKG-INFO"
                ),
                (
                    Ecosystem::PyPI,
                    "pyyaml",
                    "5.3.1",
                    "python/lib/python3.12/site-packages/PyYAML-5.3.1.dist-info/METADATA"
                ),
                (
                    Ecosystem::PyPI,
                    "requests",
                    "2.19.0",
                    "requests-2.19.0.dist-info/METADATA"
                ),
                (
                    Ecosystem::PyPI,
                    "simplejson",
                    "3.17.0",
                    "python/simplejson-3.17.0-py3.12.egg-info"
                ),
            ]
        );
        assert!(inv.problems.is_empty(), "{:?}", inv.problems);
        assert_eq!(inv.packages[4].purl, "pkg:pypi/simplejson@3.17.0");
    }
}

#[test]
fn node_layouts_lockfiles_and_fixture_manifests() {
    let lock = br#"{"name":"app","lockfileVersion":3,"packages":{
        "":{"name":"app","version":"1.0.0"},
        "node_modules/lodash":{"version":"4.17.20"},
        "node_modules/minimist":{"version":"1.2.5"},
        "node_modules/jest":{"version":"29.7.0","dev":true}}}"#;
    let hidden =
        br#"{"lockfileVersion":3,"packages":{"node_modules/lodash":{"version":"4.17.20"}}}"#;
    let entries: &[(&str, &[u8])] = &[
        ("index.js", b"exports.handler = async () => {};\n"),
        ("package.json", br#"{"name":"app","version":"1.0.0"}"#),
        ("package-lock.json", lock),
        ("node_modules/.package-lock.json", hidden),
        (
            "node_modules/lodash/package.json",
            br#"{"name":"lodash","version":"4.17.20"}"#,
        ),
        // A fixture inside an installed package (browserify/resolve#322).
        (
            "node_modules/resolve/test/resolver/false_main/package.json",
            br#"{"name":"false_main","version":"0.0.0"}"#,
        ),
        (
            "node_modules/resolve/package.json",
            br#"{"name":"resolve","version":"1.22.8"}"#,
        ),
        // Layer layouts, scoped and nested.
        (
            "nodejs/node_modules/@babel/traverse/package.json",
            br#"{"name":"@babel/traverse","version":"7.23.1"}"#,
        ),
        (
            "nodejs/node18/node_modules/request/package.json",
            br#"{"name":"request","version":"2.88.2"}"#,
        ),
        (
            "nodejs/node18/node_modules/request/node_modules/qs/package.json",
            br#"{"name":"qs","version":"6.5.3"}"#,
        ),
        // No name/version: skipped.
        (
            "nodejs/node_modules/broken/package.json",
            br#"{"private":true}"#,
        ),
    ];
    for inv in [scan_zip(entries), scan_dir(entries)] {
        assert_eq!(
            listed(&inv),
            [
                (
                    Ecosystem::Npm,
                    "@babel/traverse",
                    "7.23.1",
                    "nodejs/node_modules/@babel/traverse/package.json"
                ),
                // Installed metadata wins over the lockfiles that also list it.
                (
                    Ecosystem::Npm,
                    "lodash",
                    "4.17.20",
                    "node_modules/lodash/package.json"
                ),
                (Ecosystem::Npm, "minimist", "1.2.5", "package-lock.json"),
                (
                    Ecosystem::Npm,
                    "qs",
                    "6.5.3",
                    "nodejs/node18/node_modules/request/node_modules/qs/package.json"
                ),
                (
                    Ecosystem::Npm,
                    "request",
                    "2.88.2",
                    "nodejs/node18/node_modules/request/package.json"
                ),
                (
                    Ecosystem::Npm,
                    "resolve",
                    "1.22.8",
                    "node_modules/resolve/package.json"
                ),
            ]
        );
        assert_eq!(inv.packages[0].purl, "pkg:npm/%40babel/traverse@7.23.1");
    }
}

#[test]
fn javascript_bundle_without_metadata_is_a_coverage_note() {
    let bundle = vec![b'x'; 200 * 1024];
    let inv = scan_zip(&[("index.mjs", &bundle), ("index.mjs.map", b"{}")]);
    assert!(inv.packages.is_empty());
    assert_eq!(inv.notes.len(), 1, "{:?}", inv.notes);
    assert!(inv.notes[0]
        .contains("JavaScript bundle without package metadata (index.mjs, 204800 bytes)"));
}

fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(entries)
}

fn pom(g: &str, a: &str, v: &str) -> Vec<u8> {
    format!("#Generated by Maven\n#Tue Dec 14 10:00:00 UTC 2021\nversion={v}\ngroupId={g}\nartifactId={a}\n").into_bytes()
}

#[test]
fn java_layer_uber_shaded_and_nested_jars() {
    let log4j = jar(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nImplementation-Version: 2.14.1\r\n",
        ),
        (
            "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
            &pom("org.apache.logging.log4j", "log4j-core", "2.14.1"),
        ),
        (
            "org/apache/logging/log4j/core/Logger.class",
            b"\xca\xfe\xba\xbe",
        ),
    ]);
    // A shaded jar: several libraries relocated into one, each with its pom.properties.
    let spring = jar(&[(
        "META-INF/maven/org.springframework/spring-beans/pom.properties",
        &pom("org.springframework", "spring-beans", "5.3.17"),
    )]);
    let shaded = jar(&[
        (
            "META-INF/maven/com.acme/orders/pom.properties",
            &pom("com.acme", "orders", "1.0.0"),
        ),
        (
            "META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties",
            &pom("com.fasterxml.jackson.core", "jackson-databind", "2.13.2"),
        ),
        (
            "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
            &pom("org.apache.logging.log4j", "log4j-core", "2.12.1"),
        ),
        // Spring Boot layout: nested jars.
        ("BOOT-INF/lib/spring-beans-5.3.17.jar", &spring),
    ]);
    let manifest_only = jar(&[(
        "META-INF/MANIFEST.MF",
        b"Manifest-Version: 1.0\nImplementation-Title: legacy-lib\nImplementation-Version: 0.9\n",
    )]);
    let bare = jar(&[("a/B.class", b"\xca\xfe\xba\xbe")]);
    let entries: &[(&str, &[u8])] = &[
        ("java/lib/log4j-core-2.14.1.jar", &log4j),
        ("lib/orders-all.jar", &shaded),
        ("lib/legacy.jar", &manifest_only),
        ("lib/commons-io-2.6.jar", &bare),
        ("lib/unnamed.jar", &bare),
    ];
    for inv in [scan_zip(entries), scan_dir(entries)] {
        assert_eq!(
            listed(&inv),
            [
                (Ecosystem::Maven, "com.acme:orders", "1.0.0", "lib/orders-all.jar!META-INF/maven/com.acme/orders/pom.properties"),
                (Ecosystem::Maven, "com.fasterxml.jackson.core:jackson-databind", "2.13.2", "lib/orders-all.jar!META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties"),
                // Names without a group are listed (SBOM) but never match an advisory.
                (Ecosystem::Maven, "commons-io", "2.6", "lib/commons-io-2.6.jar"),
                (Ecosystem::Maven, "legacy-lib", "0.9", "lib/legacy.jar!META-INF/MANIFEST.MF"),
                (Ecosystem::Maven, "org.apache.logging.log4j:log4j-core", "2.12.1", "lib/orders-all.jar!META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties"),
                (Ecosystem::Maven, "org.apache.logging.log4j:log4j-core", "2.14.1", "java/lib/log4j-core-2.14.1.jar!META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties"),
                (Ecosystem::Maven, "org.springframework:spring-beans", "5.3.17", "lib/orders-all.jar!BOOT-INF/lib/spring-beans-5.3.17.jar!META-INF/maven/org.springframework/spring-beans/pom.properties"),
            ]
        );
        assert_eq!(inv.notes.len(), 1, "{:?}", inv.notes);
        assert!(inv.notes[0].starts_with("lib/unnamed.jar: archive without Maven metadata"));
        let log4j = inv.packages.iter().find(|p| p.version == "2.14.1").unwrap();
        assert_eq!(
            log4j.purl,
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
    }
}

#[test]
fn ruby_layer_vendor_bundle_and_gemfile_lock() {
    let rack = b"# -*- encoding: utf-8 -*-\n# stub: rack 2.2.3 ruby lib\n\nGem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\n  s.summary = \"a modular Ruby webserver interface\".freeze\nend\n";
    let nokogiri = b"Gem::Specification.new do |s|\n  s.name = \"nokogiri\".freeze\n  s.version = \"1.13.4\"\n  s.platform = \"x86_64-linux\".freeze\nend\n";
    let lock = b"GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.13.4-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.0)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n";
    let entries: &[(&str, &[u8])] = &[
        ("ruby/gems/3.2.0/specifications/rack-2.2.3.gemspec", rack),
        // The gem's own source gemspec is not an installed specification.
        (
            "ruby/gems/3.2.0/gems/rack-2.2.3/rack.gemspec",
            b"s.name = \"wrong\"\ns.version = \"0\"\n",
        ),
        (
            "vendor/bundle/ruby/3.2.0/specifications/nokogiri-1.13.4-x86_64-linux.gemspec",
            nokogiri,
        ),
        ("Gemfile.lock", lock),
    ];
    for inv in [scan_zip(entries), scan_dir(entries)] {
        assert_eq!(
            listed(&inv),
            [
                (
                    Ecosystem::RubyGems,
                    "nokogiri",
                    "1.13.4",
                    "vendor/bundle/ruby/3.2.0/specifications/nokogiri-1.13.4-x86_64-linux.gemspec"
                ),
                (Ecosystem::RubyGems, "racc", "1.6.0", "Gemfile.lock"),
                (
                    Ecosystem::RubyGems,
                    "rack",
                    "2.2.3",
                    "ruby/gems/3.2.0/specifications/rack-2.2.3.gemspec"
                ),
            ]
        );
        assert_eq!(inv.packages[2].purl, "pkg:gem/rack@2.2.3");
    }
}

fn uvarint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// An ELF-looking `bootstrap` with a Go ≥ 1.18 build info blob (no section table: found by
/// the aligned scan).
fn go_bootstrap() -> Vec<u8> {
    let mut data = b"\x7fELF\x02\x01\x01".to_vec();
    data.resize(64, 0);
    data.extend_from_slice(b"\xff Go buildinf:");
    data.push(8);
    data.push(2);
    data.extend_from_slice(&[0; 16]);
    let version = "go1.21.2";
    uvarint(version.len() as u64, &mut data);
    data.extend_from_slice(version.as_bytes());
    let mut info = vec![
        0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18,
        0xe6,
    ];
    info.extend_from_slice(
        b"path\tgithub.com/acme/fn\nmod\tgithub.com/acme/fn\t(devel)\t\ndep\tgithub.com/aws/aws-lambda-go\tv1.41.0\th1:x=\ndep\tgolang.org/x/net\tv0.16.0\th1:y=\n",
    );
    info.extend_from_slice(&[
        0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8,
        0xf2,
    ]);
    uvarint(info.len() as u64, &mut data);
    data.extend_from_slice(&info);
    data.resize(data.len() + 4096, 0);
    data
}

#[test]
fn go_bootstrap_binary() {
    let inv = scan_zip(&[("bootstrap", &go_bootstrap())]);
    assert_eq!(
        listed(&inv),
        [
            (
                Ecosystem::Go,
                "github.com/aws/aws-lambda-go",
                "1.41.0",
                "bootstrap"
            ),
            (Ecosystem::Go, "golang.org/x/net", "0.16.0", "bootstrap"),
            (Ecosystem::Go, "stdlib", "1.21.2", "bootstrap"),
        ]
    );
    assert_eq!(inv.packages[1].purl, "pkg:golang/golang.org/x/net@0.16.0");
    // An extension in a layer.
    let inv = scan_zip(&[("extensions/telemetry", &go_bootstrap())]);
    assert_eq!(inv.packages.len(), 3);
}

#[test]
fn hostile_and_broken_archives_are_problems_not_aborts() {
    let good = pom("com.acme", "a", "1.0");
    let inner = zip_of(&[("META-INF/maven/com.acme/a/pom.properties", &good)]);
    let inv = scan_zip(&[
        ("lib/bad.jar", b"PK\x03\x04 not really a jar"),
        ("lib/good.jar", &inner),
        ("node_modules/.package-lock.json", b"{ not json"),
    ]);
    assert_eq!(inv.packages.len(), 1);
    let problems: Vec<String> = inv
        .problems
        .iter()
        .map(|(p, m)| format!("{p}: {m}"))
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("lib/bad.jar: not a readable zip archive")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("node_modules/.package-lock.json: not valid JSON")),
        "{problems:?}"
    );
    let missing = inventory(Path::new("/nonexistent/code.zip"), &Limits::default());
    assert!(missing.packages.is_empty());
    assert!(missing.problems[0].1.starts_with("cannot read"));
}
