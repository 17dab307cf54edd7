//! The coverage engine: a status with its justification for every obligation
//! a contract puts in scope.
//!
//! 1. **Direct**: a deliverable's `implements` edge gives its control a degree
//!    and a responsibility; every parameter the control demands is compared
//!    with what the deliverable provides, and a miss (or a value not stated)
//!    turns `full` into `partial`.
//! 2. **Inferred**: coverage travels across crosswalk edges, read as sets
//!    (NIST IR 8477). From a fully met control A, a neighbour B is fully met
//!    when B equals A or B is a subset of A, partly met when they intersect or
//!    B is a superset; `related` carries nothing. From a partly met A, only a
//!    neighbour that contains A (equal or superset) is partly met: the met part
//!    of A may lie outside any other neighbour. Paths are at most
//!    [`MAX_HOPS`] crosswalk edges; the best degree wins, then the shorter path.
//! 3. **Statuses**: `covered` (full, provider), `shared` (full, shared),
//!    `partial`, `gap`, `not_applicable` (excluded with a justification).
//! 4. **Aggregation**: a group node is covered when all its applicable
//!    obligations are, and so on; totals count obligations only.
//!
//! **Boundary**: this module reads no files; it works on a validated
//! [`Catalog`], [`Graph`] and [`Contract`].
//! **Invariant**: adding a deliverable never lowers a status (each status is
//! the best over deliverables), and the same inputs give the same output.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use serde::Serialize;

use crate::contract::{Contract, ContractDeliverable, Scope, ValueSource};
use crate::graph::Graph;
use crate::model::*;
use crate::param::Value;

/// The longest crosswalk path coverage travels.
pub const MAX_HOPS: usize = 3;

/// Status of an obligation (or of a group node, by aggregation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Stays with the client.
    Gap,
    /// Partly met by the provider.
    Partial,
    /// Fully met, responsibility shared with the client.
    Shared,
    /// Fully met by the provider.
    Covered,
    /// Excluded with a justification.
    NotApplicable,
}

impl Status {
    /// The word used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Gap => "gap",
            Status::Partial => "partial",
            Status::Shared => "shared",
            Status::Covered => "covered",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// Rank for "did it get worse": n.a. ranks with covered (nothing left to do).
    pub fn rank(self) -> u8 {
        match self {
            Status::Gap => 0,
            Status::Partial => 1,
            Status::Shared => 2,
            Status::Covered | Status::NotApplicable => 3,
        }
    }

    fn from_chain(degree: Degree, responsibility: Responsibility) -> Status {
        match (degree, responsibility) {
            (Degree::Full, Responsibility::Provider) => Status::Covered,
            (Degree::Full, Responsibility::Shared) => Status::Shared,
            (Degree::Partial, _) => Status::Partial,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of an explanation chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// The deliverable meets a control.
    Implements {
        /// Deliverable id.
        deliverable: String,
        /// Qualified control id.
        control: String,
        /// Degree as declared.
        degree: Degree,
        /// Responsibility as declared.
        responsibility: Responsibility,
        /// Why.
        rationale: String,
        /// `file:line` of the edge.
        source: String,
    },
    /// Coverage travels across a crosswalk edge.
    Crosswalk {
        /// Qualified id coverage comes from.
        from: String,
        /// Qualified id coverage goes to.
        to: String,
        /// Relation read from `from` towards `to`.
        relation: Relation,
        /// Crosswalk id.
        crosswalk: String,
        /// Citation of the source publication.
        source: String,
        /// True when the crosswalk is ctrlmap's own judgement, not an official mapping.
        judgement: bool,
        /// Edge rationale, where given.
        rationale: Option<String>,
    },
}

/// Outcome of one parameter comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The provided value meets the demand.
    Pass,
    /// It does not.
    Miss,
    /// Nothing is stated; never assumed to pass.
    NotStated,
}

impl Outcome {
    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Miss => "miss",
            Outcome::NotStated => "not stated",
        }
    }
}

