//! The `scan`, `rules` and `explain` commands.

use crate::args::{Format, RulesArgs, RulesFormat, ScanArgs};
use crate::config::Config;
use crate::discover;
use crate::progress::Progress;
use lambdasec_model::{Finding, Inventory, RuleMeta, Severity};
use lambdasec_packages::osv::Database;
use lambdasec_report::{FunctionEntry, Report};
use lambdasec_rules::{Date, RuleConfig, Selection};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn parse_severity(s: &str, what: &str) -> Result<Severity, String> {
    s.parse::<Severity>().map_err(|e| format!("{what}: {e}"))
}

/// Resolves rule IDs or names to IDs; unknown ones are usage errors.
fn rule_ids(names: &[String], what: &str) -> Result<Vec<String>, String> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            lambdasec_rules::find_rule(n.trim())
                .map(|r| r.meta().id.to_string())
                .ok_or_else(|| format!("{what}: unknown rule \"{n}\" (see `lambdasec rules`)"))
        })
        .collect()
}

fn load_config(args: &ScanArgs, first: &Path) -> Result<Config, String> {
    if let Some(p) = &args.config {
        return Config::load(p);
    }
    let dir = if first.is_dir() {
        first.to_path_buf()
    } else {
        first.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let candidate = dir.join(".lambdasec.toml");
    if candidate.is_file() {
        Config::load(&candidate)
    } else {
        Ok(Config::default())
    }
}

/// Reads every input under one path into an inventory.
fn read_path(
    path: &Path,
    exclude: &[String],
    parameters: &HashMap<String, String>,
    db: Option<&Database>,
    progress: &Progress,
) -> Result<Inventory, String> {
    progress.phase(format!("finding inputs in {}", path.display()));
    let inputs = discover::discover(path, exclude)?;
    if !inputs.terraform.is_empty() {
        progress.phase(format!(
            "parsing Terraform ({} files)",
            inputs.terraform.len()
        ));
    }
    let mut inv = lambdasec_terraform::scan_hcl(&inputs.root, &inputs.terraform);
    progress.add_files(inputs.terraform.len());
    if !inputs.plans.is_empty() {
        progress.phase(format!("parsing {} Terraform plans", inputs.plans.len()));
    }
    let plans: Vec<Inventory> = inputs
        .plans
        .par_iter()
        .map(|p| {
            let inv = lambdasec_terraform::plan::scan_plan(&inputs.root, p);
            progress.add_files(1);
            inv
        })
        .collect();
    for p in plans {
        inv.merge(p);
    }
    let env: HashMap<String, String> = std::env::vars().collect();
    if !inputs.templates.is_empty() {
        progress.phase(format!("parsing {} templates", inputs.templates.len()));
    }
    let templates: Vec<Inventory> = inputs
        .templates
        .par_iter()
        .map(|t| {
            let inv = lambdasec_cloudformation::scan::scan_file(&inputs.root, t, parameters, &env);
            progress.add_files(1);
            inv
        })
        .collect();
    for t in templates {
        inv.merge(t);
    }
    for p in &inputs.snapshots {
        let rel = p
            .strip_prefix(&inputs.root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned();
        match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| lambdasec_aws::snapshot::Snapshot::from_json(&t))
        {
            Ok(snap) => inv.merge(lambdasec_aws::build::inventory(&snap)),
            Err(e) => inv.errors.push(lambdasec_model::SourceError {
                file: rel,
                line: None,
                message: format!("not a readable account snapshot: {e}"),
            }),
        }
        progress.add_files(1);
    }
    // The code the functions and layers point at (LS204).
    progress.phase("scanning code for secrets");
    let read = std::cell::Cell::new(0usize);
    lambdasec_secrets::attach::attach_code_secrets(
        &mut inv,
        &inputs.root,
        &Default::default(),
        &|| {
            read.set(read.get() + 1);
            progress.add_archive();
        },
    );
    let locations = read.get();
    // What the handlers do with events, secrets and logs (LS205, LS703, LS903).
    progress.phase("analysing handler code");
    let analysed = std::sync::atomic::AtomicUsize::new(0);
    lambdasec_code::attach::attach_code_analysis(
        &mut inv,
        &inputs.root,
        &Default::default(),
        &|| {
            let n = analysed.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress.phase(format!("analysing handler code ({n} packages)"));
        },
    );
    // The packages inside that code, and their known vulnerabilities (LS603, SBOM).
    let done = std::sync::atomic::AtomicUsize::new(0);
    progress.phase("listing packages");
    lambdasec_packages::attach::attach_packages(
        &mut inv,
        &inputs.root,
        &Default::default(),
        &|| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress.phase(format!("listing packages ({n}/{locations} archives)"));
        },
    );
    if let Some(db) = db {
        progress.phase("matching packages against the OSV database");
        lambdasec_packages::attach::attach_vulns(&mut inv, db);
    }
    inv.errors.extend(inputs.errors);
    Ok(inv)
}

