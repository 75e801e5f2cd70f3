//! CycloneDX 1.6 SBOMs of the packages in the functions' code and layers.
//!
//! [`cyclonedx`] writes one JSON document for a whole scan:
//!
//! - `metadata.component`: the scan (type `application`, named by the caller);
//!   `metadata.tools.components`: lambdasec and its version.
//! - `components`: one per function (type `application`, `bom-ref` the function's id, `name` its
//!   name when known, else the id; properties `lambdasec:kind` = `function`, `lambdasec:file`
//!   and `lambdasec:line` where it is defined, `lambdasec:runtime` when known). Each has nested
//!   `components`: every package the function runs with, from its own deployment package and from
//!   the layers it uses, once per package URL (type `library`, `name`, `version`, `purl`, `group`
//!   for a Maven group id or an npm scope, `bom-ref` `<function ref>|<purl>`). A package found
//!   more than once for the same function (in its code and in a layer, in two layers, at two
//!   paths) is one component with one `lambdasec:source` (`deployment package` or
//!   `layer <layer name or id>`) and `lambdasec:path` (the file it was read from) property pair
//!   per place.
//! - A layer that no function in the inventory uses gets a top-level component of its own (type
//!   `library`, `bom-ref` the layer's id, `lambdasec:kind` = `layer`) with its packages nested the
//!   same way, so that a layer-only project still has an SBOM.
//! - `dependencies`: the scan depends on the function (and unused-layer) components, and each of
//!   those on its package components. Packages get no entry of their own: what they depend on is
//!   not known, which CycloneDX expresses by leaving them out of the graph.
//! - `vulnerabilities` (when the inventory has matches): one per (advisory id, package URL), with
//!   `source` OSV, `references` to its aliases, a CVSS rating (method by the vector's version) or
//!   else the advisory's severity word, `description` its summary, `recommendation` the fixed
//!   versions, and `affects` the `bom-ref` of every package component where it was matched.
//!
//! [`cyclonedx_for_function`] writes the same for one function: `metadata.component` is the
//! function, `components` its packages, and only the vulnerabilities of those packages.
//!
//! `bom-ref`s are the same in both documents, and unique: a repeated base gets `#2`, `#3`, ...
//! The output is deterministic — no timestamp; `serialNumber` is a v4-shaped UUID made from a
//! FNV-1a hash of the rest of the document — pretty-printed, with a final newline. Keys appear in
//! the order of the `serde-cyclonedx` types (alphabetical), which CycloneDX does not constrain.

use lambdasec_model::{CodePackages, Ecosystem, Inventory, Package, PackageVuln};
use serde_cyclonedx::cyclonedx::v_1_6 as cdx;
use std::collections::{BTreeMap, HashMap, HashSet};

const SCHEMA: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";
const SOURCE_OWN: &str = "deployment package";

/// One CycloneDX 1.6 JSON document for the whole inventory (see the [module docs](self)):
/// the scan, named `scan_name`, as `metadata.component`; one component per function with its
/// packages nested; the dependency graph; and the matched vulnerabilities.
pub fn cyclonedx(inv: &Inventory, scan_name: &str, tool_version: &str) -> String {
    let mut graph = Graph::new(inv);
    let scan_ref = graph.refs.alloc(if scan_name.is_empty() {
        "scan"
    } else {
        scan_name
    });
    let mut root = component("application", scan_name);
    root.bom_ref = Some(scan_ref.clone());

    let hosts: Vec<usize> = (0..graph.hosts.len()).collect();
    let mut dependencies = vec![cdx::Dependency {
        ref_: scan_ref,
        depends_on: Some(graph.hosts.iter().map(|h| h.bom_ref.clone()).collect()),
        provides: None,
    }];
    dependencies.extend(hosts.iter().map(|&h| graph.dependency(h)));
    let components = hosts
        .iter()
        .map(|&h| {
            let mut c = graph.host_component(h);
            c.components = Some(graph.package_components(h));
            c
        })
        .collect();
    render(
        root,
        components,
        dependencies,
        graph.vulnerabilities(inv, &hosts),
        tool_version,
    )
}

