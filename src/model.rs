//! The clean data model: frameworks, controls, crosswalks, deliverables and
//! contracts, as they are after loading and validation.
//!
//! **Invariant**: every reference in these types resolves. A [`Catalog`] or
//! [`Contract`](crate::contract::Contract) only exists once validation passed.
//! **Boundary**: this module does no I/O.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::diag::SourceFile;
use crate::param::{Op, Value};

/// Where a value came from: a file and a byte span in it.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte span in the file.
    pub span: std::ops::Range<usize>,
}

impl Origin {
    /// `file:line` for reasons and reports.
    pub fn short(&self) -> String {
        let (line, _) = self.file.line_col(self.span.start);
        format!("{}:{}", self.file.name, line)
    }

    /// 1-based line.
    pub fn line(&self) -> usize {
        self.file.line_col(self.span.start).0
    }
}

/// A framework: a catalog of controls with its provenance.
#[derive(Debug, Clone)]
pub struct Framework {
    /// Short versioned id, e.g. `nist-csf-2.0`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Short name used in reasons (`PCI DSS`, `CSF 2.0`).
    pub short_name: String,
    /// Version of the publication.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Where to get it.
    pub source: String,
    /// Licence note.
    pub licence: String,
    /// Control kinds that count as obligations; empty means "leaves".
    pub obligation_kinds: Vec<String>,
    /// Ways a contract narrows the framework.
    pub selectors: Vec<Selector>,
    /// Regulatory incident-notification deadlines the framework imposes on the client.
    pub deadlines: Vec<Deadline>,
    /// Controls in file order.
    pub controls: Vec<Control>,
    /// Index of `controls` by id.
    pub index: BTreeMap<String, usize>,
    /// The file it came from.
    pub file: Arc<SourceFile>,
}

impl Framework {
    /// A control by its (unqualified) id.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.index.get(id).map(|&i| &self.controls[i])
    }

    /// Is this control counted as an obligation (before scope selection)?
    pub fn is_obligation(&self, c: &Control) -> bool {
        if self.obligation_kinds.is_empty() {
            c.children.is_empty()
        } else {
            self.obligation_kinds.contains(&c.kind)
        }
    }

    /// The deadlines that apply to a client whose scope admits `admits`.
    pub fn deadlines_for<'a>(
        &'a self,
        admits: impl Fn(&Control) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Deadline> + 'a {
        self.deadlines.iter().filter(move |d| {
            d.when_in_scope
                .as_deref()
                .is_none_or(|id| self.control(id).is_some_and(&admits))
        })
    }

    /// Number of obligations before scope selection.
    pub fn obligation_count(&self) -> usize {
        self.controls
            .iter()
            .filter(|c| self.is_obligation(c))
            .count()
    }
}

/// A notification deadline a framework (or the rule behind it) imposes on the client.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    /// Short id, e.g. `dfars-7012-report`.
    pub id: String,
    /// Who the client must notify.
    pub notify: String,
    /// The time allowed from discovery, where the rule fixes one.
    pub within: Option<Value>,
    /// The clause it comes from.
    pub clause: String,
    /// What it asks, in one line.
    pub note: String,
    /// The deadline applies only when this control (unqualified id) is in the
    /// client's scope, e.g. CMMC's DFARS reporting only from Level 2 on.
    pub when_in_scope: Option<String>,
}

/// How a selector filters controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectorKind {
    /// The contract lists values; controls whose attribute is in the list (or
    /// in `always`) are in scope.
    AnyOf {
        /// Always in scope.
        always: Vec<String>,
        /// Used when the contract says nothing.
        default: Vec<String>,
    },
    /// The contract picks one option; the option lists the attribute values in scope.
    Choice {
        /// Option -> attribute values in scope.
        options: BTreeMap<String, Vec<String>>,
        /// Used when the contract says nothing.
        default: String,
    },
    /// Controls whose attribute equals `value` are in scope only when the flag is on.
    Flag {
        /// The attribute value the flag governs.
        value: String,
        /// Used when the contract says nothing.
        default: bool,
    },
}

/// A way to narrow a framework to one client.
#[derive(Debug, Clone)]
pub struct Selector {
    /// Key in the contract's `select` table.
    pub name: String,
    /// The control attribute it reads.
    pub attribute: String,
    /// Allowed values (for `any_of` and `choice`).
    pub values: Vec<String>,
    /// The rule.
    pub kind: SelectorKind,
}