/// With several scanned paths, reported files are prefixed with the path they were found
/// under, so they stay distinguishable.
fn display_prefix(path: &Path) -> Option<String> {
    let dir = if path.is_file() { path.parent()? } else { path };
    let p = dir
        .to_string_lossy()
        .trim_end_matches('/')
        .replace('\\', "/");
    (!p.is_empty() && p != ".").then_some(p)
}

/// Loads the OSV database, when one is configured. An unreadable path is a usage error;
/// unreadable records are reported and skipped.
fn load_db(
    paths: &[PathBuf],
    quiet: bool,
    progress: &Progress,
) -> Result<Option<Database>, String> {
    if paths.is_empty() {
        return Ok(None);
    }
    progress.phase("loading the OSV database");
    let db = Database::load(paths)?;
    progress.suspend(|| print_db_problems(&db, paths, quiet));
    Ok(Some(db))
}

fn print_db_problems(db: &Database, paths: &[PathBuf], quiet: bool) {
    if !quiet && db.stats.error_count > 0 {
        eprintln!(
            "lambdasec: {} OSV record(s) could not be read and were skipped (`lambdasec db info` lists them); first: {}",
            db.stats.error_count,
            db.stats.errors.first().map(String::as_str).unwrap_or("")
        );
    }
    if !quiet && db.is_empty() {
        eprintln!(
            "lambdasec: the OSV database has no records: {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// What the package inventory could not cover, and whether packages went unchecked: never
/// an empty result without a word.
fn package_notes(all: &Inventory, have_db: bool, selection: &Selection) {
    let packages: usize = all.packages.iter().map(|c| c.packages.len()).sum();
    let ls603 = selection.only.is_empty() || selection.only.iter().any(|r| r == "LS603");
    let ls603 = ls603 && !selection.skip.iter().any(|r| r == "LS603");
    if packages > 0 && !have_db && ls603 {
        eprintln!(
            "lambdasec: {packages} package(s) found in {} code location(s) were not checked for known vulnerabilities (LS603): no OSV database; pass --osv-db PATH or set osv_db in .lambdasec.toml",
            all.packages.len()
        );
    }
    let notes: Vec<String> = all
        .packages
        .iter()
        .flat_map(|c| c.notes.iter().map(move |n| format!("{}: {n}", c.code)))
        .collect();
    for n in notes.iter().take(5) {
        eprintln!("lambdasec: package coverage: {n}");
    }
    if notes.len() > 5 {
        eprintln!(
            "lambdasec: package coverage: … and {} more",
            notes.len() - 5
        );
    }
}

/// One CycloneDX file per function in `dir`, named after the function id.
fn write_sboms(all: &Inventory, dir: &Path) -> Result<(), String> {
    let mut used = std::collections::HashSet::new();
    for (i, f) in all.functions.iter().enumerate() {
        let mut stem: String =
            f.id.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
        while !used.insert(stem.clone()) {
            stem.push('_');
        }
        let p = dir.join(format!("{stem}.cdx.json"));
        let text = lambdasec_packages::sbom::cyclonedx_for_function(all, i, VERSION);
        std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}

/// `lambdasec db info`.
pub fn db_info(args: crate::args::DbInfoArgs) -> Result<u8, String> {
    let cfg = match &args.config {
        Some(p) => Config::load(p)?,
        None if Path::new(".lambdasec.toml").is_file() => {
            Config::load(Path::new(".lambdasec.toml"))?
        }
        None => Config::default(),
    };
    let paths = if args.osv_db.is_empty() {
        cfg.osv_db_paths()
    } else {
        args.osv_db.clone()
    };
    if paths.is_empty() {
        return Err(
            "no OSV database given: pass --osv-db PATH or set osv_db in .lambdasec.toml".into(),
        );
    }
    let db = Database::load(&paths)?;
    let st = &db.stats;
    let text = match args.format {
        RulesFormat::Json => {
            let v = serde_json::json!({
                "sources": st.sources.iter().map(|(p, n)| serde_json::json!({"path": p, "records": n})).collect::<Vec<_>>(),
                "records": st.records,
                "ecosystems": st.per_ecosystem,
                "other_ecosystems": st.other_ecosystems,
                "withdrawn": st.withdrawn,
                "duplicates": st.duplicates,
                "newest_modified": st.newest_modified,
                "skipped_files": st.skipped_files,
                "error_count": st.error_count,
                "errors": st.errors,
            });
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        _ => {
            let mut t = format!("OSV database: {} record(s) in use\n", st.records);
            for (p, n) in &st.sources {
                t.push_str(&format!("  {p}: {n} record(s) read\n"));
            }
            let ecos: Vec<String> = st
                .per_ecosystem
                .iter()
                .map(|(e, n)| format!("{e} {n}"))
                .collect();
            t.push_str(&format!(
                "  ecosystems: {}\n",
                if ecos.is_empty() {
                    "none".into()
                } else {
                    ecos.join(", ")
                }
            ));
            t.push_str(&format!(
                "  withdrawn (ignored): {}; duplicates (newest kept): {}; other ecosystems (not used): {}\n",
                st.withdrawn, st.duplicates, st.other_ecosystems
            ));
            if let Some(m) = &st.newest_modified {
                t.push_str(&format!("  newest record modified: {m}\n"));
            }
            if st.skipped_files > 0 {
                t.push_str(&format!(
                    "  files that are neither .json nor .zip (skipped): {}\n",
                    st.skipped_files
                ));
            }
            t.push_str(&format!("  unreadable records: {}\n", st.error_count));
            for e in &st.errors {
                t.push_str(&format!("    {e}\n"));
            }
            t
        }
    };
    print!("{text}");
    Ok(0)
}

pub fn run(args: ScanArgs) -> Result<u8, String> {
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let cfg = load_config(&args, &paths[0])?;
    let fail_on = match args.fail_on.as_deref().or(cfg.fail_on.as_deref()) {
        Some("none") | Some("never") => None,
        Some(s) => Some(parse_severity(s, "--fail-on")?),
        None => Some(Severity::High),
    };
    let min_severity = match args.min_severity.as_deref().or(cfg.min_severity.as_deref()) {
        Some(s) => parse_severity(s, "--min-severity")?,
        None => Severity::Info,
    };
    let today = match &args.today {
        Some(d) => d.parse::<Date>().map_err(|e| format!("--today: {e}"))?,
        None => Date::today(),
    };
    let mut selection = Selection {
        only: rule_ids(
            if args.only.is_empty() {
                &cfg.only
            } else {
                &args.only
            },
            "--only",
        )?,
        skip: rule_ids(&cfg.skip, ".lambdasec.toml skip")?,
        ..Default::default()
    };
    selection.skip.extend(rule_ids(&args.skip, "--skip")?);
    for (rule, sev) in &cfg.severity {
        let id = rule_ids(std::slice::from_ref(rule), "[severity]")?;
        selection
            .severity
            .insert(id[0].clone(), parse_severity(sev, "[severity]")?);
    }
    let rule_config = RuleConfig {
        today,
        own_accounts: cfg.accounts.clone(),
        allowed_layer_accounts: cfg.allowed_layer_accounts.clone(),
        require_log_kms: cfg.require_log_kms,
    };

    let mut parameters = HashMap::new();
    for p in &args.parameters {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| format!("--parameter {p}: expected KEY=VALUE"))?;
        parameters.insert(k.trim().to_string(), v.to_string());
    }
    let db_paths = if args.osv_db.is_empty() {
        cfg.osv_db_paths()
    } else {
        args.osv_db.clone()
    };
    let progress = Progress::new(args.quiet);
    let db = load_db(&db_paths, args.quiet, &progress)?;
    // A bad baseline is a usage error, found before the scan.
    let baseline = match args.baseline.clone().or_else(|| cfg.baseline_path()) {
        Some(p) => Some((crate::baseline::load(&p)?, p)),
        None => None,
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut all = Inventory::default();
    let mut live_account: Option<String> = None;
    if args.aws.aws {
        progress.phase("reading the AWS account");
        let snap = crate::live::collect(&args.aws, args.quiet, false, &progress)?;
        live_account = snap.account.clone();
        let mut inv = lambdasec_aws::build::inventory(&snap);
        if let Some(db) = &db {
            progress.phase("matching packages against the OSV database");
            lambdasec_packages::attach::attach_vulns(&mut inv, db);
        }
        progress.phase("running the rules");
        findings = lambdasec_rules::run(&inv, &rule_config, &selection);
        progress.add_functions(inv.functions.len());
        all.merge(inv);
    }
    let paths: Vec<PathBuf> = if args.aws.aws && args.paths.is_empty() {
        Vec::new()
    } else {
        paths
    };
    let multi = paths.len() > 1;
    for path in &paths {
        let mut inv = read_path(path, &cfg.exclude, &parameters, db.as_ref(), &progress)?;
        progress.phase("running the rules");
        let mut f = lambdasec_rules::run(&inv, &rule_config, &selection);
        progress.add_functions(inv.functions.len());
        if let Some(prefix) = display_prefix(path).filter(|_| multi) {
            let re = |loc: &mut lambdasec_model::Location| {
                if let Some(file) = &loc.file {
                    loc.file = Some(format!("{prefix}/{file}").into());
                }
            };
            f.iter_mut().for_each(|x| re(&mut x.loc));
            inv.functions.iter_mut().for_each(|x| re(&mut x.loc));
            inv.errors
                .iter_mut()
                .for_each(|e| e.file = format!("{prefix}/{}", e.file));
        }
        findings.append(&mut f);
        all.merge(inv);
    }
    progress.finish();
    findings.retain(|f| f.severity >= min_severity);
    if let Some(p) = &args.write_baseline {
        crate::baseline::write(p, &findings, VERSION)?;
    }
    if let Some((counts, p)) = baseline {
        let n = crate::baseline::apply(&mut findings, counts);
        if !args.quiet {
            eprintln!(
                "lambdasec: {n} finding(s) in the baseline {} not shown",
                p.display()
            );
        }
    }

    let functions: Vec<FunctionEntry> = all
        .functions
        .iter()
        .map(|f| FunctionEntry {
            id: f.id.clone(),
            loc: f.loc.clone(),
            kind: f.kind,
        })
        .collect();
    let rules: Vec<RuleMeta> = lambdasec_rules::all_rules()
        .into_iter()
        .map(|r| *r.meta())
        .collect();
    let report = Report {
        tool_version: VERSION,
        findings: &findings,
        functions: &functions,
        rules: &rules,
        errors: &all.errors,
        files: all.files,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && !args.no_color && std::env::var_os("NO_COLOR").is_none();
    let text = match args.format {
        Format::Text => lambdasec_report::render_text(&report, color),
        Format::Json => lambdasec_report::render_json(&report),
        Format::Sarif => lambdasec_report::render_sarif(&report),
        Format::Junit => lambdasec_report::render_junit(&report),
        Format::Html => lambdasec_report::render_html(&report),
        Format::Asff => {
            let account = args
                .asff_account
                .clone()
                .or_else(|| live_account.clone())
                .or_else(|| cfg.accounts.first().cloned())
                .ok_or("--format asff needs the AWS account the findings belong to: pass --asff-account ID or set accounts in .lambdasec.toml")?;
            let region = args
                .asff_region
                .clone()
                .or_else(|| std::env::var("AWS_REGION").ok())
                .unwrap_or_else(|| "us-east-1".to_string());
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .map_err(|e| e.to_string())?;
            lambdasec_report::render_asff(&report, &account, &region, &now)
        }
        Format::Cyclonedx => {
            if let Some(dir) = args.output.as_ref().filter(|p| p.is_dir()) {
                write_sboms(&all, dir)?;
                String::new()
            } else {
                let name = paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" ");
                lambdasec_packages::sbom::cyclonedx(&all, &name, VERSION)
            }
        }
    };
    match &args.output {
        Some(p) if p.is_dir() => {}
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth a panic.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }
    if !args.quiet && !all.code_unscanned.is_empty() {
        let n = all.code_unscanned.len();
        let shown: Vec<&str> = all
            .code_unscanned
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        eprintln!(
            "lambdasec: {n} code package(s) named in the configuration do not exist and were not scanned (secrets LS204, packages LS603): {}{}",
            shown.join(", "),
            if n > 5 { ", …" } else { "" }
        );
    }
    if !args.quiet {
        package_notes(&all, db.is_some(), &selection);
    }
    if !args.quiet && args.format != Format::Text && !all.errors.is_empty() {
        eprintln!(
            "lambdasec: {} input(s) could not be read; see \"errors\" in the report",
            all.errors.len()
        );
    }
    let failing = findings
        .iter()
        .any(|f| f.suppressed.is_none() && fail_on.is_some_and(|t| f.severity >= t));
    Ok(u8::from(failing))
}

pub fn list_rules(args: RulesArgs) -> Result<u8, String> {
    let rules = lambdasec_rules::all_rules();
    let out = match args.format {
        RulesFormat::Text => {
            let mut s = String::new();
            for r in &rules {
                let m = r.meta();
                s.push_str(&format!(
                    "{}  {:<34} {:<8} {}\n",
                    m.id, m.name, m.severity, m.summary
                ));
            }
            s
        }
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "id": m.id, "name": m.name, "severity": m.severity,
                        "checklist": m.checklist.title(), "summary": m.summary,
                        "remediation": m.remediation,
                        "doc": lambdasec_rules::doc_markdown(m),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        }
        RulesFormat::Markdown => rules_markdown(),
    };
    print!("{out}");
    Ok(0)
}

/// The rule reference, generated from the rules' doc comments (`docs/rules.md`).
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# lambdasec rules\n\n<!-- Generated by `lambdasec rules --format markdown`; do not edit. -->\n\n\
         | ID | name | severity | fails when |\n|---|---|---|---|\n",
    );
    let rules = lambdasec_rules::all_rules();
    for r in &rules {
        let m = r.meta();
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            m.id,
            m.id.to_ascii_lowercase(),
            m.name,
            m.severity,
            m.summary
        ));
    }
    for r in &rules {
        let m = r.meta();
        let doc = lambdasec_rules::doc_markdown(m).replace("\n## ", "\n### ");
        let doc = doc
            .strip_prefix("## ")
            .map_or(doc.clone(), |d| format!("### {d}"));
        s.push_str(&format!(
            "\n## {}\n\n`{}` · default severity **{}** · checklist: {}\n\n{}\n",
            m.id,
            m.name,
            m.severity,
            m.checklist.title(),
            doc
        ));
    }
    s
}

pub fn explain(rule: &str) -> Result<u8, String> {
    let r = lambdasec_rules::find_rule(rule)
        .ok_or_else(|| format!("unknown rule \"{rule}\" (see `lambdasec rules`)"))?;
    let m = r.meta();
    println!(
        "{} {} (default severity: {})\nchecklist: {}\n\n{}\n\nRemediation: {}",
        m.id,
        m.name,
        m.severity,
        m.checklist.title(),
        lambdasec_rules::doc_markdown(m),
        m.remediation
    );
    if let Some(extra) = lambdasec_rules::explain_extra(m.id) {
        println!("\n{extra}");
    }
    Ok(0)
}
