use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Reads the function's handler code (Python, JavaScript and TypeScript, from the local
    /// directory or zip its configuration names) and finds logging calls that receive
    /// something sensitive: the whole invocation event (or its whole headers or body), the
    /// whole environment (`os.environ`, `process.env`), the `Authorization` header, or a
    /// value obtained from a Secrets Manager or Parameter Store fetch (boto3
    /// `get_secret_value` / `get_parameter(s)`, AWS SDK v3 `GetSecretValueCommand` /
    /// `GetParameterCommand`, Powertools `get_secret` / `getSecret`, and `json.loads` /
    /// `JSON.parse`, subscripts and attributes of those), followed through assignments,
    /// f-strings and template literals. Sinks are `print`, `logging.*`, Powertools'
    /// `Logger`, `console.*` and the common logger libraries. The finding points at the
    /// logging line in the code file.
    ///
    /// ## Why is this bad?
    /// Logs are read by far more people and systems than the secret store: everyone with
    /// `logs:GetLogEvents`, log subscriptions, exports to third-party tools, support
    /// tickets. A logged event carries callers' tokens, cookies and personal data; a logged
    /// environment or secret hands out the credential itself, and it stays in the log
    /// group for its whole retention.
    ///
    /// ## Example
    /// ```python
    /// import json, logging, boto3
    ///
    /// log = logging.getLogger()
    /// sm = boto3.client("secretsmanager")
    ///
    /// def handler(event, context):
    ///     log.info("received %s", json.dumps(event))          # the whole event
    ///     s = json.loads(sm.get_secret_value(SecretId="prod/db")["SecretString"])
    ///     log.debug(f"connecting with {s['password']}")        # a secret
    /// ```
    ///
    /// ## Fix
    /// Log the fields you need to operate the function, never the event, the environment,
    /// headers or anything derived from a secret:
    /// ```python
    /// log.info("order received", extra={"order_id": body["id"], "request_id": context.aws_request_id})
    /// ```
    /// Powertools' `Logger` with a data-masking or redaction step helps when an object must
    /// be logged.
    ///
    /// ## Limits
    /// The analysis is intra-procedural: values are followed through assignments, calls
    /// and string building inside a function, and calls by name into functions of the
    /// handler's own package (local modules the handler imports); only the handler's
    /// package is read, never its dependencies or layers. Dynamic logging (a logger chosen
    /// at run time, `getattr(log, level)`), aliasing through containers (a secret stored in
    /// a dict or list and read back elsewhere), and values passed through class attributes
    /// or globals set in another function are not followed, so absence of a finding is not
    /// proof. No finding is reported when the handler or its code cannot be resolved (code
    /// in S3 or an image, inline code, an unknown handler, a runtime other than Python and
    /// Node.js).
    pub struct LogsSensitiveData {
        id: "LS703",
        name: "logs-sensitive-data",
        severity: Medium,
        checklist: LoggingAndTracing,
        summary: "the function's code logs the whole event, the environment, or a value obtained from a secret/parameter fetch",
        remediation: "log only the fields you need; never log the event, the environment, headers or secret values",
    }
}

impl Rule for LogsSensitiveData {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for a in &cx.inv.code_analyses {
            let Some(f) = cx.inv.functions.get(a.function) else {
                continue;
            };
            for leak in &a.log_leaks {
                let via = leak.via.trim();
                let how = if via.is_empty() {
                    String::new()
                } else {
                    format!(" via `{via}`")
                };
                out.push(
                    format!(
                        "function {} logs {} with {}{how}",
                        crate::function_label(f),
                        leak.kind.describe(),
                        leak.sink,
                    ),
                    &f.id,
                    Some(a.function),
                    &leak.loc,
                );
            }
        }
    }
}
