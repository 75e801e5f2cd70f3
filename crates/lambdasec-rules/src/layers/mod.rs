//! LS6xx: layers, runtime and code integrity.

pub mod code_signing_missing;
pub mod layer_foreign_account;
pub mod layer_unpinned;
pub mod runtime_deprecated;
pub mod runtime_deprecation_soon;
pub mod vulnerable_dependency;

use lambdasec_model::{Function, LayerRef, Value};

/// The function's layer references with their locations (known entries only).
pub(crate) fn layer_refs(
    f: &Function,
) -> impl Iterator<Item = (&LayerRef, &lambdasec_model::Location)> {
    f.layers
        .get()
        .into_iter()
        .flatten()
        .filter_map(|l| match l {
            Value::Known { value, loc } => Some((value, loc)),
            Value::Unknown { .. } => None,
        })
}

/// Container-image functions have no managed runtime, layers or code signing.
pub(crate) fn is_image(f: &Function) -> bool {
    f.package_type.as_ref().is_some_and(|p| p.is("Image"))
}

/// The runtime identifier, when known and the function is a zip package.
pub(crate) fn runtime(f: &Function) -> Option<&str> {
    if is_image(f) {
        return None;
    }
    f.runtime.as_ref()?.as_str()
}

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
