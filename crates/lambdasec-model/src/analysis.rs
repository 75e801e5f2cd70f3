//! What reading a function's handler code found (LS205, LS703, LS903), recorded on the
//! inventory by the code analyser so that rules read it like everything else.

use crate::Location;
use serde::{Deserialize, Serialize};

/// The language of the analysed handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeLanguage {
    Python,
    JavaScript,
    TypeScript,
}

/// The analysis of one function's handler and the local modules it imports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeAnalysis {
    /// Index into `Inventory::functions`.
    pub function: usize,
    pub language: CodeLanguage,
    /// The handler's definition (file relative to the scan root; inside a zip:
    /// `build/api.zip!app.py`).
    pub handler: Location,
    /// Logging calls that receive something sensitive.
    pub log_leaks: Vec<LogLeak>,
    /// Where a request-signature verification reachable from the handler was found (the
    /// first one), if any.
    pub verification: Option<Verification>,
    /// Secret and parameter fetches reachable from the handler.
    pub fetches: Vec<SecretFetch>,
    /// Files read for this analysis (the handler's module and the local modules it imports).
    pub files: Vec<String>,
}

/// What sensitive value reached a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeakKind {
    /// The whole invocation event (or its whole headers / body).
    WholeEvent,
    /// The whole environment (`os.environ`, `process.env`).
    Environment,
    /// The `Authorization` (or another credential-bearing) request header.
    AuthorizationHeader,
    /// A value obtained from a Secrets Manager / Parameter Store fetch.
    Secret,
}

impl LeakKind {
    pub fn describe(self) -> &'static str {
        match self {
            LeakKind::WholeEvent => "the whole invocation event",
            LeakKind::Environment => "the whole environment",
            LeakKind::AuthorizationHeader => "the Authorization header",
            LeakKind::Secret => "a value from a secret or parameter fetch",
        }
    }
}

/// A logging call that receives something sensitive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLeak {
    /// The logging call.
    pub loc: Location,
    /// The sink as written, e.g. `logger.info`, `console.log`, `print`.
    pub sink: String,
    pub kind: LeakKind,
    /// How the value got there, shortened source text, e.g. `creds = get_secret_value(...)`;
    /// never a secret value (the analyser reads code, not values).
    pub via: String,
}

/// A request-signature verification found in the code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub loc: Location,
    /// What verifies, e.g. `hmac.compare_digest`, `stripe.Webhook.construct_event`.
    pub how: String,
}

/// Which service a fetch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FetchService {
    SecretsManager,
    ParameterStore,
}

/// How a fetch is cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FetchCaching {
    /// Runs on every invocation with no cache: inside the handler (or a function it calls),
    /// not memoised.
    PerInvocation,
    /// Runs once per container and is kept for its lifetime (module level, `lru_cache`
    /// without a TTL, a global assigned once): never refreshed.
    Forever,
    /// Cached with expiry (Powertools `max_age`, the Parameters and Secrets extension, a TTL
    /// check in the code, a caching client).
    Refreshed,
}

/// A Secrets Manager or Parameter Store read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretFetch {
    pub loc: Location,
    pub service: FetchService,
    /// The call as written, e.g. `client.get_secret_value`, `GetSecretValueCommand`,
    /// `parameters.get_secret`.
    pub api: String,
    /// The secret id or parameter name when it is a literal in the code.
    pub name: Option<String>,
    /// The environment variable the id or name is read from (`os.environ["DB_SECRET_ARN"]`),
    /// so that the configuration can tell which secret it is.
    pub name_env: Option<String>,
    pub caching: FetchCaching,
}
