//! Audit documents from templates: every shipped template on every example
//! (snapshots), the derived views against the report model, template errors,
//! user overrides, `render` and `templates`, and the HTML report in a real
//! headless browser when `chromium` is on PATH.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ctrlmap::report::documents::Context;
use ctrlmap::report::templates::{embedded, Templates};
use ctrlmap::Status;

use crate::support::{engine, run, transcript};

/// The example contracts, sorted, as paths relative to the root.
fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(crate::support::root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| Path::new("examples").join(p.file_name().unwrap()))
        .collect();
    v.sort();
    assert!(v.len() >= 7, "{v:?}");
    v
}

fn report(rel: &Path) -> ctrlmap::report::Report {
    engine()
        .report(rel)
        .unwrap_or_else(|d| panic!("{}:\n{}", rel.display(), crate::support::render(&d)))
        .0
}

/// A strict RFC 4180 parser: quoted fields may hold commas, quotes (doubled)
/// and line breaks; a quote anywhere else is an error.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(x) => field.push(x),
                        None => {
                            return Err(format!("unterminated quote in row {}", rows.len() + 1))
                        }
                    }
                }
                match chars.peek() {
                    Some(',') | Some('\n') | None => {}
                    other => {
                        return Err(format!(
                            "{other:?} after a closing quote in row {}",
                            rows.len() + 1
                        ))
                    }
                }
                at_start = false;
            }
            '"' => return Err(format!("bare quote in row {}: {field}", rows.len() + 1)),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            '\r' => return Err("bare carriage return".into()),
            x => {
                field.push(x);
                at_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        return Err("last row has no line ending".into());
    }
    Ok(rows)
}

fn assert_self_contained(html: &str, what: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "url(",
        " src=",
        "@font-face",
    ] {
        assert!(
            !lower.contains(bad),
            "{what}: the HTML report contains `{bad}`"
        );
    }
    assert!(lower.contains("@media print"), "{what}: no print styles");
}

/// Every shipped template on every example, snapshotted as
/// `{stem}.{template}` (e.g. `basic-clinic.matrix.md`). The gap document is
/// snapshotted by `engine.rs` as `{stem}.gap.md`; here `render --template gap`
/// must give the same bytes as `report --format md`.
#[test]
fn every_template_renders_every_example() {
    let templates = Templates::new(None).unwrap();
    let names: Vec<&str> = embedded().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "assess.md.j2",
            "evidence.csv.j2",
            "evidence.md.j2",
            "gap.md.j2",
            "matrix.csv.j2",
            "matrix.md.j2",
            "report.html.j2"
        ]
    );
    for rel in examples() {
        let stem = rel.file_stem().unwrap().to_str().unwrap().to_string();
        let r = report(&rel);
        for name in &names {
            let text = templates
                .render(name, &r)
                .unwrap_or_else(|d| panic!("{name} on {stem}:\n{}", d.render(false)));
            let short = name.trim_end_matches(".j2");
            if short == "gap.md" {
                let (code, md, err) = run(&["report", rel.to_str().unwrap(), "--format", "md"]);
                assert_eq!(code, 0, "{err}");
                assert_eq!(
                    text, md,
                    "{stem}: render gap differs from report --format md"
                );
                continue;
            }
            if short.ends_with(".csv") {
                let rows = parse_csv(&text).unwrap_or_else(|e| panic!("{stem}.{short}: {e}"));
                let width = rows[0].len();
                assert!(
                    rows.iter().all(|r| r.len() == width),
                    "{stem}.{short}: ragged rows"
                );
            }
            if short.ends_with(".html") {
                assert_self_contained(&text, &stem);
                assert!(text.starts_with("<!DOCTYPE html>"), "{stem}");
            }
            insta::assert_snapshot!(format!("{stem}.{short}"), text);
        }
    }
}

