//! An offline OSV database and matching of installed packages against it.
//!
//! Loads OSV records (ossf/osv-schema) from directories of `*.json` records and from the
//! per-ecosystem `all.zip` exports (`<dir>/<Ecosystem>/all.zip`, the layout osv-scanner's
//! offline mode uses, also under `osv-scanner/` or `osv-scalibr/`), found recursively.
//!
//! Matching follows the schema: an `affected` entry matches when its package (ecosystem and
//! name, names normalised per ecosystem) is the installed one and either its `versions` list
//! holds the installed version, or one of its `SEMVER`/`ECOSYSTEM` ranges does. Events are
//! sorted by the ecosystem's version order first (they are not always sorted in real records,
//! e.g. PYSEC-2023-100), `"0"` is before everything, and the walk is: `introduced ≤ v` →
//! affected; `fixed ≤ v` → not; `last_affected < v` → not; `limit ≤ v` bounds the range.
//! A range with an event version the ecosystem cannot parse is not used (it could otherwise
//! turn a fixed version into an affected one); `GIT` ranges need the repository and are not
//! used either, but the entry's `versions` list still is. Several `affected` entries for one
//! package are alternatives. Withdrawn records are ignored. Aliases are symmetric: records
//! that name each other (GHSA, PYSEC, CVE, GO, RUSTSEC, ...) form one vulnerability, reported
//! once per package.

mod load;
mod record;

pub use load::LoadStats;
pub use record::Record;

use crate::version::Version;
use lambdasec_model::{Advisory, Ecosystem, Package};
use record::{Affected, Range, SeverityEntry};
use std::collections::HashMap;

/// A loaded database, indexed by package.
#[derive(Debug, Default)]
pub struct Database {
    records: Vec<Record>,
    /// (ecosystem, normalised name) → (record, affected entry).
    index: HashMap<(Ecosystem, String), Vec<(u32, u32)>>,
    /// Alias group of each record.
    group: Vec<u32>,
    /// Every id of each alias group, sorted.
    group_ids: Vec<Vec<String>>,
    pub stats: LoadStats,
}

impl Database {
    /// Builds the database from records (withdrawn ones are counted and dropped).
    pub fn from_records(records: Vec<Record>, mut stats: LoadStats) -> Database {
        let mut kept = Vec::with_capacity(records.len());
        for r in records {
            if r.withdrawn.is_some() {
                stats.withdrawn += 1;
            } else {
                kept.push(r);
            }
        }
        let records = kept;
        let mut index: HashMap<(Ecosystem, String), Vec<(u32, u32)>> = HashMap::new();
        for (ri, r) in records.iter().enumerate() {
            let mut counted = false;
            for (ai, a) in r.affected.iter().enumerate() {
                let Some(p) = &a.package else { continue };
                let Some(eco) = Ecosystem::from_osv(&p.ecosystem) else {
                    continue;
                };
                if !counted {
                    *stats
                        .per_ecosystem
                        .entry(eco.osv_name().to_string())
                        .or_default() += 1;
                    counted = true;
                }
                index
                    .entry((eco, eco.normalize_name(&p.name)))
                    .or_default()
                    .push((ri as u32, ai as u32));
            }
            if !counted {
                stats.other_ecosystems += 1;
            }
            if let Some(m) = &r.modified {
                if stats
                    .newest_modified
                    .as_deref()
                    .is_none_or(|n| m.as_str() > n)
                {
                    stats.newest_modified = Some(m.clone());
                }
            }
        }
        stats.records = records.len();
        let (group, group_ids) = alias_groups(&records);
        Database {
            records,
            index,
            group,
            group_ids,
            stats,
        }
    }

