use crate::{Context, Findings, Rule};
use lambdasec_model::{Location, Severity, VulnerabilityDetail};

rule! {
    /// ## What it does
    /// Inventories the packages inside each function's deployment package and inside the
    /// layers it uses (Python `dist-info`/`egg-info`, `node_modules` and npm lockfiles, every
    /// `pom.properties` of every nested or shaded jar, Ruby gem specifications and
    /// `Gemfile.lock`, Go build info and `cargo auditable` data of `bootstrap` binaries), and
    /// matches them against an offline OSV database (`--osv-db` or `osv_db` in
    /// `.lambdasec.toml`). One finding per vulnerability (aliases such as CVE, GHSA and PYSEC
    /// merged), package and function, at the file inside the zip or layer that records the
    /// package. A layer's vulnerable package is reported for every function that uses it.
    ///
    /// Severity comes from the advisory: the CVSS base score (≥ 9 critical, ≥ 7 high, ≥ 4
    /// medium, else low), else the advisory's own rating (GHSA `CRITICAL`/`HIGH`/`MODERATE`/
    /// `LOW`), else medium. Without a database this rule reports nothing; the text report
    /// says so.
    ///
    /// ## Why is this bad?
    /// A known-vulnerable library runs with the function's role and network reach; attackers
    /// scan for the same advisories. Most scanners do not look inside Lambda zips or layers
    /// by default, so these packages go unpatched.
    ///
    /// ## Example
    /// ```text
    /// layers/deps.zip!python/lib/python3.12/site-packages/requests-2.19.0.dist-info/METADATA
    /// ```
    ///
    /// ## Fix
    /// Upgrade the package to a fixed version named in the finding, rebuild the package or
    /// layer, and publish a new layer version that the functions pin.
    pub struct VulnerableDependency {
        id: "LS603",
        name: "vulnerable-dependency",
        severity: Medium,
        checklist: LayersAndRuntime,
        summary: "a package inside the function's deployment package or a layer matches an OSV advisory",
        remediation: "upgrade the package to a fixed version, rebuild the deployment package or layer, and redeploy",
    }
}

/// The severity of an advisory: CVSS base score, else its own rating, else medium.
pub(crate) fn advisory_severity(score: Option<f64>, label: Option<&str>) -> Severity {
    if let Some(s) = score {
        return if s >= 9.0 {
            Severity::Critical
        } else if s >= 7.0 {
            Severity::High
        } else if s >= 4.0 {
            Severity::Medium
        } else {
            Severity::Low
        };
    }
    match label {
        Some("CRITICAL") => Severity::Critical,
        Some("HIGH") => Severity::High,
        Some("LOW") => Severity::Low,
        _ => Severity::Medium,
    }
}

impl Rule for VulnerableDependency {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for v in &cx.inv.package_vulns {
            let code = &cx.inv.packages[v.code];
            let pkg = &code.packages[v.package];
            let severity = advisory_severity(v.cvss_score, v.severity_label.as_deref());
            let loc = Location::new(code.file_of(pkg).into(), 1, 1);
            let ids = if v.aliases.is_empty() {
                v.id.clone()
            } else {
                format!("{} ({})", v.id, v.aliases.join(", "))
            };
            let fix = if v.fixed.is_empty() {
                "no fixed version is known".to_string()
            } else {
                format!("fixed in {}", v.fixed.join(", "))
            };
            let summary = if v.summary.is_empty() {
                String::new()
            } else {
                format!(": {}", v.summary)
            };
            let detail = VulnerabilityDetail {
                ecosystem: pkg.ecosystem,
                package: pkg.name.clone(),
                version: pkg.version.clone(),
                purl: pkg.purl.clone(),
                id: v.id.clone(),
                aliases: v.aliases.clone(),
                fixed: v.fixed.clone(),
                cvss_score: v.cvss_score,
                cvss_vector: v.cvss_vector.clone(),
            };
            // Whose code: the function's own, or a layer's (reported for each function that
            // uses it; a layer no scanned function uses is reported on its own).
            let mut owners: Vec<(Option<usize>, String, &str)> = Vec::new();
            for &fi in &code.functions {
                let f = &cx.inv.functions[fi];
                let whose = format!(
                    "the deployment package of function {}",
                    crate::function_label(f)
                );
                owners.push((Some(fi), whose, &f.id));
            }
            for &li in &code.layers {
                let l = &cx.inv.layers[li];
                let users = crate::layers::users_of_layer(cx, li);
                if users.is_empty() {
                    owners.push((None, format!("layer {}", l.name.display()), &l.id));
                }
                for fi in users {
                    let f = &cx.inv.functions[fi];
                    let whose = format!(
                        "layer {} of function {}",
                        l.name.display(),
                        crate::function_label(f)
                    );
                    owners.push((Some(fi), whose, &f.id));
                }
            }
            for (fi, whose, resource) in owners {
                let message = format!(
                    "{} {} ({}) in {whose} has {ids}{summary}; {fix}",
                    pkg.name,
                    pkg.version,
                    pkg.ecosystem.osv_name(),
                );
                out.push_with(severity, message, resource, fi, &loc);
                out.set_vulnerability(detail.clone());
            }
        }
    }
}
