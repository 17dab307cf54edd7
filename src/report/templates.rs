//! Document templates (minijinja): embedded from `templates/`, overridable
//! with a user directory whose files take precedence.
//!
//! Templates are strict: an undefined variable is an error naming the
//! template, line and column. Names may not leave the template directory.
//! Escaping follows the extension (`*.html.j2` escapes HTML, `*.md.j2` and
//! `*.csv.j2` not: CSV templates quote each field with the `csv` filter).
//!
//! The context is [`Context`]: the report model plus the derived document
//! views. Each shipped template starts with a `{# one-line description #}`
//! comment, which `ctrlmap templates list` prints.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use minijinja::{Environment, UndefinedBehavior, Value};

use super::documents::Context;
use super::Report;
use crate::diag::{Code, Diagnostic, SourceFile};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The shipped templates: `(file name, text)`, sorted.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = EMBEDDED
        .files()
        .filter_map(|f| Some((f.path().to_str()?, f.contents_utf8()?)))
        .filter(|(n, _)| n.ends_with(".j2"))
        .collect();
    v.sort();
    v
}

/// A short name to the file name, among `names` (sorted file names).
///
/// A name ending in `.j2` is taken as it is; otherwise `NAME.j2` (e.g.
/// `matrix.csv`), then the one file whose name starts with `NAME.`, preferring
/// `NAME.md.j2` when there are several (`matrix` is `matrix.md.j2`).
/// `Err` lists the candidates when the name is ambiguous; an unknown name is
/// returned as is, for the loader to report.
fn resolve_among(name: &str, names: &[String]) -> Result<String, Vec<String>> {
    if name.ends_with(".j2") {
        return Ok(name.to_string());
    }
    let exact = format!("{name}.j2");
    if names.contains(&exact) {
        return Ok(exact);
    }
    let md = format!("{name}.md.j2");
    if names.contains(&md) {
        return Ok(md);
    }
    let prefix = format!("{name}.");
    let matching: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(&prefix))
        .cloned()
        .collect();
    match matching.len() {
        0 => Ok(name.to_string()),
        1 => Ok(matching[0].clone()),
        _ => Err(matching),
    }
}

/// A short name (`gap`, `matrix.csv`) or file name (`gap.md.j2`) to the
/// file name, among the shipped templates.
pub fn resolve_name(name: &str) -> String {
    let names: Vec<String> = embedded().iter().map(|(n, _)| n.to_string()).collect();
    resolve_among(name, &names).unwrap_or_else(|_| name.to_string())
}

/// A template's one-line description: its leading `{# ... #}` comment.
pub fn description(text: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix("{#")?;
    let end = rest.find("#}")?;
    let line = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// The filters templates can use besides minijinja's built-in ones.
pub const FILTERS: &[(&str, &str)] = &[
    ("pct", "a percentage or null as `83.3%` or `-`"),
    (
        "status_label",
        "`covered` as `Covered by provider`, and so on",
    ),
    (
        "responsibility_label",
        "`provider`, `shared`, `client`, `not_applicable` as words",
    ),
    (
        "csv",
        "one CSV field, quoted per RFC 4180 when needed; a list is joined with `; `, null is empty",
    ),
    (
        "cell",
        "one Markdown table cell: `|` escaped, line breaks as spaces; a list is joined with `; `",
    ),
    (
        "code",
        "HTML: the text escaped, with `backticked` spans as <code> elements",
    ),
];

/// Text of a value for a CSV field or table cell: lists joined with `; `.
fn field_text(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        return String::new();
    }
    if v.as_str().is_none() {
        if let Ok(items) = v.try_iter() {
            return items.map(|i| field_text(&i)).collect::<Vec<_>>().join("; ");
        }
    }
    v.to_string()
}

