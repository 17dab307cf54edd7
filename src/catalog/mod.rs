//! Loading catalog data: frameworks, crosswalks, the deliverable catalog and
//! the provider due-diligence checklist.
//!
//! The shipped catalogs are compiled into the binary (`frameworks/` via
//! `include_dir`). `--catalog DIR` adds files, and a file there with the same
//! relative path as a shipped one replaces it.
//!
//! **Invariant**: loading never panics; it returns the catalog and warnings, or
//! every error it found (not just the first), each with file, line and column.

mod raw;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use toml::Spanned;

use crate::diag::{did_you_mean, from_toml_error, Code, Diagnostic, Diagnostics, SourceFile};
use crate::model::*;
use crate::param::{self, Op, Value};

pub(crate) use raw::{RawDeliverable, RawEvidence, RawImplements};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/frameworks");

/// The shipped catalog files: `(relative path, text)`, sorted by path.
pub fn embedded_files() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    collect_embedded(&EMBEDDED, &mut out);
    out.sort();
    out
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static str)>) {
    for f in dir.files() {
        if f.path().extension().is_some_and(|e| e == "toml") {
            if let Some(text) = f.contents_utf8() {
                out.push((f.path().to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// The catalog files to load, after applying user directories: relative path -> file.
pub fn gather(dirs: &[PathBuf]) -> Result<BTreeMap<String, Arc<SourceFile>>, Diagnostics> {
    let mut files: BTreeMap<String, Arc<SourceFile>> = embedded_files()
        .into_iter()
        .map(|(rel, text)| {
            let name = format!("frameworks/{rel}");
            (rel, SourceFile::new(name, text))
        })
        .collect();
    let mut diags = Diagnostics::default();
    for dir in dirs {
        if !dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    Code::Io,
                    format!(
                        "catalog directory `{}` does not exist or is not a directory",
                        dir.display()
                    ),
                )
                .help("pass a directory that holds framework, crosswalk or deliverable TOML files"),
            );
            continue;
        }
        let mut found = Vec::new();
        if let Err(e) = walk_toml(dir, &mut found) {
            diags.push(Diagnostic::error(
                Code::Io,
                format!("cannot read `{}`: {e}", dir.display()),
            ));
            continue;
        }
        found.sort();
        for path in found {
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    files.insert(rel, SourceFile::new(path.display().to_string(), text));
                }
                Err(e) => diags.push(Diagnostic::error(
                    Code::Io,
                    format!("cannot read `{}`: {e}", path.display()),
                )),
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(files)
    }
}

fn walk_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk_toml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Load and validate the shipped catalogs plus `dirs`.
///
/// Returns the catalog with its warnings, or all errors.
pub fn load(dirs: &[PathBuf]) -> Result<(Catalog, Diagnostics), Diagnostics> {
    let files = gather(dirs)?;
    load_files(files.values().cloned())
}

/// Load and validate catalog data from the given files.
pub fn load_files(
    files: impl IntoIterator<Item = Arc<SourceFile>>,
) -> Result<(Catalog, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut frameworks_raw = Vec::new();
    let mut crosswalks_raw = Vec::new();
    let mut deliverables_raw = Vec::new();
    let mut checklists_raw = Vec::new();

    for file in files {
        let sniff: raw::Sniff = match toml::from_str(&file.text) {
            Ok(s) => s,
            Err(e) => {
                diags.push(from_toml_error(&file, &e));
                continue;
            }
        };
        let kinds = [
            sniff.framework.is_some(),
            sniff.crosswalk.is_some(),
            sniff.catalog.is_some(),
            sniff.checklist.is_some(),
        ];
        match kinds {
            [true, false, false, false] => match toml::from_str::<raw::FrameworkFile>(&file.text) {
                Ok(r) => frameworks_raw.push((file, r)),
                Err(e) => diags.push(from_toml_error(&file, &e)),
            },
            [false, true, false, false] => match toml::from_str::<raw::CrosswalkFile>(&file.text) {
                Ok(r) => crosswalks_raw.push((file, r)),
                Err(e) => diags.push(from_toml_error(&file, &e)),
            },
            [false, false, true, false] => match toml::from_str::<raw::DeliverableFile>(&file.text) {
                Ok(r) => deliverables_raw.push((file, r)),
                Err(e) => diags.push(from_toml_error(&file, &e)),
            },
            [false, false, false, true] => match crate::assess::checklist::parse(&file) {
                Ok(r) => checklists_raw.push((file, r)),
                Err(d) => diags.push(d),
            },
            _ => diags.push(
                Diagnostic::error(
                    Code::UnknownFileKind,
                    "a catalog file must have exactly one of the tables [framework], [crosswalk], [catalog] or [checklist]",
                )
                .in_file(file.name.clone())
.help("see docs/data-format.md for the four file formats"),
            ),
        }
    }

    let mut frameworks: BTreeMap<String, Framework> = BTreeMap::new();
    for (file, r) in frameworks_raw {
        if let Some(prev) = frameworks.get(r.framework.id.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("framework `{}` is defined twice", r.framework.id.get_ref()),
                )
                .at(&file, r.framework.id.span())
                .help(format!("it is also defined in {}", prev.file.name)),
            );
            continue;
        }
        if let Some(fw) = validate_framework(&file, r, &mut diags) {
            frameworks.insert(fw.id.clone(), fw);
        }
    }

    let mut crosswalks = BTreeMap::new();
    for (file, r) in crosswalks_raw {
        if crosswalks.contains_key(r.crosswalk.id.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("crosswalk `{}` is defined twice", r.crosswalk.id.get_ref()),
                )
                .at(&file, r.crosswalk.id.span()),
            );
            continue;
        }
        if let Some(cw) = validate_crosswalk(&file, r, &frameworks, &mut diags) {
            crosswalks.insert(cw.id.clone(), cw);
        }
    }

    let mut deliverables: BTreeMap<String, Deliverable> = BTreeMap::new();
    let mut deliverable_catalog = None;
    for (file, r) in deliverables_raw {
        deliverable_catalog = Some(DeliverableCatalogInfo {
            id: r.catalog.id,
            name: r.catalog.name,
            version: r.catalog.version,
            publisher: r.catalog.publisher,
        });
        for d in r.deliverable {
            let span = d.span();
            let d = d.into_inner();
            if let Some(prev) = deliverables.get(d.id.get_ref()) {
                diags.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("deliverable `{}` is defined twice", d.id.get_ref()),
                    )
                    .at(&file, d.id.span())
                    .help(format!("first defined at {}", prev.origin.short())),
                );
                continue;
            }
            if let Some(d) = validate_deliverable(&file, span, d, &frameworks, &mut diags) {
                deliverables.insert(d.id.clone(), d);
            }
        }
    }

    let mut checklist = None;
    for (file, r) in checklists_raw {
        if checklist.is_some() {
            diags.push(
                Diagnostic::error(Code::DuplicateId, "a second [checklist] file is loaded")
                    .in_file(file.name.clone())
                    .help("keep one checklist; to replace the shipped one, use the relative path `checklist.toml`"),
            );
            continue;
        }
        checklist =
            crate::assess::checklist::validate(&file, r, &frameworks, &deliverables, &mut diags);
    }

    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((
        Catalog {
            frameworks,
            crosswalks,
            deliverables,
            deliverable_catalog,
            checklist,
        },
        diags,
    ))
}

