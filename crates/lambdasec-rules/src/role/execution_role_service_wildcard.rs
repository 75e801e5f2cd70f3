use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds Allow statements of a function's execution role whose action pattern grants
    /// every action of a service (`s3:*`, `dynamodb:*`, `iam:*`) — or of every service (`*`
    /// on a scoped resource; on every resource it is LS101) — unless a restricting condition
    /// applies. Narrower patterns such as `s3:Get*` are judged by LS103
    /// and LS105.
    ///
    /// ## Why is this bad?
    /// A service wildcard includes actions nobody reviewed — deleting tables, changing bucket
    /// policies, and every action AWS adds to the service later.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:*:table/orders"}
    /// ```
    ///
    /// ## Fix
    /// List the actions the function calls: `dynamodb:GetItem`, `dynamodb:PutItem`, ...
    pub struct ExecutionRoleServiceWildcard {
        id: "LS102",
        name: "execution-role-service-wildcard",
        severity: High,
        checklist: LeastPrivilegeRole,
        summary: "an action pattern grants every action of a service",
        remediation: "list the service's actions the function calls instead of service:*",
    }
}

impl Rule for ExecutionRoleServiceWildcard {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in super::with_roles(cx) {
            if super::is_admin(a) {
                continue;
            }
            for g in a.grants.iter().filter(|g| !g.restricted) {
                for w in &g.service_wildcards {
                    let role = &cx.inv.roles[r];
                    out.push_fix(
                        format!(
                            "execution role {} of function {} grants \"{w}\" (every action of the service) in {}{}",
                            role.id,
                            crate::function_label(f),
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
}
