//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ctrlmap::Engine;

/// The assessment date of every snapshot that shows the provider assessment,
/// so that no snapshot depends on the day the tests run.
pub const AS_OF: &str = "2026-12-01";

/// The project root: tests run with relative paths from here.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped catalogs, loaded once.
pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| match Engine::load(&[]) {
        Ok(e) => e,
        Err(d) => panic!("shipped catalogs do not load:\n{}", render(&d)),
    })
}

/// Render diagnostics as plain text.
pub fn render(d: &ctrlmap::Diagnostics) -> String {
    d.0.iter()
        .map(|x| x.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Read a CSV from `tests/reference/` as rows of fields (naive split, no quoted commas in the columns we read).
pub fn reference_csv(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root().join("tests/reference").join(name))
        .unwrap_or_else(|e| panic!("tests/reference/{name}: {e}"));
    let mut rows = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        rows.push(split_csv(line));
    }
    rows
}

fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// An example contract's path, relative to the root.
pub fn example(name: &str) -> PathBuf {
    PathBuf::from("examples").join(name)
}

/// Run the binary from the project root; return "exit: N" with stdout and stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ctrlmap"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A run as one text for snapshots.
pub fn transcript(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    format!(
        "$ ctrlmap {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        args.join(" ")
    )
}
