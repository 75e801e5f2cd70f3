//! What Terraform computes at apply time but whose shape is fixed by the resource type: the
//! ARNs of common event sources and targets. A reference such as
//! `"${aws_api_gateway_rest_api.api.execution_arn}/*/*"` then stays unknown but keeps its
//! known parts (`arn:aws:execute-api:…:…:…/*/*`), which is enough to check a SourceArn's
//! service and wildcards without guessing any value.

use lambdasec_model::Piece;

/// An ARN pattern whose `{region}`, `{account}` and `{name}` parts are unknown.
pub struct ArnShape(&'static str);

impl ArnShape {
    /// The pieces of this ARN for the reference `expr` (e.g. `aws_s3_bucket.b.arn`).
    pub fn pieces(&self, expr: &str) -> Vec<Piece> {
        let base = expr.rsplit_once('.').map_or(expr, |(b, _)| b);
        let mut out = Vec::new();
        let mut rest = self.0;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                out.push(Piece::Lit(rest[..start].to_string()));
            }
            let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
            let part = &rest[start + 1..end];
            out.push(Piece::Hole {
                expr: format!("{base}.{part}"),
            });
            rest = &rest[(end + 1).min(rest.len())..];
        }
        if !rest.is_empty() {
            out.push(Piece::Lit(rest.to_string()));
        }
        out
    }
}

/// The ARN shape of attribute `attr` of resource type `rtype`, when the type fixes it.
pub fn arn_shape(rtype: &str, attr: &str) -> Option<ArnShape> {
    let shape = match (rtype, attr) {
        ("aws_api_gateway_rest_api" | "aws_apigatewayv2_api", "execution_arn") => {
            "arn:aws:execute-api:{region}:{account}:{id}"
        }
        ("aws_s3_bucket", "arn") => "arn:aws:s3:::{bucket}",
        ("aws_sns_topic", "arn" | "id") => "arn:aws:sns:{region}:{account}:{name}",
        ("aws_sqs_queue", "arn") => "arn:aws:sqs:{region}:{account}:{name}",
        ("aws_cloudwatch_event_rule", "arn") => "arn:aws:events:{region}:{account}:rule/{name}",
        ("aws_scheduler_schedule", "arn") => {
            "arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}"
        }
        ("aws_dynamodb_table", "arn") => "arn:aws:dynamodb:{region}:{account}:table/{name}",
        ("aws_dynamodb_table", "stream_arn") => {
            "arn:aws:dynamodb:{region}:{account}:table/{name}/stream/{label}"
        }
        ("aws_kinesis_stream", "arn") => "arn:aws:kinesis:{region}:{account}:stream/{name}",
        ("aws_iam_role", "arn") => "arn:aws:iam::{account}:role/{name}",
        ("aws_iam_policy", "arn") => "arn:aws:iam::{account}:policy/{name}",
        ("aws_lambda_function", "arn") => "arn:aws:lambda:{region}:{account}:function:{name}",
        ("aws_lambda_function", "qualified_arn") => {
            "arn:aws:lambda:{region}:{account}:function:{name}:{version}"
        }
        ("aws_lambda_layer_version", "arn") => {
            "arn:aws:lambda:{region}:{account}:layer:{name}:{version}"
        }
        ("aws_lambda_layer_version", "layer_arn") => {
            "arn:aws:lambda:{region}:{account}:layer:{name}"
        }
        ("aws_cloudwatch_log_group", "arn") => "arn:aws:logs:{region}:{account}:log-group:{name}",
        ("aws_cognito_user_pool", "arn") => "arn:aws:cognito-idp:{region}:{account}:userpool/{id}",
        ("aws_lb_target_group", "arn") => {
            "arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id}"
        }
        ("aws_iot_topic_rule", "arn") => "arn:aws:iot:{region}:{account}:rule/{name}",
        ("aws_secretsmanager_secret", "arn" | "id") => {
            "arn:aws:secretsmanager:{region}:{account}:secret:{name}"
        }
        ("aws_kms_key", "arn") => "arn:aws:kms:{region}:{account}:key/{id}",
        ("aws_sfn_state_machine", "arn") => "arn:aws:states:{region}:{account}:stateMachine:{name}",
        ("aws_codecommit_repository", "arn") => "arn:aws:codecommit:{region}:{account}:{name}",
        ("aws_cloudwatch_metric_alarm", "arn") => {
            "arn:aws:cloudwatch:{region}:{account}:alarm:{name}"
        }
        ("aws_ssm_parameter", "arn") => "arn:aws:ssm:{region}:{account}:parameter/{name}",
        _ => return None,
    };
    Some(ArnShape(shape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_arn_keeps_service() {
        let p = arn_shape("aws_api_gateway_rest_api", "execution_arn")
            .unwrap()
            .pieces("aws_api_gateway_rest_api.api.execution_arn");
        assert_eq!(p[0], Piece::Lit("arn:aws:execute-api:".into()));
        assert_eq!(
            p[1],
            Piece::Hole {
                expr: "aws_api_gateway_rest_api.api.region".into()
            }
        );
        assert_eq!(p.len(), 6);
    }

    #[test]
    fn bucket_arn() {
        let p = arn_shape("aws_s3_bucket", "arn")
            .unwrap()
            .pieces("aws_s3_bucket.b.arn");
        assert_eq!(
            p,
            vec![
                Piece::Lit("arn:aws:s3:::".into()),
                Piece::Hole {
                    expr: "aws_s3_bucket.b.bucket".into()
                }
            ]
        );
    }
}
