//! The provider profile (`[provider]`) and contract terms (`[terms]`) of a
//! contract, plus `[contract] client_employees`: what the provider assessment
//! (`assess`) reads besides deliverables and SLAs.
//!
//! Every value becomes a [`Fact`] under a dotted path (`provider.soc_hours`,
//! `terms.baa_available`) with the span it was written at, so a checklist item
//! can name the field that decides it and cite `file:line`. [`FIELDS`] is the
//! vocabulary: the checklist loader rejects paths that are not in it.
//!
//! A stated value that says "no" or says nothing (`false`, `""`, `[]`) is still
//! stated: the checklist reads it as falling short, not as silence.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::model::{Framework, Origin};
use crate::param::{self, Value};

/// The `[provider]` table as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProvider {
    soc_hours: Option<Spanned<String>>,
    soc_model: Option<Spanned<String>>,
    soc_locations: Option<Spanned<Vec<Spanned<String>>>>,
    analyst_to_client_ratio: Option<Spanned<String>>,
    escalation_tiers_documented: Option<Spanned<bool>>,
    staffing_continuity_plan: Option<Spanned<bool>>,
    siem_platform: Option<Spanned<String>>,
    siem_version: Option<Spanned<String>>,
    siem_ownership: Option<Spanned<String>>,
    threat_intel_sources: Option<Spanned<Vec<Spanned<RawIntelSource>>>>,
    detection_update_interval: Option<Spanned<String>>,
    cloud_platforms: Option<Spanned<Vec<Spanned<String>>>>,
    saas_coverage: Option<Spanned<bool>>,
    ot_coverage: Option<Spanned<bool>>,
    edr_integration: Option<Spanned<bool>>,
    own_sensors: Option<Spanned<bool>>,
    mdr_offering: Option<Spanned<String>>,
    soc2_report_date: Option<Spanned<String>>,
    historical_sla_data: Option<Spanned<bool>>,
    framework_mappings: Option<Spanned<Vec<Spanned<String>>>>,
    declared_tier: Option<Spanned<String>>,
    typical_client_size: Option<Spanned<String>>,
}

/// One threat intelligence source as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIntelSource {
    name: String,
    kind: Spanned<String>,
}

/// The `[terms]` table as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTerms {
    data_ownership: Option<Spanned<String>>,
    data_retention: Option<Spanned<String>>,
    data_return_on_exit: Option<Spanned<bool>>,
    data_deletion_on_exit: Option<Spanned<bool>>,
    subprocessors: Option<Spanned<Vec<Spanned<String>>>>,
    subcontracting_disclosed: Option<Spanned<bool>>,
    baa_available: Option<Spanned<bool>>,
    dpa_available: Option<Spanned<bool>>,
    sla_penalties: Option<Spanned<bool>>,
    engagement_end_state: Option<Spanned<String>>,
    promises: Option<Spanned<Vec<Spanned<String>>>>,
    internal_responsibilities: Option<Spanned<Vec<Spanned<String>>>>,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `true` / `false`.
    Bool,
    /// Free text.
    Text,
    /// One of a fixed list of words.
    Word(&'static [&'static str]),
    /// A list of free-text lines.
    List,
    /// A list of framework ids.
    Frameworks,
    /// A whole number.
    Count,
    /// A duration such as `30 days`.
    Duration,
    /// A coverage window such as `24x7`.
    Window,
    /// A `YYYY-MM-DD` date.
    Date,
    /// `analysts:clients`, such as `1:12`.
    Ratio,
    /// A list of `{ name, kind }` threat intelligence sources.
    Sources,
    /// A table of severity = duration (`[sla]` `mttd`, `mttr`, `escalation`).
    Severities,
}

/// A field the assessment can read.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Dotted path, e.g. `provider.soc_hours`.
    pub path: &'static str,
    /// Its kind.
    pub kind: FieldKind,
    /// What it records.
    pub description: &'static str,
}

