//! Service tier: for each of ten dimensions, which tier (basic, mid-market,
//! enterprise) the contract's terms match, and an overall tier.
//!
//! A dimension is read from the contract's deliverables (catalog ids) and its
//! profile and SLA fields; a dimension the contract gives nothing for is
//! `null` and does not count. **Overall rule**: the highest tier that more
//! than half of the stated dimensions reach (the lower median). With ten
//! dimensions stated, six must reach a tier for the contract to be that tier.

use serde::Serialize;

use crate::contract::{Contract, ContractDeliverable};
use crate::param::Value;
use crate::profile::FactValue;

/// A service tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Basic MSSP.
    Basic,
    /// Mid-market MSSP.
    MidMarket,
    /// Enterprise / full-service MSSP.
    Enterprise,
}

impl Tier {
    /// All tiers, lowest first.
    pub const ALL: [Tier; 3] = [Tier::Basic, Tier::MidMarket, Tier::Enterprise];

    /// The word (`basic`, `mid-market`, `enterprise`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Basic => "basic",
            Tier::MidMarket => "mid-market",
            Tier::Enterprise => "enterprise",
        }
    }

    /// Parse the word.
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule that makes the overall tier, as reports print it.
pub const OVERALL_RULE: &str =
    "the highest tier that more than half of the stated dimensions reach (lower median)";

/// Scans at least this often count as continuous (monthly or more often).
const CONTINUOUS_SCAN_DAYS: u64 = 30;

/// One dimension of the tier table.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionResult {
    /// Id.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// The tier the contract matches; `None` when it states nothing for it.
    pub tier: Option<Tier>,
    /// What in the contract decided it.
    pub basis: String,
    /// `file:line` of the deciding values.
    pub at: Vec<String>,
}

/// How many dimensions reach each tier exactly.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TierCounts {
    /// At basic.
    pub basic: usize,
    /// At mid-market.
    #[serde(rename = "mid-market")]
    pub mid_market: usize,
    /// At enterprise.
    pub enterprise: usize,
}

/// The tier assessment.
#[derive(Debug, Clone, Serialize)]
pub struct TierResult {
    /// Overall tier; `None` when no dimension is stated.
    pub overall: Option<Tier>,
    /// The rule used for `overall`.
    pub rule: &'static str,
    /// Dimensions with a tier.
    pub stated: usize,
    /// Dimensions at each tier.
    pub counts: TierCounts,
    /// `provider.declared_tier`.
    pub declared: Option<Tier>,
    /// Where it is declared.
    pub declared_at: Option<String>,
    /// Whether the terms support the declared tier (`None` if none is declared).
    pub declared_supported: Option<bool>,
    /// The ten dimensions, in table order.
    pub dimensions: Vec<DimensionResult>,
}

fn find<'a>(c: &'a Contract, ids: &[&str]) -> Option<&'a ContractDeliverable> {
    c.deliverables
        .iter()
        .find(|cd| ids.contains(&cd.deliverable.id.as_str()))
}

fn dim(
    id: &'static str,
    title: &'static str,
    tier: Option<Tier>,
    basis: impl Into<String>,
    at: Vec<String>,
) -> DimensionResult {
    DimensionResult {
        id,
        title,
        tier,
        basis: basis.into(),
        at,
    }
}

/// The SOC window the contract states or buys: `provider.soc_hours`, then
/// `[sla] coverage_hours`, then a contract deliverable's `coverage_hours`.
pub(crate) fn soc_window(c: &Contract) -> Option<(Value, String)> {
    if let Some(f) = c.profile.get("provider.soc_hours") {
        if let FactValue::Quantity(v) = &f.value {
            return Some((v.clone(), f.origin.short()));
        }
    }
    if let Some(p) = c.sla.params.get("coverage_hours") {
        return Some((p.value.clone(), p.origin.short()));
    }
    c.deliverables.iter().find_map(|cd| {
        c.provided(cd, "coverage_hours").map(|(p, src)| {
            let at = match src {
                crate::contract::ValueSource::Catalog => cd.origin.short(),
                _ => p.origin.short(),
            };
            (p.value.clone(), at)
        })
    })
}

