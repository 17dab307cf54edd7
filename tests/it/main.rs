//! The one integration-test binary (see ARCHITECTURE.md, "Tests").

mod assess;
mod catalogs;
mod cli;
mod engine;
mod errors;
mod support;
