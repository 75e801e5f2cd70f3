//! The CycloneDX SBOM writer: its documents validate against the official CycloneDX 1.6 JSON
//! schema (tests/data/cyclonedx, see its README.md; validated offline) and say what the
//! inventory says.

use lambdasec_model::{
    Advisory, CodePackages, Ecosystem, Function, Inventory, Layer, LayerRef, Location, Package,
    PackageVuln, SourceKind, Value,
};
use lambdasec_packages::sbom::{cyclonedx, cyclonedx_for_function};
use serde_json::Value as Json;
use std::collections::HashSet;
use std::sync::Arc;

const REQUESTS: &str = "pkg:pypi/requests@2.19.0";
const LOG4J: &str = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
const TRAVERSE: &str = "pkg:npm/%40babel/traverse@7.22.0";
const XNET: &str = "pkg:golang/golang.org/x/net@0.17.0";
const STDLIB: &str = "pkg:golang/stdlib@1.21.0";

fn validator() -> jsonschema::Validator {
    let load = |text: &str| -> Json { serde_json::from_str(text).expect("schema is JSON") };
    let bom = load(include_str!("data/cyclonedx/bom-1.6.schema.json"));
    assert_eq!(bom["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        bom["$id"],
        "http://cyclonedx.org/schema/bom-1.6.schema.json"
    );
    // The schema's relative `$ref`s resolve against its `$id`; both are registered there, and
    // retrieval is off, so nothing is fetched.
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load(include_str!("data/cyclonedx/spdx.schema.json")),
        )
        .expect("spdx registers")
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            load(include_str!("data/cyclonedx/jsf-0.82.schema.json")),
        )
        .expect("jsf registers")
        .prepare()
        .expect("registry prepares");
    jsonschema::draft7::options()
        .offline()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&bom)
        .expect("schema compiles")
}

fn assert_valid(text: &str) -> Json {
    assert!(text.ends_with("}\n"), "pretty JSON ending with a newline");
    let doc: Json = serde_json::from_str(text).expect("SBOM is JSON");
    let errs: Vec<String> = validator()
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errs.is_empty(),
        "schema errors:\n{}\n{text}",
        errs.join("\n")
    );
    doc
}

fn loc(file: &str, line: u32) -> Location {
    Location::new(Arc::from(file), line, 1)
}

fn known<T>(v: T) -> Value<T> {
    Value::known(v, loc("main.tf", 1))
}

fn function(id: &str, name: Value<String>, line: u32, layers: Vec<usize>) -> Function {
    Function {
        id: id.into(),
        kind: SourceKind::Terraform,
        loc: loc("main.tf", line),
        name,
        generated_name: false,
        account: None,
        package_type: None,
        runtime: Some(known("python3.12".to_string())),
        handler: None,
        role: None,
        environment: known(vec![]),
        env_kms_key: None,
        vpc: None,
        tracing_mode: None,
        dead_letter_target: None,
        reserved_concurrency: None,
        code_signing_config: None,
        layers: known(
            layers
                .into_iter()
                .map(|li| {
                    known(LayerRef {
                        arn: known(format!(
                            "arn:aws:lambda:us-east-1:123456789012:layer:l{li}:1"
                        )),
                        resolves_to_latest: false,
                        layer: Some(li),
                    })
                })
                .collect(),
        ),
        log_group_name: None,
        log_group: None,
        code: None,
    }
}

fn layer(id: &str, name: &str, line: u32) -> Layer {
    Layer {
        id: id.into(),
        kind: SourceKind::Terraform,
        loc: loc("layers.tf", line),
        name: known(name.to_string()),
        compatible_runtimes: None,
        code: None,
    }
}

fn package(ecosystem: Ecosystem, name: &str, version: &str, path: &str, purl: &str) -> Package {
    Package {
        ecosystem,
        name: name.into(),
        version: version.into(),
        path: path.into(),
        purl: purl.into(),
    }
}

fn log4j() -> Package {
    package(
        Ecosystem::Maven,
        "org.apache.logging.log4j:log4j-core",
        "2.14.1",
        "lib/app.jar!META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        LOG4J,
    )
}

fn log4shell(code: usize, package: usize) -> PackageVuln {
    PackageVuln {
        code,
        package,
        advisory: Advisory {
            id: "GHSA-jfh8-c2jp-5v3q".into(),
            aliases: vec!["CVE-2021-44228".into()],
            summary: "Remote code injection in Log4j".into(),
            fixed: vec!["2.15.0".into()],
            cvss_score: Some(10.0),
            cvss_vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H".into()),
            severity_label: Some("CRITICAL".into()),
        },
    }
}

