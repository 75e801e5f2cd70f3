//! Word-aware test of whether a name (environment variable, config key, identifier) says
//! that its value is a secret.

/// Split a name into upper-cased words on `_ - . / space :` and camelCase boundaries.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let b = name.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            // fooBar | FOOBar -> FOO Bar
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit() && !cur.is_empty() && next_lower
                || prev.is_ascii_uppercase() && next_lower;
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_uppercase() as char);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that alone say secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "APIKEY",
    "APIKEYS",
    "PRIVATEKEY",
    "SECRETKEY",
    "ACCESSKEY",
    "AUTHKEY",
    "JWT",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
    "AUTHORIZATION",
    "BEARER",
    "PWD",
    "PASS",
    "DSN",
];

/// Compound endings that say secret (`DBPASSWORD`, `AUTHTOKEN`, `CLIENTSECRET`).
const SECRET_SUFFIXES: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY"];

/// `X KEY` pairs that say secret.
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "PRIVATE",
    "ACCESS",
    "SECRET",
    "SIGNING",
    "ENCRYPTION",
    "MASTER",
    "LICENSE",
    "CLIENT",
    "SERVICE",
    "HMAC",
    "AUTH",
    "APP",
    "SESSION",
    "WEBHOOK",
];

/// Words after the secret word that make the name describe the secret instead of holding it.
const NOT_SECRET_AFTER: &[&str] = &[
    "URL",
    "URI",
    "ARN",
    "ARNS",
    "NAME",
    "NAMES",
    "ID",
    "IDS",
    "PARAM",
    "PARAMS",
    "PARAMETER",
    "PARAMETERS",
    "PATH",
    "FILE",
    "FILENAME",
    "TYPE",
    "HEADER",
    "ENDPOINT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TTL",
    "TIMEOUT",
    "LENGTH",
    "LEN",
    "SIZE",
    "FIELD",
    "REGION",
    "ENABLED",
    "DISABLED",
    "ENABLE",
    "MODE",
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "VERSION",
    "LOCATION",
    "BUCKET",
    "TABLE",
    "QUEUE",
    "TOPIC",
    "ROLE",
    "POLICY",
    "PROVIDER",
    "METHOD",
    "SCOPE",
    "SCOPES",
    "ISSUER",
    "AUDIENCE",
    "ALGORITHM",
    "ALG",
    "FORMAT",
    "COUNT",
    "LIMIT",
    "PREFIX",
    "SUFFIX",
    "DIR",
    "FOLDER",
    "KEYID",
    "REF",
    "REFERENCE",
    "SSM",
    "STORE",
    "VAULT",
    "MIN",
    "MAX",
    "POLICY",
    "RULES",
    "REGEX",
    "PATTERN",
    "MESSAGE",
    "TEXT",
    "LABEL",
    "DESCRIPTION",
    "TITLE",
    "SERVER",
    "SERVICE",
    "DOMAIN",
    "CACHE",
    "RETRIES",
    "INTERVAL",
    "ROTATION",
    "REQUIRED",
    "FLOW",
    "STRATEGY",
    "HANDLER",
    "FUNCTION",
    "LAMBDA",
    "CLASS",
    "KIND",
    "PROFILE",
    "ACCOUNT",
];

fn is_secret_word(words: &[String], i: usize) -> bool {
    let w = words[i].as_str();
    if SECRET_WORDS.contains(&w) {
        // PWD and PASS alone are not names of secrets (`PWD` is the working directory).
        if (w == "PWD" || w == "PASS") && words.len() == 1 {
            return false;
        }
        return true;
    }
    if w == "KEY" || w == "KEYS" {
        return i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str());
    }
    SECRET_SUFFIXES
        .iter()
        .any(|s| w.len() > s.len() && w.ends_with(s))
}

/// See [`crate::is_sensitive_name`].
pub fn is_sensitive_name(name: &str) -> bool {
    let words = words(name);
    let Some(last_secret) = (0..words.len()).rev().find(|&i| is_secret_word(&words, i)) else {
        return false;
    };
    // `AUTH_TOKEN` keeps `TOKEN` as the secret word; `SECRET_ARN` / `TOKEN_URL` are references.
    !words[last_secret + 1..]
        .iter()
        .any(|w| NOT_SECRET_AFTER.contains(&w.as_str()))
}

/// Normalised name (letters and digits, lowercase) for compound tests.
pub fn squash(name: &str) -> String {
    name.bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_lowercase() as char)
        .collect()
}
