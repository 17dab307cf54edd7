//! Quantitative coverage: parameters compared by kind, boundaries, values not
//! stated, contract overrides, reason texts, notification deadlines.

use std::sync::Arc;

use ctrlmap::coverage::{self, Coverage, Outcome};
use ctrlmap::diag::SourceFile;
use ctrlmap::Status;

use crate::support::{engine, root, transcript};

fn assess_text(name: &str, text: &str) -> Coverage {
    let e = engine();
    let file: Arc<SourceFile> = SourceFile::new(name, text);
    let (c, _) = ctrlmap::contract::parse(file, &e.catalog)
        .unwrap_or_else(|d| panic!("{}", crate::support::render(&d)));
    coverage::assess(&e.catalog, &e.graph, &c)
}

fn merchant() -> String {
    std::fs::read_to_string(root().join("examples/ecommerce-merchant-pci.toml")).unwrap()
}

fn contract(scope: &str, body: &str) -> String {
    format!("[contract]\nname = \"t\"\nprovider = \"P\"\nclient = \"C\"\n\n[[scope]]\nframework = \"{scope}\"\n\n{body}")
}

#[test]
fn exactly_365_days_meets_twelve_months_and_364_misses() {
    let ok = assess_text("m365.toml", &merchant());
    let v = ok.verdict("pci-dss-4.0.1:10.5.1").unwrap();
    assert_eq!(v.status, Status::Covered);
    let c = v.via[0]
        .comparisons
        .iter()
        .find(|c| c.param == "log_retention")
        .unwrap();
    assert_eq!(c.outcome, Outcome::Pass);

    let miss = assess_text(
        "m364.toml",
        &merchant().replace("\"365 days\"", "\"364 days\""),
    );
    let v = miss.verdict("pci-dss-4.0.1:10.5.1").unwrap();
    assert_eq!(v.status, Status::Partial);
    let c = v.via[0]
        .comparisons
        .iter()
        .find(|c| c.param == "log_retention")
        .unwrap();
    assert_eq!(c.outcome, Outcome::Miss);
    assert_eq!(c.provided.as_ref().unwrap().to_string(), "364 days");
    assert_eq!(c.required.to_string(), "1 year");
    assert_eq!(
        v.reasons[0],
        "PCI DSS 10.5.1 requires log_retention >= 1 year (PCI DSS v4.0.1 Req. 10.5.1); the contract provides 364 days \
         (deliverable `log-retention-extended`, m364.toml:25): full becomes partial"
    );
}

/// The shipped example flips between covered and partial on one value; both
/// explanations are snapshotted.
#[test]
fn one_sla_value_flips_a_control() {
    let dir = tempfile::tempdir().unwrap();
    let flipped = dir.path().join("ecommerce-merchant-pci-364.toml");
    std::fs::write(&flipped, merchant().replace("\"365 days\"", "\"364 days\"")).unwrap();
    let a = transcript(&[
        "explain",
        "examples/ecommerce-merchant-pci.toml",
        "pci-dss-4.0.1:10.5.1",
    ]);
    let b = transcript(&["explain", flipped.to_str().unwrap(), "pci-dss-4.0.1:10.5.1"])
        .replace(dir.path().to_str().unwrap(), "[TMP]");
    assert!(a.contains("status: covered"), "{a}");
    assert!(b.contains("status: partial"), "{b}");
    insta::assert_snapshot!("retention-365", a);
    insta::assert_snapshot!("retention-364", b);
}