/// A control: an official requirement, or a group node above requirements.
#[derive(Debug, Clone)]
pub struct Control {
    /// Official id within its framework.
    pub id: String,
    /// ctrlmap's own short title.
    pub title: String,
    /// Parent id, if any.
    pub parent: Option<String>,
    /// Children ids in file order.
    pub children: Vec<String>,
    /// Kind word (function, category, requirement, ...).
    pub kind: String,
    /// Attributes for selectors and reports (`requirement`, `level`,
    /// `category`, `applies_to`, ...), as strings.
    pub attributes: BTreeMap<String, String>,
    /// Official cross-citation.
    pub reference: Option<String>,
    /// PCI DSS: future-dated until 2025-03-31.
    pub future_dated: bool,
    /// Date it became mandatory.
    pub effective_from: Option<String>,
    /// The id it had in an earlier version of the catalog.
    pub renamed_from: Option<String>,
    /// Quantitative demands.
    pub params: Vec<Demand>,
    /// Where it is defined.
    pub origin: Origin,
}

/// A quantitative demand a control makes.
#[derive(Debug, Clone)]
pub struct Demand {
    /// Parameter name from the vocabulary.
    pub name: String,
    /// Comparison.
    pub op: Op,
    /// Demanded value.
    pub value: Value,
    /// The clause it comes from.
    pub clause: String,
}

/// Set relation of a crosswalk edge, after NIST IR 8477.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Same requirement.
    Equal,
    /// `from` is narrower than `to`.
    SubsetOf,
    /// `from` is broader than `to`.
    SupersetOf,
    /// They overlap; neither contains the other.
    Intersects,
    /// Related in topic; no set claim.
    Related,
}

impl Relation {
    /// The allowed words.
    pub const WORDS: &'static [&'static str] =
        &["equal", "subset_of", "superset_of", "intersects", "related"];

    /// Parse the TOML word.
    pub fn parse(s: &str) -> Option<Relation> {
        Some(match s {
            "equal" => Relation::Equal,
            "subset_of" => Relation::SubsetOf,
            "superset_of" => Relation::SupersetOf,
            "intersects" => Relation::Intersects,
            "related" => Relation::Related,
            _ => return None,
        })
    }

    /// The relation read from `to` towards `from`.
    pub fn inverse(self) -> Relation {
        match self {
            Relation::SubsetOf => Relation::SupersetOf,
            Relation::SupersetOf => Relation::SubsetOf,
            r => r,
        }
    }

    /// The TOML word.
    pub fn as_str(self) -> &'static str {
        Relation::WORDS[self as usize]
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A crosswalk: edges between two frameworks from one source publication.
#[derive(Debug, Clone)]
pub struct Crosswalk {
    /// Short id.
    pub id: String,
    /// Framework of every edge's `from`.
    pub from: String,
    /// Framework of every edge's `to`.
    pub to: String,
    /// Citation of the source publication, or `ctrlmap`.
    pub source: String,
    /// Publisher; `ctrlmap` for our own judgement.
    pub publisher: String,
    /// Title of the publication.
    pub title: String,
    /// Year.
    pub year: Option<i64>,
    /// Link.
    pub url: Option<String>,
    /// How the data was derived.
    pub notes: Option<String>,
    /// The edges.
    pub edges: Vec<CrosswalkEdge>,
    /// The file it came from.
    pub file: Arc<SourceFile>,
}

impl Crosswalk {
    /// Is this crosswalk ctrlmap's own judgement rather than an official mapping?
    pub fn is_judgement(&self) -> bool {
        self.publisher.eq_ignore_ascii_case("ctrlmap")
    }

    /// How a crosswalk is cited in explanations.
    pub fn source_label(&self) -> String {
        if self.is_judgement() {
            format!("ctrlmap judgement `{}`, not an official mapping", self.id)
        } else {
            self.source.clone()
        }
    }
}

/// One crosswalk edge, `from relation to`.
#[derive(Debug, Clone)]
pub struct CrosswalkEdge {
    /// Qualified id of the source control.
    pub from: String,
    /// Qualified id of the target control.
    pub to: String,
    /// Set relation.
    pub relation: Relation,
    /// Why (required for judgement edges).
    pub rationale: Option<String>,
    /// Where it is defined.
    pub origin: Origin,
}

