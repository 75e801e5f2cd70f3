use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Finds layers referenced without a literal version: an ARN with no version number, a
    /// version such as `latest`, or a data-source lookup that returns the newest version at
    /// deploy time.
    ///
    /// ## Why is this bad?
    /// The code that runs inside the function changes whenever the layer's publisher (or an
    /// attacker who took over the publishing account) publishes a new version, without review
    /// and without a change in your repository.
    ///
    /// ## Example
    /// ```hcl
    /// data "aws_lambda_layer_version" "deps" { layer_name = "deps" }
    /// resource "aws_lambda_function" "api" {
    ///   layers = [data.aws_lambda_layer_version.deps.arn]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Reference an exact version: `arn:aws:lambda:eu-west-1:123456789012:layer:deps:42`, a
    /// layer version managed in the same configuration, or a data source with `version`.
    pub struct LayerUnpinned {
        id: "LS601",
        name: "layer-unpinned",
        severity: Medium,
        checklist: LayersAndRuntime,
        summary: "a layer is referenced without a literal version",
        remediation: "reference an exact layer version number",
    }
}

impl Rule for LayerUnpinned {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            for (layer, loc) in super::layer_refs(f) {
                let reason = if layer.resolves_to_latest {
                    Some(format!(
                        "layer {} is looked up without a version, so it resolves to the newest one at deploy time",
                        layer.arn.display()
                    ))
                } else if let Some(arn) = layer.arn.as_str() {
                    let parts: Vec<&str> = arn.split(':').collect();
                    match parts.as_slice() {
                        ["arn", _, "lambda", _, _, "layer", _] => {
                            Some(format!("layer {arn} has no version"))
                        }
                        ["arn", _, "lambda", _, _, "layer", _, v]
                            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) =>
                        {
                            Some(format!("layer {arn} uses version \"{v}\", not a number"))
                        }
                        _ => None,
                    }
                } else if let Some(rest) = literal_layer_part(&layer.arn) {
                    // Only the region or account is unknown (`${AWS::Region}`,
                    // `${aws:accountId}`): the layer name and version are literal.
                    match rest.split(':').collect::<Vec<_>>().as_slice() {
                        [_] => Some(format!("layer {} has no version", layer.arn.display())),
                        [_, v] if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) => {
                            Some(format!(
                                "layer {} uses version \"{v}\", not a number",
                                layer.arn.display()
                            ))
                        }
                        _ => None,
                    }
                } else {
                    None
                };
                if let Some(message) = reason {
                    out.push(
                        format!("{message} (function {})", crate::function_label(f)),
                        &f.id,
                        Some(fi),
                        loc,
                    );
                }
            }
        }
    }
}

/// For a partly unknown layer ARN whose unknown parts all come before `:layer:`, the literal
/// `name[:version]` after it.
fn literal_layer_part(arn: &lambdasec_model::Value<String>) -> Option<&str> {
    let lambdasec_model::Value::Unknown { unknown, .. } = arn else {
        return None;
    };
    match unknown.pieces.last()? {
        lambdasec_model::Piece::Lit(s) => s.split_once(":layer:").map(|(_, rest)| rest),
        lambdasec_model::Piece::Hole { .. } => None,
    }
}
