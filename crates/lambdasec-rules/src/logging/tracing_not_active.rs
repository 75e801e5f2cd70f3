use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds functions whose X-Ray tracing mode is not `Active`. `PassThrough` (the default)
    /// only traces requests that arrive already sampled upstream, so it is not active tracing.
    ///
    /// ## Why is this bad?
    /// Without traces, an incident responder cannot follow what a compromised or misbehaving
    /// function called, with which latency, and in which order.
    ///
    /// ## Example
    /// ```hcl
    /// tracing_config {
    ///   mode = "PassThrough"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// tracing_config {
    ///   mode = "Active"
    /// }
    /// ```
    pub struct TracingNotActive {
        id: "LS701",
        name: "tracing-not-active",
        severity: Low,
        checklist: LoggingAndTracing,
        summary: "X-Ray tracing mode is not Active",
        remediation: "set the function's X-Ray tracing mode to Active",
    }
}

impl Rule for TracingNotActive {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let (message, loc) = match &f.tracing_mode {
                None => ("has no tracing configuration".to_string(), &f.loc),
                Some(m) => match m.as_str() {
                    Some(mode) if !mode.eq_ignore_ascii_case("Active") => {
                        (format!("has tracing mode {mode}, not Active"), m.loc())
                    }
                    _ => continue,
                },
            };
            out.push(
                format!("function {} {message}", crate::function_label(f)),
                &f.id,
                Some(fi),
                loc,
            );
        }
    }
}
