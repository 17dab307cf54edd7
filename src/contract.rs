//! Contracts: what a provider delivers to one client, and which frameworks
//! bind that client.
//!
//! A contract is read from TOML and validated against a [`Catalog`]: every
//! framework, deliverable and control it names must exist.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{self, RawEvidence, RawImplements};
use crate::diag::{did_you_mean, from_toml_error, Code, Diagnostic, Diagnostics, SourceFile};
use crate::model::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractFile {
    contract: Header,
    #[serde(default)]
    scope: Vec<Spanned<RawScope>>,
    #[serde(default)]
    deliverable: Vec<Spanned<RawContractDeliverable>>,
    #[serde(default)]
    sla: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    exclusion: Vec<Spanned<RawExclusion>>,
    provider: Option<crate::profile::RawProvider>,
    terms: Option<crate::profile::RawTerms>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    name: String,
    provider: String,
    client: String,
    effective: Option<Spanned<String>>,
    expires: Option<Spanned<String>>,
    notes: Option<Spanned<String>>,
    client_employees: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    framework: Spanned<String>,
    #[serde(default)]
    select: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContractDeliverable {
    #[serde(rename = "use")]
    use_: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    name: Option<String>,
    domain: Option<Spanned<String>>,
    layer: Option<Spanned<String>>,
    description: Option<String>,
    #[serde(default)]
    provides: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    implements: Vec<Spanned<RawImplements>>,
    #[serde(default)]
    evidence: Vec<RawEvidence>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    control: Spanned<String>,
    justification: String,
}

/// A validated contract.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The file it was read from.
    pub file: Arc<SourceFile>,
    /// Agreement name.
    pub name: String,
    /// The MSSP.
    pub provider: String,
    /// The client organisation.
    pub client: String,
    /// Start date.
    pub effective: Option<String>,
    /// End date.
    pub expires: Option<String>,
    /// Free text.
    pub notes: Option<String>,
    /// Frameworks in scope with their selections, in contract order.
    pub scope: Vec<Scope>,
    /// Deliverables in contract order.
    pub deliverables: Vec<ContractDeliverable>,
    /// Contract-wide service levels.
    pub sla: Sla,
    /// Obligations declared not applicable.
    pub exclusions: Vec<Exclusion>,
    /// The provider profile and contract terms (`[provider]`, `[terms]`,
    /// `client_employees`) that the provider assessment reads.
    pub profile: crate::profile::Profile,
}

/// One framework in scope.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Framework id.
    pub framework: String,
    /// Selector name -> chosen value (defaults filled in).
    pub selection: BTreeMap<String, Selection>,
}

/// A selector's chosen value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `any_of`: the listed values (with `always` added).
    List(Vec<String>),
    /// `choice`: one option.
    Choice(String),
    /// `flag`: on or off.
    Flag(bool),
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selection::List(v) => write!(f, "{}", v.join(", ")),
            Selection::Choice(c) => f.write_str(c),
            Selection::Flag(b) => write!(f, "{b}"),
        }
    }
}

