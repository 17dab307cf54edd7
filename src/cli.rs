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

/// Where a command's result goes: stdout, or a file written atomically.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Write to this file instead of stdout (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Output options of the commands that render a document.
#[derive(Debug, clap::Args)]
pub struct DocumentOutput {
    /// Where the document goes.
    #[command(flatten)]
    pub to: OutputArgs,
    /// Directory whose templates take precedence over the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
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
        /// Where the document goes and which templates render it.
        #[command(flatten)]
        output: DocumentOutput,
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
        /// Where the document goes and which templates render it.
        #[command(flatten)]
        output: DocumentOutput,
    },
    /// Render one document template for a contract (matrix, evidence list, gap document, HTML report).
    Render {
        /// The contract TOML.
        contract: PathBuf,
        /// Template: a short name (`matrix`, `matrix.csv`, `evidence`, `gap`, `report`) or a file name (`matrix.md.j2`).
        #[arg(long, value_name = "NAME")]
        template: String,
        /// Where the document goes and which templates render it.
        #[command(flatten)]
        output: DocumentOutput,
    },
    /// List the document templates, or export editable copies.
    Templates {
        /// What to do.
        #[command(subcommand)]
        action: TemplatesAction,
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
    /// Check the catalog data and print mapping-quality figures; exit 1 on problems.
    Validate {
        /// Also list every obligation that has no crosswalk or deliverable edge.
        #[arg(long)]
        unmapped: bool,
    },
    /// Describe a diagnostic code, or list them all.
    Codes {
        /// A code such as `unknown-control`.
        code: Option<String>,
    },
    /// Coverage as stable, line-oriented text to commit and review as a diff.
    Snapshot(crate::ci::command::SnapshotArgs),
    /// Compare coverage with a committed snapshot and/or a policy; exit 1 if it got worse.
    Check(crate::ci::command::CheckArgs),
    /// What changed between two contracts, or one contract under two catalog versions.
    Diff(crate::ci::command::DiffArgs),
}

/// `ctrlmap templates` subcommands.
#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// List the shipped templates and the context every template receives.
    List {
        /// Also list the templates in DIR, marking those that replace shipped ones.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Write editable copies of all shipped templates into DIR (use them with `--templates DIR`).
    Export {
        /// Directory to write into; created if missing.
        dir: PathBuf,
        /// Replace files that exist.
        #[arg(long)]
        force: bool,
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
    let (mut exit, mut diags) = run(cli);
    let failed = STDOUT_ERROR
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    if let Some(e) = failed {
        diags.push(
            Diagnostic::error(Code::Io, format!("cannot write to standard output: {e}"))
                .help("write to a file with --out, or check the disk"),
        );
        exit = Exit::BadInput;
    }
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
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let mut failed = STDOUT_ERROR.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert_with(|| e.to_string());
        }
    }
}