/// A demand compared with what a deliverable provides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Qualified control id making the demand.
    pub control: String,
    /// Parameter name.
    pub param: String,
    /// `>=`, `<=` or `=`.
    pub op: &'static str,
    /// Demanded value.
    pub required: Value,
    /// Clause the demand comes from.
    pub clause: String,
    /// Provided value, if stated.
    pub provided: Option<Value>,
    /// Where the provided value was stated (`file:line`).
    pub provided_at: Option<String>,
    /// Contract deliverable, contract SLA or catalog.
    pub provided_by: Option<ValueSource>,
    /// Pass, miss or not stated.
    pub outcome: Outcome,
    /// The comparison in one sentence.
    pub text: String,
}

/// How one deliverable reaches an obligation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chain {
    /// Deliverable id.
    pub deliverable: String,
    /// Deliverable name.
    pub deliverable_name: String,
    /// Degree after every step and comparison.
    pub degree: Degree,
    /// Responsibility from the implements edge.
    pub responsibility: Responsibility,
    /// Status this chain alone gives.
    pub status: Status,
    /// Crosswalk hops (0 = direct).
    pub hops: usize,
    /// The steps, deliverable first.
    pub steps: Vec<Step>,
    /// Parameter comparisons made along the chain.
    pub comparisons: Vec<Comparison>,
    /// Why the degree is what it is, where it was lowered.
    pub reasons: Vec<String>,
}

/// The verdict on one control.
#[derive(Debug, Clone, Serialize)]
pub struct ControlVerdict {
    /// Qualified id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Kind word.
    pub kind: String,
    /// Parent's qualified id.
    pub parent: Option<String>,
    /// Status.
    pub status: Status,
    /// No children.
    pub leaf: bool,
    /// Counted as an obligation.
    pub obligation: bool,
    /// Selector attributes (`requirement`, `level`, ...).
    pub attributes: BTreeMap<String, String>,
    /// Every deliverable that reaches it, best first.
    pub via: Vec<Chain>,
    /// Reasons for the status, in words.
    pub reasons: Vec<String>,
    /// Catalog deliverables not in the contract that would raise it (gaps and partials).
    pub would_close: Vec<String>,
}

/// Counts of obligations by status.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Obligations in scope (including not applicable).
    pub obligations: usize,
    /// Covered.
    pub covered: usize,
    /// Shared.
    pub shared: usize,
    /// Partial.
    pub partial: usize,
    /// Gap.
    pub gap: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// (covered + shared) / (obligations - not applicable), in percent, one decimal.
    pub coverage_pct: Option<f64>,
}

