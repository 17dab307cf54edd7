//! Flags: misconceptions written into the contract, a declared tier the
//! terms do not support, and an MDR engagement standing in for compliance
//! work.
//!
//! Text flags scan `terms.promises` (line by line) and `[contract] notes`
//! (sentence by sentence) for word patterns from the checklist file. A pattern
//! is a sequence of word stems that must occur in order in one line, other
//! words allowed in between; a stem of four or more characters matches any
//! word it begins (`prevent` matches `prevents`, `prevention`), a shorter one
//! only itself (`no` does not match `not`). A match preceded in its line
//! by a negation (`not`, `no`, `cannot`, `n't`, `nor`, `never`, `neither`,
//! `disclaim...`) is a disclaimer and does not count.
//!
//! A flag whose definition the checklist file leaves out is not raised.

use serde::Serialize;

use crate::contract::Contract;
use crate::model::Origin;
use crate::profile::FactValue;

use super::checklist::{Checklist, FlagDef};
use super::provider_type::{ProviderType, TypeResult};
use super::tier::TierResult;

/// Breach-prevention language.
pub const BREACH_PROMISE: &str = "breach-prevention-promise";
/// The provider's SOC 2 report taken for the client's compliance.
pub const SOC2_AS_CLIENT: &str = "soc2-as-client-compliance";
/// No statement of what internal staff keep.
pub const INTERNAL_UNSTATED: &str = "internal-responsibilities-unstated";
/// A declared tier the terms do not support.
pub const DECLARED_TIER: &str = "declared-tier-unsupported";
/// MDR with compliance frameworks in scope.
pub const MDR_SUBSTITUTE: &str = "mdr-not-compliance-substitute";

/// Every flag id the checklist file may define.
pub const FLAG_IDS: &[&str] = &[
    BREACH_PROMISE,
    SOC2_AS_CLIENT,
    INTERNAL_UNSTATED,
    DECLARED_TIER,
    MDR_SUBSTITUTE,
];

/// What a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// A common misconception about MSSPs, written into the contract.
    Misconception,
    /// The service tier.
    Tier,
    /// The provider type.
    ProviderType,
}

/// A raised flag.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: FlagKind,
    /// Title.
    pub title: String,
    /// What in this contract raised it.
    pub message: String,
    /// `file:line`, where there is one.
    pub at: Option<String>,
    /// Why it matters.
    pub explanation: String,
}

/// Lower-case words; letters and digits split apart (`SOC2` = `soc 2`).
pub fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digit = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            let d = ch.is_numeric();
            if !cur.is_empty() && d != digit {
                out.push(std::mem::take(&mut cur));
            }
            digit = d;
            cur.push(ch);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const NEGATIONS: &[&str] = &["not", "no", "cannot", "t", "nor", "never", "neither"];

fn negation(word: &str) -> bool {
    NEGATIONS.contains(&word) || word.starts_with("disclaim")
}

/// Does a stem match a word? A stem of four or more characters matches any
/// word it begins; a shorter one (`no`, `all`, `soc`, `2`) only itself.
fn stem_matches(stem: &str, word: &str) -> bool {
    if stem.chars().count() < 4 {
        word == stem
    } else {
        word.starts_with(stem)
    }
}

/// Does `pattern` occur in `line` (stems in order, gaps allowed) without a
/// negation before it?
pub fn matches(pattern: &[String], line: &[String]) -> bool {
    // Try every start of the pattern's first stem; the earliest full match
    // from a start decides for that start.
    (0..line.len())
        .filter(|&i| stem_matches(&pattern[0], &line[i]))
        .any(|start| {
            let mut j = start + 1;
            for stem in &pattern[1..] {
                match line[j..].iter().position(|w| stem_matches(stem, w)) {
                    Some(k) => j += k + 1,
                    None => return false,
                }
            }
            !line[..start].iter().any(|w| negation(w))
        })
}

/// The lines a text flag scans: promises, then the sentences of the notes.
fn lines(c: &Contract) -> Vec<(String, Origin)> {
    let mut out = Vec::new();
    if let Some(f) = c.profile.get("terms.promises") {
        if let FactValue::List(v) = &f.value {
            for (i, line) in v.iter().enumerate() {
                let origin = f.items.get(i).cloned().unwrap_or_else(|| f.origin.clone());
                out.push((line.clone(), origin));
            }
        }
    }
    if let Some(f) = c.profile.get("contract.notes") {
        if let FactValue::Text(t) = &f.value {
            for sentence in t.split(['.', ';', '!', '?', '\n']) {
                if !sentence.trim().is_empty() {
                    out.push((sentence.trim().to_string(), f.origin.clone()));
                }
            }
        }
    }
    out
}

fn flag(def: &FlagDef, kind: FlagKind, message: String, at: Option<String>) -> Flag {
    Flag {
        id: def.id.clone(),
        kind,
        title: def.title.clone(),
        message,
        at,
        explanation: def.explanation.clone(),
    }
}

fn scan(def: &FlagDef, lines: &[(String, Origin)], what: &str) -> Vec<Flag> {
    let mut out = Vec::new();
    for (line, origin) in lines {
        let words = tokens(line);
        if def.patterns.iter().any(|p| matches(p, &words)) {
            out.push(flag(
                def,
                FlagKind::Misconception,
                format!("\"{}\" {what}", line.trim()),
                Some(origin.short()),
            ));
        }
    }
    out
}