/// The same for one function (`inv.functions[function]`): the function is `metadata.component`,
/// its packages are `components`, and only their vulnerabilities are listed. Meant for
/// one-file-per-function output; `bom-ref`s are those of [`cyclonedx`].
///
/// # Panics
///
/// When `function` is not an index into `inv.functions`.
pub fn cyclonedx_for_function(inv: &Inventory, function: usize, tool_version: &str) -> String {
    assert!(
        function < inv.functions.len(),
        "function {function} is not in the inventory"
    );
    let graph = Graph::new(inv);
    // Functions are the first hosts, in inventory order.
    let host = function;
    render(
        graph.host_component(host),
        graph.package_components(host),
        vec![graph.dependency(host)],
        graph.vulnerabilities(inv, &[host]),
        tool_version,
    )
}

/// Unique `bom-ref`s.
#[derive(Default)]
struct Refs(HashSet<String>);

impl Refs {
    /// `base`, or `base#2`, `base#3`, ... when it is taken.
    fn alloc(&mut self, base: &str) -> String {
        let taken = &mut self.0;
        let mut candidate = base.to_string();
        let mut n = 1;
        while taken.contains(&candidate) {
            n += 1;
            candidate = format!("{base}#{n}");
        }
        taken.insert(candidate.clone());
        candidate
    }
}

/// A component that holds packages: a function, or a layer no function uses.
struct Host {
    bom_ref: String,
    name: String,
    layer: bool,
    file: Option<String>,
    line: u32,
    runtime: Option<String>,
    /// Its package components, in order of first occurrence.
    packages: Vec<PackageComponent>,
}

/// One package of one host, with every place it was found.
struct PackageComponent {
    bom_ref: String,
    package: Package,
    /// (`lambdasec:source`, `lambdasec:path`) per place.
    found: Vec<(String, String)>,
}

/// The hosts and their package components, with `bom-ref`s allocated in document order.
struct Graph {
    refs: Refs,
    hosts: Vec<Host>,
    /// (code location, package) → (host, package component) of every component it is part of.
    occurrences: HashMap<(usize, usize), Vec<(usize, usize)>>,
}

impl Graph {
    fn new(inv: &Inventory) -> Graph {
        let mut refs = Refs::default();
        let layer_label = |li: usize| {
            let l = &inv.layers[li];
            format!("layer {}", l.name.as_str().unwrap_or(&l.id))
        };
        let own_code = |fi: usize| {
            inv.packages
                .iter()
                .enumerate()
                .filter(move |(_, c)| c.functions.contains(&fi))
                .map(|(ci, _)| ci)
        };
        let layer_code = |li: usize| {
            inv.packages
                .iter()
                .enumerate()
                .filter(move |(_, c)| c.layers.contains(&li))
                .map(|(ci, _)| ci)
        };

        // Hosts first, so that their refs are the ids whenever the ids are unique.
        let mut hosts = Vec::new();
        let mut sources: Vec<Vec<(usize, String)>> = Vec::new();
        let mut used_layers = HashSet::new();
        for (fi, f) in inv.functions.iter().enumerate() {
            let mut src: Vec<(usize, String)> = own_code(fi)
                .map(|ci| (ci, SOURCE_OWN.to_string()))
                .collect();
            let mut seen = HashSet::new();
            for li in function_layers(inv, fi) {
                used_layers.insert(li);
                if seen.insert(li) {
                    src.extend(layer_code(li).map(|ci| (ci, layer_label(li))));
                }
            }
            hosts.push(Host {
                bom_ref: refs.alloc(non_empty(&f.id, "function")),
                name: f.name.as_str().unwrap_or(&f.id).to_string(),
                layer: false,
                file: f.loc.file.as_deref().map(str::to_string),
                line: f.loc.line,
                runtime: f
                    .runtime
                    .as_ref()
                    .and_then(|r| r.as_str())
                    .map(str::to_string),
                packages: Vec::new(),
            });
            sources.push(src);
        }
        for (li, l) in inv.layers.iter().enumerate() {
            if used_layers.contains(&li) {
                continue;
            }
            hosts.push(Host {
                bom_ref: refs.alloc(non_empty(&l.id, "layer")),
                name: l.name.as_str().unwrap_or(&l.id).to_string(),
                layer: true,
                file: l.loc.file.as_deref().map(str::to_string),
                line: l.loc.line,
                runtime: None,
                packages: Vec::new(),
            });
            sources.push(layer_code(li).map(|ci| (ci, layer_label(li))).collect());
        }

        let mut occurrences: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
        for (hi, (host, src)) in hosts.iter_mut().zip(sources).enumerate() {
            let mut by_key: HashMap<String, usize> = HashMap::new();
            for (ci, label) in src {
                let code: &CodePackages = &inv.packages[ci];
                for (pi, p) in code.packages.iter().enumerate() {
                    let key = package_key(p);
                    let idx = *by_key.entry(key.clone()).or_insert_with(|| {
                        host.packages.push(PackageComponent {
                            bom_ref: refs.alloc(&format!("{}|{key}", host.bom_ref)),
                            package: p.clone(),
                            found: Vec::new(),
                        });
                        host.packages.len() - 1
                    });
                    host.packages[idx]
                        .found
                        .push((label.clone(), code.file_of(p)));
                    occurrences.entry((ci, pi)).or_default().push((hi, idx));
                }
            }
        }
        Graph {
            refs,
            hosts,
            occurrences,
        }
    }

