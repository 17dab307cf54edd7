//! Views for the audit documents, derived from the [`Report`] alone.
//!
//! The template context is the report model (the same fields as JSON) plus
//! three views computed here, so that templates stay simple loops:
//!
//! - `matrix`: the responsibility matrix, one row per obligation in scope:
//!   who does it (provider, shared, client), through which deliverables and
//!   how, and what the client must still do. Its shape follows what PCI DSS
//!   12.8.5 asks a customer to keep per service provider and a FedRAMP
//!   customer responsibility matrix.
//! - `evidence_requests`: the audit-evidence request list: per contract
//!   deliverable, the artifacts it produces and the obligations they prove;
//!   then what the client must evidence itself.
//! - `heatmap`: frameworks against service domains: how many applicable
//!   obligations the contract's deliverables of each domain reach.
//!
//! A deliverable *carries* an obligation when one of its chains has the
//! obligation's own status (a covered obligation is carried by its covered
//! chains, not by a partial one that also reaches it). The matrix and the
//! evidence list name only carrying deliverables; the heat map counts any
//! chain.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Report;
use crate::coverage::{Chain, Comparison, ControlVerdict, Outcome, Status, Step};
use crate::model::{Evidence, Relation, DOMAINS};

/// What a template receives: the report model plus the derived views.
#[derive(Debug, Clone, Serialize)]
pub struct Context<'a> {
    /// The report model, flattened: `ctrlmap_version`, `contract`,
    /// `frameworks`, `recommendations`, `crosswalks`.
    #[serde(flatten)]
    pub report: &'a Report,
    /// The responsibility matrix, per framework.
    pub matrix: Vec<MatrixSection>,
    /// The audit-evidence request list.
    pub evidence_requests: EvidenceRequests,
    /// Frameworks against service domains.
    pub heatmap: Heatmap,
}

impl<'a> Context<'a> {
    /// Compute the views for a report.
    pub fn new(report: &'a Report) -> Context<'a> {
        Context {
            report,
            matrix: matrix(report),
            evidence_requests: evidence_requests(report),
            heatmap: heatmap(report),
        }
    }
}

/// The top-level fields a template sees, with one line each
/// (`ctrlmap templates list` prints them).
pub const CONTEXT_FIELDS: &[(&str, &str)] = &[
    ("ctrlmap_version", "version of ctrlmap that made the report"),
    (
        "contract",
        "name, provider, client, effective, expires, file, deliverables[] (id, name, domain, layer, inline, provides, evidence[]: name, format, frequency, owner), sla, mttd, mttr, exclusions[]",
    ),
    (
        "frameworks[]",
        "id, name, version, publisher, selection, totals (obligations, covered, shared, partial, gap, not_applicable, coverage_pct), controls[] (id, title, kind, parent, status, leaf, obligation, attributes, via[], reasons, would_close), out_of_scope[]",
    ),
    (
        "recommendations[]",
        "greedy set cover over gaps and partials: deliverable, name, domain, closes[]",
    ),
    (
        "crosswalks[]",
        "crosswalks the chains cite: id, source, publisher, judgement, url",
    ),
    (
        "matrix[]",
        "per framework (framework, name, version, rows[]): one row per obligation with control, short_id, title, status, responsibility (provider|shared|client|not_applicable), deliverables[] (id, name, status, hops, implements, how), client_must[], would_close[]",
    ),
    (
        "evidence_requests",
        "by_deliverable[] (deliverable, name, domain, artifacts[], proves[]: framework, control, title, status; reaches), client[] (framework, control, title, status, produce)",
    ),
    (
        "heatmap",
        "domains[], rows[] (framework, name, applicable, cells[]: domain, deliverables, reached, full, pct, level 0-4)",
    ),
];

/// The responsibility matrix of one framework.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixSection {
    /// Framework id.
    pub framework: String,
    /// Framework name.
    pub name: String,
    /// Framework version.
    pub version: String,
    /// One row per obligation, in catalog order.
    pub rows: Vec<MatrixRow>,
}

/// One obligation in the responsibility matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// Framework id.
    pub framework: String,
    /// Qualified control id.
    pub control: String,
    /// Control id without the framework.
    pub short_id: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: Status,
    /// `provider` (covered), `shared` (shared or partial), `client` (gap),
    /// `not_applicable` (excluded).
    pub responsibility: &'static str,
    /// Deliverables that carry the status, best first.
    pub deliverables: Vec<MatrixDeliverable>,
    /// What the client must still do, one item each (empty when covered).
    pub client_must: Vec<String>,
    /// Catalog deliverables not in the contract that would raise it.
    pub would_close: Vec<String>,
}

