//! Provider type: is this an MSSP engagement, or one of the arrangements that
//! are sold under the name but sit elsewhere (MDR, co-managed SIEM, a
//! reseller's managed-service add-on, a consulting project)?
//!
//! The tests run in a fixed order and the first that fits decides:
//! 1. **consulting**: the terms state an engagement end state;
//! 2. **reseller**: no staffed 24x7 SOC, no documented escalation and no
//!    response-time SLA, all three;
//! 3. **MDR**: active containment is contracted, with no tool management and
//!    no compliance reporting;
//! 4. **co-managed SIEM**: the client owns the SIEM and the provider supplies
//!    analysts;
//! 5. otherwise **MSSP**.

use serde::Serialize;

use crate::contract::Contract;
use crate::profile::FactValue;

use super::tier::{is_24x7, soc_window};

/// The kinds of provider engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderType {
    /// Managed security service provider.
    Mssp,
    /// Managed detection and response.
    Mdr,
    /// MSSP analysts on a client-owned SIEM.
    CoManagedSiem,
    /// A reseller's managed-service add-on.
    Reseller,
    /// A project with a defined end state.
    Consulting,
}

impl ProviderType {
    /// The kebab-case word.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Mssp => "mssp",
            ProviderType::Mdr => "mdr",
            ProviderType::CoManagedSiem => "co-managed-siem",
            ProviderType::Reseller => "reseller",
            ProviderType::Consulting => "consulting",
        }
    }

    /// How people name it.
    pub fn label(self) -> &'static str {
        match self {
            ProviderType::Mssp => "Managed security service provider (MSSP)",
            ProviderType::Mdr => "Managed detection and response (MDR)",
            ProviderType::CoManagedSiem => "MSSP with co-managed SIEM",
            ProviderType::Reseller => "Reseller (VAR) managed-service add-on",
            ProviderType::Consulting => "Consulting engagement",
        }
    }
}

/// Why a type was not chosen.
#[derive(Debug, Clone, Serialize)]
pub struct RuledOut {
    /// The type.
    #[serde(rename = "type")]
    pub kind: ProviderType,
    /// Why not.
    pub reason: String,
}

/// The provider-type assessment.
#[derive(Debug, Clone, Serialize)]
pub struct TypeResult {
    /// The type.
    #[serde(rename = "type")]
    pub kind: ProviderType,
    /// Its name.
    pub label: &'static str,
    /// Why, each with `file:line` where there is one.
    pub reasons: Vec<String>,
    /// The other types and why they do not fit (or lose on precedence).
    pub ruled_out: Vec<RuledOut>,
    /// What follows for the client.
    pub consequences: Vec<String>,
}

/// What the classification reads from the contract.
struct Signals {
    end_state: Option<String>,
    soc: Option<String>,
    staffed_24x7: Result<String, String>,
    escalation: Result<String, String>,
    slas: Vec<String>,
    containment: Option<String>,
    own_sensors: Option<String>,
    tooling: Vec<String>,
    compliance: Vec<String>,
    siem_client: Option<String>,
    analysts: Option<String>,
    frameworks: Vec<String>,
}

