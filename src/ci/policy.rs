//! Coverage policies: rules a contract's coverage must meet in CI.
//!
//! ```toml
//! covered_statuses = ["covered", "shared"]          # what counts as covered (default)
//! min_coverage = { "hipaa-security" = 60.0 }        # percent, per framework
//! max_gaps = 40                                      # over all frameworks in scope
//! max_gaps_per_framework = { "nist-csf-2.0" = 30 }
//! must_cover = ["hipaa-security:164.312(b)"]        # qualified ids
//! ```
//!
//! One policy serves every contract of a repository: a rule about a framework
//! or control that a contract does not have in scope is skipped for that
//! contract, not failed. Framework and control ids are checked against the
//! catalog when the policy is read, with a suggestion for a typo.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::snapshot::{parse_status, STATUS_WORDS};
use crate::coverage::Status;
use crate::diag::{did_you_mean, from_toml_error, Code, Diagnostic, Diagnostics, SourceFile};
use crate::model::Catalog;
use crate::report::Report;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    covered_statuses: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    min_coverage: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    max_gaps: Option<Spanned<i64>>,
    #[serde(default)]
    max_gaps_per_framework: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(default)]
    must_cover: Vec<Spanned<String>>,
}

/// A validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The file as given.
    pub file: String,
    /// Statuses that count as covered.
    pub covered: Vec<Status>,
    /// Rules in a fixed order: min_coverage, max_gaps, max_gaps_per_framework, must_cover.
    pub rules: Vec<Rule>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Coverage of a framework, in percent, at least `min`.
    MinCoverage {
        /// Framework id.
        framework: String,
        /// Lowest acceptable percentage.
        min: f64,
    },
    /// At most `max` gaps, over all frameworks in scope or in one.
    MaxGaps {
        /// Framework id; `None` for all frameworks in scope.
        framework: Option<String>,
        /// Most gaps allowed.
        max: usize,
    },
    /// A control whose status must count as covered.
    MustCover {
        /// Qualified id.
        control: String,
    },
}

impl Rule {
    /// The rule's key in the policy file.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::MinCoverage { .. } => "min_coverage",
            Rule::MaxGaps {
                framework: None, ..
            } => "max_gaps",
            Rule::MaxGaps { .. } => "max_gaps_per_framework",
            Rule::MustCover { .. } => "must_cover",
        }
    }

    /// What it is about: a framework, a control, or `all frameworks`.
    pub fn subject(&self) -> String {
        match self {
            Rule::MinCoverage { framework, .. } => framework.clone(),
            Rule::MaxGaps {
                framework: Some(f), ..
            } => f.clone(),
            Rule::MaxGaps {
                framework: None, ..
            } => "all frameworks".into(),
            Rule::MustCover { control } => control.clone(),
        }
    }
}

/// Outcome of one rule for one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule holds.
    Pass,
    /// It does not.
    Fail,
    /// It does not apply to this contract (framework or control not in scope).
    Skip,
}

/// A rule evaluated against one contract.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    /// The rule's key: `min_coverage`, `max_gaps`, `max_gaps_per_framework`, `must_cover`.
    pub rule: &'static str,
    /// Framework id, qualified control id, or `all frameworks`.
    pub subject: String,
    /// Pass, fail or skip.
    pub outcome: Outcome,
    /// The measured value: a percentage, a gap count, or a status; `null` when skipped.
    pub actual: serde_json::Value,
    /// The limit: a percentage, a gap count, or the statuses that count as covered.
    pub limit: serde_json::Value,
    /// The result in one sentence.
    pub message: String,
    /// The framework, when the rule is skipped because it is not in scope.
    #[serde(skip)]
    pub framework_not_in_scope: Option<String>,
}

/// All rules evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyResult {
    /// The policy file as given.
    pub file: String,
    /// Statuses that counted as covered.
    pub covered_statuses: Vec<Status>,
    /// One result per rule, in policy order.
    pub rules: Vec<RuleResult>,
}

impl PolicyResult {
    /// Number of failed rules.
    pub fn failures(&self) -> usize {
        self.rules
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .count()
    }

    /// Did every rule pass (or not apply)?
    pub fn passed(&self) -> bool {
        self.failures() == 0
    }

    /// One line per rule, then the result, each line indented by `indent`.
    pub fn to_text(&self, indent: &str) -> String {
        use crate::diag::plural;
        let mut s = String::new();
        let mut absent: Vec<&str> = Vec::new();
        let mut absent_rules = 0;
        for r in &self.rules {
            if let Some(fw) = &r.framework_not_in_scope {
                absent_rules += 1;
                if !absent.contains(&fw.as_str()) {
                    absent.push(fw);
                }
                continue;
            }
            let word = match r.outcome {
                Outcome::Pass => "pass",
                Outcome::Fail => "FAIL",
                Outcome::Skip => "skip",
            };
            s.push_str(&format!(
                "{indent}{word}  {} {}: {}\n",
                r.rule, r.subject, r.message
            ));
        }
        if absent_rules > 0 {
            absent.sort();
            s.push_str(&format!(
                "{indent}skip  {absent_rules} {} about frameworks not in this contract's scope: {}\n",
                plural(absent_rules, "rule", "rules"),
                absent.join(", ")
            ));
        }
        let n = self.rules.len();
        let failed = self.failures();
        let skipped = self
            .rules
            .iter()
            .filter(|r| r.outcome == Outcome::Skip)
            .count();
        let verdict = if failed > 0 { "FAIL" } else { "pass" };
        s.push_str(&format!(
            "{indent}result: {verdict}, {failed} of {n} {} failed, {skipped} skipped\n",
            plural(n, "rule", "rules")
        ));
        s
    }
}

