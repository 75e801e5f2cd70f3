//! Small pieces of Lambda and IAM knowledge shared by several rules.

use lambdasec_model::{Condition, Function, Inventory, Link, Permission, Piece, Value};

/// How a function is named in messages: its name when known, else its id.
pub fn function_label(f: &Function) -> String {
    match f.name.as_str() {
        Some(n) => n.to_string(),
        None => f.id.clone(),
    }
}

/// The known items of a list; `None` when the list itself is unknown.
pub fn known_items<T>(v: &Value<Vec<Value<T>>>) -> Option<impl Iterator<Item = &T>> {
    v.get().map(|items| items.iter().filter_map(Value::get))
}

/// Contains a wildcard or a policy variable, so it matches more than one fixed value.
pub fn is_pattern(s: &str) -> bool {
    s.contains('*') || s.contains('?') || s.contains("${")
}

/// An ARN split into its six parts; a part is `None` when (some of) it is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts {
    pub partition: Option<String>,
    pub service: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
    pub resource: Option<String>,
    /// The resource part with unknown pieces shown as `${…}` (for wildcard checks).
    pub resource_shape: String,
}

const HOLE: char = '\u{1}';

/// Splits a known or partly known ARN; `None` when it is not an ARN (or nothing is known).
pub fn arn_parts(v: &Value<String>) -> Option<ArnParts> {
    let text: String = match v {
        Value::Known { value, .. } => value.clone(),
        Value::Unknown { unknown, .. } => {
            if unknown.pieces.is_empty() {
                return None;
            }
            unknown
                .pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => s.clone(),
                    Piece::Hole { .. } => HOLE.to_string(),
                })
                .collect()
        }
    };
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return None;
    }
    let known = |s: &str| (!s.contains(HOLE)).then(|| s.to_string());
    Some(ArnParts {
        partition: known(parts[1]),
        service: known(parts[2]),
        region: known(parts[3]),
        account: known(parts[4]),
        resource: known(parts[5]),
        resource_shape: parts[5].replace(HOLE, "${…}"),
    })
}

/// The service of a service principal: `s3.amazonaws.com` → `s3`,
/// `logs.eu-west-1.amazonaws.com` → `logs`, `lambda.alarms.cloudwatch.amazonaws.com` →
/// `cloudwatch`.
pub fn principal_service(p: &str) -> Option<&str> {
    let host = p
        .strip_suffix(".amazonaws.com")
        .or_else(|| p.strip_suffix(".amazonaws.com.cn"))?;
    if let Some(rest) = host.strip_prefix("lambda.alarms.") {
        return Some(rest);
    }
    host.split('.').next()
}

/// The AWS account a principal names (`123456789012`, `arn:aws:iam::123456789012:root`, ...).
pub fn principal_account(p: &str) -> Option<&str> {
    let candidate = if p.starts_with("arn:") {
        p.split(':').nth(4)?
    } else {
        p
    };
    (candidate.len() == 12 && candidate.bytes().all(|b| b.is_ascii_digit())).then_some(candidate)
}

/// `*`, or the AWS-principal spelling of everyone.
pub fn is_everyone(p: &str) -> bool {
    p == "*" || p == "arn:aws:iam::*:root"
}

/// Condition keys that restrict who may invoke when they have a fixed value.
pub const RESTRICTING_KEYS: [&str; 3] =
    ["aws:sourcearn", "aws:sourceaccount", "aws:principalorgid"];

/// A positive operator that requires the key to be present (no `IfExists`, no negation,
/// no `ForAllValues`, which is true when the key is missing).
pub fn is_positive_operator(op: &str) -> bool {
    let op = op.to_ascii_lowercase();
    let base = op.strip_prefix("foranyvalue:").unwrap_or(&op);
    !op.ends_with("ifexists")
        && !op.starts_with("forallvalues:")
        && matches!(
            base,
            "stringequals" | "stringlike" | "stringequalsignorecase" | "arnequals" | "arnlike"
        )
}

/// True when the condition restricts `key` to fixed values. Unknown values count as
/// restricting: lambdasec never reports what it cannot see.
pub fn restricts(c: &Condition, key: &str) -> bool {
    if !c.key.eq_ignore_ascii_case(key) || !is_positive_operator(&c.operator) {
        return false;
    }
    match &c.values {
        Value::Unknown { .. } => true,
        Value::Known { value, .. } => {
            !value.is_empty()
                && value.iter().all(|v| match v {
                    Value::Known { value, .. } => !is_pattern(value) && !value.is_empty(),
                    // Partly known (`arn:${AWS::Partition}:…:*:*/*/*`): a wildcard in the known
                    // text matches many sources whatever the unknown parts are.
                    Value::Unknown { unknown, .. } => !unknown
                        .pieces
                        .iter()
                        .any(|p| matches!(p, Piece::Lit(s) if s.contains('*') || s.contains('?'))),
                })
        }
    }
}

