//! Lenient parsing of IAM policy documents into [`Policy`].
//!
//! A statement with an error (a bad `Effect`, both `Action` and `NotAction`, an unknown
//! condition operator, ...) is reported with its JSON path and skipped; the rest of the policy
//! is kept. Unknown nodes are kept as unknown: [`Item::Unknown`] in lists, [`Effect::Unknown`],
//! or [`Statement::conditions_unknown`]. A statement that is itself unknown becomes a
//! placeholder whose every part is unknown, so that evaluation answers "unknown" rather than
//! ignoring it.
//!
//! Rules (UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/): `Effect` is `Allow` or
//! `Deny` (UG:reference_policies_elements_effect); exactly one of `Action`/`NotAction`, at most
//! one of `Resource`/`NotResource` and of `Principal`/`NotPrincipal`
//! (UG:reference_policies_elements); condition operators from
//! UG:reference_policies_elements_condition_operators, where `...IfExists` is not allowed on
//! `Null`.

use lambdasec_model::Doc;

use crate::condition::canonical_operator;
use crate::policy::{
    ActionBlock, ConditionClause, Effect, Item, Operator, Policy, PolicyError, PrincipalBlock,
    PrincipalKind, ResourceBlock, SetOperator, Statement,
};

/// Parses a JSON policy text. Fails only when the text is not JSON.
pub fn parse_json(text: &str) -> Result<(Policy, Vec<PolicyError>), PolicyError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| PolicyError {
        path: String::new(),
        message: format!("not valid JSON: {e}"),
    })?;
    Ok(parse_policy(&Doc::from_json(&value)))
}

/// Parses a policy document, leniently: see the module documentation.
pub fn parse_policy(doc: &Doc) -> (Policy, Vec<PolicyError>) {
    let mut policy = Policy::default();
    let mut errors = Vec::new();
    let entries = match doc {
        Doc::Object(entries) => entries,
        Doc::Unknown(u) => {
            errors.push(err(
                "",
                format!("the policy document is unknown: {}", u.reason),
            ));
            return (policy, errors);
        }
        _ => {
            errors.push(err("", "a policy document must be a JSON object"));
            return (policy, errors);
        }
    };
    for (key, value) in entries {
        match key.as_str() {
            "Version" => match value {
                Doc::String(s) => {
                    if s != "2012-10-17" && s != "2008-10-17" {
                        errors.push(err(
                            "Version",
                            format!("\"{s}\" is not a policy language version (2012-10-17 or 2008-10-17)"),
                        ));
                    }
                    policy.version = Some(s.clone());
                }
                Doc::Unknown(_) => {}
                _ => errors.push(err("Version", "must be a string")),
            },
            "Id" => match value {
                Doc::String(s) => policy.id = Some(s.clone()),
                Doc::Unknown(_) => {}
                _ => errors.push(err("Id", "must be a string")),
            },
            "Statement" => match value {
                Doc::Array(list) => {
                    for (i, st) in list.iter().enumerate() {
                        let path = format!("Statement[{i}]");
                        if let Some(s) = parse_statement(st, i, &path, &mut errors) {
                            policy.statements.push(s);
                        }
                    }
                }
                Doc::Object(_) | Doc::Unknown(_) => {
                    if let Some(s) = parse_statement(value, 0, "Statement", &mut errors) {
                        policy.statements.push(s);
                    }
                }
                _ => errors.push(err(
                    "Statement",
                    "must be a statement object or a list of them",
                )),
            },
            other => errors.push(err(other, "unknown top-level policy element")),
        }
    }
    if doc.get("Statement").is_none() {
        errors.push(err("Statement", "the policy has no Statement"));
    }
    (policy, errors)
}

fn err(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.into(),
        message: message.into(),
    }
}

