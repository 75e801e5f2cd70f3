//! The false-positive set: realistic non-secrets must produce nothing above `Placeholder`.

use std::path::PathBuf;

use lambdasec_secrets::{
    is_reference, scan_assignment, scan_reader, scan_text, Confidence, Detection,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/false_positives")
        .join(name)
}

fn assert_quiet(what: &str, ds: &[Detection], scanned: &str) {
    let loud: Vec<_> = ds
        .iter()
        .filter(|d| d.confidence > Confidence::Placeholder)
        .map(|d| (d.detector, d.secret(scanned).to_owned()))
        .collect();
    assert!(loud.is_empty(), "{what}: {loud:?}");
}

fn env_pairs() -> Vec<(String, String)> {
    std::fs::read_to_string(data("env_values.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once('\t').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn env_values_under_their_names() {
    let pairs = env_pairs();
    assert!(pairs.len() > 40);
    for (name, value) in &pairs {
        assert_quiet(
            &format!("{name}={value}"),
            &scan_assignment(name, value),
            value,
        );
    }
}

#[test]
fn env_values_under_sensitive_names() {
    // The same values under names that say secret: still references or non-secrets, except
    // where the value is a plain setting that only its real name explains (skipped below).
    let plain_settings = [
        "us-east-1",
        "COGNITO_USER_POOLS",
        "3600",
        "12",
        "true",
        "INFO",
        "--enable-source-maps",
    ];
    for (_, value) in env_pairs() {
        if plain_settings.contains(&value.as_str()) || value.starts_with("orders-prod") || value.starts_with("orders-api")
            || value.starts_with("1.24") || value.starts_with("1-5759")
            // A bare hex string under a secret name may well be a secret (hex API keys).
            || value.bytes().all(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        for name in ["API_KEY", "DB_PASSWORD", "CLIENT_SECRET"] {
            assert_quiet(
                &format!("{name}={value}"),
                &scan_assignment(name, &value),
                &value,
            );
        }
    }
}

#[test]
fn env_values_as_text() {
    for (name, value) in env_pairs() {
        let text = format!("{name}={value}\n");
        assert_quiet(&text, &scan_text(&text), &text);
        let yaml = format!("  {name}: \"{value}\"\n");
        assert_quiet(&yaml, &scan_text(&yaml), &yaml);
    }
}

#[test]
fn fixture_files() {
    for f in [
        "handler.py",
        "template.yaml",
        "serverless.yml",
        "package-lock.json",
        "poetry.lock",
        "test_constants.js",
        "env_values.txt",
    ] {
        let text = std::fs::read_to_string(data(f)).unwrap();
        assert_quiet(f, &scan_text(&text), &text);
        let streamed = scan_reader(text.as_bytes()).unwrap();
        let ds: Vec<Detection> = streamed.into_iter().map(|(d, _)| d).collect();
        assert_quiet(f, &ds, &text);
    }
}

#[test]
fn placeholders_are_still_reported_at_placeholder() {
    let text = std::fs::read_to_string(data("test_constants.js")).unwrap();
    let ds = scan_text(&text);
    let ids: Vec<_> = ds.iter().map(|d| d.detector).collect();
    assert!(ids.contains(&"aws-access-key-id"), "{ids:?}");
    assert!(ids.contains(&"jwt"), "{ids:?}");
    assert!(ids.contains(&"sensitive-name-literal"), "{ids:?}");
}

#[test]
fn references() {
    for v in [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:iam::123456789012:role/service-role/x",
        "/prod/db/password",
        "{{resolve:secretsmanager:MySecret:SecretString:password}}",
        "{{resolve:ssm:/x}}",
        "${ssm:/x}",
        "${env:API_KEY}",
        "prod/orders/db",
        "alias/aws/lambda",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "/opt/python/lib/python3.12/site-packages/botocore/data/endpoints.json",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "app.handler",
        "index.lambda_handler",
        "com.example.Handler::handleRequest",
        "https://example.com/path?x=1",
        "s3://bucket/key",
        "C:\\Users\\me\\key.pem",
        "./certs/ca.pem",
    ] {
        assert!(is_reference(v), "{v} should be a reference");
    }
    for v in [
        "hunter2",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "https://user:pass@example.com/",
        "q8Zt2LmX9vRk4WpN7sYb",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
    ] {
        assert!(!is_reference(v), "{v} should not be a reference");
    }
}

#[test]
fn git_shas_versions_uuids_hashes_in_text() {
    let text = "\
commit 3f786850e387550fdab836ed7e6dc881de23001b
Merge: 9fceb02 d2a8b1c
version = \"1.24.3\"
request_id = \"9b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b\"
checksum = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"
sha512 = \"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\"
token_type = \"Bearer\"
auth_header = request.headers[\"Authorization\"]
";
    assert_quiet("misc", &scan_text(text), text);
}
