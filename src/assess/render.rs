//! The terminal rendering of a provider assessment.

use std::fmt::Write as _;

use super::AssessReport;

fn pad(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

/// Plain text, one line per dimension, item and flag.
pub(super) fn table(r: &AssessReport) -> String {
    let a = &r.assessment;
    let c = &r.contract;
    let mut out = String::new();
    let _ = writeln!(out, "{} -> {} ({})", c.provider, c.client, c.name);
    let as_of = a
        .as_of
        .map_or_else(|| "no date given".to_string(), |d| d.to_string());
    let fws = if c.frameworks.is_empty() {
        "none".to_string()
    } else {
        c.frameworks.join(", ")
    };
    let _ = writeln!(
        out,
        "contract {}; frameworks: {fws}; assessed as of {as_of}",
        c.file
    );

    let t = &a.provider_type;
    let _ = writeln!(out, "\nProvider type: {}", t.label);
    for reason in &t.reasons {
        let _ = writeln!(out, "  - {reason}");
    }
    for q in &t.consequences {
        let _ = writeln!(out, "  => {q}");
    }

    let tier = &a.tier;
    let overall = tier.overall.map_or("none", |t| t.as_str());
    let declared = match (tier.declared, tier.declared_supported) {
        (Some(d), Some(true)) => format!("; declared {d}, supported"),
        (Some(d), _) => format!("; declared {d}, NOT supported"),
        (None, _) => String::new(),
    };
    let _ = writeln!(
        out,
        "\nService tier: {overall} ({} of {} dimensions stated: {} basic, {} mid-market, {} enterprise{declared})",
        tier.stated,
        tier.dimensions.len(),
        tier.counts.basic,
        tier.counts.mid_market,
        tier.counts.enterprise,
    );
    let wt = tier
        .dimensions
        .iter()
        .map(|d| d.title.len())
        .max()
        .unwrap_or(0)
        .max("dimension".len());
    let _ = writeln!(out, "{}  {}  basis", pad("dimension", wt), pad("tier", 10));
    let _ = writeln!(out, "{}", "-".repeat(wt + 2 + 10 + 2 + 5));
    for d in &tier.dimensions {
        let at = if d.at.is_empty() {
            String::new()
        } else {
            format!(" [{}]", d.at.join(", "))
        };
        let _ = writeln!(
            out,
            "{}  {}  {}{at}",
            pad(d.title, wt),
            pad(d.tier.map_or("-", |t| t.as_str()), 10),
            d.basis
        );
    }
    let _ = writeln!(out, "overall = {}", tier.rule);

    let ck = &a.checklist;
    let _ = writeln!(
        out,
        "\nDue-diligence checklist: {} met, {} missing, {} not stated ({} items)",
        ck.totals.met, ck.totals.missing, ck.totals.not_stated, ck.totals.items
    );
    let wi = ck
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| i.id.len())
        .max()
        .unwrap_or(0);
    for s in &ck.sections {
        let _ = writeln!(
            out,
            "{} ({} met, {} missing, {} not stated)",
            s.title, s.totals.met, s.totals.missing, s.totals.not_stated
        );
        for i in &s.items {
            let at = i.at.as_ref().map_or(String::new(), |a| format!(" [{a}]"));
            let _ = writeln!(
                out,
                "  {}  {}  {}{at}",
                pad(i.outcome.as_str(), 10),
                pad(&i.id, wi),
                i.reason
            );
        }
    }

    if a.flags.is_empty() {
        let _ = writeln!(out, "\nFlags: none");
    } else {
        let _ = writeln!(out, "\nFlags ({})", a.flags.len());
        for f in &a.flags {
            let at = f.at.as_ref().map_or(String::new(), |a| format!(" [{a}]"));
            let _ = writeln!(out, "  ! {}: {}{at}", f.id, f.title);
            let _ = writeln!(out, "    {}", f.message);
        }
    }
    out
}
