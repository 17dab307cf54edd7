//! The provider assessment: every checklist item (met / missing / not
//! stated), every tier dimension, every provider type, every flag, the SOC 2
//! report-age boundary, the three tier examples, and bad input.
//! Fixtures are in `tests/fixtures/assess/`; dates are judged at `AS_OF`.

use std::collections::BTreeMap;
use std::sync::Arc;

use ctrlmap::assess::{AssessReport, FlagKind, Outcome, ProviderType, Tier};
use ctrlmap::date::Date;
use ctrlmap::diag::SourceFile;
use proptest::prelude::*;

use crate::support::{engine, root, run, transcript, AS_OF};

const F: &str = "tests/fixtures/assess";

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Assess a contract file at a date. The path stays relative (cargo runs
/// tests from the package root) so that reasons cite `tests/...:LINE`.
fn assess_at(path: &str, as_of: Option<&str>) -> AssessReport {
    engine()
        .provider_assessment(std::path::Path::new(path), as_of.map(date))
        .unwrap_or_else(|d| panic!("{path}:\n{}", crate::support::render(&d)))
        .0
}

fn fixture(name: &str) -> AssessReport {
    assess_at(&format!("{F}/{name}.toml"), Some(AS_OF))
}

fn example(name: &str) -> AssessReport {
    assess_at(&format!("examples/{name}.toml"), Some(AS_OF))
}

/// Assess contract text written in the test.
fn inline_at(text: &str, as_of: Option<&str>) -> AssessReport {
    let catalog = &engine().catalog;
    let file = SourceFile::new("inline.toml", text);
    let (contract, _) = ctrlmap::contract::parse(Arc::clone(&file), catalog)
        .unwrap_or_else(|d| panic!("{}", crate::support::render(&d)));
    AssessReport::new(catalog, &contract, as_of.map(date))
}

fn inline(text: &str) -> AssessReport {
    inline_at(text, Some(AS_OF))
}

const HEAD: &str = "[contract]\nname = \"t\"\nprovider = \"P\"\nclient = \"C\"\n";

fn item<'a>(r: &'a AssessReport, id: &str) -> &'a ctrlmap::assess::ItemResult {
    r.assessment
        .checklist
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

fn outcomes(r: &AssessReport) -> BTreeMap<String, Outcome> {
    r.assessment
        .checklist
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| (i.id.clone(), i.outcome))
        .collect()
}

fn tiers(r: &AssessReport) -> BTreeMap<&'static str, Option<Tier>> {
    r.assessment
        .tier
        .dimensions
        .iter()
        .map(|d| (d.id, d.tier))
        .collect()
}

fn flag_ids(r: &AssessReport) -> Vec<&str> {
    r.assessment.flags.iter().map(|f| f.id.as_str()).collect()
}

const ITEMS: [&str; 22] = [
    "soc-hours",
    "analyst-ratio",
    "escalation-procedures",
    "soc-locations",
    "staffing-continuity",
    "siem-platform",
    "threat-intel-sources",
    "detection-updates",
    "cloud-coverage",
    "edr-integration",
    "mttd-sla",
    "mttr-sla",
    "escalation-thresholds",
    "sla-history",
    "soc2-report-current",
    "framework-mappings",
    "baa-dpa",
    "subprocessors",
    "data-ownership-retention",
    "offboarding",
    "subcontracting",
    "notification-deadline",
];

const DIMENSIONS: [&str; 10] = [
    "soc-coverage",
    "siem-ownership",
    "threat-intel",
    "incident-response",
    "compliance-reporting",
    "vulnerability-management",
    "mdr-integration",
    "cloud-coverage",
    "contractual-slas",
    "client-size",
];

// ------------------------------------------------------------------ checklist

#[test]
fn the_checklist_has_the_five_sections_of_the_seed() {
    let r = fixture("silent");
    let sections: Vec<(&str, usize)> = r
        .assessment
        .checklist
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.items.len()))
        .collect();
    assert_eq!(
        sections,
        [
            ("soc", 5),
            ("detection", 5),
            ("sla", 4),
            ("compliance", 4),
            ("terms", 4)
        ]
    );
    let ids: Vec<String> = outcomes(&r).into_keys().collect();
    let mut want: Vec<String> = ITEMS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(ids, want);
}