/// SOC staffing models.
pub const SOC_MODELS: &[&str] = &["none", "shared", "dedicated"];
/// Who owns and hosts the SIEM.
pub const SIEM_OWNERSHIP: &[&str] = &["client", "provider-shared", "provider-dedicated"];
/// How MDR is offered.
pub const MDR_OFFERINGS: &[&str] = &["none", "add-on", "native"];
/// Service tiers.
pub const TIERS: &[&str] = &["basic", "mid-market", "enterprise"];
/// Client size bands.
pub const CLIENT_SIZES: &[&str] = &["smb", "mid-market", "enterprise"];
/// Who owns the client's security data.
pub const DATA_OWNERS: &[&str] = &["client", "provider", "shared"];
/// Kinds of threat intelligence source.
pub const INTEL_KINDS: &[&str] = &[
    "commercial",
    "open-source",
    "isac",
    "government",
    "proprietary",
];

const fn f(path: &'static str, kind: FieldKind, description: &'static str) -> FieldDef {
    FieldDef {
        path,
        kind,
        description,
    }
}

/// Every `[contract]`, `[provider]` and `[terms]` field the assessment reads.
/// `[sla]` values are read as `sla.NAME` and contract deliverable values as
/// `provides.NAME` (see [`field_kind`]).
pub const FIELDS: &[FieldDef] = &[
    f("contract.client_employees", FieldKind::Count, "number of employees of the client"),
    f("contract.notes", FieldKind::Text, "free text about the agreement"),
    f("provider.soc_hours", FieldKind::Window, "hours the SOC is staffed, e.g. `24x7`, `8x5`"),
    f("provider.soc_model", FieldKind::Word(SOC_MODELS), "SOC staffing: `none` (no staffed SOC), `shared` across clients, `dedicated` to this client"),
    f("provider.soc_locations", FieldKind::List, "where the SOC(s) operate (city, country)"),
    f("provider.analyst_to_client_ratio", FieldKind::Ratio, "analysts to clients, `A:C` such as `1:12`; `\"\"` records that it was not disclosed"),
    f("provider.escalation_tiers_documented", FieldKind::Bool, "tier 1/2/3 analyst escalation procedures are documented"),
    f("provider.staffing_continuity_plan", FieldKind::Bool, "a plan covers analyst attrition and absence"),
    f("provider.siem_platform", FieldKind::Text, "SIEM product"),
    f("provider.siem_version", FieldKind::Text, "SIEM version"),
    f("provider.siem_ownership", FieldKind::Word(SIEM_OWNERSHIP), "`client` (client-owned instance), `provider-shared` (provider-hosted, multi-tenant), `provider-dedicated` (provider-hosted, segregated per client)"),
    f("provider.threat_intel_sources", FieldKind::Sources, "threat intelligence sources: `{ name, kind }`, kind one of commercial, open-source, isac, government, proprietary"),
    f("provider.detection_update_interval", FieldKind::Duration, "how often detection rules are updated"),
    f("provider.cloud_platforms", FieldKind::List, "cloud platforms monitored, e.g. `aws`, `azure`, `gcp`"),
    f("provider.saas_coverage", FieldKind::Bool, "SaaS applications are monitored"),
    f("provider.ot_coverage", FieldKind::Bool, "operational technology (OT/ICS, medical devices) is monitored"),
    f("provider.edr_integration", FieldKind::Bool, "the service integrates with endpoint detection and response (EDR)"),
    f("provider.own_sensors", FieldKind::Bool, "detection runs on the provider's own endpoint or network sensors"),
    f("provider.mdr_offering", FieldKind::Word(MDR_OFFERINGS), "managed detection and response: `none`, `add-on` (offered, bought separately), `native`"),
    f("provider.soc2_report_date", FieldKind::Date, "date of the provider's latest SOC 2 Type II report (end of the period it covers)"),
    f("provider.historical_sla_data", FieldKind::Bool, "past SLA performance data is available for review"),
    f("provider.framework_mappings", FieldKind::Frameworks, "frameworks the provider maps its services and reports to (framework ids)"),
    f("provider.declared_tier", FieldKind::Word(TIERS), "the tier the provider sells this as: `basic`, `mid-market`, `enterprise`"),
    f("provider.typical_client_size", FieldKind::Word(CLIENT_SIZES), "the provider's typical client: `smb`, `mid-market`, `enterprise`"),
    f("terms.data_ownership", FieldKind::Word(DATA_OWNERS), "who owns the client's logs and security data: `client`, `provider`, `shared`"),
    f("terms.data_retention", FieldKind::Duration, "how long the provider keeps the client's data"),
    f("terms.data_return_on_exit", FieldKind::Bool, "data is returned to the client when the contract ends"),
    f("terms.data_deletion_on_exit", FieldKind::Bool, "data is deleted (with confirmation) when the contract ends"),
    f("terms.subprocessors", FieldKind::List, "subprocessors that handle client data (`[\"none\"]` if none)"),
    f("terms.subcontracting_disclosed", FieldKind::Bool, "subcontracting and fourth parties are disclosed"),
    f("terms.baa_available", FieldKind::Bool, "a HIPAA business associate agreement is available"),
    f("terms.dpa_available", FieldKind::Bool, "a data processing agreement is available"),
    f("terms.sla_penalties", FieldKind::Bool, "missed SLAs carry penalties or service credits"),
    f("terms.engagement_end_state", FieldKind::Text, "the deliverable that ends a project engagement (consulting)"),
    f("terms.promises", FieldKind::List, "the provider's commitments as written, one per line (scanned for misconceptions)"),
    f("terms.internal_responsibilities", FieldKind::List, "what the client's own staff remain responsible for"),
];

