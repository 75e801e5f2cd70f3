//! Runs the analysis over the inventory's local code and records the results on it, so that
//! rules (LS205, LS703, LS903) read them from the model like everything else.

use crate::{analyse_location, LocationAnalysis, Target};
use lambdasec_model::{CodeLocation, Function, Inventory, Value};
use std::path::Path;

/// Analyses the handler of every function whose code is local (dir or zip under scan_root)
/// and whose handler is known; pushes one CodeAnalysis per function onto inv.code_analyses
/// and parse problems onto inv.errors. `scanned` is called once per code location analysed.
pub fn attach_code_analysis(
    inv: &mut Inventory,
    scan_root: &Path,
    limits: &lambdasec_archive::Limits,
    scanned: &(dyn Fn() + Sync),
) {
    use rayon::prelude::*;
    let locations = inv.code_locations(scan_root);
    let functions = &inv.functions;
    let results: Vec<LocationAnalysis> = crate::in_pool(|| {
        locations
            .par_iter()
            .filter_map(|loc| analyse(loc, functions, limits, scanned))
            .collect()
    });
    for mut r in results {
        r.analyses.sort_by_key(|a| a.function);
        inv.code_analyses.append(&mut r.analyses);
        inv.errors.append(&mut r.errors);
    }
}

fn analyse(
    loc: &CodeLocation,
    functions: &[Function],
    limits: &lambdasec_archive::Limits,
    scanned: &(dyn Fn() + Sync),
) -> Option<LocationAnalysis> {
    let targets: Vec<Target> = loc
        .functions
        .iter()
        .filter_map(|&fi| {
            let f = functions.get(fi)?;
            // An unknown handler is no analysis, never a finding.
            let Some(Value::Known { value: handler, .. }) = &f.handler else {
                return None;
            };
            let runtime = match &f.runtime {
                Some(Value::Known { value, .. }) => Some(value.as_str()),
                _ => None,
            };
            Some(Target {
                function: fi,
                handler,
                runtime,
            })
        })
        .collect();
    if targets.is_empty() || !loc.path.exists() {
        return None;
    }
    let prefix = if loc.rel.is_empty() {
        String::new()
    } else if loc.path.is_dir() {
        format!("{}/", loc.rel)
    } else {
        format!("{}!", loc.rel)
    };
    let r = analyse_location(&loc.path, &prefix, &targets, limits);
    scanned();
    Some(r)
}