fn signals(c: &Contract) -> Signals {
    let p = &c.profile;
    let end_state = p
        .get("terms.engagement_end_state")
        .and_then(|f| match &f.value {
            FactValue::Text(t) if !t.trim().is_empty() => {
                Some(format!("\"{}\" ({})", t.trim(), f.origin.short()))
            }
            _ => None,
        });
    let model = p.text("provider.soc_model");
    let soc = match (soc_window(c), model) {
        (Some((w, at)), m) if !is_24x7(&w) && m != Some("none") => {
            Some(format!("staffed SOC during {w} ({at})"))
        }
        _ => None,
    };
    let staffed_24x7 = match (soc_window(c), model) {
        (_, Some("none")) => Err("the provider states no staffed SOC".to_string()),
        (Some((w, at)), _) if is_24x7(&w) => Ok(format!("staffed 24x7 SOC ({at})")),
        (Some((w, at)), _) => Err(format!("SOC covers {w} only ({at})")),
        (None, _) => Err("no SOC hours stated".to_string()),
    };
    let escalation = match p.get("provider.escalation_tiers_documented") {
        Some(f) if f.value.affirms() => Ok(format!(
            "escalation procedures documented ({})",
            f.origin.short()
        )),
        Some(f) => Err(format!(
            "escalation procedures not documented ({})",
            f.origin.short()
        )),
        None => Err("escalation procedures not stated".to_string()),
    };
    let mut slas = Vec::new();
    for (name, m) in [
        ("MTTD", &c.sla.mttd),
        ("MTTR", &c.sla.mttr),
        ("escalation times", &c.sla.escalation),
    ] {
        if let Some(v) = m.values().next() {
            slas.push(format!("{name} ({})", v.origin.short()));
        }
    }
    if let Some(v) = c.sla.params.get("notification_time") {
        slas.push(format!(
            "notification within {} ({})",
            v.value,
            v.origin.short()
        ));
    }
    let domain = |d: &str| -> Vec<String> {
        c.deliverables
            .iter()
            .filter(|cd| cd.deliverable.domain == d)
            .map(|cd| cd.deliverable.id.clone())
            .collect()
    };
    let containment = c
        .deliverables
        .iter()
        .find(|cd| cd.deliverable.id == "mdr-containment")
        .map(|cd| {
            format!(
                "active containment contracted (`mdr-containment`, {})",
                cd.origin.short()
            )
        });
    let own_sensors = p
        .get("provider.own_sensors")
        .filter(|f| f.value.affirms())
        .map(|f| format!("runs its own sensors ({})", f.origin.short()));
    let siem_client = p
        .get("provider.siem_ownership")
        .filter(|f| matches!(&f.value, FactValue::Text(t) if t == "client"))
        .map(|f| format!("the client owns the SIEM ({})", f.origin.short()));
    let analysts = c
        .deliverables
        .iter()
        .find(|cd| {
            cd.deliverable.id.starts_with("soc-monitoring")
                || cd.deliverable.id == "alert-triage-escalation"
        })
        .map(|cd| {
            format!(
                "the provider supplies analysts (`{}`, {})",
                cd.deliverable.id,
                cd.origin.short()
            )
        })
        .or_else(|| {
            staffed_24x7
                .as_ref()
                .ok()
                .map(|s| format!("the provider supplies analysts ({s})"))
        });
    Signals {
        end_state,
        soc,
        staffed_24x7,
        escalation,
        slas,
        containment,
        own_sensors,
        tooling: domain("tooling"),
        compliance: domain("compliance"),
        siem_client,
        analysts,
        frameworks: c.scope.iter().map(|s| s.framework.clone()).collect(),
    }
}