/// The kind of a field path: one of [`FIELDS`], `sla.mttd` / `sla.mttr` /
/// `sla.escalation`, `sla.PARAM` or `provides.PARAM` for a parameter of the
/// shared vocabulary.
pub fn field_kind(path: &str) -> Option<FieldKind> {
    if let Some(def) = FIELDS.iter().find(|d| d.path == path) {
        return Some(def.kind);
    }
    let (table, name) = path.split_once('.')?;
    match (table, name) {
        ("sla", "mttd" | "mttr" | "escalation") => Some(FieldKind::Severities),
        ("sla" | "provides", name) => param::definition(name).map(|d| match d.kind {
            param::Kind::Duration => FieldKind::Duration,
            param::Kind::Window => FieldKind::Window,
            param::Kind::Bool => FieldKind::Bool,
            param::Kind::Count => FieldKind::Count,
        }),
        _ => None,
    }
}

/// Every path [`field_kind`] knows, for suggestions.
pub fn field_paths() -> Vec<String> {
    let mut v: Vec<String> = FIELDS.iter().map(|d| d.path.to_string()).collect();
    for s in ["mttd", "mttr", "escalation"] {
        v.push(format!("sla.{s}"));
    }
    for p in param::VOCABULARY {
        v.push(format!("sla.{}", p.name));
        v.push(format!("provides.{}", p.name));
    }
    v
}

/// A threat intelligence source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IntelSource {
    /// Its name.
    pub name: String,
    /// One of [`INTEL_KINDS`].
    pub kind: String,
}

/// A typed value of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    /// Yes or no.
    Bool(bool),
    /// Text or a word (words are checked against their list).
    Text(String),
    /// Lines (or framework ids).
    List(Vec<String>),
    /// A whole number.
    Count(i64),
    /// A duration or coverage window.
    Quantity(Value),
    /// A date.
    Date(Date),
    /// Threat intelligence sources.
    Sources(Vec<IntelSource>),
    /// Severity -> duration.
    Severities(BTreeMap<String, Value>),
}

impl FactValue {
    /// Does the value affirm what its field asks, rather than say no or nothing?
    /// `false`, `""`, `[]` and `{}` do not.
    pub fn affirms(&self) -> bool {
        match self {
            FactValue::Bool(b) => *b,
            FactValue::Text(t) => !t.trim().is_empty(),
            FactValue::List(v) => v.iter().any(|x| !x.trim().is_empty()),
            FactValue::Count(n) => *n > 0,
            FactValue::Quantity(_) | FactValue::Date(_) => true,
            FactValue::Sources(v) => !v.is_empty(),
            FactValue::Severities(m) => !m.is_empty(),
        }
    }
}

