//! The due-diligence checklist: its file format (`frameworks/checklist.toml`,
//! top-level table `[checklist]`), validation, and the evaluation of each
//! item against a contract.
//!
//! An item names the contract fields that decide it (`provider.soc_hours`,
//! `sla.mttd`, `provides.notification_time`, ...; see
//! [`crate::profile::field_kind`]) and a rule. Each item evaluates to `met`,
//! `missing` (stated, and falls short) or `not_stated`, with the field, the
//! value and the `file:line` that decided it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::contract::Contract;
use crate::date::Date;
use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, SourceFile};
use crate::model::{qualify, Catalog, Deliverable, Framework, Origin};
use crate::param::{Op, Value};
use crate::profile::{field_kind, field_paths, FactValue, FieldKind};

// ---------------------------------------------------------------- file model

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChecklistFile {
    checklist: RawHeader,
    #[serde(default)]
    section: Vec<Spanned<RawSection>>,
    #[serde(default)]
    item: Vec<Spanned<RawItem>>,
    #[serde(default)]
    flag: Vec<Spanned<RawFlag>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    name: String,
    version: String,
    publisher: String,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    section: Spanned<String>,
    title: String,
    rule: Spanned<String>,
    #[serde(default)]
    fields: Vec<Spanned<String>>,
    #[serde(default)]
    deliverables: Vec<Spanned<String>>,
    max_age: Option<Spanned<String>>,
    #[serde(default)]
    severities: Vec<String>,
    #[serde(default)]
    when_in_scope: Vec<Spanned<String>>,
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlag {
    id: Spanned<String>,
    title: String,
    explanation: String,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    area: Vec<RawArea>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    name: String,
    keywords: Vec<String>,
}

/// Parse the text of a `[checklist]` file (before validation).
pub(crate) fn parse(file: &Arc<SourceFile>) -> Result<ChecklistFile, Diagnostic> {
    toml::from_str(&file.text).map_err(|e| crate::diag::from_toml_error(file, &e))
}

// -------------------------------------------------------------- clean model

/// The validated checklist.
#[derive(Debug, Clone, Default)]
pub struct Checklist {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Publisher.
    pub publisher: String,
    /// Notes.
    pub notes: Option<String>,
    /// Sections in file order.
    pub sections: Vec<Section>,
    /// Items in file order.
    pub items: Vec<Item>,
    /// Flag texts and patterns by id.
    pub flags: BTreeMap<String, FlagDef>,
}

/// A section of the checklist.
#[derive(Debug, Clone)]
pub struct Section {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
}

/// How an item is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Met when a field affirms (true, non-empty) or a listed deliverable is
    /// in the contract; missing when fields are stated but none affirms.
    Stated,
    /// Met when every field affirms; missing when only some do.
    AllStated,
    /// A date no older than this many calendar months at the assessment date.
    MaxAge {
        /// Months.
        months: i32,
    },
    /// A list of framework ids that includes every framework in scope.
    CoversScope,
    /// The first field must be true when a `when_in_scope` framework is in
    /// scope; otherwise any field true.
    Agreement {
        /// Frameworks that demand the first field.
        when_in_scope: Vec<String>,
    },
    /// A severity table with every listed severity; a fallback field stated
    /// instead is missing.
    PerSeverity {
        /// Severities that must have a value.
        severities: Vec<String>,
    },
    /// A duration no longer than the tightest deadline of the frameworks in
    /// scope (catalog demands on the same parameter plus `[[framework.deadline]]`).
    Deadline,
}

impl Rule {
    /// The words of the file format.
    pub const WORDS: &'static [&'static str] = &[
        "stated",
        "all_stated",
        "max_age",
        "covers_scope",
        "agreement",
        "per_severity",
        "deadline",
    ];
}

/// One checklist item.
#[derive(Debug, Clone)]
pub struct Item {
    /// Id.
    pub id: String,
    /// Section id.
    pub section: String,
    /// Short title, our own words.
    pub title: String,
    /// Rule.
    pub rule: Rule,
    /// Field paths, in order of preference.
    pub fields: Vec<String>,
    /// Catalog deliverables whose presence satisfies the item.
    pub deliverables: Vec<String>,
    /// Why it matters.
    pub why: String,
    /// Where it is defined.
    pub origin: Origin,
}

