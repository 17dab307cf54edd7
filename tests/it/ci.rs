//! ctrlmap in CI: `snapshot`, `check` (against a snapshot and a policy),
//! `diff` (contracts and catalog versions), JSON and JUnit output, exit
//! codes, the example workflow, and one summary snapshot per shipped
//! framework so that any mapping change is a reviewed snapshot diff.
//!
//! Fixtures are in `tests/fixtures/ci/`: variants of
//! `examples/basic-clinic.toml` (`clinic/`), a small SOC 2 contract whose
//! scope grows (`soc2/`), policies (`policy/`), broken snapshots
//! (`snapshots/`) and a later catalog version that renames CSF PR.AA-04
//! (`catalog-rename/`). The baseline snapshots are the committed examples in
//! `examples/ci/snapshots/`, which a test keeps current.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ctrlmap::ci::snapshot::{self, Snapshot};
use ctrlmap::model::Framework;

use crate::support::{engine, root, run, transcript};

const CLINIC: &str = "examples/basic-clinic.toml";
const CLINIC_SNAP: &str = "examples/ci/snapshots/basic-clinic.snap";
const DROPPED: &str = "tests/fixtures/ci/clinic/dropped-log-collection.toml";
const ADDED: &str = "tests/fixtures/ci/clinic/added-risk-assessment.toml";
const SOC2: &str = "tests/fixtures/ci/soc2/security.toml";
const SOC2_MORE: &str = "tests/fixtures/ci/soc2/security-confidentiality.toml";
const MIDMARKET: &str = "examples/midmarket-healthcare-saas.toml";
const RENAME: &str = "tests/fixtures/ci/catalog-rename";

/// A transcript whose arguments may name files in `dir`, shown as `[TMP]`.
fn transcript_in(dir: &Path, args: &[&str]) -> String {
    transcript(args).replace(&dir.display().to_string(), "[TMP]")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn read(path: impl AsRef<Path>) -> String {
    let p = path.as_ref();
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root().join(p)
    };
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn help_texts() {
    for cmd in ["snapshot", "check", "diff"] {
        let t = transcript(&[cmd, "--help"]);
        assert!(t.contains("exit: 0"), "{t}");
        insta::assert_snapshot!(format!("help-{cmd}"), t);
    }
}

// ---- snapshot ---------------------------------------------------------------

#[test]
fn snapshot_is_one_sorted_line_per_obligation() {
    let t = transcript(&["snapshot", CLINIC]);
    assert!(t.starts_with(&format!("$ ctrlmap snapshot {CLINIC}\nexit: 0\n")));
    insta::assert_snapshot!(t);
    let (_, text, _) = run(&["snapshot", CLINIC]);
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 50, "HIPAA has 50 obligations");
    let mut sorted = lines.clone();
    sorted.sort_by(|a, b| snapshot::natural_cmp(a, b));
    assert_eq!(lines, sorted);
    assert!(text.contains("# ctrlmap: "), "{text}");
    assert!(text.contains("# framework: hipaa-security "), "{text}");
    assert!(
        text.contains("# deliverables: mssp-deliverables "),
        "{text}"
    );
}

/// Byte-identical across runs, with nothing from the machine: no
/// timestamps, no absolute paths (the contract is named, not located).
#[test]
fn snapshot_is_byte_identical_and_machine_free() {
    let dir = tmp();
    let copy = dir.path().join("clinic.toml");
    std::fs::copy(root().join(CLINIC), &copy).unwrap();
    let a = run(&["snapshot", CLINIC]);
    let b = run(&["snapshot", s(&copy)]);
    assert_eq!(a.0, 0, "{}", a.2);
    assert_eq!(a.1, b.1, "the path of the contract must not matter");
    assert!(!a.1.contains(&root().display().to_string()));
    for (text, what) in [
        (&a.1, "text"),
        (&run(&["snapshot", CLINIC, "--format", "json"]).1, "json"),
    ] {
        assert!(!text.contains("2025-") && !text.contains(":00Z"), "{what}");
    }
    // Parsing the text gives the snapshot the engine builds.
    let built = Snapshot::new(
        &engine().catalog,
        &engine().report(&root().join(CLINIC)).unwrap().0,
    );
    let file = ctrlmap::diag::SourceFile::new("x.snap", a.1.clone());
    assert_eq!(snapshot::parse(&file, snapshot::REGENERATE).unwrap(), built);
    assert_eq!(built.to_text(), a.1);
}

#[test]
fn snapshot_json_has_stable_fields() {
    let (code, out, err) = run(&["snapshot", CLINIC, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "format",
            "ctrlmap_version",
            "contract",
            "frameworks",
            "deliverable_catalog",
            "obligations"
        ]
    );
    assert_eq!(v["format"], 1);
    assert_eq!(v["frameworks"][0]["id"], "hipaa-security");
    assert_eq!(v["frameworks"][0]["totals"]["obligations"], 50);
    let ob = &v["obligations"][3];
    assert_eq!(ob["id"], "hipaa-security:164.308(a)(1)(ii)(D)");
    assert_eq!(ob["status"], "covered");
    assert_eq!(
        ob["deliverables"],
        serde_json::json!(["soc-monitoring-8x5"])
    );
}