pub(crate) fn is_24x7(v: &Value) -> bool {
    matches!(v, Value::Window { hours: 24, days: 7 })
}

fn at_of(c: &Contract, path: &str) -> Vec<String> {
    c.profile
        .get(path)
        .map(|f| vec![f.origin.short()])
        .unwrap_or_default()
}

fn soc_coverage(c: &Contract) -> DimensionResult {
    const ID: &str = "soc-coverage";
    const T: &str = "SOC coverage hours";
    let model = c.profile.text("provider.soc_model");
    let mut at = at_of(c, "provider.soc_model");
    let Some((w, w_at)) = soc_window(c) else {
        return match model {
            Some("none") => dim(ID, T, Some(Tier::Basic), "no staffed SOC", at),
            _ => dim(ID, T, None, "SOC hours not stated", at),
        };
    };
    at.insert(0, w_at);
    if model == Some("none") {
        return dim(
            ID,
            T,
            Some(Tier::Basic),
            format!("{w} window, but no staffed SOC (`soc_model = \"none\"`)"),
            at,
        );
    }
    if !is_24x7(&w) {
        return dim(
            ID,
            T,
            Some(Tier::Basic),
            format!("{w}: monitoring during business hours only"),
            at,
        );
    }
    match model {
        Some("dedicated") => dim(
            ID,
            T,
            Some(Tier::Enterprise),
            "24x7, SOC staffed for this client alone",
            at,
        ),
        Some(_) => dim(
            ID,
            T,
            Some(Tier::MidMarket),
            "24x7 on a SOC shared with other clients",
            at,
        ),
        None => dim(
            ID,
            T,
            Some(Tier::MidMarket),
            "24x7; SOC model not stated, read as shared",
            at,
        ),
    }
}

fn siem_ownership(c: &Contract) -> DimensionResult {
    const ID: &str = "siem-ownership";
    const T: &str = "SIEM ownership";
    let at = at_of(c, "provider.siem_ownership");
    match c.profile.text("provider.siem_ownership") {
        Some("client") => dim(ID, T, Some(Tier::Basic), "the client owns the SIEM", at),
        Some("provider-shared") => dim(
            ID,
            T,
            Some(Tier::MidMarket),
            "hosted by the provider on a multi-tenant platform",
            at,
        ),
        Some("provider-dedicated") => dim(
            ID,
            T,
            Some(Tier::Enterprise),
            "hosted by the provider in an instance kept apart for this client",
            at,
        ),
        _ => dim(ID, T, None, "SIEM ownership not stated", at),
    }
}

fn threat_intel(c: &Contract) -> DimensionResult {
    const ID: &str = "threat-intel";
    const T: &str = "Threat intelligence";
    let mut at = at_of(c, "provider.threat_intel_sources");
    let mut kinds: Vec<&str> = Vec::new();
    let mut count = 0;
    if let Some(f) = c.profile.get("provider.threat_intel_sources") {
        if let FactValue::Sources(v) = &f.value {
            count = v.len();
            kinds.extend(v.iter().map(|s| s.kind.as_str()));
        }
    }
    if let Some(cd) = find(c, &["threat-intel-feeds"]) {
        at.push(cd.origin.short());
        if !kinds.contains(&"commercial") {
            kinds.push("commercial");
            count += 1;
        }
    }
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.is_empty() {
        return dim(ID, T, None, "no threat intelligence source named", at);
    }
    let list = kinds.join(", ");
    let has = |k: &str| kinds.contains(&k);
    if has("proprietary") && has("isac") && count >= 3 {
        dim(
            ID,
            T,
            Some(Tier::Enterprise),
            format!("{count} sources incl. sector sharing and own research ({list})"),
            at,
        )
    } else if has("isac") && kinds.len() >= 2 {
        dim(
            ID,
            T,
            Some(Tier::MidMarket),
            format!("feeds plus sector sharing ({list})"),
            at,
        )
    } else {
        dim(
            ID,
            T,
            Some(Tier::Basic),
            format!("generic feeds only ({list})"),
            at,
        )
    }
}

