//! The snapshot text: a contract's coverage as one obligation per line.
//!
//! ```text
//! # ctrlmap coverage snapshot, format 1
//! # one line per obligation: id, status, deliverables that give the status
//! # ctrlmap: 0.1.0
//! # contract: Managed log monitoring agreement
//! # framework: hipaa-security 45 CFR Part 164 Subpart C (as of 2026-03-13)
//! # deliverables: mssp-deliverables 2026.12
//! # totals: hipaa-security: 50 obligations, 1 covered, 0 shared, 12 partial, 37 gap, 0 not applicable, coverage 2.0%
//! hipaa-security:164.308(a)(1)(ii)(A) gap
//! hipaa-security:164.308(a)(1)(ii)(D) partial log-collection,soc-monitoring-8x5
//! ```
//!
//! A line is `QUALIFIED-ID STATUS [DELIVERABLES]`: the deliverables are those
//! whose chain gives the obligation its status, comma-separated and sorted.
//! Lines are in natural order of the id (`10.2` after `9.1`). The header names
//! the versions that made it; `# totals:` lines are for readers and are
//! recomputed from the lines when a file is read. Nothing in it depends on
//! time, machine or path, so the same inputs give the same bytes.
//!
//! **Invariant**: [`parse`] of [`Snapshot::to_text`] gives the snapshot back,
//! and parsing never panics: every problem is a diagnostic with its line and
//! column.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::coverage::{Status, Totals};
use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, SourceFile};
use crate::model::Catalog;
use crate::report::{percent, Report};

/// The snapshot format this version of ctrlmap writes and reads.
pub const FORMAT: u32 = 1;

const MAGIC: &str = "# ctrlmap coverage snapshot, format ";

/// Every status word, in rank order.
pub const STATUS_WORDS: &[&str] = &["gap", "partial", "shared", "covered", "not_applicable"];

/// Parse a status word as written in snapshots, reports and policies.
pub fn parse_status(s: &str) -> Option<Status> {
    Some(match s {
        "gap" => Status::Gap,
        "partial" => Status::Partial,
        "shared" => Status::Shared,
        "covered" => Status::Covered,
        "not_applicable" => Status::NotApplicable,
        _ => return None,
    })
}

/// The coverage of one contract, reduced to what a reviewer diffs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// Snapshot format ([`FORMAT`]).
    pub format: u32,
    /// Version of ctrlmap that wrote it.
    pub ctrlmap_version: String,
    /// The contract's name (not its path).
    pub contract: String,
    /// Frameworks in scope, by id, with the catalog version and the totals.
    pub frameworks: Vec<FrameworkEntry>,
    /// Id and version of the deliverable catalog.
    pub deliverable_catalog: Option<CatalogVersion>,
    /// One entry per obligation in scope, in natural id order.
    pub obligations: Vec<Obligation>,
}

/// A framework in a snapshot's header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkEntry {
    /// Framework id.
    pub id: String,
    /// Catalog version of the framework.
    pub version: String,
    /// Counts computed from the obligation lines.
    pub totals: Totals,
}

/// Id and version of a catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogVersion {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
}

/// One obligation line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// Qualified id.
    pub id: String,
    /// Status.
    pub status: Status,
    /// Deliverables whose chain gives this status, sorted.
    pub deliverables: Vec<String>,
}

impl Obligation {
    /// The framework part of the id.
    pub fn framework(&self) -> &str {
        self.id.split_once(':').map_or("", |(f, _)| f)
    }
}

impl Snapshot {
    /// The snapshot of a report: every obligation in scope.
    pub fn new(catalog: &Catalog, report: &Report) -> Snapshot {
        let mut obligations = Vec::new();
        let mut versions = BTreeMap::new();
        for f in &report.frameworks {
            versions.insert(f.id.clone(), f.version.clone());
            for c in f.controls.iter().filter(|c| c.obligation) {
                let deliverables: BTreeSet<String> = c
                    .via
                    .iter()
                    .filter(|ch| ch.status == c.status)
                    .map(|ch| ch.deliverable.clone())
                    .collect();
                obligations.push(Obligation {
                    id: c.id.clone(),
                    status: c.status,
                    deliverables: deliverables.into_iter().collect(),
                });
            }
        }
        Snapshot::assemble(
            report.ctrlmap_version.to_string(),
            report.contract.name.clone(),
            versions,
            catalog
                .deliverable_catalog
                .as_ref()
                .map(|d| CatalogVersion {
                    id: d.id.clone(),
                    version: d.version.clone(),
                }),
            obligations,
        )
    }

