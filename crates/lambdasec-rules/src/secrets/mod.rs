//! LS2xx: secrets.

pub mod env_secret_name;
pub mod env_secret_value;
pub mod env_without_cmk;
pub mod secret_fetch_uncached;
pub mod secret_in_code;

use lambdasec_model::{EnvVar, Function, Location, Severity, Value};
use lambdasec_secrets::Confidence;

/// The strongest finding in one environment variable.
pub(crate) struct EnvHit<'a> {
    pub var: &'a EnvVar,
    pub loc: &'a Location,
    pub description: String,
    pub confidence: Confidence,
    /// The secret, redacted.
    pub redacted: String,
    /// Only the name says secret (LS202); otherwise the content does (LS201).
    pub by_name: bool,
}

/// Each environment variable of `f` that holds a secret, scanned once: the strongest content
/// detection, else the literal-under-a-sensitive-name one. A value withheld from an account
/// snapshot brings the detection made when it was collected.
pub(crate) fn env_hits(f: &Function) -> Vec<EnvHit<'_>> {
    let Some(vars) = f.environment.get() else {
        return Vec::new();
    };
    vars.iter()
        .filter_map(|var| {
            if let Some(w) = &var.withheld {
                return Some(EnvHit {
                    var,
                    loc: var.value.loc(),
                    description: w.description.clone(),
                    confidence: match w.confidence.as_str() {
                        "certain" => Confidence::Certain,
                        "likely" => Confidence::Likely,
                        _ => Confidence::Placeholder,
                    },
                    redacted: w.redacted.clone(),
                    by_name: w.by_name,
                });
            }
            let Value::Known { value, loc } = &var.value else {
                return None;
            };
            let (d, by_name) = lambdasec_secrets::strongest_in_assignment(&var.name, value)?;
            Some(EnvHit {
                var,
                loc,
                description: d.description.to_string(),
                confidence: d.confidence,
                redacted: d.redacted(value),
                by_name,
            })
        })
        .collect()
}

/// Reports a hit at the rule's severity, or at `info` when it is a placeholder.
pub(crate) fn report(
    out: &mut crate::Findings,
    fi: usize,
    f: &Function,
    hit: &EnvHit,
    message: String,
) {
    if hit.confidence == Confidence::Placeholder {
        out.push_with(
            Severity::Info,
            format!("{message}, which looks like a placeholder"),
            &f.id,
            Some(fi),
            hit.loc,
        );
    } else {
        out.push(message, &f.id, Some(fi), hit.loc);
    }
}

/// A secret LS201, LS202 or LS204 reports above `info` for function `fi`.
pub(crate) fn secret_of(cx: &crate::Context, fi: usize) -> Option<String> {
    if let Some(s) = secret_in_env(&cx.inv.functions[fi]) {
        return Some(s);
    }
    cx.inv.code_secrets.iter().find_map(|s| {
        let mine = s.function == Some(fi)
            || s.layer
                .is_some_and(|li| crate::layers::users_of_layer(cx, li).contains(&fi));
        (mine && !s.placeholder).then(|| format!("{} in its code ({})", s.description, "LS204"))
    })
}

/// The function's environment holds a secret that LS201 or LS202 reports above `info`.
pub(crate) fn secret_in_env(f: &Function) -> Option<String> {
    env_hits(f)
        .into_iter()
        .find(|h| h.confidence > Confidence::Placeholder)
        .map(|h| {
            let rule = if h.by_name { "LS202" } else { "LS201" };
            format!("{} in {} ({rule})", h.description, h.var.name)
        })
}
