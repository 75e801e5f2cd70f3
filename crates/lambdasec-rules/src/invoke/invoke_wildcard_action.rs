use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds permissions that grant `lambda:*`, `*` or another wildcard action instead of
    /// `lambda:InvokeFunction` or `lambda:InvokeFunctionUrl`.
    ///
    /// ## Why is this bad?
    /// A resource-based policy on a function can grant more than invocation: reading its
    /// configuration and code location, changing its configuration, deleting it. Whoever the
    /// principal is gets all of it.
    ///
    /// ## Example
    /// ```hcl
    /// action = "lambda:*"
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// action = "lambda:InvokeFunction"
    /// ```
    pub struct InvokeWildcardAction {
        id: "LS503",
        name: "invoke-wildcard-action",
        severity: Medium,
        checklist: ResourcePolicy,
        summary: "a permission grants lambda:* or * instead of an invoke action",
        remediation: "grant only lambda:InvokeFunction (or lambda:InvokeFunctionUrl)",
    }
}

impl Rule for InvokeWildcardAction {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for p in super::allows(cx) {
            let Some(actions) = p.actions.get() else {
                continue;
            };
            for a in actions {
                let Some(action) = a.as_str() else { continue };
                if action.contains('*') || action.contains('?') {
                    out.push(
                        format!(
                            "{} grants \"{action}\" on {}",
                            p.id,
                            crate::permission_target(cx.inv, p)
                        ),
                        &p.id,
                        p.function,
                        a.loc(),
                    );
                }
            }
        }
    }
}