#[test]
fn every_item_is_met_by_stated_values() {
    let r = fixture("met");
    for id in ITEMS {
        let i = item(&r, id);
        assert_eq!(i.outcome, Outcome::Met, "{id}: {}", i.reason);
        let at =
            i.at.as_deref()
                .unwrap_or_else(|| panic!("{id} has no line"));
        assert!(at.starts_with("tests/fixtures/assess/met.toml:"), "{at}");
    }
    let t = &r.assessment.checklist.totals;
    assert_eq!((t.items, t.met, t.missing, t.not_stated), (22, 22, 0, 0));
    // The field that decides is named, with its line.
    let i = item(&r, "soc-hours");
    assert_eq!(i.field.as_deref(), Some("provider.soc_hours"));
    assert_eq!(i.at.as_deref(), Some("tests/fixtures/assess/met.toml:20"));
    assert_eq!(i.value.as_deref(), Some("24x7"));
}

#[test]
fn stated_shortfalls_are_missing() {
    let r = fixture("missing");
    for id in ITEMS {
        let want = match id {
            // These only ask for a value, and a window or duration cannot fall short.
            "soc-hours" => Outcome::Met,
            "detection-updates" => Outcome::NotStated,
            _ => Outcome::Missing,
        };
        let i = item(&r, id);
        assert_eq!(i.outcome, want, "{id}: {}", i.reason);
    }
    let reason = |id| item(&r, id).reason.clone();
    assert!(
        reason("analyst-ratio").contains("\"\""),
        "{}",
        reason("analyst-ratio")
    );
    assert!(reason("siem-platform").contains("`provider.siem_version`"));
    assert!(reason("mttd-sla").contains("not for critical, high"));
    assert!(reason("mttr-sla").contains("not for critical, high"));
    assert!(reason("escalation-thresholds").contains("single value (96 hours)"));
    assert!(reason("soc2-report-current").contains("more than 12 months"));
    assert!(reason("framework-mappings").contains("no mapping for cmmc-2.0"));
    assert!(reason("baa-dpa").contains("hipaa-security"));
    assert!(reason("data-ownership-retention").contains("`terms.data_retention`"));
    assert!(
        reason("notification-deadline").contains("96 hours is longer than 72 hours")
            && reason("notification-deadline").contains("DFARS 252.204-7012(c)(1)"),
        "{}",
        reason("notification-deadline")
    );
    assert_eq!(
        item(&r, "notification-deadline").at.as_deref(),
        Some("tests/fixtures/assess/missing.toml:17")
    );
}

#[test]
fn silence_is_not_stated() {
    let r = fixture("silent");
    for id in ITEMS {
        let i = item(&r, id);
        assert_eq!(i.outcome, Outcome::NotStated, "{id}: {}", i.reason);
        assert!(i.at.is_none() && i.field.is_none(), "{id}");
    }
    assert!(item(&r, "baa-dpa")
        .reason
        .contains("required: hipaa-security"));
}

#[test]
fn deliverables_and_sla_values_satisfy_items_too() {
    // The defense example has no [provider] or [terms]: its [sla] table and
    // its catalog deliverables decide.
    let r = example("defense-subcontractor");
    let i = item(&r, "soc-hours");
    assert_eq!(
        (i.outcome, i.field.as_deref()),
        (Outcome::Met, Some("sla.coverage_hours"))
    );
    let i = item(&r, "edr-integration");
    assert_eq!(
        (i.outcome, i.field.as_deref()),
        (Outcome::Met, Some("deliverable:edr-management"))
    );
    let i = item(&r, "framework-mappings");
    assert_eq!(
        (i.outcome, i.field.as_deref()),
        (Outcome::Met, Some("deliverable:framework-mapped-reporting"))
    );
    // A contract override of a deliverable's value is a statement of the contract.
    let r = example("midmarket-healthcare-saas");
    let i = item(&r, "detection-updates");
    assert_eq!(
        (i.outcome, i.field.as_deref(), i.value.as_deref()),
        (
            Outcome::Met,
            Some("provides.detection_content_update_interval"),
            Some("14 days")
        )
    );
    // A catalog default is not: the basic clinic buys no detection engineering.
    assert_eq!(
        item(&example("basic-clinic"), "detection-updates").outcome,
        Outcome::NotStated
    );
    // Either offboarding term is enough.
    let clinic = example("basic-clinic");
    let i = item(&clinic, "offboarding");
    assert_eq!(
        (i.outcome, i.field.as_deref()),
        (Outcome::Met, Some("terms.data_deletion_on_exit"))
    );
}

