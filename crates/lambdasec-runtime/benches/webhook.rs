//! Benchmark: one GitHub signature check over a 64 KiB body.
//!
//! Run with `cargo bench -p lambdasec-runtime --bench webhook`. Prints the
//! mean time per check in nanoseconds (target: under 100 µs in release).

use std::hint::black_box;
use std::time::{Instant, SystemTime};

use hmac::{Hmac, Mac};
use http::HeaderMap;
use lambdasec_runtime::webhook::github;
use sha2::Sha256;

const BODY_LEN: usize = 64 * 1024;
const WARMUP: u32 = 200;
const ITERATIONS: u32 = 5_000;

fn main() {
    let secret = b"bench-secret-bench-secret";
    let body: Vec<u8> = (0..BODY_LEN).map(|i| (i % 251) as u8).collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length works");
    mac.update(&body);
    let sig = hex::encode(mac.finalize().into_bytes());
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-hub-signature-256",
        format!("sha256={sig}").parse().expect("valid header value"),
    );
    let now = SystemTime::now();

    for _ in 0..WARMUP {
        github::verify(secret, &headers, black_box(&body), now).expect("valid signature");
    }
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        let result = github::verify(
            black_box(secret),
            black_box(&headers),
            black_box(&body),
            now,
        );
        assert!(black_box(result).is_ok());
    }
    let elapsed = start.elapsed();
    let ns_per_check = elapsed.as_nanos() / u128::from(ITERATIONS);
    println!(
        "github verify, {BODY_LEN} byte body: {ns_per_check} ns per check ({:.1} µs; {ITERATIONS} iterations)",
        ns_per_check as f64 / 1000.0
    );
    if ns_per_check > 100_000 {
        println!("WARNING: above the 100 µs target");
    }
}
