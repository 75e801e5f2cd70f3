use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds function URLs whose CORS configuration allows credentials together with any
    /// origin (`*`).
    ///
    /// ## Why is this bad?
    /// Any web page a user visits can then make credentialed requests to the function and
    /// read the answers: cookies and authorization headers travel with requests from
    /// attacker-controlled sites.
    ///
    /// ## Example
    /// ```hcl
    /// cors {
    ///   allow_credentials = true
    ///   allow_origins     = ["*"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// List the exact origins that need credentials:
    /// ```hcl
    /// cors {
    ///   allow_credentials = true
    ///   allow_origins     = ["https://app.example.com"]
    /// }
    /// ```
    pub struct UrlCorsCredentialsAnyOrigin {
        id: "LS402",
        name: "url-cors-credentials-any-origin",
        severity: High,
        checklist: FunctionUrlAuth,
        summary: "CORS allows credentials together with origin *",
        remediation: "list the exact trusted origins in the CORS allowed origins, or stop allowing credentials",
    }
}

impl Rule for UrlCorsCredentialsAnyOrigin {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for u in &cx.inv.urls {
            let Some(c) = &u.cors else { continue };
            if !super::credentials_allowed(c) {
                continue;
            }
            if let Some(loc) = super::star_in(&c.allow_origins) {
                out.push(
                    "function URL CORS allows credentials from any origin".to_string(),
                    &u.id,
                    u.function,
                    loc,
                );
            }
        }
    }
}
