//! Writing outputs: atomically, never over an input, never over an existing
//! file without `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::{Code, Diagnostic};

/// Directories and files this run reads (`--catalog`, `--templates`):
/// outputs may never land in or on them.
static PROTECTED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Register input directories or files that no output may overwrite.
pub fn protect(paths: impl IntoIterator<Item = PathBuf>) {
    let mut p = PROTECTED.lock().unwrap_or_else(|e| e.into_inner());
    p.extend(paths.into_iter().filter_map(|x| x.canonicalize().ok()));
}

fn inside_protected(target: &Path) -> Option<PathBuf> {
    let p = PROTECTED.lock().unwrap_or_else(|e| e.into_inner());
    p.iter().find(|dir| target.starts_with(dir)).cloned()
}

/// Write `bytes` to `path` atomically (a temporary file in the same
/// directory, then a rename).
///
/// Refuses a directory, an existing file without `force`, and any of `inputs`.
pub fn write(path: &Path, bytes: &[u8], force: bool, inputs: &[&Path]) -> Result<(), Diagnostic> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(
            Diagnostic::error(Code::Io, format!("output path `{shown}` is a directory"))
                .help("give a file name, e.g. `--out report.md`"),
        );
    }
    if let Ok(target) = path.canonicalize() {
        for input in inputs {
            if input.canonicalize().is_ok_and(|i| i == target) {
                return Err(Diagnostic::error(
                    Code::OutputIsInput,
                    format!("output path `{shown}` is an input"),
                )
                .help("ctrlmap never overwrites its inputs; choose another output file"));
            }
        }
    }
    let resolved = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dir.canonicalize().ok().map(|d| d.join(name))
        }
        _ => None,
    };
    if let Some(input) = resolved.as_deref().and_then(inside_protected) {
        return Err(Diagnostic::error(
            Code::OutputIsInput,
            format!("output path `{shown}` is inside the input `{}`", input.display()),
        )
        .help("ctrlmap never writes into a catalog or template directory it reads; choose another output path"));
    }
    if path.exists() && !force {
        return Err(
            Diagnostic::error(Code::OutputExists, format!("`{shown}` exists"))
                .help("pass --force to replace it, or choose another output file"),
        );
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Diagnostic::error(
            Code::Io,
            format!("directory `{}` does not exist", dir.display()),
        )
        .help("create it first, or choose another output path"));
    }
    // Name the user's path, not the temporary file's.
    let io = |e: std::io::Error| {
        Diagnostic::error(Code::Io, format!("cannot write `{shown}`: {}", e.kind()))
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".ctrlmap-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    // A temporary file is private (0600); give the output the permissions of
    // the file it replaces, or the usual 0644 for a new one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
