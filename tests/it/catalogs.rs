//! The shipped catalogs against the official ID lists in `tests/reference/`.

use std::collections::BTreeSet;

use ctrlmap::model::Framework;

use crate::support::{engine, reference_csv};

fn fw(id: &str) -> &'static Framework {
    &engine().catalog.frameworks[id]
}

fn ids_of_kind(f: &Framework, kind: &str) -> BTreeSet<String> {
    f.controls
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.id.clone())
        .collect()
}

fn obligations(f: &Framework) -> BTreeSet<String> {
    f.controls
        .iter()
        .filter(|c| f.is_obligation(c))
        .map(|c| c.id.clone())
        .collect()
}

#[test]
fn csf_2_0_has_6_functions_22_categories_106_subcategories() {
    let f = fw("nist-csf-2.0");
    let rows = reference_csv("csf-2.0-ids.csv");
    for (level, count) in [("function", 6), ("category", 22), ("subcategory", 106)] {
        let want: BTreeSet<String> = rows
            .iter()
            .filter(|r| r[0] == level)
            .map(|r| r[1].clone())
            .collect();
        assert_eq!(want.len(), count, "reference list {level}");
        assert_eq!(ids_of_kind(f, level), want, "{level} ids");
    }
    for r in &rows {
        let c = f.control(&r[1]).unwrap();
        assert_eq!(
            c.parent.clone().unwrap_or_default(),
            r[2],
            "parent of {}",
            r[1]
        );
    }
    assert_eq!(obligations(f).len(), 106);
    assert_eq!(f.controls.len(), 134, "no withdrawn CSF 1.1 elements");
}

#[test]
fn hipaa_has_22_standards_43_specifications_21_required_22_addressable() {
    let f = fw("hipaa-security");
    let rows = reference_csv("hipaa-security-ids.csv");
    let standards: BTreeSet<String> = rows
        .iter()
        .filter(|r| r[1] == "standard")
        .map(|r| r[0].clone())
        .collect();
    let specs: BTreeSet<String> = rows
        .iter()
        .filter(|r| r[1] == "implementation_specification")
        .map(|r| r[0].clone())
        .collect();
    assert_eq!((standards.len(), specs.len()), (22, 43));
    assert_eq!(ids_of_kind(f, "standard"), standards);
    assert_eq!(ids_of_kind(f, "implementation_specification"), specs);
    let mut required = 0;
    for r in rows
        .iter()
        .filter(|r| r[1] == "implementation_specification")
    {
        let c = f.control(&r[0]).unwrap();
        assert_eq!(
            c.parent.as_deref(),
            Some(r[2].as_str()),
            "parent of {}",
            r[0]
        );
        let want = r[3].to_ascii_lowercase();
        assert_eq!(
            c.attributes.get("requirement"),
            Some(&want),
            "R/A of {}",
            r[0]
        );
        required += usize::from(want == "required");
    }
    assert_eq!(required, 21);
    // A standard without specifications is itself an obligation.
    let with_specs: BTreeSet<String> = rows
        .iter()
        .filter(|r| !r[2].is_empty())
        .map(|r| r[2].clone())
        .collect();
    let bare: BTreeSet<String> = standards.difference(&with_specs).cloned().collect();
    let want: BTreeSet<String> = specs.union(&bare).cloned().collect();
    assert_eq!(obligations(f), want);
    assert!(f.control("164.312(b)").unwrap().children.is_empty());
    assert_eq!(
        f.controls
            .iter()
            .filter(|c| !c.params.is_empty())
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["164.316(b)(2)(i)"]
    );
}

#[test]
fn pci_dss_has_280_requirements_with_applicability_and_future_dating() {
    let f = fw("pci-dss-4.0.1");
    let rows = reference_csv("pci-dss-4.0.1-requirement-ids.csv");
    let want: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(want.len(), 280);
    assert_eq!(obligations(f), want);
    let principals: BTreeSet<String> = ids_of_kind(f, "principal");
    assert_eq!(principals.len(), 15, "12 requirements and appendices A1-A3");
    assert_eq!(
        principals.iter().filter(|p| !p.starts_with('A')).count(),
        12
    );
    for r in &rows {
        let c = f.control(&r[0]).unwrap();
        assert_eq!(
            c.parent.as_deref(),
            Some(r[1].as_str()),
            "parent of {}",
            r[0]
        );
        assert_eq!(
            c.attributes.get("applies_to"),
            Some(&r[5]),
            "applies_to of {}",
            r[0]
        );
        assert_eq!(c.future_dated, r[4] == "yes", "future_dated of {}", r[0]);
    }
    assert_eq!(
        f.control("9.5.1.2.1").unwrap().parent.as_deref(),
        Some("9.5.1.2")
    );
    let sp = rows.iter().filter(|r| r[5] == "service_provider").count();
    assert_eq!(sp, 25);
}

