//! LS4xx: function URLs.

pub mod url_auth_none;
pub mod url_cors_credentials_any_origin;
pub mod url_cors_wildcard;

use lambdasec_model::{Cors, Value, ValueList};

/// The location of a `*` in a known list, if there is one.
pub(crate) fn star_in(list: &Option<ValueList<String>>) -> Option<&lambdasec_model::Location> {
    let items = list.as_ref()?.get()?;
    items.iter().find_map(|v| match v {
        Value::Known { value, loc } if value == "*" => Some(loc),
        _ => None,
    })
}

pub(crate) fn credentials_allowed(c: &Cors) -> bool {
    c.allow_credentials
        .as_ref()
        .and_then(|v| v.get())
        .copied()
        .unwrap_or(false)
}
