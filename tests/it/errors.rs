//! Bad input: every case gets a diagnostic with file, line, column, a code
//! and a hint, exit status 2, and no panic.

use crate::support::{run, transcript};

fn case(args: &[&str]) -> String {
    let t = transcript(args);
    assert!(!t.contains("panicked"), "panic in {args:?}:\n{t}");
    assert!(
        !t.contains("RUST_BACKTRACE"),
        "backtrace hint in {args:?}:\n{t}"
    );
    t
}

macro_rules! error_case {
    ($name:ident, $code:literal, [$($arg:expr),*]) => {
        #[test]
        fn $name() {
            let args = [$($arg),*];
            let t = case(&args);
            assert!(t.contains("exit: 2\n"), "expected exit 2:\n{t}");
            assert!(t.contains(concat!("error[", $code, "]")), "expected code {}:\n{t}", $code);
            insta::assert_snapshot!(t);
        }
    };
}

const F: &str = "tests/fixtures/errors";

error_case!(
    malformed_toml,
    "toml-syntax",
    [
        "report",
        "tests/fixtures/errors/malformed-toml/contract.toml"
    ]
);
error_case!(
    unknown_field,
    "unknown-field",
    [
        "report",
        "tests/fixtures/errors/unknown-field/contract.toml"
    ]
);
error_case!(
    unknown_framework_in_scope,
    "unknown-framework",
    [
        "report",
        "tests/fixtures/errors/unknown-framework/contract.toml"
    ]
);
error_case!(
    unknown_control_in_deliverable,
    "unknown-control",
    [
        "report",
        "tests/fixtures/errors/unknown-control-deliverable/contract.toml"
    ]
);
error_case!(
    unknown_control_in_exclusion,
    "unknown-control",
    [
        "report",
        "tests/fixtures/errors/unknown-control-exclusion/contract.toml"
    ]
);
error_case!(
    unknown_catalog_deliverable,
    "unknown-deliverable",
    [
        "report",
        "tests/fixtures/errors/unknown-deliverable/contract.toml"
    ]
);
error_case!(
    invalid_degree_and_responsibility,
    "invalid-value",
    [
        "report",
        "tests/fixtures/errors/invalid-values/contract.toml"
    ]
);
error_case!(
    duplicate_control_id,
    "duplicate-id",
    [
        "report",
        "--catalog",
        "tests/fixtures/errors/duplicate-control/catalog",
        "tests/fixtures/errors/no-deliverables/contract.toml"
    ]
);
error_case!(
    parent_that_does_not_exist,
    "dangling-parent",
    [
        "report",
        "--catalog",
        "tests/fixtures/errors/dangling-parent/catalog",
        "tests/fixtures/errors/no-deliverables/contract.toml"
    ]
);
error_case!(
    hierarchy_cycle,
    "hierarchy-cycle",
    [
        "report",
        "--catalog",
        "tests/fixtures/errors/hierarchy-cycle/catalog",
        "tests/fixtures/errors/no-deliverables/contract.toml"
    ]
);
error_case!(
    crosswalk_edge_to_missing_control,
    "dangling-crosswalk",
    [
        "report",
        "--catalog",
        "tests/fixtures/errors/dangling-crosswalk/catalog",
        "tests/fixtures/errors/no-deliverables/contract.toml"
    ]
);
error_case!(
    invalid_relation,
    "invalid-value",
    [
        "report",
        "--catalog",
        "tests/fixtures/errors/invalid-relation/catalog",
        "tests/fixtures/errors/no-deliverables/contract.toml"
    ]
);
error_case!(
    missing_contract_file,
    "io",
    ["report", "tests/fixtures/errors/no-such-contract.toml"]
);
error_case!(
    output_path_is_a_directory,
    "io",
    [
        "report",
        "tests/fixtures/errors/no-deliverables/contract.toml",
        "--out",
        "tests/fixtures"
    ]
);
error_case!(
    missing_catalog_directory,
    "io",
    ["validate", "--catalog", "tests/fixtures/errors/no-such-dir"]
);

