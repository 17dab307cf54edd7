//! JUnit XML, the test-report format CI systems display: one `<testsuite>`
//! per check (snapshot, policy), one `<testcase>` per obligation or rule.

/// A test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Grouping shown by CI systems (framework id, `policy`).
    pub classname: String,
    /// The obligation id or the rule.
    pub name: String,
    /// Why it failed, when it did.
    pub failure: Option<Failure>,
    /// Why it was skipped, when it was.
    pub skipped: Option<String>,
}

/// A failed case.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The `type` attribute: `regression`, `change`, `policy`.
    pub kind: String,
    /// One line.
    pub message: String,
    /// Details.
    pub body: String,
}

/// A test suite.
#[derive(Debug, Clone)]
pub struct Suite {
    /// Name.
    pub name: String,
    /// Cases in order.
    pub cases: Vec<Case>,
}

impl Suite {
    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_some()).count()
    }

    fn skipped(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.failure.is_none() && c.skipped.is_some())
            .count()
    }
}

/// Escape text for XML content and attribute values. Characters XML 1.0
/// does not allow are replaced by U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The report: a `<testsuites>` element with totals, newline-terminated.
pub fn render(name: &str, suites: &[Suite]) -> String {
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let skipped: usize = suites.iter().map(Suite::skipped).sum();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
        escape(name)
    ));
    for suite in suites {
        s.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
            escape(&suite.name),
            suite.cases.len(),
            suite.failures(),
            suite.skipped()
        ));
        for c in &suite.cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(&c.classname),
                escape(&c.name)
            );
            match (&c.failure, &c.skipped) {
                (Some(f), _) => s.push_str(&format!(
                    "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(&f.message),
                    escape(&f.kind),
                    escape(&f.body)
                )),
                (None, Some(why)) => s.push_str(&format!(
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(why)
                )),
                (None, None) => s.push_str(&format!("{open}/>\n")),
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd' >\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;\u{FFFD}"
        );
    }
}