impl std::fmt::Display for FactValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FactValue::Bool(b) => write!(f, "{b}"),
            FactValue::Text(t) if t.is_empty() => f.write_str("\"\""),
            FactValue::Text(t) => f.write_str(t),
            FactValue::List(v) if v.is_empty() => f.write_str("[]"),
            FactValue::List(v) => f.write_str(&v.join("; ")),
            FactValue::Count(n) => write!(f, "{n}"),
            FactValue::Quantity(v) => write!(f, "{v}"),
            FactValue::Date(d) => write!(f, "{d}"),
            FactValue::Sources(v) if v.is_empty() => f.write_str("[]"),
            FactValue::Sources(v) => f.write_str(
                &v.iter()
                    .map(|s| format!("{} ({})", s.name, s.kind))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            FactValue::Severities(m) if m.is_empty() => f.write_str("{}"),
            FactValue::Severities(m) => f.write_str(&severities_text(m)),
        }
    }
}

/// `critical 15 minutes, high 1 hour`, most severe first.
pub fn severities_text(m: &BTreeMap<String, Value>) -> String {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by_key(|(k, _)| (severity_rank(k), (*k).clone()));
    v.iter()
        .map(|(k, x)| format!("{k} {x}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn severity_rank(s: &str) -> usize {
    ["critical", "high", "medium", "low", "informational"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or(9)
}

/// A stated value with where it was written.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The value.
    pub value: FactValue,
    /// The span of the value.
    pub origin: Origin,
    /// For lists: the span of each element, in order.
    pub items: Vec<Origin>,
}

/// The facts of one contract, by path (`provider.*`, `terms.*`, `contract.*`).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Path -> fact.
    pub facts: BTreeMap<String, Fact>,
}

impl Profile {
    /// A fact by path.
    pub fn get(&self, path: &str) -> Option<&Fact> {
        self.facts.get(path)
    }

    /// A boolean fact.
    pub fn flag(&self, path: &str) -> Option<bool> {
        match self.get(path)?.value {
            FactValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A text or word fact.
    pub fn text(&self, path: &str) -> Option<&str> {
        match &self.get(path)?.value {
            FactValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// A list fact.
    pub fn list(&self, path: &str) -> Option<&[String]> {
        match &self.get(path)?.value {
            FactValue::List(v) => Some(v),
            _ => None,
        }
    }
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    frameworks: &'a BTreeMap<String, Framework>,
    facts: BTreeMap<String, Fact>,
    diags: &'a mut Diagnostics,
}

impl Builder<'_> {
    fn origin(&self, span: Range<usize>) -> Origin {
        Origin {
            file: Arc::clone(self.file),
            span,
        }
    }

    fn put(&mut self, path: &str, value: FactValue, span: Range<usize>, items: Vec<Range<usize>>) {
        let items = items.into_iter().map(|s| self.origin(s)).collect();
        let origin = self.origin(span);
        self.facts.insert(
            path.to_string(),
            Fact {
                value,
                origin,
                items,
            },
        );
    }

    fn bool(&mut self, path: &str, v: Option<Spanned<bool>>) {
        if let Some(v) = v {
            let span = v.span();
            self.put(path, FactValue::Bool(v.into_inner()), span, vec![]);
        }
    }

    fn text(&mut self, path: &str, v: Option<Spanned<String>>) {
        if let Some(v) = v {
            let span = v.span();
            self.put(path, FactValue::Text(v.into_inner()), span, vec![]);
        }
    }

    fn word(&mut self, path: &str, what: &str, allowed: &[&str], v: Option<Spanned<String>>) {
        let Some(v) = v else { return };
        if !allowed.contains(&v.get_ref().as_str()) {
            self.diags
                .push(crate::catalog::bad_word(self.file, what, &v, allowed));
            return;
        }
        self.text(path, Some(v));
    }

    fn list(&mut self, path: &str, v: Option<Spanned<Vec<Spanned<String>>>>) {
        if let Some(v) = v {
            let span = v.span();
            let items = v.get_ref().iter().map(Spanned::span).collect();
            let lines = v
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect();
            self.put(path, FactValue::List(lines), span, items);
        }
    }

    fn typed(
        &mut self,
        path: &str,
        v: Option<Spanned<String>>,
        parse: impl Fn(&str) -> Result<FactValue, String>,
        hint: Option<&str>,
    ) {
        let Some(v) = v else { return };
        match parse(v.get_ref()) {
            Ok(value) => self.put(path, value, v.span(), vec![]),
            Err(e) => {
                let mut d = Diagnostic::error(Code::InvalidValue, format!("`{path}`: {e}"))
                    .at(self.file, v.span());
                if let Some(h) = hint {
                    d = d.help(h);
                }
                self.diags.push(d);
            }
        }
    }

    fn frameworks(&mut self, path: &str, v: Option<Spanned<Vec<Spanned<String>>>>) {
        let Some(v) = v else { return };
        let mut ok = true;
        for id in v.get_ref() {
            if !self.frameworks.contains_key(id.get_ref()) {
                ok = false;
                let mut d = crate::catalog::unknown_framework(id.get_ref(), self.frameworks);
                d.message = format!("`{path}` names {}", d.message);
                self.diags.push(d.at(self.file, id.span()));
            }
        }
        if ok {
            self.list(path, Some(v));
        }
    }

    fn sources(&mut self, path: &str, v: Option<Spanned<Vec<Spanned<RawIntelSource>>>>) {
        let Some(v) = v else { return };
        let span = v.span();
        let mut items = Vec::new();
        let mut sources = Vec::new();
        for s in v.into_inner() {
            let item_span = s.span();
            let s = s.into_inner();
            if !INTEL_KINDS.contains(&s.kind.get_ref().as_str()) {
                self.diags.push(crate::catalog::bad_word(
                    self.file,
                    "threat intelligence kind",
                    &s.kind,
                    INTEL_KINDS,
                ));
                continue;
            }
            items.push(item_span);
            sources.push(IntelSource {
                name: s.name,
                kind: s.kind.into_inner(),
            });
        }
        self.put(path, FactValue::Sources(sources), span, items);
    }
}

fn ratio(s: &str) -> Result<FactValue, String> {
    if s.trim().is_empty() {
        return Ok(FactValue::Text(String::new()));
    }
    let bad = || format!("`{s}` is not a ratio: write analysts:clients, such as `1:12`");
    let (a, c) = s.split_once(':').ok_or_else(bad)?;
    let a: u32 = a.trim().parse().map_err(|_| bad())?;
    let c: u32 = c.trim().parse().map_err(|_| bad())?;
    if a == 0 || c == 0 {
        return Err(bad());
    }
    Ok(FactValue::Text(format!("{a}:{c}")))
}

fn duration(s: &str) -> Result<FactValue, String> {
    param::parse_duration(s).map(FactValue::Quantity)
}

fn window(s: &str) -> Result<FactValue, String> {
    param::parse_window(s).map(FactValue::Quantity)
}

fn date(s: &str) -> Result<FactValue, String> {
    Date::parse(s).map(FactValue::Date)
}

/// Validate the profile tables of a contract into facts.
pub(crate) fn validate(
    file: &Arc<SourceFile>,
    frameworks: &BTreeMap<String, Framework>,
    client_employees: Option<Spanned<i64>>,
    notes: Option<Spanned<String>>,
    provider: Option<RawProvider>,
    terms: Option<RawTerms>,
    diags: &mut Diagnostics,
) -> Profile {
    let mut b = Builder {
        file,
        frameworks,
        facts: BTreeMap::new(),
        diags,
    };
    if let Some(n) = client_employees {
        if *n.get_ref() < 0 {
            b.diags.push(
                Diagnostic::error(Code::InvalidValue, "`client_employees` cannot be negative")
                    .at(file, n.span()),
            );
        } else {
            let span = n.span();
            b.put(
                "contract.client_employees",
                FactValue::Count(n.into_inner()),
                span,
                vec![],
            );
        }
    }
    b.text("contract.notes", notes);

    let p = provider.unwrap_or_default();
    b.typed("provider.soc_hours", p.soc_hours, window, None);
    b.word("provider.soc_model", "SOC model", SOC_MODELS, p.soc_model);
    b.list("provider.soc_locations", p.soc_locations);
    b.typed(
        "provider.analyst_to_client_ratio",
        p.analyst_to_client_ratio,
        ratio,
        Some("e.g. `1:12` for one analyst per twelve clients; `\"\"` if the provider does not disclose it"),
    );
    b.bool(
        "provider.escalation_tiers_documented",
        p.escalation_tiers_documented,
    );
    b.bool(
        "provider.staffing_continuity_plan",
        p.staffing_continuity_plan,
    );
    b.text("provider.siem_platform", p.siem_platform);
    b.text("provider.siem_version", p.siem_version);
    b.word(
        "provider.siem_ownership",
        "SIEM ownership",
        SIEM_OWNERSHIP,
        p.siem_ownership,
    );
    b.sources("provider.threat_intel_sources", p.threat_intel_sources);
    b.typed(
        "provider.detection_update_interval",
        p.detection_update_interval,
        duration,
        None,
    );
    b.list("provider.cloud_platforms", p.cloud_platforms);
    b.bool("provider.saas_coverage", p.saas_coverage);
    b.bool("provider.ot_coverage", p.ot_coverage);
    b.bool("provider.edr_integration", p.edr_integration);
    b.bool("provider.own_sensors", p.own_sensors);
    b.word(
        "provider.mdr_offering",
        "MDR offering",
        MDR_OFFERINGS,
        p.mdr_offering,
    );
    b.typed(
        "provider.soc2_report_date",
        p.soc2_report_date,
        date,
        Some("write the date as YYYY-MM-DD"),
    );
    b.bool("provider.historical_sla_data", p.historical_sla_data);
    b.frameworks("provider.framework_mappings", p.framework_mappings);
    b.word("provider.declared_tier", "tier", TIERS, p.declared_tier);
    b.word(
        "provider.typical_client_size",
        "client size",
        CLIENT_SIZES,
        p.typical_client_size,
    );

    let t = terms.unwrap_or_default();
    b.word(
        "terms.data_ownership",
        "data owner",
        DATA_OWNERS,
        t.data_ownership,
    );
    b.typed("terms.data_retention", t.data_retention, duration, None);
    b.bool("terms.data_return_on_exit", t.data_return_on_exit);
    b.bool("terms.data_deletion_on_exit", t.data_deletion_on_exit);
    b.list("terms.subprocessors", t.subprocessors);
    b.bool("terms.subcontracting_disclosed", t.subcontracting_disclosed);
    b.bool("terms.baa_available", t.baa_available);
    b.bool("terms.dpa_available", t.dpa_available);
    b.bool("terms.sla_penalties", t.sla_penalties);
    b.text("terms.engagement_end_state", t.engagement_end_state);
    b.list("terms.promises", t.promises);
    b.list(
        "terms.internal_responsibilities",
        t.internal_responsibilities,
    );

    Profile { facts: b.facts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_kind_and_a_unique_path() {
        let mut seen = std::collections::BTreeSet::new();
        for d in FIELDS {
            assert!(seen.insert(d.path), "{}", d.path);
            assert_eq!(field_kind(d.path), Some(d.kind));
        }
        assert_eq!(field_kind("sla.mttd"), Some(FieldKind::Severities));
        assert_eq!(
            field_kind("sla.notification_time"),
            Some(FieldKind::Duration)
        );
        assert_eq!(
            field_kind("provides.coverage_hours"),
            Some(FieldKind::Window)
        );
        assert_eq!(field_kind("provider.nope"), None);
        assert_eq!(field_kind("sla.nope"), None);
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio("1:12"), Ok(FactValue::Text("1:12".into())));
        assert_eq!(ratio(" 2 : 30 "), Ok(FactValue::Text("2:30".into())));
        assert_eq!(ratio(""), Ok(FactValue::Text(String::new())));
        assert!(ratio("1/12").is_err());
        assert!(ratio("0:5").is_err());
    }

    #[test]
    fn empty_values_do_not_affirm() {
        assert!(!FactValue::Bool(false).affirms());
        assert!(!FactValue::Text(" ".into()).affirms());
        assert!(!FactValue::List(vec![]).affirms());
        assert!(FactValue::List(vec!["x".into()]).affirms());
        assert!(FactValue::Date(Date::parse("2026-01-01").unwrap()).affirms());
    }
}
