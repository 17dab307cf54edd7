//! The provider side: a due-diligence checklist, the service tier and the
//! provider type, computed from a contract, with the misconceptions the
//! contract's own wording reveals.
//!
//! - [`checklist`]: the checklist file (`frameworks/checklist.toml`) and the
//!   evaluation of each item to `met` / `missing` / `not_stated`.
//! - [`tier`]: ten dimensions, each at basic / mid-market / enterprise, and
//!   the overall tier.
//! - [`provider_type`]: MSSP, MDR, co-managed SIEM, reseller add-on or
//!   consulting, with reasons and consequences.
//! - [`flags`]: misconception flags, an unsupported declared tier, MDR in
//!   place of compliance work.
//!
//! **Boundary**: no I/O. The assessment date comes from the caller; without
//! one, date-dependent items are `not_stated` (the library never reads the
//! clock; the CLI passes today unless `--as-of` is given).

pub mod checklist;
pub mod flags;
pub mod provider_type;
mod render;
pub mod tier;

use serde::Serialize;

use crate::contract::Contract;
use crate::date::Date;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Catalog;

pub use checklist::{Checklist, ChecklistResult, ItemResult, Outcome};
pub use flags::{Flag, FlagKind};
pub use provider_type::{ProviderType, TypeResult};
pub use tier::{Tier, TierResult};

/// The provider assessment of one contract.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// The date ages are judged at; `None` leaves date-dependent items `not_stated`.
    pub as_of: Option<Date>,
    /// The checklist, item by item.
    pub checklist: ChecklistResult,
    /// The service tier.
    pub tier: TierResult,
    /// The provider type.
    pub provider_type: TypeResult,
    /// Raised flags.
    pub flags: Vec<Flag>,
}

/// Assess a contract. A catalog without a checklist gives an empty checklist
/// and no flags; tier and type are still computed.
pub fn assess(catalog: &Catalog, contract: &Contract, as_of: Option<Date>) -> Assessment {
    let empty = Checklist::default();
    let list = catalog.checklist.as_ref().unwrap_or(&empty);
    let checklist = checklist::evaluate(catalog, list, contract, as_of);
    let tier = tier::classify(contract);
    let provider_type = provider_type::classify(contract);
    let flags = flags::raise(list, contract, &tier, &provider_type);
    Assessment {
        as_of,
        checklist,
        tier,
        provider_type,
        flags,
    }
}

/// Diagnostics the assessment gives about the contract itself: a declared
/// tier its terms do not support.
pub fn warnings(contract: &Contract, a: &Assessment) -> Diagnostics {
    let mut out = Diagnostics::default();
    if let (Some(false), Some(declared), Some(f)) = (
        a.tier.declared_supported,
        a.tier.declared,
        contract.profile.get("provider.declared_tier"),
    ) {
        let supported = a
            .tier
            .overall
            .map_or_else(|| "no tier".to_string(), |t| format!("`{t}`"));
        out.push(
            Diagnostic::warning(
                Code::UnsupportedTier,
                format!("the contract declares tier `{declared}`, but its terms support {supported}"),
            )
            .at(&f.origin.file, f.origin.span.clone())
            .label("not supported by the terms")
            .help("`ctrlmap assess` shows each dimension; raise the terms or declare the tier they support"),
        );
    }
    out
}

/// The contract as the assessment shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ContractSummary {
    /// Agreement name.
    pub name: String,
    /// The provider.
    pub provider: String,
    /// The client.
    pub client: String,
    /// Start date.
    pub effective: Option<String>,
    /// End date.
    pub expires: Option<String>,
    /// The contract file as given.
    pub file: String,
    /// Frameworks in scope.
    pub frameworks: Vec<String>,
}

/// What `ctrlmap assess` renders: the contract summary and its assessment.
#[derive(Debug, Clone, Serialize)]
pub struct AssessReport {
    /// ctrlmap's version.
    pub ctrlmap_version: &'static str,
    /// The contract.
    pub contract: ContractSummary,
    /// The assessment.
    pub assessment: Assessment,
}

impl AssessReport {
    /// Build the model.
    pub fn new(catalog: &Catalog, contract: &Contract, as_of: Option<Date>) -> AssessReport {
        AssessReport {
            ctrlmap_version: crate::report::VERSION,
            contract: ContractSummary {
                name: contract.name.clone(),
                provider: contract.provider.clone(),
                client: contract.client.clone(),
                effective: contract.effective.clone(),
                expires: contract.expires.clone(),
                file: contract.file.name.clone(),
                frameworks: contract.scope.iter().map(|s| s.framework.clone()).collect(),
            },
            assessment: assess(catalog, contract, as_of),
        }
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("assessment serializes");
        s.push('\n');
        s
    }

    /// The terminal text.
    pub fn to_table(&self) -> String {
        render::table(self)
    }
}