/// Raise the flags for a contract.
pub fn raise(
    checklist: &Checklist,
    c: &Contract,
    tier: &TierResult,
    kind: &TypeResult,
) -> Vec<Flag> {
    let mut out = Vec::new();
    let text = lines(c);
    let fws: Vec<&str> = c.scope.iter().map(|s| s.framework.as_str()).collect();

    if let Some(def) = checklist.flags.get(BREACH_PROMISE) {
        out.extend(scan(
            def,
            &text,
            "promises an outcome; SLAs can bind detection and response times, not the absence of breaches",
        ));
    }

    if let Some(def) = checklist.flags.get(SOC2_AS_CLIENT) {
        let found = scan(
            def,
            &text,
            "treats the provider's SOC 2 report as the client's compliance",
        );
        if found.is_empty() && !fws.is_empty() {
            let compliance = c
                .deliverables
                .iter()
                .any(|cd| cd.deliverable.domain == "compliance");
            let mappings = c
                .profile
                .get("provider.framework_mappings")
                .is_some_and(|f| f.value.affirms());
            if let (Some(f), false, false) = (
                c.profile.get("provider.soc2_report_date"),
                compliance,
                mappings,
            ) {
                out.push(flag(
                    def,
                    FlagKind::Misconception,
                    format!(
                        "the provider's SOC 2 report is the only compliance evidence in the contract, with {} in scope and no framework mapping or compliance reporting",
                        fws.join(", ")
                    ),
                    Some(f.origin.short()),
                ));
            }
        }
        out.extend(found);
    }

    if let Some(def) = checklist.flags.get(INTERNAL_UNSTATED) {
        let field = "terms.internal_responsibilities";
        match c.profile.get(field) {
            None => out.push(flag(
                def,
                FlagKind::Misconception,
                format!("the contract does not state what the client's own staff remain responsible for (`{field}`)"),
                None,
            )),
            Some(f) if !f.value.affirms() => out.push(flag(
                def,
                FlagKind::Misconception,
                format!("`{field}` is empty"),
                Some(f.origin.short()),
            )),
            Some(f) => {
                let all = f.value.to_string().to_lowercase();
                let lacking: Vec<&str> = def
                    .areas
                    .iter()
                    .filter(|a| !a.keywords.iter().any(|k| all.contains(k.as_str())))
                    .map(|a| a.name.as_str())
                    .collect();
                if !lacking.is_empty() {
                    out.push(flag(
                        def,
                        FlagKind::Misconception,
                        format!(
                            "`{field}` does not mention {}",
                            lacking.join(", ")
                        ),
                        Some(f.origin.short()),
                    ));
                }
            }
        }
    }

    if let (Some(def), Some(false), Some(declared)) = (
        checklist.flags.get(DECLARED_TIER),
        tier.declared_supported,
        tier.declared,
    ) {
        let below: Vec<String> = tier
            .dimensions
            .iter()
            .filter_map(|d| {
                d.tier
                    .filter(|t| *t < declared)
                    .map(|t| format!("{} ({t})", d.id))
            })
            .collect();
        let overall = tier
            .overall
            .map_or_else(|| "no tier".to_string(), |t| format!("`{t}`"));
        out.push(flag(
            def,
            FlagKind::Tier,
            format!(
                "declared `{declared}`, but the terms support {overall}; below {declared}: {}",
                below.join(", ")
            ),
            tier.declared_at.clone(),
        ));
    }

    if let (Some(def), ProviderType::Mdr, false) = (
        checklist.flags.get(MDR_SUBSTITUTE),
        kind.kind,
        fws.is_empty(),
    ) {
        let at = c
            .deliverables
            .iter()
            .find(|cd| cd.deliverable.id == "mdr-containment")
            .map(|cd| cd.origin.short());
        out.push(flag(
            def,
            FlagKind::ProviderType,
            format!(
                "an MDR engagement with {} in scope: it produces no compliance documentation for them",
                fws.join(", ")
            ),
            at,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, line: &str) -> bool {
        matches(&tokens(pattern), &tokens(line))
    }

    #[test]
    fn tokens_split_words_and_digits() {
        assert_eq!(tokens("SOC2 Type-II"), ["soc", "2", "type", "ii"]);
        assert_eq!(tokens("100% breach-free!"), ["100", "breach", "free"]);
        assert_eq!(tokens("doesn't"), ["doesn", "t"]);
    }

    #[test]
    fn patterns_match_stems_in_order() {
        assert!(m(
            "prevent all breach",
            "We will prevent all data breaches."
        ));
        assert!(m(
            "guarantee no breach",
            "Provider guarantees that no breach will occur"
        ));
        assert!(!m(
            "guarantee no breach",
            "No breach will occur, guaranteed"
        ));
        assert!(m("never breach", "Your network will never be breached"));
        assert!(m(
            "soc 2 client compliant",
            "The SOC2 report makes the Client compliant"
        ));
        assert!(!m(
            "prevent all breach",
            "detect breaches and prevent all escalation"
        ));
    }

    #[test]
    fn disclaimers_do_not_count() {
        assert!(!m(
            "prevent all breach",
            "No service can prevent all breaches."
        ));
        assert!(!m(
            "guarantee no breach",
            "The provider does not guarantee that no breach occurs."
        ));
        assert!(!m(
            "guarantee no breach",
            "Provider doesn't guarantee no breach"
        ));
        assert!(!m(
            "prevent all breach",
            "Provider disclaims any promise to prevent all breaches"
        ));
        assert!(!m(
            "no breach will",
            "We do not promise that no breach will occur."
        ));
        assert!(!m(
            "no breach will",
            "Nothing here says: not a breach will be missed"
        ));
    }
}