    /// Records loaded (withdrawn ones excluded).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The vulnerabilities the installed package has, one per alias group (records that name
    /// each other), sorted by id; the id is a matching record's own, a GHSA id when one matches.
    pub fn matches(&self, pkg: &Package) -> Vec<Advisory> {
        let Some(entries) = self.index.get(&(pkg.ecosystem, pkg.name.clone())) else {
            return Vec::new();
        };
        let installed = Version::parse(pkg.ecosystem, &pkg.version);
        // group → (records, fixed versions)
        let mut by_group: Vec<(u32, Vec<u32>, Vec<String>)> = Vec::new();
        for &(ri, ai) in entries {
            let a = &self.records[ri as usize].affected[ai as usize];
            let Some(fixed) = affected_by(pkg, installed.as_ref(), a) else {
                continue;
            };
            let g = self.group[ri as usize];
            match by_group.iter_mut().find(|(gg, _, _)| *gg == g) {
                Some((_, recs, fx)) => {
                    if !recs.contains(&ri) {
                        recs.push(ri);
                    }
                    fx.extend(fixed);
                }
                None => by_group.push((g, vec![ri], fixed)),
            }
        }
        let mut hits: Vec<Advisory> = by_group
            .into_iter()
            .map(|(g, recs, mut fixed)| self.hit(g, &recs, pkg.ecosystem, &mut fixed))
            .collect();
        hits.sort_by(|a, b| a.id.cmp(&b.id));
        hits
    }

    fn hit(&self, g: u32, recs: &[u32], eco: Ecosystem, fixed: &mut Vec<String>) -> Advisory {
        let ids = &self.group_ids[g as usize];
        // Reported id: a matching record's own id (GHSA first), so the id always names a
        // record that says this package is affected.
        let own: Vec<&str> = recs
            .iter()
            .map(|&r| self.records[r as usize].id.as_str())
            .collect();
        let id = own
            .iter()
            .find(|i| i.starts_with("GHSA-"))
            .or_else(|| own.iter().min())
            .map(|s| s.to_string())
            .unwrap_or_default();
        let aliases = ids.iter().filter(|i| **i != id).cloned().collect();
        // The matching record whose id is reported, else the first matching one, supplies
        // the summary; the highest CVSS score of all matching records wins.
        let main = recs
            .iter()
            .map(|&r| &self.records[r as usize])
            .find(|r| r.id == id)
            .unwrap_or(&self.records[recs[0] as usize]);
        let summary = recs
            .iter()
            .map(|&r| &self.records[r as usize])
            .filter_map(|r| r.summary.as_deref())
            .find(|s| !s.trim().is_empty())
            .map(|s| {
                main.summary
                    .as_deref()
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or(s)
            })
            .unwrap_or("")
            .trim()
            .to_string();
        let mut best: Option<(f64, String)> = None;
        let mut label = None;
        for &r in recs {
            let rec = &self.records[r as usize];
            let affected_sev = rec.affected.iter().flat_map(|a| a.severity.iter());
            for s in rec.severity.iter().chain(affected_sev) {
                if let Some(score) = cvss_score(s) {
                    if best.as_ref().is_none_or(|(b, _)| score > *b) {
                        best = Some((score, s.score.clone()));
                    }
                }
            }
            if label.is_none() {
                label = rec
                    .database_specific
                    .as_ref()
                    .and_then(|d| d.severity.as_ref())
                    .and_then(|s| s.as_str())
                    .map(|s| s.trim().to_ascii_uppercase())
                    .filter(|s| !s.is_empty());
            }
        }
        sort_versions(eco, fixed);
        Advisory {
            id,
            aliases,
            summary,
            fixed: std::mem::take(fixed),
            cvss_score: best.as_ref().map(|b| b.0),
            cvss_vector: best.map(|b| b.1),
            severity_label: label,
        }
    }
}