impl Totals {
    fn add(&mut self, s: Status) {
        self.obligations += 1;
        match s {
            Status::Covered => self.covered += 1,
            Status::Shared => self.shared += 1,
            Status::Partial => self.partial += 1,
            Status::Gap => self.gap += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    fn finish(&mut self) {
        let applicable = self.obligations - self.not_applicable;
        self.coverage_pct = (applicable > 0).then(|| {
            ((self.covered + self.shared) as f64 * 1000.0 / applicable as f64).round() / 10.0
        });
    }
}

/// A control the framework has but the client's scope leaves out.
#[derive(Debug, Clone, Serialize)]
pub struct OutOfScope {
    /// Qualified id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// Coverage of one framework.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkCoverage {
    /// Framework id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Publisher.
    pub publisher: String,
    /// Selections in force (selector -> value).
    pub selection: BTreeMap<String, String>,
    /// Counts.
    pub totals: Totals,
    /// Every control in scope (obligations and group nodes), in catalog order.
    pub controls: Vec<ControlVerdict>,
    /// Obligations the selection leaves out.
    pub out_of_scope: Vec<OutOfScope>,
    /// The framework's notification deadlines against the provider's notification SLA.
    pub notification: Vec<NotificationCheck>,
}

/// Whether the provider's incident notification leaves the client time to meet a deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotificationCheck {
    /// Deadline id.
    pub deadline: String,
    /// Who the client must notify.
    pub notify: String,
    /// Time the rule allows, where it fixes one.
    pub within: Option<Value>,
    /// Clause.
    pub clause: String,
    /// The provider's notification time, where stated.
    pub provider_notifies_within: Option<Value>,
    /// Where that was stated (`file:line`).
    pub provider_stated_at: Option<String>,
    /// Hours the client has left after the provider's notification (negative: too late).
    pub margin_hours: Option<f64>,
    /// `aligned`, `too_late`, `not_stated` or `no_fixed_deadline`.
    pub outcome: &'static str,
    /// The check in one sentence.
    pub text: String,
}

/// Check each deadline of a framework against the provider's notification time:
/// the contract's `[sla] notification_time`, else the fastest a contract
/// deliverable states.
pub fn notification_checks(
    fw: &Framework,
    scope: &Scope,
    contract: &Contract,
) -> Vec<NotificationCheck> {
    let provider = contract.sla.params.get("notification_time").or_else(|| {
        contract
            .deliverables
            .iter()
            .filter_map(|d| contract.provided(d, "notification_time").map(|(p, _)| p))
            .min_by_key(|p| match p.value {
                Value::Duration(m) => m,
                _ => u64::MAX,
            })
    });
    fw.deadlines_for(|c| scope.admits(fw, c).is_ok())
        .map(|d| {
            let minutes = |v: &Value| match v {
                Value::Duration(m) => *m as f64,
                _ => 0.0,
            };
            let (margin, outcome, text) = match (&d.within, provider) {
                (None, _) => (
                    None,
                    "no_fixed_deadline",
                    format!("{}: no fixed deadline ({}); align the provider's notification with it by hand", d.clause, d.note),
                ),
                (Some(w), None) => (
                    None,
                    "not_stated",
                    format!("{} allows {w} to notify {}; the contract states no provider notification time", d.clause, d.notify),
                ),
                (Some(w), Some(p)) => {
                    let margin = ((minutes(w) - minutes(&p.value)) / 60.0 * 10.0).round() / 10.0;
                    let ok = margin >= 0.0;
                    (
                        Some(margin),
                        if ok { "aligned" } else { "too_late" },
                        format!(
                            "{} allows {w} to notify {}; the provider notifies within {} ({}): {} {} hours",
                            d.clause,
                            d.notify,
                            p.value,
                            p.origin.short(),
                            if ok { "margin" } else { "short by" },
                            margin.abs()
                        ),
                    )
                }
            };
            NotificationCheck {
                deadline: d.id.clone(),
                notify: d.notify.clone(),
                within: d.within.clone(),
                clause: d.clause.clone(),
                provider_notifies_within: provider.map(|p| p.value.clone()),
                provider_stated_at: provider.map(|p| p.origin.short()),
                margin_hours: margin,
                outcome,
                text,
            }
        })
        .collect()
}

/// A recommended deliverable and the gaps and partials it would close.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// Catalog deliverable id.
    pub deliverable: String,
    /// Its name.
    pub name: String,
    /// Its domain.
    pub domain: String,
    /// Obligations it would newly bring to covered or shared, in pick order.
    pub closes: Vec<String>,
}

/// The engine's result for one contract.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Per framework, in contract scope order.
    pub frameworks: Vec<FrameworkCoverage>,
    /// Greedy set cover over gaps and partials.
    pub recommendations: Vec<Recommendation>,
    /// Exclusion patterns that matched no obligation in scope.
    pub unmatched_exclusions: Vec<String>,
    /// How many obligations each contract exclusion marks not applicable, in contract order.
    pub exclusion_counts: Vec<usize>,
}

impl Coverage {
    /// A verdict by qualified id.
    pub fn verdict(&self, qualified: &str) -> Option<&ControlVerdict> {
        let fw = qualified.split_once(':')?.0;
        self.frameworks
            .iter()
            .find(|f| f.id == fw)?
            .controls
            .iter()
            .find(|c| c.id == qualified)
    }
}

/// Best state of a control reached by one deliverable during the walk.
#[derive(Debug, Clone)]
struct Reach {
    degree: Degree,
    responsibility: Responsibility,
    steps: Vec<Step>,
    comparisons: Vec<Comparison>,
    reasons: Vec<String>,
}

