//! ctrlmap maps a managed security service provider's contract onto the
//! compliance frameworks its client is bound by, and says for every obligation
//! whether the provider covers it, and why.
//!
//! The flow: [`catalog`] loads frameworks, crosswalks and deliverables into
//! the [`model`]; [`graph`] joins them; [`contract`] reads a contract;
//! [`coverage`] computes a status with its justification for every obligation;
//! [`report`] renders the result. [`cli`] wires it to the command line.
#![warn(missing_docs)]
// Diagnostics are large values, but they are built only on bad input, never on
// a hot path; boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod assess;
pub mod catalog;
pub mod ci;
pub mod cli;
pub mod contract;
pub mod coverage;
pub mod date;
pub mod diag;
pub mod graph;
pub mod model;
pub mod output;
pub mod param;
pub mod profile;
pub mod quality;
pub mod report;

use std::path::{Path, PathBuf};

pub use coverage::{Coverage, Status};
pub use diag::{Diagnostic, Diagnostics};

/// A loaded catalog with its graph: what every command starts from.
pub struct Engine {
    /// Validated catalog data.
    pub catalog: model::Catalog,
    /// The graph over it.
    pub graph: graph::Graph,
    /// Warnings from loading.
    pub warnings: Diagnostics,
}

impl Engine {
    /// Load the shipped catalogs plus user directories.
    pub fn load(dirs: &[PathBuf]) -> Result<Engine, Diagnostics> {
        let (catalog, warnings) = catalog::load(dirs)?;
        let graph = graph::Graph::build(&catalog);
        Ok(Engine {
            catalog,
            graph,
            warnings,
        })
    }

    /// Read a contract and compute its coverage.
    pub fn assess(
        &self,
        path: &Path,
    ) -> Result<(contract::Contract, Coverage, Diagnostics), Diagnostics> {
        let (contract, mut warnings) = contract::load(path, &self.catalog)?;
        let coverage = coverage::assess(&self.catalog, &self.graph, &contract);
        for pattern in &coverage.unmatched_exclusions {
            if let Some(e) = contract.exclusions.iter().find(|e| &e.pattern == pattern) {
                warnings.push(
                    Diagnostic::warning(
                        diag::Code::UnmatchedExclusion,
                        format!("exclusion `{pattern}` matches no obligation in scope"),
                    )
                    .at(&e.origin.file, e.origin.span.clone())
                    .help("check the id and that its framework is in [[scope]]"),
                );
            }
        }
        Ok((contract, coverage, warnings))
    }

    /// Read a contract and build its report model, without an assessment
    /// date (date-dependent checklist items are `not_stated`).
    pub fn report(&self, path: &Path) -> Result<(report::Report, Diagnostics), Diagnostics> {
        self.report_as_of(path, None)
    }

    /// Read a contract and build its report model, judging dates at `as_of`.
    pub fn report_as_of(
        &self,
        path: &Path,
        as_of: Option<date::Date>,
    ) -> Result<(report::Report, Diagnostics), Diagnostics> {
        let (contract, coverage, mut warnings) = self.assess(path)?;
        let report = report::Report::new_as_of(&self.catalog, &contract, coverage, as_of);
        warnings.extend(assess::warnings(&contract, &report.assessment));
        Ok((report, warnings))
    }

    /// Read a contract and assess the provider: checklist, tier, type, flags.
    pub fn provider_assessment(
        &self,
        path: &Path,
        as_of: Option<date::Date>,
    ) -> Result<(assess::AssessReport, Diagnostics), Diagnostics> {
        let (contract, mut warnings) = contract::load(path, &self.catalog)?;
        let report = assess::AssessReport::new(&self.catalog, &contract, as_of);
        warnings.extend(assess::warnings(&contract, &report.assessment));
        Ok((report, warnings))
    }
}
