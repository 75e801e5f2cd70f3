//! Secrets and parameters fetched once per container and refreshed safely.
//!
//! A [`Cache`] over a [`Source`] ([`SecretsManager`] or [`ParameterStore`], or your own):
//! - a read within the TTL (default 300 s) is served from memory, without an await point
//!   that waits on anything but an uncontended lock;
//! - after the TTL, the source is asked for the current *version* first (`DescribeSecret`,
//!   `GetParameter` without decryption) and the value is read again only when it changed;
//! - concurrent misses for one id are merged: one call to the source, every caller served;
//! - [`Cache::prefetch`] loads values at cold start, outside the handler;
//! - when the source fails, the last value is served for at most `max_stale` past its TTL
//!   (default 15 minutes), then the error is returned;
//! - [`Cache::refresh_after_auth_failure`] re-reads a value at once, for the case where the
//!   service the secret is for rejected it (rotated credentials); it is rate-limited to one
//!   read per `min_forced_interval` per id so a misconfigured client cannot hammer the source;
//! - values are [`SecretString`]s (zeroized on drop, `Debug` shows `[REDACTED]`), registered
//!   with [`crate::redact`] so logs never show them, and decodable as JSON into your type.

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// What a source returns for one id.
pub struct Fetched {
    /// The value.
    pub value: SecretString,
    /// Changes whenever the value changes (Secrets Manager version id, SSM version number).
    pub version: String,
}

/// Why a source could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The id does not exist.
    NotFound(String),
    /// The function's role may not read it.
    AccessDenied(String),
    /// Anything else (network, throttling after retries, ...).
    Other(String),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotFound(m) => write!(f, "not found: {m}"),
            SourceError::AccessDenied(m) => write!(f, "access denied: {m}"),
            SourceError::Other(m) => write!(f, "{m}"),
        }
    }
}

/// Where values come from.
pub trait Source: Send + Sync + 'static {
    /// The value and its version.
    fn fetch(
        &self,
        id: &str,
    ) -> impl std::future::Future<Output = Result<Fetched, SourceError>> + Send;
    /// The current version only (cheaper than the value).
    fn version(
        &self,
        id: &str,
    ) -> impl std::future::Future<Output = Result<String, SourceError>> + Send;
}

/// A cache read that could not be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheError {
    /// The source failed and no value within the staleness bound is cached.
    Source {
        /// The secret or parameter.
        id: String,
        /// What the source said.
        error: SourceError,
    },
    /// The value is not the JSON the caller asked for (the value itself is never shown).
    Json {
        /// The secret or parameter.
        id: String,
        /// Where the JSON is wrong.
        error: String,
    },
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::Source { id, error } => write!(f, "{id}: {error}"),
            CacheError::Json { id, error } => write!(f, "{id}: not the expected JSON: {error}"),
        }
    }
}

impl std::error::Error for CacheError {}

/// Timing of a [`Cache`].
#[derive(Debug, Clone, Copy)]
pub struct CacheConfig {
    /// A value younger than this is served without asking the source (default 300 s).
    pub ttl: Duration,
    /// How long past the TTL the last value is served while the source fails (default 15 min).
    pub max_stale: Duration,
    /// At most one forced re-read per id within this interval (default 5 s).
    pub min_forced_interval: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            ttl: Duration::from_secs(300),
            max_stale: Duration::from_secs(900),
            min_forced_interval: Duration::from_secs(5),
        }
    }
}

struct Entry {
    value: SecretString,
    version: String,
    /// When the version was last confirmed with the source.
    checked: Instant,
    /// When a forced re-read last happened.
    forced: Option<Instant>,
}

#[derive(Default)]
struct Slot {
    /// Read on every call: the fast path.
    entry: RwLock<Option<Entry>>,
    /// Held while the source is asked, so concurrent misses wait for one call.
    refresh: tokio::sync::Mutex<()>,
}

/// A cache of values from one [`Source`].
pub struct Cache<S: Source> {
    source: S,
    config: CacheConfig,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl<S: Source> fmt::Debug for Cache<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.slots.lock().map(|s| s.len()).unwrap_or(0);
        f.debug_struct("Cache")
            .field("entries", &n)
            .field("config", &self.config)
            .finish()
    }
}

fn remember(value: &SecretString) {
    crate::redact::register(value.expose_secret());
}

impl<S: Source> Cache<S> {
    /// A cache with the default timing.
    pub fn new(source: S) -> Self {
        Self::with_config(source, CacheConfig::default())
    }

    /// A cache with the given timing.
    pub fn with_config(source: S, config: CacheConfig) -> Self {
        Cache {
            source,
            config,
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, id: &str) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(id.to_string()).or_default().clone()
    }

