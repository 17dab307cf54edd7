//! Catalogs and templates are compiled in with `include_dir!`; tell cargo to
//! rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=frameworks");
    println!("cargo:rerun-if-changed=templates");
}
