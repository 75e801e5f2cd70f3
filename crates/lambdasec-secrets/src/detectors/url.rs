//! URLs with a password in their userinfo: database and broker connection strings
//! (`postgres://`, `mysql://`, `mongodb(+srv)://`, `redis://`, `amqp(s)://`) and basic-auth
//! URLs (`https://user:pass@host`). The password is the secret.

use super::push;
use crate::{Confidence, Detection};

pub const POSTGRES: &str = "postgres-url-password";
pub const MYSQL: &str = "mysql-url-password";
pub const MONGODB: &str = "mongodb-url-password";
pub const REDIS: &str = "redis-url-password";
pub const AMQP: &str = "amqp-url-password";
pub const DATABASE: &str = "database-url-password";
pub const BASIC_AUTH: &str = "basic-auth-url";

const MAX_AUTHORITY: usize = 512;

fn classify(scheme: &[u8]) -> (&'static str, &'static str) {
    let s = scheme.to_ascii_lowercase();
    let base = s.split(|&b| b == b'+').next().unwrap_or(&s);
    match base {
        b"postgres" | b"postgresql" | b"postgis" | b"pgsql" => {
            (POSTGRES, "PostgreSQL connection URL with password")
        }
        b"mysql" | b"mariadb" | b"mysqlx" => (MYSQL, "MySQL connection URL with password"),
        b"mongodb" => (MONGODB, "MongoDB connection URL with password"),
        b"redis" | b"rediss" | b"valkey" => (REDIS, "Redis connection URL with password"),
        b"amqp" | b"amqps" => (AMQP, "AMQP broker URL with password"),
        b"mssql" | b"sqlserver" | b"oracle" | b"cockroachdb" | b"clickhouse" | b"neo4j"
        | b"couchbase" | b"cassandra" | b"memcached" | b"elasticsearch" | b"influxdb" | b"db2"
        | b"sqlite" | b"kafka" | b"nats" | b"mqtt" | b"mqtts" | b"stomp" => {
            (DATABASE, "Database or broker connection URL with password")
        }
        _ => (BASIC_AUTH, "URL with embedded basic-auth credentials"),
    }
}

fn authority_stop(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b'(' | b')' | b','
        )
}

pub fn check(text: &[u8], at: usize, out: &mut Vec<Detection>) {
    // Scheme: letters, digits, + . - before `://`, starting with a letter.
    let mut s = at;
    while s > 0 && at - s < 32 && {
        let c = text[s - 1];
        c.is_ascii_alphanumeric() || c == b'+' || c == b'.' || c == b'-'
    } {
        s -= 1;
    }
    while s < at && !text[s].is_ascii_alphabetic() {
        s += 1;
    }
    if s == at {
        return;
    }
    let scheme = &text[s..at];
    let a = at + 3;
    let limit = text.len().min(a + MAX_AUTHORITY);
    let mut e = a;
    while e < limit && !authority_stop(text[e]) {
        e += 1;
    }
    let authority = &text[a..e];
    let Some(at_sign) = memchr::memrchr(b'@', authority) else {
        return;
    };
    let userinfo = &authority[..at_sign];
    let host = &authority[at_sign + 1..];
    let Some(colon) = memchr::memchr(b':', userinfo) else {
        return;
    };
    let user = &userinfo[..colon];
    let password = &userinfo[colon + 1..];
    if password.is_empty() || host.is_empty() {
        return;
    }
    if !(host[0].is_ascii_alphanumeric() || matches!(host[0], b'[' | b'$' | b'{' | b'%' | b'<')) {
        return;
    }
    let (id, description) = classify(scheme);
    let p_start = a + colon + 1;
    let p_end = a + at_sign;
    let c = if is_placeholder_password(user, password) {
        Confidence::Placeholder
    } else {
        Confidence::Certain
    };
    push(out, id, description, p_start, p_end, c);
}

fn is_placeholder_password(user: &[u8], password: &[u8]) -> bool {
    crate::placeholder::is_placeholder(password)
        || password == user
        || password.contains(&b'{')
        || password.starts_with(b"$")
        || password.starts_with(b"%")
        || password.contains(&b'*')
}
