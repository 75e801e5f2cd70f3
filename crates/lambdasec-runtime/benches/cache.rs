//! A cached read: `cargo bench -p lambdasec-runtime --bench cache` (target: under 1 µs).

use lambdasec_runtime::cache::{Cache, Fetched, Source, SourceError};
use secrecy::{ExposeSecret, SecretString};
use std::time::Instant;

struct Fixed;

impl Source for Fixed {
    async fn fetch(&self, _id: &str) -> Result<Fetched, SourceError> {
        Ok(Fetched {
            value: SecretString::from(
                "postgres://app:pa55w0rd@db.internal:5432/orders".to_string(),
            ),
            version: "v1".into(),
        })
    }
    async fn version(&self, _id: &str) -> Result<String, SourceError> {
        Ok("v1".into())
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cache = Cache::new(Fixed);
    let n = 1_000_000u32;
    let per = rt.block_on(async {
        cache.get("db").await.unwrap();
        for _ in 0..10_000 {
            cache.get("db").await.unwrap();
        }
        let start = Instant::now();
        let mut total = 0usize;
        for _ in 0..n {
            total += cache.get("db").await.unwrap().expose_secret().len();
        }
        assert!(total > 0);
        start.elapsed() / n
    });
    println!(
        "cached read: {} ns per get ({n} iterations)",
        per.as_nanos()
    );
}