fn origin(file: &Arc<SourceFile>, span: std::ops::Range<usize>) -> Origin {
    Origin {
        file: Arc::clone(file),
        span,
    }
}

pub(crate) fn bad_word(
    file: &Arc<SourceFile>,
    what: &str,
    value: &Spanned<String>,
    allowed: &[&str],
) -> Diagnostic {
    let hint = did_you_mean(value.get_ref(), allowed.iter().copied());
    let list = allowed
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::error(
        Code::InvalidValue,
        format!("`{}` is not a valid {what}", value.get_ref()),
    )
    .at(file, value.span())
    .label(format!("not a {what}"))
    .help(match hint {
        Some(h) => format!("{h} ({what} is one of {list})"),
        None => format!("{what} is one of {list}"),
    })
}

fn validate_framework(
    file: &Arc<SourceFile>,
    r: raw::FrameworkFile,
    diags: &mut Diagnostics,
) -> Option<Framework> {
    let h = r.framework;
    let fw_id = h.id.get_ref().clone();
    let mut errors = false;
    if fw_id.is_empty()
        || !fw_id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        diags.push(
            Diagnostic::error(Code::InvalidValue, format!("`{fw_id}` is not a valid framework id"))
                .at(file, h.id.span())
                .help("use lower-case letters, digits, `.` and `-`, with the version, e.g. `nist-csf-2.0`"),
        );
        errors = true;
    }

    let mut selectors = Vec::new();
    for s in h.selector {
        let span = s.span();
        let s = s.into_inner();
        let invalid =
            |msg: &str| Diagnostic::error(Code::InvalidSelector, msg).at(file, span.clone());
        let kind = match s.kind.get_ref().as_str() {
            "any_of" => match &s.default {
                None => Ok(s.always.clone()),
                Some(toml::Value::Array(a)) => Ok(a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()),
                Some(_) => Err(invalid(
                    "an `any_of` selector's default must be a list of strings",
                )),
            }
            .map(|default| SelectorKind::AnyOf {
                always: s.always.clone(),
                default,
            }),
            "choice" => match &s.default {
                Some(toml::Value::String(d)) if s.options.contains_key(d) => {
                    Ok(SelectorKind::Choice {
                        options: s.options.clone(),
                        default: d.clone(),
                    })
                }
                _ => Err(invalid(
                    "a `choice` selector needs a `default` that is one of its options",
                )
                .help(format!(
                    "set `default` to one of: {}",
                    s.options
                        .keys()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            },
            "flag" => match &s.value {
                Some(value) => Ok(SelectorKind::Flag {
                    value: value.clone(),
                    default: s
                        .default
                        .as_ref()
                        .and_then(toml::Value::as_bool)
                        .unwrap_or(false),
                }),
                None => Err(invalid("a `flag` selector needs a `value`")),
            },
            _ => Err(bad_word(
                file,
                "selector kind",
                &s.kind,
                &["any_of", "choice", "flag"],
            )),
        };
        let kind = match kind {
            Ok(k) => k,
            Err(d) => {
                diags.push(d);
                errors = true;
                continue;
            }
        };
        let values = match &kind {
            SelectorKind::Choice { options, .. } if s.values.is_empty() => {
                options.keys().cloned().collect()
            }
            _ => s.values,
        };
        selectors.push(Selector {
            name: s.name,
            attribute: s.attribute,
            values,
            kind,
        });
    }

    let mut controls: Vec<Control> = Vec::with_capacity(r.control.len());
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut parent_spans: BTreeMap<usize, std::ops::Range<usize>> = BTreeMap::new();
    for c in r.control {
        let span = c.span();
        let c = c.into_inner();
        let id = c.id.get_ref().clone();
        if let Some(&prev) = index.get(&id) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("control `{id}` is defined twice in `{fw_id}`"),
                )
                .at(file, c.id.span())
                .label("second definition")
                .help(format!(
                    "first defined at {}",
                    controls[prev].origin.short()
                )),
            );
            errors = true;
            continue;
        }
        let mut attributes = BTreeMap::new();
        if let Some(req) = &c.requirement {
            if !["required", "addressable"].contains(&req.get_ref().as_str()) {
                diags.push(bad_word(
                    file,
                    "requirement",
                    req,
                    &["required", "addressable"],
                ));
                errors = true;
            }
            attributes.insert("requirement".to_string(), req.get_ref().clone());
        }
        if let Some(level) = c.level {
            attributes.insert("level".to_string(), level.to_string());
        }
        if let Some(cat) = &c.category {
            attributes.insert("category".to_string(), cat.clone());
        }
        if let Some(a) = &c.applies_to {
            let allowed = ["all", "service_provider", "designated_entity"];
            if !allowed.contains(&a.get_ref().as_str()) {
                diags.push(bad_word(file, "applies_to value", a, &allowed));
                errors = true;
            }
            attributes.insert("applies_to".to_string(), a.get_ref().clone());
        }
        let mut params = Vec::new();
        for p in c.param {
            match validate_demand(file, p.into_inner()) {
                Ok(d) => params.push(d),
                Err(d) => {
                    diags.push(d);
                    errors = true;
                }
            }
        }
        index.insert(id.clone(), controls.len());
        controls.push(Control {
            id,
            title: c.title,
            parent: c.parent.as_ref().map(|p| p.get_ref().clone()),
            children: Vec::new(),
            kind: c.kind,
            attributes,
            reference: c.reference,
            future_dated: c.future_dated,
            effective_from: c.effective_from,
            renamed_from: c.renamed_from,
            params,
            origin: origin(file, span),
        });
        if let Some(p) = &c.parent {
            parent_spans.insert(controls.len() - 1, p.span());
        }
    }

    // Parents exist; children lists.
    let ids: Vec<&str> = controls.iter().map(|c| c.id.as_str()).collect();
    let mut children: Vec<(usize, String)> = Vec::new();
    for (ci, c) in controls.iter().enumerate() {
        if let Some(p) = &c.parent {
            match index.get(p) {
                Some(&pi) => children.push((pi, c.id.clone())),
                None => {
                    let hint = did_you_mean(p, ids.iter().copied());
                    let mut d = Diagnostic::error(
                        Code::DanglingParent,
                        format!(
                            "control `{}` names parent `{p}`, which is not in `{fw_id}`",
                            c.id
                        ),
                    )
                    .at(file, parent_span(&parent_spans, &controls, ci))
                    .label("no such control");
                    d =
                        d.help(hint.unwrap_or_else(|| {
                            "define the parent control, or remove `parent`".into()
                        }));
                    diags.push(d);
                    errors = true;
                }
            }
        }
    }
    for (pi, child) in children {
        controls[pi].children.push(child);
    }

    // Cycles: follow parents; a walk longer than the number of controls loops.
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for (ci, c) in controls.iter().enumerate() {
        let mut seen = vec![c.id.as_str()];
        let mut cur = c.parent.as_deref();
        while let Some(p) = cur {
            if p == c.id {
                let mut cycle: Vec<&str> = seen.clone();
                cycle.sort();
                if reported.insert(cycle.join(",")) {
                    seen.push(p);
                    diags.push(
                        Diagnostic::error(
                            Code::HierarchyCycle,
                            format!(
                                "the parents of `{}` form a cycle: {}",
                                c.id,
                                seen.join(" -> ")
                            ),
                        )
                        .at(file, parent_span(&parent_spans, &controls, ci))
                        .label("closes the cycle")
                        .help("a control cannot be its own ancestor; fix one of the `parent` keys"),
                    );
                }
                errors = true;
                break;
            }
            if seen.contains(&p) || seen.len() > controls.len() {
                break; // a cycle above us, reported from one of its members
            }
            seen.push(p);
            cur = index.get(p).and_then(|&i| controls[i].parent.as_deref());
        }
    }

    let mut deadlines = Vec::new();
    for d in h.deadline {
        let within = match &d.within {
            None => None,
            Some(w) => match param::parse_duration(w.get_ref()) {
                Ok(v) => Some(v),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(Code::InvalidParam, format!("deadline `{}`: {e}", d.id))
                            .at(file, w.span())
                            .help("write a duration such as `72 hours`, or leave `within` out when the rule fixes none"),
                    );
                    errors = true;
                    None
                }
            },
        };
        if let Some(w) = &d.when_in_scope {
            if !index.contains_key(w.get_ref()) {
                let hint = did_you_mean(w.get_ref(), index.keys().map(String::as_str));
                diags.push(
                    Diagnostic::error(
                        Code::UnknownControl,
                        format!("`{fw_id}` has no control `{}`", w.get_ref()),
                    )
                    .at(file, w.span())
                    .help(hint.unwrap_or_else(|| "name a control of this framework".into())),
                );
                errors = true;
            }
        }
        deadlines.push(Deadline {
            id: d.id,
            notify: d.notify,
            within,
            clause: d.clause,
            note: d.note,
            when_in_scope: d.when_in_scope.map(Spanned::into_inner),
        });
    }

    if errors {
        return None;
    }
    Some(Framework {
        deadlines,
        short_name: h.short_name.unwrap_or_else(|| fw_id.clone()),
        id: fw_id,
        name: h.name,
        version: h.version,
        publisher: h.publisher,
        published: h.published,
        source: h.source,
        licence: h.licence,
        obligation_kinds: h.obligation_kinds,
        selectors,
        controls,
        index,
        file: Arc::clone(file),
    })
}