#[test]
fn a_value_not_stated_never_passes() {
    let text = contract(
        "pci-dss-4.0.1",
        "[[deliverable]]\nid = \"custom-archive\"\nname = \"Log archive\"\ndomain = \"monitoring\"\n\n\
         [[deliverable.implements]]\ncontrol = \"pci-dss-4.0.1:10.5.1\"\ndegree = \"full\"\nresponsibility = \"provider\"\nrationale = \"Keeps logs.\"\n",
    );
    let cov = assess_text("ns.toml", &text);
    let v = cov.verdict("pci-dss-4.0.1:10.5.1").unwrap();
    assert_eq!(v.status, Status::Partial);
    let outcomes: Vec<Outcome> = v.via[0].comparisons.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes, [Outcome::NotStated, Outcome::NotStated]);
    assert!(
        v.reasons[0].contains("does not state log_retention (not assumed to pass)"),
        "{:?}",
        v.reasons
    );
}

#[test]
fn contract_override_beats_catalog_value_and_sla_beats_catalog() {
    // The basic tier keeps 90 days (catalog); the contract buys 400.
    let body = "[[deliverable]]\nuse = \"log-retention-basic\"\nprovides = { log_retention = \"400 days\", log_online_retention = \"100 days\" }\n";
    let cov = assess_text("o.toml", &contract("pci-dss-4.0.1", body));
    let v = cov.verdict("pci-dss-4.0.1:10.5.1").unwrap();
    let c = v.via[0]
        .comparisons
        .iter()
        .find(|c| c.param == "log_retention")
        .unwrap();
    assert_eq!(
        (c.outcome, c.provided_by),
        (
            Outcome::Pass,
            Some(ctrlmap::contract::ValueSource::ContractDeliverable)
        )
    );
    assert_eq!(c.provided_at.as_deref(), Some("o.toml:11"));
    // log-retention-basic is only partial for 10.5.1 in the catalog: comparisons pass, degree stays partial.
    assert_eq!(v.status, Status::Partial);

    // A contract-wide SLA value overrides the catalog default of the extended tier...
    let body =
        "[[deliverable]]\nuse = \"log-retention-extended\"\n\n[sla]\nlog_retention = \"30 days\"\n";
    let cov = assess_text("s.toml", &contract("pci-dss-4.0.1", body));
    let c = cov.verdict("pci-dss-4.0.1:10.5.1").unwrap().via[0].comparisons[0].clone();
    assert_eq!(
        (c.outcome, c.provided_by),
        (
            Outcome::Miss,
            Some(ctrlmap::contract::ValueSource::ContractSla)
        )
    );
    // ...and a deliverable's own override beats the SLA.
    let body = "[[deliverable]]\nuse = \"log-retention-extended\"\nprovides = { log_retention = \"2 years\" }\n\n[sla]\nlog_retention = \"30 days\"\n";
    let cov = assess_text("s2.toml", &contract("pci-dss-4.0.1", body));
    let v = cov.verdict("pci-dss-4.0.1:10.5.1").unwrap();
    assert_eq!(v.status, Status::Covered);
    assert_eq!(
        v.via[0].comparisons[0]
            .provided
            .as_ref()
            .unwrap()
            .to_string(),
        "2 years"
    );
}

