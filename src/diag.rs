//! Diagnostics: user-facing problems with a stable code, a source location
//! and, where we can, a hint.
//!
//! Every problem a user can cause (bad TOML, unknown ids, dangling references,
//! unreadable paths, template errors) becomes a [`Diagnostic`]. Loaders collect
//! them rather than stopping at the first, and never panic. Rendering uses
//! annotate-snippets, the renderer rustc and cargo use, so a user sees the
//! offending line with a caret under it.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

/// A file whose text diagnostics point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The name shown to the user: a path as given, or `<embedded>/...`.
    pub name: String,
    /// The whole text of the file.
    pub text: String,
}

impl SourceFile {
    /// A new source file.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not fail a command.
    Warning,
    /// The input cannot be used.
    Error,
}

macro_rules! codes {
    ($($variant:ident = $code:literal : $doc:literal,)*) => {
        /// The stable code of every diagnostic ctrlmap emits.
        ///
        /// Codes are kebab-case and never change meaning; `ctrlmap explain-code
        /// CODE` prints the description.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A one-line description.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }

            /// Look a code up by its name.
            pub fn from_name(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

codes! {
    TomlSyntax = "toml-syntax": "The file is not valid TOML, or a value has the wrong type.",
    UnknownField = "unknown-field": "A table has a key that the format does not define (often a typo).",
    MissingField = "missing-field": "A required key is missing.",
    UnknownFileKind = "unknown-file-kind": "A catalog file has none of the top-level tables [framework], [crosswalk], [catalog] or [checklist].",
    DuplicateId = "duplicate-id": "Two entries share one id (control, framework, crosswalk or deliverable).",
    DanglingParent = "dangling-parent": "A control names a parent that does not exist in its framework.",
    HierarchyCycle = "hierarchy-cycle": "Following parents from a control leads back to it.",
    UnknownFramework = "unknown-framework": "A framework id is not in the loaded catalogs.",
    UnknownControl = "unknown-control": "A control id is not in its framework.",
    UnknownDeliverable = "unknown-deliverable": "A contract uses a deliverable id the catalog does not have.",
    DanglingCrosswalk = "dangling-crosswalk": "A crosswalk edge points at a control that does not exist.",
    InvalidValue = "invalid-value": "A value is not one of the allowed words (relation, degree, responsibility, ...).",
    InvalidParam = "invalid-param": "A parameter value cannot be read as a typed quantity, or its units do not fit.",
    InvalidSelector = "invalid-selector": "A scope selection names an unknown selector or an unknown option.",
    MissingRationale = "missing-rationale": "An edge of ctrlmap's own judgement has no rationale.",
    UnmatchedExclusion = "unmatched-exclusion": "An exclusion matches no obligation in scope.",
    SlaOverridesCatalog = "sla-overrides-catalog": "A contract-wide [sla] value differs from what a catalog deliverable in the contract provides; the SLA value is used.",
    EmptyScope = "empty-scope": "A contract puts no framework in scope, so it has no obligations.",
    DuplicateEdge = "duplicate-edge": "The same edge appears twice.",
    ContradictoryEdge = "contradictory-edge": "One source gives two different set relations for one pair.",
    GroupEdge = "group-edge": "An edge points at a group node rather than an obligation.",
    UnmappedControl = "unmapped-control": "An obligation has no crosswalk or deliverable edge.",
    Io = "io": "A path cannot be read or written.",
    OutputExists = "output-exists": "The output file exists; ctrlmap does not overwrite without --force.",
    OutputIsInput = "output-is-input": "The output path is one of the inputs; ctrlmap never overwrites an input.",
    Template = "template": "A template cannot be loaded or rendered.",
    Usage = "usage": "The command line is not valid.",
    SnapshotMissing = "snapshot-missing": "The snapshot file given to `check --snapshot` does not exist; create it with `ctrlmap snapshot CONTRACT --out FILE`.",
    SnapshotSyntax = "snapshot-syntax": "A snapshot file cannot be read: not a snapshot, an unsupported format, a malformed line, an unknown status or a merge conflict marker.",
    UnknownPolicyRule = "unknown-policy-rule": "A policy file has a key that is not a rule (often a typo).",
    UnsupportedTier = "unsupported-tier": "A contract declares a service tier that its terms do not support.",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem with the user's input.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence; user values in backticks.
    pub message: String,
    /// The file, where there is one.
    pub file: Option<String>,
    /// 1-based line, where there is a location.
    pub line: Option<usize>,
    /// 1-based column, where there is a location.
    pub column: Option<usize>,
    /// How to fix it, where we can tell.
    pub help: Option<String>,
    /// Short label under the caret.
    #[serde(skip)]
    pub label: Option<String>,
    #[serde(skip)]
    source: Option<(Arc<SourceFile>, Range<usize>)>,
}

impl Diagnostic {
    /// An error without a location.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            help: None,
            label: None,
            source: None,
        }
    }

    /// A warning without a location.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Point at a byte span of a file.
    pub fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        let (line, column) = file.line_col(span.start);
        self.file = Some(file.name.clone());
        self.line = Some(line);
        self.column = Some(column);
        self.source = Some((Arc::clone(file), span));
        self
    }

    /// Name a file without a location in it.
    pub fn in_file(mut self, name: impl Into<String>) -> Self {
        self.file = Some(name.into());
        self
    }

    /// Add a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add a label shown under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Is this an error (as opposed to a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Render for a terminal, with the offending line when there is one.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let code = self.code.as_str();
        let origin_only = self.file.as_ref().map(|f| format!("in {f}"));
        let mut message = level.title(&self.message).id(code);
        if let Some((file, span)) = &self.source {
            let span = clamp_span(&file.text, span.clone());
            let label = self.label.as_deref().unwrap_or("");
            message = message.snippet(
                Snippet::source(&file.text)
                    .origin(&file.name)
                    .fold(true)
                    .annotation(level.span(span).label(label)),
            );
        }
        if self.source.is_none() {
            if let Some(note) = &origin_only {
                message = message.footer(Level::Note.title(note));
            }
        }
        if let Some(help) = &self.help {
            message = message.footer(Level::Help.title(help));
        }
        let rendered = renderer.render(message).to_string();
        rendered
    }
}

fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let mut end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    // Point at the whole first line of a multi-line span only.
    if let Some(nl) = text[start..end].find('\n') {
        end = start + nl;
    }
    if end == start && start < text.len() {
        end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    }
    start..end
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A list of diagnostics, sorted for output.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Add one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Add many.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// Does any of them stop the input from being used?
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Sort by file, line, column, code: the order a user reads in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// "did you mean `x`?" from a list of candidates, by Jaro-Winkler similarity.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let wanted_l = wanted.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&wanted_l, &c.to_ascii_lowercase());
        if score > best.map_or(0.0, |b| b.0)
            || (score == best.map_or(0.0, |b| b.0) && best.is_some_and(|b| c < b.1))
        {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.8)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Plural helper: `plural(2, "gap", "gaps")`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Turn a `toml::de::Error` into a diagnostic pointing at the file.
pub fn from_toml_error(file: &Arc<SourceFile>, err: &toml::de::Error) -> Diagnostic {
    let msg = err.message().trim().to_string();
    let code = if msg.starts_with("unknown field") {
        Code::UnknownField
    } else if msg.starts_with("missing field") {
        Code::MissingField
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        Code::InvalidValue
    } else {
        Code::TomlSyntax
    };
    let mut d = Diagnostic::error(code, first_line(&msg));
    if let Some(expected) = msg
        .strip_prefix("unknown field")
        .and_then(|r| r.split_once("expected "))
    {
        let wanted = msg.split('`').nth(1).unwrap_or_default().to_string();
        let fields: Vec<&str> = expected
            .1
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        d.message = format!("unknown field `{wanted}`");
        let hint = did_you_mean(&wanted, fields.iter().copied());
        d = d.help(match hint {
            Some(h) => format!("{h} (allowed here: {})", fields.join(", ")),
            None => format!("allowed here: {}", fields.join(", ")),
        });
    }
    // A bare TOML date where ctrlmap wants a string: suggest quotes.
    if let Some(span) = err.span() {
        let text = file.text.get(span.clone()).unwrap_or("").trim();
        let looks_like_date = text.len() >= 10
            && text.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if looks_like_date && msg.contains("expected a string") {
            d.message = "a date must be written as a quoted string here".into();
            d = d.help(format!("write `\"{}\"`", &text[..10]));
        }
    }
    match err.span() {
        Some(span) if !file.text.trim().is_empty() => d.at(file, span),
        _ => d.in_file(file.name.clone()),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-'));
            assert_eq!(Code::from_name(c.as_str()), Some(*c));
            assert!(!c.description().is_empty());
        }
    }

    #[test]
    fn line_col_counts_chars() {
        let f = SourceFile::new("x.toml", "a = 1\nbé = 2\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        assert_eq!(f.line_col(9), (2, 3));
    }

    #[test]
    fn suggestion_picks_closest() {
        assert_eq!(
            did_you_mean("DE.CM-1", ["DE.CM-01", "DE.AE-02", "PR.AA-01"]).as_deref(),
            Some("did you mean `DE.CM-01`?")
        );
        assert_eq!(did_you_mean("zzz", ["DE.CM-01"]), None);
    }
}
