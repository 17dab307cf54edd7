//! The one integration-test binary (see ARCHITECTURE.md, "Tests").

mod catalogs;
mod cli;
mod engine;
mod errors;
mod params;
mod support;