    /// The value within its TTL, without asking the source.
    fn fresh(&self, slot: &Slot, now: Instant) -> Option<SecretString> {
        let entry = slot.entry.read().unwrap_or_else(|p| p.into_inner());
        entry
            .as_ref()
            .filter(|e| now.duration_since(e.checked) < self.config.ttl)
            .map(|e| e.value.clone())
    }

    /// The value of `id`: from memory within the TTL, else confirmed or re-read from the
    /// source, else (the source failing) the last value within the staleness bound.
    pub async fn get(&self, id: &str) -> Result<SecretString, CacheError> {
        let slot = self.slot(id);
        if let Some(v) = self.fresh(&slot, Instant::now()) {
            return Ok(v);
        }
        let _guard = slot.refresh.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(v) = self.fresh(&slot, Instant::now()) {
            return Ok(v);
        }
        self.refresh(id, &slot, false).await
    }

    /// Re-reads `id` at once (at most once per `min_forced_interval`): call it when the
    /// service the secret is for rejected it, then retry once with the returned value.
    pub async fn refresh_after_auth_failure(&self, id: &str) -> Result<SecretString, CacheError> {
        let slot = self.slot(id);
        let _guard = slot.refresh.lock().await;
        let recent = {
            let entry = slot.entry.read().unwrap_or_else(|p| p.into_inner());
            entry.as_ref().and_then(|e| {
                e.forced
                    .filter(|t| t.elapsed() < self.config.min_forced_interval)
                    .map(|_| e.value.clone())
            })
        };
        match recent {
            Some(v) => Ok(v),
            None => self.refresh(id, &slot, true).await,
        }
    }

    /// Runs `op` with the value of `id`; when it fails with an authentication error (as
    /// `is_auth_failure` judges: the downstream service rejected a rotated credential),
    /// re-reads the value once ([`Cache::refresh_after_auth_failure`]) and runs `op` again.
    /// The outer error is the cache's; the inner result is `op`'s.
    pub async fn with_auth_retry<T, E, F, Fut>(
        &self,
        id: &str,
        is_auth_failure: impl Fn(&E) -> bool,
        mut op: F,
    ) -> Result<Result<T, E>, CacheError>
    where
        F: FnMut(SecretString) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let value = self.get(id).await?;
        match op(value).await {
            Err(e) if is_auth_failure(&e) => {
                let value = self.refresh_after_auth_failure(id).await?;
                Ok(op(value).await)
            }
            other => Ok(other),
        }
    }

    /// Loads every id now (at cold start, outside the handler); the first error is returned.
    pub async fn prefetch(&self, ids: &[&str]) -> Result<(), CacheError> {
        for id in ids {
            self.get(id).await?;
        }
        Ok(())
    }

    /// The value of `id` decoded from JSON into `T`.
    pub async fn get_json<T: DeserializeOwned>(&self, id: &str) -> Result<T, CacheError> {
        let v = self.get(id).await?;
        serde_json::from_str(v.expose_secret()).map_err(|e| CacheError::Json {
            id: id.to_string(),
            // serde_json's message names the position, never the value.
            error: format!(
                "line {} column {}: {:?}",
                e.line(),
                e.column(),
                e.classify()
            ),
        })
    }

    /// Called with the slot's refresh lock held.
    async fn refresh(
        &self,
        id: &str,
        slot: &Slot,
        forced: bool,
    ) -> Result<SecretString, CacheError> {
        let now = Instant::now();
        let known_version = {
            let entry = slot.entry.read().unwrap_or_else(|p| p.into_inner());
            entry.as_ref().map(|e| e.version.clone())
        };
        // Version first: an unchanged value is not read again.
        if let (Some(known), false) = (&known_version, forced) {
            match self.source.version(id).await {
                Ok(v) if &v == known => {
                    let mut entry = slot.entry.write().unwrap_or_else(|p| p.into_inner());
                    if let Some(e) = entry.as_mut() {
                        e.checked = now;
                        return Ok(e.value.clone());
                    }
                }
                Ok(_) => {}
                Err(error) => return self.stale_or(id, slot, now, error),
            }
        }
        match self.source.fetch(id).await {
            Ok(f) => {
                remember(&f.value);
                let value = f.value.clone();
                let mut entry = slot.entry.write().unwrap_or_else(|p| p.into_inner());
                if let Some(old) = entry.as_ref() {
                    if old.value.expose_secret() != f.value.expose_secret() {
                        crate::redact::unregister(old.value.expose_secret());
                    }
                }
                *entry = Some(Entry {
                    value: f.value,
                    version: f.version,
                    checked: now,
                    forced: forced.then_some(now),
                });
                Ok(value)
            }
            Err(error) => self.stale_or(id, slot, now, error),
        }
    }

    /// The last value while it is within the staleness bound, else the error.
    fn stale_or(
        &self,
        id: &str,
        slot: &Slot,
        now: Instant,
        error: SourceError,
    ) -> Result<SecretString, CacheError> {
        let entry = slot.entry.read().unwrap_or_else(|p| p.into_inner());
        match entry.as_ref() {
            Some(e) if now.duration_since(e.checked) < self.config.ttl + self.config.max_stale => {
                Ok(e.value.clone())
            }
            _ => Err(CacheError::Source {
                id: id.to_string(),
                error,
            }),
        }
    }
}

