//! The command line end to end: help texts, listings, explain.

use crate::support::{run, transcript};

#[test]
fn help_texts() {
    for cmd in [
        &["--help"][..],
        &["report", "--help"],
        &["assess", "--help"],
        &["explain", "--help"],
        &["frameworks", "--help"],
        &["validate", "--help"],
        &["codes", "--help"],
    ] {
        let t = transcript(cmd);
        assert!(t.contains("exit: 0"), "{t}");
        insta::assert_snapshot!(format!("help-{}", cmd[0].trim_start_matches('-')), t);
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = run(&["report"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("CONTRACT"), "{stderr}");
    let (code, _, _) = run(&["no-such-command"]);
    assert_eq!(code, 2);
}

#[test]
fn frameworks_lists_all_five_with_counts() {
    let (code, out, err) = run(&["frameworks"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
    for (id, n) in [
        ("nist-csf-2.0", "106"),
        ("hipaa-security", "50"),
        ("pci-dss-4.0.1", "280"),
        ("soc2-tsc-2017", "61"),
    ] {
        let line = out.lines().find(|l| l.starts_with(id)).unwrap();
        assert!(line.split_whitespace().any(|w| w == n), "{line}");
    }
}

#[test]
fn validate_passes_on_shipped_data() {
    let (code, out, err) = run(&["validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("catalog ok: 5 frameworks"), "{out}");
}

#[test]
fn explain_prints_the_chain() {
    let t = transcript(&[
        "explain",
        "examples/midmarket-healthcare-saas.toml",
        "hipaa-security:164.308(a)(5)(ii)(C)",
    ]);
    assert!(t.contains("status: covered"), "{t}");
    insta::assert_snapshot!(t);
    let (code, _, err) = run(&[
        "explain",
        "examples/midmarket-healthcare-saas.toml",
        "hipaa-security:164.312(bb)",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `hipaa-security:164.312(b)`?"),
        "{err}"
    );
}

#[test]
fn codes_are_documented() {
    let (code, out, _) = run(&["codes"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), ctrlmap::diag::Code::ALL.len());
    let (code, out, _) = run(&["codes", "hierarchy-cycle"]);
    assert_eq!(code, 0);
    assert!(out.contains("leads back"));
}
