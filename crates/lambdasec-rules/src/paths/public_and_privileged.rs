use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds functions that anyone can invoke without authentication — a function URL with
    /// auth type `NONE`, or a resource policy that lets `*` invoke without a restricting
    /// condition — whose execution role is also dangerous: administrator access (LS101), a
    /// privilege-escalation path (LS104), read access to data and secrets on `*` (LS105), or
    /// credential-producing actions (LS106).
    ///
    /// ## Why is this bad?
    /// Each problem alone needs a second mistake to hurt. Together they are a path from the
    /// internet to your account: one request exploiting a bug in the handler runs with the
    /// role's power.
    ///
    /// ## Example
    /// A function URL with `authorization_type = "NONE"` on a function whose role has
    /// `"Action": "*", "Resource": "*"`.
    ///
    /// ## Fix
    /// Break the path at either end: require `AWS_IAM` (or verify signatures and restrict the
    /// permission), and reduce the role to what the function uses.
    pub struct PublicAndPrivileged {
        id: "LS901",
        name: "public-and-privileged",
        severity: Critical,
        checklist: AttackPath,
        summary: "the function can be invoked without authentication and its role is privileged",
        remediation: "require authentication for invocation and reduce the execution role to what the function uses",
    }
}

impl Rule for PublicAndPrivileged {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f, r, a) in crate::role::with_roles(cx) {
            if !crate::publicly_invocable(cx.inv, &cx.index, fi) {
                continue;
            }
            let Some(why) = crate::role::is_privileged(a) else {
                continue;
            };
            out.push(
                format!(
                    "function {} can be invoked without authentication and its execution role {} has {why}",
                    crate::function_label(f),
                    cx.inv.roles[r].id
                ),
                &f.id,
                Some(fi),
                &f.loc,
            );
        }
    }
}