#[test]
fn a_baa_is_required_only_with_hipaa_in_scope() {
    let dpa_only = "[terms]\ndpa_available = true\n";
    let r = inline(&format!("{HEAD}{dpa_only}"));
    assert_eq!(item(&r, "baa-dpa").outcome, Outcome::Met);
    let r = inline(&format!(
        "{HEAD}[[scope]]\nframework = \"hipaa-security\"\n{dpa_only}"
    ));
    let i = item(&r, "baa-dpa");
    assert_eq!(i.outcome, Outcome::Missing, "{}", i.reason);
    assert!(
        i.reason.contains("requires `terms.baa_available`"),
        "{}",
        i.reason
    );
    let r = inline(&format!("{HEAD}[terms]\ndpa_available = false\n"));
    assert_eq!(item(&r, "baa-dpa").outcome, Outcome::Missing);
}

#[test]
fn notification_deadlines_follow_the_scope() {
    let sla = "[sla]\nnotification_time = \"96 hours\"\n";
    // CMMC level 2 carries DFARS's 72 hours (IR.L2-3.6.2); level 1 does not.
    let l2 = inline(&format!(
        "{HEAD}[[scope]]\nframework = \"cmmc-2.0\"\nselect = {{ level = \"2\" }}\n{sla}"
    ));
    assert_eq!(item(&l2, "notification-deadline").outcome, Outcome::Missing);
    let l1 = inline(&format!(
        "{HEAD}[[scope]]\nframework = \"cmmc-2.0\"\nselect = {{ level = \"1\" }}\n{sla}"
    ));
    let i = item(&l1, "notification-deadline");
    assert_eq!(i.outcome, Outcome::Met);
    assert!(
        i.reason.contains("no framework in scope sets a deadline"),
        "{}",
        i.reason
    );
    // HIPAA: 60 days (45 CFR 164.404(b), 164.408(b), 164.410(b)), the
    // `[[framework.deadline]]` entries of the HIPAA catalog.
    let hipaa = inline(&format!(
        "{HEAD}[[scope]]\nframework = \"hipaa-security\"\n[sla]\nnotification_time = \"61 days\"\n"
    ));
    let i = item(&hipaa, "notification-deadline");
    assert_eq!(i.outcome, Outcome::Missing);
    assert!(
        i.reason.contains("60 days") && i.reason.contains("45 CFR 164.404(b)"),
        "{}",
        i.reason
    );
    // Exactly the deadline is in time.
    let edge = inline(&format!(
        "{HEAD}[[scope]]\nframework = \"cmmc-2.0\"\n[sla]\nnotification_time = \"3 days\"\n"
    ));
    assert_eq!(item(&edge, "notification-deadline").outcome, Outcome::Met);
}

#[test]
fn soc2_report_age_boundary() {
    let path = format!("{F}/soc2-boundary.toml");
    let at = |as_of: &str| {
        let (code, out, err) = run(&["assess", &path, "--format", "json", "--as-of", as_of]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let items = v["assessment"]["checklist"]["sections"][3]["items"].clone();
        let i = items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "soc2-report-current")
            .unwrap()
            .clone();
        (
            i["outcome"].as_str().unwrap().to_string(),
            i["reason"].as_str().unwrap().to_string(),
        )
    };
    // Dated 2025-12-01: exactly twelve months before 2026-12-01 is current...
    let (o, reason) = at("2026-12-01");
    assert_eq!(o, "met", "{reason}");
    // ...one day more is not.
    let (o, reason) = at("2026-12-02");
    assert_eq!(o, "missing", "{reason}");
    assert!(reason.contains("current until 2026-12-01"), "{reason}");
    // A report dated after the assessment date is a mistake somewhere.
    let (o, reason) = at("2025-11-30");
    assert_eq!(o, "missing");
    assert!(reason.contains("after the assessment date"), "{reason}");
    // Without an assessment date the library does not guess.
    let r = assess_at(&path, None);
    let i = item(&r, "soc2-report-current");
    assert_eq!(i.outcome, Outcome::NotStated);
    assert!(i.reason.contains("--as-of"), "{}", i.reason);
    // A leap day: twelve months after 2024-02-29 is 2025-02-28.
    let leap = format!("{HEAD}[provider]\nsoc2_report_date = \"2024-02-29\"\n");
    assert_eq!(
        item(&inline_at(&leap, Some("2025-02-28")), "soc2-report-current").outcome,
        Outcome::Met
    );
    assert_eq!(
        item(&inline_at(&leap, Some("2025-03-01")), "soc2-report-current").outcome,
        Outcome::Missing
    );
}