#[test]
fn cmmc_has_15_level1_110_level2_24_level3() {
    let f = fw("cmmc-2.0");
    for (file, level, count) in [
        ("cmmc-level1-ids.csv", "1", 15),
        ("cmmc-level2-ids.csv", "2", 110),
        ("cmmc-level3-ids.csv", "3", 24),
    ] {
        let want: BTreeSet<String> = reference_csv(file).iter().map(|r| r[0].clone()).collect();
        assert_eq!(want.len(), count);
        let have: BTreeSet<String> = f
            .controls
            .iter()
            .filter(|c| c.attributes.get("level").map(String::as_str) == Some(level))
            .map(|c| c.id.clone())
            .collect();
        assert_eq!(have, want, "level {level}");
    }
    let families = ids_of_kind(f, "family");
    assert_eq!(families.len(), 14);
    let l2_families: BTreeSet<String> = reference_csv("cmmc-level2-ids.csv")
        .iter()
        .map(|r| r[3].clone())
        .collect();
    assert_eq!(families, l2_families);
}

#[test]
fn soc2_has_61_criteria_33_in_security() {
    let f = fw("soc2-tsc-2017");
    let rows = reference_csv("soc2-tsc-2017-criteria-ids.csv");
    let want: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(want.len(), 61);
    assert_eq!(obligations(f), want);
    for r in &rows {
        assert_eq!(
            f.control(&r[0]).unwrap().attributes.get("category"),
            Some(&r[2]),
            "category of {}",
            r[0]
        );
    }
    assert_eq!(rows.iter().filter(|r| r[2] == "security").count(), 33);
}

#[test]
fn every_crosswalk_edge_resolves_and_names_its_source() {
    let c = &engine().catalog;
    assert!(c.crosswalks.len() >= 5);
    for cw in c.crosswalks.values() {
        assert!(!cw.source.trim().is_empty(), "{} has no source", cw.id);
        assert!(!cw.edges.is_empty(), "{} has no edges", cw.id);
        for e in &cw.edges {
            assert!(c.control(&e.from).is_some(), "{}: {}", cw.id, e.from);
            assert!(c.control(&e.to).is_some(), "{}: {}", cw.id, e.to);
            assert!(e.from.starts_with(&format!("{}:", cw.from)));
            assert!(e.to.starts_with(&format!("{}:", cw.to)));
            if cw.is_judgement() {
                assert!(
                    e.rationale.as_deref().is_some_and(|r| !r.trim().is_empty()),
                    "{}: {} -> {}",
                    cw.id,
                    e.from,
                    e.to
                );
            }
        }
        // Official sets are never labelled ctrlmap's and vice versa.
        assert_eq!(
            cw.is_judgement(),
            cw.source.eq_ignore_ascii_case("ctrlmap"),
            "{}",
            cw.id
        );
    }
}

fn pairs(crosswalk: &str) -> BTreeSet<(String, String)> {
    engine().catalog.crosswalks[crosswalk]
        .edges
        .iter()
        .map(|e| {
            (
                e.from.split_once(':').unwrap().1.to_string(),
                e.to.split_once(':').unwrap().1.to_string(),
            )
        })
        .collect()
}

