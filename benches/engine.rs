//! Performance goals (2-core CI machine, release build):
//! - loading and validating all shipped catalogs and building the graph: < 50 ms
//! - assessing the largest example contract (enterprise hospital): < 100 ms
//! - the whole `report --format json` path for the mid-market example: < 150 ms

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use ctrlmap::Engine;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(c: &mut Criterion) {
    c.bench_function("load catalogs + graph", |b| {
        b.iter(|| Engine::load(&[]).expect("catalogs load"))
    });
}

fn assess(c: &mut Criterion) {
    let engine = Engine::load(&[]).expect("catalogs load");
    for name in [
        "midmarket-healthcare-saas",
        "enterprise-hospital",
        "payment-processor",
    ] {
        let path = root().join("examples").join(format!("{name}.toml"));
        c.bench_function(&format!("assess {name}"), |b| {
            b.iter(|| engine.assess(&path).expect("assesses"))
        });
    }
    let path = root().join("examples/midmarket-healthcare-saas.toml");
    c.bench_function("report json midmarket-healthcare-saas", |b| {
        b.iter(|| engine.report(&path).expect("report").0.to_json())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = load, assess
}
criterion_main!(benches);