// ----------------------------------------------------------------------- tier

fn all_at(r: &AssessReport, tier: Tier) {
    for d in &r.assessment.tier.dimensions {
        assert_eq!(d.tier, Some(tier), "{}: {}", d.id, d.basis);
    }
    assert_eq!(r.assessment.tier.overall, Some(tier));
    assert_eq!(r.assessment.tier.stated, 10);
}

#[test]
fn every_dimension_at_each_tier() {
    let ids: Vec<&str> = fixture("silent")
        .assessment
        .tier
        .dimensions
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids, DIMENSIONS);
    all_at(&fixture("tier-basic"), Tier::Basic);
    all_at(&fixture("tier-mid-market"), Tier::MidMarket);
    all_at(&fixture("tier-enterprise"), Tier::Enterprise);
}

#[test]
fn dimensions_without_statements_do_not_count() {
    let r = fixture("silent");
    let t = tiers(&r);
    for id in [
        "soc-coverage",
        "siem-ownership",
        "threat-intel",
        "client-size",
    ] {
        assert_eq!(t[id], None, "{id}");
    }
    // Absent services are basic ("not included"), not unknown.
    for id in [
        "incident-response",
        "compliance-reporting",
        "vulnerability-management",
        "mdr-integration",
        "cloud-coverage",
        "contractual-slas",
    ] {
        assert_eq!(t[id], Some(Tier::Basic), "{id}");
    }
    assert_eq!(r.assessment.tier.stated, 6);
    assert_eq!(r.assessment.tier.overall, Some(Tier::Basic));
}

#[test]
fn dimension_details() {
    let dim = |r: &AssessReport, id: &str| {
        let d = r
            .assessment
            .tier
            .dimensions
            .iter()
            .find(|d| d.id == id)
            .unwrap();
        (d.tier, d.basis.clone())
    };
    // 24x7 without a stated SOC model reads as shared.
    let r = inline(&format!("{HEAD}[sla]\ncoverage_hours = \"24x7\"\n"));
    let (t, basis) = dim(&r, "soc-coverage");
    assert_eq!(t, Some(Tier::MidMarket));
    assert!(basis.contains("read as shared"), "{basis}");
    // No staffed SOC is basic whatever the window.
    let r = inline(&format!(
        "{HEAD}[sla]\ncoverage_hours = \"24x7\"\n[provider]\nsoc_model = \"none\"\n"
    ));
    assert_eq!(dim(&r, "soc-coverage").0, Some(Tier::Basic));
    // A catalog feed alone is a generic commercial feed.
    let r = inline(&format!(
        "{HEAD}[[deliverable]]\nuse = \"threat-intel-feeds\"\n"
    ));
    assert_eq!(dim(&r, "threat-intel").0, Some(Tier::Basic));
    // Client size falls back on the provider's typical client.
    let r = inline(&format!(
        "{HEAD}[provider]\ntypical_client_size = \"enterprise\"\n"
    ));
    assert_eq!(dim(&r, "client-size").0, Some(Tier::Enterprise));
    // Size bands: 499 / 500 / 4999 / 5000.
    for (n, t) in [
        (499, Tier::Basic),
        (500, Tier::MidMarket),
        (4999, Tier::MidMarket),
        (5000, Tier::Enterprise),
    ] {
        let r = inline(&HEAD.replace(
            "client = \"C\"\n",
            &format!("client = \"C\"\nclient_employees = {n}\n"),
        ));
        assert_eq!(dim(&r, "client-size").0, Some(t), "{n}");
    }
    // Quarterly scans with remediation tracking are periodic, not continuous.
    let r = inline(&format!(
        "{HEAD}[[deliverable]]\nuse = \"internal-vuln-scan-quarterly\"\n[[deliverable]]\nuse = \"vuln-remediation-tracking\"\n"
    ));
    assert_eq!(dim(&r, "vulnerability-management").0, Some(Tier::MidMarket));
    // Advice without scanning is not vulnerability management.
    let r = inline(&format!(
        "{HEAD}[[deliverable]]\nuse = \"patch-prioritisation-advisory\"\n"
    ));
    let (t, basis) = dim(&r, "vulnerability-management");
    assert_eq!(t, Some(Tier::Basic));
    assert!(basis.contains("no scanning"), "{basis}");
    // MTTD without MTTR is vague.
    let r = inline(&format!(
        "{HEAD}[sla]\nmttd = {{ critical = \"1 hour\" }}\n"
    ));
    let (t, basis) = dim(&r, "contractual-slas");
    assert_eq!(t, Some(Tier::Basic));
    assert!(basis.contains("MTTD without MTTR"), "{basis}");
}

