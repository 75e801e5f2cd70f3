use crate::{Context, Findings, Rule};
use lambdasec_iam::classify::DATA_READ_ACTIONS;

rule! {
    /// ## What it does
    /// Finds read access to data or secrets granted to a function's execution role on every
    /// resource: `s3:GetObject`, `secretsmanager:GetSecretValue`, `ssm:GetParameter(s)`,
    /// `kms:Decrypt`, `dynamodb:GetItem/Query/Scan`, `sqs:ReceiveMessage`, and similar.
    ///
    /// ## Why is this bad?
    /// A compromised function can read every bucket, secret, parameter and table in the
    /// account — not just its own — and send them out.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// Scope reads to the function's own resources, e.g.
    /// `arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders/*`.
    pub struct ExecutionRoleDataExfiltration {
        id: "LS105",
        name: "execution-role-data-exfiltration",
        severity: High,
        checklist: LeastPrivilegeRole,
        summary: "read access to data or secrets on *",
        remediation: "scope data and secret reads to the ARNs of the function's own resources",
    }
}

impl Rule for ExecutionRoleDataExfiltration {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in super::with_roles(cx) {
            if super::is_admin(a) {
                continue;
            }
            let actions = super::granted_of(a, DATA_READ_ACTIONS);
            for (g, acts) in super::by_grant(a, &actions) {
                let role = &cx.inv.roles[r];
                out.push(
                    format!(
                        "execution role {} of function {} may read {} on every resource ({}){}",
                        role.id,
                        crate::function_label(f),
                        super::names(&acts, 6),
                        a.describe(g),
                        super::also_used_by(cx, r, fi)
                    ),
                    &role.id,
                    Some(fi),
                    super::grant_loc(a, g),
                );
            }
        }
    }
}