fn sort_versions(eco: Ecosystem, v: &mut Vec<String>) {
    crate::version::sort_tolerant(v, |a, b| {
        match (Version::parse(eco, a), Version::parse(eco, b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            _ => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.cmp(b))
    });
    v.dedup();
}

/// The base score of a CVSS v2/v3/v4 vector entry.
fn cvss_score(s: &SeverityEntry) -> Option<f64> {
    if !s.kind.starts_with("CVSS_") {
        return None;
    }
    s.score.trim().parse::<cvss::Cvss>().ok().map(|c| c.score())
}

/// Whether `a` covers the installed package; `Some(fixed versions)` when it does.
fn affected_by(pkg: &Package, installed: Option<&Version>, a: &Affected) -> Option<Vec<String>> {
    let listed = a.versions.iter().any(|v| {
        v == &pkg.version
            || matches!((installed, Version::parse(pkg.ecosystem, v)), (Some(i), Some(l)) if *i == l)
    });
    let mut hit = listed;
    let mut fixed = Vec::new();
    if let Some(v) = installed {
        for r in &a.ranges {
            if let Some(f) = in_range(pkg.ecosystem, v, r) {
                hit = true;
                fixed.extend(f);
            }
        }
    }
    hit.then_some(fixed)
}

enum Ev {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// Whether `v` is in the range; `Some(the first fixed version above v)` when it is. `SEMVER`
/// and `ECOSYSTEM` ranges are both compared with the ecosystem's order (which agrees with
/// SemVer on SemVer strings for every supported ecosystem); `GIT` ranges are not used.
fn in_range(eco: Ecosystem, v: &Version, r: &Range) -> Option<Option<String>> {
    match r.kind.as_str() {
        "ECOSYSTEM" | "SEMVER" => in_range_parsed(eco, v, r),
        _ => None,
    }
}

/// More events than this in one range: not a real record; the range is not used (the sort
/// is quadratic).
const MAX_EVENTS: usize = 1024;

fn in_range_parsed(eco: Ecosystem, v: &Version, r: &Range) -> Option<Option<String>> {
    if r.events.len() > MAX_EVENTS {
        return None;
    }
    // (version or None for "0", kind, text)
    let mut events: Vec<(Option<Version>, Ev, &str)> = Vec::with_capacity(r.events.len());
    for e in &r.events {
        let (kind, text) = if let Some(t) = &e.introduced {
            (Ev::Introduced, t)
        } else if let Some(t) = &e.fixed {
            (Ev::Fixed, t)
        } else if let Some(t) = &e.last_affected {
            (Ev::LastAffected, t)
        } else if let Some(t) = &e.limit {
            (Ev::Limit, t)
        } else {
            continue;
        };
        let parsed = if matches!(kind, Ev::Introduced) && text == "0" {
            None
        } else {
            // An unparseable event makes the whole range unusable.
            Some(Version::parse(eco, text)?)
        };
        events.push((parsed, kind, text.as_str()));
    }
    // Maven's order is not transitive on some odd versions: a sort that never panics.
    crate::version::sort_tolerant(&mut events, |a, b| match (&a.0, &b.0) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
    });
    let mut affected = false;
    for (ver, kind, _) in &events {
        match (kind, ver) {
            (Ev::Introduced, None) => affected = true,
            (Ev::Introduced, Some(x)) if x <= v => affected = true,
            (Ev::Fixed, Some(x)) if x <= v => affected = false,
            (Ev::LastAffected, Some(x)) if x < v => affected = false,
            (Ev::Limit, Some(x)) if x <= v => affected = false,
            _ => {}
        }
    }
    if !affected {
        return None;
    }
    let next_fix = events
        .iter()
        .find(|(ver, kind, _)| matches!(kind, Ev::Fixed) && ver.as_ref().is_some_and(|x| x > v))
        .map(|(_, _, t)| t.to_string());
    Some(next_fix)
}

/// Union of records that name each other, by id and aliases.
fn alias_groups(records: &[Record]) -> (Vec<u32>, Vec<Vec<String>>) {
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    for r in records {
        for s in std::iter::once(&r.id).chain(r.aliases.iter()) {
            if !ids.contains_key(s.as_str()) {
                ids.insert(s.as_str(), parent.len());
                parent.push(parent.len());
                names.push(s.as_str());
            }
        }
    }
    for r in records {
        let a = ids[r.id.as_str()];
        for al in &r.aliases {
            let b = ids[al.as_str()];
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    // Dense group numbers, in record order.
    let mut dense: HashMap<usize, u32> = HashMap::new();
    let mut group_ids: Vec<Vec<String>> = Vec::new();
    let mut group = Vec::with_capacity(records.len());
    for r in records {
        let root = find(&mut parent, ids[r.id.as_str()]);
        let g = *dense.entry(root).or_insert_with(|| {
            group_ids.push(Vec::new());
            (group_ids.len() - 1) as u32
        });
        group.push(g);
    }
    for (i, name) in names.iter().enumerate() {
        let root = find(&mut parent, i);
        if let Some(&g) = dense.get(&root) {
            group_ids[g as usize].push(name.to_string());
        }
    }
    for ids in &mut group_ids {
        ids.sort();
        ids.dedup();
    }
    (group, group_ids)
}