/// `api` has its own zip (PyPI, Maven, npm); `worker` has no code of its own here but uses the
/// `tools` layer (a Go binary); log4j-core matches one advisory.
fn inventory() -> Inventory {
    Inventory {
        functions: vec![
            function("aws_lambda_function.api", known("api".into()), 10, vec![]),
            function(
                "aws_lambda_function.worker",
                Value::unknown("var.worker_name", loc("main.tf", 31)),
                30,
                vec![0],
            ),
        ],
        layers: vec![layer("aws_lambda_layer_version.tools", "tools", 3)],
        packages: vec![
            CodePackages {
                code: "build/api.zip".into(),
                dir: false,
                functions: vec![0],
                layers: vec![],
                packages: vec![
                    package(
                        Ecosystem::PyPI,
                        "requests",
                        "2.19.0",
                        "requests-2.19.0.dist-info/METADATA",
                        REQUESTS,
                    ),
                    log4j(),
                    package(
                        Ecosystem::Npm,
                        "@babel/traverse",
                        "7.22.0",
                        "node_modules/@babel/traverse/package.json",
                        TRAVERSE,
                    ),
                ],
                notes: vec![],
            },
            CodePackages {
                code: "layers/tools".into(),
                dir: true,
                functions: vec![],
                layers: vec![0],
                packages: vec![
                    package(
                        Ecosystem::Go,
                        "golang.org/x/net",
                        "0.17.0",
                        "bin/tool",
                        XNET,
                    ),
                    package(Ecosystem::Go, "stdlib", "1.21.0", "bin/tool", STDLIB),
                ],
                notes: vec![],
            },
        ],
        package_vulns: vec![log4shell(0, 1)],
        ..Default::default()
    }
}

fn array<'a>(v: &'a Json, key: &str) -> &'a Vec<Json> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is an array in {v}"))
}

fn prop<'a>(c: &'a Json, name: &str) -> Vec<&'a str> {
    c["properties"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["name"] == name)
                .map(|p| p["value"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn component<'a>(list: &'a [Json], bom_ref: &str) -> &'a Json {
    list.iter()
        .find(|c| c["bom-ref"] == bom_ref)
        .unwrap_or_else(|| panic!("no component {bom_ref}"))
}

fn purls(c: &Json) -> Vec<&str> {
    array(c, "components")
        .iter()
        .map(|p| p["purl"].as_str().unwrap())
        .collect()
}

/// Every `bom-ref` in the document, in order.
fn bom_refs(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            if let Some(Json::String(r)) = m.get("bom-ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| bom_refs(x, out));
        }
        Json::Array(a) => a.iter().for_each(|x| bom_refs(x, out)),
        _ => {}
    }
}

fn assert_refs_unique_and_resolved(doc: &Json) {
    let mut refs = Vec::new();
    bom_refs(doc, &mut refs);
    let set: HashSet<&String> = refs.iter().collect();
    assert_eq!(set.len(), refs.len(), "bom-refs are unique: {refs:?}");
    for d in doc["dependencies"].as_array().into_iter().flatten() {
        assert!(set.contains(&d["ref"].as_str().unwrap().to_string()), "{d}");
        for r in d["dependsOn"].as_array().into_iter().flatten() {
            assert!(set.contains(&r.as_str().unwrap().to_string()), "{r}");
        }
    }
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        for a in array(v, "affects") {
            assert!(set.contains(&a["ref"].as_str().unwrap().to_string()), "{a}");
        }
    }
}