/// The matrix has one row per obligation, and its responsibility words add up
/// to the totals: provider = covered, shared = shared + partial, client = gap.
#[test]
fn matrix_rows_match_the_totals() {
    for rel in examples() {
        let r = report(&rel);
        let ctx = Context::new(&r);
        assert_eq!(ctx.matrix.len(), r.frameworks.len());
        for (m, f) in ctx.matrix.iter().zip(&r.frameworks) {
            let t = &f.totals;
            let count = |w: &str| m.rows.iter().filter(|r| r.responsibility == w).count();
            assert_eq!(m.rows.len(), t.obligations, "{}", f.id);
            assert_eq!(count("provider"), t.covered, "{}", f.id);
            assert_eq!(count("shared"), t.shared + t.partial, "{}", f.id);
            assert_eq!(count("client"), t.gap, "{}", f.id);
            assert_eq!(count("not_applicable"), t.not_applicable, "{}", f.id);
            for row in &m.rows {
                match row.status {
                    Status::Covered | Status::Shared | Status::Partial => {
                        assert!(!row.deliverables.is_empty(), "{}", row.control);
                        assert!(row.deliverables.iter().all(|d| d.status == row.status));
                    }
                    Status::Gap | Status::NotApplicable => {
                        assert!(row.deliverables.is_empty(), "{}", row.control)
                    }
                }
                assert_eq!(
                    row.client_must.is_empty(),
                    row.status == Status::Covered,
                    "{}",
                    row.control
                );
            }
        }
    }
}

/// Every covered, shared or partial obligation is proved by at least one
/// contract deliverable's artifacts; every other one is on the client's list.
#[test]
fn evidence_requests_account_for_every_obligation() {
    for rel in examples() {
        let r = report(&rel);
        let ctx = Context::new(&r);
        let ev = &ctx.evidence_requests;
        assert_eq!(
            ev.by_deliverable
                .iter()
                .map(|g| g.deliverable.as_str())
                .collect::<Vec<_>>(),
            r.contract
                .deliverables
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>()
        );
        for f in &r.frameworks {
            for c in f.controls.iter().filter(|c| c.obligation) {
                let proved = ev
                    .by_deliverable
                    .iter()
                    .any(|g| g.proves.iter().any(|p| p.control == c.id));
                let on_client = ev.client.iter().any(|x| x.control == c.id);
                match c.status {
                    Status::Covered | Status::Shared => assert!(proved && !on_client, "{}", c.id),
                    Status::Partial => assert!(proved && on_client, "{}", c.id),
                    Status::Gap | Status::NotApplicable => {
                        assert!(!proved && on_client, "{}", c.id)
                    }
                }
            }
        }
    }
}