/// Secrets Manager: `GetSecretValue` for the value (the `AWSCURRENT` version), `DescribeSecret`
/// for the version check.
pub struct SecretsManager {
    client: aws_sdk_secretsmanager::Client,
}

impl SecretsManager {
    /// Reads through `client`.
    pub fn new(client: aws_sdk_secretsmanager::Client) -> Self {
        SecretsManager { client }
    }

    /// A client from the environment (region, credentials, `AWS_ENDPOINT_URL`).
    pub async fn from_env() -> Self {
        let cfg = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::new(aws_sdk_secretsmanager::Client::new(&cfg))
    }
}

fn source_error<E>(e: &aws_sdk_secretsmanager::error::SdkError<E>) -> SourceError
where
    E: aws_sdk_secretsmanager::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
    let code = e.code().unwrap_or("");
    let msg = e.message().unwrap_or(code).to_string();
    if code.contains("NotFound") || code == "ParameterNotFound" {
        SourceError::NotFound(msg)
    } else if code.contains("AccessDenied") {
        SourceError::AccessDenied(msg)
    } else if code.is_empty() {
        SourceError::Other(aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string())
    } else {
        SourceError::Other(format!("{code}: {msg}"))
    }
}

impl Source for SecretsManager {
    async fn fetch(&self, id: &str) -> Result<Fetched, SourceError> {
        let out = self
            .client
            .get_secret_value()
            .secret_id(id)
            .send()
            .await
            .map_err(|e| source_error(&e))?;
        let value = out
            .secret_string()
            .ok_or_else(|| SourceError::Other("the secret has no string value".into()))?;
        Ok(Fetched {
            value: SecretString::from(value.to_string()),
            version: out.version_id().unwrap_or_default().to_string(),
        })
    }

    async fn version(&self, id: &str) -> Result<String, SourceError> {
        let out = self
            .client
            .describe_secret()
            .secret_id(id)
            .send()
            .await
            .map_err(|e| source_error(&e))?;
        let current = out.version_ids_to_stages().and_then(|m| {
            m.iter()
                .find(|(_, stages)| stages.iter().any(|s| s == "AWSCURRENT"))
                .map(|(v, _)| v.clone())
        });
        current.ok_or_else(|| SourceError::Other("no AWSCURRENT version".into()))
    }
}

/// SSM Parameter Store: `GetParameter` with decryption for the value, without for the version.
pub struct ParameterStore {
    client: aws_sdk_ssm::Client,
}

impl ParameterStore {
    /// Reads through `client`.
    pub fn new(client: aws_sdk_ssm::Client) -> Self {
        ParameterStore { client }
    }

    /// A client from the environment (region, credentials, `AWS_ENDPOINT_URL`).
    pub async fn from_env() -> Self {
        let cfg = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::new(aws_sdk_ssm::Client::new(&cfg))
    }

    async fn get(&self, id: &str, decrypt: bool) -> Result<(String, String), SourceError> {
        use aws_sdk_ssm::error::ProvideErrorMetadata;
        let out = self
            .client
            .get_parameter()
            .name(id)
            .with_decryption(decrypt)
            .send()
            .await
            .map_err(|e| {
                let code = e.code().unwrap_or("");
                let msg = e.message().unwrap_or(code).to_string();
                if code == "ParameterNotFound" {
                    SourceError::NotFound(msg)
                } else if code.contains("AccessDenied") {
                    SourceError::AccessDenied(msg)
                } else {
                    SourceError::Other(format!("{code}: {msg}"))
                }
            })?;
        let p = out
            .parameter()
            .ok_or_else(|| SourceError::Other("no parameter in the response".into()))?;
        Ok((
            p.value().unwrap_or_default().to_string(),
            p.version().to_string(),
        ))
    }
}

impl Source for ParameterStore {
    async fn fetch(&self, id: &str) -> Result<Fetched, SourceError> {
        let (value, version) = self.get(id, true).await?;
        Ok(Fetched {
            value: SecretString::from(value),
            version,
        })
    }

    async fn version(&self, id: &str) -> Result<String, SourceError> {
        Ok(self.get(id, false).await?.1)
    }
}

/// A cache of Secrets Manager secrets.
pub type SecretCache = Cache<SecretsManager>;
/// A cache of SSM parameters (SecureString values decrypted).
pub type ParameterCache = Cache<ParameterStore>;