/// One CSV field per RFC 4180: quoted when it holds a comma, a double quote
/// or a line break, with double quotes doubled.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// HTML for text with `backticked` spans: everything escaped, the spans
/// wrapped in `<code>`; an unpaired backtick stays as it is.
pub fn html_code(text: &str) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
    };
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let inside = i % 2 == 1;
        if inside && i + 1 < parts.len() {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            if inside {
                out.push('`');
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// One Markdown table cell: pipes escaped, line breaks as spaces.
pub fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
        .split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The template environment.
pub struct Templates {
    env: Environment<'static>,
    dir: Option<PathBuf>,
}

fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.starts_with('\\')
        && !name.contains(':')
        && name
            .split(['/', '\\'])
            .all(|part| part != ".." && !part.is_empty())
}

fn load_source(dir: Option<&Path>, name: &str) -> Result<Option<String>, minijinja::Error> {
    if !safe_name(name) {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("template name `{name}` leaves the template directory"),
        ));
    }
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.is_file() {
            return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("cannot read `{}`: {e}", path.display()),
                )
            });
        }
    }
    Ok(EMBEDDED
        .get_file(name)
        .and_then(|f| f.contents_utf8())
        .map(str::to_string))
}

impl Templates {
    /// Strict undefined reaches into our filters too: a misspelt variable piped
    /// through `cell`, `csv`, `code` or `pct` is an error, not an empty cell.
    fn defined(v: &Value) -> Result<(), minijinja::Error> {
        if v.is_undefined() {
            Err(minijinja::Error::new(
                minijinja::ErrorKind::UndefinedError,
                "undefined value passed to a filter",
            ))
        } else {
            Ok(())
        }
    }

