//! Every detector: true positives (secrets assembled at run time so this file holds none) and
//! near misses that must not fire.

use lambdasec_secrets::{redact, scan_assignment, scan_text, Confidence, Detection};

fn cat(parts: &[&str]) -> String {
    parts.concat()
}

fn find<'a>(ds: &'a [Detection], id: &str) -> Option<&'a Detection> {
    ds.iter().find(|d| d.detector == id)
}

/// `text` yields detector `id` at `confidence` covering exactly `secret`.
fn hit(text: &str, id: &str, secret: &str, confidence: Confidence) {
    let ds = scan_text(text);
    let d = find(&ds, id).unwrap_or_else(|| panic!("{id} not found in {text:?}: {ds:?}"));
    assert_eq!(d.secret(text), secret, "{id} range in {text:?}");
    assert_eq!(d.confidence, confidence, "{id} confidence in {text:?}");
    let r = redact(d.secret(text));
    assert!(!r.contains(secret), "redaction leaks {secret:?}: {r}");
}

fn miss(text: &str, id: &str) {
    let ds = scan_text(text);
    assert!(find(&ds, id).is_none(), "{id} fired on {text:?}: {ds:?}");
}

fn none_above_placeholder(text: &str) {
    let ds = scan_text(text);
    assert!(
        ds.iter().all(|d| d.confidence == Confidence::Placeholder),
        "unexpected detection in {text:?}: {ds:?}"
    );
}

