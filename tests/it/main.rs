//! The one integration-test binary (see ARCHITECTURE.md, "Tests").

mod assess;
mod catalogs;
mod ci;
mod cli;
mod documents;
mod engine;
mod errors;
mod params;
mod support;