#[test]
fn the_three_tier_examples_classify_as_their_tier() {
    let basic = example("basic-clinic");
    assert_eq!(basic.assessment.tier.overall, Some(Tier::Basic));
    // The clinic's logs sit on the provider's shared platform: one dimension
    // above basic, which the majority rule absorbs.
    let t = tiers(&basic);
    assert_eq!(t["siem-ownership"], Some(Tier::MidMarket));
    assert_eq!(t.values().filter(|x| **x == Some(Tier::Basic)).count(), 9);
    all_at(&example("midmarket-healthcare-saas"), Tier::MidMarket);
    all_at(&example("enterprise-hospital"), Tier::Enterprise);
    for r in [
        &basic,
        &example("midmarket-healthcare-saas"),
        &example("enterprise-hospital"),
    ] {
        assert_eq!(r.assessment.tier.declared_supported, Some(true));
        assert_eq!(r.assessment.provider_type.kind, ProviderType::Mssp);
    }
    assert_eq!(
        outcomes(&example("enterprise-hospital"))
            .values()
            .filter(|o| **o == Outcome::Met)
            .count(),
        22
    );
}

#[test]
fn a_declared_tier_above_the_terms_is_flagged_and_warned() {
    let path = format!("{F}/flags.toml");
    let (r, warnings) = engine()
        .provider_assessment(std::path::Path::new(&path), Some(date(AS_OF)))
        .unwrap();
    let t = &r.assessment.tier;
    assert_eq!(t.declared, Some(Tier::Enterprise));
    assert_eq!(t.declared_supported, Some(false));
    assert_eq!(t.overall, Some(Tier::Basic));
    let f = r
        .assessment
        .flags
        .iter()
        .find(|f| f.id == "declared-tier-unsupported")
        .unwrap();
    assert_eq!(f.kind, FlagKind::Tier);
    assert_eq!(f.at.as_deref(), Some("tests/fixtures/assess/flags.toml:20"));
    assert!(f.message.contains("soc-coverage (basic)"), "{}", f.message);
    let w: Vec<_> = warnings.warnings().collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code.as_str(), "unsupported-tier");
    assert_eq!(w[0].line, Some(20));
    // A declared tier at or below the terms is fine.
    let r = inline(&format!(
        "{HEAD}[sla]\ncoverage_hours = \"24x7\"\n[provider]\ndeclared_tier = \"basic\"\n"
    ));
    assert_eq!(r.assessment.tier.declared_supported, Some(true));
    assert!(flag_ids(&r)
        .iter()
        .all(|f| *f != "declared-tier-unsupported"));
}

// -------------------------------------------------------------- provider type

