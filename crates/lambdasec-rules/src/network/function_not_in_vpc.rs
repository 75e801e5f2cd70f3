use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Notes functions that have no VPC configuration.
    ///
    /// ## Why is this bad?
    /// A function outside a VPC reaches the internet directly and cannot reach private
    /// resources (databases, internal services) through security groups. Many functions need
    /// no VPC at all — AWS's Well-Architected serverless lens says to attach one only when
    /// necessary — so this is informational: review it for functions that touch private data.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "orders-api"
    ///   # no vpc_config
    /// }
    /// ```
    ///
    /// ## Fix
    /// When the function talks to private resources, attach it to private subnets in at least
    /// two availability zones with a security group whose egress is restricted:
    /// ```hcl
    /// vpc_config {
    ///   subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    ///   security_group_ids = [aws_security_group.api.id]
    /// }
    /// ```
    pub struct FunctionNotInVpc {
        id: "LS301",
        name: "function-not-in-vpc",
        severity: Info,
        checklist: VpcAndEgress,
        summary: "the function has no VPC configuration",
        remediation: "if the function reaches private resources, attach it to private subnets with a restricted security group",
    }
}

impl Rule for FunctionNotInVpc {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            if f.vpc.is_none() {
                out.push(
                    format!(
                        "function {} is not attached to a VPC",
                        crate::function_label(f)
                    ),
                    &f.id,
                    Some(fi),
                    &f.loc,
                );
            }
        }
    }
}
