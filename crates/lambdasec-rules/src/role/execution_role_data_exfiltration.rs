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
        super::report_granted(cx, out, DATA_READ_ACTIONS, "read ");
    }
}