    fn assemble(
        ctrlmap_version: String,
        contract: String,
        versions: BTreeMap<String, String>,
        deliverable_catalog: Option<CatalogVersion>,
        mut obligations: Vec<Obligation>,
    ) -> Snapshot {
        obligations.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        let frameworks = versions
            .into_iter()
            .map(|(id, version)| {
                let totals = tally(
                    obligations
                        .iter()
                        .filter(|o| o.framework() == id)
                        .map(|o| o.status),
                );
                FrameworkEntry {
                    id,
                    version,
                    totals,
                }
            })
            .collect();
        Snapshot {
            format: FORMAT,
            ctrlmap_version,
            contract,
            frameworks,
            deliverable_catalog,
            obligations,
        }
    }

    /// The text form, newline-terminated.
    pub fn to_text(&self) -> String {
        let mut s = format!("{MAGIC}{}\n", self.format);
        s.push_str("# one line per obligation: id, status, deliverables that give the status\n");
        s.push_str(&format!("# ctrlmap: {}\n", one_line(&self.ctrlmap_version)));
        s.push_str(&format!("# contract: {}\n", one_line(&self.contract)));
        for f in &self.frameworks {
            s.push_str(&format!(
                "# framework: {} {}\n",
                encode(&f.id),
                one_line(&f.version)
            ));
        }
        if let Some(d) = &self.deliverable_catalog {
            s.push_str(&format!(
                "# deliverables: {} {}\n",
                encode(&d.id),
                one_line(&d.version)
            ));
        }
        for f in &self.frameworks {
            let t = &f.totals;
            s.push_str(&format!(
                "# totals: {}: {} obligations, {} covered, {} shared, {} partial, {} gap, {} not applicable, coverage {}\n",
                f.id, t.obligations, t.covered, t.shared, t.partial, t.gap, t.not_applicable, percent(t.coverage_pct)
            ));
        }
        for o in &self.obligations {
            s.push_str(&encode(&o.id));
            s.push(' ');
            s.push_str(o.status.as_str());
            if !o.deliverables.is_empty() {
                s.push(' ');
                let ds: Vec<String> = o.deliverables.iter().map(|d| encode(d)).collect();
                s.push_str(&ds.join(","));
            }
            s.push('\n');
        }
        s
    }

    /// The JSON form, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("snapshot serializes");
        s.push('\n');
        s
    }
}

/// Counts by status, computed like the report's totals.
pub fn tally(statuses: impl IntoIterator<Item = Status>) -> Totals {
    let mut t = Totals::default();
    for s in statuses {
        t.obligations += 1;
        match s {
            Status::Covered => t.covered += 1,
            Status::Shared => t.shared += 1,
            Status::Partial => t.partial += 1,
            Status::Gap => t.gap += 1,
            Status::NotApplicable => t.not_applicable += 1,
        }
    }
    let applicable = t.obligations - t.not_applicable;
    t.coverage_pct = (applicable > 0)
        .then(|| ((t.covered + t.shared) as f64 * 1000.0 / applicable as f64).round() / 10.0);
    t
}

