//! The one integration-test binary (see ARCHITECTURE.md, "Tests").

mod catalogs;
mod ci;
mod cli;
mod engine;
mod errors;
mod support;