    /// The environment with the shipped templates and, if given, a directory of overrides.
    pub fn new(dir: Option<&Path>) -> Result<Templates, Diagnostic> {
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(Diagnostic::error(
                    Code::Io,
                    format!("template directory `{}` does not exist or is not a directory", d.display()),
                )
                .help("`ctrlmap templates export DIR` writes editable copies of the shipped templates"));
            }
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        let owned = dir.map(Path::to_path_buf);
        let loader_dir = owned.clone();
        env.set_loader(move |name| load_source(loader_dir.as_deref(), name));
        env.add_filter("pct", |v: Value| -> Result<String, minijinja::Error> {
            Self::defined(&v)?;
            Ok(if v.is_none() {
                "-".into()
            } else {
                f64::try_from(v).map_or_else(|_| "-".into(), |f| format!("{f:.1}%"))
            })
        });
        env.add_filter("status_label", |s: String| {
            super::status_label(&s).to_string()
        });
        env.add_filter("responsibility_label", |s: String| {
            match s.as_str() {
                "provider" => "Provider",
                "shared" => "Shared",
                "client" => "Client",
                "not_applicable" => "Not applicable",
                _ => "Unknown",
            }
            .to_string()
        });
        env.add_filter("csv", |v: Value| {
            Self::defined(&v).map(|()| csv_field(&field_text(&v)))
        });
        env.add_filter("cell", |v: Value| {
            Self::defined(&v).map(|()| md_cell(&field_text(&v)))
        });
        env.add_filter("code", |v: Value| {
            Self::defined(&v).map(|()| Value::from_safe_string(html_code(&field_text(&v))))
        });
        Ok(Templates { env, dir: owned })
    }

    /// File names of every template: shipped ones and `*.j2` files in the
    /// override directory, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = embedded().iter().map(|(n, _)| n.to_string()).collect();
        if let Some(dir) = &self.dir {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if n.ends_with(".j2") && e.path().is_file() {
                        names.push(n);
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// A short name (`matrix`, `matrix.csv`) or file name to the file name.
    pub fn resolve(&self, name: &str) -> Result<String, Diagnostic> {
        resolve_among(name, &self.names()).map_err(|matching| {
            Diagnostic::error(
                Code::Template,
                format!("template name `{name}` is ambiguous"),
            )
            .help(format!("give one of: {}", matching.join(", ")))
        })
    }

    /// The file a template is read from, when it comes from the override directory.
    pub fn user_file(&self, file: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let path = dir.join(file);
        (safe_name(file) && path.is_file()).then_some(path)
    }

    /// Render a template (short or file name) with the report model and the
    /// document views as context.
    /// Every template, the assessment document included, gets this one context.
    pub fn render(&self, name: &str, report: &Report) -> Result<String, Diagnostic> {
        let file = self.resolve(name)?;
        let tmpl = self
            .env
            .get_template(&file)
            .map_err(|e| self.diagnostic(&file, &e))?;
        tmpl.render(Value::from_serialize(Context::new(report)))
            .map_err(|e| self.diagnostic(&file, &e))
    }

    fn diagnostic(&self, requested: &str, e: &minijinja::Error) -> Diagnostic {
        if e.kind() == minijinja::ErrorKind::TemplateNotFound && e.name().is_none() {
            let names = self.names();
            let hint = crate::diag::did_you_mean(requested, names.iter().map(String::as_str));
            return Diagnostic::error(Code::Template, format!("no template `{requested}`")).help(
                hint.unwrap_or_else(|| {
                    format!(
                        "templates: {}; `ctrlmap templates list` describes them",
                        names.join(", ")
                    )
                }),
            );
        }
        let name = e.name().unwrap_or(requested).to_string();
        let detail = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        let mut d = Diagnostic::error(Code::Template, format!("template `{name}`: {detail}"));
        let shown = match &self.dir {
            Some(dir) if dir.join(&name).is_file() => dir.join(&name).display().to_string(),
            _ => format!("templates/{name}"),
        };
        if let (Ok(Some(text)), Some(range)) = (load_source(self.dir.as_deref(), &name), e.range())
        {
            let file: Arc<SourceFile> = SourceFile::new(shown, text);
            d = d.at(&file, range);
        } else if let (Ok(Some(text)), Some(line)) =
            (load_source(self.dir.as_deref(), &name), e.line())
        {
            let file: Arc<SourceFile> = SourceFile::new(shown, text.clone());
            let start: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum();
            let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
            d = d.at(&file, start..end);
        } else {
            d = d.in_file(shown);
        }
        match e.kind() {
            minijinja::ErrorKind::UndefinedError => {
                d.help("a variable or attribute is not in the report model; `ctrlmap templates list` shows the context")
            }
            minijinja::ErrorKind::SyntaxError => d.help("check the tag or expression at this position"),
            _ if detail.contains("leaves the template directory") => d.help(
                "a template includes only templates of its own directory or the shipped ones; `..` and absolute paths are refused",
            ),
            _ => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_per_rfc_4180() {
        assert_eq!(csv_field("plain text"), "plain text");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn markdown_cells_escape_pipes_and_join_lines() {
        assert_eq!(md_cell("a | b"), "a \\| b");
        assert_eq!(md_cell("one\n  two\r\n"), "one two");
    }

    #[test]
    fn html_code_escapes_and_marks_backticks() {
        assert_eq!(
            html_code("met by `a<b>` & <i>"),
            "met by <code>a&lt;b&gt;</code> &amp; &lt;i&gt;"
        );
        assert_eq!(html_code("odd ` tick"), "odd ` tick");
        assert_eq!(
            html_code("`x` and `y`"),
            "<code>x</code> and <code>y</code>"
        );
    }

    #[test]
    fn names_resolve_to_files() {
        let names: Vec<String> = [
            "gap.md.j2",
            "matrix.csv.j2",
            "matrix.md.j2",
            "x.html.j2",
            "y.csv.j2",
            "y.txt.j2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(resolve_among("matrix", &names).unwrap(), "matrix.md.j2");
        assert_eq!(
            resolve_among("matrix.csv", &names).unwrap(),
            "matrix.csv.j2"
        );
        assert_eq!(resolve_among("x", &names).unwrap(), "x.html.j2");
        assert_eq!(resolve_among("gap.md.j2", &names).unwrap(), "gap.md.j2");
        assert_eq!(resolve_among("nope", &names).unwrap(), "nope");
        assert_eq!(
            resolve_among("y", &names).unwrap_err(),
            ["y.csv.j2", "y.txt.j2"]
        );
    }

    #[test]
    fn names_never_leave_the_directory() {
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "\\x",
            "C:x",
            "",
            "a//b",
            "a/",
            "..",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
        for good in ["gap.md.j2", "sub/part.md.j2", "./x.j2"] {
            assert!(safe_name(good), "{good}");
        }
    }

    #[test]
    fn every_shipped_template_has_a_description() {
        for (name, text) in embedded() {
            assert!(description(text).is_some(), "{name}");
        }
        assert_eq!(
            description("{# one\n  two #}\nrest").as_deref(),
            Some("one two")
        );
        assert_eq!(description("no comment"), None);
    }
}