impl Scope {
    /// Is a control of this framework in scope? `Err` holds the reason it is not.
    pub fn admits(&self, framework: &Framework, control: &Control) -> Result<(), String> {
        for s in &framework.selectors {
            let Some(attr) = control.attributes.get(&s.attribute) else {
                continue;
            };
            match (&s.kind, self.selection.get(&s.name)) {
                (SelectorKind::AnyOf { .. }, Some(Selection::List(vals)))
                    if !vals.contains(attr) =>
                {
                    return Err(format!("{} `{attr}` is not selected", s.attribute));
                }
                (SelectorKind::Choice { options, .. }, Some(Selection::Choice(opt)))
                    if !options.get(opt).is_some_and(|v| v.contains(attr)) =>
                {
                    return Err(format!(
                        "{} {attr} is outside the selected {} {opt}",
                        s.attribute, s.name
                    ));
                }
                (SelectorKind::Flag { value, .. }, Some(Selection::Flag(false)))
                    if attr == value =>
                {
                    return Err(format!("applies only when `{}` is selected", s.name));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// A deliverable as the contract uses it.
#[derive(Debug, Clone)]
pub struct ContractDeliverable {
    /// The deliverable (catalog entry, or inline definition).
    pub deliverable: Deliverable,
    /// Defined in the contract rather than taken from the catalog.
    pub inline: bool,
    /// Values the contract overrides for this deliverable.
    pub overrides: BTreeMap<String, Provided>,
    /// Where the contract names it.
    pub origin: Origin,
}

/// Contract-wide service levels.
#[derive(Debug, Clone, Default)]
pub struct Sla {
    /// Parameter values stated for the whole contract (e.g. `coverage_hours`).
    pub params: BTreeMap<String, Provided>,
    /// Mean time to detect, by severity.
    pub mttd: BTreeMap<String, Provided>,
    /// Mean time to respond, by severity.
    pub mttr: BTreeMap<String, Provided>,
    /// Time to escalate to the client, by severity.
    pub escalation: BTreeMap<String, Provided>,
}

/// An obligation (or pattern of them) the contract declares not applicable.
#[derive(Debug, Clone)]
pub struct Exclusion {
    /// Qualified id, possibly with `*` wildcards.
    pub pattern: String,
    /// Why it does not apply.
    pub justification: String,
    /// Where it is written.
    pub origin: Origin,
}

impl Exclusion {
    /// Does this exclusion match a qualified id?
    pub fn matches(&self, qualified: &str) -> bool {
        glob_match(&self.pattern, qualified)
    }
}

/// Match `*` wildcards (any run of characters, possibly empty).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

impl Contract {
    /// The value a deliverable provides for a parameter, with where it was stated:
    /// the contract's override for that deliverable, then the contract-wide
    /// `[sla]`, then the catalog's value. `None` means "not stated".
    pub fn provided<'a>(
        &'a self,
        d: &'a ContractDeliverable,
        param: &str,
    ) -> Option<(&'a Provided, ValueSource)> {
        if let Some(p) = d.overrides.get(param) {
            return Some((p, ValueSource::ContractDeliverable));
        }
        if d.inline {
            if let Some(p) = d.deliverable.provides.get(param) {
                return Some((p, ValueSource::ContractDeliverable));
            }
        }
        if let Some(p) = self.sla.params.get(param) {
            // The SLA speaks for the whole contract, so for every deliverable.
            return Some((p, ValueSource::ContractSla));
        }
        d.deliverable
            .provides
            .get(param)
            .map(|p| (p, ValueSource::Catalog))
    }
}

/// Where a provided value was stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// The contract, on this deliverable.
    ContractDeliverable,
    /// The contract's `[sla]` table.
    ContractSla,
    /// The deliverable catalog's default.
    Catalog,
}

/// Read and validate a contract file.
pub fn load(path: &Path, catalog: &Catalog) -> Result<(Contract, Diagnostics), Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostic::error(
            Code::Io,
            format!("cannot read contract `{}`: {e}", path.display()),
        );
        if e.kind() == std::io::ErrorKind::NotFound {
            d = d.help("check the path; the shipped examples are in `examples/`");
        }
        Diagnostics(vec![d])
    })?;
    parse(SourceFile::new(path.display().to_string(), text), catalog)
}

