//! What changed between two contracts, or between two catalog versions
//! under one contract: the catalogs (frameworks, controls, renames,
//! crosswalks, deliverables), the contracts (scope, deliverables and their
//! values) and every obligation (through [`compare`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::compare::{compare, renames, Changes};
use super::snapshot::{natural_cmp, Snapshot};
use crate::model::{qualify, Catalog};
use crate::report::Report;

/// One side of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The contract file as given.
    pub contract: String,
    /// Catalog directories applied on top of the shipped catalogs, as given.
    pub catalog: Vec<String>,
}

impl Side {
    fn text(&self) -> String {
        if self.catalog.is_empty() {
            format!("{} (shipped catalogs)", self.contract)
        } else {
            format!(
                "{} (shipped catalogs + {})",
                self.contract,
                self.catalog.join(" + ")
            )
        }
    }
}

/// A framework id with its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Versioned {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
}

/// A value that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// What: a framework or crosswalk id, a deliverable parameter, a selector.
    pub id: String,
    /// Before (`null` when it was not set).
    pub old: Option<String>,
    /// After (`null` when it is no longer set).
    pub new: Option<String>,
}

/// A control renamed by the newer catalog (`renamed_from`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rename {
    /// Old qualified id.
    pub from: String,
    /// New qualified id.
    pub to: String,
}

/// Differences between two loaded catalogs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CatalogDiff {
    /// Frameworks only in the new catalogs.
    pub frameworks_added: Vec<Versioned>,
    /// Frameworks only in the old catalogs.
    pub frameworks_removed: Vec<Versioned>,
    /// Frameworks whose version changed.
    pub frameworks_changed: Vec<Changed>,
    /// Controls (requirements and group nodes) only in the new catalogs, qualified.
    pub controls_added: Vec<String>,
    /// Controls only in the old catalogs, qualified.
    pub controls_removed: Vec<String>,
    /// Controls the new catalog declares `renamed_from` an id the old one has.
    pub controls_renamed: Vec<Rename>,
    /// Crosswalks only in the new catalogs.
    pub crosswalks_added: Vec<String>,
    /// Crosswalks only in the old catalogs.
    pub crosswalks_removed: Vec<String>,
    /// Crosswalks whose edges differ: `old`/`new` are edge counts.
    pub crosswalks_changed: Vec<Changed>,
    /// Catalog deliverables only in the new catalog.
    pub deliverables_added: Vec<String>,
    /// Catalog deliverables only in the old catalog.
    pub deliverables_removed: Vec<String>,
    /// The deliverable catalog's id and version, when it changed.
    pub deliverable_catalog: Option<Changed>,
}

impl CatalogDiff {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self == &CatalogDiff::default()
    }
}

/// Compare two catalogs.
pub fn catalogs(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let mut d = CatalogDiff::default();
    for (id, f) in &new.frameworks {
        match old.frameworks.get(id) {
            None => d.frameworks_added.push(Versioned {
                id: id.clone(),
                version: f.version.clone(),
            }),
            Some(o) => {
                if o.version != f.version {
                    d.frameworks_changed.push(Changed {
                        id: id.clone(),
                        old: Some(o.version.clone()),
                        new: Some(f.version.clone()),
                    });
                }
                let mut renamed_old: BTreeSet<&str> = BTreeSet::new();
                for c in &f.controls {
                    if o.control(&c.id).is_some() {
                        continue;
                    }
                    match c.renamed_from.as_deref() {
                        Some(from) if o.control(from).is_some() && f.control(from).is_none() => {
                            renamed_old.insert(from);
                            d.controls_renamed.push(Rename {
                                from: qualify(id, from),
                                to: qualify(id, &c.id),
                            });
                        }
                        _ => d.controls_added.push(qualify(id, &c.id)),
                    }
                }
                for c in &o.controls {
                    if f.control(&c.id).is_none() && !renamed_old.contains(c.id.as_str()) {
                        d.controls_removed.push(qualify(id, &c.id));
                    }
                }
            }
        }
    }
    for (id, f) in &old.frameworks {
        if !new.frameworks.contains_key(id) {
            d.frameworks_removed.push(Versioned {
                id: id.clone(),
                version: f.version.clone(),
            });
        }
    }
    let edges = |c: &crate::model::Crosswalk| -> BTreeSet<(String, String, &'static str)> {
        c.edges
            .iter()
            .map(|e| (e.from.clone(), e.to.clone(), e.relation.as_str()))
            .collect()
    };
    for (id, c) in &new.crosswalks {
        match old.crosswalks.get(id) {
            None => d.crosswalks_added.push(id.clone()),
            Some(o) if edges(o) != edges(c) => d.crosswalks_changed.push(Changed {
                id: id.clone(),
                old: Some(format!("{} edges", o.edges.len())),
                new: Some(format!("{} edges", c.edges.len())),
            }),
            Some(_) => {}
        }
    }
    d.crosswalks_removed = old
        .crosswalks
        .keys()
        .filter(|id| !new.crosswalks.contains_key(*id))
        .cloned()
        .collect();
    d.deliverables_added = new
        .deliverables
        .keys()
        .filter(|id| !old.deliverables.contains_key(*id))
        .cloned()
        .collect();
    d.deliverables_removed = old
        .deliverables
        .keys()
        .filter(|id| !new.deliverables.contains_key(*id))
        .cloned()
        .collect();
    let cat = |c: &Catalog| {
        c.deliverable_catalog
            .as_ref()
            .map(|d| format!("{} {}", d.id, d.version))
    };
    if cat(old) != cat(new) {
        d.deliverable_catalog = Some(Changed {
            id: "deliverable catalog".into(),
            old: cat(old),
            new: cat(new),
        });
    }
    for list in [&mut d.controls_added, &mut d.controls_removed] {
        list.sort_by(|a, b| natural_cmp(a, b));
    }
    d.controls_renamed.sort_by(|a, b| natural_cmp(&a.to, &b.to));
    d
}

