//! LS2xx: secrets.

pub mod env_secret_name;
pub mod env_secret_value;
pub mod env_without_cmk;
pub mod secret_in_code;

use lambdasec_model::{Function, Value};
use lambdasec_secrets::Confidence;

/// The detector that reports a literal under a sensitive name (`DB_PASSWORD=hunter2`): LS202,
/// where every other detector is LS201.
pub(crate) const NAME_LITERAL_DETECTOR: &str = "sensitive-name-literal";

/// Functions that use layer `li`.
pub(crate) fn users_of_layer(cx: &crate::Context, li: usize) -> Vec<usize> {
    cx.inv
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.layers
                .get()
                .is_some_and(|ls| ls.iter().any(|l| l.get().and_then(|r| r.layer) == Some(li)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A secret LS201, LS202 or LS204 reports above `info` for function `fi`.
pub(crate) fn secret_of(cx: &crate::Context, fi: usize) -> Option<String> {
    if let Some(s) = secret_in_env(&cx.inv.functions[fi]) {
        return Some(s);
    }
    cx.inv.code_secrets.iter().find_map(|s| {
        let mine = s.function == Some(fi)
            || s.layer
                .is_some_and(|li| users_of_layer(cx, li).contains(&fi));
        (mine && !s.placeholder).then(|| format!("{} in its code ({})", s.description, "LS204"))
    })
}

/// The function's environment holds a secret that LS201 or LS202 reports above `info`.
pub(crate) fn secret_in_env(f: &Function) -> Option<String> {
    for var in f.environment.get()? {
        let Value::Known { value, .. } = &var.value else {
            continue;
        };
        let found = lambdasec_secrets::scan_assignment(&var.name, value);
        if let Some(d) = found
            .iter()
            .find(|d| d.confidence > Confidence::Placeholder)
        {
            let rule = if d.detector == NAME_LITERAL_DETECTOR {
                "LS202"
            } else {
                "LS201"
            };
            return Some(format!("{} in {} ({rule})", d.description, var.name));
        }
    }
    None
}