/// Validate contract text already read.
pub fn parse(
    file: Arc<SourceFile>,
    catalog: &Catalog,
) -> Result<(Contract, Diagnostics), Diagnostics> {
    let raw: ContractFile =
        toml::from_str(&file.text).map_err(|e| Diagnostics(vec![from_toml_error(&file, &e)]))?;
    let mut diags = Diagnostics::default();
    let frameworks = &catalog.frameworks;

    // Scope.
    let mut scope: Vec<Scope> = Vec::new();
    for s in raw.scope {
        let s = s.into_inner();
        let Some(fw) = frameworks.get(s.framework.get_ref()) else {
            let mut d = catalog::unknown_framework(s.framework.get_ref(), frameworks);
            d.message.push_str(" in scope");
            diags.push(d.at(&file, s.framework.span()));
            continue;
        };
        if scope.iter().any(|x| x.framework == fw.id) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("framework `{}` is in scope twice", fw.id),
                )
                .at(&file, s.framework.span())
                .help("merge the two [[scope]] entries"),
            );
            continue;
        }
        let selection = select(&file, fw, s.select, &mut diags);
        scope.push(Scope {
            framework: fw.id.clone(),
            selection,
        });
    }

    if scope.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::warning(Code::EmptyScope, "the contract puts no framework in scope: there is nothing to cover")
                .in_file(file.name.clone())
                .help("add a [[scope]] table, e.g. `framework = \"hipaa-security\"`; `ctrlmap frameworks` lists them"),
        );
    }

    // Deliverables.
    let mut deliverables: Vec<ContractDeliverable> = Vec::new();
    for d in raw.deliverable {
        let span = d.span();
        let d = d.into_inner();
        let origin = Origin {
            file: Arc::clone(&file),
            span: span.clone(),
        };
        let entry = match (&d.use_, &d.id) {
            (Some(u), None) => {
                let Some(cat) = catalog.deliverables.get(u.get_ref()) else {
                    let hint =
                        did_you_mean(u.get_ref(), catalog.deliverables.keys().map(String::as_str));
                    diags.push(
                        Diagnostic::error(Code::UnknownDeliverable, format!("the catalog has no deliverable `{}`", u.get_ref()))
                            .at(&file, u.span())
                            .label("unknown deliverable")
                            .help(hint.unwrap_or_else(|| {
                                "`ctrlmap deliverables` lists the catalog; or define it inline with `id`, `name`, `domain` and `implements`".into()
                            })),
                    );
                    continue;
                };
                if d.name.is_some()
                    || d.domain.is_some()
                    || !d.implements.is_empty()
                    || !d.evidence.is_empty()
                {
                    diags.push(
                        Diagnostic::error(Code::UnknownField, format!("deliverable `{}` comes from the catalog: only `provides` can be changed", u.get_ref()))
                            .at(&file, span.clone())
                            .help("to define a deliverable of your own, use `id` instead of `use`"),
                    );
                    continue;
                }
                let overrides = catalog::validate_provides(&file, d.provides, &mut diags);
                ContractDeliverable {
                    deliverable: cat.clone(),
                    inline: false,
                    overrides,
                    origin,
                }
            }
            (None, Some(id)) => {
                let (Some(name), Some(domain)) = (d.name.clone(), d.domain.clone()) else {
                    diags.push(
                        Diagnostic::error(
                            Code::MissingField,
                            format!(
                                "inline deliverable `{}` needs `name` and `domain`",
                                id.get_ref()
                            ),
                        )
                        .at(&file, id.span()),
                    );
                    continue;
                };
                if catalog.deliverables.contains_key(id.get_ref()) {
                    diags.push(
                        Diagnostic::error(
                            Code::DuplicateId,
                            format!("`{}` is already a catalog deliverable", id.get_ref()),
                        )
                        .at(&file, id.span())
                        .help(format!(
                            "write `use = \"{}\"` to take the catalog's, or choose another id",
                            id.get_ref()
                        )),
                    );
                    continue;
                }
                let raw_d = catalog::RawDeliverable {
                    id: id.clone(),
                    name,
                    domain,
                    layer: d.layer,
                    description: d.description,
                    provides: d.provides,
                    implements: d.implements,
                    evidence: d.evidence,
                };
                let Some(deliverable) = catalog::validate_deliverable(
                    &file,
                    span.clone(),
                    raw_d,
                    frameworks,
                    &mut diags,
                ) else {
                    continue;
                };
                ContractDeliverable {
                    deliverable,
                    inline: true,
                    overrides: BTreeMap::new(),
                    origin,
                }
            }
            _ => {
                diags.push(
                    Diagnostic::error(Code::MissingField, "a deliverable needs either `use` (a catalog id) or `id` (an inline definition), not both")
                        .at(&file, span.clone()),
                );
                continue;
            }
        };
        if let Some(prev) = deliverables
            .iter()
            .find(|x| x.deliverable.id == entry.deliverable.id)
        {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("deliverable `{}` is listed twice", entry.deliverable.id),
                )
                .at(&file, span.clone())
                .help(format!("first listed at line {}", prev.origin.line())),
            );
            continue;
        }
        deliverables.push(entry);
    }

    // SLA.
    let mut sla = Sla::default();
    let mut plain = BTreeMap::new();
    for (k, v) in raw.sla {
        match k.get_ref().as_str() {
            "mttd" | "mttr" | "escalation" => {
                let target = match k.get_ref().as_str() {
                    "mttd" => &mut sla.mttd,
                    "mttr" => &mut sla.mttr,
                    _ => &mut sla.escalation,
                };
                let Some(table) = v.get_ref().as_table() else {
                    diags.push(
                        Diagnostic::error(
                            Code::InvalidParam,
                            format!("`{}` must be a table of severity = duration", k.get_ref()),
                        )
                        .at(&file, v.span())
                        .help("e.g. `mttd = { critical = \"15 minutes\", high = \"1 hour\" }`"),
                    );
                    continue;
                };
                for (sev, val) in table {
                    let parsed = val
                        .as_str()
                        .ok_or_else(|| format!("expected a duration, found `{val}`"))
                        .and_then(crate::param::parse_duration);
                    match parsed {
                        Ok(value) => {
                            target.insert(
                                sev.clone(),
                                Provided {
                                    value,
                                    origin: Origin {
                                        file: Arc::clone(&file),
                                        span: v.span(),
                                    },
                                },
                            );
                        }
                        Err(e) => diags.push(
                            Diagnostic::error(
                                Code::InvalidParam,
                                format!("`{}.{sev}`: {e}", k.get_ref()),
                            )
                            .at(&file, v.span()),
                        ),
                    }
                }
            }
            _ => {
                plain.insert(k, v);
            }
        }
    }
    sla.params = catalog::validate_provides(&file, plain, &mut diags);
    // A contract-wide value replaces a catalog deliverable's own: say so when
    // they differ, since one of the two is likely a mistake.
    for (name, stated) in &sla.params {
        for d in deliverables
            .iter()
            .filter(|d| !d.inline && !d.overrides.contains_key(name))
        {
            if let Some(own) = d.deliverable.provides.get(name) {
                if own.value != stated.value {
                    diags.push(
                        Diagnostic::warning(
                            Code::SlaOverridesCatalog,
                            format!(
                                "[sla] {name} = {} replaces what `{}` provides in the catalog ({})",
                                stated.value, d.deliverable.id, own.value
                            ),
                        )
                        .at(&file, stated.origin.span.clone())
                        .help(format!(
                            "if `{}` really provides {}, state it on the deliverable: `provides = {{ {name} = ... }}`; otherwise correct the SLA",
                            d.deliverable.id, stated.value
                        )),
                    );
                }
            }
        }
    }

    // Exclusions.
    let mut exclusions = Vec::new();
    for e in raw.exclusion {
        let span = e.span();
        let e = e.into_inner();
        if e.justification.trim().is_empty() {
            diags.push(
                Diagnostic::error(Code::MissingField, "an exclusion needs a justification")
                    .at(&file, span.clone())
                    .help("say why the obligation does not apply; auditors read it"),
            );
            continue;
        }
        let pattern = e.control.get_ref().trim().to_string();
        if pattern.contains('*') && !pattern.contains(':') {
            let owner = frameworks
                .values()
                .find(|f| f.controls.iter().any(|c| glob_match(&pattern, &c.id)));
            diags.push(
                Diagnostic::error(
                    Code::UnknownControl,
                    format!("exclusion pattern `{pattern}` names no framework"),
                )
                .at(&file, e.control.span())
                .help(match owner {
                    Some(f) => format!("did you mean `{}:{pattern}`?", f.id),
                    None => "write `framework:pattern*`, e.g. `hipaa-security:164.310(*`".into(),
                }),
            );
            continue;
        }
        if pattern.contains('*') {
            let fw = pattern.split_once(':').map(|(f, _)| f).unwrap_or("");
            if !fw.contains('*') && !frameworks.contains_key(fw) {
                let mut d = catalog::unknown_framework(fw, frameworks);
                d.message.insert_str(0, "exclusion pattern names ");
                diags.push(d.at(&file, e.control.span()));
                continue;
            }
        } else if let Err(d) = catalog::resolve_control(&file, &e.control, frameworks) {
            diags.push(d);
            continue;
        }
        exclusions.push(Exclusion {
            pattern,
            justification: e.justification,
            origin: Origin {
                file: Arc::clone(&file),
                span: e.control.span(),
            },
        });
    }

    let h = raw.contract;
    let mut date = |d: &Option<Spanned<String>>, what: &str| {
        let d = d.as_ref()?;
        match crate::date::Date::parse(d.get_ref()) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.push(
                    Diagnostic::error(Code::InvalidValue, format!("`{what}`: {e}"))
                        .at(&file, d.span())
                        .help(
                            "write a real calendar date as YYYY-MM-DD, e.g. `effective = \"2026-03-01\"`",
                        ),
                );
                None
            }
        }
    };
    if let (Some(from), Some(to)) = (date(&h.effective, "effective"), date(&h.expires, "expires")) {
        if to < from {
            let span = h.expires.as_ref().map(Spanned::span).unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    "the contract expires before it takes effect",
                )
                .at(&file, span)
                .help("check `effective` and `expires`"),
            );
        }
    }
    let profile = crate::profile::validate(
        &file,
        frameworks,
        h.client_employees,
        h.notes.clone(),
        raw.provider,
        raw.terms,
        &mut diags,
    );

    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((
        Contract {
            file,
            name: h.name,
            provider: h.provider,
            client: h.client,
            effective: h.effective.map(Spanned::into_inner),
            expires: h.expires.map(Spanned::into_inner),
            notes: h.notes.map(Spanned::into_inner),
            scope,
            deliverables,
            sla,
            exclusions,
            profile,
        },
        diags,
    ))
}

