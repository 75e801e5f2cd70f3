use crate::{Context, Findings, Rule};
use lambdasec_iam::analysis::ActionIndex;

rule! {
    /// ## What it does
    /// Finds execution roles that may perform every action on every resource: `"*"`,
    /// `"*:*"`, `NotAction` with Allow covering everything, or an AdministratorAccess /
    /// PowerUserAccess-class policy (everything except IAM, Organizations and Account). The
    /// role's *effective* permissions count: every attached policy (inline, customer managed,
    /// AWS managed by ARN, policy documents), minus unconditional Deny statements, within the
    /// permissions boundary. A condition that restricts the statement makes it not count.
    ///
    /// ## Why is this bad?
    /// Any code running in the function — a vulnerable dependency, an injected payload — owns
    /// the whole AWS account.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "*", "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// Grant the actions the function uses on the resources it uses. lambdasec suggests a
    /// starting policy from the function's configuration (tables, secrets, buckets in its
    /// environment; its log group).
    pub struct ExecutionRoleAdmin {
        id: "LS101",
        name: "execution-role-admin",
        severity: Critical,
        checklist: LeastPrivilegeRole,
        summary: "the execution role may perform * on *",
        remediation: "replace the grant with the specific actions and resources the function uses",
    }
}

impl Rule for ExecutionRoleAdmin {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in super::with_roles(cx) {
            if !super::is_admin(a) {
                continue;
            }
            // Point at the statement that grants the most.
            let Some(g) = a
                .grants
                .iter()
                .filter(|g| g.unscoped && !g.restricted)
                .max_by_key(|g| g.actions.count())
            else {
                continue;
            };
            let role = &cx.inv.roles[r];
            out.push_fix(
                format!(
                    "execution role {} of function {} may perform every action on every resource ({} of {} actions), granted by {}{}",
                    role.id,
                    crate::function_label(f),
                    a.effective.count(),
                    ActionIndex::get().len(),
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