    fn host_component(&self, h: usize) -> cdx::Component {
        let host = &self.hosts[h];
        let mut c = component(
            if host.layer { "library" } else { "application" },
            &host.name,
        );
        c.bom_ref = Some(host.bom_ref.clone());
        let mut props = vec![property(
            "lambdasec:kind",
            if host.layer { "layer" } else { "function" },
        )];
        if let Some(file) = &host.file {
            props.push(property("lambdasec:file", file));
        }
        if host.line > 0 {
            props.push(property("lambdasec:line", &host.line.to_string()));
        }
        if let Some(runtime) = &host.runtime {
            props.push(property("lambdasec:runtime", runtime));
        }
        c.properties = Some(props);
        c
    }

    fn package_components(&self, h: usize) -> Vec<cdx::Component> {
        self.hosts[h]
            .packages
            .iter()
            .map(|pc| {
                let p = &pc.package;
                let (group, name) = split_group(p);
                let mut c = component("library", name);
                c.bom_ref = Some(pc.bom_ref.clone());
                c.group = group.map(str::to_string);
                c.version = Some(p.version.clone());
                c.purl = (!p.purl.is_empty()).then(|| p.purl.clone());
                c.properties = Some(
                    pc.found
                        .iter()
                        .flat_map(|(source, path)| {
                            [
                                property("lambdasec:source", source),
                                property("lambdasec:path", path),
                            ]
                        })
                        .collect(),
                );
                c
            })
            .collect()
    }

    fn dependency(&self, h: usize) -> cdx::Dependency {
        let host = &self.hosts[h];
        cdx::Dependency {
            ref_: host.bom_ref.clone(),
            depends_on: Some(host.packages.iter().map(|p| p.bom_ref.clone()).collect()),
            provides: None,
        }
    }

    /// One entry per (advisory id, package URL) matched in the packages of `hosts`, in that
    /// order; matches in packages outside them are left out.
    fn vulnerabilities(&self, inv: &Inventory, hosts: &[usize]) -> Vec<cdx::Vulnerability> {
        let included: HashSet<usize> = hosts.iter().copied().collect();
        let mut groups: BTreeMap<(&str, String), Vec<&PackageVuln>> = BTreeMap::new();
        for v in &inv.package_vulns {
            let Some(p) = inv
                .packages
                .get(v.code)
                .and_then(|c| c.packages.get(v.package))
            else {
                continue;
            };
            groups
                .entry((v.id.as_str(), package_key(p)))
                .or_default()
                .push(v);
        }
        let mut out = Vec::new();
        for ((id, _), vulns) in groups {
            let mut affected: Vec<(usize, usize)> = vulns
                .iter()
                .filter_map(|v| self.occurrences.get(&(v.code, v.package)))
                .flatten()
                .filter(|(h, _)| included.contains(h))
                .copied()
                .collect();
            affected.sort_unstable();
            affected.dedup();
            if affected.is_empty() {
                continue;
            }
            out.push(vulnerability(
                id,
                &vulns,
                affected
                    .iter()
                    .map(|&(h, p)| self.hosts[h].packages[p].bom_ref.clone())
                    .collect(),
            ));
        }
        out
    }
}