fn validate_demand(file: &Arc<SourceFile>, p: raw::RawDemand) -> Result<Demand, Diagnostic> {
    let def = param_def(file, &p.name)?;
    let op =
        Op::parse(p.op.get_ref()).ok_or_else(|| bad_word(file, "comparison", &p.op, Op::WORDS))?;
    let value = Value::parse(p.value.get_ref(), def.kind).map_err(|e| {
        Diagnostic::error(Code::InvalidParam, format!("parameter `{}`: {e}", def.name))
            .at(file, p.value.span())
            .help(format!("`{}` takes {}", def.name, def.kind))
    })?;
    Ok(Demand {
        name: def.name.to_string(),
        op,
        value,
        clause: p.clause,
    })
}

fn param_def(
    file: &Arc<SourceFile>,
    name: &Spanned<String>,
) -> Result<&'static param::ParamDef, Diagnostic> {
    param::definition(name.get_ref()).ok_or_else(|| {
        let hint = did_you_mean(name.get_ref(), param::VOCABULARY.iter().map(|d| d.name));
        Diagnostic::error(
            Code::InvalidParam,
            format!("unknown parameter `{}`", name.get_ref()),
        )
        .at(file, name.span())
        .help(hint.unwrap_or_else(|| {
            format!(
                "known parameters: {}",
                param::VOCABULARY
                    .iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }))
    })
}