/// Every true positive in this file, for the redaction-coverage test.
fn all_true_positive_texts() -> Vec<String> {
    vec![
        aws_key(),
        format!("key = {}\nsecret = {}", aws_key(), aws_secret()),
        pem("RSA PRIVATE KEY"),
        jwt(),
        cat(&["ghp_", BODY36]),
        cat(&["glpat-", "x7Hq2Lm9Pz4Rt6Vw8Ya1"]),
        cat(&[
            "xoxb-",
            "123456789012-1234567890123-",
            "Qm7ZrT2kWp9LxV4bNc8YdH3s",
        ]),
        cat(&["sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"]),
        cat(&["SK", "2b7c9e1f4a6d8b0c3e5f7a9b1d3f5e7a"]),
        cat(&[
            "SG.",
            "ngeVfQFYQlKU0ufo8x5d1A",
            ".",
            "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
        ]),
        cat(&["AIza", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"]),
        cat(&["npm_", BODY36]),
        cat(&[
            "pypi-AgEIcHlwaS5vcmc",
            "CJGQ4ZWI3LTQ1ZjYtNGE3OC05MDEyLWJjZGVmMDEyMzQ1NgACKlsz",
        ]),
        cat(&["postgres", "://app:Zq8", "vTr2Lk@db.internal:5432/app"]),
        cat(&["https", "://deploy:Gh7", "Kp2Lw@ci.internal/x"]),
    ]
}

const BODY36: &str = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5";

fn aws_key() -> String {
    cat(&["AKIA", "Z7Q4WXJ3M2KPLR5T"])
}
fn aws_secret() -> String {
    cat(&["Zk3vQ9", "pL2mX7rT4wY8bN1cF6hJ0dS5gA/Ku+Re3V"])
}
fn pem(label: &str) -> String {
    let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
                VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n";
    format!(
        "{}{label}-----\n{body}{body}{}{label}-----\n",
        "-----BEGIN ", "-----END "
    )
}
fn b64url(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        let k = c.len() + 1;
        for i in 0..k {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
fn jwt_with(header: &str, payload: &str, sig: &str) -> String {
    format!("{}.{}.{}", b64url(header), b64url(payload), sig)
}
fn jwt() -> String {
    jwt_with(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"user-42","iat":1716239022}"#,
        "Q7m2kVb9xL4pR8tW1yZ3cF6hJ0dS5gA",
    )
}

#[test]
fn aws_access_key_id() {
    let k = aws_key();
    hit(
        &format!("AWS_ACCESS_KEY_ID={k}"),
        "aws-access-key-id",
        &k,
        Confidence::Certain,
    );
    let t = cat(&["ASIA", "Y5TQ2MZ7W3KPLR4X"]);
    hit(
        &format!("creds = {{'k': '{t}'}}"),
        "aws-access-key-id",
        &t,
        Confidence::Certain,
    );
    for p in ["ABIA", "ACCA"] {
        let t = cat(&[p, "Y5TQ2MZ7W3KPLR4X"]);
        hit(
            &format!("x {t} y"),
            "aws-access-key-id",
            &t,
            Confidence::Certain,
        );
    }
    // Documentation example: placeholder, still reported.
    let ex = cat(&["AKIA", "IOSFODNN7", "EXAMPLE"]);
    hit(
        &format!("k={ex}"),
        "aws-access-key-id",
        &ex,
        Confidence::Placeholder,
    );
    let ds = scan_assignment("AWS_ACCESS_KEY_ID", &ex);
    assert_eq!(ds[0].confidence, Confidence::Placeholder);
    // Near misses.
    miss(&cat(&["AKIA", "Z7Q4WXJ3M2KPLR5"]), "aws-access-key-id"); // one short
    miss(&cat(&["AKIA", "Z7Q4WXJ3M2KPLR5TX"]), "aws-access-key-id"); // one long
    miss(&cat(&["AKIB", "Z7Q4WXJ3M2KPLR5T"]), "aws-access-key-id"); // wrong prefix
    miss(&cat(&["xAKIA", "Z7Q4WXJ3M2KPLR5T"]), "aws-access-key-id"); // inside a word
    miss(&cat(&["AKIA", "z7q4wxj3m2kplr5t"]), "aws-access-key-id"); // lowercase
}

#[test]
fn aws_secret_access_key() {
    let s = aws_secret();
    // Paired with a key id.
    let text = format!("aws_access_key_id = {}\nvalue = {s}\n", aws_key());
    hit(&text, "aws-secret-access-key", &s, Confidence::Certain);
    // Gated by name.
    hit(
        &format!("aws_secret_access_key = \"{s}\""),
        "aws-secret-access-key",
        &s,
        Confidence::Certain,
    );
    let ds = scan_assignment("AWS_SECRET_ACCESS_KEY", &s);
    assert_eq!(ds[0].detector, "aws-secret-access-key");
    assert_eq!(ds[0].confidence, Confidence::Certain);
    let ds = scan_assignment("SecretAccessKey", &s);
    assert_eq!(ds[0].detector, "aws-secret-access-key");
    // Documentation example.
    let ex = cat(&["wJalrXUtnFEMI/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY"]);
    let ds = scan_assignment("AWS_SECRET_ACCESS_KEY", &ex);
    assert!(ds.iter().all(|d| d.confidence == Confidence::Placeholder) && !ds.is_empty());
    // Near misses: alone without name or key id; 39 chars; git sha under the name.
    miss(&format!("value = {s}"), "aws-secret-access-key");
    miss(
        &format!("aws_secret_access_key = \"{}\"", &s[..39]),
        "aws-secret-access-key",
    );
    let sha = "0123abcd".repeat(5);
    assert!(find(
        &scan_assignment("AWS_SECRET_ACCESS_KEY", &sha),
        "aws-secret-access-key"
    )
    .is_none());
}

#[test]
fn private_keys() {
    for (label, id) in [
        ("RSA PRIVATE KEY", "private-key-rsa"),
        ("EC PRIVATE KEY", "private-key-ec"),
        ("OPENSSH PRIVATE KEY", "private-key-openssh"),
        ("DSA PRIVATE KEY", "private-key-dsa"),
        ("PGP PRIVATE KEY BLOCK", "private-key-pgp"),
        ("PRIVATE KEY", "private-key-pkcs8"),
        ("ENCRYPTED PRIVATE KEY", "private-key-pkcs8"),
    ] {
        let block = pem(label);
        let text = format!("KEY = '''\n{block}'''\n");
        hit(&text, id, block.trim_end(), Confidence::Certain);
    }
    // Escaped newlines in an environment value.
    let v = pem("RSA PRIVATE KEY").replace('\n', "\\n");
    let ds = scan_assignment("SIGNING_KEY", &v);
    assert_eq!(ds[0].detector, "private-key-rsa");
    // Near misses: a header in parsing code, a public key, a key body with a placeholder.
    miss(
        &format!(
            "if line.startswith('{}RSA PRIVATE KEY-----'):\n    pass\n",
            "-----BEGIN "
        ),
        "private-key-rsa",
    );
    miss(&pem("PUBLIC KEY"), "private-key-pkcs8");
    miss(&pem("CERTIFICATE"), "private-key-pkcs8");
    let ph = format!(
        "{}RSA PRIVATE KEY-----\n{}\n{}RSA PRIVATE KEY-----",
        "-----BEGIN ",
        "MIIEexample...".repeat(8),
        "-----END "
    );
    none_above_placeholder(&ph);
}

#[test]
fn jwts() {
    let t = jwt();
    hit(
        &format!("Authorization: Bearer {t}"),
        "jwt",
        &t,
        Confidence::Certain,
    );
    let es = jwt_with(
        r#"{"typ":"JWT","alg":"ES256","kid":"k1"}"#,
        r#"{"iss":"me"}"#,
        "aGVsbG8gd29ybGQgc2lnbmF0dXJl",
    );
    hit(&format!("t='{es}'"), "jwt", &es, Confidence::Certain);
    let unsigned = format!(
        "{}.",
        jwt_with(r#"{"alg":"none"}"#, r#"{"sub":"x"}"#, "").trim_end_matches('.')
    );
    hit(
        &format!("t={unsigned} "),
        "jwt",
        &unsigned,
        Confidence::Likely,
    );
    // jwt.io sample: placeholder.
    let sample = jwt_with(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    );
    hit(&sample, "jwt", &sample, Confidence::Placeholder);
    // Near misses: header without alg, header not JSON, only two parts.
    miss(
        &jwt_with(r#"{"typ":"JWT"}"#, r#"{"sub":"x"}"#, "abcdefghijkl"),
        "jwt",
    );
    miss(
        &format!(
            "eyJ{}.{}.{}",
            "hbGciOiJIUzI1Ni", "eyJzdWIiOiJ4In0", "abcdefgh"
        ),
        "jwt",
    );
    let two: Vec<&str> = t.split('.').collect();
    miss(&format!("{}.{}", two[0], two[1]), "jwt");
}

#[test]
fn github() {
    for (p, id) in [
        ("ghp_", "github-pat"),
        ("gho_", "github-oauth-token"),
        ("ghu_", "github-app-token"),
        ("ghs_", "github-app-token"),
        ("ghr_", "github-refresh-token"),
    ] {
        let t = cat(&[p, BODY36]);
        hit(&format!("token: \"{t}\""), id, &t, Confidence::Certain);
    }
    let fg = cat(&[
        "github_pat_",
        "11AQZX7K0rTmWp2VbNcY8d",
        "_",
        "mN0pQ1rS2tU3vW4xY5zA6bC7dE8fG9hI0jK1lM2nO3pQ4rS5tU6vW7xY8zA",
    ]);
    hit(
        &format!("GH={fg}"),
        "github-fine-grained-pat",
        &fg,
        Confidence::Certain,
    );
    miss(&cat(&["ghp_", &BODY36[..35]]), "github-pat");
    miss(&cat(&["ghx_", BODY36]), "github-pat");
    miss(&cat(&["ghp_", BODY36, "Z"]), "github-pat");
    none_above_placeholder(&cat(&["ghp_", &"x".repeat(36)]));
}

#[test]
fn gitlab() {
    let t = cat(&["glpat-", "x7Hq2Lm9Pz4Rt6Vw8Ya1"]);
    hit(
        &format!("GITLAB_TOKEN={t}"),
        "gitlab-pat",
        &t,
        Confidence::Certain,
    );
    let t2 = cat(&["glpat-", "Ab_3-dEf9GhIjK2LmNoP4qRsTuV"]);
    hit(&format!("'{t2}'"), "gitlab-pat", &t2, Confidence::Certain);
    miss(&cat(&["glpat-", "x7Hq2Lm9Pz4Rt6Vw8Ya"]), "gitlab-pat");
    miss(&cat(&["glpta-", "x7Hq2Lm9Pz4Rt6Vw8Ya1"]), "gitlab-pat");
}

#[test]
fn slack() {
    let t = cat(&[
        "xoxb-",
        "123456789012-1234567890123-",
        "Qm7ZrT2kWp9LxV4bNc8YdH3s",
    ]);
    hit(
        &format!("SLACK={t}"),
        "slack-token",
        &t,
        Confidence::Certain,
    );
    let p = cat(&[
        "xoxp-",
        "123456789012-123456789012-123456789012-",
        "0123abcd4567ef890123abcd4567ef89",
    ]);
    hit(&format!("\"{p}\""), "slack-token", &p, Confidence::Certain);
    let path = cat(&["T0A1B2C3D", "/B0A1B2C3D4/", "Xy7Kp2Lm9Qr4St6Vw8Za1Bc3"]);
    let url = cat(&["https://hooks.slack.com/services/", &path]);
    hit(
        &format!("WEBHOOK = \"{url}\""),
        "slack-webhook-url",
        &path,
        Confidence::Certain,
    );
    miss(&cat(&["xoxb-", "123-abc"]), "slack-token");
    miss(
        &cat(&[
            "xoxz-",
            "123456789012-1234567890123-",
            "Qm7ZrT2kWp9LxV4bNc8YdH3s",
        ]),
        "slack-token",
    );
    miss(
        &cat(&[
            "https://hooks.slack.com/services/",
            "T0A1B2C3D/B0A1B2C3D4/short",
        ]),
        "slack-webhook-url",
    );
}

#[test]
fn stripe() {
    let live = cat(&["sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"]);
    hit(
        &format!("stripe.api_key = '{live}'"),
        "stripe-secret-key",
        &live,
        Confidence::Certain,
    );
    let rk = cat(&["rk_live_", "51H8s2eKq9Xc0Rt7Yp3Lm6Vb4Nw1Zd"]);
    hit(
        &format!("{rk}\n"),
        "stripe-restricted-key",
        &rk,
        Confidence::Certain,
    );
    let test = cat(&["sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"]);
    hit(
        &format!("k={test}"),
        "stripe-secret-key",
        &test,
        Confidence::Likely,
    );
    miss(
        &cat(&["pk_live_", "4eC39HqLyjWDarjtT1zdp7dc"]),
        "stripe-secret-key",
    );
    miss(
        &cat(&["sk_live_", "4eC39HqLyjWDarjtT1zdp7d"]),
        "stripe-secret-key",
    );
}

#[test]
fn twilio() {
    let sk = cat(&["SK", "2b7c9e1f4a6d8b0c3e5f7a9b1d3f5e7a"]);
    hit(
        &format!("TWILIO_API_KEY={sk}"),
        "twilio-api-key",
        &sk,
        Confidence::Likely,
    );
    let ac = cat(&["AC", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"]);
    let tok = cat(&["4f1c9b2e7a", "3d5c8e0f1a2b3c4d5e6f7a"]);
    let text = format!("client = Client('{ac}', '{tok}')");
    hit(&text, "twilio-auth-token", &tok, Confidence::Certain);
    let ds = scan_assignment("TWILIO_AUTH_TOKEN", &tok);
    assert_eq!(ds[0].detector, "twilio-auth-token");
    hit(
        &format!("sid = '{ac}'\nauth_token = os.environ['T']"),
        "twilio-account-sid",
        &ac,
        Confidence::Likely,
    );
    // Near misses: SID alone, uppercase hex, one short.
    miss(&format!("sid = '{ac}'"), "twilio-auth-token");
    miss(&format!("sid = '{ac}'"), "twilio-account-sid");
    miss(
        &cat(&["SK", "2B7C9E1F4A6D8B0C3E5F7A9B1D3F5E7A"]),
        "twilio-api-key",
    );
    miss(
        &cat(&["SK", "2b7c9e1f4a6d8b0c3e5f7a9b1d3f5e7"]),
        "twilio-api-key",
    );
}

#[test]
fn sendgrid() {
    let t = cat(&[
        "SG.",
        "ngeVfQFYQlKU0ufo8x5d1A",
        ".",
        "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
    ]);
    hit(
        &format!("SENDGRID_API_KEY={t}"),
        "sendgrid-api-key",
        &t,
        Confidence::Certain,
    );
    hit(
        &format!("key: '{t}'"),
        "sendgrid-api-key",
        &t,
        Confidence::Certain,
    );
    miss(
        &cat(&[
            "SG.",
            "ngeVfQFYQlKU0ufo8x5d1",
            ".",
            "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
        ]),
        "sendgrid-api-key",
    );
    miss(
        &cat(&[
            "SG-",
            "ngeVfQFYQlKU0ufo8x5d1A",
            ".",
            "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
        ]),
        "sendgrid-api-key",
    );
}

#[test]
fn google() {
    let t = cat(&["AIza", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"]);
    hit(
        &format!("GOOGLE_API_KEY={t}"),
        "google-api-key",
        &t,
        Confidence::Certain,
    );
    hit(
        &format!("fetch(`https://maps.googleapis.com/x?key={t}`)"),
        "google-api-key",
        &t,
        Confidence::Certain,
    );
    miss(
        &cat(&["AIza", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBW"]),
        "google-api-key",
    );
    miss(
        &cat(&["AIzb", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"]),
        "google-api-key",
    );
}

#[test]
fn npm() {
    let t = cat(&["npm_", BODY36]);
    hit(
        &format!("//registry.npmjs.org/:_authToken={t}"),
        "npm-token",
        &t,
        Confidence::Certain,
    );
    hit(
        &format!("NPM_TOKEN=\"{t}\""),
        "npm-token",
        &t,
        Confidence::Certain,
    );
    miss(&cat(&["npm_", &BODY36[..35]]), "npm-token");
    miss(&cat(&["npm-", BODY36]), "npm-token");
}

#[test]
fn pypi() {
    let t = cat(&[
        "pypi-AgEIcHlwaS5vcmc",
        "CJGQ4ZWI3LTQ1ZjYtNGE3OC05MDEyLWJjZGVmMDEyMzQ1NgACKlsz",
    ]);
    hit(
        &format!("password = {t}"),
        "pypi-token",
        &t,
        Confidence::Certain,
    );
    hit(
        &format!("TWINE_PASSWORD={t}"),
        "pypi-token",
        &t,
        Confidence::Certain,
    );
    miss(&cat(&["pypi-AgEIcHlwaS5vcmc", "CJGQ4ZWI3"]), "pypi-token");
    miss(
        &cat(&[
            "pypi-AgEIcHlwaS5xxxx",
            "CJGQ4ZWI3LTQ1ZjYtNGE3OC05MDEyLWJjZGVmMDEyMzQ1NgACKlsz",
        ]),
        "pypi-token",
    );
}

#[test]
fn database_and_broker_urls() {
    for (scheme, id) in [
        ("postgres", "postgres-url-password"),
        ("postgresql", "postgres-url-password"),
        ("mysql", "mysql-url-password"),
        ("mongodb", "mongodb-url-password"),
        ("mongodb+srv", "mongodb-url-password"),
        ("redis", "redis-url-password"),
        ("rediss", "redis-url-password"),
        ("amqp", "amqp-url-password"),
        ("amqps", "amqp-url-password"),
    ] {
        let pw = cat(&["Zq8", "vTr2Lk"]);
        let url = format!("{scheme}://app_user:{pw}@db.internal:5432/app?sslmode=require");
        hit(
            &format!("DATABASE_URL=\"{url}\""),
            id,
            &pw,
            Confidence::Certain,
        );
        let ds = scan_assignment("DATABASE_URL", &url);
        assert_eq!(ds[0].detector, id);
        assert_eq!(ds[0].secret(&url), pw);
    }
    // Redis with an empty user.
    hit(
        &cat(&["redis", "://:Zq8vTr2Lk@cache:6379/0"]),
        "redis-url-password",
        "Zq8vTr2Lk",
        Confidence::Certain,
    );
    // Placeholders.
    none_above_placeholder("postgres://user:password@localhost/db");
    none_above_placeholder("postgres://postgres:postgres@localhost:5432/test");
    none_above_placeholder("url = f\"postgresql://{user}:{password}@{host}/{db}\"");
    none_above_placeholder("const u = `mysql://${user}:${pass}@${host}/x`;");
    // Near misses: no password, no userinfo.
    miss(
        "postgres://app_user@db.internal/app",
        "postgres-url-password",
    );
    miss(
        "mongodb+srv://cluster0.abcde.mongodb.net/app",
        "mongodb-url-password",
    );
    miss("redis://cache:6379/0", "redis-url-password");
}

#[test]
fn basic_auth_urls() {
    let pw = cat(&["Gh7", "Kp2Lw9"]);
    hit(
        &format!("git clone https://deploy:{pw}@git.internal/repo.git"),
        "basic-auth-url",
        &pw,
        Confidence::Certain,
    );
    hit(
        &format!("ES_URL=http://elastic:{pw}@search:9200"),
        "basic-auth-url",
        &pw,
        Confidence::Certain,
    );
    miss("https://user@git.internal/repo.git", "basic-auth-url");
    miss("https://docs.example.com/a:b@c", "basic-auth-url");
    miss("see https://example.com:8443/path", "basic-auth-url");
}

#[test]
fn generic_high_entropy_and_literals() {
    let v = cat(&["q8Zt", "2LmX9vRk4WpN7sYb"]);
    let ds = scan_assignment("API_KEY", &v);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].detector, "generic-high-entropy");
    assert_eq!(ds[0].confidence, Confidence::Likely);
    let hex = cat(&[
        "9f86d081884c7d65",
        "9a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ]);
    assert_eq!(
        scan_assignment("WEBHOOK_SECRET", &hex)[0].detector,
        "generic-high-entropy"
    );
    // In code.
    hit(
        &format!("client_secret = \"{v}\""),
        "generic-high-entropy",
        &v,
        Confidence::Likely,
    );
    hit(
        &format!("{{\"apiKey\": \"{v}\"}}"),
        "generic-high-entropy",
        &v,
        Confidence::Likely,
    );
    hit(
        &format!("  api_token: {v}\n"),
        "generic-high-entropy",
        &v,
        Confidence::Likely,
    );
    // Weak literal under a sensitive name (peer pitfall #16).
    let ds = scan_assignment("DB_PASSWORD", "hunter2");
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].detector, "sensitive-name-literal");
    assert_eq!(ds[0].confidence, Confidence::Likely);
    hit(
        "DB_PASSWORD=hunter2\n",
        "sensitive-name-literal",
        "hunter2",
        Confidence::Likely,
    );
    hit(
        "export DB_PASSWORD=hunter2\n",
        "sensitive-name-literal",
        "hunter2",
        Confidence::Likely,
    );
    hit(
        "conn = connect(password=\"hunter2\")",
        "sensitive-name-literal",
        "hunter2",
        Confidence::Likely,
    );
    hit(
        "$db_password = 'hunter2';",
        "sensitive-name-literal",
        "hunter2",
        Confidence::Likely,
    );
    // Placeholders under sensitive names.
    for p in [
        "changeme",
        "<password>",
        "${DB_PASSWORD_VALUE}",
        "xxxxxxxx",
        "example",
        "dummy",
        "test",
        "password",
        "aaaaaaaa",
    ] {
        let ds = scan_assignment("DB_PASSWORD", p);
        assert!(
            ds.iter().all(|d| d.confidence == Confidence::Placeholder),
            "{p}: {ds:?}"
        );
    }
    // Not sensitive names, or not literals.
    assert!(scan_assignment("TABLE_NAME", &v).is_empty());
    assert!(scan_assignment("TOKEN_URL", "https://auth.internal/oauth2/token").is_empty());
    assert!(scan_assignment("DB_PASSWORD", "").is_empty());
    miss("password = get_password()", "sensitive-name-literal");
    miss("if password == \"hunter2\":", "sensitive-name-literal");
    miss("password: str", "sensitive-name-literal");
    miss(
        "token = event.headers.authorization",
        "generic-high-entropy",
    );
}

#[test]
fn sensitive_names() {
    use lambdasec_secrets::is_sensitive_name as s;
    for n in [
        "PASSWORD",
        "DB_PASSWORD",
        "db_passwd",
        "SECRET",
        "CLIENT_SECRET",
        "GITHUB_TOKEN",
        "API_KEY",
        "apiKey",
        "APIKEY",
        "PRIVATE_KEY",
        "privateKey",
        "JWT_SECRET",
        "JWT",
        "CREDENTIALS",
        "AUTH_TOKEN",
        "ACCESS_KEY",
        "SECRET_KEY_BASE",
        "dbPassword",
        "STRIPE_SECRET_KEY",
        "AUTH",
        "DBPASSWORD",
        "SLACK_BOT_TOKEN",
        "DB_PASS",
        "SIGNING_KEY",
        "PASSPHRASE",
    ] {
        assert!(s(n), "{n} should be sensitive");
    }
    for n in [
        "TOKEN_URL",
        "SECRET_ARN",
        "PASSWORD_PARAM",
        "AUTH_TYPE",
        "TABLE_NAME",
        "PWD",
        "AUTHOR",
        "SECRET_NAME",
        "TOKEN_EXPIRY",
        "PASSWORD_MIN_LENGTH",
        "ACCESS_KEY_ID",
        "KMS_KEY_ID",
        "S3_KEY",
        "KEY",
        "OAUTH_TOKEN_ENDPOINT",
        "SECRETS_MANAGER_ENDPOINT",
        "JWT_ISSUER",
        "AUTH_ENABLED",
        "TOKENIZER",
        "secretArn",
        "passwordParameterName",
        "CREDENTIALS_PROVIDER",
        "HANDLER",
    ] {
        assert!(!s(n), "{n} should not be sensitive");
    }
}

#[test]
fn detections_name_what_they_found() {
    for text in all_true_positive_texts() {
        for d in scan_text(&text) {
            assert!(
                lambdasec_secrets::DETECTORS.contains(&d.detector),
                "{}",
                d.detector
            );
            assert!(!d.description.is_empty());
        }
        assert!(!scan_text(&text).is_empty(), "nothing in {text:?}");
    }
}

#[test]
fn redact_never_returns_a_whole_secret() {
    for text in all_true_positive_texts() {
        for d in scan_text(&text) {
            let secret = d.secret(&text);
            let r = redact(secret);
            assert!(!r.contains(secret), "{r} contains {secret}");
            assert!(r.contains(&format!("({} chars)", secret.chars().count())));
        }
    }
    let v = cat(&["q8Zt", "2LmX9vRk4WpN7sYb"]);
    for d in scan_assignment("API_KEY", &v) {
        assert!(!redact(d.secret(&v)).contains(&v));
    }
}
