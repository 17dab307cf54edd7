//! The report model and its renderers.
//!
//! [`Report`] is plain serializable data built from a contract and its
//! [`Coverage`]; the terminal table, JSON and every template render this one
//! model, so formats never disagree.

pub mod documents;
pub mod templates;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::contract::Contract;
use crate::coverage::{Coverage, FrameworkCoverage, Recommendation, Status};
use crate::model::{Catalog, Evidence};

/// The version of ctrlmap, stamped into every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything a renderer needs.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// ctrlmap's version.
    pub ctrlmap_version: &'static str,
    /// The contract.
    pub contract: ContractInfo,
    /// Coverage per framework in scope.
    pub frameworks: Vec<FrameworkCoverage>,
    /// Deliverables that would close the most gaps, greedy order.
    pub recommendations: Vec<Recommendation>,
    /// Crosswalks that the explanations cite.
    pub crosswalks: Vec<CrosswalkInfo>,
    /// The provider assessment: checklist, tier, provider type, flags.
    pub assessment: crate::assess::Assessment,
}

/// The contract as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct ContractInfo {
    /// Agreement name.
    pub name: String,
    /// The MSSP.
    pub provider: String,
    /// The client.
    pub client: String,
    /// Start date.
    pub effective: Option<String>,
    /// End date.
    pub expires: Option<String>,
    /// The contract file as given.
    pub file: String,
    /// Deliverables in contract order.
    pub deliverables: Vec<DeliverableInfo>,
    /// Contract-wide service levels, as text.
    pub sla: BTreeMap<String, String>,
    /// Mean time to detect by severity.
    pub mttd: BTreeMap<String, String>,
    /// Mean time to respond by severity.
    pub mttr: BTreeMap<String, String>,
    /// Time to escalate to the client by severity.
    pub escalation: BTreeMap<String, String>,
    /// Exclusions with their justification.
    pub exclusions: Vec<ExclusionInfo>,
}

/// A contract deliverable as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliverableInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Service domain.
    pub domain: String,
    /// Operational layer.
    pub layer: Option<String>,
    /// Defined in the contract rather than the catalog.
    pub inline: bool,
    /// Effective parameter values (contract overrides applied).
    pub provides: BTreeMap<String, String>,
    /// Evidence it produces.
    pub evidence: Vec<Evidence>,
}

/// An exclusion as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct ExclusionInfo {
    /// Pattern or qualified id.
    pub control: String,
    /// Why.
    pub justification: String,
    /// How many obligations in scope it marks not applicable.
    pub excludes: usize,
}

/// A crosswalk cited by the report.
#[derive(Debug, Clone, Serialize)]
pub struct CrosswalkInfo {
    /// Id.
    pub id: String,
    /// Citation.
    pub source: String,
    /// Publisher.
    pub publisher: String,
    /// Our own judgement rather than an official mapping.
    pub judgement: bool,
    /// Link.
    pub url: Option<String>,
}

impl Report {
    /// Build the report model without an assessment date (date-dependent
    /// checklist items are `not_stated`).
    pub fn new(catalog: &Catalog, contract: &Contract, coverage: Coverage) -> Report {
        Report::new_as_of(catalog, contract, coverage, None)
    }

