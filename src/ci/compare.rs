//! Comparing two snapshots obligation by obligation: regressions,
//! improvements and other changes.
//!
//! Obligations are matched by qualified id, or across a rename when the newer
//! catalog declares `renamed_from` on the control. A status whose
//! [`Status::rank`] falls is a regression, one that rises an improvement; a new
//! obligation that is a gap is a regression too ("new gap"). Everything else
//! that differs (the deliverables behind an unchanged status, an obligation
//! added as non-gap or removed, a rename, covered <-> not applicable) is a
//! change.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::snapshot::{natural_cmp, Obligation, Snapshot};
use crate::coverage::Status;
use crate::model::{qualify, Catalog};

/// An obligation's status and the deliverables behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct State {
    /// Status.
    pub status: Status,
    /// Deliverables whose chain gives the status.
    pub deliverables: Vec<String>,
}

impl State {
    fn of(o: &Obligation) -> State {
        State {
            status: o.status,
            deliverables: o.deliverables.clone(),
        }
    }

    fn text(&self) -> String {
        if self.deliverables.is_empty() {
            self.status.to_string()
        } else {
            format!("{} ({})", self.status, self.deliverables.join(", "))
        }
    }
}

/// What kind of difference one obligation shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Status rank fell (regression).
    Lowered,
    /// A new obligation that is a gap (regression).
    NewGap,
    /// Status rank rose (improvement).
    Raised,
    /// Same status, other deliverables behind it.
    Explanation,
    /// Another status of the same rank (covered <-> not applicable).
    Status,
    /// A new obligation that is not a gap.
    Added,
    /// An obligation that is no longer in scope or no longer exists.
    Removed,
    /// Renamed by the catalog, nothing else changed.
    Renamed,
}

/// One obligation that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Qualified id (the new one for a rename, the old one for a removal).
    pub id: String,
    /// The old qualified id, when the catalog renamed it.
    pub renamed_from: Option<String>,
    /// Kind of difference.
    pub change: ChangeKind,
    /// Before; `null` for an added obligation.
    pub old: Option<State>,
    /// After; `null` for a removed obligation.
    pub new: Option<State>,
}

impl Change {
    /// One line for people.
    pub fn text(&self) -> String {
        let id = match &self.renamed_from {
            Some(o) => format!("{} (renamed from {o})", self.id),
            None => self.id.clone(),
        };
        match (&self.old, &self.new) {
            (None, Some(n)) if n.status == Status::Gap => format!("{id}: new obligation, gap"),
            (None, Some(n)) => format!("{id}: new obligation, {}", n.text()),
            (Some(o), None) => format!("{id}: no longer an obligation, was {}", o.text()),
            (Some(o), Some(n)) => format!("{id}: {} -> {}", o.text(), n.text()),
            (None, None) => id,
        }
    }
}

/// The differences between two snapshots, grouped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// Status lowered, or a new gap.
    pub regressions: Vec<Change>,
    /// Status raised.
    pub improvements: Vec<Change>,
    /// Everything else that differs.
    pub changes: Vec<Change>,
}

impl Changes {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.regressions.is_empty() && self.improvements.is_empty() && self.changes.is_empty()
    }

    /// Every difference, regressions first.
    pub fn all(&self) -> impl Iterator<Item = &Change> {
        self.regressions
            .iter()
            .chain(&self.improvements)
            .chain(&self.changes)
    }

    /// `2 regressions, 1 improvement, 0 changes`.
    pub fn summary(&self) -> String {
        use crate::diag::plural;
        let (r, i, c) = (
            self.regressions.len(),
            self.improvements.len(),
            self.changes.len(),
        );
        format!(
            "{r} {}, {i} {}, {c} {}",
            plural(r, "regression", "regressions"),
            plural(i, "improvement", "improvements"),
            plural(c, "change", "changes")
        )
    }

    /// The grouped lists, each line indented by `indent`; empty groups are left out.
    pub fn to_text(&self, indent: &str) -> String {
        let mut s = String::new();
        for (title, list) in [
            ("regressions", &self.regressions),
            ("improvements", &self.improvements),
            ("changes", &self.changes),
        ] {
            if list.is_empty() {
                continue;
            }
            s.push_str(&format!("{indent}{title} ({}):\n", list.len()));
            for c in list {
                s.push_str(&format!("{indent}  - {}\n", c.text()));
            }
        }
        s
    }
}