/// Header values stay on one line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// Ids are written as single tokens: whitespace, control characters, `,`
/// and `%` are percent-encoded (no shipped id has any of them).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_whitespace() || ch.is_control() || ch == ',' || ch == '%' {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Natural order: runs of digits compare as numbers, so `pci:2.1` sorts
/// before `pci:10.1`; equal keys fall back to byte order.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn run(s: &str) -> (&str, &str) {
        let digits = s.starts_with(|c: char| c.is_ascii_digit());
        let end = s
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(s.len());
        s.split_at(end)
    }
    let (mut x, mut y) = (a, b);
    while !x.is_empty() && !y.is_empty() {
        let ((rx, tx), (ry, ty)) = (run(x), run(y));
        let numeric = rx.starts_with(|c: char| c.is_ascii_digit())
            && ry.starts_with(|c: char| c.is_ascii_digit());
        let ord = if numeric {
            let (nx, ny) = (rx.trim_start_matches('0'), ry.trim_start_matches('0'));
            nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny))
        } else {
            rx.cmp(ry)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        (x, y) = (tx, ty);
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

/// The generic hint for a broken snapshot; `check` names the real paths.
pub const REGENERATE: &str = "regenerate it with `ctrlmap check CONTRACT --snapshot FILE --update`";

/// Read a snapshot file. Returns every problem found, each at its line and
/// column; `regenerate` is the hint that tells how to write a fresh one (see
/// [`REGENERATE`]).
pub fn parse(file: &Arc<SourceFile>, regenerate: &str) -> Result<Snapshot, Diagnostics> {
    let mut diags = Diagnostics::default();
    let text = file.text.as_str();

    let mut ctrlmap_version = String::new();
    let mut contract = String::new();
    let mut versions: BTreeMap<String, String> = BTreeMap::new();
    let mut deliverable_catalog = None;
    let mut obligations: Vec<Obligation> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();

    let mut offset = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let at = |from: usize, len: usize| start + from..start + from + len.max(1);
        if n == 0 {
            let Some(v) = line.strip_prefix(MAGIC) else {
                diags.push(
                    Diagnostic::error(
                        Code::SnapshotSyntax,
                        "this is not a ctrlmap snapshot: the first line must be the snapshot header",
                    )
                    .at(file, at(0, line.len()))
                    .label("expected `# ctrlmap coverage snapshot, format 1`")
                    .help(regenerate),
                );
                return Err(diags);
            };
            if v.trim() != FORMAT.to_string() {
                diags.push(
                    Diagnostic::error(
                        Code::SnapshotSyntax,
                        format!(
                            "snapshot format `{}` is not one this ctrlmap reads (format {FORMAT})",
                            v.trim()
                        ),
                    )
                    .at(file, at(MAGIC.len(), v.len()))
                    .help(regenerate),
                );
                return Err(diags);
            }
            continue;
        }
        if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
            .iter()
            .any(|m| line.starts_with(m))
        {
            // One diagnostic is enough: the lines between the markers are
            // not worth reading.
            diags.push(
                Diagnostic::error(
                    Code::SnapshotSyntax,
                    "merge conflict marker in the snapshot",
                )
                .at(file, at(0, line.len()))
                .label("unresolved merge conflict")
                .help(format!(
                    "do not merge snapshots by hand: merge the contract, then {regenerate}"
                )),
            );
            return Err(diags);
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start();
            if let Some(v) = comment.strip_prefix("ctrlmap:") {
                ctrlmap_version = v.trim().to_string();
            } else if let Some(v) = comment.strip_prefix("contract:") {
                contract = v.trim().to_string();
            } else if let Some(v) = comment.strip_prefix("framework:") {
                let (id, version) = v.trim().split_once(' ').unwrap_or((v.trim(), ""));
                versions.insert(decode(id).unwrap_or_default(), version.trim().to_string());
            } else if let Some(v) = comment.strip_prefix("deliverables:") {
                let (id, version) = v.trim().split_once(' ').unwrap_or((v.trim(), ""));
                deliverable_catalog = Some(CatalogVersion {
                    id: decode(id).unwrap_or_default(),
                    version: version.trim().to_string(),
                });
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<(usize, &str)> = line
            .split_whitespace()
            .map(|f| (f.as_ptr() as usize - line.as_ptr() as usize, f))
            .collect();
        if fields.len() < 2 || fields.len() > 3 {
            diags.push(
                Diagnostic::error(
                    Code::SnapshotSyntax,
                    format!(
                        "an obligation line has 2 or 3 fields, this one has {}",
                        fields.len()
                    ),
                )
                .at(file, at(0, line.len()))
                .label("expected `QUALIFIED-ID STATUS [DELIVERABLE,...]`")
                .help(regenerate),
            );
            continue;
        }
        let (id_at, id_raw) = fields[0];
        let Some(id) = decode(id_raw).filter(|id| id.contains(':')) else {
            diags.push(
                Diagnostic::error(
                    Code::SnapshotSyntax,
                    format!("`{id_raw}` is not a qualified control id"),
                )
                .at(file, at(id_at, id_raw.len()))
                .label("expected `framework:control`")
                .help(regenerate),
            );
            continue;
        };
        let (st_at, st_raw) = fields[1];
        let Some(status) = parse_status(st_raw) else {
            let hint = did_you_mean(st_raw, STATUS_WORDS.iter().copied());
            let words = STATUS_WORDS.join(", ");
            diags.push(
                Diagnostic::error(Code::SnapshotSyntax, format!("`{st_raw}` is not a status"))
                    .at(file, at(st_at, st_raw.len()))
                    .label("unknown status")
                    .help(match hint {
                        Some(h) => format!("{h} (a status is one of {words})"),
                        None => format!("a status is one of {words}"),
                    }),
            );
            continue;
        };
        let mut deliverables = Vec::new();
        if let Some(&(d_at, d_raw)) = fields.get(2) {
            for part in d_raw.split(',') {
                match decode(part).filter(|d| !d.is_empty()) {
                    Some(d) => deliverables.push(d),
                    None => {
                        diags.push(
                            Diagnostic::error(
                                Code::SnapshotSyntax,
                                format!(
                                    "`{d_raw}` is not a comma-separated list of deliverable ids"
                                ),
                            )
                            .at(file, at(d_at, d_raw.len()))
                            .help(regenerate),
                        );
                        break;
                    }
                }
            }
            deliverables.sort();
            deliverables.dedup();
        }
        if let Some(first) = seen.insert(id.clone(), n + 1) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("obligation `{id}` appears twice in the snapshot"),
                )
                .at(file, at(id_at, id_raw.len()))
                .label("second line")
                .help(format!("first on line {first}; {regenerate}")),
            );
            continue;
        }
        let framework = id.split_once(':').map_or("", |(f, _)| f);
        if !versions.contains_key(framework) {
            diags.push(
                Diagnostic::error(
                    Code::SnapshotSyntax,
                    format!("framework `{framework}` is not listed in the snapshot header"),
                )
                .at(file, at(id_at, id_raw.len()))
                .help(format!(
                    "the header needs a line `# framework: {framework} VERSION`; {regenerate}"
                )),
            );
            continue;
        }
        obligations.push(Obligation {
            id,
            status,
            deliverables,
        });
    }
    if text.is_empty() {
        diags.push(
            Diagnostic::error(Code::SnapshotSyntax, "the snapshot file is empty")
                .in_file(file.name.clone())
                .help(regenerate),
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Snapshot::assemble(
        ctrlmap_version,
        contract,
        versions,
        deliverable_catalog,
        obligations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers() {
        let mut v = vec![
            "p:10.1", "p:9.2", "p:A1.1", "p:1.10", "p:1.9", "p:1.9.1", "p:01.9",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            ["p:01.9", "p:1.9", "p:1.9.1", "p:1.10", "p:9.2", "p:10.1", "p:A1.1"]
        );
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_eq!(natural_cmp("a", "ab"), Ordering::Less);
    }

    #[test]
    fn ids_with_separators_round_trip() {
        for s in ["plain", "a b", "x,y", "100%", "tab\there", "é"] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
            assert!(!encode(s).contains([' ', ',', '\t']));
        }
    }

    #[test]
    fn text_round_trips() {
        let snap = Snapshot::assemble(
            "9.9.9".into(),
            "An agreement".into(),
            BTreeMap::from([("fw".to_string(), "1 (draft)".to_string())]),
            Some(CatalogVersion {
                id: "cat".into(),
                version: "2".into(),
            }),
            vec![
                Obligation {
                    id: "fw:10".into(),
                    status: Status::Covered,
                    deliverables: vec!["a b".into(), "c".into()],
                },
                Obligation {
                    id: "fw:9".into(),
                    status: Status::Gap,
                    deliverables: vec![],
                },
            ],
        );
        let text = snap.to_text();
        let back = parse(&SourceFile::new("s.snap", text), REGENERATE).unwrap();
        assert_eq!(back, snap);
        assert_eq!(back.obligations[0].id, "fw:9");
        assert_eq!(back.frameworks[0].totals.coverage_pct, Some(50.0));
    }
}
