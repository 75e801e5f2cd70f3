use crate::{Context, Findings, Rule};
use lambdasec_iam::analysis::ActionIndex;
use lambdasec_iam::catalog::AccessLevels;

rule! {
    /// ## What it does
    /// Finds Write, Permissions-management and Tagging actions granted to a function's
    /// execution role on every resource (`Resource: "*"` or an all-wildcard ARN) — only for
    /// actions that support resource-level permissions, since the others can only be granted
    /// on `*`. What AWS's own Lambda execution policies grant on `*` (log streams, VPC network
    /// interfaces, X-Ray) is not reported.
    ///
    /// ## Why is this bad?
    /// The function can modify or delete every resource of that type in the account, not just
    /// the one it works on.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:DeleteItem"], "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// Scope the statement to the resources the function writes to.
    pub struct ExecutionRoleUnscopedWrite {
        id: "LS103",
        name: "execution-role-unscoped-write",
        severity: Medium,
        checklist: LeastPrivilegeRole,
        summary: "write, permissions-management or tagging actions are granted on Resource *",
        remediation: "scope the statement's Resource to the ARNs the function writes to",
    }
}

impl Rule for ExecutionRoleUnscopedWrite {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let idx = ActionIndex::get();
        let writes = AccessLevels::WRITE;
        for (fi, f, r, a) in super::with_roles(cx) {
            if super::is_admin(a) {
                continue;
            }
            let eff = super::dangerous(a);
            let actions: Vec<usize> = eff
                .iter()
                .filter(|&i| {
                    let act = idx.action(i);
                    act.supports_resource_level()
                        && (act.access.contains(writes)
                            || act.access.contains(AccessLevels::PERMISSIONS)
                            || act.access.contains(AccessLevels::TAGGING))
                })
                .collect();
            for (g, acts) in super::by_grant(a, &actions) {
                let role = &cx.inv.roles[r];
                out.push_fix(
                    format!(
                        "execution role {} of function {} may {} on every resource: {} ({}){}",
                        role.id,
                        crate::function_label(f),
                        "write",
                        super::names(&acts, 6),
                        a.describe(g),
                        super::also_used_by(cx, r, fi)
                    ),
                    &role.id,
                    Some(fi),
                    super::grant_loc(a, g),
                    super::suggested_policy(cx, f, a),
                );
            }
        }
    }
}