/// A deliverable in a matrix row.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixDeliverable {
    /// Deliverable id.
    pub id: String,
    /// Deliverable name.
    pub name: String,
    /// Status this deliverable alone gives.
    pub status: Status,
    /// Crosswalk hops (0 = direct).
    pub hops: usize,
    /// The control its `implements` edge names.
    pub implements: String,
    /// How it meets the obligation: the edge's rationale, or the crosswalk path.
    pub how: String,
}

/// The audit-evidence request list.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRequests {
    /// Per contract deliverable, in contract order.
    pub by_deliverable: Vec<EvidenceGroup>,
    /// What the client must evidence itself: gaps, the rest of partials, and
    /// the justification of exclusions.
    pub client: Vec<ClientEvidence>,
}

/// The artifacts of one deliverable and what they prove.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceGroup {
    /// Deliverable id.
    pub deliverable: String,
    /// Deliverable name.
    pub name: String,
    /// Service domain.
    pub domain: String,
    /// Artifacts it produces (may be empty: then none is defined).
    pub artifacts: Vec<Evidence>,
    /// Obligations it carries, by framework and catalog order (empty when
    /// other deliverables meet everything it reaches at a higher status).
    pub proves: Vec<Proof>,
    /// Applicable obligations any of its chains reaches.
    pub reaches: usize,
}

/// An obligation a deliverable's evidence proves.
#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    /// Framework id.
    pub framework: String,
    /// Qualified control id.
    pub control: String,
    /// Title.
    pub title: String,
    /// The obligation's status (`partial`: proves the provider's part).
    pub status: Status,
}

/// Evidence the client must produce itself.
#[derive(Debug, Clone, Serialize)]
pub struct ClientEvidence {
    /// Framework id.
    pub framework: String,
    /// Qualified control id.
    pub control: String,
    /// Title.
    pub title: String,
    /// `gap`, `partial` or `not_applicable`.
    pub status: Status,
    /// What to produce.
    pub produce: String,
}

/// Frameworks against service domains.
#[derive(Debug, Clone, Serialize)]
pub struct Heatmap {
    /// The service domains, in catalog order (all of them, always).
    pub domains: Vec<&'static str>,
    /// One row per framework in scope.
    pub rows: Vec<HeatRow>,
}

/// One framework's row of the heat map.
#[derive(Debug, Clone, Serialize)]
pub struct HeatRow {
    /// Framework id.
    pub framework: String,
    /// Framework name.
    pub name: String,
    /// Applicable obligations (obligations less not applicable).
    pub applicable: usize,
    /// One cell per domain, in `domains` order.
    pub cells: Vec<HeatCell>,
}

/// How far one service domain reaches into one framework.
#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    /// Service domain.
    pub domain: &'static str,
    /// Contract deliverables of this domain.
    pub deliverables: usize,
    /// Applicable obligations that any chain from such a deliverable reaches.
    pub reached: usize,
    /// Of those, how many such a chain alone meets in full (covered or shared).
    pub full: usize,
    /// `reached` as a percentage of `applicable`, one decimal; null when nothing is applicable.
    pub pct: Option<f64>,
    /// Shade: 0 nothing reached, then 1 (under 10%), 2 (under 20%), 3 (under
    /// 35%), 4 (35% or more): one domain seldom reaches more than a third of
    /// a framework, so the scale spends its steps below that.
    pub level: u8,
}

fn obligations(report: &Report) -> impl Iterator<Item = (&str, &ControlVerdict)> {
    report.frameworks.iter().flat_map(|f| {
        f.controls
            .iter()
            .filter(|c| c.obligation)
            .map(move |c| (f.id.as_str(), c))
    })
}

/// The chains that carry an obligation's status.
fn carrying(c: &ControlVerdict) -> impl Iterator<Item = &Chain> {
    let carries = matches!(c.status, Status::Covered | Status::Shared | Status::Partial);
    c.via
        .iter()
        .filter(move |ch| carries && ch.status == c.status)
}

fn short_id<'a>(framework: &str, qualified: &'a str) -> &'a str {
    qualified
        .strip_prefix(framework)
        .and_then(|s| s.strip_prefix(':'))
        .unwrap_or(qualified)
}

