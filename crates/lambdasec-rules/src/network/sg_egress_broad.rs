use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Checks the egress rules of a function's security groups for port ranges wider than
    /// one service (every protocol to a CIDR counts as the widest range), and for internet
    /// destinations on ports other than 443. Rules that allow everything to the internet are
    /// reported by LS303 instead.
    ///
    /// ## Why is this bad?
    /// Broad ranges let a compromised function reach services it never needed; plain-text
    /// ports to the internet (80, 21, 25...) invite exfiltration and downgrade attacks.
    ///
    /// ## Example
    /// ```hcl
    /// egress {
    ///   from_port   = 1024
    ///   to_port     = 65535
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["10.0.0.0/8"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// One rule per service, with the exact port, and HTTPS (443) only towards the internet.
    pub struct SgEgressBroad {
        id: "LS304",
        name: "sg-egress-broad",
        severity: Low,
        checklist: VpcAndEgress,
        summary: "egress allows a broad port range, or the internet on a port other than 443",
        remediation: "narrow egress to single service ports, and to 443 only towards the internet",
    }
}

impl Rule for SgEgressBroad {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, g) in super::function_groups(cx) {
            for r in &g.egress {
                let internet = super::internet_cidr(r);
                if internet.is_some() && super::all_traffic(r) {
                    continue; // LS303
                }
                if super::all_protocols(r) {
                    // Every protocol to a private range (prefix lists and security groups
                    // are not CIDRs, and are not listed).
                    if let Some(cidr) = crate::known_items(&r.cidrs).and_then(|mut c| c.next()) {
                        out.push(
                            format!(
                                "security group {} of function {} allows egress to {cidr} on all protocols and ports",
                                g.id,
                                crate::function_label(&cx.inv.functions[fi])
                            ),
                            &g.id,
                            Some(fi),
                            &r.loc,
                        );
                    }
                    continue;
                }
                let protocol = r.protocol.as_str().unwrap_or("").to_ascii_lowercase();
                if !matches!(protocol.as_str(), "tcp" | "udp" | "6" | "17") {
                    continue;
                }
                let Some((from, to)) = super::ports(r) else {
                    continue;
                };
                let mut reasons = Vec::new();
                if to > from {
                    reasons.push(format!("ports {from}-{to}"));
                }
                if let Some(cidr) = internet {
                    if !(from == 443 && to == 443) {
                        reasons.push(format!("the internet ({cidr}) on a port other than 443"));
                    }
                }
                if reasons.is_empty() {
                    continue;
                }
                out.push(
                    format!(
                        "security group {} of function {} allows egress to {}",
                        g.id,
                        crate::function_label(&cx.inv.functions[fi]),
                        reasons.join(" and ")
                    ),
                    &g.id,
                    Some(fi),
                    &r.loc,
                );
            }
        }
    }
}
