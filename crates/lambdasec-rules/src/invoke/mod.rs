//! LS5xx: the function's resource-based policy (who may invoke).

pub mod invoke_cross_account;
pub mod invoke_public;
pub mod invoke_service_no_source;
pub mod invoke_source_mismatch;
pub mod invoke_wildcard_action;

use crate::Context;
use lambdasec_model::{Location, Permission, Value};

/// Allow permissions with the function index they belong to.
pub(crate) fn allows<'a>(cx: &'a Context) -> impl Iterator<Item = &'a Permission> + 'a {
    cx.inv.permissions.iter().filter(|p| p.effect_allow)
}

/// Known principals with their locations.
pub(crate) fn principals(p: &Permission) -> Vec<(&str, &Location)> {
    match &p.principals {
        Value::Known { value, .. } => value
            .iter()
            .filter_map(|v| match v {
                Value::Known { value, loc } => Some((value.as_str(), loc)),
                Value::Unknown { .. } => None,
            })
            .collect(),
        Value::Unknown { .. } => Vec::new(),
    }
}