/// Renames a catalog declares: new qualified id -> old qualified id.
pub fn renames(catalog: &Catalog) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for fw in catalog.frameworks.values() {
        for c in &fw.controls {
            if let Some(old) = &c.renamed_from {
                out.insert(qualify(&fw.id, &c.id), qualify(&fw.id, old));
            }
        }
    }
    out
}

/// Compare obligations before and after. `renamed_from` maps new qualified
/// ids to old ones (see [`renames`]); a pair is matched across a rename only
/// when the old id is gone and the new one did not exist before.
pub fn compare(
    old: &[Obligation],
    new: &[Obligation],
    renamed_from: &BTreeMap<String, String>,
) -> Changes {
    let old_by: BTreeMap<&str, &Obligation> = old.iter().map(|o| (o.id.as_str(), o)).collect();
    let new_ids: BTreeSet<&str> = new.iter().map(|o| o.id.as_str()).collect();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    let mut out = Changes::default();
    for n in new {
        let mut from = None;
        let before = match old_by.get(n.id.as_str()) {
            Some(o) => Some(*o),
            None => renamed_from
                .get(&n.id)
                .filter(|o| !new_ids.contains(o.as_str()))
                .and_then(|o| old_by.get(o.as_str()).copied())
                .inspect(|o| from = Some(o.id.clone())),
        };
        let Some(o) = before else {
            let change = Change {
                id: n.id.clone(),
                renamed_from: None,
                change: if n.status == Status::Gap {
                    ChangeKind::NewGap
                } else {
                    ChangeKind::Added
                },
                old: None,
                new: Some(State::of(n)),
            };
            if change.change == ChangeKind::NewGap {
                out.regressions.push(change);
            } else {
                out.changes.push(change);
            }
            continue;
        };
        matched.insert(o.id.as_str());
        let kind = if n.status.rank() < o.status.rank() {
            ChangeKind::Lowered
        } else if n.status.rank() > o.status.rank() {
            ChangeKind::Raised
        } else if n.status != o.status {
            ChangeKind::Status
        } else if n.deliverables != o.deliverables {
            ChangeKind::Explanation
        } else if from.is_some() {
            ChangeKind::Renamed
        } else {
            continue;
        };
        let change = Change {
            id: n.id.clone(),
            renamed_from: from,
            change: kind,
            old: Some(State::of(o)),
            new: Some(State::of(n)),
        };
        match kind {
            ChangeKind::Lowered => out.regressions.push(change),
            ChangeKind::Raised => out.improvements.push(change),
            _ => out.changes.push(change),
        }
    }
    for o in old {
        if !matched.contains(o.id.as_str()) && !new_ids.contains(o.id.as_str()) {
            out.changes.push(Change {
                id: o.id.clone(),
                renamed_from: None,
                change: ChangeKind::Removed,
                old: Some(State::of(o)),
                new: None,
            });
        }
    }
    for list in [
        &mut out.regressions,
        &mut out.improvements,
        &mut out.changes,
    ] {
        list.sort_by(|a, b| natural_cmp(&a.id, &b.id));
    }
    out
}