fn incident_response(c: &Contract) -> DimensionResult {
    const ID: &str = "incident-response";
    const T: &str = "Incident response";
    if let Some(cd) = find(c, &["mdr-containment"]) {
        return dim(
            ID,
            T,
            Some(Tier::Enterprise),
            format!(
                "the provider contains threats itself (`{}`)",
                cd.deliverable.id
            ),
            vec![cd.origin.short()],
        );
    }
    if let Some(cd) = find(
        c,
        &["ir-retainer", "ir-plan-tabletop", "forensic-investigation"],
    ) {
        return dim(
            ID,
            T,
            Some(Tier::MidMarket),
            format!(
                "the provider guides the client's response (`{}`)",
                cd.deliverable.id
            ),
            vec![cd.origin.short()],
        );
    }
    match find(c, &["alert-triage-escalation"]) {
        Some(cd) => dim(
            ID,
            T,
            Some(Tier::Basic),
            "the provider only raises alerts (`alert-triage-escalation`)",
            vec![cd.origin.short()],
        ),
        None => dim(
            ID,
            T,
            Some(Tier::Basic),
            "no response service in the contract",
            vec![],
        ),
    }
}

fn compliance_reporting(c: &Contract) -> DimensionResult {
    const ID: &str = "compliance-reporting";
    const T: &str = "Compliance reporting";
    for (ids, tier, what) in [
        (
            &["audit-evidence-package"][..],
            Tier::Enterprise,
            "evidence packaged for auditors",
        ),
        (
            &["framework-mapped-reporting"][..],
            Tier::MidMarket,
            "reports mapped to the client's frameworks",
        ),
        (
            &["compliance-report-monthly"][..],
            Tier::Basic,
            "service and log reports only",
        ),
    ] {
        if let Some(cd) = find(c, ids) {
            return dim(
                ID,
                T,
                Some(tier),
                format!("{what} (`{}`)", cd.deliverable.id),
                vec![cd.origin.short()],
            );
        }
    }
    dim(
        ID,
        T,
        Some(Tier::Basic),
        "no compliance reporting in the contract",
        vec![],
    )
}

fn vulnerability(c: &Contract) -> DimensionResult {
    const ID: &str = "vulnerability-management";
    const T: &str = "Vulnerability management";
    let mut internal: Option<(u64, &ContractDeliverable)> = None;
    let mut any_scan: Option<&ContractDeliverable> = None;
    for cd in &c.deliverables {
        for param in ["internal_scan_interval", "external_scan_interval"] {
            if let Some((p, _)) = c.provided(cd, param) {
                any_scan.get_or_insert(cd);
                if let (Value::Duration(m), "internal_scan_interval") = (&p.value, param) {
                    if internal.is_none_or(|(best, _)| *m < best) {
                        internal = Some((*m, cd));
                    }
                }
            }
        }
    }
    let tracking = find(c, &["vuln-remediation-tracking"]);
    if let (Some((m, scan)), Some(t)) = (internal, tracking) {
        if m <= CONTINUOUS_SCAN_DAYS * 24 * 60 {
            return dim(
                ID,
                T,
                Some(Tier::Enterprise),
                format!(
                    "scans every {} and tracks fixes by priority",
                    Value::Duration(m)
                ),
                vec![scan.origin.short(), t.origin.short()],
            );
        }
    }
    if let Some(cd) = any_scan {
        let every = internal.map_or(String::new(), |(m, _)| {
            format!(", internal every {}", Value::Duration(m))
        });
        return dim(
            ID,
            T,
            Some(Tier::MidMarket),
            format!("scans at intervals (`{}`{every})", cd.deliverable.id),
            vec![cd.origin.short()],
        );
    }
    match c
        .deliverables
        .iter()
        .find(|cd| cd.deliverable.domain == "vulnerability")
    {
        Some(cd) => dim(
            ID,
            T,
            Some(Tier::Basic),
            format!("no scanning; only `{}`", cd.deliverable.id),
            vec![cd.origin.short()],
        ),
        None => dim(ID, T, Some(Tier::Basic), "not included", vec![]),
    }
}

