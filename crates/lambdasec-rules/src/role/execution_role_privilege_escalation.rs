use crate::{Context, Findings, Rule};
use lambdasec_iam::analysis::ActionIndex;
use lambdasec_iam::classify::ESCALATION_METHODS;

rule! {
    /// ## What it does
    /// Finds execution roles whose effective permissions complete a known
    /// privilege-escalation method: every action of the method granted on every resource
    /// without a restricting condition. `iam:PassRole` limited by `iam:PassedToService` to
    /// Lambda still completes the Lambda methods. `lambdasec explain LS104` lists the methods
    /// (from Rhino Security Labs' research as encoded by Parliament and Cloudsplaining).
    ///
    /// ## Why is this bad?
    /// Code running in the function can turn its role into an administrator, or borrow a more
    /// privileged role, and the blast radius becomes the whole account.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// Remove the IAM and deployment actions from the runtime role; deployments belong to the
    /// CI role. If one is truly needed, scope it to exact ARNs.
    pub struct ExecutionRolePrivilegeEscalation {
        id: "LS104",
        name: "execution-role-privilege-escalation",
        severity: Critical,
        checklist: LeastPrivilegeRole,
        summary: "the granted actions complete a known privilege-escalation method",
        remediation: "remove IAM and deployment actions from the execution role, or scope them to exact ARNs",
    }
}

/// The methods, for `lambdasec explain LS104`.
pub fn methods_markdown() -> String {
    let mut s = String::from("## Escalation methods checked\n\n| method | actions (all required) | what it allows |\n|---|---|---|\n");
    for m in ESCALATION_METHODS {
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            m.name,
            m.actions.join(", "),
            m.how
        ));
    }
    s
}

impl Rule for ExecutionRolePrivilegeEscalation {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let idx = ActionIndex::get();
        for (fi, f, r, a) in super::with_roles(cx) {
            if super::is_admin(a) {
                continue;
            }
            let methods = super::escalation_methods(a);
            let Some(first) = methods.first() else {
                continue;
            };
            let first_action = ESCALATION_METHODS
                .iter()
                .find(|m| m.name == *first)
                .and_then(|m| idx.find(m.actions[0]));
            let Some(g) = first_action.and_then(|i| a.granting_to_lambda(i)) else {
                continue;
            };
            let role = &cx.inv.roles[r];
            out.push(
                format!(
                    "execution role {} of function {} can escalate its privileges: {} (granted by {}){}",
                    role.id,
                    crate::function_label(f),
                    methods.join(", "),
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
