//! The raw file model: TOML as written, with spans, before validation.
//!
//! Plain structs only (no enums, no flatten) so that every id and enum-like
//! word keeps its span; words are parsed in `validate`, where a bad value gets
//! a location and a suggestion.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// Which kind of catalog file this is, read before the full parse.
#[derive(Deserialize)]
pub(crate) struct Sniff {
    pub framework: Option<serde::de::IgnoredAny>,
    pub crosswalk: Option<serde::de::IgnoredAny>,
    pub catalog: Option<serde::de::IgnoredAny>,
    pub checklist: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrameworkFile {
    pub framework: FrameworkHeader,
    #[serde(default)]
    pub control: Vec<Spanned<RawControl>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrameworkHeader {
    pub id: Spanned<String>,
    pub name: String,
    pub short_name: Option<String>,
    pub version: String,
    pub publisher: String,
    pub published: String,
    pub source: String,
    pub licence: String,
    #[serde(default)]
    pub obligation_kinds: Vec<String>,
    #[serde(default)]
    pub selector: Vec<Spanned<RawSelector>>,
    #[serde(default)]
    pub deadline: Vec<RawDeadline>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeadline {
    pub id: String,
    pub notify: String,
    pub within: Option<Spanned<String>>,
    pub clause: String,
    pub note: String,
    pub when_in_scope: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSelector {
    pub name: String,
    pub attribute: String,
    pub kind: Spanned<String>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub always: Vec<String>,
    pub default: Option<toml::Value>,
    #[serde(default)]
    pub options: BTreeMap<String, Vec<String>>,
    pub value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawControl {
    pub id: Spanned<String>,
    pub title: String,
    pub parent: Option<Spanned<String>>,
    pub kind: String,
    pub requirement: Option<Spanned<String>>,
    pub level: Option<i64>,
    pub category: Option<String>,
    pub applies_to: Option<Spanned<String>>,
    #[serde(default)]
    pub future_dated: bool,
    pub effective_from: Option<String>,
    pub reference: Option<String>,
    pub renamed_from: Option<String>,
    #[serde(default)]
    pub param: Vec<Spanned<RawDemand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDemand {
    pub name: Spanned<String>,
    pub op: Spanned<String>,
    pub value: Spanned<toml::Value>,
    pub clause: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CrosswalkFile {
    pub crosswalk: CrosswalkHeader,
    #[serde(default)]
    pub edge: Vec<Spanned<RawEdge>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CrosswalkHeader {
    pub id: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub source: String,
    pub publisher: String,
    pub title: String,
    pub year: Option<i64>,
    pub url: Option<String>,
    pub default_relation: Option<Spanned<String>>,
    pub notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdge {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub relation: Option<Spanned<String>>,
    pub rationale: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliverableFile {
    pub catalog: DeliverableHeader,
    #[serde(default)]
    pub deliverable: Vec<Spanned<RawDeliverable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliverableHeader {
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    #[allow(dead_code)] // documentation for readers of the file
    pub notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeliverable {
    pub id: Spanned<String>,
    pub name: String,
    pub domain: Spanned<String>,
    pub layer: Option<Spanned<String>>,
    pub description: Option<String>,
    #[serde(default)]
    pub provides: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub implements: Vec<Spanned<RawImplements>>,
    #[serde(default)]
    pub evidence: Vec<RawEvidence>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawImplements {
    pub control: Spanned<String>,
    pub degree: Spanned<String>,
    pub responsibility: Spanned<String>,
    pub rationale: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvidence {
    pub name: String,
    pub frequency: String,
    pub format: String,
    pub owner: String,
}