/// A statement of which nothing is known.
fn unknown_statement(index: usize, reason: &str) -> Statement {
    let unknown = || Item::Unknown(reason.to_string());
    Statement {
        index,
        sid: None,
        effect: Effect::Unknown,
        actions: ActionBlock::Action(vec![unknown()]),
        resources: Some(ResourceBlock::Resource(vec![unknown()])),
        principal: Some(PrincipalBlock {
            not: false,
            any: false,
            entries: vec![(PrincipalKind::Aws, unknown())],
        }),
        conditions: Vec::new(),
        conditions_unknown: Some(reason.to_string()),
    }
}

fn parse_statement(
    doc: &Doc,
    index: usize,
    path: &str,
    errors: &mut Vec<PolicyError>,
) -> Option<Statement> {
    let entries = match doc {
        Doc::Object(e) => e,
        Doc::Unknown(u) => return Some(unknown_statement(index, &u.reason)),
        _ => {
            errors.push(err(path, "a statement must be a JSON object"));
            return None;
        }
    };
    let mut fatal = false;
    macro_rules! fail {
        ($errors:expr, $p:expr, $m:expr $(,)?) => {{
            let m: String = $m;
            $errors.push(err($p, m));
            fatal = true;
        }};
    }

    let mut sid = None;
    let mut effect = None;
    let mut action: Option<(bool, Vec<Item>)> = None;
    let mut resource: Option<(bool, Vec<Item>)> = None;
    let mut principal: Option<PrincipalBlock> = None;
    let mut conditions = Vec::new();
    let mut conditions_unknown = None;

    // Mutually exclusive pairs.
    for (a, b) in [
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
        ("Principal", "NotPrincipal"),
    ] {
        if doc.get(a).is_some() && doc.get(b).is_some() {
            fail!(
                errors,
                path.to_string(),
                format!("a statement cannot have both {a} and {b}"),
            );
        }
    }
    if doc.get("Action").is_none() && doc.get("NotAction").is_none() {
        fail!(
            errors,
            path.to_string(),
            "a statement must have Action or NotAction".to_string(),
        );
    }

    for (key, value) in entries {
        let p = format!("{path}.{key}");
        match key.as_str() {
            "Sid" => match value {
                Doc::String(s) => sid = Some(s.clone()),
                Doc::Unknown(_) => {}
                _ => errors.push(err(p, "Sid must be a string")),
            },
            "Effect" => match value {
                Doc::String(s) if s == "Allow" => effect = Some(Effect::Allow),
                Doc::String(s) if s == "Deny" => effect = Some(Effect::Deny),
                Doc::String(s) => fail!(
                    errors,
                    p,
                    format!("\"{s}\" is not a valid Effect: use Allow or Deny (case-sensitive)"),
                ),
                Doc::Unknown(_) => effect = Some(Effect::Unknown),
                _ => fail!(errors, p, "Effect must be the string Allow or Deny".into()),
            },
            "Action" | "NotAction" => match parse_items(value, &p, errors) {
                Some(items) => {
                    if action.is_none() {
                        action = Some((key == "NotAction", items));
                    }
                }
                None => fatal = true,
            },
            "Resource" | "NotResource" => match parse_items(value, &p, errors) {
                Some(items) => {
                    if resource.is_none() {
                        resource = Some((key == "NotResource", items));
                    }
                }
                None => fatal = true,
            },
            "Principal" | "NotPrincipal" => {
                match parse_principal(value, key == "NotPrincipal", &p, errors) {
                    Some(b) => {
                        if principal.is_none() {
                            principal = Some(b);
                        }
                    }
                    None => fatal = true,
                }
            }
            "Condition" => match value {
                Doc::Unknown(u) => conditions_unknown = Some(u.reason.clone()),
                Doc::Object(ops) => {
                    for (op_text, block) in ops {
                        let op_path = format!("{p}.{op_text}");
                        let operator = match parse_operator(op_text) {
                            Ok(o) => o,
                            Err(m) => {
                                fail!(errors, op_path, m);
                                continue;
                            }
                        };
                        match block {
                            Doc::Unknown(u) => conditions_unknown = Some(u.reason.clone()),
                            Doc::Object(keys) => {
                                for (k, vals) in keys {
                                    let kp = format!("{op_path}.{k}");
                                    match parse_condition_values(vals, &kp, errors) {
                                        Some(values) => conditions.push(ConditionClause {
                                            operator: operator.clone(),
                                            key: k.clone(),
                                            values,
                                        }),
                                        None => fatal = true,
                                    }
                                }
                            }
                            _ => fail!(
                                errors,
                                op_path,
                                "a condition operator must map context keys to values".into(),
                            ),
                        }
                    }
                }
                _ => fail!(errors, p, "Condition must be an object of operators".into(),),
            },
            _ => errors.push(err(p, "unknown statement element")),
        }
    }

    let Some(effect) = effect else {
        if doc.get("Effect").is_none() {
            errors.push(err(
                format!("{path}.Effect"),
                "a statement must have an Effect",
            ));
        }
        return None;
    };
    if fatal {
        return None;
    }
    let (not_action, actions) = action?;
    Some(Statement {
        index,
        sid,
        effect,
        actions: if not_action {
            ActionBlock::NotAction(actions)
        } else {
            ActionBlock::Action(actions)
        },
        resources: resource.map(|(not, items)| {
            if not {
                ResourceBlock::NotResource(items)
            } else {
                ResourceBlock::Resource(items)
            }
        }),
        principal,
        conditions,
        conditions_unknown,
    })
}

