use crate::{Context, Findings, Rule};
use lambdasec_model::Severity;

rule! {
    /// ## What it does
    /// Finds permissions that let another AWS account invoke the function. An account is
    /// "another" when it is neither the function's own account (known from a live scan or a
    /// literal ARN) nor listed under `accounts` in `.lambdasec.toml`. When lambdasec cannot
    /// tell which account is yours, it reports an `info` note instead.
    ///
    /// ## Why is this bad?
    /// Every principal in the other account that its administrators allow can call your
    /// function; you no longer control who that is.
    ///
    /// ## Example
    /// ```hcl
    /// principal = "210987654321"
    /// ```
    ///
    /// ## Fix
    /// Prefer invoking through a role in your own account; otherwise add
    /// `principal_org_id` or list the partner account in `.lambdasec.toml` after review.
    pub struct InvokeCrossAccount {
        id: "LS504",
        name: "invoke-cross-account",
        severity: Low,
        checklist: ResourcePolicy,
        summary: "a permission grants another AWS account",
        remediation: "restrict the grant to a role in your own account, or to your organization (principal org ID)",
    }
}

impl Rule for InvokeCrossAccount {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for p in super::allows(cx) {
            let f = p.function.map(|i| &cx.inv.functions[i]);
            let own = crate::own_accounts(f, &cx.config.own_accounts);
            for (principal, loc) in super::principals(p) {
                let Some(account) = crate::principal_account(principal) else {
                    continue;
                };
                if own.contains(&account) {
                    continue;
                }
                let target = crate::permission_target(cx.inv, p);
                if own.is_empty() {
                    out.push_with(
                        Severity::Info,
                        format!(
                            "{} lets account {account} invoke {target}; list your own accounts under `accounts` in .lambdasec.toml so lambdasec can tell whether it is another account",
                            p.id
                        ),
                        &p.id,
                        p.function,
                        loc,
                    );
                } else {
                    out.push(
                        format!("{} lets another account ({account}) invoke {target}", p.id),
                        &p.id,
                        p.function,
                        loc,
                    );
                }
            }
        }
    }
}