#[test]
fn whole_scan_validates_and_describes_every_function() {
    let inv = inventory();
    let text = cyclonedx(&inv, "my-stack", "1.2.3");
    let doc = assert_valid(&text);

    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["metadata"]["component"]["type"], "application");
    assert_eq!(doc["metadata"]["component"]["name"], "my-stack");
    assert!(doc["metadata"].get("timestamp").is_none());
    let tools = array(&doc["metadata"]["tools"], "components");
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0]["type"], "application");
    assert_eq!(tools[0]["name"], "lambdasec");
    assert_eq!(tools[0]["version"], "1.2.3");

    let functions = array(&doc, "components");
    assert_eq!(functions.len(), 2);
    let api = component(functions, "aws_lambda_function.api");
    assert_eq!(api["type"], "application");
    assert_eq!(api["name"], "api");
    assert_eq!(prop(api, "lambdasec:file"), ["main.tf"]);
    assert_eq!(prop(api, "lambdasec:line"), ["10"]);
    assert_eq!(purls(api), [REQUESTS, LOG4J, TRAVERSE]);

    let worker = component(functions, "aws_lambda_function.worker");
    assert_eq!(
        worker["name"], "aws_lambda_function.worker",
        "unknown name: the id"
    );
    assert_eq!(prop(worker, "lambdasec:line"), ["30"]);
    assert_eq!(purls(worker), [XNET, STDLIB], "the layer's packages");

    let pkgs = array(api, "components");
    let requests = &pkgs[0];
    assert_eq!(requests["type"], "library");
    assert_eq!(requests["name"], "requests");
    assert_eq!(requests["version"], "2.19.0");
    assert!(requests.get("group").is_none());
    assert_eq!(prop(requests, "lambdasec:source"), ["deployment package"]);
    assert_eq!(
        prop(requests, "lambdasec:path"),
        ["build/api.zip!requests-2.19.0.dist-info/METADATA"]
    );
    let log4j = &pkgs[1];
    assert_eq!(log4j["group"], "org.apache.logging.log4j");
    assert_eq!(log4j["name"], "log4j-core");
    assert_eq!(log4j["version"], "2.14.1");
    let traverse = &pkgs[2];
    assert_eq!(traverse["group"], "@babel");
    assert_eq!(traverse["name"], "traverse");

    let go = array(worker, "components");
    assert_eq!(go[0]["name"], "golang.org/x/net");
    assert!(go[0].get("group").is_none());
    assert_eq!(go[1]["name"], "stdlib");
    assert_eq!(go[1]["version"], "1.21.0");
    for p in go {
        assert_eq!(prop(p, "lambdasec:source"), ["layer tools"]);
        assert_eq!(prop(p, "lambdasec:path"), ["layers/tools/bin/tool"]);
    }

    // Dependencies: the scan on the functions, each function on its packages.
    let deps = array(&doc, "dependencies");
    let scan_ref = doc["metadata"]["component"]["bom-ref"].as_str().unwrap();
    let depends_on = |r: &str| -> Vec<String> {
        let d = deps.iter().find(|d| d["ref"] == r).expect("dependency");
        array(d, "dependsOn")
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        depends_on(scan_ref),
        ["aws_lambda_function.api", "aws_lambda_function.worker"]
    );
    for f in functions {
        let want: Vec<String> = array(f, "components")
            .iter()
            .map(|p| p["bom-ref"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(depends_on(f["bom-ref"].as_str().unwrap()), want);
    }
    assert_refs_unique_and_resolved(&doc);

    // The vulnerability.
    let vulns = array(&doc, "vulnerabilities");
    assert_eq!(vulns.len(), 1);
    let v = &vulns[0];
    assert_eq!(v["id"], "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(v["source"]["name"], "OSV");
    assert_eq!(
        v["source"]["url"],
        "https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q"
    );
    assert_eq!(v["references"][0]["id"], "CVE-2021-44228");
    assert_eq!(v["description"], "Remote code injection in Log4j");
    assert_eq!(v["recommendation"], "upgrade to 2.15.0");
    let rating = &array(v, "ratings")[0];
    assert_eq!(rating["score"], 10.0);
    assert_eq!(rating["method"], "CVSSv31");
    assert_eq!(rating["severity"], "critical");
    assert_eq!(
        rating["vector"],
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    );
    let affects: Vec<&Json> = array(v, "affects").iter().map(|a| &a["ref"]).collect();
    assert_eq!(affects, [&log4j["bom-ref"]]);

    // Deterministic, including the serial number.
    assert_eq!(text, cyclonedx(&inv, "my-stack", "1.2.3"));
    let serial = doc["serialNumber"].as_str().unwrap();
    assert!(serial.starts_with("urn:uuid:"), "{serial}");
    assert_eq!(&serial[23..24], "4", "version 4 shape: {serial}");
    let other = assert_valid(&cyclonedx(&inv, "other-stack", "1.2.3"));
    assert_ne!(other["serialNumber"], doc["serialNumber"]);
}

#[test]
fn one_function_documents() {
    let inv = inventory();

    let text = cyclonedx_for_function(&inv, 0, "1.2.3");
    assert_eq!(text, cyclonedx_for_function(&inv, 0, "1.2.3"));
    let api = assert_valid(&text);
    let root = &api["metadata"]["component"];
    assert_eq!(root["bom-ref"], "aws_lambda_function.api");
    assert_eq!(root["name"], "api");
    assert_eq!(root["type"], "application");
    assert_eq!(purls(&api), [REQUESTS, LOG4J, TRAVERSE]);
    assert_refs_unique_and_resolved(&api);
    let deps = array(&api, "dependencies");
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0]["ref"], "aws_lambda_function.api");
    assert_eq!(array(&deps[0], "dependsOn").len(), 3);
    let vulns = array(&api, "vulnerabilities");
    assert_eq!(vulns.len(), 1);
    assert_eq!(
        vulns[0]["affects"][0]["ref"],
        api["components"][1]["bom-ref"]
    );

    // The same refs as in the whole-scan document.
    let whole: Json = serde_json::from_str(&cyclonedx(&inv, "s", "1.2.3")).unwrap();
    assert_eq!(whole["components"][0]["components"], api["components"]);

    let worker = assert_valid(&cyclonedx_for_function(&inv, 1, "1.2.3"));
    assert_eq!(
        worker["metadata"]["component"]["bom-ref"],
        "aws_lambda_function.worker"
    );
    assert_eq!(purls(&worker), [XNET, STDLIB]);
    assert!(
        worker.get("vulnerabilities").is_none(),
        "log4j is not the worker's"
    );
    assert_refs_unique_and_resolved(&worker);
}