/// Differences between two contracts as the reports show them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContractDiff {
    /// Frameworks in the new contract's scope only.
    pub frameworks_added: Vec<String>,
    /// Frameworks in the old contract's scope only.
    pub frameworks_removed: Vec<String>,
    /// Selector values that changed: `id` is `framework.selector`.
    pub selection_changed: Vec<Changed>,
    /// Deliverables in the new contract only.
    pub deliverables_added: Vec<String>,
    /// Deliverables in the old contract only.
    pub deliverables_removed: Vec<String>,
    /// Effective parameter values that changed: `id` is `deliverable.parameter`,
    /// `sla.parameter`, `sla.mttd.severity` or `sla.mttr.severity`.
    pub values_changed: Vec<Changed>,
    /// Exclusion patterns in the new contract only.
    pub exclusions_added: Vec<String>,
    /// Exclusion patterns in the old contract only.
    pub exclusions_removed: Vec<String>,
}

impl ContractDiff {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self == &ContractDiff::default()
    }
}

/// Compare two contracts through their reports.
pub fn contracts(old: &Report, new: &Report) -> ContractDiff {
    let mut d = ContractDiff::default();
    let fw = |r: &Report| -> BTreeMap<String, BTreeMap<String, String>> {
        r.frameworks
            .iter()
            .map(|f| (f.id.clone(), f.selection.clone()))
            .collect()
    };
    let (fo, fnew) = (fw(old), fw(new));
    for (id, sel) in &fnew {
        match fo.get(id) {
            None => d.frameworks_added.push(id.clone()),
            Some(osel) => changed_values(id, osel, sel, &mut d.selection_changed),
        }
    }
    d.frameworks_removed = fo
        .keys()
        .filter(|id| !fnew.contains_key(*id))
        .cloned()
        .collect();
    let dl = |r: &Report| -> BTreeMap<String, BTreeMap<String, String>> {
        r.contract
            .deliverables
            .iter()
            .map(|d| (d.id.clone(), d.provides.clone()))
            .collect()
    };
    let (dold, dnew) = (dl(old), dl(new));
    for (id, provides) in &dnew {
        match dold.get(id) {
            None => d.deliverables_added.push(id.clone()),
            Some(op) => changed_values(id, op, provides, &mut d.values_changed),
        }
    }
    d.deliverables_removed = dold
        .keys()
        .filter(|id| !dnew.contains_key(*id))
        .cloned()
        .collect();
    let (co, cn) = (&old.contract, &new.contract);
    changed_values("sla", &co.sla, &cn.sla, &mut d.values_changed);
    changed_values("sla.mttd", &co.mttd, &cn.mttd, &mut d.values_changed);
    changed_values("sla.mttr", &co.mttr, &cn.mttr, &mut d.values_changed);
    let patterns = |c: &crate::report::ContractInfo| -> BTreeSet<String> {
        c.exclusions.iter().map(|e| e.control.clone()).collect()
    };
    let (eo, en) = (patterns(co), patterns(cn));
    d.exclusions_added = en.difference(&eo).cloned().collect();
    d.exclusions_removed = eo.difference(&en).cloned().collect();
    d
}

fn changed_values(
    prefix: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    out: &mut Vec<Changed>,
) {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        let (o, n) = (old.get(k), new.get(k));
        if o != n {
            out.push(Changed {
                id: format!("{prefix}.{k}"),
                old: o.cloned(),
                new: n.cloned(),
            });
        }
    }
}