/// How a chain meets its obligation, in one sentence: the `implements`
/// edge's rationale, or for an inferred chain the crosswalk path ("implements
/// `A`, which intersects this obligation [crosswalk]").
fn how(ch: &Chain) -> String {
    if ch.hops == 0 {
        return ch
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Implements { rationale, .. } => Some(rationale.clone()),
                Step::Crosswalk { .. } => None,
            })
            .unwrap_or_default();
    }
    let mut out = String::new();
    let last = ch.steps.len().saturating_sub(1);
    for (i, step) in ch.steps.iter().enumerate() {
        match step {
            Step::Implements { control, .. } => out.push_str(&format!("implements `{control}`")),
            Step::Crosswalk {
                to,
                relation,
                crosswalk,
                judgement,
                ..
            } => {
                let verb = match relation {
                    Relation::Equal => "equals",
                    Relation::SubsetOf => "is a subset of",
                    Relation::SupersetOf => "is a superset of",
                    Relation::Intersects => "intersects",
                    Relation::Related => "is related to",
                };
                let target = if i == last {
                    "this obligation".to_string()
                } else {
                    format!("`{to}`")
                };
                let judged = if *judgement {
                    ", ctrlmap's judgement"
                } else {
                    ""
                };
                out.push_str(&format!(", which {verb} {target} [{crosswalk}{judged}]"));
            }
        }
    }
    out.push('.');
    out
}

fn implements(ch: &Chain) -> String {
    ch.steps
        .iter()
        .find_map(|s| match s {
            Step::Implements { control, .. } => Some(control.clone()),
            Step::Crosswalk { .. } => None,
        })
        .unwrap_or_default()
}

fn ids(chains: &[&Chain]) -> String {
    chains
        .iter()
        .map(|ch| format!("`{}`", ch.deliverable))
        .collect::<Vec<_>>()
        .join(", ")
}

fn client_must(c: &ControlVerdict, chains: &[&Chain]) -> Vec<String> {
    let mut out = Vec::new();
    match c.status {
        Status::Covered => {}
        Status::Shared => {
            out.push("do the client's share of the work; responsibility is shared".into())
        }
        Status::Partial => {
            out.push("meet the rest of the obligation; the provider covers it only in part".into());
            out.extend(unmet_demands(chains));
        }
        Status::Gap => out.push("meet it in full: no contract deliverable reaches it".into()),
        Status::NotApplicable => out.extend(c.reasons.iter().cloned()),
    }
    out
}

/// The parameter demands no carrying chain meets, one line each: a miss
/// names the value provided; a demand nobody states says so once.
fn unmet_demands(chains: &[&Chain]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<&Comparison>)> = Vec::new();
    for cmp in chains.iter().flat_map(|ch| &ch.comparisons) {
        let key = format!("{} {} {} {}", cmp.control, cmp.param, cmp.op, cmp.required);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(cmp),
            None => groups.push((key, vec![cmp])),
        }
    }
    groups
        .into_iter()
        .filter(|(_, v)| v.iter().all(|c| c.outcome != Outcome::Pass))
        .map(
            |(_, v)| match v.iter().find(|c| c.outcome == Outcome::Miss) {
                Some(miss) => miss.text.clone(),
                None => {
                    let c = v[0];
                    format!(
                        "`{}` requires {} {} {} ({}); no deliverable that reaches it states {}",
                        c.control, c.param, c.op, c.required, c.clause, c.param
                    )
                }
            },
        )
        .collect()
}

fn responsibility(s: Status) -> &'static str {
    match s {
        Status::Covered => "provider",
        Status::Shared | Status::Partial => "shared",
        Status::Gap => "client",
        Status::NotApplicable => "not_applicable",
    }
}

fn matrix(report: &Report) -> Vec<MatrixSection> {
    report
        .frameworks
        .iter()
        .map(|f| MatrixSection {
            framework: f.id.clone(),
            name: f.name.clone(),
            version: f.version.clone(),
            rows: f
                .controls
                .iter()
                .filter(|c| c.obligation)
                .map(|c| {
                    let chains: Vec<&Chain> = carrying(c).collect();
                    MatrixRow {
                        framework: f.id.clone(),
                        control: c.id.clone(),
                        short_id: short_id(&f.id, &c.id).to_string(),
                        title: c.title.clone(),
                        status: c.status,
                        responsibility: responsibility(c.status),
                        deliverables: chains
                            .iter()
                            .map(|ch| MatrixDeliverable {
                                id: ch.deliverable.clone(),
                                name: ch.deliverable_name.clone(),
                                status: ch.status,
                                hops: ch.hops,
                                implements: implements(ch),
                                how: how(ch),
                            })
                            .collect(),
                        client_must: client_must(c, &chains),
                        would_close: c.would_close.clone(),
                    }
                })
                .collect(),
        })
        .collect()
}