/// Differences in the headers of two snapshots, in words ("snapshot" is
/// `old`, "now" is `new`). None of them fails a check.
pub fn header_notes(old: &Snapshot, new: &Snapshot) -> Vec<String> {
    let mut notes = Vec::new();
    if old.ctrlmap_version != new.ctrlmap_version {
        notes.push(format!(
            "the snapshot was written by ctrlmap {}; this is ctrlmap {}",
            or_unknown(&old.ctrlmap_version),
            new.ctrlmap_version
        ));
    }
    if old.contract != new.contract {
        notes.push(format!(
            "contract name: `{}` in the snapshot, `{}` now",
            old.contract, new.contract
        ));
    }
    let old_fw: BTreeMap<&str, &str> = old
        .frameworks
        .iter()
        .map(|f| (f.id.as_str(), f.version.as_str()))
        .collect();
    let new_fw: BTreeMap<&str, &str> = new
        .frameworks
        .iter()
        .map(|f| (f.id.as_str(), f.version.as_str()))
        .collect();
    for (id, v) in &new_fw {
        match old_fw.get(id) {
            None => notes.push(format!(
                "framework `{id}` is in scope now, not in the snapshot"
            )),
            Some(ov) if ov != v => notes.push(format!(
                "framework `{id}`: version `{ov}` in the snapshot, `{v}` now"
            )),
            Some(_) => {}
        }
    }
    for id in old_fw.keys().filter(|id| !new_fw.contains_key(*id)) {
        notes.push(format!(
            "framework `{id}` is in the snapshot, no longer in scope"
        ));
    }
    if old.deliverable_catalog != new.deliverable_catalog {
        let show = |c: &Option<super::snapshot::CatalogVersion>| {
            c.as_ref()
                .map_or("none".to_string(), |c| format!("{} {}", c.id, c.version))
        };
        notes.push(format!(
            "deliverable catalog: `{}` in the snapshot, `{}` now",
            show(&old.deliverable_catalog),
            show(&new.deliverable_catalog)
        ));
    }
    notes
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() {
        "(unknown)"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ob(id: &str, status: Status, ds: &[&str]) -> Obligation {
        Obligation {
            id: id.into(),
            status,
            deliverables: ds.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn groups_by_rank() {
        let old = [
            ob("f:1", Status::Covered, &["a"]),
            ob("f:2", Status::Partial, &["b"]),
            ob("f:3", Status::Partial, &["b"]),
            ob("f:4", Status::Gap, &[]),
            ob("f:5", Status::Covered, &["a"]),
        ];
        let new = [
            ob("f:1", Status::Partial, &["b"]),
            ob("f:2", Status::Shared, &["c"]),
            ob("f:3", Status::Partial, &["c"]),
            ob("f:5", Status::NotApplicable, &[]),
            ob("f:6", Status::Gap, &[]),
            ob("f:7", Status::Partial, &["a"]),
        ];
        let c = compare(&old, &new, &BTreeMap::new());
        let kinds = |l: &[Change]| {
            l.iter()
                .map(|c| (c.id.clone(), c.change))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(&c.regressions),
            [
                ("f:1".into(), ChangeKind::Lowered),
                ("f:6".into(), ChangeKind::NewGap)
            ]
        );
        assert_eq!(kinds(&c.improvements), [("f:2".into(), ChangeKind::Raised)]);
        assert_eq!(
            kinds(&c.changes),
            [
                ("f:3".into(), ChangeKind::Explanation),
                ("f:4".into(), ChangeKind::Removed),
                ("f:5".into(), ChangeKind::Status),
                ("f:7".into(), ChangeKind::Added),
            ]
        );
        assert_eq!(c.summary(), "2 regressions, 1 improvement, 4 changes");
        assert!(compare(&old, &old, &BTreeMap::new()).is_empty());
    }

    #[test]
    fn renames_pair_old_and_new() {
        let renamed = BTreeMap::from([("f:new".to_string(), "f:old".to_string())]);
        let old = [ob("f:old", Status::Gap, &[])];
        let same = compare(&old, &[ob("f:new", Status::Gap, &[])], &renamed);
        assert_eq!(same.changes.len(), 1);
        assert_eq!(same.changes[0].change, ChangeKind::Renamed);
        assert_eq!(same.changes[0].renamed_from.as_deref(), Some("f:old"));
        let raised = compare(&old, &[ob("f:new", Status::Partial, &["d"])], &renamed);
        assert_eq!(raised.improvements[0].change, ChangeKind::Raised);
        assert_eq!(
            raised.improvements[0].text(),
            "f:new (renamed from f:old): gap -> partial (d)"
        );
        // Both ids present after: no rename, the old one is compared as itself.
        let both = compare(
            &old,
            &[ob("f:old", Status::Gap, &[]), ob("f:new", Status::Gap, &[])],
            &renamed,
        );
        assert_eq!(both.regressions[0].change, ChangeKind::NewGap);
    }
}