#[test]
fn snapshot_out_is_atomic_and_never_replaced_without_force() {
    let dir = tmp();
    let out = dir.path().join("clinic.snap");
    assert_eq!(run(&["snapshot", CLINIC, "--out", s(&out)]).0, 0);
    assert_eq!(read(&out), read(CLINIC_SNAP));
    let (code, _, err) = run(&["snapshot", ADDED, "--out", s(&out)]);
    assert_eq!(code, 2);
    assert!(err.contains("error[output-exists]"), "{err}");
    assert_eq!(read(&out), read(CLINIC_SNAP));
    assert_eq!(run(&["snapshot", ADDED, "--out", s(&out), "--force"]).0, 0);
    assert_ne!(read(&out), read(CLINIC_SNAP));
}

/// The committed example snapshots match today's coverage: the same check
/// the example workflow runs, with `--strict`.
#[test]
fn example_snapshots_are_current() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".toml") {
            names.push(stem.to_string());
        }
    }
    names.sort();
    assert!(names.len() >= 6);
    for stem in &names {
        let contract = format!("examples/{stem}.toml");
        let snap = format!("examples/ci/snapshots/{stem}.snap");
        let (code, out, err) = run(&[
            "check",
            &contract,
            "--snapshot",
            &snap,
            "--strict",
            "--policy",
            "examples/ci/policy.toml",
        ]);
        assert_eq!(
            code, 0,
            "{snap} is stale or the example policy fails. If the change is intended, run\n  \
             cargo run -- check {contract} --snapshot {snap} --update\n\
             and review the diff.\n{out}{err}"
        );
        assert!(out.contains("result: pass, no changes"), "{out}");
    }
    let mut snaps: Vec<String> = std::fs::read_dir(root().join("examples/ci/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    snaps.sort();
    let want: Vec<String> = names.iter().map(|n| format!("{n}.snap")).collect();
    assert_eq!(snaps, want, "one snapshot per example contract, no orphans");
}

// ---- check against a snapshot -------------------------------------------------

#[test]
fn check_unchanged_passes() {
    let t = transcript(&["check", CLINIC, "--snapshot", CLINIC_SNAP]);
    assert!(t.contains("exit: 0\n"), "{t}");
    assert!(t.contains("result: pass, no changes"), "{t}");
    insta::assert_snapshot!(t);
}

/// Dropping `log-collection` lowers one obligation: exit 1, with the
/// command that accepts the change.
#[test]
fn check_regression_fails() {
    let t = transcript(&["check", DROPPED, "--snapshot", CLINIC_SNAP]);
    assert!(t.contains("exit: 1\n"), "{t}");
    assert!(t.contains("regressions (1):"), "{t}");
    assert!(
        t.contains(&format!(
            "run `ctrlmap check {DROPPED} --snapshot {CLINIC_SNAP} --update`"
        )),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

/// Adding `risk-assessment-support` raises two obligations: exit 0, and 1
/// with `--strict`, which fails on any difference.
#[test]
fn check_improvement_passes_unless_strict() {
    let t = transcript(&["check", ADDED, "--snapshot", CLINIC_SNAP]);
    assert!(t.contains("exit: 0\n"), "{t}");
    assert!(t.contains("improvements (2):"), "{t}");
    assert!(!t.contains("regressions ("), "{t}");
    insta::assert_snapshot!(t);
    let strict = transcript(&["check", ADDED, "--snapshot", CLINIC_SNAP, "--strict"]);
    assert!(strict.contains("exit: 1\n"), "{strict}");
    assert!(
        strict.contains("--strict: any difference fails"),
        "{strict}"
    );
    // Unchanged stays green under --strict.
    assert_eq!(
        run(&["check", CLINIC, "--snapshot", CLINIC_SNAP, "--strict"]).0,
        0
    );
}

/// A new obligation that is a gap is a regression; one that disappears is
/// a change (and fails only under `--strict`).
#[test]
fn new_gaps_regress_and_removed_obligations_change() {
    let dir = tmp();
    let small = dir.path().join("security.snap");
    let large = dir.path().join("security-confidentiality.snap");
    assert_eq!(run(&["snapshot", SOC2, "--out", s(&small)]).0, 0);
    assert_eq!(run(&["snapshot", SOC2_MORE, "--out", s(&large)]).0, 0);
    let grown = transcript_in(dir.path(), &["check", SOC2_MORE, "--snapshot", s(&small)]);
    assert!(grown.contains("exit: 1\n"), "{grown}");
    assert!(
        grown.contains("soc2-tsc-2017:C1.1: new obligation, gap"),
        "{grown}"
    );
    insta::assert_snapshot!("check_new_gap", grown);
    let shrunk = transcript_in(dir.path(), &["check", SOC2, "--snapshot", s(&large)]);
    assert!(shrunk.contains("exit: 0\n"), "{shrunk}");
    assert!(
        shrunk.contains("no longer an obligation, was gap"),
        "{shrunk}"
    );
    insta::assert_snapshot!("check_removed_obligation", shrunk);
    assert_eq!(
        run(&["check", SOC2, "--snapshot", s(&large), "--strict"]).0,
        1
    );
}

#[test]
fn check_update_rewrites_the_snapshot() {
    let dir = tmp();
    let snap = dir.path().join("clinic.snap");
    std::fs::copy(root().join(CLINIC_SNAP), &snap).unwrap();
    let t = transcript_in(
        dir.path(),
        &["check", DROPPED, "--snapshot", s(&snap), "--update"],
    );
    assert!(t.contains("exit: 0\n"), "{t}");
    assert!(t.contains("result: updated"), "{t}");
    insta::assert_snapshot!(t);
    assert_eq!(read(&snap), run(&["snapshot", DROPPED]).1);
    // Now it is current, and --strict passes.
    assert_eq!(
        run(&["check", DROPPED, "--snapshot", s(&snap), "--strict"]).0,
        0
    );
    // Only the snapshot is left behind: no temporary files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // --update on a current snapshot leaves the file alone.
    let before = std::fs::metadata(&snap).unwrap().modified().unwrap();
    let (code, out, _) = run(&["check", DROPPED, "--snapshot", s(&snap), "--update"]);
    assert_eq!(code, 0);
    assert!(out.contains("result: pass, no changes"), "{out}");
    assert_eq!(
        std::fs::metadata(&snap).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn check_update_creates_a_missing_snapshot_and_repairs_a_conflicted_one() {
    let dir = tmp();
    let snap = dir.path().join("new.snap");
    let (code, out, err) = run(&["check", CLINIC, "--snapshot", s(&snap), "--update"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("result: created"), "{out}");
    assert_eq!(read(&snap), read(CLINIC_SNAP));

    std::fs::copy(
        root().join("tests/fixtures/ci/snapshots/conflict.snap"),
        &snap,
    )
    .unwrap();
    let (code, out, err) = run(&["check", CLINIC, "--snapshot", s(&snap), "--update"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning[snapshot-syntax]"), "{err}");
    assert!(out.contains("could not be read; it was replaced"), "{out}");
    assert_eq!(read(&snap), read(CLINIC_SNAP));
}

#[test]
fn missing_snapshot_is_bad_input_with_the_command_that_creates_it() {
    let t = transcript(&[
        "check",
        CLINIC,
        "--snapshot",
        "tests/fixtures/ci/snapshots/no-such.snap",
    ]);
    assert!(t.contains("exit: 2\n"), "{t}");
    assert!(t.contains("error[snapshot-missing]"), "{t}");
    assert!(
        t.contains(&format!(
            "ctrlmap snapshot {CLINIC} --out tests/fixtures/ci/snapshots/no-such.snap"
        )),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn broken_snapshots_are_bad_input_at_line_and_column() {
    for name in ["bad-lines", "conflict", "not-a-snapshot"] {
        let path = format!("tests/fixtures/ci/snapshots/{name}.snap");
        let t = transcript(&["check", CLINIC, "--snapshot", &path]);
        assert!(t.contains("exit: 2\n"), "{t}");
        assert!(t.contains(&format!("--> {path}:")), "{t}");
        assert!(!t.contains("panicked"), "{t}");
        insta::assert_snapshot!(format!("broken-snapshot-{name}"), t);
    }
}

/// The snapshot parser never panics on arbitrary text.
mod fuzz {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn snapshot_parser_never_panics(body in "[a-z0-9:(),.%# _\\-\n<=>]{0,300}") {
            let text = format!("# ctrlmap coverage snapshot, format 1\n# framework: f 1\n{body}");
            let file = ctrlmap::diag::SourceFile::new("fuzz.snap", text);
            let _ = ctrlmap::ci::snapshot::parse(&file, ctrlmap::ci::snapshot::REGENERATE);
        }
    }
}

// ---- check against a policy ----------------------------------------------------

/// Every rule kind passes (and a rule about a framework not in scope is skipped).
#[test]
fn policy_pass() {
    let t = transcript(&[
        "check",
        CLINIC,
        "--policy",
        "tests/fixtures/ci/policy/pass.toml",
    ]);
    assert!(t.contains("exit: 0\n"), "{t}");
    for rule in [
        "pass  min_coverage hipaa-security",
        "pass  max_gaps all frameworks",
        "pass  max_gaps_per_framework hipaa-security",
        "pass  must_cover hipaa-security:164.312(b)",
        "skip  1 rule about frameworks not in this contract's scope: pci-dss-4.0.1",
    ] {
        assert!(t.contains(rule), "{rule}:\n{t}");
    }
    insta::assert_snapshot!(t);
}

/// Every rule kind fails; `covered_statuses = ["covered"]` makes a shared
/// obligation fail `must_cover`.
#[test]
fn policy_fail() {
    let t = transcript(&[
        "check",
        CLINIC,
        "--policy",
        "tests/fixtures/ci/policy/fail.toml",
    ]);
    assert!(t.contains("exit: 1\n"), "{t}");
    for rule in [
        "FAIL  min_coverage hipaa-security: 2.0% < 60.0%",
        "FAIL  max_gaps all frameworks: 22 gaps, at most 10 allowed",
        "FAIL  max_gaps_per_framework hipaa-security",
        "FAIL  must_cover hipaa-security:164.312(b): shared (soc-monitoring-8x5), needs covered",
        "result: FAIL, 4 of 4 rules failed",
    ] {
        assert!(t.contains(rule), "{rule}:\n{t}");
    }
    insta::assert_snapshot!(t);
}

#[test]
fn bad_policies_are_bad_input_with_suggestions() {
    for name in ["unknown-rule", "invalid"] {
        let path = format!("tests/fixtures/ci/policy/{name}.toml");
        let t = transcript(&["check", CLINIC, "--policy", &path]);
        assert!(t.contains("exit: 2\n"), "{t}");
        assert!(t.contains("did you mean"), "{t}");
        insta::assert_snapshot!(format!("bad-policy-{name}"), t);
    }
    let t = transcript(&[
        "check",
        CLINIC,
        "--policy",
        "tests/fixtures/ci/policy/invalid.toml",
    ]);
    for code in [
        "error[invalid-value]",
        "error[unknown-framework]",
        "error[unknown-control]",
    ] {
        assert!(t.contains(code), "{code}:\n{t}");
    }
    assert!(t.contains("did you mean `nist-csf-2.0:DE.CM-01`?"), "{t}");
}

/// A bad policy stops `--update` before the snapshot is written.
#[test]
fn a_bad_policy_writes_nothing() {
    let dir = tmp();
    let snap = dir.path().join("s.snap");
    let (code, _, _) = run(&[
        "check",
        CLINIC,
        "--snapshot",
        s(&snap),
        "--update",
        "--policy",
        "tests/fixtures/ci/policy/invalid.toml",
    ]);
    assert_eq!(code, 2);
    assert!(!snap.exists());
}

/// Snapshot and policy in one run: exit 1 if either fails.
#[test]
fn snapshot_and_policy_together() {
    let (code, out, _) = run(&[
        "check",
        ADDED,
        "--snapshot",
        CLINIC_SNAP,
        "--policy",
        "tests/fixtures/ci/policy/fail.toml",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("result: pass, 0 regressions, 2 improvements"),
        "{out}"
    );
    assert!(out.contains("check: FAIL"), "{out}");
}

// ---- machine-readable output ---------------------------------------------------

#[test]
fn check_json_has_stable_fields() {
    let (code, out, err) = run(&[
        "check",
        DROPPED,
        "--snapshot",
        CLINIC_SNAP,
        "--policy",
        "tests/fixtures/ci/policy/pass.toml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["contract"], DROPPED);
    assert_eq!(v["result"], "fail");
    let snap = &v["snapshot"];
    assert_eq!(snap["file"], CLINIC_SNAP);
    assert_eq!(snap["result"], "fail");
    assert_eq!(snap["strict"], false);
    let reg = &snap["regressions"][0];
    assert_eq!(reg["change"], "lowered");
    assert!(reg["id"].as_str().unwrap().starts_with("hipaa-security:"));
    assert!(reg["renamed_from"].is_null());
    assert!(reg["old"]["status"].is_string() && reg["new"]["deliverables"].is_array());
    assert!(snap["improvements"].is_array() && snap["changes"].is_array());
    assert!(snap["notes"].is_array());
    let rules = v["policy"]["rules"].as_array().unwrap();
    assert_eq!(
        v["policy"]["covered_statuses"],
        serde_json::json!(["covered", "shared"])
    );
    let keys: Vec<&str> = rules[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["rule", "subject", "outcome", "actual", "limit", "message"]
    );
    assert_eq!(rules[0]["rule"], "min_coverage");
    assert_eq!(rules[0]["outcome"], "pass");
    assert_eq!(rules[0]["actual"], 4.0);
    insta::assert_snapshot!(out);
}

fn junit(args: &[&str]) -> (i32, String) {
    let mut all = args.to_vec();
    all.extend(["--format", "junit"]);
    let (code, out, err) = run(&all);
    assert!(err.is_empty(), "{err}");
    (code, out)
}

fn attr(node: roxmltree::Node, name: &str) -> usize {
    node.attribute(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap()
}

/// The JUnit report parses as XML and its counts add up: one test case per
/// obligation and per policy rule, regressions and failed rules as failures.
#[test]
fn junit_parses_with_the_expected_counts() {
    let (code, xml) = junit(&[
        "check",
        DROPPED,
        "--snapshot",
        CLINIC_SNAP,
        "--policy",
        "tests/fixtures/ci/policy/fail.toml",
    ]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), "testsuites");
    let suites: Vec<_> = top.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 2);
    let (snap, policy) = (suites[0], suites[1]);
    assert_eq!(
        snap.attribute("name"),
        Some(format!("snapshot {CLINIC_SNAP}").as_str())
    );
    assert_eq!(attr(snap, "tests"), 50);
    assert_eq!(attr(snap, "failures"), 1);
    assert_eq!(attr(policy, "tests"), 4);
    assert_eq!(attr(policy, "failures"), 4);
    assert_eq!(attr(top, "tests"), 54);
    assert_eq!(attr(top, "failures"), 5);
    for suite in &suites {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), attr(*suite, "tests"));
        let failed = cases
            .iter()
            .filter(|c| c.children().any(|f| f.has_tag_name("failure")))
            .count();
        assert_eq!(failed, attr(*suite, "failures"));
    }
    let failure = snap
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("regression"));
    assert!(failure.attribute("message").unwrap().contains(" -> "));
    insta::assert_snapshot!(xml);
}

/// Under `--strict` every difference is a failure; skipped policy rules are
/// `<skipped>`; names with markup characters are escaped.
#[test]
fn junit_strict_skips_and_escaping() {
    let (code, xml) = junit(&[
        "check",
        ADDED,
        "--snapshot",
        CLINIC_SNAP,
        "--strict",
        "--policy",
        "examples/ci/policy.toml",
    ]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let top = doc.root_element();
    assert_eq!(attr(top, "failures"), 3, "2 improvements + 1 change");
    assert_eq!(attr(top, "skipped"), 12);
    let skipped = top
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert!(skipped
        .attribute("message")
        .unwrap()
        .contains("not in this contract's scope"));
    assert!(xml.contains("contract&apos;s scope"), "{xml}");

    let dir = tmp();
    let odd = dir.path().join("a&b <c>.snap");
    assert_eq!(run(&["snapshot", CLINIC, "--out", s(&odd)]).0, 0);
    let (code, xml) = junit(&["check", DROPPED, "--snapshot", s(&odd)]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("escaped");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert!(suite.attribute("name").unwrap().ends_with("a&b <c>.snap"));
}

/// The result can go to a file (a JUnit report for the CI system), while
/// the exit code still tells pass or fail.
#[test]
fn check_out_writes_the_report() {
    let dir = tmp();
    let out = dir.path().join("results.xml");
    let (code, stdout, _) = run(&[
        "check",
        DROPPED,
        "--snapshot",
        CLINIC_SNAP,
        "--format",
        "junit",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(roxmltree::Document::parse(&read(&out)).is_ok());
    // Never over the snapshot it reads.
    let snap = dir.path().join("s.snap");
    std::fs::copy(root().join(CLINIC_SNAP), &snap).unwrap();
    let (code, _, err) = run(&[
        "check",
        CLINIC,
        "--snapshot",
        s(&snap),
        "--out",
        s(&snap),
        "--force",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("error[output-is-input]"), "{err}");
    assert_eq!(read(&snap), read(CLINIC_SNAP));
}

// ---- diff ------------------------------------------------------------------------

/// Two contracts: deliverables added and removed, a changed value, and every
/// obligation whose status or explanation changed.
#[test]
fn diff_two_contracts() {
    let t = transcript(&["diff", CLINIC, "tests/fixtures/ci/clinic/upgraded.toml"]);
    assert!(t.contains("exit: 0\n"), "{t}");
    for line in [
        "+ deliverable soc-monitoring-24x7",
        "- deliverable soc-monitoring-8x5",
        "~ value alert-triage-escalation.notification_time: 4 hours -> 1 hour",
        "~ value sla.coverage_hours: 8x5 -> 24x7",
        "improvements (",
    ] {
        assert!(t.contains(line), "{line}:\n{t}");
    }
    insta::assert_snapshot!(t);
    let same = transcript(&["diff", CLINIC, CLINIC]);
    assert!(same.contains("no differences"), "{same}");
}

/// Scope differences: a selector value changed and new obligations appeared.
#[test]
fn diff_scope_change() {
    let t = transcript(&["diff", SOC2, SOC2_MORE]);
    assert!(
        t.contains("~ selection soc2-tsc-2017.categories: security -> security, confidentiality"),
        "{t}"
    );
    assert!(t.contains("soc2-tsc-2017:C1.1: new obligation, gap"), "{t}");
    insta::assert_snapshot!(t);
}

/// The shipped catalogs against a later version that renames CSF PR.AA-04 to
/// PR.AA-07 (`renamed_from`) and adds a crosswalk that reaches it: one
/// rename, not a removal and an addition, and the status change is reported
/// against the renamed pair.
#[test]
fn diff_catalog_versions_follows_a_rename() {
    let t = transcript(&["diff", MIDMARKET, "--catalog-new", RENAME]);
    assert!(t.contains("exit: 0\n"), "{t}");
    assert!(
        t.contains("~ control renamed: nist-csf-2.0:PR.AA-04 -> nist-csf-2.0:PR.AA-07"),
        "{t}"
    );
    assert!(!t.contains("+ control"), "{t}");
    assert!(!t.contains("- control"), "{t}");
    assert!(
        t.contains("nist-csf-2.0:PR.AA-07 (renamed from nist-csf-2.0:PR.AA-04): gap -> partial"),
        "{t}"
    );
    insta::assert_snapshot!(t);

    let (code, out, err) = run(&[
        "diff",
        MIDMARKET,
        "--catalog-new",
        RENAME,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["catalog"]["controls_renamed"],
        serde_json::json!([{"from": "nist-csf-2.0:PR.AA-04", "to": "nist-csf-2.0:PR.AA-07"}])
    );
    assert_eq!(
        v["catalog"]["frameworks_changed"][0],
        serde_json::json!({"id": "nist-csf-2.0", "old": "2.0", "new": "2.0.1-fixture"})
    );
    assert_eq!(
        v["catalog"]["crosswalks_added"],
        serde_json::json!(["fixture-hipaa-to-csf2-identity"])
    );
    let imp = &v["obligations"]["improvements"][0];
    assert_eq!(imp["id"], "nist-csf-2.0:PR.AA-07");
    assert_eq!(imp["renamed_from"], "nist-csf-2.0:PR.AA-04");
    assert_eq!(imp["change"], "raised");
    assert_eq!(v["old"]["catalog"], serde_json::json!([]));
    assert_eq!(v["new"]["catalog"], serde_json::json!([RENAME]));
    insta::assert_snapshot!("diff_catalog_json", out);
}

/// A rename is declared by the newer catalog: read backwards, PR.AA-07
/// disappears and PR.AA-04 is a new gap.
#[test]
fn diff_catalog_versions_backwards_is_no_rename() {
    let t = transcript(&["diff", MIDMARKET, "--catalog-old", RENAME]);
    assert!(t.contains("+ control nist-csf-2.0:PR.AA-04"), "{t}");
    assert!(t.contains("- control nist-csf-2.0:PR.AA-07"), "{t}");
    assert!(
        t.contains("nist-csf-2.0:PR.AA-04: new obligation, gap"),
        "{t}"
    );
    insta::assert_snapshot!(t);
    // Both flags: the same directory on both sides shows no differences.
    let (code, out, _) = run(&[
        "diff",
        MIDMARKET,
        "--catalog-old",
        RENAME,
        "--catalog-new",
        RENAME,
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("no differences"), "{out}");
}

/// `check` follows renames too: a snapshot taken before the catalog renamed
/// a control does not turn the new id into a "new gap".
#[test]
fn check_follows_a_catalog_rename() {
    let snap = "examples/ci/snapshots/midmarket-healthcare-saas.snap";
    let t = transcript(&["--catalog", RENAME, "check", MIDMARKET, "--snapshot", snap]);
    assert!(t.contains("exit: 0\n"), "{t}");
    assert!(
        t.contains(
            "note: framework `nist-csf-2.0`: version `2.0` in the snapshot, `2.0.1-fixture` now"
        ),
        "{t}"
    );
    assert!(t.contains("(renamed from nist-csf-2.0:PR.AA-04)"), "{t}");
    assert!(
        t.contains(&format!("ctrlmap --catalog {RENAME} check")),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

/// The rename fixture is the shipped CSF file with one control renamed and
/// the version bumped, nothing else; when the shipped file changes, refresh
/// the fixture with the same three edits.
#[test]
fn rename_fixture_matches_the_shipped_catalog() {
    let shipped = read("frameworks/nist-csf-2.0.toml");
    let fixture = read(format!("{RENAME}/nist-csf-2.0.toml"));
    let body = fixture
        .split_once("\n\n")
        .map(|(comment, rest)| {
            assert!(comment.starts_with("# Test fixture"), "{comment}");
            rest
        })
        .unwrap();
    let want = shipped
        .replacen(
            "id = \"PR.AA-04\"\n",
            "id = \"PR.AA-07\"\nrenamed_from = \"PR.AA-04\"\n",
            1,
        )
        .replacen("version = \"2.0\"\n", "version = \"2.0.1-fixture\"\n", 1);
    assert!(
        body == want,
        "{RENAME}/nist-csf-2.0.toml is out of date with frameworks/nist-csf-2.0.toml: \
         copy the shipped file below the fixture's comment, rename PR.AA-04 to PR.AA-07 \
         with `renamed_from = \"PR.AA-04\"`, and set version = \"2.0.1-fixture\""
    );
}

#[test]
fn diff_usage_and_input_errors_exit_2() {
    let t = transcript(&["diff", CLINIC]);
    assert!(t.contains("exit: 2\n") && t.contains("error[usage]"), "{t}");
    insta::assert_snapshot!(t);
    let (code, _, err) = run(&["diff", CLINIC, "tests/fixtures/ci/no-such.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("error[io]"), "{err}");
    let (code, _, err) = run(&["check", CLINIC]);
    assert_eq!(code, 2, "check needs --snapshot or --policy");
    assert!(err.contains("--snapshot"), "{err}");
    let (code, _, _) = run(&["check", CLINIC, "--policy", "x.toml", "--update"]);
    assert_eq!(code, 2, "--update needs --snapshot");
    let (code, _, _) = run(&["snapshot", CLINIC, "--format", "junit"]);
    assert_eq!(code, 2, "junit is for check only");
}

// ---- exit codes and pipes --------------------------------------------------------

#[test]
fn exit_codes_are_0_pass_1_failed_2_bad_input() {
    assert_eq!(run(&["check", CLINIC, "--snapshot", CLINIC_SNAP]).0, 0);
    assert_eq!(run(&["check", DROPPED, "--snapshot", CLINIC_SNAP]).0, 1);
    assert_eq!(
        run(&["check", CLINIC, "--snapshot", "tests/fixtures/ci/no.snap"]).0,
        2
    );
    assert_eq!(
        run(&[
            "check",
            "tests/fixtures/ci/no.toml",
            "--snapshot",
            CLINIC_SNAP
        ])
        .0,
        2
    );
    assert_eq!(
        run(&["diff", CLINIC, DROPPED]).0,
        0,
        "a diff is not a check"
    );
}

/// A reader that stops early (`| head`) is not an error.
#[test]
fn a_closed_pipe_is_not_an_error() {
    for args in [
        &[
            "snapshot",
            "examples/payment-processor.toml",
            "--format",
            "json",
        ][..],
        &[
            "check",
            DROPPED,
            "--snapshot",
            CLINIC_SNAP,
            "--format",
            "junit",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ctrlmap"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let want = if args[0] == "check" { 1 } else { 0 };
        assert_eq!(
            out.status.code(),
            Some(want),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---- the example workflow ----------------------------------------------------------

/// The shell script of the workflow's "Check every contract" step.
fn workflow_script() -> String {
    let yml = read("examples/ci/github-actions.yml");
    let mut lines = yml
        .lines()
        .skip_while(|l| !l.contains("name: Check every contract"));
    let run_line = lines
        .find(|l| l.trim_start().starts_with("run: |"))
        .expect("the step has `run: |`");
    let indent = run_line.len() - run_line.trim_start().len();
    let mut script = String::new();
    for l in lines {
        if !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent {
            break;
        }
        script.push_str(l.get(indent + 2..).unwrap_or(""));
        script.push('\n');
    }
    assert!(script.contains("ctrlmap"), "{script}");
    script
}

fn run_workflow(dir: &Path, contracts: &Path, snapshots: &Path) -> (i32, String) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_ctrlmap"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", &workflow_script()])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("CONTRACTS", contracts)
        .env("SNAPSHOTS", snapshots)
        .env("POLICY", root().join("examples/ci/policy.toml"))
        .env("CATALOG", "")
        .output()
        .expect("bash runs");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The workflow's check step, run as GitHub runs it (`bash -e -o
/// pipefail`), passes on examples with their committed snapshots and the
/// example policy, and writes one JUnit file each. (Two examples keep the
/// test quick; `example_snapshots_are_current` covers all of them.)
#[test]
fn example_workflow_passes_on_the_examples() {
    let dir = tmp();
    let contracts = dir.path().join("contracts");
    std::fs::create_dir_all(&contracts).unwrap();
    for name in ["basic-clinic", "saas-soc2"] {
        std::fs::copy(
            root().join(format!("examples/{name}.toml")),
            contracts.join(format!("{name}.toml")),
        )
        .unwrap();
    }
    let (code, log) = run_workflow(
        dir.path(),
        &contracts,
        &root().join("examples/ci/snapshots"),
    );
    assert_eq!(code, 0, "{log}");
    assert_eq!(log.matches("ok: ").count(), 2, "{log}");
    let mut results: Vec<String> = std::fs::read_dir(dir.path().join("ctrlmap-results"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    results.sort();
    assert_eq!(results, ["basic-clinic.xml", "saas-soc2.xml"]);
}

/// A regression fails the step with exit 1 and an annotation, a missing
/// snapshot with exit 2; every contract is still checked.
#[test]
fn example_workflow_fails_on_a_regression() {
    let dir = tmp();
    let contracts = dir.path().join("contracts");
    let snapshots = dir.path().join("snapshots");
    std::fs::create_dir_all(&contracts).unwrap();
    std::fs::create_dir_all(&snapshots).unwrap();
    std::fs::copy(root().join(DROPPED), contracts.join("basic-clinic.toml")).unwrap();
    std::fs::copy(
        root().join(CLINIC_SNAP),
        snapshots.join("basic-clinic.snap"),
    )
    .unwrap();
    let (code, log) = run_workflow(dir.path(), &contracts, &snapshots);
    assert_eq!(code, 1, "{log}");
    assert!(log.contains("::error file="), "{log}");
    assert!(log.contains("regressions (1):"), "{log}");
    let xml = read(dir.path().join("ctrlmap-results/basic-clinic.xml"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(attr(doc.root_element(), "failures"), 1);

    std::fs::copy(root().join(CLINIC), contracts.join("another.toml")).unwrap();
    let (code, log) = run_workflow(dir.path(), &contracts, &snapshots);
    assert_eq!(code, 2, "a missing snapshot outranks a regression: {log}");
    assert!(log.contains("error[snapshot-missing]"), "{log}");
}

// ---- the project's own CI: one summary per shipped framework -------------------------

/// FNV-1a, for a short stable fingerprint of a sorted edge list.
fn fingerprint<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for item in items {
        for b in item.bytes().chain([b'\n']) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn summary(fw: &Framework) -> String {
    use ctrlmap::model::SelectorKind;
    let cat = &engine().catalog;
    let mut s = format!(
        "framework {} ({}), version {}, published {}\npublisher: {}\n",
        fw.id, fw.name, fw.version, fw.published, fw.publisher
    );
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &fw.controls {
        let e = kinds.entry(c.kind.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(fw.is_obligation(c));
    }
    s.push_str(&format!(
        "controls: {}, obligations: {}\n",
        fw.controls.len(),
        fw.obligation_count()
    ));
    for (kind, (n, o)) in &kinds {
        s.push_str(&format!("  {kind}: {n} controls, {o} obligations\n"));
    }
    let mut attrs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in fw.controls.iter().filter(|c| fw.is_obligation(c)) {
        for (k, v) in &c.attributes {
            *attrs.entry((k.clone(), v.clone())).or_default() += 1;
        }
    }
    if !attrs.is_empty() {
        s.push_str("obligations by attribute:\n");
        for ((k, v), n) in &attrs {
            s.push_str(&format!("  {k} = {v}: {n}\n"));
        }
    }
    let renamed = fw
        .controls
        .iter()
        .filter(|c| c.renamed_from.is_some())
        .count();
    let with_params = fw.controls.iter().filter(|c| !c.params.is_empty()).count();
    s.push_str(&format!(
        "controls with parameters: {with_params}, renamed: {renamed}\n"
    ));
    s.push_str("selectors:\n");
    if fw.selectors.is_empty() {
        s.push_str("  (none)\n");
    }
    for sel in &fw.selectors {
        let rule = match &sel.kind {
            SelectorKind::AnyOf { always, default } => format!(
                "any_of {:?}, always {always:?}, default {default:?}",
                sel.values
            ),
            SelectorKind::Choice { options, default } => {
                format!("choice {options:?}, default {default:?}")
            }
            SelectorKind::Flag { value, default } => {
                format!("flag on `{value}`, default {default}")
            }
        };
        s.push_str(&format!(
            "  {} (attribute `{}`): {rule}\n",
            sel.name, sel.attribute
        ));
    }
    s.push_str("crosswalks:\n");
    for cw in cat
        .crosswalks
        .values()
        .filter(|c| c.from == fw.id || c.to == fw.id)
    {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        let mut edges: Vec<String> = Vec::new();
        for e in &cw.edges {
            *by.entry(e.relation.as_str()).or_default() += 1;
            edges.push(format!("{} {} {}", e.from, e.relation, e.to));
        }
        edges.sort();
        let by: Vec<String> = by.iter().map(|(r, n)| format!("{r} {n}")).collect();
        s.push_str(&format!(
            "  {} ({} -> {}, {}): {} edges ({}), fingerprint {}\n",
            cw.id,
            cw.from,
            cw.to,
            if cw.is_judgement() {
                "ctrlmap judgement"
            } else {
                "official"
            },
            cw.edges.len(),
            by.join(", "),
            fingerprint(&edges)
        ));
    }
    let prefix = format!("{}:", fw.id);
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    let mut edges = Vec::new();
    let mut deliverables = 0;
    let mut reached = std::collections::BTreeSet::new();
    for d in cat.deliverables.values() {
        let mine: Vec<_> = d
            .implements
            .iter()
            .filter(|i| i.control.starts_with(&prefix))
            .collect();
        deliverables += usize::from(!mine.is_empty());
        for i in mine {
            *by.entry(format!(
                "{}/{}",
                i.degree.as_str(),
                i.responsibility.as_str()
            ))
            .or_default() += 1;
            edges.push(format!(
                "{} {} {}/{}",
                d.id,
                i.control,
                i.degree.as_str(),
                i.responsibility.as_str()
            ));
            reached.insert(i.control.clone());
        }
    }
    edges.sort();
    let by: Vec<String> = by.iter().map(|(k, n)| format!("{k} {n}")).collect();
    s.push_str(&format!(
        "deliverable edges: {} from {deliverables} deliverables to {} controls ({}), fingerprint {}\n",
        edges.len(),
        reached.len(),
        by.join(", "),
        fingerprint(&edges)
    ));
    s
}

/// One reviewed snapshot per shipped framework: counts by kind, selectors,
/// crosswalk edges per framework pair and deliverable edges, with
/// fingerprints, so any mapping change shows up as a snapshot diff.
#[test]
fn catalog_summary_per_framework() {
    let frameworks = &engine().catalog.frameworks;
    assert_eq!(frameworks.len(), 5);
    for fw in frameworks.values() {
        insta::assert_snapshot!(format!("catalog-{}", fw.id), summary(fw));
    }
}