fn mdr_integration(c: &Contract) -> DimensionResult {
    const ID: &str = "mdr-integration";
    const T: &str = "MDR integration";
    if let Some(cd) = find(c, &["mdr-containment"]) {
        return dim(
            ID,
            T,
            Some(Tier::Enterprise),
            "contracted: the provider detects and contains (`mdr-containment`)",
            vec![cd.origin.short()],
        );
    }
    let at = at_of(c, "provider.mdr_offering");
    match c.profile.text("provider.mdr_offering") {
        Some(o @ ("add-on" | "native")) => dim(
            ID,
            T,
            Some(Tier::MidMarket),
            format!("offered ({o}) but not bought here"),
            at,
        ),
        _ => dim(ID, T, Some(Tier::Basic), "not included", at),
    }
}

fn cloud(c: &Contract) -> DimensionResult {
    const ID: &str = "cloud-coverage";
    const T: &str = "Cloud environment coverage";
    let iaas = find(
        c,
        &["cloud-security-monitoring", "cloud-posture-management"],
    );
    let platform_list = c.profile.list("provider.cloud_platforms");
    let platforms = platform_list.map_or(0, |v| v.iter().filter(|x| !x.trim().is_empty()).count());
    let saas = find(c, &["saas-identity-monitoring"]).is_some()
        || c.profile.flag("provider.saas_coverage") == Some(true);
    let ot = c.profile.flag("provider.ot_coverage") == Some(true);
    let mut at = Vec::new();
    if let Some(cd) = iaas {
        at.push(cd.origin.short());
    }
    for p in [
        "provider.cloud_platforms",
        "provider.saas_coverage",
        "provider.ot_coverage",
    ] {
        at.extend(at_of(c, p));
    }
    let Some(cd) = iaas else {
        return dim(
            ID,
            T,
            Some(Tier::Basic),
            "no cloud monitoring deliverable",
            at,
        );
    };
    let mut covered = vec![match platform_list {
        None => "platforms not stated".to_string(),
        Some(_) => format!(
            "{platforms} cloud platform{}",
            if platforms == 1 { "" } else { "s" }
        ),
    }];
    if saas {
        covered.push("SaaS".into());
    }
    if ot {
        covered.push("OT".into());
    }
    if platforms >= 2 && saas && ot {
        dim(
            ID,
            T,
            Some(Tier::Enterprise),
            format!("several clouds plus SaaS and OT ({})", covered.join(", ")),
            at,
        )
    } else {
        dim(
            ID,
            T,
            Some(Tier::MidMarket),
            format!(
                "IaaS monitoring (`{}`: {})",
                cd.deliverable.id,
                covered.join(", ")
            ),
            at,
        )
    }
}

fn slas(c: &Contract) -> DimensionResult {
    const ID: &str = "contractual-slas";
    const T: &str = "Contractual SLAs";
    let mttd = c.sla.mttd.values().next();
    let mttr = c.sla.mttr.values().next();
    let mut at: Vec<String> = mttd
        .into_iter()
        .chain(mttr)
        .map(|p| p.origin.short())
        .collect();
    let (Some(_), Some(_)) = (mttd, mttr) else {
        let have = match (mttd, mttr) {
            (Some(_), None) => "MTTD without MTTR",
            (None, Some(_)) => "MTTR without MTTD",
            _ => "no MTTD or MTTR",
        };
        return dim(
            ID,
            T,
            Some(Tier::Basic),
            format!("no binding response times ({have})"),
            at,
        );
    };
    let penalties = c.profile.flag("terms.sla_penalties") == Some(true);
    let history = c.profile.flag("provider.historical_sla_data") == Some(true);
    at.extend(at_of(c, "terms.sla_penalties"));
    at.extend(at_of(c, "provider.historical_sla_data"));
    if penalties && history {
        dim(
            ID,
            T,
            Some(Tier::Enterprise),
            "MTTD and MTTR with penalties and a record of past results",
            at,
        )
    } else {
        let lacking = match (penalties, history) {
            (false, false) => "no penalties, no performance history",
            (false, true) => "no penalties",
            _ => "no performance history",
        };
        dim(
            ID,
            T,
            Some(Tier::MidMarket),
            format!("MTTD and MTTR set ({lacking})"),
            at,
        )
    }
}

