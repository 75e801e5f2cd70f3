use crate::{Context, Findings, Rule};
use lambdasec_iam::classify::CREDENTIAL_ACTIONS;

rule! {
    /// ## What it does
    /// Finds actions that mint or reveal credentials granted to a function's execution role
    /// on every resource: `sts:AssumeRole` on `*`, `iam:CreateAccessKey`,
    /// `ecr:GetAuthorizationToken`, `lambda:GetFunctionConfiguration` (other functions'
    /// environment variables), and similar.
    ///
    /// ## Why is this bad?
    /// Credentials outlive the function: an attacker who gets them keeps access after the
    /// vulnerability is fixed, from anywhere.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// Name the exact role ARNs the function may assume; remove key-creating actions.
    pub struct ExecutionRoleCredentialsExposure {
        id: "LS106",
        name: "execution-role-credentials-exposure",
        severity: High,
        checklist: LeastPrivilegeRole,
        summary: "actions that mint or reveal credentials on *",
        remediation: "restrict credential-producing actions to exact ARNs, or remove them",
    }
}

impl Rule for ExecutionRoleCredentialsExposure {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        super::report_granted(cx, out, CREDENTIAL_ACTIONS, "");
    }
}