/// The heat map recomputed from the JSON report, independently of the Rust
/// view: per framework and domain, applicable obligations reached by a
/// deliverable of that domain, and those a chain of it meets in full.
#[test]
fn heatmap_matches_the_json_report() {
    for rel in examples() {
        let r = report(&rel);
        let ctx = Context::new(&r);
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        let domain = |id: &str| -> String {
            json["contract"]["deliverables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["id"] == id)
                .unwrap()["domain"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(ctx.heatmap.domains, ctrlmap::model::DOMAINS);
        for (row, f) in ctx
            .heatmap
            .rows
            .iter()
            .zip(json["frameworks"].as_array().unwrap())
        {
            assert_eq!(row.framework, f["id"].as_str().unwrap());
            let applicable: Vec<&serde_json::Value> = f["controls"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["obligation"] == true && c["status"] != "not_applicable")
                .collect();
            assert_eq!(row.applicable, applicable.len());
            for cell in &row.cells {
                let mut reached = 0;
                let mut full = 0;
                for c in &applicable {
                    let chains: Vec<&serde_json::Value> = c["via"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|ch| domain(ch["deliverable"].as_str().unwrap()) == cell.domain)
                        .collect();
                    reached += usize::from(!chains.is_empty());
                    full += usize::from(
                        chains
                            .iter()
                            .any(|ch| ch["status"] == "covered" || ch["status"] == "shared"),
                    );
                }
                assert_eq!(
                    (cell.reached, cell.full),
                    (reached, full),
                    "{} x {}",
                    row.framework,
                    cell.domain
                );
                assert_eq!(cell.level == 0, reached == 0);
            }
        }
    }
}

/// `{tmp}` in a transcript becomes `[TMP]`, so snapshots do not depend on the machine.
fn scrub(t: &str, dir: &Path) -> String {
    t.replace(dir.to_str().unwrap(), "[TMP]")
}

fn template_error(case: &str, text: &str, want_at: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("matrix.md.j2"), text).unwrap();
    let t = transcript(&[
        "render",
        "examples/basic-clinic.toml",
        "--template",
        "matrix",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert!(t.contains("exit: 2\n"), "{t}");
    assert!(t.contains("error[template]"), "{t}");
    let at = format!("{}:{want_at}", dir.path().join("matrix.md.j2").display());
    assert!(t.contains(&at), "expected `{at}`:\n{t}");
    assert!(!t.contains("panicked"), "{t}");
    insta::assert_snapshot!(format!("template-error-{case}"), scrub(&t, dir.path()));
}

#[test]
fn template_syntax_error_names_file_line_and_column() {
    template_error(
        "syntax",
        "# Matrix\n\n{% for f in frameworks %}\n{{ f.name }\n{% endfor %}\n",
        "4:11",
    );
}

#[test]
fn template_undefined_variable_names_file_line_and_column() {
    template_error(
        "undefined",
        "# Matrix\n\n{% for m in matrix %}\n{{ m.frameworkk }}\n{% endfor %}\n",
        "4:4",
    );
}

#[test]
fn template_include_outside_its_directory_is_refused() {
    template_error(
        "include-parent",
        "# Matrix\n{% include \"../secret.j2\" %}\n",
        "2:4",
    );
    template_error(
        "include-absolute",
        "# Matrix\n{% include \"/etc/passwd\" %}\n",
        "2:4",
    );
}

/// A template in the override directory may include its neighbours and the
/// shipped templates.
#[test]
fn template_includes_within_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("part.md.j2"),
        "client: {{ contract.client }}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.md.j2"),
        "{% include \"part.md.j2\" %}{% include \"gap.md.j2\" %}",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "render",
        "examples/basic-clinic.toml",
        "--template",
        "mine",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("client: Riverside Family Clinic\n# Gap document"),
        "{out}"
    );
}

/// A custom `gap.md.j2` in `--templates DIR` replaces the shipped one for both
/// `report --format md` and `render --template gap`.
#[test]
fn user_gap_template_overrides_the_shipped_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gap.md.j2"),
        "Our gaps for {{ contract.client }}:\n{% for f in frameworks %}- {{ f.id }}: {{ f.totals.gap }} gaps, {{ f.totals.coverage_pct | pct }}\n{% endfor %}",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let want = "Our gaps for CareLoop Health Technologies, Inc.:\n- hipaa-security: 19 gaps, 10.0%\n- nist-csf-2.0: 37 gaps, 19.8%\n";
    let contract = "examples/midmarket-healthcare-saas.toml";
    let (code, out, err) = run(&["report", contract, "--format", "md", "--templates", d]);
    assert_eq!((code, out.as_str()), (0, want), "{err}");
    let (code, out, err) = run(&["render", contract, "--template", "gap", "--templates", d]);
    assert_eq!((code, out.as_str()), (0, want), "{err}");
    // Other templates still come from the shipped set.
    let (code, out, _) = run(&["render", contract, "--template", "matrix", "--templates", d]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# Responsibility matrix"), "{out}");
}

#[test]
fn template_names_resolve_short_and_long() {
    let c = "examples/basic-clinic.toml";
    let first = |args: &[&str]| {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        out.lines().next().unwrap_or_default().to_string()
    };
    assert!(first(&["render", c, "--template", "matrix"]).starts_with("# Responsibility matrix"));
    assert!(first(&["render", c, "--template", "matrix.md.j2"]).starts_with("# Responsibility"));
    assert!(first(&["render", c, "--template", "matrix.csv"]).starts_with("framework,ref,"));
    assert!(first(&["render", c, "--template", "evidence"]).starts_with("# Audit-evidence"));
    assert!(first(&["render", c, "--template", "evidence.csv"]).starts_with("source,"));
    assert!(first(&["render", c, "--template", "report"]).starts_with("<!DOCTYPE html>"));
    let t = transcript(&["render", c, "--template", "matrx"]);
    assert!(
        t.contains("exit: 2\n") && t.contains("error[template]: no template `matrx`"),
        "{t}"
    );
    insta::assert_snapshot!("template-unknown-name", t);
}

#[test]
fn templates_list_describes_templates_and_context() {
    let t = transcript(&["templates", "list"]);
    assert!(t.contains("exit: 0\n"), "{t}");
    for (name, _) in embedded() {
        let line = t
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}:\n{t}"));
        assert!(!line.contains("(no description)"), "{line}");
    }
    for field in [
        "contract",
        "frameworks[]",
        "matrix[]",
        "evidence_requests",
        "heatmap",
    ] {
        assert!(t.contains(&format!("  {field} ")), "{field}:\n{t}");
    }
    insta::assert_snapshot!("templates-list", t);
    for cmd in [&["templates", "--help"][..], &["render", "--help"]] {
        let t = transcript(cmd);
        assert!(t.contains("exit: 0"), "{t}");
        insta::assert_snapshot!(format!("help-{}", cmd[0]), t);
    }
}