/// The layers function `fi` uses that are in the inventory, in its order.
fn function_layers(inv: &Inventory, fi: usize) -> impl Iterator<Item = usize> + '_ {
    inv.functions[fi]
        .layers
        .get()
        .into_iter()
        .flatten()
        .filter_map(|l| l.get().and_then(|r| r.layer))
        .filter(|&li| li < inv.layers.len())
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.is_empty() {
        fallback
    } else {
        s
    }
}

/// What makes two packages the same component: the package URL (or, without one, the
/// ecosystem, name and version).
fn package_key(p: &Package) -> String {
    if p.purl.is_empty() {
        format!("{}/{}@{}", p.ecosystem.osv_name(), p.name, p.version)
    } else {
        p.purl.clone()
    }
}

/// CycloneDX `group` and `name`: Maven `group:artifact`, npm `@scope/name` (the group keeps
/// the `@`, as CycloneDX's own npm tooling writes it); others have no group.
fn split_group(p: &Package) -> (Option<&str>, &str) {
    let split = match p.ecosystem {
        Ecosystem::Maven => p.name.split_once(':'),
        Ecosystem::Npm if p.name.starts_with('@') => p.name.split_once('/'),
        _ => None,
    };
    match split {
        Some((g, n)) if !g.is_empty() && !n.is_empty() => (Some(g), n),
        _ => (None, &p.name),
    }
}

fn component(type_: &str, name: &str) -> cdx::Component {
    cdx::ComponentBuilder::default()
        .type_(type_)
        .name(name)
        .build()
        .expect("a component needs only a type and a name")
}

fn property(name: &str, value: &str) -> cdx::Property {
    cdx::Property {
        name: name.to_string(),
        value: Some(value.to_string()),
    }
}

fn source(name: &str, url: String) -> cdx::VulnerabilitySource {
    cdx::VulnerabilitySource {
        name: Some(name.to_string()),
        url: Some(url),
    }
}

/// Where an advisory id is published: NVD for CVEs, GitHub for GHSAs, OSV for the rest.
fn source_of(id: &str) -> cdx::VulnerabilitySource {
    if id.starts_with("CVE-") {
        source("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}"))
    } else if id.starts_with("GHSA-") {
        source("GitHub", format!("https://github.com/advisories/{id}"))
    } else {
        source("OSV", format!("https://osv.dev/vulnerability/{id}"))
    }
}

/// The entry for advisory `id` matched by `vulns` (all of one package URL).
fn vulnerability(id: &str, vulns: &[&PackageVuln], affects: Vec<String>) -> cdx::Vulnerability {
    let mut aliases: Vec<&str> = vulns
        .iter()
        .flat_map(|v| v.aliases.iter().map(String::as_str))
        .filter(|a| *a != id)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();
    let mut fixed: Vec<&str> = Vec::new();
    for f in vulns.iter().flat_map(|v| &v.fixed) {
        if !fixed.contains(&f.as_str()) {
            fixed.push(f);
        }
    }
    let summary = vulns
        .iter()
        .map(|v| v.summary.trim())
        .find(|s| !s.is_empty());
    let rating = vulns.iter().find_map(|v| rating(v));

    let mut v = cdx::Vulnerability {
        id: Some(id.to_string()),
        source: Some(source("OSV", format!("https://osv.dev/vulnerability/{id}"))),
        description: summary.map(str::to_string),
        affects: Some(
            affects
                .into_iter()
                .map(|r| cdx::VulnerabilityItemAffects {
                    ref_: serde_json::Value::String(r),
                    versions: None,
                })
                .collect(),
        ),
        ..Default::default()
    };
    if !aliases.is_empty() {
        v.references = Some(
            aliases
                .into_iter()
                .map(|a| cdx::VulnerabilityItemReferences {
                    id: a.to_string(),
                    source: source_of(a),
                })
                .collect(),
        );
    }
    v.ratings = rating.map(|r| vec![r]);
    if !fixed.is_empty() {
        v.recommendation = Some(format!("upgrade to {}", fixed.join(" or ")));
    }
    v
}

