use crate::{Context, Findings, Rule};
use lambdasec_iam::analysis::PolicyKind;
use lambdasec_iam::matching::action_matches;
use lambdasec_iam::policy::{ActionBlock, Effect, Item, PrincipalKind, Statement};

rule! {
    /// ## What it does
    /// Checks the trust policy of each function's execution role: only
    /// `lambda.amazonaws.com` (and `edgelambda.amazonaws.com` for Lambda@Edge) should be able
    /// to assume it. Any other principal — `*`, an account, a user or role, another service, a
    /// federated identity — fails unless a restricting condition applies (a fixed
    /// `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn` or
    /// `sts:ExternalId`).
    ///
    /// ## Why is this bad?
    /// Whoever can assume the execution role gets every permission of every function that
    /// uses it, without going through the function.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Fix
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    /// ```
    pub struct ExecutionRoleTrustTooBroad {
        id: "LS109",
        name: "execution-role-trust-too-broad",
        severity: High,
        checklist: LeastPrivilegeRole,
        summary: "the trust policy lets something other than Lambda assume the role",
        remediation: "trust only the lambda.amazonaws.com service principal",
    }
}

const LAMBDA_PRINCIPALS: [&str; 2] = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"];
const RESTRICTING: [&str; 5] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:principalorgid",
    "aws:principalarn",
    "sts:externalid",
];

/// Lets someone assume the role (any sts:AssumeRole* action).
fn assumes(st: &Statement) -> bool {
    match &st.actions {
        ActionBlock::Action(items) => items.iter().any(|i| {
            i.known().is_some_and(|p| {
                [
                    "sts:AssumeRole",
                    "sts:AssumeRoleWithWebIdentity",
                    "sts:AssumeRoleWithSAML",
                ]
                .iter()
                .any(|a| action_matches(p, a))
            })
        }),
        ActionBlock::NotAction(_) => true,
    }
}

fn restricted(st: &Statement) -> bool {
    st.conditions_unknown.is_some()
        || st.conditions.iter().any(|c| {
            RESTRICTING.contains(&c.key.to_ascii_lowercase().as_str())
                && crate::is_positive_operator(&c.operator.text)
                && c.values
                    .iter()
                    .all(|v| v.known().is_none_or(|s| !crate::is_pattern(s)))
        })
}

impl Rule for ExecutionRoleTrustTooBroad {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in super::with_roles(cx) {
            for p in a.policies.iter().filter(|p| p.kind == PolicyKind::Trust) {
                for st in &p.policy.statements {
                    if st.effect != Effect::Allow || !assumes(st) || restricted(st) {
                        continue;
                    }
                    let Some(pb) = &st.principal else { continue };
                    let mut who: Vec<String> = Vec::new();
                    if pb.not {
                        who.push("everyone but the listed principals (NotPrincipal)".into());
                    } else if pb.any {
                        who.push("anyone (*)".into());
                    }
                    if !pb.not {
                        for (kind, item) in &pb.entries {
                            // Only a service principal can be Lambda: an AWS or federated
                            // principal is another party whatever its deploy-time value.
                            let v = match item {
                                Item::Known(v) => v.clone(),
                                Item::Unknown(_) if !matches!(kind, PrincipalKind::Service) => {
                                    "(known at deploy time)".to_string()
                                }
                                Item::Unknown(_) => continue,
                            };
                            match kind {
                                PrincipalKind::Service
                                    if LAMBDA_PRINCIPALS.contains(&v.as_str()) => {}
                                PrincipalKind::Service => who.push(format!("service {v}")),
                                PrincipalKind::Aws => who.push(format!("AWS principal {v}")),
                                PrincipalKind::Federated => who.push(format!("federated {v}")),
                                PrincipalKind::CanonicalUser => {
                                    who.push(format!("canonical user {v}"))
                                }
                                PrincipalKind::Other(k) => who.push(format!("{k} {v}")),
                            }
                        }
                    }
                    if who.is_empty() {
                        continue;
                    }
                    let role = &cx.inv.roles[r];
                    out.push(
                        format!(
                            "trust policy of execution role {} (function {}) lets {} assume it without a restricting condition{}",
                            role.id,
                            crate::function_label(f),
                            who.join(", "),
                            super::also_used_by(cx, r, fi)
                        ),
                        &role.id,
                        Some(fi),
                        p.statement_loc(st.index),
                    );
                }
            }
        }
    }
}