#[test]
fn each_provider_type() {
    for (name, kind) in [
        ("type-consulting", ProviderType::Consulting),
        ("type-reseller", ProviderType::Reseller),
        ("type-mdr", ProviderType::Mdr),
        ("type-co-managed", ProviderType::CoManagedSiem),
    ] {
        let r = fixture(name);
        let t = &r.assessment.provider_type;
        assert_eq!(t.kind, kind, "{name}: {:?}", t.reasons);
        assert!(
            !t.reasons.is_empty() && !t.consequences.is_empty(),
            "{name}"
        );
        assert_eq!(t.ruled_out.len(), 4, "{name}");
    }
    let mssp = example("midmarket-healthcare-saas");
    assert_eq!(mssp.assessment.provider_type.kind, ProviderType::Mssp);

    let c = fixture("type-consulting");
    let t = &c.assessment.provider_type;
    assert!(
        t.reasons[0].contains("defined end state"),
        "{:?}",
        t.reasons
    );
    // It would also read as a reseller add-on; consulting is tested first.
    let reseller = t
        .ruled_out
        .iter()
        .find(|o| o.kind == ProviderType::Reseller)
        .unwrap();
    assert!(reseller.reason.contains("also fits"), "{}", reseller.reason);

    let r = fixture("type-reseller");
    let t = &r.assessment.provider_type;
    assert_eq!(t.reasons.len(), 3, "{:?}", t.reasons);
    assert!(t.reasons[0].contains("no staffed SOC"));

    let co = fixture("type-co-managed");
    assert!(co.assessment.provider_type.consequences[0].contains("Licences"));

    // Containment with tool management and compliance reporting is an MSSP.
    let e = example("enterprise-hospital");
    let mdr = e
        .assessment
        .provider_type
        .ruled_out
        .iter()
        .find(|o| o.kind == ProviderType::Mdr)
        .unwrap();
    assert!(
        mdr.reason.contains("manages the client's tools") && mdr.reason.contains("compliance"),
        "{}",
        mdr.reason
    );
}

#[test]
fn mdr_with_frameworks_in_scope_is_flagged() {
    let r = fixture("type-mdr");
    let f = r
        .assessment
        .flags
        .iter()
        .find(|f| f.id == "mdr-not-compliance-substitute")
        .expect("flag");
    assert_eq!(f.kind, FlagKind::ProviderType);
    assert!(f.message.contains("hipaa-security"), "{}", f.message);
    assert!(r.assessment.provider_type.consequences[1].contains("does not replace"));
    // Without frameworks in scope there is nothing to substitute for.
    let text = std::fs::read_to_string(root().join(format!("{F}/type-mdr.toml"))).unwrap();
    let r = inline(&text.replace("[[scope]]\nframework = \"hipaa-security\"\n", ""));
    assert_eq!(r.assessment.provider_type.kind, ProviderType::Mdr);
    assert!(!flag_ids(&r).contains(&"mdr-not-compliance-substitute"));
}

// ---------------------------------------------------------------------- flags

#[test]
fn misconceptions_in_the_contract_are_flagged() {
    let r = fixture("flags");
    assert_eq!(
        flag_ids(&r),
        [
            "breach-prevention-promise",
            "soc2-as-client-compliance",
            "internal-responsibilities-unstated",
            "declared-tier-unsupported"
        ]
    );
    let f = &r.assessment.flags;
    // Only the promise, not the disclaimer two lines below it.
    assert_eq!(
        f[0].at.as_deref(),
        Some("tests/fixtures/assess/flags.toml:25")
    );
    assert!(
        f[0].message.contains("guarantees that no breach"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].kind, FlagKind::Misconception);
    // The SOC 2 claim is a sentence of the notes.
    assert!(f[1]
        .message
        .contains("satisfies the client's HIPAA obligations"));
    assert_eq!(
        f[1].at.as_deref(),
        Some("tests/fixtures/assess/flags.toml:8")
    );
    // Patching is mentioned; the other three areas are not.
    assert!(
        f[2].message
            .contains("access and identity decisions, oversight of suppliers and third parties, contact with regulators"),
        "{}",
        f[2].message
    );
}