/// Recompute the HIPAA -> CSF 2.0 crosswalk from NIST's SP 800-66r2 OLIR pairs
/// (HIPAA -> CSF 1.1) and the CSF 1.1 -> 2.0 re-keying.
#[test]
fn hipaa_to_csf2_is_nist_olir_rekeyed() {
    let cfr: std::collections::BTreeMap<String, String> =
        reference_csv("sp800-66r2-cprt-to-cfr.csv")
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
    let rekey = reference_csv("csf1.1-to-csf2-rekey.csv");
    let mut want = BTreeSet::new();
    for r in reference_csv("sp800-66r2-hipaa-to-csf1.1.csv") {
        let hipaa = cfr
            .get(&r[0])
            .unwrap_or_else(|| panic!("no CFR citation for NIST id {}", r[0]));
        for k in rekey
            .iter()
            .filter(|k| k[0] == r[2] && k[2] == "subcategory")
        {
            want.insert((hipaa.clone(), k[1].clone()));
        }
    }
    let listed: BTreeSet<(String, String)> = reference_csv("hipaa-to-csf2-pairs.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let have = pairs("sp800-66r2-hipaa-to-csf2");
    assert_eq!(have, want);
    assert_eq!(have, listed);
    assert_eq!(have.len(), 900);
    let cw = &engine().catalog.crosswalks["sp800-66r2-hipaa-to-csf2"];
    assert!(cw
        .edges
        .iter()
        .all(|e| e.relation == ctrlmap::model::Relation::Intersects));
    assert!(!cw.is_judgement());
    // The pre-2013 number is normalised onto today's 164.308(b)(3).
    assert!(have.iter().any(|(h, _)| h == "164.308(b)(3)"));
    assert!(!have.iter().any(|(h, _)| h.starts_with("164.308(b)(4)")));
}

#[test]
fn cmmc_to_csf2_matches_the_rekeyed_olir_pairs() {
    let listed: BTreeSet<(String, String)> = reference_csv("cmmc-l2-to-csf2-pairs.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let have = pairs("cmmc-l2-to-csf2-olir");
    assert_eq!(have, listed);
    // Every CSF side is a subcategory NIST maps to some SP 800-171r3 requirement.
    let nist_csf: BTreeSet<String> = reference_csv("olir-csf2-to-sp800-171r3.csv")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert!(have.iter().all(|(_, csf)| nist_csf.contains(csf)));
    // Level 1 requirements are equal to their Level 2 counterparts where one to one.
    let l1 = pairs("cmmc-l1-to-l2-dod");
    assert!(l1.contains(&("AC.L1-b.1.i".into(), "AC.L2-3.1.1".into())));
}

#[test]
fn every_catalog_deliverable_is_well_formed() {
    let c = &engine().catalog;
    assert!(c.deliverables.len() >= 25, "{}", c.deliverables.len());
    let domains: BTreeSet<&str> = c.deliverables.values().map(|d| d.domain.as_str()).collect();
    for d in [
        "monitoring",
        "detection",
        "response",
        "vulnerability",
        "compliance",
    ] {
        assert!(domains.contains(d), "no deliverable in {d}");
    }
    for d in c.deliverables.values() {
        assert!(!d.implements.is_empty(), "{} implements nothing", d.id);
        assert!(!d.evidence.is_empty(), "{} produces no evidence", d.id);
        assert!(
            d.implements.iter().all(|i| !i.rationale.trim().is_empty()),
            "{}",
            d.id
        );
    }
    // Deliverables reach every framework.
    for fw in c.frameworks.keys() {
        assert!(
            c.deliverables.values().any(|d| d
                .implements
                .iter()
                .any(|i| i.control.starts_with(&format!("{fw}:")))),
            "no deliverable implements {fw}"
        );
    }
}

#[test]
fn every_catalog_file_is_embedded() {
    let embedded: BTreeSet<String> = ctrlmap::catalog::embedded_files()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let mut on_disk = BTreeSet::new();
    for dir in ["frameworks", "frameworks/crosswalks"] {
        for e in std::fs::read_dir(crate::support::root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                let rel = p
                    .strip_prefix(crate::support::root().join("frameworks"))
                    .unwrap();
                on_disk.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    assert_eq!(embedded, on_disk);
}

/// Obligations a client has under one framework and a selection.
fn scoped(framework: &str, select: &str) -> (usize, usize) {
    let text = format!(
        "[contract]\nname = \"scope test\"\nprovider = \"P\"\nclient = \"C\"\n\n[[scope]]\nframework = \"{framework}\"\n{select}\n"
    );
    let file = ctrlmap::diag::SourceFile::new("scope.toml", text);
    let e = engine();
    let (c, _) = ctrlmap::contract::parse(file, &e.catalog)
        .unwrap_or_else(|d| panic!("{}", crate::support::render(&d)));
    let cov = ctrlmap::coverage::assess(&e.catalog, &e.graph, &c);
    (
        cov.frameworks[0].totals.obligations,
        cov.frameworks[0].out_of_scope.len(),
    )
}

#[test]
fn selectors_narrow_each_framework_to_the_client() {
    assert_eq!(scoped("cmmc-2.0", "select = { level = \"1\" }").0, 15);
    assert_eq!(scoped("cmmc-2.0", "select = { level = \"2\" }").0, 110);
    assert_eq!(scoped("cmmc-2.0", "").0, 110, "Level 2 is the default");
    assert_eq!(scoped("cmmc-2.0", "select = { level = 3 }").0, 134);
    // A merchant has none of the 25 service-provider-only or 20 designated-entity requirements.
    assert_eq!(scoped("pci-dss-4.0.1", ""), (235, 45));
    assert_eq!(
        scoped("pci-dss-4.0.1", "select = { service_provider = true }"),
        (260, 20)
    );
    assert_eq!(
        scoped(
            "pci-dss-4.0.1",
            "select = { service_provider = true, designated_entity = true }"
        ),
        (280, 0)
    );
    assert_eq!(
        scoped("soc2-tsc-2017", "").0,
        33,
        "Security is always in scope"
    );
    assert_eq!(
        scoped(
            "soc2-tsc-2017",
            "select = { categories = [\"availability\"] }"
        )
        .0,
        36
    );
    assert_eq!(
        scoped("soc2-tsc-2017", "select = { categories = [\"security\", \"availability\", \"confidentiality\", \"processing_integrity\", \"privacy\"] }").0,
        61
    );
    assert_eq!(scoped("hipaa-security", "").0, 50);
    assert_eq!(scoped("nist-csf-2.0", "").0, 106);
}

#[test]
fn a_merchant_pci_report_lists_service_provider_requirements_as_out_of_scope() {
    let text = "[contract]\nname = \"m\"\nprovider = \"P\"\nclient = \"C\"\n\n[[scope]]\nframework = \"pci-dss-4.0.1\"\n";
    let e = engine();
    let (c, _) =
        ctrlmap::contract::parse(ctrlmap::diag::SourceFile::new("m.toml", text), &e.catalog)
            .unwrap();
    let cov = ctrlmap::coverage::assess(&e.catalog, &e.graph, &c);
    let f = &cov.frameworks[0];
    assert!(f.controls.iter().all(|v| v.id != "pci-dss-4.0.1:12.9.1"));
    let oos = f
        .out_of_scope
        .iter()
        .find(|o| o.id == "pci-dss-4.0.1:12.9.1")
        .unwrap();
    assert!(oos.reason.contains("service_provider"), "{}", oos.reason);
}

#[test]
fn bad_selections_are_reported() {
    let t =
        crate::support::transcript(&["report", "tests/fixtures/errors/bad-selector/contract.toml"]);
    assert!(t.contains("exit: 2"), "{t}");
    assert!(
        t.contains("error[invalid-selector]") && t.contains("did you mean `availability`?"),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn validate_reports_mapping_quality() {
    let (code, out, err) = crate::support::run(&["validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("hipaa-security -> nist-csf-2.0: 900"), "{out}");
    assert!(out.contains("deliverables without edges: none"), "{out}");
    insta::assert_snapshot!(out);
    let (q, warnings) = ctrlmap::quality::check(&engine().catalog);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(q.unmapped["hipaa-security"].len(), 0);
    let csf_unmapped = &q.unmapped["nist-csf-2.0"];
    // Every unmapped obligation really has no edge.
    for id in csf_unmapped {
        assert!(engine().graph.crosswalk_neighbours(id).is_empty());
        assert!(engine().graph.implementers(id).is_empty());
    }
}

#[test]
fn validate_warns_about_duplicate_and_contradictory_edges() {
    let t =
        crate::support::transcript(&["validate", "--catalog", "tests/fixtures/quality/catalog"]);
    assert!(t.contains("exit: 1"), "{t}");
    assert!(t.contains("warning[duplicate-edge]"), "{t}");
    assert!(t.contains("warning[contradictory-edge]"), "{t}");
    assert!(
        t.contains("contradict.toml:21:1") || t.contains("contradict.toml:27:1"),
        "{t}"
    );
}
