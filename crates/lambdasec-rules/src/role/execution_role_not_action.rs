use crate::{Context, Findings, Rule};
use lambdasec_iam::analysis::PolicyKind;
use lambdasec_iam::policy::{ActionBlock, Effect, ResourceBlock};

rule! {
    /// ## What it does
    /// Finds Allow statements in a function's execution-role policies that use `NotAction` or
    /// `NotResource` — statements you wrote: AWS managed policies (PowerUserAccess uses
    /// NotAction) are left out.
    ///
    /// ## Why is this bad?
    /// `NotAction` with Allow grants everything not listed — including every action AWS adds
    /// later — and `NotResource` grants every resource but a few. Both grow silently.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    /// ```
    ///
    /// ## Fix
    /// List the actions and resources that are allowed; use a Deny statement for exceptions.
    pub struct ExecutionRoleNotAction {
        id: "LS107",
        name: "execution-role-not-action",
        severity: High,
        checklist: LeastPrivilegeRole,
        summary: "an Allow statement uses NotAction or NotResource",
        remediation: "list allowed actions and resources explicitly; express exceptions with Deny",
    }
}

impl Rule for ExecutionRoleNotAction {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in super::with_roles(cx) {
            // AWS's own managed policies are not yours to rewrite.
            let own = |p: &&lambdasec_iam::analysis::SourcedPolicy| {
                p.kind == PolicyKind::Identity && !p.label.contains(":iam::aws:policy/")
            };
            for p in a.policies.iter().filter(own) {
                for st in p
                    .policy
                    .statements
                    .iter()
                    .filter(|s| s.effect == Effect::Allow)
                {
                    let what = match (&st.actions, &st.resources) {
                        (ActionBlock::NotAction(_), Some(ResourceBlock::NotResource(_))) => {
                            "NotAction and NotResource"
                        }
                        (ActionBlock::NotAction(_), _) => "NotAction",
                        (_, Some(ResourceBlock::NotResource(_))) => "NotResource",
                        _ => continue,
                    };
                    let sid = st
                        .sid
                        .as_deref()
                        .map_or(format!("statement {}", st.index + 1), |s| {
                            format!("statement \"{s}\"")
                        });
                    let role = &cx.inv.roles[r];
                    out.push(
                        format!(
                            "{sid} of {} (execution role {} of function {}) allows with {what}{}",
                            p.label,
                            role.id,
                            crate::function_label(f),
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
