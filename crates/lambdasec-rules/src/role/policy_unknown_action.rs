use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds action names and patterns in a function's execution-role policies that match no
    /// action of the IAM action catalog shipped with lambdasec (`data/iam-catalog.tsv`): a
    /// typo, a retired action, or a wrong service prefix.
    ///
    /// ## Why is this bad?
    /// IAM accepts the policy and grants nothing for that entry: the function fails at run
    /// time, and the real fix is often a broader wildcard. A typo in a Deny silently denies
    /// nothing.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "dynamodb:GetItems", "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// Use the action's exact name, e.g. `dynamodb:GetItem` or `dynamodb:BatchGetItem`.
    pub struct PolicyUnknownAction {
        id: "LS110",
        name: "policy-unknown-action",
        severity: Low,
        checklist: LeastPrivilegeRole,
        summary: "an action or pattern matches no action in the IAM catalog",
        remediation: "correct the action name (see the AWS Service Authorization Reference)",
    }
}

impl Rule for PolicyUnknownAction {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in super::with_roles(cx) {
            for (pi, st, pattern) in &a.unknown_actions {
                let p = &a.policies[*pi];
                out.push(
                    format!(
                        "\"{pattern}\" in statement {} of {} (execution role {} of function {}) matches no IAM action",
                        st + 1,
                        p.label,
                        cx.inv.roles[r].id,
                        crate::function_label(f)
                    ),
                    &cx.inv.roles[r].id,
                    Some(fi),
                    p.statement_loc(*st),
                );
            }
        }
    }
}
