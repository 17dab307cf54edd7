//! The command line: clap definitions and thin handlers.
//!
//! Exit codes: 0 ok, 1 a check failed, 2 bad input or usage. Results go to
//! stdout, diagnostics to stderr; a closed stdout pipe is not an error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::report::templates::Templates;
use crate::Engine;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, checks passed.
    Ok = 0,
    /// 1: a check failed (validation problems, coverage regression).
    CheckFailed = 1,
    /// 2: bad input or usage.
    BadInput = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Map an MSSP contract onto the compliance frameworks its client is bound by.
#[derive(Debug, Parser)]
#[command(name = "ctrlmap", version, about, long_about = None)]
#[command(after_help = "Exit status: 0 ok, 1 a check failed, 2 bad input or usage.")]
pub struct Cli {
    /// Extra catalog directory; its files add to or replace the shipped ones (repeatable).
    #[arg(long, global = true, value_name = "DIR")]
    pub catalog: Vec<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One row per framework.
    Table,
    /// The report model as JSON.
    Json,
    /// The gap document (Markdown, from `templates/gap.md.j2`).
    Md,
}

/// Provider assessment formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AssessFormat {
    /// Provider type, tier dimensions, checklist and flags as text.
    Table,
    /// The assessment model as JSON.
    Json,
    /// The assessment document (Markdown, from `templates/assess.md.j2`).
    Md,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Coverage of a contract: a table, JSON, or the gap document.
    Report {
        /// The contract TOML.
        contract: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write to this file instead of stdout (atomically).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        /// Directory whose templates take precedence over the shipped ones.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Date the provider assessment judges report ages at (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Assess the provider: due-diligence checklist, service tier, provider type and flags.
    Assess {
        /// The contract TOML.
        contract: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = AssessFormat::Table)]
        format: AssessFormat,
        /// Date report ages are judged at (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Write to this file instead of stdout (atomically).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        /// Directory whose templates take precedence over the shipped ones.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// The chain of deliverables, crosswalk edges and comparisons behind one verdict.
    Explain {
        /// The contract TOML.
        contract: PathBuf,
        /// Qualified control id, e.g. `hipaa-security:164.312(b)`.
        control: String,
    },
    /// List loaded frameworks with their counts.
    Frameworks {
        /// List the controls of this framework instead.
        #[arg(long, value_name = "FRAMEWORK")]
        controls: Option<String>,
    },
    /// List the MSSP deliverable catalog.
    Deliverables,
    /// Check the catalog data; exit 1 on problems.
    Validate,
    /// Describe a diagnostic code, or list them all.
    Codes {
        /// A code such as `unknown-control`.
        code: Option<String>,
    },
}

/// Run the binary: parse, dispatch, print diagnostics, return the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::BadInput
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    };
    let (exit, diags) = run(cli);
    print_diagnostics(&diags, color);
    exit.into()
}

fn print_diagnostics(diags: &Diagnostics, color: bool) {
    let mut err = std::io::stderr().lock();
    for d in &diags.0 {
        let _ = writeln!(err, "{}", d.render(color));
    }
    let n = diags.error_count();
    if n > 0 {
        let _ = writeln!(
            err,
            "ctrlmap: {n} {} found",
            crate::diag::plural(n, "error", "errors")
        );
    }
}