#[test]
fn shared_packages_are_merged_per_function_and_every_match_is_affected() {
    let mut inv = inventory();
    // log4j-core in the layer too: the worker gets it from there, and `api` now uses the layer
    // as well, so `api` has it twice (one component, two sources).
    inv.packages[1].packages.push(package(
        Ecosystem::Maven,
        "org.apache.logging.log4j:log4j-core",
        "2.14.1",
        "java/lib/log4j-core-2.14.1.jar!META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        LOG4J,
    ));
    inv.functions[0] = function("aws_lambda_function.api", known("api".into()), 10, vec![0]);
    inv.package_vulns.push(log4shell(1, 2));
    // An advisory with only a severity word, on the Go stdlib.
    inv.package_vulns.push(PackageVuln {
        code: 1,
        package: 1,
        advisory: Advisory {
            id: "GO-2023-2102".into(),
            aliases: vec!["CVE-2023-39325".into(), "GHSA-4374-p667-p6c8".into()],
            summary: "HTTP/2 rapid reset can cause excessive work in net/http".into(),
            fixed: vec!["1.20.10".into(), "1.21.3".into()],
            cvss_score: None,
            cvss_vector: None,
            severity_label: Some("HIGH".into()),
        },
    });

    let doc = assert_valid(&cyclonedx(&inv, "my-stack", "1.2.3"));
    assert_refs_unique_and_resolved(&doc);
    let functions = array(&doc, "components");
    let api = component(functions, "aws_lambda_function.api");
    let worker = component(functions, "aws_lambda_function.worker");
    assert_eq!(purls(api), [REQUESTS, LOG4J, TRAVERSE, XNET, STDLIB]);
    assert_eq!(purls(worker), [XNET, STDLIB, LOG4J]);
    let api_log4j = &array(api, "components")[1];
    assert_eq!(
        prop(api_log4j, "lambdasec:source"),
        ["deployment package", "layer tools"]
    );
    assert_eq!(prop(api_log4j, "lambdasec:path").len(), 2);

    let vulns = array(&doc, "vulnerabilities");
    assert_eq!(vulns.len(), 2, "one per (id, purl)");
    let find = |id: &str| vulns.iter().find(|v| v["id"] == id).unwrap();
    let refs = |v: &Json| -> Vec<String> {
        array(v, "affects")
            .iter()
            .map(|a| a["ref"].as_str().unwrap().to_string())
            .collect()
    };
    let worker_log4j = &array(worker, "components")[2];
    assert_eq!(
        refs(find("GHSA-jfh8-c2jp-5v3q")),
        [
            api_log4j["bom-ref"].as_str().unwrap(),
            worker_log4j["bom-ref"].as_str().unwrap()
        ]
    );
    let go = find("GO-2023-2102");
    assert_eq!(
        refs(go),
        [
            array(api, "components")[4]["bom-ref"].as_str().unwrap(),
            array(worker, "components")[1]["bom-ref"].as_str().unwrap()
        ]
    );
    assert_eq!(go["ratings"][0]["severity"], "high");
    assert!(go["ratings"][0].get("score").is_none());
    assert_eq!(go["recommendation"], "upgrade to 1.20.10 or 1.21.3");
    let aliases: Vec<(&str, &str)> = array(go, "references")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["source"]["url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        aliases,
        [
            (
                "CVE-2023-39325",
                "https://nvd.nist.gov/vuln/detail/CVE-2023-39325"
            ),
            (
                "GHSA-4374-p667-p6c8",
                "https://github.com/advisories/GHSA-4374-p667-p6c8"
            ),
        ]
    );
}