    /// Build the report model, judging the assessment's dates at `as_of`.
    pub fn new_as_of(
        catalog: &Catalog,
        contract: &Contract,
        coverage: Coverage,
        as_of: Option<crate::date::Date>,
    ) -> Report {
        let deliverables = contract
            .deliverables
            .iter()
            .map(|cd| {
                let d = &cd.deliverable;
                let mut provides: BTreeMap<String, String> = BTreeMap::new();
                let names = d.provides.keys().chain(cd.overrides.keys());
                for name in names {
                    if let Some((p, _)) = contract.provided(cd, name) {
                        provides.insert(name.clone(), p.value.to_string());
                    }
                }
                DeliverableInfo {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    domain: d.domain.clone(),
                    layer: d.layer.clone(),
                    inline: cd.inline,
                    provides,
                    evidence: d.evidence.clone(),
                }
            })
            .collect();
        let text = |m: &BTreeMap<String, crate::model::Provided>| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.value.to_string()))
                .collect()
        };
        let mut cited: Vec<&str> = coverage
            .frameworks
            .iter()
            .flat_map(|f| &f.controls)
            .flat_map(|c| &c.via)
            .flat_map(|ch| &ch.steps)
            .filter_map(|s| match s {
                crate::coverage::Step::Crosswalk { crosswalk, .. } => Some(crosswalk.as_str()),
                _ => None,
            })
            .collect();
        cited.sort();
        cited.dedup();
        let crosswalks = cited
            .into_iter()
            .filter_map(|id| catalog.crosswalks.get(id))
            .map(|cw| CrosswalkInfo {
                id: cw.id.clone(),
                source: cw.source.clone(),
                publisher: cw.publisher.clone(),
                judgement: cw.is_judgement(),
                url: cw.url.clone(),
            })
            .collect();
        Report {
            ctrlmap_version: VERSION,
            contract: ContractInfo {
                name: contract.name.clone(),
                provider: contract.provider.clone(),
                client: contract.client.clone(),
                effective: contract.effective.clone(),
                expires: contract.expires.clone(),
                file: contract.file.name.clone(),
                deliverables,
                sla: text(&contract.sla.params),
                mttd: text(&contract.sla.mttd),
                mttr: text(&contract.sla.mttr),
                escalation: text(&contract.sla.escalation),
                exclusions: contract
                    .exclusions
                    .iter()
                    .zip(&coverage.exclusion_counts)
                    .map(|(e, n)| ExclusionInfo {
                        control: e.pattern.clone(),
                        justification: e.justification.clone(),
                        excludes: *n,
                    })
                    .collect(),
            },
            frameworks: coverage.frameworks,
            recommendations: coverage.recommendations,
            crosswalks,
            assessment: crate::assess::assess(catalog, contract, as_of),
        }
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("report model serializes");
        s.push('\n');
        s
    }

    /// The terminal table: one row per framework.
    pub fn to_table(&self) -> String {
        let mut rows: Vec<[String; 8]> = vec![[
            "framework".into(),
            "obligations".into(),
            "covered".into(),
            "shared".into(),
            "partial".into(),
            "gap".into(),
            "n/a".into(),
            "coverage".into(),
        ]];
        for f in &self.frameworks {
            let t = &f.totals;
            rows.push([
                f.id.clone(),
                t.obligations.to_string(),
                t.covered.to_string(),
                t.shared.to_string(),
                t.partial.to_string(),
                t.gap.to_string(),
                t.not_applicable.to_string(),
                percent(t.coverage_pct),
            ]);
        }
        let widths: Vec<usize> = (0..8)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} -> {} ({})",
            self.contract.provider, self.contract.client, self.contract.name
        );
        for (n, r) in rows.iter().enumerate() {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i == 0 {
                    let _ = write!(line, "{cell:<w$}", w = widths[i]);
                } else {
                    let _ = write!(line, "  {cell:>w$}", w = widths[i]);
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
            if n == 0 {
                let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
                let _ = writeln!(out, "{}", "-".repeat(total));
            }
        }
        let _ = writeln!(out, "coverage = (covered + shared) / (obligations - n/a)");
        for f in &self.frameworks {
            for n in &f.notification {
                let _ = writeln!(out, "notification [{}]: {}", n.outcome, n.text);
            }
        }
        out
    }
}

/// `83.3%`, or `-` when nothing is applicable.
pub fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

/// A status as people read it.
pub fn status_label(s: &str) -> &'static str {
    match s {
        "covered" => "Covered by provider",
        "shared" => "Shared",
        "partial" => "Partly covered",
        "gap" => "Gap (client)",
        "not_applicable" => "Not applicable",
        _ => "Unknown",
    }
}

/// Counts of obligations by status over all frameworks.
pub fn overall(report: &Report) -> BTreeMap<Status, usize> {
    let mut m = BTreeMap::new();
    for f in &report.frameworks {
        for c in f.controls.iter().filter(|c| c.obligation) {
            *m.entry(c.status).or_insert(0) += 1;
        }
    }
    m
}