#[test]
fn windows_and_booleans_compare_by_kind() {
    // Window: 12.10.3 asks for incident response available 24x7.
    let body = |v: &str| {
        format!(
            "[[deliverable]]\nuse = \"ir-retainer\"\nprovides = {{ ir_availability = \"{v}\" }}\n"
        )
    };
    let ok = assess_text("w.toml", &contract("pci-dss-4.0.1", &body("24x7")));
    assert_eq!(
        ok.verdict("pci-dss-4.0.1:12.10.3").unwrap().status,
        Status::Shared
    );
    let miss = assess_text("w.toml", &contract("pci-dss-4.0.1", &body("8x5")));
    let v = miss.verdict("pci-dss-4.0.1:12.10.3").unwrap();
    assert_eq!(v.status, Status::Partial);
    assert!(
        v.reasons[0].contains("ir_availability >= 24x7") && v.reasons[0].contains("8x5"),
        "{:?}",
        v.reasons
    );

    // Bool: 11.3.2 asks for scans by an Approved Scanning Vendor.
    let body = |b: bool| {
        format!("[[deliverable]]\nuse = \"external-asv-scan\"\nprovides = {{ asv_scan = {b} }}\n")
    };
    assert_eq!(
        assess_text("b.toml", &contract("pci-dss-4.0.1", &body(true)))
            .verdict("pci-dss-4.0.1:11.3.2")
            .unwrap()
            .status,
        Status::Covered
    );
    let v = assess_text("b.toml", &contract("pci-dss-4.0.1", &body(false)));
    let v = v.verdict("pci-dss-4.0.1:11.3.2").unwrap();
    assert_eq!(v.status, Status::Partial);
    assert!(
        v.reasons[0].contains("asv_scan = true") && v.reasons[0].contains("provides false"),
        "{:?}",
        v.reasons
    );

    // Duration, at most: quarterly internal scans; every 100 days misses 3 months.
    let body = "[[deliverable]]\nuse = \"internal-vuln-scan-quarterly\"\nprovides = { internal_scan_interval = \"100 days\" }\n";
    let v = assess_text("d.toml", &contract("pci-dss-4.0.1", body));
    assert_eq!(
        v.verdict("pci-dss-4.0.1:11.3.1").unwrap().status,
        Status::Partial
    );
}

#[test]
fn a_value_of_the_wrong_kind_is_an_error() {
    let body = "[[deliverable]]\nuse = \"ir-retainer\"\nprovides = { ir_availability = \"72 hours\", log_retenton = \"1 year\" }\n";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, contract("pci-dss-4.0.1", body)).unwrap();
    let t =
        transcript(&["report", p.to_str().unwrap()]).replace(dir.path().to_str().unwrap(), "[TMP]");
    assert!(t.contains("exit: 2"), "{t}");
    assert!(t.contains("error[invalid-param]"), "{t}");
    assert!(t.contains("did you mean `log_retention`?"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn notification_deadlines_report_the_margin() {
    let cov = assess_text(
        "n.toml",
        &format!(
            "{}\n[sla]\nnotification_time = \"96 hours\"\n",
            contract("cmmc-2.0", "")
        ),
    );
    let n = &cov.frameworks[0].notification[0];
    assert_eq!(
        (n.deadline.as_str(), n.outcome, n.margin_hours),
        ("dfars-7012-report", "too_late", Some(-24.0))
    );
    assert!(n.text.contains("short by 24 hours"), "{}", n.text);

    let cov = assess_text(
        "n.toml",
        &format!(
            "{}\n[sla]\nnotification_time = \"72 hours\"\n",
            contract("cmmc-2.0", "")
        ),
    );
    assert_eq!(
        (
            cov.frameworks[0].notification[0].outcome,
            cov.frameworks[0].notification[0].margin_hours
        ),
        ("aligned", Some(0.0))
    );

    let cov = assess_text("n.toml", &contract("hipaa-security", ""));
    assert!(cov.frameworks[0]
        .notification
        .iter()
        .all(|n| n.outcome == "not_stated"));
    let cov = assess_text("n.toml", &contract("pci-dss-4.0.1", ""));
    assert_eq!(
        cov.frameworks[0].notification[0].outcome,
        "no_fixed_deadline"
    );

    // The provider's SLA also meets or misses CMMC IR.L2-3.6.2's 72-hour demand.
    let body =
        "[[deliverable]]\nuse = \"ir-retainer\"\n\n[sla]\nnotification_time = \"96 hours\"\n";
    let cov = assess_text("n.toml", &contract("cmmc-2.0", body));
    let v = cov.verdict("cmmc-2.0:IR.L2-3.6.2").unwrap();
    let comps: Vec<_> = v
        .via
        .iter()
        .flat_map(|c| &c.comparisons)
        .filter(|c| c.param == "notification_time")
        .collect();
    assert!(!comps.is_empty());
    assert!(
        comps.iter().all(|c| c.outcome == Outcome::Miss),
        "{comps:?}"
    );
}
