use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Notes functions without reserved concurrency (`reserved_concurrent_executions` unset
    /// or `-1`).
    ///
    /// ## Why is this bad?
    /// Without a reservation, one function flooded by a retry storm or an attacker can take
    /// the whole account's concurrency and starve every other function, and its downstream
    /// costs are unbounded. Informational: reservations are a capacity decision.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   # no reserved_concurrent_executions
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// reserved_concurrent_executions = 50
    /// ```
    pub struct ConcurrencyUnreserved {
        id: "LS802",
        name: "concurrency-unreserved",
        severity: Info,
        checklist: FailureHandling,
        summary: "no reserved concurrency",
        remediation: "reserve the concurrency the function needs",
    }
}

impl Rule for ConcurrencyUnreserved {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let (message, loc) = match &f.reserved_concurrency {
                None => ("has no reserved concurrency", &f.loc),
                Some(v) if v.get() == Some(&-1) => {
                    ("has reserved concurrency -1 (unreserved)", v.loc())
                }
                Some(_) => continue,
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
