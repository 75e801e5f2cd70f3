//! LS2xx: secrets.

pub mod env_secret_name;
pub mod env_secret_value;
pub mod env_without_cmk;

use lambdasec_model::{Function, Value};
use lambdasec_secrets::Confidence;

/// The detector that reports a literal under a sensitive name (`DB_PASSWORD=hunter2`): LS202,
/// where every other detector is LS201.
pub(crate) const NAME_LITERAL_DETECTOR: &str = "sensitive-name-literal";

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