/// Compare a control's demands with what a contract deliverable provides.
fn compare(
    catalog: &Catalog,
    contract: &Contract,
    d: &ContractDeliverable,
    qualified: &str,
) -> Vec<Comparison> {
    let Some((fw, control)) = catalog.control(qualified) else {
        return Vec::new();
    };
    control
        .params
        .iter()
        .map(|demand| {
            let provided = contract.provided(d, &demand.name);
            let outcome = match provided {
                None => Outcome::NotStated,
                Some((p, _)) if demand.op.satisfied(&p.value, &demand.value) => Outcome::Pass,
                Some(_) => Outcome::Miss,
            };
            let subject = format!("{} {}", fw.short_name, control.id);
            let want = format!("{} {} {}", demand.name, demand.op.symbol(), demand.value);
            let text = match (outcome, provided) {
                (Outcome::NotStated, _) => format!(
                    "{subject} requires {want} ({}); deliverable `{}` does not state {} (not assumed to pass)",
                    demand.clause, d.deliverable.id, demand.name
                ),
                (_, Some((p, src))) => format!(
                    "{subject} requires {want} ({}); {} {} (deliverable `{}`, {})",
                    demand.clause,
                    match src {
                        ValueSource::ContractDeliverable => "the contract provides",
                        ValueSource::ContractSla => "the contract SLA provides",
                        ValueSource::Catalog => "the catalog default is",
                    },
                    p.value,
                    d.deliverable.id,
                    p.origin.short()
                ),
                (_, None) => unreachable!("pass or miss always has a value"),
            };
            Comparison {
                control: qualified.to_string(),
                param: demand.name.clone(),
                op: demand.op.symbol(),
                required: demand.value.clone(),
                clause: demand.clause.clone(),
                provided: provided.map(|(p, _)| p.value.clone()),
                provided_at: provided.map(|(p, _)| p.origin.short()),
                provided_by: provided.map(|(_, s)| s),
                outcome,
                text,
            }
        })
        .collect()
}

/// Heap entry of the walk: status, hops, control id, push order.
type HeapKey = (Status, Reverse<usize>, Reverse<String>, Reverse<usize>);

/// Walk from one deliverable's implements edges across crosswalks.
fn reach(
    catalog: &Catalog,
    graph: &Graph,
    contract: &Contract,
    d: &ContractDeliverable,
) -> BTreeMap<String, Reach> {
    let mut best: BTreeMap<String, Reach> = BTreeMap::new();
    // Max-heap on (status, fewer hops, smaller id, earlier push). For partial
    // chains responsibility does not change the status, so a direct partial
    // edge is preferred to an inferred one.
    let mut heap: BinaryHeap<HeapKey> = BinaryHeap::new();
    let mut pending: Vec<(String, Reach)> = Vec::new();
    let mut labels: BTreeMap<String, Vec<(Status, usize)>> = BTreeMap::new();

    let settle = |control: &str, mut r: Reach| -> Reach {
        let comps = compare(catalog, contract, d, control);
        let misses: Vec<&Comparison> = comps
            .iter()
            .filter(|c| c.outcome != Outcome::Pass)
            .collect();
        if r.degree == Degree::Full && !misses.is_empty() {
            r.degree = Degree::Partial;
            for m in &misses {
                r.reasons.push(format!("{}: full becomes partial", m.text));
            }
        }
        r.comparisons.extend(comps);
        r
    };

    for i in &d.deliverable.implements {
        let r = settle(
            &i.control,
            Reach {
                degree: i.degree,
                responsibility: i.responsibility,
                steps: vec![Step::Implements {
                    deliverable: d.deliverable.id.clone(),
                    control: i.control.clone(),
                    degree: i.degree,
                    responsibility: i.responsibility,
                    rationale: i.rationale.clone(),
                    source: i.origin.short(),
                }],
                comparisons: Vec::new(),
                reasons: Vec::new(),
            },
        );
        heap.push((
            Status::from_chain(r.degree, r.responsibility),
            Reverse(0),
            Reverse(i.control.clone()),
            Reverse(pending.len()),
        ));
        pending.push((i.control.clone(), r));
    }

    while let Some((_, Reverse(hops), Reverse(control), Reverse(slot))) = heap.pop() {
        let r = std::mem::replace(
            &mut pending[slot].1,
            Reach {
                degree: Degree::Partial,
                responsibility: Responsibility::Shared,
                steps: Vec::new(),
                comparisons: Vec::new(),
                reasons: Vec::new(),
            },
        );
        // A label (status, hops) is worth expanding unless one already taken
        // for this control is at least as good on both: with the hop bound, a
        // worse chain with fewer hops may still reach further.
        let status = Status::from_chain(r.degree, r.responsibility);
        let taken = labels.entry(control.clone()).or_default();
        if taken.iter().any(|(s, h)| *s >= status && *h <= hops) {
            continue;
        }
        taken.push((status, hops));
        if hops < MAX_HOPS {
            for n in graph.crosswalk_neighbours(&control) {
                let mut degree = match (r.degree, n.relation) {
                    (_, Relation::Related) => continue,
                    (Degree::Full, Relation::Equal | Relation::SupersetOf) => Degree::Full,
                    (Degree::Full, Relation::Intersects | Relation::SubsetOf) => Degree::Partial,
                    (Degree::Partial, Relation::Equal | Relation::SubsetOf) => Degree::Partial,
                    (Degree::Partial, _) => continue,
                };
                let cw = &catalog.crosswalks[&n.crosswalk];
                let edge = &cw.edges[n.index];
                let judgement_cap = cw.is_judgement() && degree == Degree::Full;
                if judgement_cap {
                    degree = Degree::Partial;
                }
                let mut next = Reach {
                    degree,
                    responsibility: r.responsibility,
                    steps: r.steps.clone(),
                    comparisons: r.comparisons.clone(),
                    reasons: r.reasons.clone(),
                };
                if judgement_cap {
                    next.reasons.push(format!(
                        "inferred from `{control}` through ctrlmap's own judgement `{}` (not an official mapping): at most partial",
                        cw.id
                    ));
                } else if degree < r.degree {
                    next.reasons.push(format!(
                        "inferred from `{control}` through the relation `{}` ({}): at most partial",
                        n.relation,
                        cw.source_label()
                    ));
                }
                next.steps.push(Step::Crosswalk {
                    from: control.clone(),
                    to: n.control.clone(),
                    relation: n.relation,
                    crosswalk: cw.id.clone(),
                    source: cw.source_label(),
                    judgement: cw.is_judgement(),
                    rationale: edge.rationale.clone(),
                });
                let next = settle(&n.control, next);
                heap.push((
                    Status::from_chain(next.degree, next.responsibility),
                    Reverse(hops + 1),
                    Reverse(n.control.clone()),
                    Reverse(pending.len()),
                ));
                pending.push((n.control.clone(), next));
            }
        }
        // The heap pops the best label of a control first.
        best.entry(control).or_insert(r);
    }
    best
}