/// A flag's text and, for text scans, its patterns.
#[derive(Debug, Clone)]
pub struct FlagDef {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Why it matters.
    pub explanation: String,
    /// Word-stem sequences, each tokenized.
    pub patterns: Vec<Vec<String>>,
    /// Responsibility areas with keywords.
    pub areas: Vec<Area>,
}

/// An area of responsibility the client keeps, with keywords that name it.
#[derive(Debug, Clone)]
pub struct Area {
    /// Name.
    pub name: String,
    /// Lower-case keyword stems.
    pub keywords: Vec<String>,
}

fn months(s: &str) -> Result<i32, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i32 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a number of months or years, such as `12 months`"))?;
    match unit.trim() {
        "month" | "months" => Ok(n),
        "year" | "years" => n
            .checked_mul(12)
            .ok_or_else(|| format!("`{s}` is too long")),
        other => Err(format!(
            "`{s}` has the unit `{other}`: calendar ages are in months or years"
        )),
    }
}

/// Validate a parsed checklist file.
pub(crate) fn validate(
    file: &Arc<SourceFile>,
    raw: ChecklistFile,
    frameworks: &BTreeMap<String, Framework>,
    deliverables: &BTreeMap<String, Deliverable>,
    diags: &mut Diagnostics,
) -> Option<Checklist> {
    let before = diags.error_count();
    let origin = |span: Range<usize>| Origin {
        file: Arc::clone(file),
        span,
    };
    let mut sections: Vec<Section> = Vec::new();
    for s in raw.section {
        let s = s.into_inner();
        if sections.iter().any(|x| &x.id == s.id.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("section `{}` is defined twice", s.id.get_ref()),
                )
                .at(file, s.id.span()),
            );
            continue;
        }
        sections.push(Section {
            id: s.id.into_inner(),
            title: s.title,
        });
    }
    let paths = field_paths();
    let mut items: Vec<Item> = Vec::new();
    for it in raw.item {
        let span = it.span();
        let it = it.into_inner();
        let item_errors = diags.error_count();
        if items.iter().any(|x| &x.id == it.id.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("checklist item `{}` is defined twice", it.id.get_ref()),
                )
                .at(file, it.id.span()),
            );
        }
        if !sections.iter().any(|s| &s.id == it.section.get_ref()) {
            let hint = did_you_mean(it.section.get_ref(), sections.iter().map(|s| s.id.as_str()));
            diags.push(
                Diagnostic::error(
                    Code::MissingField,
                    format!(
                        "item `{}` names section `{}`, which is not defined",
                        it.id.get_ref(),
                        it.section.get_ref()
                    ),
                )
                .at(file, it.section.span())
                .help(hint.unwrap_or_else(|| "define it in a [[section]] before the items".into())),
            );
        }
        let mut kinds = Vec::new();
        for fpath in &it.fields {
            match field_kind(fpath.get_ref()) {
                Some(k) => kinds.push(k),
                None => {
                    let hint = did_you_mean(fpath.get_ref(), paths.iter().map(String::as_str));
                    diags.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{}` is not a contract field the assessment can read", fpath.get_ref()),
                        )
                        .at(file, fpath.span())
                        .label("unknown field path")
                        .help(hint.unwrap_or_else(|| {
                            "fields are `provider.*`, `terms.*`, `contract.client_employees`, `sla.*` or `provides.PARAM`; see docs/data-format.md".into()
                        })),
                    );
                }
            }
        }
        for d in &it.deliverables {
            if !deliverables.contains_key(d.get_ref()) {
                let hint = did_you_mean(d.get_ref(), deliverables.keys().map(String::as_str));
                diags.push(
                    Diagnostic::error(
                        Code::UnknownDeliverable,
                        format!("the catalog has no deliverable `{}`", d.get_ref()),
                    )
                    .at(file, d.span())
                    .help(
                        hint.unwrap_or_else(|| "`ctrlmap deliverables` lists the catalog".into()),
                    ),
                );
            }
        }
        let mut when = Vec::new();
        for w in &it.when_in_scope {
            if frameworks.contains_key(w.get_ref()) {
                when.push(w.get_ref().clone());
            } else {
                diags.push(
                    crate::catalog::unknown_framework(w.get_ref(), frameworks).at(file, w.span()),
                );
            }
        }
        let need = |ok: bool, what: &str, diags: &mut Diagnostics| {
            if !ok {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!(
                            "rule `{}` of item `{}` needs {what}",
                            it.rule.get_ref(),
                            it.id.get_ref()
                        ),
                    )
                    .at(file, it.rule.span()),
                );
            }
        };
        let fields_known = kinds.len() == it.fields.len();
        let rule = match it.rule.get_ref().as_str() {
            "stated" => {
                need(
                    !it.fields.is_empty() || !it.deliverables.is_empty(),
                    "at least one field or deliverable",
                    diags,
                );
                Some(Rule::Stated)
            }
            "all_stated" => {
                need(it.fields.len() >= 2, "two or more fields", diags);
                Some(Rule::AllStated)
            }
            "max_age" => {
                need(
                    fields_known && kinds == [FieldKind::Date],
                    "exactly one date field",
                    diags,
                );
                match &it.max_age {
                    None => {
                        need(false, "`max_age`, such as \"12 months\"", diags);
                        None
                    }
                    Some(m) => match months(m.get_ref()) {
                        Ok(n) if n > 0 => Some(Rule::MaxAge { months: n }),
                        Ok(_) => {
                            need(false, "a positive `max_age`", diags);
                            None
                        }
                        Err(e) => {
                            diags.push(Diagnostic::error(Code::InvalidParam, e).at(file, m.span()));
                            None
                        }
                    },
                }
            }
            "covers_scope" => {
                need(
                    fields_known && kinds == [FieldKind::Frameworks],
                    "exactly one field listing framework ids",
                    diags,
                );
                Some(Rule::CoversScope)
            }
            "agreement" => {
                need(
                    fields_known
                        && !kinds.is_empty()
                        && kinds.iter().all(|k| *k == FieldKind::Bool),
                    "one or more true/false fields",
                    diags,
                );
                Some(Rule::Agreement {
                    when_in_scope: when,
                })
            }
            "per_severity" => {
                need(fields_known && kinds.first() == Some(&FieldKind::Severities), "a severity table (`sla.mttd`, `sla.mttr`, `sla.escalation`) as its first field", diags);
                need(
                    !it.severities.is_empty(),
                    "`severities`, such as [\"critical\", \"high\"]",
                    diags,
                );
                Some(Rule::PerSeverity {
                    severities: it.severities.clone(),
                })
            }
            "deadline" => {
                need(
                    fields_known
                        && !kinds.is_empty()
                        && kinds.iter().all(|k| *k == FieldKind::Duration),
                    "one or more duration fields",
                    diags,
                );
                Some(Rule::Deadline)
            }
            _ => {
                diags.push(crate::catalog::bad_word(
                    file,
                    "checklist rule",
                    &it.rule,
                    Rule::WORDS,
                ));
                None
            }
        };
        if it.max_age.is_some() && it.rule.get_ref() != "max_age" {
            need(false, "no `max_age` (only `max_age` rules take one)", diags);
        }
        if diags.error_count() > item_errors {
            continue;
        }
        let Some(rule) = rule else { continue };
        items.push(Item {
            id: it.id.into_inner(),
            section: it.section.into_inner(),
            title: it.title,
            rule,
            fields: it.fields.into_iter().map(Spanned::into_inner).collect(),
            deliverables: it
                .deliverables
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            why: it.why,
            origin: origin(span),
        });
    }

    let mut flags = BTreeMap::new();
    for fl in raw.flag {
        let fl = fl.into_inner();
        if !super::flags::FLAG_IDS.contains(&fl.id.get_ref().as_str()) {
            diags.push(crate::catalog::bad_word(
                file,
                "flag id",
                &fl.id,
                super::flags::FLAG_IDS,
            ));
            continue;
        }
        if flags.contains_key(fl.id.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("flag `{}` is defined twice", fl.id.get_ref()),
                )
                .at(file, fl.id.span()),
            );
            continue;
        }
        let mut patterns = Vec::new();
        for p in &fl.patterns {
            let t = super::flags::tokens(p.get_ref());
            if t.is_empty() {
                diags.push(
                    Diagnostic::error(Code::InvalidValue, "a pattern needs at least one word")
                        .at(file, p.span()),
                );
                continue;
            }
            patterns.push(t);
        }
        let areas = fl
            .area
            .into_iter()
            .map(|a| Area {
                name: a.name,
                keywords: a.keywords.iter().map(|k| k.to_lowercase()).collect(),
            })
            .collect();
        flags.insert(
            fl.id.get_ref().clone(),
            FlagDef {
                id: fl.id.into_inner(),
                title: fl.title,
                explanation: fl.explanation,
                patterns,
                areas,
            },
        );
    }

    if diags.error_count() > before {
        return None;
    }
    let h = raw.checklist;
    Some(Checklist {
        id: h.id.into_inner(),
        name: h.name,
        version: h.version,
        publisher: h.publisher,
        notes: h.notes,
        sections,
        items,
        flags,
    })
}

// --------------------------------------------------------------- evaluation

/// What an item comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The contract satisfies it.
    Met,
    /// The contract states it and falls short.
    Missing,
    /// The contract says nothing about it.
    NotStated,
}

impl Outcome {
    /// The word used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missing => "missing",
            Outcome::NotStated => "not stated",
        }
    }
}

/// An item evaluated against a contract.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    /// Item id.
    pub id: String,
    /// Section id.
    pub section: String,
    /// Item title.
    pub title: String,
    /// Outcome.
    pub outcome: Outcome,
    /// Why, in one sentence.
    pub reason: String,
    /// The field path (or `deliverable:ID`) that decided it.
    pub field: Option<String>,
    /// The value it had.
    pub value: Option<String>,
    /// `file:line` of that value.
    pub at: Option<String>,
}

/// Counts of outcomes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Items.
    pub items: usize,
    /// Met.
    pub met: usize,
    /// Missing.
    pub missing: usize,
    /// Not stated.
    pub not_stated: usize,
}

impl Totals {
    fn add(&mut self, o: Outcome) {
        self.items += 1;
        match o {
            Outcome::Met => self.met += 1,
            Outcome::Missing => self.missing += 1,
            Outcome::NotStated => self.not_stated += 1,
        }
    }
}

/// One section's results.
#[derive(Debug, Clone, Serialize)]
pub struct SectionResult {
    /// Section id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Counts.
    pub totals: Totals,
    /// Items in checklist order.
    pub items: Vec<ItemResult>,
}

/// The checklist evaluated against a contract.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistResult {
    /// Checklist id.
    pub id: String,
    /// Checklist version.
    pub version: String,
    /// Counts over all items.
    pub totals: Totals,
    /// Sections in checklist order.
    pub sections: Vec<SectionResult>,
}

/// A value stated in the contract, as the checklist reads it.
#[derive(Debug, Clone)]
pub struct Stated {
    /// The value.
    pub value: FactValue,
    /// Where.
    pub origin: Origin,
}

/// Read a field path from a contract. `sla.*` reads the `[sla]` table;
/// `provides.PARAM` reads the first value a contract deliverable states
/// (an override, or an inline deliverable's); catalog defaults are not
/// statements of the contract.
pub fn lookup(contract: &Contract, path: &str) -> Option<Stated> {
    if let Some(f) = contract.profile.get(path) {
        return Some(Stated {
            value: f.value.clone(),
            origin: f.origin.clone(),
        });
    }
    let (table, name) = path.split_once('.')?;
    let provided = |p: &crate::model::Provided| Stated {
        value: match &p.value {
            Value::Bool(b) => FactValue::Bool(*b),
            Value::Count(n) => FactValue::Count(*n),
            v => FactValue::Quantity(v.clone()),
        },
        origin: p.origin.clone(),
    };
    match (table, name) {
        ("sla", "mttd" | "mttr" | "escalation") => {
            let m = match name {
                "mttd" => &contract.sla.mttd,
                "mttr" => &contract.sla.mttr,
                _ => &contract.sla.escalation,
            };
            let first = m.values().next()?;
            Some(Stated {
                value: FactValue::Severities(
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.value.clone()))
                        .collect(),
                ),
                origin: first.origin.clone(),
            })
        }
        ("sla", name) => contract.sla.params.get(name).map(provided),
        ("provides", name) => contract.deliverables.iter().find_map(|cd| {
            cd.overrides
                .get(name)
                .or_else(|| {
                    cd.inline
                        .then(|| cd.deliverable.provides.get(name))
                        .flatten()
                })
                .map(provided)
        }),
        _ => None,
    }
}

/// A deadline that applies to a contract.
#[derive(Debug, Clone)]
pub struct AppliedDeadline {
    /// Framework.
    pub framework: String,
    /// The deadline.
    pub time: Value,
    /// What must happen.
    pub what: String,
    /// Its source.
    pub source: String,
}

/// Deadlines on `param` from the frameworks in scope: `at_most` demands of
/// in-scope controls and, for `notification_time`, the frameworks'
/// `[[framework.deadline]]` entries. Sorted,
/// tightest first (ties by framework and source).
pub fn deadlines(catalog: &Catalog, contract: &Contract, param: &str) -> Vec<AppliedDeadline> {
    let mut out = Vec::new();
    for s in &contract.scope {
        let Some(fw) = catalog.frameworks.get(&s.framework) else {
            continue;
        };
        for c in &fw.controls {
            if s.admits(fw, c).is_err() {
                continue;
            }
            for d in c
                .params
                .iter()
                .filter(|d| d.name == param && d.op == Op::AtMost)
            {
                out.push(AppliedDeadline {
                    framework: fw.id.clone(),
                    time: d.value.clone(),
                    what: c.title.clone(),
                    source: format!("{}, {}", d.clause, qualify(&fw.id, &c.id)),
                });
            }
        }
        // The deadlines the framework's rules set for the client
        // (`[[framework.deadline]]`), for the provider's notification time.
        if param == "notification_time" {
            for d in fw.deadlines_for(|c| s.admits(fw, c).is_ok()) {
                if let Some(time) = &d.within {
                    out.push(AppliedDeadline {
                        framework: fw.id.clone(),
                        time: time.clone(),
                        what: format!("notify {}", d.notify),
                        source: d.clause.clone(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| {
        duration_minutes(&a.time)
            .cmp(&duration_minutes(&b.time))
            .then_with(|| a.framework.cmp(&b.framework))
            .then_with(|| a.source.cmp(&b.source))
    });
    out
}

fn duration_minutes(v: &Value) -> u64 {
    match v {
        Value::Duration(m) => *m,
        _ => u64::MAX,
    }
}

struct Ctx<'a> {
    catalog: &'a Catalog,
    contract: &'a Contract,
    as_of: Option<Date>,
}

fn result(item: &Item, outcome: Outcome, reason: String) -> ItemResult {
    ItemResult {
        id: item.id.clone(),
        section: item.section.clone(),
        title: item.title.clone(),
        outcome,
        reason,
        field: None,
        value: None,
        at: None,
    }
}

fn decided(mut r: ItemResult, path: &str, s: &Stated) -> ItemResult {
    r.field = Some(path.to_string());
    r.value = Some(s.value.to_string());
    r.at = Some(s.origin.short());
    r
}

fn fields_text(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl Ctx<'_> {
    fn stated(&self, item: &Item) -> Vec<(String, Stated)> {
        item.fields
            .iter()
            .filter_map(|f| lookup(self.contract, f).map(|s| (f.clone(), s)))
            .collect()
    }

    fn deliverable(&self, item: &Item) -> Option<ItemResult> {
        let cd = self
            .contract
            .deliverables
            .iter()
            .find(|cd| item.deliverables.contains(&cd.deliverable.id))?;
        let mut r = result(
            item,
            Outcome::Met,
            format!(
                "the contract includes `{}` ({})",
                cd.deliverable.id, cd.deliverable.name
            ),
        );
        r.field = Some(format!("deliverable:{}", cd.deliverable.id));
        r.at = Some(cd.origin.short());
        Some(r)
    }

    fn not_stated(&self, item: &Item) -> ItemResult {
        let mut what = fields_text(&item.fields);
        if !item.deliverables.is_empty() {
            let d = item
                .deliverables
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            what = if what.is_empty() {
                format!("no deliverable {d}")
            } else {
                format!("{what}, nor a deliverable {d}")
            };
        }
        result(
            item,
            Outcome::NotStated,
            format!("the contract does not state {what}"),
        )
    }

    fn evaluate(&self, item: &Item) -> ItemResult {
        let stated = self.stated(item);
        match &item.rule {
            Rule::Stated => {
                if let Some((path, s)) = stated.iter().find(|(_, s)| s.value.affirms()) {
                    let r = result(item, Outcome::Met, format!("`{path}` = {}", s.value));
                    return decided(r, path, s);
                }
                if let Some(r) = self.deliverable(item) {
                    return r;
                }
                match stated.first() {
                    Some((path, s)) => {
                        let r = result(
                            item,
                            Outcome::Missing,
                            format!(
                                "`{path}` = {}: stated, but says no or names nothing",
                                s.value
                            ),
                        );
                        decided(r, path, s)
                    }
                    None => self.not_stated(item),
                }
            }
            Rule::AllStated => {
                let lacking: Vec<&String> = item
                    .fields
                    .iter()
                    .filter(|f| !stated.iter().any(|(p, s)| p == *f && s.value.affirms()))
                    .collect();
                match (stated.first(), lacking.is_empty()) {
                    (None, _) => self.not_stated(item),
                    (Some((path, s)), true) => {
                        let values: Vec<String> =
                            stated.iter().map(|(_, s)| s.value.to_string()).collect();
                        let pairs: Vec<String> = stated
                            .iter()
                            .map(|(p, s)| format!("`{p}` = {}", s.value))
                            .collect();
                        let r = result(item, Outcome::Met, pairs.join("; "));
                        let mut r = decided(r, path, s);
                        r.value = Some(values.join("; "));
                        r
                    }
                    (Some((path, s)), false) => {
                        let names: Vec<String> = lacking.iter().map(|f| format!("`{f}`")).collect();
                        let r = result(
                            item,
                            Outcome::Missing,
                            format!(
                                "only part is stated: {} {} missing or empty",
                                names.join(", "),
                                if names.len() == 1 { "is" } else { "are" }
                            ),
                        );
                        decided(r, path, s)
                    }
                }
            }
            Rule::MaxAge { months } => {
                let Some((path, s)) = stated.first() else {
                    return self.not_stated(item);
                };
                let FactValue::Date(date) = s.value else {
                    return self.not_stated(item);
                };
                let Some(as_of) = self.as_of else {
                    let r = result(
                        item,
                        Outcome::NotStated,
                        format!("dated {date}, but no assessment date was given to judge its age (use --as-of)"),
                    );
                    return decided(r, path, s);
                };
                let limit = date.add_months(*months);
                let (outcome, reason) = if date > as_of {
                    (
                        Outcome::Missing,
                        format!("dated {date}, after the assessment date {as_of}; check the date"),
                    )
                } else if as_of <= limit {
                    (
                        Outcome::Met,
                        format!("dated {date}: within {months} months of {as_of} (current until {limit})"),
                    )
                } else {
                    (
                        Outcome::Missing,
                        format!(
                            "dated {date}: more than {months} months before {as_of} (it was current until {limit})"
                        ),
                    )
                };
                decided(result(item, outcome, reason), path, s)
            }
            Rule::CoversScope => {
                let in_scope: Vec<&str> = self
                    .contract
                    .scope
                    .iter()
                    .map(|s| s.framework.as_str())
                    .collect();
                match stated.first() {
                    Some((path, s)) => {
                        let listed: BTreeSet<&str> = match &s.value {
                            FactValue::List(v) => v.iter().map(String::as_str).collect(),
                            _ => BTreeSet::new(),
                        };
                        let lacking: Vec<&str> = in_scope
                            .iter()
                            .copied()
                            .filter(|f| !listed.contains(f))
                            .collect();
                        let r = if lacking.is_empty() && !listed.is_empty() {
                            result(
                                item,
                                Outcome::Met,
                                format!(
                                    "mappings cover every framework in scope ({})",
                                    in_scope.join(", ")
                                ),
                            )
                        } else if lacking.is_empty() {
                            result(
                                item,
                                Outcome::Missing,
                                "no framework mapping is listed".to_string(),
                            )
                        } else {
                            result(
                                item,
                                Outcome::Missing,
                                format!("no mapping for {} in scope", lacking.join(", ")),
                            )
                        };
                        decided(r, path, s)
                    }
                    None => self
                        .deliverable(item)
                        .unwrap_or_else(|| self.not_stated(item)),
                }
            }
            Rule::Agreement { when_in_scope } => {
                let demanding: Vec<&str> = self
                    .contract
                    .scope
                    .iter()
                    .map(|s| s.framework.as_str())
                    .filter(|f| when_in_scope.iter().any(|w| w == f))
                    .collect();
                let first = &item.fields[0];
                if !demanding.is_empty() {
                    match stated.iter().find(|(p, _)| p == first) {
                        Some((path, s)) if s.value.affirms() => decided(
                            result(
                                item,
                                Outcome::Met,
                                format!("available, as {} in scope requires", demanding.join(", ")),
                            ),
                            path,
                            s,
                        ),
                        Some((path, s)) => decided(
                            result(
                                item,
                                Outcome::Missing,
                                format!(
                                    "not available, but {} in scope requires it",
                                    demanding.join(", ")
                                ),
                            ),
                            path,
                            s,
                        ),
                        None => match stated.iter().find(|(_, s)| s.value.affirms()) {
                            Some((path, s)) => decided(
                                result(
                                    item,
                                    Outcome::Missing,
                                    format!(
                                        "`{path}` is available, but {} in scope requires `{first}`",
                                        demanding.join(", ")
                                    ),
                                ),
                                path,
                                s,
                            ),
                            None => {
                                let mut r = self.not_stated(item);
                                r.reason = format!(
                                    "{} (required: {} is in scope)",
                                    r.reason,
                                    demanding.join(", ")
                                );
                                r
                            }
                        },
                    }
                } else if let Some((path, s)) = stated.iter().find(|(_, s)| s.value.affirms()) {
                    decided(
                        result(item, Outcome::Met, format!("`{path}` is available")),
                        path,
                        s,
                    )
                } else if let Some((path, s)) = stated.first() {
                    decided(
                        result(
                            item,
                            Outcome::Missing,
                            "stated as not available".to_string(),
                        ),
                        path,
                        s,
                    )
                } else {
                    self.not_stated(item)
                }
            }
            Rule::PerSeverity { severities } => {
                let first = &item.fields[0];
                match stated.iter().find(|(p, _)| p == first) {
                    Some((path, s)) => {
                        let FactValue::Severities(m) = &s.value else {
                            return self.not_stated(item);
                        };
                        let lacking: Vec<&str> = severities
                            .iter()
                            .filter(|x| !m.contains_key(*x))
                            .map(String::as_str)
                            .collect();
                        let r = if lacking.is_empty() {
                            result(
                                item,
                                Outcome::Met,
                                format!("stated by severity: {}", s.value),
                            )
                        } else {
                            result(
                                item,
                                Outcome::Missing,
                                format!("stated ({}), but not for {}", s.value, lacking.join(", ")),
                            )
                        };
                        decided(r, path, s)
                    }
                    None => match stated.first() {
                        Some((path, s)) => decided(
                            result(
                                item,
                                Outcome::Missing,
                                format!("only a single value ({}), not one per severity", s.value),
                            ),
                            path,
                            s,
                        ),
                        None => self.not_stated(item),
                    },
                }
            }
            Rule::Deadline => {
                let Some((path, s)) = stated.first() else {
                    return self.not_stated(item);
                };
                let FactValue::Quantity(given) = &s.value else {
                    return self.not_stated(item);
                };
                let param = path.rsplit('.').next().unwrap_or(path);
                let all = deadlines(self.catalog, self.contract, param);
                let (outcome, reason) = match all.first() {
                    None => (
                        Outcome::Met,
                        format!("stated ({given}); no framework in scope sets a deadline to compare with"),
                    ),
                    Some(d) => {
                        let (outcome, cmp) = if Op::AtMost.satisfied(given, &d.time) {
                            (Outcome::Met, "<=")
                        } else {
                            (Outcome::Missing, "is longer than")
                        };
                        let reason = format!(
                            "{given} {cmp} {}, the tightest deadline in scope ({}): {} [{}]",
                            d.time, d.framework, d.what, d.source
                        );
                        (outcome, reason)
                    }
                };
                let r = result(item, outcome, reason);
                decided(r, path, s)
            }
        }
    }
}

/// Evaluate every item of the checklist against a contract.
pub fn evaluate(
    catalog: &Catalog,
    checklist: &Checklist,
    contract: &Contract,
    as_of: Option<Date>,
) -> ChecklistResult {
    let ctx = Ctx {
        catalog,
        contract,
        as_of,
    };
    let mut totals = Totals::default();
    let mut sections: Vec<SectionResult> = checklist
        .sections
        .iter()
        .map(|s| SectionResult {
            id: s.id.clone(),
            title: s.title.clone(),
            totals: Totals::default(),
            items: Vec::new(),
        })
        .collect();
    for item in &checklist.items {
        let r = ctx.evaluate(item);
        totals.add(r.outcome);
        if let Some(s) = sections.iter_mut().find(|s| s.id == item.section) {
            s.totals.add(r.outcome);
            s.items.push(r);
        }
    }
    ChecklistResult {
        id: checklist.id.clone(),
        version: checklist.version.clone(),
        totals,
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::months;

    #[test]
    fn ages_in_months() {
        assert_eq!(months("12 months"), Ok(12));
        assert_eq!(months("1 year"), Ok(12));
        assert_eq!(months("2 years"), Ok(24));
        assert!(months("365 days").is_err());
        assert!(months("twelve months").is_err());
    }
}