#[test]
fn validate_exits_1_on_catalog_problems() {
    let (code, _, stderr) = run(&[
        "validate",
        "--catalog",
        &format!("{F}/hierarchy-cycle/catalog"),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[hierarchy-cycle]"));
    assert!(stderr.contains("mini.toml:12:10"), "{stderr}");
}

#[test]
fn output_never_overwrites_an_input_or_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let contract = dir.path().join("c.toml");
    std::fs::copy(
        format!(
            "{}/{F}/no-deliverables/contract.toml",
            env!("CARGO_MANIFEST_DIR")
        ),
        &contract,
    )
    .unwrap();
    let before = std::fs::read_to_string(&contract).unwrap();
    let c = contract.to_str().unwrap();

    let (code, _, stderr) = run(&["report", c, "--out", c, "--force"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("error[output-is-input]"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&contract).unwrap(), before);

    let out = dir.path().join("r.json");
    let o = out.to_str().unwrap();
    assert_eq!(run(&["report", c, "--format", "json", "--out", o]).0, 0);
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.contains("\"ctrlmap_version\""));
    let (code, _, stderr) = run(&["report", c, "--out", o]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("error[output-exists]") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
    assert_eq!(run(&["report", c, "--out", o, "--force"]).0, 0);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("obligations"));
    // Only the output is left behind: no temporary files.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_contract_with_no_deliverables_is_all_gaps() {
    let (code, stdout, stderr) = run(&[
        "report",
        &format!("{F}/no-deliverables/contract.toml"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let t = &v["frameworks"][0]["totals"];
    assert_eq!(t["obligations"], 50);
    assert_eq!(t["gap"], 50);
    assert_eq!(t["covered"], 0);
    assert_eq!(t["coverage_pct"], 0.0);
}

/// Arbitrary bytes as a contract or a catalog file never panic the loaders.
mod fuzz {
    use proptest::prelude::*;
    use std::sync::Arc;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn contract_loader_never_panics(text in "\\PC{0,400}") {
            let file = ctrlmap::diag::SourceFile::new("fuzz.toml", text);
            let _ = ctrlmap::contract::parse(Arc::clone(&file), &crate::support::engine().catalog);
        }

        #[test]
        fn contract_loader_survives_mutations(cut in 0usize..2000, insert in "[\\[\\]=\"a-z.:* \n]{0,8}") {
            let base = std::fs::read_to_string(crate::support::root().join("examples/midmarket-healthcare-saas.toml")).unwrap();
            let cut = cut.min(base.len());
            let cut = (0..=cut).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
            let text = format!("{}{}{}", &base[..cut], insert, &base[cut..]);
            let file = ctrlmap::diag::SourceFile::new("fuzz.toml", text);
            let _ = ctrlmap::contract::parse(file, &crate::support::engine().catalog);
        }

        #[test]
        fn catalog_loader_never_panics(text in "\\PC{0,400}") {
            let file = ctrlmap::diag::SourceFile::new("fuzz.toml", text);
            let _ = ctrlmap::catalog::load_files([file]);
        }
    }
}

error_case!(
    implements_a_group_node,
    "group-edge",
    ["report", "tests/fixtures/errors/group-edge/contract.toml"]
);
error_case!(
    framework_id_with_bad_characters,
    "invalid-value",
    [
        "report",
        "--catalog",
        "tests/fixtures/errors/bad-framework-id/catalog",
        "tests/fixtures/errors/no-deliverables/contract.toml"
    ]
);

#[test]
fn every_matching_exclusion_is_counted_and_an_unmatched_one_warned() {
    let (code, out, err) = run(&[
        "report",
        "tests/fixtures/errors/overlapping-exclusions/contract.toml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ex = v["contract"]["exclusions"].as_array().unwrap();
    let counts: Vec<u64> = ex.iter().map(|e| e["excludes"].as_u64().unwrap()).collect();
    assert_eq!(counts, [31, 1, 0], "GV has 31 subcategories");
    assert!(
        err.contains("warning[unmatched-exclusion]") && err.contains("nist-csf-2.0:XX*"),
        "{err}"
    );
    assert!(!err.contains("GV.OC-01` matches no"), "{err}");
    assert_eq!(v["frameworks"][0]["totals"]["not_applicable"], 31);
}

#[test]
fn a_contract_without_scope_is_warned() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(
        &p,
        "[contract]\nname = \"a\"\nprovider = \"b\"\nclient = \"c\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&["report", p.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(err.contains("warning[empty-scope]"), "{err}");
    std::fs::write(&p, "").unwrap();
    let (code, _, err) = run(&["report", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error[missing-field]: missing field `contract`"),
        "{err}"
    );
    std::fs::write(
        &p,
        "[contract]\nname = 3\nprovider = \"b\"\nclient = \"c\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&["report", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error[invalid-value]") && err.contains(":2:8"),
        "{err}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error_but_a_closed_pipe_is_not() {
    use std::process::{Command, Stdio};
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ctrlmap"))
        .args(["report", "examples/basic-clinic.toml", "--format", "json"])
        .current_dir(crate::support::root())
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write to standard output"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_ctrlmap"))
        .args([
            "report",
            "examples/enterprise-hospital.toml",
            "--format",
            "json",
        ])
        .current_dir(crate::support::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn outputs_never_land_in_a_catalog_or_template_directory() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("catalog");
    std::fs::create_dir(&cat).unwrap();
    std::fs::copy(
        crate::support::root().join("tests/fixtures/errors/dangling-crosswalk/catalog/mini.toml"),
        cat.join("mini.toml"),
    )
    .unwrap();
    let target = cat.join("mini.toml");
    let before = std::fs::read_to_string(&target).unwrap();
    let (code, _, err) = run(&[
        "--catalog",
        cat.to_str().unwrap(),
        "report",
        &format!("{F}/no-deliverables/contract.toml"),
        "--out",
        target.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[output-is-input]"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), before);
}

error_case!(
    a_date_that_is_not_a_day,
    "invalid-value",
    ["report", "tests/fixtures/errors/bad-dates/contract.toml"]
);
error_case!(
    an_unquoted_toml_date,
    "invalid-value",
    [
        "report",
        "tests/fixtures/errors/unquoted-date/contract.toml"
    ]
);
error_case!(
    an_exclusion_pattern_without_framework,
    "unknown-control",
    [
        "report",
        "tests/fixtures/errors/exclusion-without-framework/contract.toml"
    ]
);

#[test]
fn an_sla_that_contradicts_a_catalog_deliverable_is_warned() {
    let t = case(&[
        "report",
        "tests/fixtures/errors/sla-contradicts-catalog/contract.toml",
    ]);
    assert!(t.contains("exit: 0"), "{t}");
    assert!(
        t.contains("warning[sla-overrides-catalog]")
            && t.contains("soc-monitoring-8x5")
            && t.contains("(8x5)"),
        "{t}"
    );
    insta::assert_snapshot!(t);
}

#[test]
fn a_selector_definition_that_cannot_work() {
    let t = case(&[
        "validate",
        "--catalog",
        "tests/fixtures/errors/bad-selector-definition/catalog",
    ]);
    assert!(t.contains("exit: 1\n"), "{t}");
    assert!(
        t.contains("error[invalid-selector]: a `choice` selector needs a `default`"),
        "{t}"
    );
    assert!(
        t.contains("error[invalid-value]: `choise` is not a valid selector kind")
            && t.contains("did you mean `choice`?"),
        "{t}"
    );
    insta::assert_snapshot!(t);
}