/// What a set of deliverables reaches: qualified control -> chains, best first.
fn chains_for(
    catalog: &Catalog,
    graph: &Graph,
    contract: &Contract,
    deliverables: &[ContractDeliverable],
) -> BTreeMap<String, Vec<Chain>> {
    let mut out: BTreeMap<String, Vec<Chain>> = BTreeMap::new();
    for d in deliverables {
        for (control, r) in reach(catalog, graph, contract, d) {
            out.entry(control).or_default().push(Chain {
                deliverable: d.deliverable.id.clone(),
                deliverable_name: d.deliverable.name.clone(),
                status: Status::from_chain(r.degree, r.responsibility),
                degree: r.degree,
                responsibility: r.responsibility,
                hops: r.steps.len() - 1,
                steps: r.steps,
                comparisons: r.comparisons,
                reasons: r.reasons,
            });
        }
    }
    for chains in out.values_mut() {
        chains.sort_by(|a, b| {
            (Reverse(a.status), a.hops, &a.deliverable).cmp(&(
                Reverse(b.status),
                b.hops,
                &b.deliverable,
            ))
        });
    }
    out
}

fn best_status(chains: Option<&Vec<Chain>>) -> Status {
    chains
        .and_then(|c| c.first())
        .map_or(Status::Gap, |c| c.status)
}