/// Write to stdout; a closed pipe is not an error.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Run a parsed command. Returns the exit status and the diagnostics to print.
pub fn run(cli: Cli) -> (Exit, Diagnostics) {
    match dispatch(cli) {
        Ok((exit, diags)) => (exit, diags),
        Err(diags) => (Exit::BadInput, diags),
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

fn dispatch(cli: Cli) -> Result<(Exit, Diagnostics), Diagnostics> {
    if let Command::Codes { code } = &cli.command {
        return codes(code.as_deref()).map(|()| (Exit::Ok, Diagnostics::default()));
    }
    if let Command::Validate = &cli.command {
        return validate(&cli.catalog);
    }
    let engine = Engine::load(&cli.catalog)?;
    let mut warnings = engine.warnings.clone();
    match cli.command {
        Command::Report {
            contract,
            format,
            out,
            force,
            templates,
            as_of,
        } => {
            let as_of = as_of_date(as_of.as_deref())?;
            let (report, w) = engine.report_as_of(&contract, Some(as_of))?;
            warnings.extend(w);
            let text = match format {
                Format::Table => report.to_table(),
                Format::Json => report.to_json(),
                Format::Md => Templates::new(templates.as_deref())
                    .and_then(|t| t.render("gap.md.j2", &report))
                    .map_err(one)?,
            };
            deliver(&text, out.as_deref(), force, &[&contract])?;
        }
        Command::Assess {
            contract,
            format,
            as_of,
            out,
            force,
            templates,
        } => {
            let as_of = as_of_date(as_of.as_deref())?;
            let (report, w) = engine.provider_assessment(&contract, Some(as_of))?;
            warnings.extend(w);
            let text = match format {
                AssessFormat::Table => report.to_table(),
                AssessFormat::Json => report.to_json(),
                AssessFormat::Md => Templates::new(templates.as_deref())
                    .and_then(|t| t.render_with("assess.md.j2", &report))
                    .map_err(one)?,
            };
            deliver(&text, out.as_deref(), force, &[&contract])?;
        }
        Command::Explain { contract, control } => {
            let (c, coverage, w) = engine.assess(&contract)?;
            warnings.extend(w);
            emit(&explain(&engine, &c, &coverage, &control)?);
        }
        Command::Frameworks { controls } => emit(&frameworks(&engine, controls.as_deref())?),
        Command::Deliverables => emit(&deliverables(&engine)),
        Command::Validate | Command::Codes { .. } => unreachable!("handled above"),
    }
    Ok((Exit::Ok, warnings))
}

/// `--as-of DATE`, or today (UTC) when not given.
fn as_of_date(arg: Option<&str>) -> Result<crate::date::Date, Diagnostics> {
    match arg {
        None => Ok(crate::date::Date::today()),
        Some(s) => crate::date::Date::parse(s).map_err(|e| {
            one(Diagnostic::error(Code::Usage, format!("--as-of: {e}"))
                .help("give the assessment date as YYYY-MM-DD, e.g. `--as-of 2026-12-01`"))
        }),
    }
}

fn deliver(
    text: &str,
    out: Option<&Path>,
    force: bool,
    inputs: &[&Path],
) -> Result<(), Diagnostics> {
    match out {
        None => {
            emit(text);
            Ok(())
        }
        Some(path) => crate::output::write(path, text.as_bytes(), force, inputs).map_err(one),
    }
}

fn codes(code: Option<&str>) -> Result<(), Diagnostics> {
    match code {
        None => {
            let mut s = String::new();
            for c in Code::ALL {
                s.push_str(&format!("{:<22} {}\n", c.as_str(), c.description()));
            }
            emit(&s);
            Ok(())
        }
        Some(name) => match Code::from_name(name) {
            Some(c) => {
                emit(&format!("{}: {}\n", c.as_str(), c.description()));
                Ok(())
            }
            None => {
                let hint = crate::diag::did_you_mean(name, Code::ALL.iter().map(|c| c.as_str()));
                Err(one(Diagnostic::error(
                    Code::Usage,
                    format!("no diagnostic code `{name}`"),
                )
                .help(
                    hint.unwrap_or_else(|| "`ctrlmap codes` lists them".into()),
                )))
            }
        },
    }
}

fn validate(dirs: &[PathBuf]) -> Result<(Exit, Diagnostics), Diagnostics> {
    // An unreadable directory is bad usage (2); problems in the data are what
    // `validate` checks for (1).
    crate::catalog::gather(dirs)?;
    match Engine::load(dirs) {
        Ok(engine) => {
            let c = &engine.catalog;
            let (h, x, i) = engine.graph.edge_counts();
            emit(&format!(
                "catalog ok: {} frameworks, {} crosswalks ({} edges), {} deliverables ({} implements edges), {} hierarchy edges\n",
                c.frameworks.len(),
                c.crosswalks.len(),
                x,
                c.deliverables.len(),
                i,
                h
            ));
            let exit = if engine.warnings.0.is_empty() {
                Exit::Ok
            } else {
                Exit::CheckFailed
            };
            Ok((exit, engine.warnings))
        }
        // Problems in the catalog are what `validate` checks for: exit 1.
        Err(diags) => Ok((Exit::CheckFailed, diags)),
    }
}

fn frameworks(engine: &Engine, controls: Option<&str>) -> Result<String, Diagnostics> {
    let c = &engine.catalog;
    let mut s = String::new();
    if let Some(id) = controls {
        let Some(fw) = c.frameworks.get(id) else {
            let hint = crate::diag::did_you_mean(id, c.frameworks.keys().map(String::as_str));
            return Err(one(Diagnostic::error(
                Code::UnknownFramework,
                format!("unknown framework `{id}`"),
            )
            .help(
                hint.unwrap_or_else(|| "`ctrlmap frameworks` lists them".into()),
            )));
        };
        for ctl in &fw.controls {
            let depth = std::iter::successors(ctl.parent.as_deref(), |p| {
                fw.control(p).and_then(|x| x.parent.as_deref())
            })
            .count();
            let mark = if fw.is_obligation(ctl) { "*" } else { " " };
            s.push_str(&format!(
                "{mark} {}{}  {}\n",
                "  ".repeat(depth),
                ctl.id,
                ctl.title
            ));
        }
        s.push_str("(* = obligation)\n");
        return Ok(s);
    }
    let mut rows = vec![[
        "id".to_string(),
        "version".into(),
        "controls".into(),
        "obligations".into(),
        "publisher".into(),
    ]];
    for fw in c.frameworks.values() {
        rows.push([
            fw.id.clone(),
            fw.version.clone(),
            fw.controls.len().to_string(),
            fw.obligation_count().to_string(),
            fw.publisher.clone(),
        ]);
    }
    s.push_str(&columns(&rows));
    Ok(s)
}

fn deliverables(engine: &Engine) -> String {
    let mut rows = vec![[
        "id".to_string(),
        "domain".into(),
        "edges".into(),
        "name".into(),
    ]];
    for d in engine.catalog.deliverables.values() {
        rows.push([
            d.id.clone(),
            d.domain.clone(),
            d.implements.len().to_string(),
            d.name.clone(),
        ]);
    }
    columns(&rows)
}

/// Left-aligned columns separated by two spaces.
fn columns<const N: usize>(rows: &[[String; N]]) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        s.push_str(line.join("  ").trim_end());
        s.push('\n');
    }
    s
}

