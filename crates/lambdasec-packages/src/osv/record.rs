//! The parts of an OSV record (ossf/osv-schema) that matching needs. Own serde structs: the
//! `osv` crate rejects ecosystems it does not know, and a database must load whatever the
//! exports contain. Unknown fields are ignored.

use serde::{Deserialize, Deserializer};

/// `null` reads as the empty list (RustSec exports write `"versions": null`).
fn nullable<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub database_specific: Option<DatabaseSpecific>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSpecific {
    /// GHSA's `LOW`, `MODERATE`, `HIGH`, `CRITICAL`.
    #[serde(default)]
    pub severity: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<AffectedPackage>,
    #[serde(default, deserialize_with = "nullable")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "nullable")]
    pub versions: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AffectedPackage {
    pub ecosystem: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub events: Vec<Event>,
}

/// One event; exactly one field is set in a valid record.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub introduced: Option<String>,
    #[serde(default)]
    pub fixed: Option<String>,
    #[serde(default)]
    pub last_affected: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}