fn select(
    file: &Arc<SourceFile>,
    fw: &Framework,
    raw: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Selection> {
    let mut out = BTreeMap::new();
    for s in &fw.selectors {
        let chosen = match &s.kind {
            SelectorKind::AnyOf { default, always } => {
                let mut v = default.clone();
                v.extend(always.iter().cloned());
                Selection::List(v)
            }
            SelectorKind::Choice { default, .. } => Selection::Choice(default.clone()),
            SelectorKind::Flag { default, .. } => Selection::Flag(*default),
        };
        out.insert(s.name.clone(), chosen);
    }
    for (k, v) in raw {
        let Some(s) = fw.selectors.iter().find(|s| &s.name == k.get_ref()) else {
            let names: Vec<&str> = fw.selectors.iter().map(|s| s.name.as_str()).collect();
            let hint = did_you_mean(k.get_ref(), names.iter().copied());
            diags.push(
                Diagnostic::error(
                    Code::InvalidSelector,
                    format!("`{}` has no selector `{}`", fw.id, k.get_ref()),
                )
                .at(file, k.span())
                .help(match (hint, names.is_empty()) {
                    (Some(h), _) => h,
                    (None, true) => format!("`{}` has no selectors; remove `select`", fw.id),
                    (None, false) => format!("its selectors: {}", names.join(", ")),
                }),
            );
            continue;
        };
        let allowed = || {
            s.values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let bad = |msg: String| {
            let hint = v
                .get_ref()
                .as_str()
                .and_then(|x| did_you_mean(x, s.values.iter().map(String::as_str)));
            Diagnostic::error(Code::InvalidSelector, msg)
                .at(file, v.span())
                .help(hint.unwrap_or_else(|| format!("allowed: {}", allowed())))
        };
        let chosen = match (&s.kind, v.get_ref()) {
            (SelectorKind::AnyOf { always, .. }, toml::Value::Array(items)) => {
                let mut vals: Vec<String> = always.clone();
                let mut ok = true;
                for item in items {
                    match item.as_str() {
                        Some(x) if s.values.iter().any(|a| a == x) => {
                            if !vals.iter().any(|a| a == x) {
                                vals.push(x.to_string());
                            }
                        }
                        _ => {
                            let hint = item
                                .as_str()
                                .and_then(|x| did_you_mean(x, s.values.iter().map(String::as_str)));
                            diags.push(
                                Diagnostic::error(
                                    Code::InvalidSelector,
                                    format!(
                                        "`{}` is not a value of `{}`",
                                        item.as_str()
                                            .map_or_else(|| item.to_string(), str::to_string),
                                        s.name
                                    ),
                                )
                                .at(file, v.span())
                                .help(hint.unwrap_or_else(|| format!("allowed: {}", allowed()))),
                            );
                            ok = false;
                        }
                    }
                }
                if !ok {
                    continue;
                }
                Selection::List(vals)
            }
            (SelectorKind::Choice { options, .. }, value) => {
                let as_text = match value {
                    toml::Value::String(x) => x.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    other => other.to_string(),
                };
                if !options.contains_key(&as_text) {
                    diags.push(bad(format!("`{as_text}` is not an option of `{}`", s.name)));
                    continue;
                }
                Selection::Choice(as_text)
            }
            (SelectorKind::Flag { .. }, toml::Value::Boolean(b)) => Selection::Flag(*b),
            (SelectorKind::Flag { .. }, _) => {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidSelector,
                        format!("`{}` takes `true` or `false`", s.name),
                    )
                    .at(file, v.span()),
                );
                continue;
            }
            (SelectorKind::AnyOf { .. }, _) => {
                diags.push(bad(format!(
                    "`{}` takes a list, e.g. [\"security\"]",
                    s.name
                )));
                continue;
            }
        };
        out.insert(s.name.clone(), chosen);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match(
            "hipaa-security:164.310(*",
            "hipaa-security:164.310(a)(1)"
        ));
        assert!(!glob_match(
            "hipaa-security:164.310(*",
            "hipaa-security:164.312(b)"
        ));
        assert!(glob_match("pci-dss-4.0.1:*", "pci-dss-4.0.1:1.1.1"));
        assert!(glob_match("*:A3.*", "pci-dss-4.0.1:A3.1.1"));
        assert!(glob_match("x", "x"));
        assert!(!glob_match("x", "xy"));
        assert!(glob_match("a*b*c", "abxxc"));
        assert!(!glob_match("a*b*c", "acb"));
    }
}
