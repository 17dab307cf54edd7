//! ctrlmap in CI: snapshots, checks, diffs and machine-readable results.
//!
//! - [`snapshot`]: the snapshot text (one obligation per line, sorted, with a
//!   header naming the versions) and its parser.
//! - [`compare`]: two snapshots obligation by obligation, grouped into
//!   regressions, improvements and changes; renames are followed.
//! - [`policy`]: the policy file (minimum coverage, maximum gaps, controls
//!   that must be covered) and its evaluation against a report.
//! - [`diff`]: what changed between two contracts or two catalog versions.
//! - [`junit`]: the JUnit XML writer.
//! - [`command`]: clap arguments and handlers of `snapshot`, `check`, `diff`.
//!
//! **Boundary**: only [`command`] and [`policy::load`] touch the file system;
//! everything else works on a [`Report`](crate::report::Report) and a
//! [`Catalog`](crate::model::Catalog).

pub mod command;
pub mod compare;
pub mod diff;
pub mod junit;
pub mod policy;
pub mod snapshot;
