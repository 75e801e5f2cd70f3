use crate::{Context, Findings, Rule};
use std::collections::BTreeMap;

rule! {
    /// ## What it does
    /// Finds execution roles used by more than one function.
    ///
    /// ## Why is this bad?
    /// A shared role holds the union of what every function using it needs, so each function
    /// gets more than it should, and a compromise of the least important function yields the
    /// permissions of the most privileged one. It also makes the role impossible to tighten
    /// without breaking someone.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "orders" { role = aws_iam_role.shared.arn }
    /// resource "aws_lambda_function" "billing" { role = aws_iam_role.shared.arn }
    /// ```
    ///
    /// ## Fix
    /// Give every function its own role with only the permissions it needs.
    pub struct ExecutionRoleShared {
        id: "LS108",
        name: "execution-role-shared",
        severity: Low,
        checklist: LeastPrivilegeRole,
        summary: "one execution role is used by more than one function",
        remediation: "give each function its own execution role with only the permissions it needs",
    }
}

impl Rule for ExecutionRoleShared {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let mut users: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            if let Some(key) = f.role.as_ref().and_then(crate::role_key) {
                users.entry(key).or_default().push(fi);
            }
        }
        for fns in users.values().filter(|v| v.len() > 1) {
            for &fi in fns {
                let f = &cx.inv.functions[fi];
                let Some(link) = &f.role else { continue };
                let (role, loc) = match link {
                    lambdasec_model::Link::Resolved(r) => {
                        (cx.inv.roles[*r].id.clone(), cx.inv.roles[*r].loc.clone())
                    }
                    lambdasec_model::Link::External(v) | lambdasec_model::Link::Unknown(v) => {
                        (v.display(), v.loc().clone())
                    }
                };
                let others: Vec<String> = fns
                    .iter()
                    .filter(|&&o| o != fi)
                    .map(|&o| crate::function_label(&cx.inv.functions[o]))
                    .collect();
                // Point at the function's own `role` setting when we have it.
                let at = match link {
                    lambdasec_model::Link::Resolved(_) => f.loc.clone(),
                    _ => loc,
                };
                out.push(
                    format!(
                        "function {} shares execution role {role} with {}",
                        crate::function_label(f),
                        others.join(", ")
                    ),
                    &role,
                    Some(fi),
                    &at,
                );
            }
        }
    }
}