/// Compute coverage of a contract.
pub fn assess(catalog: &Catalog, graph: &Graph, contract: &Contract) -> Coverage {
    let chains = chains_for(catalog, graph, contract, &contract.deliverables);

    // What each catalog deliverable not in the contract would add.
    let in_contract: BTreeSet<&str> = contract
        .deliverables
        .iter()
        .map(|d| d.deliverable.id.as_str())
        .collect();
    let candidates: Vec<ContractDeliverable> = catalog
        .deliverables
        .values()
        .filter(|d| !in_contract.contains(d.id.as_str()))
        .map(|d| ContractDeliverable {
            deliverable: d.clone(),
            inline: false,
            overrides: BTreeMap::new(),
            origin: d.origin.clone(),
        })
        .collect();
    let candidate_reach: Vec<(String, BTreeMap<String, Status>)> = candidates
        .iter()
        .map(|d| {
            let statuses = reach(catalog, graph, contract, d)
                .into_iter()
                .map(|(k, r)| (k, Status::from_chain(r.degree, r.responsibility)))
                .collect();
            (d.deliverable.id.clone(), statuses)
        })
        .collect();

    let mut exclusion_counts: Vec<usize> = vec![0; contract.exclusions.len()];
    let mut frameworks = Vec::new();
    for scope in &contract.scope {
        let fw = &catalog.frameworks[&scope.framework];
        let mut verdicts: BTreeMap<String, ControlVerdict> = BTreeMap::new();
        let mut out_of_scope = Vec::new();
        let mut totals = Totals::default();

        for c in &fw.controls {
            if !fw.is_obligation(c) {
                continue;
            }
            let q = qualify(&fw.id, &c.id);
            if let Err(reason) = scope.admits(fw, c) {
                out_of_scope.push(OutOfScope { id: q, reason });
                continue;
            }
            let via = chains.get(&q).cloned().unwrap_or_default();
            let mut status = best_status(Some(&via));
            let mut reasons = Vec::new();
            let matching: Vec<usize> = contract
                .exclusions
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.matches(&q) || ancestors(fw, c).any(|a| e.matches(&qualify(&fw.id, a)))
                })
                .map(|(i, _)| i)
                .collect();
            if !matching.is_empty() {
                status = Status::NotApplicable;
                for i in matching {
                    exclusion_counts[i] += 1;
                    let e = &contract.exclusions[i];
                    reasons.push(format!(
                        "excluded by the contract ({}): {}",
                        e.origin.short(),
                        e.justification
                    ));
                }
            } else {
                match via.first() {
                    None => reasons.push("no deliverable in the contract reaches this obligation: it stays with the client".into()),
                    Some(best) => {
                        reasons.extend(best.reasons.iter().cloned());
                        if best.status == Status::Partial && best.reasons.is_empty() {
                            reasons.push(format!(
                                "`{}` meets it only in part: the client does the rest",
                                best.deliverable
                            ));
                        }
                        if best.status == Status::Shared {
                            reasons.push(format!("met by `{}`, with the client sharing responsibility", best.deliverable));
                        }
                    }
                }
            }
            let would_close = if matches!(status, Status::Gap | Status::Partial) {
                candidate_reach
                    .iter()
                    .filter(|(_, m)| m.get(&q).is_some_and(|s| *s > status))
                    .map(|(id, _)| id.clone())
                    .collect()
            } else {
                Vec::new()
            };
            totals.add(status);
            verdicts.insert(
                q.clone(),
                ControlVerdict {
                    id: q,
                    title: c.title.clone(),
                    kind: c.kind.clone(),
                    parent: c.parent.as_ref().map(|p| qualify(&fw.id, p)),
                    status,
                    leaf: c.children.is_empty(),
                    obligation: true,
                    attributes: c.attributes.clone(),
                    via,
                    reasons,
                    would_close,
                },
            );
        }
        totals.finish();

        // Group nodes aggregate the obligations below them.
        let status_of: BTreeMap<String, Status> = verdicts
            .iter()
            .map(|(k, v)| (k.clone(), v.status))
            .collect();
        let mut controls = Vec::new();
        for c in &fw.controls {
            let q = qualify(&fw.id, &c.id);
            if let Some(v) = verdicts.remove(&q) {
                controls.push(v);
                continue;
            }
            if fw.is_obligation(c) {
                continue; // out of scope
            }
            let below: Vec<Status> = descendants(fw, c)
                .filter_map(|d| status_of.get(&qualify(&fw.id, d)).copied())
                .collect();
            if below.is_empty() {
                continue;
            }
            let status = aggregate(&below);
            controls.push(ControlVerdict {
                id: q.clone(),
                title: c.title.clone(),
                kind: c.kind.clone(),
                parent: c.parent.as_ref().map(|p| qualify(&fw.id, p)),
                status,
                leaf: c.children.is_empty(),
                obligation: false,
                attributes: c.attributes.clone(),
                via: Vec::new(),
                reasons: vec![summary(&below)],
                would_close: Vec::new(),
            });
        }
        frameworks.push(FrameworkCoverage {
            id: fw.id.clone(),
            name: fw.name.clone(),
            version: fw.version.clone(),
            publisher: fw.publisher.clone(),
            selection: scope
                .selection
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            totals,
            controls,
            out_of_scope,
            notification: notification_checks(fw, scope, contract),
        });
    }

    let recommendations = recommend(catalog, &frameworks, &candidate_reach);
    let unmatched_exclusions = contract
        .exclusions
        .iter()
        .enumerate()
        .filter(|(i, _)| exclusion_counts[*i] == 0)
        .map(|(_, e)| e.pattern.clone())
        .collect();
    Coverage {
        frameworks,
        recommendations,
        unmatched_exclusions,
        exclusion_counts,
    }
}

