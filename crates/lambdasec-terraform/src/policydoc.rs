//! `data "aws_iam_policy_document"`: the JSON policy it renders, built from its statements,
//! `source_policy_documents` and `override_policy_documents` as the AWS provider does.
//! Unknown parts stay unknown in place, so the rest of the policy can still be analysed.

use crate::module::{json_to_tf, EvalBody};
use crate::value::{TfValue, UnknownVal};
use indexmap::IndexMap;
use lambdasec_model::Location;

/// The value of the data source's `json` attribute, and where each of its statements is
/// written. `locs_of` gives the statement locations of an input document already rendered.
pub fn document_json(
    body: &EvalBody,
    locs_of: impl Fn(&TfValue) -> Option<Vec<Location>>,
) -> (TfValue, Vec<Location>) {
    let mut statements: Vec<(TfValue, Location)> = Vec::new();
    let from_documents = |attr: &str, statements: &mut Vec<(TfValue, Location)>| {
        let Some(a) = body.attr(attr) else { return };
        for doc in list(&a.value) {
            let locs = locs_of(&doc).unwrap_or_default();
            for (i, st) in doc_statements(&doc).into_iter().enumerate() {
                let loc = locs.get(i).cloned().unwrap_or_else(|| a.loc.clone());
                upsert(statements, st, loc);
            }
        }
    };
    from_documents("source_policy_documents", &mut statements);
    for st in body.blocks("statement") {
        upsert(&mut statements, statement(&st.body), st.loc.clone());
    }
    from_documents("override_policy_documents", &mut statements);
    let mut doc = IndexMap::new();
    let version = body
        .attr("version")
        .map(|a| a.value.clone())
        .unwrap_or_else(|| TfValue::String("2012-10-17".into()));
    doc.insert("Version".to_string(), version);
    if let Some(id) = body.attr("policy_id") {
        doc.insert("Id".to_string(), id.value.clone());
    }
    let (values, locs): (Vec<TfValue>, Vec<Location>) = statements.into_iter().unzip();
    doc.insert("Statement".to_string(), TfValue::List(values));
    (encode(TfValue::Object(doc)), locs)
}

/// A JSON string when fully known; otherwise an unknown that keeps the structure.
pub fn encode(v: TfValue) -> TfValue {
    if v.contains_unknown() {
        TfValue::Unknown(Box::new(UnknownVal {
            reason: "the policy document has values known only after apply".into(),
            pieces: Vec::new(),
            json: Some(v),
            error: false,
        }))
    } else {
        TfValue::String(to_json(&v).to_string())
    }
}

fn to_json(v: &TfValue) -> serde_json::Value {
    match v {
        TfValue::Null | TfValue::Unknown(_) | TfValue::Resource(_) => serde_json::Value::Null,
        TfValue::Bool(b) => serde_json::Value::Bool(*b),
        TfValue::Number(n) => serde_json::Number::from_f64(*n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        TfValue::String(s) => serde_json::Value::String(s.clone()),
        TfValue::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        TfValue::Object(o) => {
            serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn list(v: &TfValue) -> Vec<TfValue> {
    match v {
        TfValue::List(l) => l.clone(),
        TfValue::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// The statements of a rendered policy document (a JSON string, or an unknown with structure).
fn doc_statements(doc: &TfValue) -> Vec<TfValue> {
    let parsed = match doc {
        TfValue::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(j) => json_to_tf(&j),
            Err(e) => return vec![TfValue::unknown(format!("invalid policy JSON: {e}"))],
        },
        TfValue::Unknown(u) => match &u.json {
            Some(j) => j.clone(),
            None => return vec![TfValue::Unknown(u.clone())],
        },
        TfValue::Null => return Vec::new(),
        other => other.clone(),
    };
    match parsed.get_attr("Statement") {
        TfValue::List(l) => l,
        TfValue::Object(o) => vec![TfValue::Object(o)],
        other if other.is_unknown() => vec![other],
        _ => Vec::new(),
    }
}

fn sid(st: &TfValue) -> Option<String> {
    match st {
        TfValue::Object(o) => o.get("Sid").and_then(|s| s.as_str()).map(str::to_string),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// A statement with a non-empty Sid replaces the one with the same Sid; others are appended.
fn upsert(statements: &mut Vec<(TfValue, Location)>, st: TfValue, loc: Location) {
    if let Some(id) = sid(&st) {
        if let Some(slot) = statements
            .iter_mut()
            .find(|(s, _)| sid(s).as_deref() == Some(&id))
        {
            *slot = (st, loc);
            return;
        }
    }
    statements.push((st, loc));
}

fn statement(b: &EvalBody) -> TfValue {
    let mut out = IndexMap::new();
    if let Some(s) = b.attr("sid") {
        out.insert("Sid".to_string(), s.value.clone());
    }
    out.insert(
        "Effect".to_string(),
        b.attr("effect")
            .map(|a| a.value.clone())
            .unwrap_or_else(|| TfValue::String("Allow".into())),
    );
    for (attr, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(a) = b.attr(attr) {
            out.insert(key.to_string(), a.value.clone());
        }
    }
    for (block, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let mut principals: IndexMap<String, TfValue> = IndexMap::new();
        let mut star = false;
        for p in b.blocks(block) {
            let ptype = p.body.attr("type").map(|a| a.value.clone());
            let ids = p.body.attr("identifiers").map(|a| a.value.clone());
            match (ptype, ids) {
                (Some(TfValue::String(t)), Some(ids)) if t == "*" => {
                    let _ = ids;
                    star = true;
                }
                (Some(TfValue::String(t)), Some(ids)) => {
                    let entry = principals
                        .entry(t)
                        .or_insert_with(|| TfValue::List(Vec::new()));
                    if let TfValue::List(l) = entry {
                        l.extend(list(&ids));
                    }
                }
                (Some(t), _) => {
                    principals.insert(
                        "?".to_string(),
                        TfValue::unknown(format!("principal type {t:?} is not known")),
                    );
                }
                _ => {}
            }
        }
        if star {
            out.insert(key.to_string(), TfValue::String("*".into()));
        } else if !principals.is_empty() {
            out.insert(key.to_string(), TfValue::Object(principals));
        }
    }
    let mut conditions: IndexMap<String, TfValue> = IndexMap::new();
    for c in b.blocks("condition") {
        let test = c.body.attr("test").map(|a| a.value.clone());
        let var = c.body.attr("variable").map(|a| a.value.clone());
        let values = c
            .body
            .attr("values")
            .map(|a| a.value.clone())
            .unwrap_or(TfValue::List(Vec::new()));
        match (test, var) {
            (Some(TfValue::String(t)), Some(TfValue::String(v))) => {
                let entry = conditions
                    .entry(t)
                    .or_insert_with(|| TfValue::Object(IndexMap::new()));
                if let TfValue::Object(o) = entry {
                    o.insert(v, values);
                }
            }
            _ => {
                conditions.insert(
                    "?".to_string(),
                    TfValue::unknown("a condition's test or variable is not known"),
                );
            }
        }
    }
    if !conditions.is_empty() {
        out.insert("Condition".to_string(), TfValue::Object(conditions));
    }
    TfValue::Object(out)
}