fn client_size(c: &Contract) -> DimensionResult {
    const ID: &str = "client-size";
    const T: &str = "Typical client size";
    if let Some(f) = c.profile.get("contract.client_employees") {
        if let FactValue::Count(n) = f.value {
            let tier = match n {
                ..500 => Tier::Basic,
                500..5000 => Tier::MidMarket,
                _ => Tier::Enterprise,
            };
            let band = match tier {
                Tier::Basic => "under 500",
                Tier::MidMarket => "500 to 4,999",
                Tier::Enterprise => "5,000 or more",
            };
            return dim(
                ID,
                T,
                Some(tier),
                format!("client has {} employees ({band})", thousands(n)),
                vec![f.origin.short()],
            );
        }
    }
    let at = at_of(c, "provider.typical_client_size");
    match c.profile.text("provider.typical_client_size") {
        Some(w) => {
            let tier = match w {
                "smb" => Tier::Basic,
                "mid-market" => Tier::MidMarket,
                _ => Tier::Enterprise,
            };
            dim(
                ID,
                T,
                Some(tier),
                format!("provider's typical client: {w}"),
                at,
            )
        }
        None => dim(ID, T, None, "client size not stated", at),
    }
}

/// `14000` as `14,000`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Classify a contract on the ten dimensions and overall.
pub fn classify(c: &Contract) -> TierResult {
    let dimensions = vec![
        soc_coverage(c),
        siem_ownership(c),
        threat_intel(c),
        incident_response(c),
        compliance_reporting(c),
        vulnerability(c),
        mdr_integration(c),
        cloud(c),
        slas(c),
        client_size(c),
    ];
    let tiers: Vec<Tier> = dimensions.iter().filter_map(|d| d.tier).collect();
    let mut counts = TierCounts::default();
    for t in &tiers {
        match t {
            Tier::Basic => counts.basic += 1,
            Tier::MidMarket => counts.mid_market += 1,
            Tier::Enterprise => counts.enterprise += 1,
        }
    }
    let overall = overall(&tiers);
    let declared_fact = c.profile.get("provider.declared_tier");
    let declared = c
        .profile
        .text("provider.declared_tier")
        .and_then(Tier::parse);
    TierResult {
        overall,
        rule: OVERALL_RULE,
        stated: tiers.len(),
        counts,
        declared,
        declared_at: declared_fact.map(|f| f.origin.short()),
        declared_supported: declared.map(|d| overall.is_some_and(|o| d <= o)),
        dimensions,
    }
}

/// The highest tier that more than half of `tiers` reach.
pub fn overall(tiers: &[Tier]) -> Option<Tier> {
    Tier::ALL
        .into_iter()
        .rev()
        .find(|t| 2 * tiers.iter().filter(|x| *x >= t).count() > tiers.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Tier::*;

    #[test]
    fn overall_is_the_lower_median() {
        assert_eq!(overall(&[]), None);
        assert_eq!(overall(&[Basic]), Some(Basic));
        assert_eq!(overall(&[Enterprise]), Some(Enterprise));
        assert_eq!(overall(&[Basic, Enterprise]), Some(Basic));
        assert_eq!(
            overall(&[MidMarket, Enterprise, Enterprise]),
            Some(Enterprise)
        );
        let mut v = vec![Enterprise; 5];
        v.extend([Basic; 5]);
        assert_eq!(overall(&v), Some(Basic));
        v[5] = Enterprise;
        assert_eq!(overall(&v), Some(Enterprise));
        let mixed = [
            Basic, Basic, MidMarket, MidMarket, Enterprise, Enterprise, Enterprise,
        ];
        assert_eq!(overall(&mixed), Some(MidMarket));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(85), "85");
        assert_eq!(thousands(1200), "1,200");
        assert_eq!(thousands(14000), "14,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