fn ancestors<'a>(fw: &'a Framework, c: &'a Control) -> impl Iterator<Item = &'a str> + 'a {
    let mut cur = c.parent.as_deref();
    std::iter::from_fn(move || {
        let p = cur?;
        cur = fw.control(p).and_then(|pc| pc.parent.as_deref());
        Some(p)
    })
}

fn descendants<'a>(fw: &'a Framework, c: &'a Control) -> impl Iterator<Item = &'a str> + 'a {
    let mut stack: Vec<&str> = c.children.iter().rev().map(String::as_str).collect();
    std::iter::from_fn(move || {
        let id = stack.pop()?;
        if let Some(ch) = fw.control(id) {
            stack.extend(ch.children.iter().rev().map(String::as_str));
        }
        Some(id)
    })
}

fn aggregate(statuses: &[Status]) -> Status {
    let applicable: Vec<Status> = statuses
        .iter()
        .copied()
        .filter(|s| *s != Status::NotApplicable)
        .collect();
    if applicable.is_empty() {
        Status::NotApplicable
    } else if applicable.iter().all(|s| *s == Status::Covered) {
        Status::Covered
    } else if applicable
        .iter()
        .all(|s| matches!(s, Status::Covered | Status::Shared))
    {
        Status::Shared
    } else if applicable.iter().all(|s| *s == Status::Gap) {
        Status::Gap
    } else {
        Status::Partial
    }
}

fn summary(statuses: &[Status]) -> String {
    let count = |s: Status| statuses.iter().filter(|x| **x == s).count();
    format!(
        "{} obligations below: {} covered, {} shared, {} partial, {} gap, {} not applicable",
        statuses.len(),
        count(Status::Covered),
        count(Status::Shared),
        count(Status::Partial),
        count(Status::Gap),
        count(Status::NotApplicable)
    )
}

/// Greedy set cover: repeatedly pick the catalog deliverable that brings the
/// most remaining gaps and partials to covered or shared (ties by id).
fn recommend(
    catalog: &Catalog,
    frameworks: &[FrameworkCoverage],
    candidates: &[(String, BTreeMap<String, Status>)],
) -> Vec<Recommendation> {
    let mut open: BTreeSet<&str> = frameworks
        .iter()
        .flat_map(|f| f.controls.iter())
        .filter(|v| v.obligation && matches!(v.status, Status::Gap | Status::Partial))
        .map(|v| v.id.as_str())
        .collect();
    let mut picked: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    loop {
        let best = candidates
            .iter()
            .filter(|(id, _)| !picked.contains(id.as_str()))
            .map(|(id, m)| {
                let closes: Vec<&str> = open
                    .iter()
                    .copied()
                    .filter(|q| {
                        m.get(*q)
                            .is_some_and(|s| matches!(s, Status::Covered | Status::Shared))
                    })
                    .collect();
                (closes.len(), Reverse(id.as_str()), closes)
            })
            .max_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let Some((n, Reverse(id), closes)) = best else {
            break;
        };
        if n == 0 {
            break;
        }
        for q in &closes {
            open.remove(q);
        }
        picked.insert(id);
        let d = &catalog.deliverables[id];
        out.push(Recommendation {
            deliverable: d.id.clone(),
            name: d.name.clone(),
            domain: d.domain.clone(),
            closes: closes.into_iter().map(str::to_string).collect(),
        });
    }
    out
}