fn ids(v: &[String]) -> String {
    v.iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Does a type fit? `Ok(reasons)` or `Err(why not)`.
fn test(kind: ProviderType, s: &Signals) -> Result<Vec<String>, String> {
    match kind {
        ProviderType::Consulting => match &s.end_state {
            Some(e) => Ok(vec![format!("the engagement has a defined end state: {e}")]),
            None => Err("no engagement end state is stated".into()),
        },
        ProviderType::Reseller => {
            let present: Vec<&String> = [&s.staffed_24x7, &s.escalation]
                .into_iter()
                .filter_map(|r| r.as_ref().ok())
                .chain(s.slas.first())
                .collect();
            if present.is_empty() {
                let mut reasons: Vec<String> = [&s.staffed_24x7, &s.escalation]
                    .into_iter()
                    .filter_map(|r| r.as_ref().err().cloned())
                    .collect();
                reasons.push(
                    "no response-time SLA (MTTD, MTTR, escalation or notification time)".into(),
                );
                Ok(reasons)
            } else {
                let list: Vec<String> = present.iter().map(|x| x.to_string()).collect();
                Err(format!("it has MSSP markers: {}", list.join("; ")))
            }
        }
        ProviderType::Mdr => {
            let Some(c) = &s.containment else {
                return Err("no active containment is contracted".into());
            };
            let mut not = Vec::new();
            if !s.tooling.is_empty() {
                not.push(format!(
                    "it manages the client's tools ({})",
                    ids(&s.tooling)
                ));
            }
            if !s.compliance.is_empty() {
                not.push(format!("it reports on compliance ({})", ids(&s.compliance)));
            }
            if !not.is_empty() {
                return Err(format!(
                    "containment is contracted, but {}",
                    not.join(" and ")
                ));
            }
            let mut reasons = vec![c.clone()];
            reasons.extend(s.own_sensors.clone());
            reasons.push("no tool management and no compliance reporting".into());
            Ok(reasons)
        }
        ProviderType::CoManagedSiem => match (&s.siem_client, &s.analysts) {
            (Some(o), Some(a)) => Ok(vec![o.clone(), a.clone()]),
            (None, _) => {
                Err("the client does not own the SIEM (or ownership is not stated)".into())
            }
            (Some(_), None) => {
                Err("the client owns the SIEM but the provider supplies no analysts".into())
            }
        },
        ProviderType::Mssp => {
            let mut reasons: Vec<String> = [&s.staffed_24x7, &s.escalation]
                .into_iter()
                .filter_map(|r| r.as_ref().ok().cloned())
                .collect();
            reasons.splice(0..0, s.soc.clone());
            if !s.slas.is_empty() {
                reasons.push(format!("response-time SLAs: {}", s.slas.join(", ")));
            }
            let mut breadth = Vec::new();
            if !s.tooling.is_empty() {
                breadth.push(format!("tool management ({})", ids(&s.tooling)));
            }
            if !s.compliance.is_empty() {
                breadth.push(format!("compliance reporting ({})", ids(&s.compliance)));
            }
            if !breadth.is_empty() {
                reasons.push(format!(
                    "service breadth beyond detection: {}",
                    breadth.join(", ")
                ));
            }
            Ok(reasons)
        }
    }
}

const ORDER: [ProviderType; 5] = [
    ProviderType::Consulting,
    ProviderType::Reseller,
    ProviderType::Mdr,
    ProviderType::CoManagedSiem,
    ProviderType::Mssp,
];

fn consequences(kind: ProviderType, s: &Signals) -> Vec<String> {
    let fws = s.frameworks.join(", ");
    match kind {
        ProviderType::Mssp => vec![
            "A continuous operational service: the checklist and the coverage report show what it does and does not cover.".into(),
        ],
        ProviderType::Mdr => {
            let mut v = vec![
                "The service finds and contains threats and stops there: it does not run the client's security tools or write compliance reports.".to_string(),
            ];
            if !s.frameworks.is_empty() {
                v.push(format!(
                    "With {fws} in scope, the evidence auditors expect still has to come from somewhere: this engagement does not replace a full-service MSSP."
                ));
            }
            v
        }
        ProviderType::CoManagedSiem => vec![
            "Licences, upkeep and the stored logs stay on the client's side.".into(),
            "The contract should say who maintains parsers and detection rules on the client's SIEM.".into(),
            "Changing provider is easier: the SIEM and its history do not leave with the provider.".into(),
        ],
        ProviderType::Reseller => vec![
            "Not an MSSP engagement: without a staffed SOC, documented escalation and SLAs nothing guarantees that alerts are watched or answered.".into(),
            "Do not count it towards obligations that need continuous monitoring or incident response.".into(),
        ],
        ProviderType::Consulting => vec![
            "Episodic: the engagement ends when its end state is delivered; nothing is monitored or answered after that.".into(),
            "Obligations that need continuous monitoring or response are not met by it.".into(),
        ],
    }
}

/// Classify the engagement.
pub fn classify(c: &Contract) -> TypeResult {
    let s = signals(c);
    let results: Vec<(ProviderType, Result<Vec<String>, String>)> =
        ORDER.iter().map(|k| (*k, test(*k, &s))).collect();
    let (kind, reasons) = results
        .iter()
        .find_map(|(k, r)| r.as_ref().ok().map(|r| (*k, r.clone())))
        .unwrap_or((ProviderType::Mssp, Vec::new()));
    let ruled_out = results
        .iter()
        .filter(|(k, _)| *k != kind)
        .map(|(k, r)| RuledOut {
            kind: *k,
            reason: match r {
                Err(why) => why.clone(),
                Ok(_) if *k == ProviderType::Mssp => {
                    format!("the type when no other fits; `{}` fits", kind.as_str())
                }
                Ok(_) => format!("also fits, but `{}` is tested first", kind.as_str()),
            },
        })
        .collect();
    TypeResult {
        kind,
        label: kind.label(),
        reasons,
        ruled_out,
        consequences: consequences(kind, &s),
    }
}
