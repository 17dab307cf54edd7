//! Mapping quality of the loaded catalog: what `ctrlmap validate` reports
//! beyond hard errors.
//!
//! Figures (edges per framework pair, obligations without any edge, edges to
//! group nodes) describe the data; duplicate and contradictory edges are
//! warnings, because one of the two is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::model::{qualify, Catalog, Relation};

/// Quality figures of a catalog.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Quality {
    /// `(from framework, to framework)` -> crosswalk id -> edge count.
    pub edges_per_pair: BTreeMap<String, BTreeMap<String, usize>>,
    /// Framework -> number of deliverable `implements` edges into it.
    pub implements_per_framework: BTreeMap<String, usize>,
    /// Framework -> obligations with no crosswalk edge and no deliverable edge.
    pub unmapped: BTreeMap<String, Vec<String>>,
    /// Framework -> obligation count, for the percentages.
    pub obligations: BTreeMap<String, usize>,
    /// Deliverables with no `implements` edge.
    pub deliverables_without_edges: Vec<String>,
    /// Crosswalk id (or `deliverables`) -> group node -> number of edges that
    /// end at a group node rather than an obligation.
    pub group_edges: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Compute the figures and the warnings.
pub fn check(catalog: &Catalog) -> (Quality, Vec<Diagnostic>) {
    let mut q = Quality::default();
    let mut warnings = Vec::new();
    let mut touched: BTreeSet<String> = BTreeSet::new();
    let is_obligation = |id: &str| catalog.control(id).is_some_and(|(f, c)| f.is_obligation(c));

    for cw in catalog.crosswalks.values() {
        let pair = format!("{} -> {}", cw.from, cw.to);
        *q.edges_per_pair
            .entry(pair)
            .or_default()
            .entry(cw.id.clone())
            .or_insert(0) += cw.edges.len();
        let mut seen: BTreeMap<(&str, &str), (Relation, &crate::model::Origin)> = BTreeMap::new();
        for e in &cw.edges {
            touched.insert(e.from.clone());
            touched.insert(e.to.clone());
            for end in [&e.from, &e.to] {
                if !is_obligation(end) {
                    *q.group_edges
                        .entry(cw.id.clone())
                        .or_default()
                        .entry(end.clone())
                        .or_insert(0) += 1;
                }
            }
            match seen.get(&(e.from.as_str(), e.to.as_str())) {
                Some((rel, first)) if *rel == e.relation => warnings.push(
                    Diagnostic::warning(
                        Code::DuplicateEdge,
                        format!("edge `{}` {} `{}` appears twice", e.from, e.relation, e.to),
                    )
                    .at(&e.origin.file, e.origin.span.clone())
                    .help(format!("first at {}; remove one", first.short())),
                ),
                Some((rel, first)) => warnings.push(
                    Diagnostic::warning(
                        Code::ContradictoryEdge,
                        format!(
                            "`{}` -> `{}` is `{}` here but `{rel}` at {}",
                            e.from,
                            e.to,
                            e.relation,
                            first.short()
                        ),
                    )
                    .at(&e.origin.file, e.origin.span.clone())
                    .help("one source gives one set relation per pair; keep the right one"),
                ),
                None => {
                    seen.insert((&e.from, &e.to), (e.relation, &e.origin));
                }
            }
        }
    }

    for d in catalog.deliverables.values() {
        if d.implements.is_empty() {
            q.deliverables_without_edges.push(d.id.clone());
        }
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for i in &d.implements {
            touched.insert(i.control.clone());
            let fw = i.control.split_once(':').map_or("", |(f, _)| f);
            *q.implements_per_framework
                .entry(fw.to_string())
                .or_insert(0) += 1;
            if !is_obligation(&i.control) {
                *q.group_edges
                    .entry("deliverables".into())
                    .or_default()
                    .entry(i.control.clone())
                    .or_insert(0) += 1;
            }
            if !seen.insert(&i.control) {
                warnings.push(
                    Diagnostic::warning(
                        Code::DuplicateEdge,
                        format!("deliverable `{}` implements `{}` twice", d.id, i.control),
                    )
                    .at(&i.origin.file, i.origin.span.clone())
                    .help("keep one edge with the right degree"),
                );
            }
        }
    }

    for fw in catalog.frameworks.values() {
        let obligations: Vec<String> = fw
            .controls
            .iter()
            .filter(|c| fw.is_obligation(c))
            .map(|c| qualify(&fw.id, &c.id))
            .collect();
        q.obligations.insert(fw.id.clone(), obligations.len());
        q.unmapped.insert(
            fw.id.clone(),
            obligations
                .into_iter()
                .filter(|o| !touched.contains(o))
                .collect(),
        );
    }
    (q, warnings)
}

impl Quality {
    /// The figures as text for `ctrlmap validate`.
    pub fn to_text(&self) -> String {
        let mut s = String::from("crosswalk edges per framework pair:\n");
        for (pair, by) in &self.edges_per_pair {
            let total: usize = by.values().sum();
            let _ = writeln!(s, "  {pair}: {total}");
            for (id, n) in by {
                let _ = writeln!(s, "    {id}: {n}");
            }
        }
        s.push_str("deliverable edges per framework:\n");
        for (fw, n) in &self.implements_per_framework {
            let _ = writeln!(s, "  {fw}: {n}");
        }
        s.push_str("obligations without any edge (no crosswalk, no deliverable):\n");
        for (fw, ids) in &self.unmapped {
            let total = self.obligations.get(fw).copied().unwrap_or(0);
            let _ = writeln!(s, "  {fw}: {} of {total}", ids.len());
        }
        let _ = writeln!(
            s,
            "deliverables without edges: {}",
            if self.deliverables_without_edges.is_empty() {
                "none".to_string()
            } else {
                self.deliverables_without_edges.join(", ")
            }
        );
        let total: usize = self.group_edges.values().flat_map(|m| m.values()).sum();
        let _ = writeln!(s, "edges to group nodes rather than obligations: {total}");
        for (source, nodes) in &self.group_edges {
            let n: usize = nodes.values().sum();
            let _ = writeln!(s, "  {source}: {n} edges to {} group nodes", nodes.len());
        }
        s
    }
}