#[test]
fn cvss_methods_follow_the_vector() {
    for (vector, score, method, severity) in [
        (
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
            7.5,
            "CVSSv3",
            "high",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
            6.9,
            "CVSSv4",
            "medium",
        ),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "CVSSv2", "high"),
    ] {
        let mut inv = inventory();
        inv.package_vulns[0].advisory.cvss_vector = Some(vector.into());
        inv.package_vulns[0].advisory.cvss_score = Some(score);
        let doc = assert_valid(&cyclonedx(&inv, "s", "0.1.0"));
        let rating = &doc["vulnerabilities"][0]["ratings"][0];
        assert_eq!(rating["method"], method, "{vector}");
        assert_eq!(rating["severity"], severity, "{vector}");
        assert_eq!(rating["score"], score, "{vector}");
        assert_eq!(rating["vector"], vector);
    }
}

#[test]
fn unused_layers_duplicate_ids_and_empty_inventories() {
    // A layer no function uses still has its packages listed.
    let mut inv = inventory();
    inv.functions.truncate(1);
    let doc = assert_valid(&cyclonedx(&inv, "s", "0.1.0"));
    let top = array(&doc, "components");
    assert_eq!(top.len(), 2);
    let tools = component(top, "aws_lambda_layer_version.tools");
    assert_eq!(tools["type"], "library");
    assert_eq!(tools["name"], "tools");
    assert_eq!(prop(tools, "lambdasec:kind"), ["layer"]);
    assert_eq!(purls(tools), [XNET, STDLIB]);
    assert_refs_unique_and_resolved(&doc);

    // Two functions with one id (and one package URL at two paths) keep unique refs.
    let mut inv = inventory();
    inv.functions[1].id = "aws_lambda_function.api".into();
    inv.packages[0].functions.push(1);
    inv.packages[0].packages.push(package(
        Ecosystem::PyPI,
        "requests",
        "2.19.0",
        "vendor/requests-2.19.0.dist-info/METADATA",
        REQUESTS,
    ));
    let doc = assert_valid(&cyclonedx(&inv, "aws_lambda_function.api", "0.1.0"));
    assert_refs_unique_and_resolved(&doc);
    let top = array(&doc, "components");
    assert_eq!(top[0]["bom-ref"], "aws_lambda_function.api");
    assert_eq!(top[1]["bom-ref"], "aws_lambda_function.api#2");
    assert_eq!(purls(&top[1]), [REQUESTS, LOG4J, TRAVERSE, XNET, STDLIB]);
    assert_eq!(prop(&top[0]["components"][0], "lambdasec:path").len(), 2);
    assert_eq!(array(&doc["vulnerabilities"][0], "affects").len(), 2);

    // Nothing at all.
    let doc = assert_valid(&cyclonedx(&Inventory::default(), "empty", "0.1.0"));
    assert_eq!(array(&doc, "components").len(), 0);
    assert!(doc.get("vulnerabilities").is_none());
}

/// The validator is not vacuous: broken documents, including ones that need the referenced
/// SPDX and JSF schemas, fail.
#[test]
fn the_schema_rejects_broken_documents() {
    let v = validator();
    let good: Json = serde_json::from_str(&cyclonedx(&inventory(), "s", "0.1.0")).unwrap();
    assert!(v.is_valid(&good));
    type Breakage = (&'static str, fn(&mut Json));
    let breakages: [Breakage; 6] = [
        ("component type", |d| {
            d["components"][0]["type"] = "lambda".into()
        }),
        ("serial number", |d| d["serialNumber"] = "1234".into()),
        ("spec version", |d| d["specVersion"] = 1.6.into()),
        ("unknown key", |d| {
            d["components"][0]["runtime"] = "x".into()
        }),
        ("SPDX id", |d| {
            d["components"][0]["licenses"] =
                serde_json::json!([{"license": {"id": "NOT-A-LICENSE"}}])
        }),
        ("JSF signature", |d| {
            d["signature"] = serde_json::json!({"algorithm": "none", "value": 3})
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(!v.is_valid(&doc), "{what}");
    }
    let mut doc = good.clone();
    doc["components"][0]["licenses"] = serde_json::json!([{"license": {"id": "Apache-2.0"}}]);
    assert!(v.is_valid(&doc), "a real SPDX id");
}