#[test]
fn templates_export_writes_copies_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    let o = out.to_str().unwrap();
    let (code, stdout, err) = run(&["templates", "export", o]);
    assert_eq!(code, 0, "{err}");
    for (name, text) in embedded() {
        assert_eq!(
            std::fs::read_to_string(out.join(name)).unwrap(),
            text,
            "{name}"
        );
        assert!(stdout.contains(name), "{stdout}");
    }
    // Again: refused, nothing changed.
    std::fs::write(out.join("matrix.md.j2"), "edited {{ contract.client }}\n").unwrap();
    let t = transcript(&["templates", "export", o]);
    assert!(
        t.contains("exit: 2\n") && t.contains("error[output-exists]"),
        "{t}"
    );
    assert!(t.contains("--force"), "{t}");
    assert_eq!(
        std::fs::read_to_string(out.join("matrix.md.j2")).unwrap(),
        "edited {{ contract.client }}\n"
    );
    // The edited copy is used with --templates.
    let (code, stdout, err) = run(&[
        "render",
        "examples/basic-clinic.toml",
        "--template",
        "matrix",
        "--templates",
        o,
    ]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, "edited Riverside Family Clinic\n"),
        "{err}"
    );
    // With --force: replaced.
    let (code, _, err) = run(&["templates", "export", o, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(out.join("matrix.md.j2"))
        .unwrap()
        .starts_with("{# Responsibility matrix"));
}

#[test]
fn render_out_is_atomic_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("matrix.csv");
    let f = file.to_str().unwrap();
    let c = "examples/saas-soc2.toml";
    let (code, stdout, err) = run(&["render", c, "--template", "matrix.csv", "--out", f]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{err}");
    let (_, direct, _) = run(&["render", c, "--template", "matrix.csv"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), direct);
    let t = transcript(&["render", c, "--template", "matrix.csv", "--out", f]);
    assert!(
        t.contains("exit: 2\n") && t.contains("error[output-exists]"),
        "{t}"
    );
    let (code, _, err) = run(&[
        "render",
        c,
        "--template",
        "matrix.csv",
        "--out",
        f,
        "--force",
    ]);
    assert_eq!(code, 0, "{err}");
    // Neither the contract nor the template being rendered is ever an output.
    let t = transcript(&["render", c, "--template", "matrix", "--out", c, "--force"]);
    assert!(t.contains("error[output-is-input]"), "{t}");
    let tdir = dir.path().join("t");
    std::fs::create_dir(&tdir).unwrap();
    std::fs::write(tdir.join("mine.md.j2"), "x\n").unwrap();
    let t = transcript(&[
        "render",
        c,
        "--template",
        "mine",
        "--templates",
        tdir.to_str().unwrap(),
        "--out",
        tdir.join("mine.md.j2").to_str().unwrap(),
        "--force",
    ]);
    assert!(t.contains("error[output-is-input]"), "{t}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".ctrlmap-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Escaping follows the extension: HTML escapes the contract's text, Markdown
/// keeps it, and the `csv` filter quotes it per RFC 4180.
#[test]
fn escaping_follows_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let src =
        std::fs::read_to_string(crate::support::root().join("examples/basic-clinic.toml")).unwrap();
    let tricky = r#"<b>"Riverside", Family & Clinic</b>"#;
    let text = src.replace(
        "client = \"Riverside Family Clinic\"",
        &format!("client = '{tricky}'"),
    );
    assert_ne!(text, src);
    let contract = dir.path().join("contract.toml");
    std::fs::write(&contract, text).unwrap();
    let c = contract.to_str().unwrap();
    let (code, html, err) = run(&["render", c, "--template", "report"]);
    assert_eq!(code, 0, "{err}");
    assert!(!html.contains(tricky));
    assert!(
        html.contains("&lt;b&gt;&quot;Riverside&quot;, Family &amp; Clinic&lt;&#x2f;b&gt;"),
        "{}",
        html.lines()
            .find(|l| l.contains("Family"))
            .unwrap_or_default()
    );
    let (_, md, _) = run(&["render", c, "--template", "evidence"]);
    assert!(md.contains(tricky));
    let tdir = dir.path().join("t");
    std::fs::create_dir(&tdir).unwrap();
    std::fs::write(
        tdir.join("one.csv.j2"),
        "client,n\n{{ contract.client | csv }},{{ 3 | csv }}\n{{ ['a,b', 'c'] | csv }},{{ none | csv }}\n",
    )
    .unwrap();
    let (code, csv, err) = run(&[
        "render",
        c,
        "--template",
        "one",
        "--templates",
        tdir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        csv,
        "client,n\n\"<b>\"\"Riverside\"\", Family & Clinic</b>\",3\n\"a,b; c\",\n"
    );
    assert_eq!(
        parse_csv(&csv).unwrap(),
        [
            vec!["client".to_string(), "n".into()],
            vec![tricky.to_string(), "3".into()],
            vec!["a,b; c".to_string(), String::new()],
        ]
    );
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}

/// Run a command with a deadline; stdout and stderr are read on threads so a
/// large DOM cannot fill the pipe.
fn run_with_deadline(mut cmd: Command, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (status, t_out.join().unwrap(), t_err.join().unwrap())
}

fn chromium(
    bin: &Path,
    profile: &Path,
    extra: &[String],
    url: &str,
) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url);
    run_with_deadline(cmd, Duration::from_secs(120))
}