/// Read and validate a policy file against the loaded catalog.
pub fn load(path: &Path, catalog: &Catalog) -> Result<Policy, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostic::error(
            Code::Io,
            format!("cannot read policy `{}`: {e}", path.display()),
        );
        if e.kind() == std::io::ErrorKind::NotFound {
            d = d.help("check the path; `examples/ci/policy.toml` is an example policy");
        }
        Diagnostics(vec![d])
    })?;
    parse(&SourceFile::new(path.display().to_string(), text), catalog)
}

/// Parse and validate a policy, collecting every problem.
pub fn parse(file: &Arc<SourceFile>, catalog: &Catalog) -> Result<Policy, Diagnostics> {
    let raw: RawPolicy = toml::from_str(&file.text).map_err(|e| {
        let mut d = from_toml_error(file, &e);
        if d.code == Code::UnknownField {
            d.code = Code::UnknownPolicyRule;
            d.message = d.message.replace("unknown field", "unknown policy rule");
        }
        Diagnostics(vec![d])
    })?;
    let mut diags = Diagnostics::default();
    let frameworks = &catalog.frameworks;

    let covered = match raw.covered_statuses {
        None => vec![Status::Covered, Status::Shared],
        Some(list) => {
            let span = list.span();
            let mut out = Vec::new();
            for w in list.into_inner() {
                match parse_status(w.get_ref()) {
                    Some(s) if !out.contains(&s) => out.push(s),
                    Some(_) => {}
                    None => {
                        let hint = did_you_mean(w.get_ref(), STATUS_WORDS.iter().copied());
                        let words = STATUS_WORDS.join(", ");
                        diags.push(
                            Diagnostic::error(
                                Code::InvalidValue,
                                format!("`{}` is not a status", w.get_ref()),
                            )
                            .at(file, w.span())
                            .label("unknown status")
                            .help(match hint {
                                Some(h) => format!("{h} (a status is one of {words})"),
                                None => format!("a status is one of {words}"),
                            }),
                        );
                    }
                }
            }
            if out.is_empty() && !diags.has_errors() {
                diags.push(
                    Diagnostic::error(Code::InvalidValue, "`covered_statuses` is empty")
                        .at(file, span)
                        .help("list the statuses that count as covered, e.g. [\"covered\", \"shared\"]"),
                );
            }
            out.sort_by_key(|s| std::cmp::Reverse(*s));
            out
        }
    };

    let known = |id: &Spanned<String>, diags: &mut Diagnostics| -> bool {
        if frameworks.contains_key(id.get_ref()) {
            return true;
        }
        diags.push(crate::catalog::unknown_framework(id.get_ref(), frameworks).at(file, id.span()));
        false
    };

    let mut rules = Vec::new();
    for (fw, value) in &raw.min_coverage {
        let min = match value.get_ref() {
            toml::Value::Float(f) => Some(*f),
            toml::Value::Integer(i) => Some(*i as f64),
            _ => None,
        };
        let ok_fw = known(fw, &mut diags);
        match min {
            Some(min) if (0.0..=100.0).contains(&min) => {
                if ok_fw {
                    rules.push(Rule::MinCoverage {
                        framework: fw.get_ref().clone(),
                        min,
                    });
                }
            }
            _ => diags.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!(
                        "minimum coverage of `{}` must be a percentage",
                        fw.get_ref()
                    ),
                )
                .at(file, value.span())
                .label("not a number from 0 to 100")
                .help("write a percentage such as `60.0`"),
            ),
        }
    }
    let count = |v: &Spanned<i64>, what: &str, diags: &mut Diagnostics| -> Option<usize> {
        usize::try_from(*v.get_ref()).ok().or_else(|| {
            diags.push(
                Diagnostic::error(Code::InvalidValue, format!("{what} cannot be negative"))
                    .at(file, v.span())
                    .help("write a count of gaps, `0` or more"),
            );
            None
        })
    };
    if let Some(max) = &raw.max_gaps {
        if let Some(max) = count(max, "`max_gaps`", &mut diags) {
            rules.push(Rule::MaxGaps {
                framework: None,
                max,
            });
        }
    }
    for (fw, max) in &raw.max_gaps_per_framework {
        let ok_fw = known(fw, &mut diags);
        let what = format!("the gap limit of `{}`", fw.get_ref());
        if let (true, Some(max)) = (ok_fw, count(max, &what, &mut diags)) {
            rules.push(Rule::MaxGaps {
                framework: Some(fw.get_ref().clone()),
                max,
            });
        }
    }
    for id in &raw.must_cover {
        match crate::catalog::resolve_control(file, id, frameworks) {
            Ok(control) => {
                let rule = Rule::MustCover { control };
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Policy {
        file: file.name.clone(),
        covered,
        rules,
    })
}

impl Policy {
    /// Evaluate every rule against one contract's report.
    pub fn evaluate(&self, report: &Report) -> PolicyResult {
        let covered_words: Vec<&str> = self.covered.iter().map(|s| s.as_str()).collect();
        let rules = self
            .rules
            .iter()
            .map(|rule| self.evaluate_rule(rule, report, &covered_words))
            .collect();
        PolicyResult {
            file: self.file.clone(),
            covered_statuses: self.covered.clone(),
            rules,
        }
    }

    fn evaluate_rule(&self, rule: &Rule, report: &Report, covered_words: &[&str]) -> RuleResult {
        use serde_json::{json, Value};
        let result = |outcome, actual, limit, message: String| RuleResult {
            rule: rule.name(),
            subject: rule.subject(),
            outcome,
            actual,
            limit,
            message,
            framework_not_in_scope: None,
        };
        let framework = |id: &str| report.frameworks.iter().find(|f| f.id == id);
        let not_in_scope = |id: &str| RuleResult {
            framework_not_in_scope: Some(id.to_string()),
            ..result(
                Outcome::Skip,
                Value::Null,
                Value::Null,
                format!("`{id}` is not in this contract's scope"),
            )
        };
        let gaps = |f: &crate::coverage::FrameworkCoverage| {
            f.controls
                .iter()
                .filter(|c| c.obligation && c.status == Status::Gap)
                .count()
        };
        match rule {
            Rule::MinCoverage { framework: id, min } => {
                let Some(f) = framework(id) else {
                    return not_in_scope(id);
                };
                let obligations: Vec<Status> = f
                    .controls
                    .iter()
                    .filter(|c| c.obligation)
                    .map(|c| c.status)
                    .collect();
                let applicable = obligations
                    .iter()
                    .filter(|s| **s != Status::NotApplicable)
                    .count();
                if applicable == 0 {
                    return result(
                        Outcome::Skip,
                        Value::Null,
                        json!(min),
                        "no applicable obligations".into(),
                    );
                }
                let met = obligations
                    .iter()
                    .filter(|s| **s != Status::NotApplicable && self.covered.contains(s))
                    .count();
                let pct = (met as f64 * 1000.0 / applicable as f64).round() / 10.0;
                let (outcome, cmp) = if pct >= *min {
                    (Outcome::Pass, ">=")
                } else {
                    (Outcome::Fail, "<")
                };
                result(
                    outcome,
                    json!(pct),
                    json!(min),
                    format!(
                        "{pct:.1}% {cmp} {min:.1}% ({met} of {applicable} applicable obligations {})",
                        covered_words.join(" or ")
                    ),
                )
            }
            Rule::MaxGaps { framework: id, max } => {
                let n = match id {
                    Some(id) => match framework(id) {
                        Some(f) => gaps(f),
                        None => return not_in_scope(id),
                    },
                    None => report.frameworks.iter().map(gaps).sum(),
                };
                let outcome = if n <= *max {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                };
                result(
                    outcome,
                    json!(n),
                    json!(max),
                    format!(
                        "{n} {}, at most {max} allowed",
                        crate::diag::plural(n, "gap", "gaps")
                    ),
                )
            }
            Rule::MustCover { control } => {
                let fw = control.split_once(':').map_or("", |(f, _)| f);
                let Some(f) = framework(fw) else {
                    return not_in_scope(fw);
                };
                let Some(v) = f.controls.iter().find(|c| &c.id == control) else {
                    let why = f
                        .out_of_scope
                        .iter()
                        .find(|o| &o.id == control)
                        .map_or("no obligation below it is in scope".to_string(), |o| {
                            o.reason.clone()
                        });
                    return result(
                        Outcome::Skip,
                        Value::Null,
                        json!(covered_words),
                        format!("not in this contract's scope: {why}"),
                    );
                };
                let outcome = if self.covered.contains(&v.status) {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                };
                let mut by: Vec<&str> = v
                    .via
                    .iter()
                    .filter(|ch| ch.status == v.status)
                    .map(|ch| ch.deliverable.as_str())
                    .collect();
                by.sort();
                by.dedup();
                let by = if by.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", by.join(", "))
                };
                let message = match outcome {
                    Outcome::Pass => format!("{}{by}", v.status),
                    _ => format!("{}{by}, needs {}", v.status, covered_words.join(" or ")),
                };
                result(outcome, json!(v.status), json!(covered_words), message)
            }
        }
    }
}
