//! LS1xx: the execution role.
//!
//! These rules read the effective-permission analysis of each function's role
//! ([`lambdasec_iam::analysis`]). An admin-class role reports LS101 only: every other danger
//! follows from it.

pub mod execution_role_admin;
pub mod execution_role_credentials_exposure;
pub mod execution_role_data_exfiltration;
pub mod execution_role_not_action;
pub mod execution_role_privilege_escalation;
pub mod execution_role_service_wildcard;
pub mod execution_role_shared;
pub mod execution_role_trust_too_broad;
pub mod execution_role_unscoped_write;
pub mod policy_unknown_action;

use crate::{function_label, Context};
use lambdasec_iam::analysis::{ActionIndex, ActionSet, Grant, RoleAnalysis};
use lambdasec_iam::classify::{
    ADMIN_EXCEPT_SERVICES, CREDENTIAL_ACTIONS, DATA_READ_ACTIONS, ESCALATION_METHODS,
};
use lambdasec_model::{Function, Link, Location, Value};

/// Every function whose role is in the inputs, with the role index and its analysis.
pub(crate) fn with_roles<'a>(
    cx: &'a Context,
) -> impl Iterator<Item = (usize, &'a Function, usize, &'a RoleAnalysis)> + 'a {
    cx.inv
        .functions
        .iter()
        .enumerate()
        .filter_map(move |(fi, f)| {
            let r = f.role.as_ref().and_then(Link::resolved)?;
            Some((fi, f, r, cx.role_analysis(r)?))
        })
}

/// "also used by: a, b" for the other functions of a role, or "".
pub(crate) fn also_used_by(cx: &Context, role: usize, fi: usize) -> String {
    let others: Vec<String> = cx.index.role_users[role]
        .iter()
        .filter(|&&o| o != fi)
        .map(|&o| function_label(&cx.inv.functions[o]))
        .collect();
    if others.is_empty() {
        String::new()
    } else {
        format!("; the role is also used by {}", others.join(", "))
    }
}

/// Every action except those of IAM, Organizations and Account (PowerUserAccess-class and up).
pub(crate) fn is_admin(a: &RoleAnalysis) -> bool {
    let idx = ActionIndex::get();
    let mut covered = 0;
    for i in 0..idx.len() {
        let svc = &idx.service_of(i).prefix;
        if ADMIN_EXCEPT_SERVICES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(svc))
        {
            continue;
        }
        if !a.effective.contains(i) {
            return false;
        }
        covered += 1;
    }
    covered > 0
}

/// The effective actions minus what Lambda itself needs.
pub(crate) fn dangerous(a: &RoleAnalysis) -> ActionSet {
    let mut s = a.effective.clone();
    s.subtract(&a.lambda_needs);
    s
}

/// Escalation methods the role completes. `iam:PassRole` limited to passing roles to Lambda
/// counts for the methods that pass a role to a function.
pub(crate) fn escalation_methods(a: &RoleAnalysis) -> Vec<&'static str> {
    let idx = ActionIndex::get();
    let eff = dangerous(a);
    let pass_role = idx.find("iam:PassRole");
    ESCALATION_METHODS
        .iter()
        .filter(|m| {
            m.actions.iter().all(|n| {
                idx.find(n).is_some_and(|i| {
                    eff.contains(i)
                        || (Some(i) == pass_role
                            && a.pass_role_to_lambda
                            && m.passes_role_to_lambda())
                })
            })
        })
        .map(|m| m.name)
        .collect()
}

/// Named actions of `list` that the role has effectively.
pub(crate) fn granted_of(a: &RoleAnalysis, list: &[&str]) -> Vec<usize> {
    let idx = ActionIndex::get();
    let eff = dangerous(a);
    list.iter()
        .filter_map(|n| idx.find(n))
        .filter(|&i| eff.contains(i))
        .collect()
}

/// The role triggers LS101, LS104, LS105 or LS106 (used by LS901).
pub(crate) fn is_privileged(a: &RoleAnalysis) -> Option<String> {
    if is_admin(a) {
        return Some("administrator access (LS101)".into());
    }
    if let Some(m) = escalation_methods(a).first() {
        return Some(format!("privilege escalation via {m} (LS104)"));
    }
    if !granted_of(a, DATA_READ_ACTIONS).is_empty() {
        return Some("read access to data and secrets on * (LS105)".into());
    }
    if !granted_of(a, CREDENTIAL_ACTIONS).is_empty() {
        return Some("actions that mint or reveal credentials (LS106)".into());
    }
    None
}

/// Reports, per function and granting statement, the actions of `list` the role has on every
/// resource (LS105, LS106). `verb` prefixes the action names in the message.
pub(crate) fn report_granted(cx: &Context, out: &mut crate::Findings, list: &[&str], verb: &str) {
    for (fi, f, r, a) in with_roles(cx) {
        if is_admin(a) {
            continue;
        }
        let actions = granted_of(a, list);
        for (g, acts) in by_grant(a, &actions) {
            let role = &cx.inv.roles[r];
            out.push(
                format!(
                    "execution role {} of function {} may {verb}{} on every resource ({}){}",
                    role.id,
                    function_label(f),
                    names(&acts, 6),
                    a.describe(g),
                    also_used_by(cx, r, fi)
                ),
                &role.id,
                Some(fi),
                grant_loc(a, g),
            );
        }
    }
}