/// A control's `parent` key, or the control itself when it has none.
fn parent_span(
    parent_spans: &BTreeMap<usize, std::ops::Range<usize>>,
    controls: &[Control],
    ci: usize,
) -> std::ops::Range<usize> {
    parent_spans
        .get(&ci)
        .cloned()
        .unwrap_or_else(|| controls[ci].origin.span.clone())
}

/// Parse a `provides`-style table of parameter values.
pub(crate) fn validate_provides(
    file: &Arc<SourceFile>,
    provides: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Provided> {
    let mut out = BTreeMap::new();
    for (name, value) in provides {
        let def = match param_def(file, &name) {
            Ok(d) => d,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match Value::parse(value.get_ref(), def.kind) {
            Ok(v) => {
                out.insert(
                    def.name.to_string(),
                    Provided {
                        value: v,
                        origin: origin(file, value.span()),
                    },
                );
            }
            Err(e) => diags.push(
                Diagnostic::error(Code::InvalidParam, format!("parameter `{}`: {e}", def.name))
                    .at(file, value.span())
                    .help(format!("`{}` takes {}", def.name, def.kind)),
            ),
        }
    }
    out
}

/// "unknown framework `x`" with a suggestion, or the list of loaded frameworks.
/// Callers add the location.
pub(crate) fn unknown_framework(
    name: &str,
    frameworks: &BTreeMap<String, Framework>,
) -> Diagnostic {
    let hint = did_you_mean(name, frameworks.keys().map(String::as_str));
    Diagnostic::error(
        Code::UnknownFramework,
        format!("unknown framework `{name}`"),
    )
    .label("not a loaded framework")
    .help(hint.unwrap_or_else(|| {
        format!(
            "loaded frameworks: {}",
            frameworks.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    }))
}

/// Resolve a qualified control id written by a user, with a suggestion when it fails.
pub(crate) fn resolve_control(
    file: &Arc<SourceFile>,
    id: &Spanned<String>,
    frameworks: &BTreeMap<String, Framework>,
) -> Result<String, Diagnostic> {
    let text = id.get_ref().trim();
    let Some((fw, cid)) = text.split_once(':') else {
        let owners: Vec<&str> = frameworks
            .values()
            .filter(|f| f.index.contains_key(text))
            .map(|f| f.id.as_str())
            .collect();
        let help = match owners.as_slice() {
            [one] => format!("did you mean `{one}:{text}`?"),
            _ => "write the control as `framework:control`, e.g. `nist-csf-2.0:DE.CM-01`".into(),
        };
        return Err(Diagnostic::error(
            Code::UnknownControl,
            format!("`{text}` is not a qualified control id"),
        )
        .at(file, id.span())
        .help(help));
    };
    let Some(f) = frameworks.get(fw) else {
        return Err(unknown_framework(fw, frameworks).at(file, id.span()));
    };
    if f.index.contains_key(cid) {
        return Ok(qualify(fw, cid));
    }
    let hint = did_you_mean(cid, f.index.keys().map(String::as_str))
        .map(|h| h.replace("`", "").replace("did you mean ", ""))
        .map(|c| format!("did you mean `{fw}:{}`", c.trim_end_matches('?')) + "?");
    Err(Diagnostic::error(
        Code::UnknownControl,
        format!("`{fw}` has no control `{cid}`"),
    )
    .at(file, id.span())
    .label("unknown control")
    .help(
        hint.unwrap_or_else(|| format!("`ctrlmap frameworks --controls {fw}` lists its controls")),
    ))
}

fn validate_crosswalk(
    file: &Arc<SourceFile>,
    r: raw::CrosswalkFile,
    frameworks: &BTreeMap<String, Framework>,
    diags: &mut Diagnostics,
) -> Option<Crosswalk> {
    let h = r.crosswalk;
    let mut errors = false;
    let mut fw_of = |id: &Spanned<String>| -> Option<String> {
        if frameworks.contains_key(id.get_ref()) {
            Some(id.get_ref().clone())
        } else {
            diags.push(unknown_framework(id.get_ref(), frameworks).at(file, id.span()));
            None
        }
    };
    let (Some(from_fw), Some(to_fw)) = (fw_of(&h.from), fw_of(&h.to)) else {
        return None;
    };
    let judgement = h.publisher.eq_ignore_ascii_case("ctrlmap");
    let default_relation = match &h.default_relation {
        None => None,
        Some(w) => match Relation::parse(w.get_ref()) {
            Some(r) => Some(r),
            None => {
                diags.push(bad_word(file, "relation", w, Relation::WORDS));
                return None;
            }
        },
    };
    let mut edges = Vec::with_capacity(r.edge.len());
    for e in r.edge {
        let span = e.span();
        let e = e.into_inner();
        let mut resolve = |fw: &str, id: &Spanned<String>| -> Option<String> {
            let f = &frameworks[fw];
            if f.index.contains_key(id.get_ref()) {
                return Some(qualify(fw, id.get_ref()));
            }
            let hint = did_you_mean(id.get_ref(), f.index.keys().map(String::as_str));
            diags.push(
                Diagnostic::error(
                    Code::DanglingCrosswalk,
                    format!(
                        "crosswalk edge points at `{fw}:{}`, which does not exist",
                        id.get_ref()
                    ),
                )
                .at(file, id.span())
                .label("no such control")
                .help(hint.unwrap_or_else(|| format!("check the id against the `{fw}` catalog"))),
            );
            None
        };
        let from = resolve(&from_fw, &e.from);
        let to = resolve(&to_fw, &e.to);
        let relation = match (&e.relation, default_relation) {
            (Some(w), _) => match Relation::parse(w.get_ref()) {
                Some(r) => Some(r),
                None => {
                    diags.push(bad_word(file, "relation", w, Relation::WORDS));
                    None
                }
            },
            (None, Some(r)) => Some(r),
            (None, None) => {
                diags.push(
                    Diagnostic::error(
                        Code::MissingField,
                        "edge has no `relation` and the crosswalk no `default_relation`",
                    )
                    .at(file, span.clone())
                    .help(format!(
                        "add `relation = ...`, one of {}",
                        Relation::WORDS.join(", ")
                    )),
                );
                None
            }
        };
        if judgement && e.rationale.as_deref().is_none_or(|r| r.trim().is_empty()) {
            diags.push(
                Diagnostic::error(
                    Code::MissingRationale,
                    "an edge of ctrlmap's own judgement needs a one-line `rationale`",
                )
                .at(file, span.clone())
                .help("say why the two controls overlap, in one line"),
            );
            errors = true;
        }
        match (from, to, relation) {
            (Some(from), Some(to), Some(relation)) => edges.push(CrosswalkEdge {
                from,
                to,
                relation,
                rationale: e.rationale,
                origin: origin(file, span),
            }),
            _ => errors = true,
        }
    }
    if errors {
        return None;
    }
    Some(Crosswalk {
        id: h.id.into_inner(),
        from: from_fw,
        to: to_fw,
        source: h.source,
        publisher: h.publisher,
        title: h.title,
        year: h.year,
        url: h.url,
        notes: h.notes,
        edges,
        file: Arc::clone(file),
    })
}

/// Validate one deliverable (from the catalog or inline in a contract).
pub(crate) fn validate_deliverable(
    file: &Arc<SourceFile>,
    span: std::ops::Range<usize>,
    d: RawDeliverable,
    frameworks: &BTreeMap<String, Framework>,
    diags: &mut Diagnostics,
) -> Option<Deliverable> {
    let before = diags.error_count();
    if !DOMAINS.contains(&d.domain.get_ref().as_str()) {
        diags.push(bad_word(file, "service domain", &d.domain, DOMAINS));
    }
    if let Some(l) = &d.layer {
        if !LAYERS.contains(&l.get_ref().as_str()) {
            diags.push(bad_word(file, "operational layer", l, LAYERS));
        }
    }
    let provides = validate_provides(file, d.provides, diags);
    let mut implements = Vec::new();
    for i in d.implements {
        let ispan = i.span();
        let i = i.into_inner();
        let control = resolve_control(file, &i.control, frameworks)
            .map_err(|e| diags.push(e))
            .ok()
            .filter(|q| {
                let Some((fw, c)) = q.split_once(':').and_then(|(f, c)| Some((frameworks.get(f)?, c))) else {
                    return false;
                };
                let Some(ctl) = fw.control(c) else { return false };
                if fw.is_obligation(ctl) {
                    return true;
                }
                let below: Vec<String> = fw
                    .controls
                    .iter()
                    .filter(|x| fw.is_obligation(x) && x.parent.as_deref() == Some(c))
                    .map(|x| format!("`{}:{}`", fw.id, x.id))
                    .collect();
                diags.push(
                    Diagnostic::error(
                        Code::GroupEdge,
                        format!("`{q}` is a group node ({}), not an obligation: implementing it covers nothing", ctl.kind),
                    )
                    .at(file, i.control.span())
                    .label("group node")
                    .help(if below.is_empty() {
                        "name the obligations the deliverable meets".to_string()
                    } else {
                        format!("name the obligations it meets, e.g. {}", below.iter().take(5).cloned().collect::<Vec<_>>().join(", "))
                    }),
                );
                false
            });
        let degree = Degree::parse(i.degree.get_ref());
        if degree.is_none() {
            diags.push(bad_word(file, "degree", &i.degree, Degree::WORDS));
        }
        let responsibility = Responsibility::parse(i.responsibility.get_ref());
        if responsibility.is_none() {
            diags.push(bad_word(
                file,
                "responsibility",
                &i.responsibility,
                Responsibility::WORDS,
            ));
        }
        if let (Some(control), Some(degree), Some(responsibility)) =
            (control, degree, responsibility)
        {
            implements.push(Implements {
                control,
                degree,
                responsibility,
                rationale: i.rationale,
                origin: origin(file, ispan),
            });
        }
    }
    let evidence = d
        .evidence
        .into_iter()
        .map(|e| Evidence {
            name: e.name,
            frequency: e.frequency,
            format: e.format,
            owner: e.owner,
        })
        .collect();
    if diags.error_count() > before {
        return None;
    }
    Some(Deliverable {
        id: d.id.into_inner(),
        name: d.name,
        domain: d.domain.into_inner(),
        layer: d.layer.map(Spanned::into_inner),
        description: d.description,
        provides,
        implements,
        evidence,
        origin: origin(file, span),
    })
}