/// A string or a list of strings (Action, Resource).
fn parse_items(doc: &Doc, path: &str, errors: &mut Vec<PolicyError>) -> Option<Vec<Item>> {
    match doc {
        Doc::String(s) => Some(vec![Item::Known(s.clone())]),
        Doc::Unknown(u) => Some(vec![Item::Unknown(u.reason.clone())]),
        Doc::Array(list) => {
            let mut out = Vec::with_capacity(list.len());
            let mut ok = true;
            for (j, el) in list.iter().enumerate() {
                match el {
                    Doc::String(s) => out.push(Item::Known(s.clone())),
                    Doc::Unknown(u) => out.push(Item::Unknown(u.reason.clone())),
                    _ => {
                        errors.push(err(format!("{path}[{j}]"), "must be a string"));
                        ok = false;
                    }
                }
            }
            ok.then_some(out)
        }
        _ => {
            errors.push(err(path, "must be a string or a list of strings"));
            None
        }
    }
}

/// Strings, numbers and booleans become text.
fn scalar_text(doc: &Doc) -> Option<String> {
    match doc {
        Doc::String(s) => Some(s.clone()),
        Doc::Bool(b) => Some(b.to_string()),
        Doc::Number(n) => Some(number_text(*n)),
        _ => None,
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn parse_condition_values(
    doc: &Doc,
    path: &str,
    errors: &mut Vec<PolicyError>,
) -> Option<Vec<Item>> {
    if let Some(s) = scalar_text(doc) {
        return Some(vec![Item::Known(s)]);
    }
    match doc {
        Doc::Unknown(u) => Some(vec![Item::Unknown(u.reason.clone())]),
        Doc::Array(list) => {
            let mut out = Vec::with_capacity(list.len());
            let mut ok = true;
            for (j, el) in list.iter().enumerate() {
                match el {
                    Doc::Unknown(u) => out.push(Item::Unknown(u.reason.clone())),
                    other => match scalar_text(other) {
                        Some(s) => out.push(Item::Known(s)),
                        None => {
                            errors.push(err(
                                format!("{path}[{j}]"),
                                "a condition value must be a string, number or boolean",
                            ));
                            ok = false;
                        }
                    },
                }
            }
            ok.then_some(out)
        }
        _ => {
            errors.push(err(
                path,
                "a condition value must be a string, number, boolean or a list of them",
            ));
            None
        }
    }
}

fn parse_principal(
    doc: &Doc,
    not: bool,
    path: &str,
    errors: &mut Vec<PolicyError>,
) -> Option<PrincipalBlock> {
    let mut block = PrincipalBlock {
        not,
        any: false,
        entries: Vec::new(),
    };
    match doc {
        Doc::String(s) if s == "*" => block.any = true,
        Doc::String(s) => {
            errors.push(err(
                path,
                format!(
                    "\"{s}\" is not a principal: use \"*\" or an object such as {{\"AWS\": ...}}"
                ),
            ));
            return None;
        }
        Doc::Unknown(u) => block
            .entries
            .push((PrincipalKind::Aws, Item::Unknown(u.reason.clone()))),
        Doc::Object(map) => {
            let mut ok = true;
            for (k, v) in map {
                let kp = format!("{path}.{k}");
                let kind = match k.as_str() {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    "CanonicalUser" => PrincipalKind::CanonicalUser,
                    other => {
                        errors.push(err(
                            &kp,
                            "unknown principal type (AWS, Service, Federated, CanonicalUser)",
                        ));
                        PrincipalKind::Other(other.to_string())
                    }
                };
                let values: Vec<&Doc> = match v {
                    Doc::Array(list) => list.iter().collect(),
                    other => vec![other],
                };
                for (j, el) in values.iter().enumerate() {
                    let ep = if matches!(v, Doc::Array(_)) {
                        format!("{kp}[{j}]")
                    } else {
                        kp.clone()
                    };
                    match el {
                        Doc::Unknown(u) => block
                            .entries
                            .push((kind.clone(), Item::Unknown(u.reason.clone()))),
                        Doc::String(s) if s == "*" && kind == PrincipalKind::Aws => {
                            block.any = true
                        }
                        Doc::String(s) => {
                            block.entries.push((kind.clone(), Item::Known(s.clone())))
                        }
                        Doc::Number(n) => block
                            .entries
                            .push((kind.clone(), Item::Known(number_text(*n)))),
                        _ => {
                            errors.push(err(ep, "a principal must be a string"));
                            ok = false;
                        }
                    }
                }
            }
            if !ok {
                return None;
            }
        }
        _ => {
            errors.push(err(
                path,
                "a principal must be \"*\" or an object such as {\"AWS\": ...}",
            ));
            return None;
        }
    }
    Some(block)
}

/// Splits a condition operator (`ForAnyValue:StringLikeIfExists`) into its parts and checks
/// the base against the operators AWS defines. Names are matched case-insensitively; `base` is
/// the canonical spelling.
pub fn parse_operator(text: &str) -> Result<Operator, String> {
    let (set, rest) = match text.split_once(':') {
        Some((prefix, rest)) => {
            let set = if prefix.eq_ignore_ascii_case("ForAnyValue") {
                SetOperator::ForAnyValue
            } else if prefix.eq_ignore_ascii_case("ForAllValues") {
                SetOperator::ForAllValues
            } else {
                return Err(format!(
                    "unknown set operator \"{prefix}\" (ForAnyValue or ForAllValues)"
                ));
            };
            (Some(set), rest)
        }
        None => (None, text),
    };
    let suffix = "IfExists";
    let (base, if_exists) = if rest.len() > suffix.len()
        && rest.is_char_boundary(rest.len() - suffix.len())
        && rest[rest.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    {
        (&rest[..rest.len() - suffix.len()], true)
    } else {
        (rest, false)
    };
    let Some(canon) = canonical_operator(base) else {
        return Err(format!("unknown condition operator \"{text}\""));
    };
    if canon == "Null" && if_exists {
        return Err("the Null operator cannot have the IfExists suffix".to_string());
    }
    Ok(Operator {
        text: text.to_string(),
        base: canon.to_string(),
        if_exists,
        set,
    })
}