/// Groups actions by the grant that gives them: (grant, actions).
pub(crate) fn by_grant<'a>(a: &'a RoleAnalysis, actions: &[usize]) -> Vec<(&'a Grant, Vec<usize>)> {
    let mut out: Vec<(&Grant, Vec<usize>)> = Vec::new();
    for &i in actions {
        let Some(g) = a.granting(i) else { continue };
        match out.iter_mut().find(|(x, _)| std::ptr::eq(*x, g)) {
            Some((_, v)) => v.push(i),
            None => out.push((g, vec![i])),
        }
    }
    out
}

/// Action names, the first `n` and a count of the rest.
pub(crate) fn names(actions: &[usize], n: usize) -> String {
    let idx = ActionIndex::get();
    let mut s: Vec<String> = actions.iter().take(n).map(|&i| idx.name(i)).collect();
    if actions.len() > n {
        s.push(format!("and {} more", actions.len() - n));
    }
    s.join(", ")
}

/// Where the granting statement is written (or its policy, when the statement's own
/// position is not known).
pub(crate) fn grant_loc<'a>(a: &'a RoleAnalysis, g: &Grant) -> &'a Location {
    a.policy_of(g).statement_loc(g.statement)
}

/// Typical actions for each kind of resource a function is wired to.
const TYPICAL: &[(&str, &[&str])] = &[
    (
        "dynamodb",
        &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            "dynamodb:BatchGetItem",
            "dynamodb:BatchWriteItem",
        ],
    ),
    ("s3", &["s3:GetObject", "s3:PutObject"]),
    ("secretsmanager", &["secretsmanager:GetSecretValue"]),
    ("ssm", &["ssm:GetParameter", "ssm:GetParameters"]),
    (
        "sqs",
        &[
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ],
    ),
    ("sns", &["sns:Publish"]),
    ("kms", &["kms:Decrypt"]),
    ("logs", &["logs:CreateLogStream", "logs:PutLogEvents"]),
];

/// The service and resource ARN an environment variable points at, from its value (an ARN)
/// or, for plain names, from what the variable's name says.
fn wired_resource(name: &str, value: &Value<String>) -> Option<(String, String)> {
    let shown = match value {
        Value::Known { value, .. } => value.clone(),
        Value::Unknown { unknown, .. } if !unknown.pieces.is_empty() => unknown.display(),
        Value::Unknown { .. } => return None,
    };
    if let Some(rest) = shown.strip_prefix("arn:") {
        let service = rest.split(':').nth(1)?.to_string();
        return Some((service, shown));
    }
    let upper = name.to_ascii_uppercase();
    let (service, arn) = if upper.contains("TABLE") {
        ("dynamodb", format!("arn:aws:dynamodb:*:*:table/{shown}"))
    } else if upper.contains("BUCKET") {
        ("s3", format!("arn:aws:s3:::{shown}/*"))
    } else if upper.contains("TOPIC") {
        ("sns", format!("arn:aws:sns:*:*:{shown}"))
    } else if upper.contains("PARAM") && shown.starts_with('/') {
        ("ssm", format!("arn:aws:ssm:*:*:parameter{shown}"))
    } else {
        return None;
    };
    Some((service.to_string(), arn))
}

/// A least-privilege policy suggested from what the function is wired to, limited to
/// actions the role is granted today; `None` when nothing can be inferred.
pub(crate) fn suggested_policy(cx: &Context, f: &Function, a: &RoleAnalysis) -> Option<String> {
    let idx = ActionIndex::get();
    let mut granted = ActionSet::empty();
    for g in &a.grants {
        granted.union_with(&g.actions);
    }
    let mut resources: Vec<(String, String)> = Vec::new();
    if let Some(env) = f.environment.get() {
        for e in env {
            if let Some(r) = wired_resource(&e.name, &e.value) {
                resources.push(r);
            }
        }
    }
    if let Some(g) = f.log_group.map(|g| &cx.inv.log_groups[g]) {
        if let Some(name) = g.name.as_str() {
            resources.push((
                "logs".into(),
                format!("arn:aws:logs:*:*:log-group:{name}:*"),
            ));
        }
    }
    let mut statements = Vec::new();
    for (service, arn) in resources {
        let Some((_, typical)) = TYPICAL.iter().find(|(s, _)| *s == service) else {
            continue;
        };
        let actions: Vec<String> = typical
            .iter()
            .filter(|n| idx.find(n).is_some_and(|i| granted.contains(i)))
            .map(|n| format!("\"{n}\""))
            .collect();
        if actions.is_empty() {
            continue;
        }
        statements.push(format!(
            "{{\"Effect\":\"Allow\",\"Action\":[{}],\"Resource\":\"{arn}\"}}",
            actions.join(",")
        ));
    }
    (!statements.is_empty()).then(|| {
        format!(
            "grant only what the function uses; from its configuration: {{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
            statements.join(",")
        )
    })
}