#[test]
fn internal_responsibilities_must_be_stated() {
    let silent = fixture("silent");
    let f = silent
        .assessment
        .flags
        .iter()
        .find(|f| f.id == "internal-responsibilities-unstated")
        .unwrap();
    assert!(f.message.contains("does not state"), "{}", f.message);
    assert!(f.at.is_none());
    let r = inline(&format!("{HEAD}[terms]\ninternal_responsibilities = []\n"));
    let f = &r.assessment.flags[0];
    assert!(f.message.contains("is empty"), "{}", f.message);
    assert_eq!(f.at.as_deref(), Some("inline.toml:6"));
    assert!(flag_ids(&fixture("met")).is_empty());
}

#[test]
fn a_provider_soc2_report_alone_is_not_client_compliance() {
    let base = format!(
        "{HEAD}[[scope]]\nframework = \"hipaa-security\"\n[provider]\nsoc2_report_date = \"2026-06-30\"\n"
    );
    let r = inline(&base);
    let f = r
        .assessment
        .flags
        .iter()
        .find(|f| f.id == "soc2-as-client-compliance")
        .expect("flag");
    assert!(
        f.message.contains("only compliance evidence"),
        "{}",
        f.message
    );
    assert_eq!(f.at.as_deref(), Some("inline.toml:8"));
    // With framework mappings, or a compliance deliverable, it is not alone.
    let mapped = format!("{base}framework_mappings = [\"hipaa-security\"]\n");
    assert!(!flag_ids(&inline(&mapped)).contains(&"soc2-as-client-compliance"));
    let reporting = format!("{base}[[deliverable]]\nuse = \"compliance-report-monthly\"\n");
    assert!(!flag_ids(&inline(&reporting)).contains(&"soc2-as-client-compliance"));
    // A claim in the promises is flagged whatever else the contract has.
    let claim = format!(
        "{HEAD}[terms]\npromises = [\"Our SOC2 Type II report makes the client compliant.\"]\n"
    );
    assert!(flag_ids(&inline(&claim)).contains(&"soc2-as-client-compliance"));
}

#[test]
fn the_shipped_examples_raise_only_the_flags_they_are_written_for() {
    assert_eq!(
        flag_ids(&example("basic-clinic")),
        [
            "breach-prevention-promise",
            "internal-responsibilities-unstated"
        ]
    );
    // The enterprise contract disclaims breach prevention; that is not a promise.
    assert!(flag_ids(&example("enterprise-hospital")).is_empty());
    assert!(flag_ids(&example("midmarket-healthcare-saas")).is_empty());
}

// ------------------------------------------------------------ CLI and report

