//! The `snapshot`, `check` and `diff` subcommands: clap arguments and thin
//! handlers. `cli` dispatches to them; the work is in the sibling modules.

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, ValueEnum};
use serde::Serialize;

use super::compare::{compare, header_notes, renames, ChangeKind, Changes};
use super::diff::{Diff, Side};
use super::junit::{self, Case, Failure, Suite};
use super::policy::{self, Outcome, PolicyResult};
use super::snapshot::{self, natural_cmp, Snapshot};
use crate::cli::{deliver, Exit, OutputArgs};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::Engine;

/// Formats of `snapshot` and `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// Text for people and for committing.
    Text,
    /// JSON (field names documented in the README).
    Json,
}

/// Formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A readable report.
    Text,
    /// JSON (field names documented in the README).
    Json,
    /// JUnit XML: one test case per obligation and per policy rule.
    Junit,
}

/// Arguments of `ctrlmap snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// The contract TOML.
    pub contract: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
    /// Where the result goes.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `ctrlmap check`.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("against")
        .required(true)
        .multiple(true)
        .args(["snapshot", "policy"])
))]
pub struct CheckArgs {
    /// The contract TOML.
    pub contract: PathBuf,
    /// The committed snapshot to compare today's coverage with.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// A policy TOML: minimum coverage, maximum gaps, controls that must be covered.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Fail on any difference from the snapshot, not only on regressions.
    #[arg(long, requires = "snapshot")]
    pub strict: bool,
    /// Rewrite the snapshot with today's coverage (creating it if missing).
    #[arg(long, requires = "snapshot", conflicts_with = "strict")]
    pub update: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Where the result goes.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `ctrlmap diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old contract, or the one contract diffed under two catalogs.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new contract.
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,
    /// Catalog directory for the old side, applied like --catalog (repeatable).
    #[arg(long, value_name = "DIR")]
    pub catalog_old: Vec<PathBuf>,
    /// Catalog directory for the new side, applied like --catalog (repeatable).
    #[arg(long, value_name = "DIR")]
    pub catalog_new: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
    /// Where the result goes.
    #[command(flatten)]
    pub output: OutputArgs,
}

type Handled = Result<(Exit, Diagnostics), Diagnostics>;

/// `ctrlmap snapshot`.
pub fn snapshot(dirs: &[PathBuf], a: SnapshotArgs) -> Handled {
    let engine = Engine::load(dirs)?;
    let mut warnings = engine.warnings.clone();
    let (report, w) = engine.report(&a.contract)?;
    warnings.extend(w);
    let snap = Snapshot::new(&engine.catalog, &report);
    let text = match a.format {
        DataFormat::Text => snap.to_text(),
        DataFormat::Json => snap.to_json(),
    };
    deliver(&text, &a.output, &[&a.contract])?;
    Ok((Exit::Ok, warnings))
}

/// How the snapshot part of a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotOutcome {
    /// No regression (or, with `--strict`, no difference).
    Pass,
    /// A regression (or, with `--strict`, any difference).
    Fail,
    /// `--update` rewrote the snapshot.
    Updated,
    /// `--update` created the missing snapshot.
    Created,
}

/// The snapshot part of a check.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotResult {
    /// The snapshot file as given.
    pub file: String,
    /// Pass, fail, updated or created.
    pub result: SnapshotOutcome,
    /// Whether `--strict` was given.
    pub strict: bool,
    /// Header differences (versions, contract name); they never fail a check.
    pub notes: Vec<String>,
    /// The differences, grouped.
    #[serde(flatten)]
    pub changes: Changes,
}

/// The result of `ctrlmap check`, as its JSON shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// The contract file as given.
    pub contract: String,
    /// `pass` or `fail`.
    pub result: &'static str,
    /// The snapshot part; `null` without `--snapshot`.
    pub snapshot: Option<SnapshotResult>,
    /// The policy part; `null` without `--policy`.
    pub policy: Option<PolicyResult>,
    #[serde(skip)]
    obligations: Vec<String>,
    #[serde(skip)]
    update_hint: String,
}

impl CheckResult {
    fn failed(&self) -> bool {
        self.result == "fail"
    }

    fn to_text(&self) -> String {
        let mut s = format!("check {}\n", self.contract);
        if let Some(r) = &self.snapshot {
            s.push_str(&format!("\nsnapshot {}\n", r.file));
            for n in &r.notes {
                s.push_str(&format!("  note: {n}\n"));
            }
            s.push_str(&r.changes.to_text("  "));
            let summary = if r.changes.is_empty() {
                "no changes".to_string()
            } else {
                r.changes.summary()
            };
            let (word, tail) = match r.result {
                SnapshotOutcome::Pass => ("pass", String::new()),
                SnapshotOutcome::Fail if r.strict => {
                    ("FAIL", " (--strict: any difference fails)".to_string())
                }
                SnapshotOutcome::Fail => ("FAIL", String::new()),
                SnapshotOutcome::Updated => ("updated", format!("; {} rewritten", r.file)),
                SnapshotOutcome::Created => ("created", format!("; {} written", r.file)),
            };
            s.push_str(&format!("  result: {word}, {summary}{tail}\n"));
            let accept = match r.result {
                SnapshotOutcome::Fail => Some("if these changes are intended"),
                SnapshotOutcome::Pass if !r.changes.is_empty() => Some("to record the changes"),
                _ => None,
            };
            if let Some(why) = accept {
                s.push_str(&format!(
                    "  {why}: run `{}` and commit {}\n",
                    self.update_hint, r.file
                ));
            }
        }
        if let Some(p) = &self.policy {
            s.push_str(&format!("\npolicy {}\n", p.file));
            s.push_str(&p.to_text("  "));
        }
        s.push_str(&format!(
            "\ncheck: {}\n",
            if self.failed() { "FAIL" } else { "pass" }
        ));
        s
    }

    fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("check result serializes");
        s.push('\n');
        s
    }

    fn to_junit(&self) -> String {
        let mut suites = Vec::new();
        if let Some(r) = &self.snapshot {
            let mut ids: Vec<&str> = self.obligations.iter().map(String::as_str).collect();
            ids.extend(
                r.changes
                    .changes
                    .iter()
                    .filter(|c| c.change == ChangeKind::Removed)
                    .map(|c| c.id.as_str()),
            );
            ids.sort_by(|a, b| natural_cmp(a, b));
            ids.dedup();
            let updating = matches!(
                r.result,
                SnapshotOutcome::Updated | SnapshotOutcome::Created
            );
            let cases = ids
                .into_iter()
                .map(|id| {
                    let change = r.changes.all().find(|c| c.id == id);
                    let regression = change.is_some_and(|c| {
                        matches!(c.change, ChangeKind::Lowered | ChangeKind::NewGap)
                    });
                    let failure = change
                        .filter(|_| !updating && (regression || r.strict))
                        .map(|c| Failure {
                            kind: if regression { "regression" } else { "change" }.into(),
                            message: c.text(),
                            body: format!(
                                "{}\nIf this is intended: {}",
                                c.text(),
                                self.update_hint
                            ),
                        });
                    Case {
                        classname: id.split_once(':').map_or("", |(f, _)| f).to_string(),
                        name: id.to_string(),
                        failure,
                        skipped: None,
                    }
                })
                .collect();
            suites.push(Suite {
                name: format!("snapshot {}", r.file),
                cases,
            });
        }
        if let Some(p) = &self.policy {
            let cases = p
                .rules
                .iter()
                .map(|rule| Case {
                    classname: format!("policy.{}", rule.rule),
                    name: format!("{} {}", rule.rule, rule.subject),
                    failure: (rule.outcome == Outcome::Fail).then(|| Failure {
                        kind: "policy".into(),
                        message: rule.message.clone(),
                        body: format!("{} {}: {}", rule.rule, rule.subject, rule.message),
                    }),
                    skipped: (rule.outcome == Outcome::Skip).then(|| rule.message.clone()),
                })
                .collect();
            suites.push(Suite {
                name: format!("policy {}", p.file),
                cases,
            });
        }
        junit::render(&format!("ctrlmap check {}", self.contract), &suites)
    }
}

/// The command that accepts today's coverage, for hints.
fn update_hint(dirs: &[PathBuf], contract: &Path, snapshot: &Path) -> String {
    let mut s = String::from("ctrlmap");
    for d in dirs {
        s.push_str(&format!(" --catalog {}", d.display()));
    }
    format!(
        "{s} check {} --snapshot {} --update",
        contract.display(),
        snapshot.display()
    )
}

/// `ctrlmap check`.
pub fn check(dirs: &[PathBuf], a: CheckArgs) -> Handled {
    let engine = Engine::load(dirs)?;
    let mut warnings = engine.warnings.clone();
    // Read the policy first: a bad policy stops the check before anything is written.
    let policy = match &a.policy {
        Some(p) => Some(policy::load(p, &engine.catalog)?),
        None => None,
    };
    let (report, w) = engine.report(&a.contract)?;
    warnings.extend(w);
    let now = Snapshot::new(&engine.catalog, &report);
    let mut result = CheckResult {
        contract: a.contract.display().to_string(),
        result: "pass",
        snapshot: None,
        policy: None,
        obligations: now.obligations.iter().map(|o| o.id.clone()).collect(),
        update_hint: String::new(),
    };
    if let Some(path) = &a.snapshot {
        result.update_hint = update_hint(dirs, &a.contract, path);
        let r = check_snapshot(dirs, &engine, &a, path, &now, &mut warnings)?;
        if r.result == SnapshotOutcome::Fail {
            result.result = "fail";
        }
        result.snapshot = Some(r);
    }
    if let Some(p) = &policy {
        let r = p.evaluate(&report);
        if !r.passed() {
            result.result = "fail";
        }
        result.policy = Some(r);
    }
    let text = match a.format {
        CheckFormat::Text => result.to_text(),
        CheckFormat::Json => result.to_json(),
        CheckFormat::Junit => result.to_junit(),
    };
    // The result never replaces an input: the contract, the snapshot, the policy.
    let mut inputs: Vec<&Path> = vec![&a.contract];
    inputs.extend(a.snapshot.as_deref());
    inputs.extend(a.policy.as_deref());
    deliver(&text, &a.output, &inputs)?;
    let exit = if result.failed() {
        Exit::CheckFailed
    } else {
        Exit::Ok
    };
    Ok((exit, warnings))
}

fn check_snapshot(
    dirs: &[PathBuf],
    engine: &Engine,
    a: &CheckArgs,
    path: &Path,
    now: &Snapshot,
    warnings: &mut Diagnostics,
) -> Result<SnapshotResult, Diagnostics> {
    let shown = path.display().to_string();
    let write = |text: &str| -> Result<(), Diagnostics> {
        crate::output::write(path, text.as_bytes(), true, &[&a.contract])
            .map_err(|d| Diagnostics(vec![d]))
    };
    let base = SnapshotResult {
        file: shown.clone(),
        result: SnapshotOutcome::Pass,
        strict: a.strict,
        notes: Vec::new(),
        changes: Changes::default(),
    };
    if !path.exists() {
        if a.update {
            write(&now.to_text())?;
            return Ok(SnapshotResult {
                result: SnapshotOutcome::Created,
                ..base
            });
        }
        return Err(Diagnostics(vec![Diagnostic::error(
            Code::SnapshotMissing,
            format!("snapshot `{shown}` does not exist"),
        )
        .help(format!(
            "create it with `ctrlmap snapshot {} --out {shown}` and commit it",
            a.contract.display()
        ))]));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![Diagnostic::error(
            Code::Io,
            format!("cannot read snapshot `{shown}`: {e}"),
        )])
    })?;
    let regenerate = format!(
        "regenerate it with `{}`",
        update_hint(dirs, &a.contract, path)
    );
    let old = match snapshot::parse(&SourceFile::new(shown.clone(), text.clone()), &regenerate) {
        Ok(old) => old,
        Err(diags) if a.update => {
            // `--update` repairs an unreadable snapshot (a merge conflict, say).
            for mut d in diags {
                d.severity = crate::diag::Severity::Warning;
                warnings.push(d);
            }
            write(&now.to_text())?;
            return Ok(SnapshotResult {
                result: SnapshotOutcome::Updated,
                notes: vec!["the old snapshot could not be read; it was replaced".into()],
                ..base
            });
        }
        Err(diags) => return Err(diags),
    };
    let changes = compare(
        &old.obligations,
        &now.obligations,
        &renames(&engine.catalog),
    );
    let notes = header_notes(&old, now);
    let outcome = if a.update {
        let new_text = now.to_text();
        if new_text != text {
            write(&new_text)?;
            SnapshotOutcome::Updated
        } else {
            SnapshotOutcome::Pass
        }
    } else if !changes.regressions.is_empty() || (a.strict && !changes.is_empty()) {
        SnapshotOutcome::Fail
    } else {
        SnapshotOutcome::Pass
    };
    Ok(SnapshotResult {
        result: outcome,
        notes,
        changes,
        ..base
    })
}

/// `ctrlmap diff`.
pub fn diff(dirs: &[PathBuf], a: DiffArgs) -> Handled {
    let catalogs_differ = !a.catalog_old.is_empty() || !a.catalog_new.is_empty();
    if a.new.is_none() && !catalogs_differ {
        return Err(Diagnostics(vec![Diagnostic::error(
            Code::Usage,
            "`diff` needs two contracts, or one contract with `--catalog-old` and/or `--catalog-new`",
        )
        .help(format!(
            "e.g. `ctrlmap diff {} NEW.toml`, or `ctrlmap diff {} --catalog-old OLD-DIR --catalog-new NEW-DIR`",
            a.old.display(),
            a.old.display()
        ))]));
    }
    let side_dirs =
        |extra: &[PathBuf]| -> Vec<PathBuf> { dirs.iter().chain(extra).cloned().collect() };
    let (old_dirs, new_dirs) = (side_dirs(&a.catalog_old), side_dirs(&a.catalog_new));
    let old_engine = Engine::load(&old_dirs)?;
    let new_engine = if catalogs_differ {
        Some(Engine::load(&new_dirs)?)
    } else {
        None
    };
    let new_engine_ref = new_engine.as_ref().unwrap_or(&old_engine);
    let new_contract = a.new.as_deref().unwrap_or(&a.old);
    let (old_report, w_old) = old_engine.report(&a.old)?;
    let (new_report, w_new) = new_engine_ref.report(new_contract)?;
    let mut warnings = Diagnostics::default();
    for d in old_engine
        .warnings
        .0
        .iter()
        .chain(&w_old.0)
        .chain(new_engine.iter().flat_map(|e| &e.warnings.0))
        .chain(&w_new.0)
    {
        let text = d.render(false);
        if !warnings.0.iter().any(|x| x.render(false) == text) {
            warnings.push(d.clone());
        }
    }
    let side = |contract: &Path, extra: &[PathBuf]| Side {
        contract: contract.display().to_string(),
        catalog: side_dirs(extra)
            .iter()
            .map(|d| d.display().to_string())
            .collect(),
    };
    let d = Diff::new(
        (
            side(&a.old, &a.catalog_old),
            &old_engine.catalog,
            &old_report,
        ),
        (
            side(new_contract, &a.catalog_new),
            &new_engine_ref.catalog,
            &new_report,
        ),
        catalogs_differ,
    );
    let text = match a.format {
        DataFormat::Text => d.to_text(),
        DataFormat::Json => d.to_json(),
    };
    let inputs: Vec<&Path> = [a.old.as_path(), new_contract].into_iter().collect();
    deliver(&text, &a.output, &inputs)?;
    Ok((Exit::Ok, warnings))
}