/// The CVSS rating of a match (method from the vector's version, severity from the score), or
/// else the advisory's own severity word.
fn rating(v: &PackageVuln) -> Option<cdx::Rating> {
    let score = v.cvss_score.filter(|s| s.is_finite());
    if let Some(vector) = v.cvss_vector.as_deref().filter(|s| !s.is_empty()) {
        let (method, v2) = if vector.starts_with("CVSS:4.") {
            (cdx::ScoreMethod::Cvssv4, false)
        } else if vector.starts_with("CVSS:3.1/") {
            (cdx::ScoreMethod::Cvssv31, false)
        } else if vector.starts_with("CVSS:3.") {
            (cdx::ScoreMethod::Cvssv3, false)
        } else if vector.starts_with("AV:") || vector.starts_with("(AV:") {
            (cdx::ScoreMethod::Cvssv2, true)
        } else {
            (cdx::ScoreMethod::Other, false)
        };
        return Some(cdx::Rating {
            source: Some(source(
                "OSV",
                format!("https://osv.dev/vulnerability/{}", v.id),
            )),
            score,
            severity: score.map(|s| severity_of_score(s, v2)),
            method: Some(method),
            vector: Some(vector.to_string()),
            justification: None,
        });
    }
    let severity = match v.severity_label.as_deref()?.to_ascii_uppercase().as_str() {
        "CRITICAL" => cdx::Severity::Critical,
        "HIGH" => cdx::Severity::High,
        "MODERATE" | "MEDIUM" => cdx::Severity::Medium,
        "LOW" => cdx::Severity::Low,
        "NONE" => cdx::Severity::None,
        _ => cdx::Severity::Unknown,
    };
    Some(cdx::Rating {
        source: Some(source(
            "OSV",
            format!("https://osv.dev/vulnerability/{}", v.id),
        )),
        severity: Some(severity),
        ..Default::default()
    })
}

/// The qualitative severity of a CVSS base score (CVSS v2 has no `none` or `critical`).
fn severity_of_score(score: f64, v2: bool) -> cdx::Severity {
    if v2 {
        return match score {
            s if s >= 7.0 => cdx::Severity::High,
            s if s >= 4.0 => cdx::Severity::Medium,
            _ => cdx::Severity::Low,
        };
    }
    match score {
        s if s >= 9.0 => cdx::Severity::Critical,
        s if s >= 7.0 => cdx::Severity::High,
        s if s >= 4.0 => cdx::Severity::Medium,
        s if s > 0.0 => cdx::Severity::Low,
        _ => cdx::Severity::None,
    }
}

/// The document around `root` and `components`, with a serial number derived from the rest.
fn render(
    root: cdx::Component,
    components: Vec<cdx::Component>,
    dependencies: Vec<cdx::Dependency>,
    vulnerabilities: Vec<cdx::Vulnerability>,
    tool_version: &str,
) -> String {
    let mut tool = component("application", "lambdasec");
    tool.version = Some(tool_version.to_string());
    let metadata = cdx::Metadata {
        component: Some(root),
        tools: Some(cdx::MetadataTools::Variant0(cdx::MetadataToolsVariant0 {
            components: Some(vec![tool]),
            services: None,
        })),
        ..Default::default()
    };
    let mut bom = cdx::CycloneDxBuilder::default()
        .schema(SCHEMA)
        .bom_format("CycloneDX")
        .spec_version("1.6")
        .version(1)
        .metadata(metadata)
        .components(components)
        .dependencies(dependencies)
        .build()
        .expect("bomFormat and specVersion are set");
    if !vulnerabilities.is_empty() {
        bom.vulnerabilities = Some(vulnerabilities);
    }
    let body = serde_json::to_string(&bom).expect("a BOM serializes");
    bom.serial_number = Some(serial_number(body.as_bytes()));
    let mut out = serde_json::to_string_pretty(&bom).expect("a BOM serializes");
    out.push('\n');
    out
}

/// `urn:uuid:` with the 128-bit FNV-1a hash of `body`, shaped as a version 4 UUID.
fn serial_number(body: &[u8]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for &b in body {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    // Version 4 in bits 76..80, RFC 4122 variant (10) in bits 62..64.
    h = (h & !(0xf << 76)) | (0x4 << 76);
    h = (h & !(0x3 << 62)) | (0x2 << 62);
    let hex = format!("{h:032x}");
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
