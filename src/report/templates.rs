//! Document templates (minijinja): embedded from `templates/`, overridable
//! with a user directory whose files take precedence.
//!
//! Templates are strict: an undefined variable is an error naming the
//! template, line and column. Names may not leave the template directory.
//! Escaping follows the extension (`*.html.j2` escapes HTML, `*.md.j2` not).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use minijinja::{Environment, UndefinedBehavior, Value};

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

/// A short name (`gap`) or file name (`gap.md.j2`) to the file name.
pub fn resolve_name(name: &str) -> String {
    if name.ends_with(".j2") {
        return name.to_string();
    }
    embedded()
        .iter()
        .map(|(n, _)| *n)
        .find(|n| n.split('.').next() == Some(name))
        .map_or_else(|| name.to_string(), str::to_string)
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
        env.add_filter("pct", |v: Value| -> String {
            if v.is_none() || v.is_undefined() {
                "-".into()
            } else {
                match f64::try_from(v) {
                    Ok(f) => format!("{f:.1}%"),
                    Err(_) => "-".into(),
                }
            }
        });
        env.add_filter("status_label", |s: String| {
            super::status_label(&s).to_string()
        });
        Ok(Templates { env, dir: owned })
    }

    /// Render a template (short or file name) with the report as context.
    pub fn render(&self, name: &str, report: &Report) -> Result<String, Diagnostic> {
        self.render_with(name, report)
    }

    /// Render a template with any serializable model as context (the
    /// provider assessment renders its own model).
    pub fn render_with<S: serde::Serialize>(
        &self,
        name: &str,
        context: &S,
    ) -> Result<String, Diagnostic> {
        let file = resolve_name(name);
        let tmpl = self
            .env
            .get_template(&file)
            .map_err(|e| self.diagnostic(&file, &e))?;
        tmpl.render(Value::from_serialize(context))
            .map_err(|e| self.diagnostic(&file, &e))
    }

    fn diagnostic(&self, requested: &str, e: &minijinja::Error) -> Diagnostic {
        if e.kind() == minijinja::ErrorKind::TemplateNotFound {
            let names: Vec<&str> = embedded().iter().map(|(n, _)| *n).collect();
            let hint = crate::diag::did_you_mean(requested, names.iter().copied());
            return Diagnostic::error(Code::Template, format!("no template `{requested}`"))
                .help(hint.unwrap_or_else(|| format!("shipped templates: {}", names.join(", "))));
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
            _ => d,
        }
    }
}