/// Any restricting condition on the permission.
pub fn is_restricted(p: &Permission) -> bool {
    p.conditions
        .iter()
        .any(|c| RESTRICTING_KEYS.iter().any(|k| restricts(c, k)))
}

/// The condition on `key` (case-insensitive), if the permission has one.
pub fn condition<'a>(p: &'a Permission, key: &str) -> Option<&'a Condition> {
    p.conditions
        .iter()
        .find(|c| c.key.eq_ignore_ascii_case(key))
}

/// Permissions that only apply to function URL invocations (their auth type is what LS401
/// checks).
pub fn is_url_scoped(p: &Permission) -> bool {
    condition(p, "lambda:FunctionUrlAuthType").is_some()
        || condition(p, "lambda:InvokedViaFunctionUrl").is_some()
}

/// How a permission's function is named in messages.
pub fn permission_target(inv: &Inventory, p: &Permission) -> String {
    match p.function {
        Some(f) => function_label(&inv.functions[f]),
        None => p.function_ref.display(),
    }
}

/// The function's own account, when known, plus the configured own accounts.
pub fn own_accounts<'a>(f: Option<&'a Function>, configured: &'a [String]) -> Vec<&'a str> {
    let mut v: Vec<&str> = configured.iter().map(String::as_str).collect();
    if let Some(a) = f.and_then(|f| f.account.as_deref()) {
        v.push(a);
    }
    v
}

/// The function can be reached without authentication: a URL with auth type NONE or a
/// public permission.
pub fn publicly_invocable(
    inv: &Inventory,
    index: &lambdasec_model::FunctionIndex,
    f: usize,
) -> bool {
    public_access(inv, index, f).is_some()
}

/// How the function can be reached without authentication, for messages: its function URL
/// with auth type NONE (first), or a permission that lets anyone invoke it without a
/// restricting condition. `None` when neither.
pub fn public_access(
    inv: &Inventory,
    index: &lambdasec_model::FunctionIndex,
    f: usize,
) -> Option<String> {
    if let Some(&u) = index.urls[f]
        .iter()
        .find(|&&u| inv.urls[u].auth_type.is("NONE"))
    {
        return Some(format!(
            "function URL {} has auth type NONE",
            inv.urls[u].id
        ));
    }
    index.permissions[f]
        .iter()
        .map(|&p| &inv.permissions[p])
        .find(|p| {
            p.effect_allow
                && !is_url_scoped(p)
                && known_items(&p.principals).is_some_and(|mut it| it.any(|x| is_everyone(x)))
                && !is_restricted(p)
        })
        .map(|p| format!("permission {} lets anyone invoke it", p.id))
}

/// A stable key for "the same role": a resolved role, or the same literal ARN.
pub fn role_key(l: &Link) -> Option<String> {
    match l {
        Link::Resolved(i) => Some(format!("#{i}")),
        Link::External(v) => v.as_str().map(str::to_string),
        Link::Unknown(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdasec_model::{Location, Unknown};

    #[test]
    fn principals() {
        assert_eq!(principal_service("s3.amazonaws.com"), Some("s3"));
        assert_eq!(
            principal_service("logs.eu-west-1.amazonaws.com"),
            Some("logs")
        );
        assert_eq!(
            principal_service("lambda.alarms.cloudwatch.amazonaws.com"),
            Some("cloudwatch")
        );
        assert_eq!(principal_service("*"), None);
        assert_eq!(principal_account("123456789012"), Some("123456789012"));
        assert_eq!(
            principal_account("arn:aws:iam::123456789012:root"),
            Some("123456789012")
        );
        assert_eq!(principal_account("s3.amazonaws.com"), None);
    }

    #[test]
    fn operators() {
        assert!(is_positive_operator("ArnLike"));
        assert!(is_positive_operator("StringEquals"));
        assert!(!is_positive_operator("StringEqualsIfExists"));
        assert!(!is_positive_operator("StringNotEquals"));
        assert!(!is_positive_operator("ForAllValues:StringEquals"));
    }

    #[test]
    fn partial_arn() {
        let v: Value<String> = Value::Unknown {
            unknown: Unknown {
                reason: "r".into(),
                pieces: vec![
                    Piece::Lit("arn:aws:execute-api:".into()),
                    Piece::Hole {
                        expr: "a.region".into(),
                    },
                    Piece::Lit(":".into()),
                    Piece::Hole {
                        expr: "a.account".into(),
                    },
                    Piece::Lit(":".into()),
                    Piece::Hole {
                        expr: "a.id".into(),
                    },
                    Piece::Lit("/*/*".into()),
                ],
            },
            loc: Location::none(),
        };
        let p = arn_parts(&v).unwrap();
        assert_eq!(p.service.as_deref(), Some("execute-api"));
        assert_eq!(p.account, None);
        assert_eq!(p.resource_shape, "${…}/*/*");
    }
}