fn explain(
    engine: &Engine,
    contract: &crate::contract::Contract,
    coverage: &crate::Coverage,
    control: &str,
) -> Result<String, Diagnostics> {
    use crate::coverage::Step;
    let unknown = || {
        let all: Vec<String> = coverage
            .frameworks
            .iter()
            .flat_map(|f| f.controls.iter().map(|c| c.id.clone()))
            .collect();
        let hint = crate::diag::did_you_mean(control, all.iter().map(String::as_str));
        let in_catalog = engine.catalog.control(control).is_some();
        let msg = if in_catalog {
            format!("`{control}` is not in this contract's scope")
        } else {
            format!("unknown control `{control}`")
        };
        one(Diagnostic::error(Code::UnknownControl, msg)
            .in_file(contract.file.name.clone())
            .help(hint.unwrap_or_else(|| {
                "give a qualified id such as `hipaa-security:164.312(b)`".into()
            })))
    };
    let v = coverage.verdict(control).ok_or_else(unknown)?;
    let mut s = format!("{}  {}\nstatus: {}\n", v.id, v.title, v.status);
    for r in &v.reasons {
        s.push_str(&format!("  - {r}\n"));
    }
    if v.via.is_empty() && v.obligation {
        s.push_str("no deliverable reaches it\n");
    }
    for (n, ch) in v.via.iter().enumerate() {
        s.push_str(&format!(
            "\n[{}] {} via `{}` ({}): {} hop{}\n",
            n + 1,
            ch.status,
            ch.deliverable,
            ch.deliverable_name,
            ch.hops,
            if ch.hops == 1 { "" } else { "s" }
        ));
        for step in &ch.steps {
            match step {
                Step::Implements {
                    deliverable,
                    control,
                    degree,
                    responsibility,
                    rationale,
                    source,
                } => s.push_str(&format!(
                    "    {deliverable} implements {control} ({}, {}) [{source}]\n      {rationale}\n",
                    degree.as_str(),
                    responsibility.as_str()
                )),
                Step::Crosswalk {
                    from,
                    to,
                    relation,
                    source,
                    rationale,
                    ..
                } => {
                    s.push_str(&format!("    {from} {relation} {to} [{source}]\n"));
                    if let Some(r) = rationale {
                        s.push_str(&format!("      {r}\n"));
                    }
                }
            }
        }
        for c in &ch.comparisons {
            s.push_str(
                &format!("    {:?}: {}\n", c.outcome, c.text)
                    .replace("NotStated", "not stated")
                    .replace("Pass", "pass")
                    .replace("Miss", "miss"),
            );
        }
        for r in &ch.reasons {
            s.push_str(&format!("    => {r}\n"));
        }
    }
    if !v.would_close.is_empty() {
        s.push_str(&format!(
            "\nwould be raised by: {}\n",
            v.would_close.join(", ")
        ));
    }
    Ok(s)
}