/// How much of a control a deliverable meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    /// Part of the control.
    Partial,
    /// The whole control.
    Full,
}

impl Degree {
    /// Parse the TOML word.
    pub fn parse(s: &str) -> Option<Degree> {
        match s {
            "full" => Some(Degree::Full),
            "partial" => Some(Degree::Partial),
            _ => None,
        }
    }

    /// The allowed words.
    pub const WORDS: &'static [&'static str] = &["full", "partial"];

    /// The TOML word.
    pub fn as_str(self) -> &'static str {
        match self {
            Degree::Full => "full",
            Degree::Partial => "partial",
        }
    }
}

/// Who carries a control that a deliverable meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// Provider and client both act.
    Shared,
    /// The provider alone.
    Provider,
}

impl Responsibility {
    /// Parse the TOML word.
    pub fn parse(s: &str) -> Option<Responsibility> {
        match s {
            "provider" => Some(Responsibility::Provider),
            "shared" => Some(Responsibility::Shared),
            _ => None,
        }
    }

    /// The allowed words.
    pub const WORDS: &'static [&'static str] = &["provider", "shared"];

    /// The TOML word.
    pub fn as_str(self) -> &'static str {
        match self {
            Responsibility::Provider => "provider",
            Responsibility::Shared => "shared",
        }
    }
}

/// A deliverable meets a control (to a degree, with a responsibility).
#[derive(Debug, Clone)]
pub struct Implements {
    /// Qualified control id.
    pub control: String,
    /// Degree.
    pub degree: Degree,
    /// Responsibility.
    pub responsibility: Responsibility,
    /// Why.
    pub rationale: String,
    /// Where it is defined.
    pub origin: Origin,
}

/// An evidence artifact a deliverable produces.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// What the auditor receives.
    pub name: String,
    /// How often.
    pub frequency: String,
    /// File format or channel.
    pub format: String,
    /// Who produces it.
    pub owner: String,
}

/// A value a deliverable provides, with where it was stated.
#[derive(Debug, Clone)]
pub struct Provided {
    /// The typed value.
    pub value: Value,
    /// Where it was stated.
    pub origin: Origin,
}

/// An MSSP deliverable: a unit of service with the controls it meets.
#[derive(Debug, Clone)]
pub struct Deliverable {
    /// Kebab-case id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Service domain.
    pub domain: String,
    /// Operational layer.
    pub layer: Option<String>,
    /// One sentence.
    pub description: Option<String>,
    /// Parameter values it provides.
    pub provides: BTreeMap<String, Provided>,
    /// Controls it meets.
    pub implements: Vec<Implements>,
    /// Evidence it produces.
    pub evidence: Vec<Evidence>,
    /// Where it is defined.
    pub origin: Origin,
}

/// The deliverable catalog's header.
#[derive(Debug, Clone)]
pub struct DeliverableCatalogInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Publisher.
    pub publisher: String,
}

/// All loaded catalog data, validated.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Frameworks by id.
    pub frameworks: BTreeMap<String, Framework>,
    /// Crosswalks by id.
    pub crosswalks: BTreeMap<String, Crosswalk>,
    /// Deliverables by id.
    pub deliverables: BTreeMap<String, Deliverable>,
    /// Header of the deliverable catalog.
    pub deliverable_catalog: Option<DeliverableCatalogInfo>,
    /// The provider due-diligence checklist (`[checklist]` file).
    pub checklist: Option<crate::assess::Checklist>,
}

impl Catalog {
    /// Resolve a qualified id `framework:control`.
    pub fn control(&self, qualified: &str) -> Option<(&Framework, &Control)> {
        let (fw, id) = qualified.split_once(':')?;
        let f = self.frameworks.get(fw)?;
        Some((f, f.control(id)?))
    }
}

/// The valid service domains of a deliverable.
pub const DOMAINS: &[&str] = &[
    "monitoring",
    "detection",
    "response",
    "vulnerability",
    "compliance",
    "tooling",
    "threat_intel",
    "cloud",
];

/// The valid operational layers of a deliverable.
pub const LAYERS: &[&str] = &["ingestion", "detection", "triage", "reporting"];

/// Join a framework id and a control id.
pub fn qualify(framework: &str, control: &str) -> String {
    format!("{framework}:{control}")
}