/// The HTML report in a real browser: the DOM chromium builds holds the key
/// numbers, and nothing was logged to the console. Skipped, with a line on
/// stderr, when `chromium` is not on PATH (CI installs it: see `.ci/run`).
#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(bin) = on_path("chromium") else {
        let _ = writeln!(
            std::io::stderr(),
            "skipped html_report_renders_in_headless_chromium: `chromium` is not on PATH (Debian: apt-get install chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let contract = "examples/midmarket-healthcare-saas.toml";
    let (code, _, err) = run(&[
        "render",
        contract,
        "--template",
        "report",
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let url = format!("file://{}", html.display());

    let (status, dom, log) = chromium(
        &bin,
        &dir.path().join("profile"),
        &["--dump-dom".to_string()],
        &url,
    );
    assert_eq!(status, Some(0), "chromium failed or timed out:\n{log}");
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(
        console.is_empty(),
        "console output:\n{}",
        console.join("\n")
    );
    assert!(dom.contains("<h1>Coverage report: CareLoop Health Technologies, Inc.</h1>"));
    // Coverage per framework, from the report model.
    let r = report(Path::new(contract));
    for f in &r.frameworks {
        let pct = ctrlmap::report::percent(f.totals.coverage_pct);
        let span = format!(
            "<span class=\"pct\" data-framework=\"{}\">{pct}</span>",
            f.id
        );
        assert!(dom.contains(&span), "missing {span}");
        let legend = format!(
            "Covered {}</span><span><i class=\"shared\"></i>Shared {}</span><span><i class=\"partial\"></i>Partial {}</span><span><i class=\"gap\"></i>Gap {}",
            f.totals.covered, f.totals.shared, f.totals.partial, f.totals.gap
        );
        assert!(dom.contains(&legend), "missing {legend}");
    }
    assert!(dom.contains("<span class=\"pct\" data-framework=\"nist-csf-2.0\">19.8%</span>"));
    // The heat map and every matrix row made it into the DOM.
    let ctx = Context::new(&r);
    for row in &ctx.heatmap.rows {
        for c in row.cells.iter().filter(|c| c.deliverables > 0) {
            let cell = format!(
                "{} · {}<small>{} in full</small>",
                c.reached,
                ctrlmap::report::percent(c.pct),
                c.full
            );
            assert!(dom.contains(&cell), "missing heat map cell {cell}");
        }
    }
    let rows = ctx.matrix.iter().map(|m| m.rows.len()).sum::<usize>();
    assert_eq!(
        dom.matches("<tr><td class=\"id\">").count(),
        rows + r
            .frameworks
            .iter()
            .map(|f| f.totals.gap + f.totals.partial)
            .sum::<usize>()
            + ctx.evidence_requests.client.len()
    );

    // A screenshot, kept in the temp directory: the page lays out and paints.
    let shot = dir.path().join("shot.png");
    let (status, _, log) = chromium(
        &bin,
        &dir.path().join("profile"),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
            "--hide-scrollbars".to_string(),
        ],
        &url,
    );
    assert_eq!(status, Some(0), "screenshot failed:\n{log}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}

/// Found by a new user: a misspelt variable piped through one of ctrlmap's
/// filters used to render as an empty cell instead of failing.
#[test]
fn a_misspelt_variable_through_a_filter_is_an_error() {
    for filter in ["cell", "csv", "code", "pct"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.md.j2"),
            format!("x\n{{{{ contract.clientt | {filter} }}}}\n"),
        )
        .unwrap();
        let (code, out, err) = run(&[
            "render",
            "examples/basic-clinic.toml",
            "--template",
            "mine",
            "--templates",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{filter}: {out}");
        assert!(
            err.contains("error[template]") && err.contains("mine.md.j2:2:"),
            "{filter}: {err}"
        );
    }
}