/// The first error writing to stdout other than a closed pipe (a full disk,
/// say): reported after the command, with exit status 2.
static STDOUT_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

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
    crate::output::protect(cli.catalog.iter().cloned());
    if let Command::Report { output, .. }
    | Command::Render { output, .. }
    | Command::Assess { output, .. } = &cli.command
    {
        crate::output::protect(output.templates.iter().cloned());
    }
    if let Command::Codes { code } = &cli.command {
        return codes(code.as_deref()).map(|()| (Exit::Ok, Diagnostics::default()));
    }
    if let Command::Validate { unmapped } = &cli.command {
        return validate(&cli.catalog, *unmapped);
    }
    if let Command::Templates { action } = &cli.command {
        return templates(action).map(|()| (Exit::Ok, Diagnostics::default()));
    }
    let command = match cli.command {
        Command::Snapshot(a) => return crate::ci::command::snapshot(&cli.catalog, a),
        Command::Check(a) => return crate::ci::command::check(&cli.catalog, a),
        Command::Diff(a) => return crate::ci::command::diff(&cli.catalog, a),
        other => other,
    };
    let engine = Engine::load(&cli.catalog)?;
    let mut warnings = engine.warnings.clone();
    match command {
        Command::Report {
            contract,
            format,
            output,
            as_of,
        } => {
            let as_of = as_of_date(as_of.as_deref())?;
            let (report, w) = engine.report_as_of(&contract, Some(as_of))?;
            warnings.extend(w);
            let text = match format {
                Format::Table => report.to_table(),
                Format::Json => report.to_json(),
                Format::Md => Templates::new(output.templates.as_deref())
                    .and_then(|t| t.render("gap.md.j2", &report))
                    .map_err(one)?,
            };
            deliver(&text, &output.to, &[&contract])?;
        }
        Command::Render {
            contract,
            template,
            output,
        } => {
            let t = Templates::new(output.templates.as_deref()).map_err(one)?;
            let file = t.resolve(&template).map_err(one)?;
            let (report, w) = engine.report(&contract)?;
            warnings.extend(w);
            let text = t.render(&file, &report).map_err(one)?;
            let source = t.user_file(&file);
            let mut inputs: Vec<&Path> = vec![&contract];
            inputs.extend(source.as_deref());
            deliver(&text, &output.to, &inputs)?;
        }
        Command::Assess {
            contract,
            format,
            as_of,
            output,
        } => {
            let as_of = as_of_date(as_of.as_deref())?;
            let text = match format {
                AssessFormat::Md => {
                    // The document renders the one report model, like every template.
                    let (report, w) = engine.report_as_of(&contract, Some(as_of))?;
                    warnings.extend(w);
                    Templates::new(output.templates.as_deref())
                        .and_then(|t| t.render("assess.md.j2", &report))
                        .map_err(one)?
                }
                format => {
                    let (report, w) = engine.provider_assessment(&contract, Some(as_of))?;
                    warnings.extend(w);
                    match format {
                        AssessFormat::Json => report.to_json(),
                        _ => report.to_table(),
                    }
                }
            };
            deliver(&text, &output.to, &[&contract])?;
        }
        Command::Explain { contract, control } => {
            let (c, coverage, w) = engine.assess(&contract)?;
            warnings.extend(w);
            emit(&explain(&engine, &c, &coverage, &control)?);
        }
        Command::Frameworks { controls } => emit(&frameworks(&engine, controls.as_deref())?),
        Command::Deliverables => emit(&deliverables(&engine)),
        Command::Validate { .. }
        | Command::Codes { .. }
        | Command::Templates { .. }
        | Command::Snapshot(_)
        | Command::Check(_)
        | Command::Diff(_) => unreachable!("handled above"),
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

/// Print `text`, or write it atomically to `--out`.
pub(crate) fn deliver(text: &str, to: &OutputArgs, inputs: &[&Path]) -> Result<(), Diagnostics> {
    match &to.out {
        None => {
            emit(text);
            Ok(())
        }
        Some(path) => crate::output::write(path, text.as_bytes(), to.force, inputs).map_err(one),
    }
}

fn templates(action: &TemplatesAction) -> Result<(), Diagnostics> {
    use crate::report::documents::CONTEXT_FIELDS;
    use crate::report::templates::{description, embedded, FILTERS};
    match action {
        TemplatesAction::List { templates } => {
            let t = Templates::new(templates.as_deref()).map_err(one)?;
            let shipped: Vec<&str> = embedded().iter().map(|(n, _)| *n).collect();
            let mut rows = Vec::new();
            for name in t.names() {
                let user = t.user_file(&name);
                let text = match &user {
                    Some(p) => std::fs::read_to_string(p).unwrap_or_default(),
                    None => embedded()
                        .into_iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, text)| text.to_string())
                        .unwrap_or_default(),
                };
                let mut line = description(&text).unwrap_or_else(|| "(no description)".into());
                if user.is_some() {
                    line.push_str(if shipped.contains(&name.as_str()) {
                        " [yours, replaces the shipped one]"
                    } else {
                        " [yours]"
                    });
                }
                rows.push([name, line]);
            }
            let mut s = columns(&rows);
            s.push_str("\nContext of every template (the report model, as `report --format json`, plus three document views):\n");
            let fields: Vec<[String; 2]> = CONTEXT_FIELDS
                .iter()
                .map(|(k, v)| [format!("  {k}"), v.to_string()])
                .collect();
            s.push_str(&columns(&fields));
            s.push_str("\nFilters besides minijinja's built-in ones:\n");
            let filters: Vec<[String; 2]> = FILTERS
                .iter()
                .map(|(k, v)| [format!("  {k}"), v.to_string()])
                .collect();
            s.push_str(&columns(&filters));
            s.push_str("\nUse: ctrlmap render CONTRACT --template NAME [--templates DIR]; NAME is a file name or a short name (`matrix`, `matrix.csv`).\n");
            emit(&s);
            Ok(())
        }
        TemplatesAction::Export { dir, force } => {
            if dir.exists() && !dir.is_dir() {
                return Err(one(Diagnostic::error(
                    Code::Io,
                    format!("`{}` is not a directory", dir.display()),
                )
                .help("give a directory to export the templates into")));
            }
            let files = embedded();
            if !force {
                let existing: Vec<String> = files
                    .iter()
                    .map(|(n, _)| dir.join(n))
                    .filter(|p| p.exists())
                    .map(|p| format!("`{}`", p.display()))
                    .collect();
                if !existing.is_empty() {
                    return Err(one(Diagnostic::error(
                        Code::OutputExists,
                        format!(
                            "{} {} already {}: {}",
                            existing.len(),
                            crate::diag::plural(existing.len(), "template", "templates"),
                            if existing.len() == 1 {
                                "exists"
                            } else {
                                "exist"
                            },
                            existing.join(", ")
                        ),
                    )
                    .help(
                        "pass --force to replace them, or export into another directory",
                    )));
                }
            }
            std::fs::create_dir_all(dir).map_err(|e| {
                one(Diagnostic::error(
                    Code::Io,
                    format!("cannot create `{}`: {e}", dir.display()),
                ))
            })?;
            let mut s = String::new();
            for (name, text) in &files {
                let path = dir.join(name);
                crate::output::write(&path, text.as_bytes(), *force, &[]).map_err(one)?;
                s.push_str(&format!("wrote {}\n", path.display()));
            }
            s.push_str(&format!(
                "edit them, then: ctrlmap render CONTRACT --template NAME --templates {}\n",
                dir.display()
            ));
            emit(&s);
            Ok(())
        }
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

fn validate(dirs: &[PathBuf], unmapped: bool) -> Result<(Exit, Diagnostics), Diagnostics> {
    // An unreadable directory is bad usage (2); problems in the data are what
    // `validate` checks for (1).
    crate::catalog::gather(dirs)?;
    match Engine::load(dirs) {
        Ok(engine) => {
            let c = &engine.catalog;
            let (h, x, i) = engine.graph.edge_counts();
            let (quality, warnings) = crate::quality::check(c);
            let mut text = format!(
                "catalog ok: {} frameworks, {} crosswalks ({} edges), {} deliverables ({} implements edges), {} hierarchy edges\n",
                c.frameworks.len(),
                c.crosswalks.len(),
                x,
                c.deliverables.len(),
                i,
                h
            );
            text.push_str(&quality.to_text());
            if unmapped {
                text.push_str("unmapped obligations:\n");
                for ids in quality.unmapped.values() {
                    for id in ids {
                        text.push_str(&format!("  {id}\n"));
                    }
                }
            }
            emit(&text);
            let mut diags = engine.warnings;
            diags.extend(warnings);
            let exit = if diags.0.is_empty() {
                Exit::Ok
            } else {
                Exit::CheckFailed
            };
            Ok((exit, diags))
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
            return Err(one(crate::catalog::unknown_framework(id, &c.frameworks)));
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
            .help(match (in_catalog, hint) {
                (true, _) => "add its framework to the contract's [[scope]] (or its selection), or pick a control in scope".into(),
                (false, Some(h)) => h,
                (false, None) => "give a qualified id such as `hipaa-security:164.312(b)`".into(),
            }))
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
            s.push_str(&format!("    {}: {}\n", c.outcome.label(), c.text));
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