fn evidence_requests(report: &Report) -> EvidenceRequests {
    let mut proves: BTreeMap<&str, Vec<Proof>> = BTreeMap::new();
    let mut reaches: BTreeMap<&str, usize> = BTreeMap::new();
    let mut client = Vec::new();
    for (fw, c) in obligations(report) {
        if c.status != Status::NotApplicable {
            let mut seen: Vec<&str> = c.via.iter().map(|ch| ch.deliverable.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            for d in seen {
                *reaches.entry(d).or_default() += 1;
            }
        }
        for ch in carrying(c) {
            proves.entry(&ch.deliverable).or_default().push(Proof {
                framework: fw.to_string(),
                control: c.id.clone(),
                title: c.title.clone(),
                status: c.status,
            });
        }
        let produce = match c.status {
            Status::Covered | Status::Shared => continue,
            Status::Partial => format!(
                "the client's own records for the part the provider does not cover (the provider's artifacts from {} cover the rest)",
                ids(&carrying(c).collect::<Vec<_>>())
            ),
            Status::Gap => {
                "the client's own policy, procedure and records: no contract deliverable produces evidence for it".to_string()
            }
            Status::NotApplicable => format!(
                "the justification of the exclusion: {}",
                c.reasons.join("; ")
            ),
        };
        client.push(ClientEvidence {
            framework: fw.to_string(),
            control: c.id.clone(),
            title: c.title.clone(),
            status: c.status,
            produce,
        });
    }
    let by_deliverable = report
        .contract
        .deliverables
        .iter()
        .map(|d| EvidenceGroup {
            deliverable: d.id.clone(),
            name: d.name.clone(),
            domain: d.domain.clone(),
            artifacts: d.evidence.clone(),
            proves: proves.remove(d.id.as_str()).unwrap_or_default(),
            reaches: reaches.get(d.id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    EvidenceRequests {
        by_deliverable,
        client,
    }
}

fn heatmap(report: &Report) -> Heatmap {
    let domain_of: BTreeMap<&str, &str> = report
        .contract
        .deliverables
        .iter()
        .map(|d| (d.id.as_str(), d.domain.as_str()))
        .collect();
    let rows = report
        .frameworks
        .iter()
        .map(|f| {
            let applicable: Vec<&ControlVerdict> = f
                .controls
                .iter()
                .filter(|c| c.obligation && c.status != Status::NotApplicable)
                .collect();
            let cells = DOMAINS
                .iter()
                .map(|&domain| {
                    let in_domain =
                        |ch: &&Chain| domain_of.get(ch.deliverable.as_str()) == Some(&domain);
                    let mut reached = 0;
                    let mut full = 0;
                    for c in &applicable {
                        let mut chains = c.via.iter().filter(in_domain).peekable();
                        if chains.peek().is_some() {
                            reached += 1;
                            if chains
                                .any(|ch| matches!(ch.status, Status::Covered | Status::Shared))
                            {
                                full += 1;
                            }
                        }
                    }
                    let pct = (!applicable.is_empty()).then(|| {
                        (reached as f64 * 1000.0 / applicable.len() as f64).round() / 10.0
                    });
                    let level = match pct {
                        _ if reached == 0 => 0,
                        Some(p) if p < 10.0 => 1,
                        Some(p) if p < 20.0 => 2,
                        Some(p) if p < 35.0 => 3,
                        _ => 4,
                    };
                    HeatCell {
                        domain,
                        deliverables: report
                            .contract
                            .deliverables
                            .iter()
                            .filter(|d| d.domain == domain)
                            .count(),
                        reached,
                        full,
                        pct,
                        level,
                    }
                })
                .collect();
            HeatRow {
                framework: f.id.clone(),
                name: f.name.clone(),
                applicable: applicable.len(),
                cells,
            }
        })
        .collect();
    Heatmap {
        domains: DOMAINS.to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_drop_the_framework() {
        assert_eq!(
            short_id("hipaa-security", "hipaa-security:164.312(b)"),
            "164.312(b)"
        );
        assert_eq!(short_id("x", "y:1"), "y:1");
    }

    #[test]
    fn responsibility_words() {
        assert_eq!(responsibility(Status::Covered), "provider");
        assert_eq!(responsibility(Status::Partial), "shared");
        assert_eq!(responsibility(Status::Gap), "client");
    }
}