#[test]
fn tier_examples_are_snapshotted() {
    for name in [
        "basic-clinic",
        "midmarket-healthcare-saas",
        "enterprise-hospital",
    ] {
        let path = format!("examples/{name}.toml");
        let (code, table, err) = run(&["assess", &path, "--as-of", AS_OF]);
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "{err}");
        insta::assert_snapshot!(format!("{name}.table"), table);
        let (code, json, err) = run(&["assess", &path, "--format", "json", "--as-of", AS_OF]);
        assert_eq!(code, 0, "{err}");
        insta::assert_snapshot!(format!("{name}.json"), json);
        // The same model as the library builds, byte for byte.
        assert_eq!(json, example(name).to_json());
    }
    let (code, md, err) = run(&[
        "assess",
        "examples/midmarket-healthcare-saas.toml",
        "--format",
        "md",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(md.starts_with("# Provider assessment"), "{md}");
    insta::assert_snapshot!("midmarket-healthcare-saas.md", md);
}

#[test]
fn flags_and_the_tier_warning_on_the_command_line() {
    let t = transcript(&["assess", &format!("{F}/flags.toml"), "--as-of", AS_OF]);
    assert!(t.contains("exit: 0"), "{t}");
    assert!(t.contains("warning[unsupported-tier]"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn the_report_carries_the_assessment() {
    let (code, out, err) = run(&[
        "report",
        "examples/enterprise-hospital.toml",
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let a = &v["assessment"];
    assert_eq!(a["as_of"], AS_OF);
    assert_eq!(a["tier"]["overall"], "enterprise");
    assert_eq!(a["provider_type"]["type"], "mssp");
    assert_eq!(a["checklist"]["totals"]["met"], 22);
    // The library's report without a date leaves the report's age unjudged.
    let (report, _) = engine()
        .report(&root().join("examples/enterprise-hospital.toml"))
        .unwrap();
    assert_eq!(report.assessment.as_of, None);
    let soc2 = report
        .assessment
        .checklist
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.id == "soc2-report-current")
        .unwrap();
    assert_eq!(soc2.outcome, Outcome::NotStated);
}

#[test]
fn output_goes_to_a_file_only_with_force_to_replace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.md");
    let o = out.to_str().unwrap();
    let args = |force: bool| {
        let mut v = vec![
            "assess",
            "examples/basic-clinic.toml",
            "--format",
            "md",
            "--as-of",
            AS_OF,
            "--out",
            o,
        ];
        if force {
            v.push("--force");
        }
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let call = |a: Vec<String>| run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(call(args(false)).0, 0);
    assert!(std::fs::read_to_string(&out).unwrap().contains("## Flags"));
    let (code, _, err) = call(args(false));
    assert_eq!(code, 2);
    assert!(err.contains("error[output-exists]"), "{err}");
    assert_eq!(call(args(true)).0, 0);
}

// ------------------------------------------------------------------ bad input

#[test]
fn bad_profile_values_are_reported_together() {
    let t = transcript(&["assess", &format!("{F}/bad-values.toml")]);
    assert!(t.contains("exit: 2"), "{t}");
    assert!(t.contains("ctrlmap: 11 errors found"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn a_typo_in_the_provider_table_gets_a_suggestion() {
    let t = transcript(&["assess", &format!("{F}/typo-field.toml")]);
    assert!(
        t.contains("error[unknown-field]") && t.contains("did you mean `soc_hours`?"),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn a_broken_checklist_is_reported_with_locations() {
    let t = transcript(&[
        "assess",
        "--catalog",
        &format!("{F}/bad-checklist"),
        "examples/basic-clinic.toml",
    ]);
    assert!(t.contains("exit: 2"), "{t}");
    for hint in [
        "did you mean `provider.soc_hours`?",
        "did you mean `soc`?",
        "did you mean `stated`?",
        "did you mean `edr-management`?",
        "did you mean `breach-prevention-promise`?",
    ] {
        assert!(t.contains(hint), "{hint}:\n{t}");
    }
    insta::assert_snapshot!(t);
}

#[test]
fn a_bad_assessment_date_is_a_usage_error() {
    let t = transcript(&[
        "assess",
        "examples/basic-clinic.toml",
        "--as-of",
        "2026-02-30",
    ]);
    assert!(t.contains("exit: 2"), "{t}");
    assert!(
        t.contains("error[usage]: --as-of: `2026-02-30` is not a date: February 2026 has 28 days"),
        "{t}"
    );
    let (code, _, err) = run(&[
        "report",
        "examples/basic-clinic.toml",
        "--as-of",
        "yesterday",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn every_profile_field_and_flag_is_documented() {
    let doc = std::fs::read_to_string(root().join("docs/data-format.md")).unwrap();
    for f in ctrlmap::profile::FIELDS {
        assert!(
            doc.contains(&format!("`{}`", f.path)),
            "{} is not documented",
            f.path
        );
    }
    for id in ctrlmap::assess::flags::FLAG_IDS {
        assert!(
            doc.contains(&format!("`{id}`")),
            "flag {id} is not documented"
        );
    }
    for rule in ctrlmap::assess::checklist::Rule::WORDS {
        assert!(
            doc.contains(&format!("| `{rule}` |")),
            "rule {rule} is not documented"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Mutated contracts either fail to load or assess without panicking.
    #[test]
    fn assessment_never_panics(cut in 0usize..12_000, insert in "[\\[\\]=\"a-z0-9_.:, \n-]{0,12}") {
        let base = std::fs::read_to_string(root().join("examples/enterprise-hospital.toml")).unwrap();
        let cut = cut.min(base.len());
        let cut = (0..=cut).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
        let text = format!("{}{}{}", &base[..cut], insert, &base[cut..]);
        let file = SourceFile::new("fuzz.toml", text);
        if let Ok((c, _)) = ctrlmap::contract::parse(file, &engine().catalog) {
            let r = AssessReport::new(&engine().catalog, &c, Some(date(AS_OF)));
            let _ = r.to_table();
            let _ = r.to_json();
        }
    }
}