/// Everything that differs between two assessments.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The old side.
    pub old: Side,
    /// The new side.
    pub new: Side,
    /// Catalog differences; `null` when both sides use the same catalogs.
    pub catalog: Option<CatalogDiff>,
    /// Contract differences (empty when one contract is diffed under two catalogs).
    pub contract: ContractDiff,
    /// Obligations that differ, grouped.
    pub obligations: Changes,
}

impl Diff {
    /// Diff two assessments; `compare_catalogs` when the sides use different
    /// catalog directories.
    pub fn new(
        old: (Side, &Catalog, &Report),
        new: (Side, &Catalog, &Report),
        compare_catalogs: bool,
    ) -> Diff {
        let (old_side, old_cat, old_report) = old;
        let (new_side, new_cat, new_report) = new;
        let before = Snapshot::new(old_cat, old_report);
        let after = Snapshot::new(new_cat, new_report);
        Diff {
            old: old_side,
            new: new_side,
            catalog: compare_catalogs.then(|| catalogs(old_cat, new_cat)),
            contract: contracts(old_report, new_report),
            obligations: compare(&before.obligations, &after.obligations, &renames(new_cat)),
        }
    }

    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.catalog.as_ref().is_none_or(CatalogDiff::is_empty)
            && self.contract.is_empty()
            && self.obligations.is_empty()
    }

    /// The diff for people.
    pub fn to_text(&self) -> String {
        let mut s = format!("--- {}\n+++ {}\n", self.old.text(), self.new.text());
        if self.is_empty() {
            s.push_str("no differences\n");
            return s;
        }
        if let Some(c) = self.catalog.as_ref().filter(|c| !c.is_empty()) {
            s.push_str("\ncatalog:\n");
            for f in &c.frameworks_added {
                s.push_str(&format!("  + framework {} {}\n", f.id, f.version));
            }
            for f in &c.frameworks_removed {
                s.push_str(&format!("  - framework {} {}\n", f.id, f.version));
            }
            for f in &c.frameworks_changed {
                s.push_str(&format!("  ~ framework {}: {}\n", f.id, arrow(f)));
            }
            for r in &c.controls_renamed {
                s.push_str(&format!("  ~ control renamed: {} -> {}\n", r.from, r.to));
            }
            for id in &c.controls_added {
                s.push_str(&format!("  + control {id}\n"));
            }
            for id in &c.controls_removed {
                s.push_str(&format!("  - control {id}\n"));
            }
            for id in &c.crosswalks_added {
                s.push_str(&format!("  + crosswalk {id}\n"));
            }
            for id in &c.crosswalks_removed {
                s.push_str(&format!("  - crosswalk {id}\n"));
            }
            for x in &c.crosswalks_changed {
                s.push_str(&format!("  ~ crosswalk {}: {}\n", x.id, arrow(x)));
            }
            for id in &c.deliverables_added {
                s.push_str(&format!("  + catalog deliverable {id}\n"));
            }
            for id in &c.deliverables_removed {
                s.push_str(&format!("  - catalog deliverable {id}\n"));
            }
            if let Some(x) = &c.deliverable_catalog {
                s.push_str(&format!("  ~ {}: {}\n", x.id, arrow(x)));
            }
        }
        let c = &self.contract;
        if !c.is_empty() {
            s.push_str("\ncontract:\n");
            for id in &c.frameworks_added {
                s.push_str(&format!("  + framework {id} in scope\n"));
            }
            for id in &c.frameworks_removed {
                s.push_str(&format!("  - framework {id} in scope\n"));
            }
            for x in &c.selection_changed {
                s.push_str(&format!("  ~ selection {}: {}\n", x.id, arrow(x)));
            }
            for id in &c.deliverables_added {
                s.push_str(&format!("  + deliverable {id}\n"));
            }
            for id in &c.deliverables_removed {
                s.push_str(&format!("  - deliverable {id}\n"));
            }
            for x in &c.values_changed {
                s.push_str(&format!("  ~ value {}: {}\n", x.id, arrow(x)));
            }
            for p in &c.exclusions_added {
                s.push_str(&format!("  + exclusion {p}\n"));
            }
            for p in &c.exclusions_removed {
                s.push_str(&format!("  - exclusion {p}\n"));
            }
        }
        if !self.obligations.is_empty() {
            s.push_str("\nobligations:\n");
            s.push_str(&self.obligations.to_text("  "));
        }
        s.push_str(&format!("\nsummary: {}\n", self.obligations.summary()));
        s
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("diff serializes");
        s.push('\n');
        s
    }
}

fn arrow(c: &Changed) -> String {
    format!(
        "{} -> {}",
        c.old.as_deref().unwrap_or("(not set)"),
        c.new.as_deref().unwrap_or("(not set)")
    )
}
