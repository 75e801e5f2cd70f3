//! The cache's behaviour on a scripted source: merged misses, TTL with version checks,
//! bounded staleness, forced refresh, JSON, and no value in `Debug` output.

use lambdasec_runtime::cache::{Cache, CacheConfig, CacheError, Fetched, Source, SourceError};
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct State {
    fetches: AtomicUsize,
    versions: AtomicUsize,
    /// (value, version)
    current: Mutex<(String, String)>,
    failing: AtomicBool,
    delay_ms: AtomicUsize,
}

#[derive(Clone)]
struct Scripted(Arc<State>);

impl Scripted {
    fn new(value: &str) -> Self {
        let s = State::default();
        *s.current.lock().unwrap() = (value.to_string(), "v1".to_string());
        Scripted(Arc::new(s))
    }
    fn set(&self, value: &str, version: &str) {
        *self.0.current.lock().unwrap() = (value.to_string(), version.to_string());
    }
}

impl Source for Scripted {
    async fn fetch(&self, _id: &str) -> Result<Fetched, SourceError> {
        self.0.fetches.fetch_add(1, Ordering::SeqCst);
        let d = self.0.delay_ms.load(Ordering::SeqCst);
        if d > 0 {
            tokio::time::sleep(Duration::from_millis(d as u64)).await;
        }
        if self.0.failing.load(Ordering::SeqCst) {
            return Err(SourceError::Other("service unavailable".into()));
        }
        let (value, version) = self.0.current.lock().unwrap().clone();
        Ok(Fetched {
            value: SecretString::from(value),
            version,
        })
    }
    async fn version(&self, _id: &str) -> Result<String, SourceError> {
        self.0.versions.fetch_add(1, Ordering::SeqCst);
        if self.0.failing.load(Ordering::SeqCst) {
            return Err(SourceError::Other("service unavailable".into()));
        }
        Ok(self.0.current.lock().unwrap().1.clone())
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_source_call_for_a_hundred_concurrent_first_reads() {
    let src = Scripted::new("s3cr3t-value-1");
    src.0.delay_ms.store(50, Ordering::SeqCst);
    let cache = Arc::new(Cache::new(src.clone()));
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let c = cache.clone();
        tasks.push(tokio::spawn(async move { c.get("db").await.unwrap() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().expose_secret(), "s3cr3t-value-1");
    }
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn refresh_after_the_ttl_checks_the_version_first() {
    let src = Scripted::new("s3cr3t-value-1");
    let cfg = CacheConfig {
        ttl: ms(40),
        ..CacheConfig::default()
    };
    let cache = Cache::with_config(src.clone(), cfg);
    cache.get("db").await.unwrap();
    cache.get("db").await.unwrap();
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 1);
    tokio::time::sleep(ms(60)).await;
    // Unchanged version: confirmed, not read again.
    assert_eq!(
        cache.get("db").await.unwrap().expose_secret(),
        "s3cr3t-value-1"
    );
    assert_eq!(src.0.versions.load(Ordering::SeqCst), 1);
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 1);
    // Rotated: read again once the TTL is over.
    src.set("s3cr3t-value-2", "v2");
    assert_eq!(
        cache.get("db").await.unwrap().expose_secret(),
        "s3cr3t-value-1"
    );
    tokio::time::sleep(ms(60)).await;
    assert_eq!(
        cache.get("db").await.unwrap().expose_secret(),
        "s3cr3t-value-2"
    );
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn stale_value_within_the_bound_then_the_error() {
    let src = Scripted::new("s3cr3t-value-1");
    let cfg = CacheConfig {
        ttl: ms(30),
        max_stale: ms(100),
        ..CacheConfig::default()
    };
    let cache = Cache::with_config(src.clone(), cfg);
    cache.get("db").await.unwrap();
    src.0.failing.store(true, Ordering::SeqCst);
    tokio::time::sleep(ms(50)).await;
    assert_eq!(
        cache.get("db").await.unwrap().expose_secret(),
        "s3cr3t-value-1"
    );
    tokio::time::sleep(ms(120)).await;
    let err = cache.get("db").await.unwrap_err();
    assert!(matches!(err, CacheError::Source { .. }), "{err}");
    assert!(!err.to_string().contains("s3cr3t"));
    // Never cached, source failing: the error at once.
    assert!(cache.get("other").await.is_err());
}

#[tokio::test]
async fn forced_refresh_after_an_auth_failure_is_rate_limited() {
    let src = Scripted::new("s3cr3t-value-1");
    let cache = Cache::new(src.clone());
    cache.get("db").await.unwrap();
    src.set("s3cr3t-value-2", "v2");
    // Within the TTL, get() keeps the old value; the service rejected it: force.
    assert_eq!(
        cache.get("db").await.unwrap().expose_secret(),
        "s3cr3t-value-1"
    );
    let v = cache.refresh_after_auth_failure("db").await.unwrap();
    assert_eq!(v.expose_secret(), "s3cr3t-value-2");
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 2);
    // A second forced read right after is served from memory.
    cache.refresh_after_auth_failure("db").await.unwrap();
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn json_values_and_debug_output() {
    #[derive(serde::Deserialize, Debug)]
    struct Db {
        user: String,
        password: String,
    }
    let src = Scripted::new(r#"{"user":"app","password":"pa55-w0rd-xyz"}"#);
    let cache = Cache::new(src);
    cache.prefetch(&["db"]).await.unwrap();
    let db: Db = cache.get_json("db").await.unwrap();
    assert_eq!(
        (db.user.as_str(), db.password.as_str()),
        ("app", "pa55-w0rd-xyz")
    );
    let v = cache.get("db").await.unwrap();
    assert!(!format!("{v:?}").contains("pa55"));
    assert!(!format!("{cache:?}").contains("pa55"));
    let bad = Cache::new(Scripted::new("not json pa55-w0rd-xyz"));
    let err = bad.get_json::<Db>("db").await.unwrap_err();
    assert!(!err.to_string().contains("pa55"), "{err}");
}

/// Every value a cache hands out is masked in logs written through `RedactingWriter`.
#[tokio::test]
async fn values_handed_out_never_reach_the_logs() {
    use std::io::Write;
    let cache = Cache::new(Scripted::new("sk_live_4eC39HqLyjWDarjtT1zdp7dc"));
    let v = cache.get("stripe").await.unwrap();
    let captured = Arc::new(Mutex::new(Vec::new()));
    let sink = captured.clone();
    let make = move || Capture(sink.clone());
    let writer = lambdasec_runtime::redact::RedactingWriter::new(make);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(key = %v.expose_secret(), "calling stripe with {}", v.expose_secret());
    });
    let text = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    assert!(text.contains("calling stripe"), "{text}");
    assert!(!text.contains("4eC39HqLyjWDarjtT1zdp7dc"), "{text}");

    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl Write for Capture {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}

#[tokio::test]
async fn one_retry_with_a_fresh_value_after_a_downstream_auth_failure() {
    let src = Scripted::new("old-password-123");
    let cache = Cache::new(src.clone());
    cache.get("db").await.unwrap();
    // Rotated behind the cache's back; the database now only accepts the new password.
    src.set("new-password-456", "v2");
    let attempts = AtomicUsize::new(0);
    let login = |p: SecretString| {
        attempts.fetch_add(1, Ordering::SeqCst);
        let ok = p.expose_secret() == "new-password-456";
        async move {
            if ok {
                Ok("connected")
            } else {
                Err("authentication failed")
            }
        }
    };
    let r = cache
        .with_auth_retry("db", |e: &&str| e.starts_with("authentication"), login)
        .await
        .unwrap();
    assert_eq!(r, Ok("connected"));
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(src.0.fetches.load(Ordering::SeqCst), 2);
    // Other errors are not retried.
    let r = cache
        .with_auth_retry(
            "db",
            |e: &&str| e.starts_with("authentication"),
            |_| async { Err::<(), _>("timeout") },
        )
        .await
        .unwrap();
    assert_eq!(r, Err("timeout"));
}
