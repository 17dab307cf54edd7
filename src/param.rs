//! Typed parameter values and their comparison.
//!
//! Controls declare quantitative demands ("keep logs at least 12 months");
//! deliverables and contracts state what they provide ("90 days"). Both are
//! parsed into [`Value`]s and compared by kind, never as strings.
//!
//! Units: a year is 365 days and a month a twelfth of a year, so "12 months"
//! equals "365 days" exactly and "3 months" is 91.25 days.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// Minutes in a year of 365 days.
const YEAR_MINUTES: u64 = 365 * 24 * 60;

/// What kind of quantity a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A length of time: retention, interval, deadline.
    Duration,
    /// A coverage window such as `24x7` or `8x5`.
    Window,
    /// Yes or no.
    Bool,
    /// A whole number.
    Count,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Duration => "a duration such as `365 days` or `72 hours`",
            Kind::Window => "a coverage window such as `24x7` or `8x5`",
            Kind::Bool => "`true` or `false`",
            Kind::Count => "a whole number",
        })
    }
}

/// A parameter every catalog, deliverable and contract shares by name.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// The name used in TOML.
    pub name: &'static str,
    /// The kind its values must have.
    pub kind: Kind,
    /// What it measures.
    pub description: &'static str,
}

/// The parameter vocabulary.
pub const VOCABULARY: &[ParamDef] = &[
    ParamDef {
        name: "log_retention",
        kind: Kind::Duration,
        description: "how long audit logs are kept",
    },
    ParamDef {
        name: "log_online_retention",
        kind: Kind::Duration,
        description: "how long audit logs stay immediately available for analysis",
    },
    ParamDef {
        name: "log_review_interval",
        kind: Kind::Duration,
        description: "time between reviews of security logs",
    },
    ParamDef {
        name: "coverage_hours",
        kind: Kind::Window,
        description: "hours the SOC monitors",
    },
    ParamDef {
        name: "ir_availability",
        kind: Kind::Window,
        description: "hours incident responders can be reached",
    },
    ParamDef {
        name: "internal_scan_interval",
        kind: Kind::Duration,
        description: "time between internal vulnerability scans",
    },
    ParamDef {
        name: "external_scan_interval",
        kind: Kind::Duration,
        description: "time between external vulnerability scans",
    },
    ParamDef {
        name: "pentest_interval",
        kind: Kind::Duration,
        description: "time between penetration tests",
    },
    ParamDef {
        name: "segmentation_test_interval",
        kind: Kind::Duration,
        description: "time between segmentation control tests",
    },
    ParamDef {
        name: "notification_time",
        kind: Kind::Duration,
        description: "time from detection to notifying the client of an incident",
    },
    ParamDef {
        name: "documentation_retention",
        kind: Kind::Duration,
        description: "how long required documentation is kept",
    },
    ParamDef {
        name: "report_interval",
        kind: Kind::Duration,
        description: "time between compliance or service reports",
    },
    ParamDef {
        name: "detection_content_update_interval",
        kind: Kind::Duration,
        description: "time between detection rule updates",
    },
    ParamDef {
        name: "asv_scan",
        kind: Kind::Bool,
        description: "external scans run by a PCI SSC Approved Scanning Vendor",
    },
    ParamDef {
        name: "independent_assessor",
        kind: Kind::Bool,
        description: "assessment performed by an independent party",
    },
];

/// Look a parameter up by name.
pub fn definition(name: &str) -> Option<&'static ParamDef> {
    VOCABULARY.iter().find(|d| d.name == name)
}

/// A typed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A duration in minutes.
    Duration(u64),
    /// A coverage window: hours a day and days a week.
    Window {
        /// Hours a day.
        hours: u8,
        /// Days a week.
        days: u8,
    },
    /// Yes or no.
    Bool(bool),
    /// A whole number.
    Count(i64),
}

impl Value {
    /// The kind of this value.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Duration(_) => Kind::Duration,
            Value::Window { .. } => Kind::Window,
            Value::Bool(_) => Kind::Bool,
            Value::Count(_) => Kind::Count,
        }
    }

    /// Read a TOML value as a value of the given kind.
    pub fn parse(raw: &toml::Value, kind: Kind) -> Result<Value, String> {
        match (kind, raw) {
            (Kind::Bool, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
            (Kind::Count, toml::Value::Integer(i)) => Ok(Value::Count(*i)),
            (Kind::Duration, toml::Value::String(s)) => parse_duration(s),
            (Kind::Window, toml::Value::String(s)) => parse_window(s),
            (kind, other) => Err(format!("expected {kind}, found `{other}`")),
        }
    }

    fn order(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Duration(a), Value::Duration(b)) => Some(a.cmp(b)),
            (
                Value::Window {
                    hours: h1,
                    days: d1,
                },
                Value::Window {
                    hours: h2,
                    days: d2,
                },
            ) => {
                // A window covers another only if it is at least as long on both axes.
                match (h1.cmp(h2), d1.cmp(d2)) {
                    (Ordering::Equal, o) | (o, Ordering::Equal) => Some(o),
                    (a, b) if a == b => Some(a),
                    _ => None,
                }
            }
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Count(a), Value::Count(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Duration(m) => f.write_str(&format_duration(*m)),
            Value::Window { hours, days } => write!(f, "{hours}x{days}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Count(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

fn format_duration(m: u64) -> String {
    let unit = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if m != 0 && m % YEAR_MINUTES == 0 {
        unit(m / YEAR_MINUTES, "year", "years")
    } else if m != 0 && (m * 12) % YEAR_MINUTES == 0 && m % (24 * 60) != 0 {
        unit(m * 12 / YEAR_MINUTES, "month", "months")
    } else if m != 0 && m % (24 * 60) == 0 && m >= 7 * 24 * 60 {
        unit(m / (24 * 60), "day", "days")
    } else if m != 0 && m % 60 == 0 {
        unit(m / 60, "hour", "hours")
    } else {
        unit(m, "minute", "minutes")
    }
}

/// Parse `"365 days"`, `"72 hours"`, `"15 minutes"`, `"12 months"`, `"6 years"`, `"1 week"`.
pub fn parse_duration(s: &str) -> Result<Value, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("`{s}` is not a duration: write a number and a unit, such as `365 days`")
    })?;
    let per: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "min" | "mins" | "minute" | "minutes" => 1,
        "h" | "hr" | "hrs" | "hour" | "hours" => 60,
        "d" | "day" | "days" => 24 * 60,
        "w" | "week" | "weeks" => 7 * 24 * 60,
        "mo" | "month" | "months" => YEAR_MINUTES / 12,
        "y" | "year" | "years" => YEAR_MINUTES,
        "m" => {
            return Err(format!(
                "`{s}` is ambiguous: write `min` for minutes or `mo` for months"
            ))
        }
        other if other.starts_with('x') => {
            return Err(format!(
                "`{s}` is a coverage window, not a duration: write a duration such as `365 days`"
            ))
        }
        other => {
            return Err(format!(
            "`{s}` has an unknown unit `{other}`: use minutes, hours, days, weeks, months or years"
        ))
        }
    };
    n.checked_mul(per)
        .filter(|m| *m <= 1000 * YEAR_MINUTES)
        .map(Value::Duration)
        .ok_or_else(|| format!("`{s}` is longer than 1000 years"))
}

/// Parse `"24x7"`, `"8x5"`, `"business hours"` (= 8x5).
pub fn parse_window(s: &str) -> Result<Value, String> {
    let t = s.trim().to_ascii_lowercase().replace('×', "x");
    if t == "business hours" || t == "business-hours" {
        return Ok(Value::Window { hours: 8, days: 5 });
    }
    let bad =
        || format!("`{s}` is not a coverage window: write hours x days, such as `24x7` or `8x5`");
    let (h, d) = t.split_once('x').ok_or_else(bad)?;
    let hours: u8 = h.trim().parse().map_err(|_| bad())?;
    let days: u8 = d.trim().parse().map_err(|_| bad())?;
    if !(1..=24).contains(&hours) || !(1..=7).contains(&days) {
        return Err(bad());
    }
    Ok(Value::Window { hours, days })
}

/// How a demand compares a provided value with its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Provided >= demanded.
    AtLeast,
    /// Provided <= demanded.
    AtMost,
    /// Provided == demanded.
    Equals,
}

impl Op {
    /// Parse the TOML word.
    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "at_least" => Some(Op::AtLeast),
            "at_most" => Some(Op::AtMost),
            "equals" => Some(Op::Equals),
            _ => None,
        }
    }

    /// The allowed words.
    pub const WORDS: &'static [&'static str] = &["at_least", "at_most", "equals"];

    /// The symbol used in reasons.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
            Op::Equals => "=",
        }
    }

    /// Does `provided` satisfy `demanded` under this operator?
    pub fn satisfied(self, provided: &Value, demanded: &Value) -> bool {
        match (self, provided.order(demanded)) {
            (_, None) => false,
            (Op::AtLeast, Some(o)) => o != Ordering::Less,
            (Op::AtMost, Some(o)) => o != Ordering::Greater,
            (Op::Equals, Some(o)) => o == Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Value {
        parse_duration(s).unwrap()
    }

    #[test]
    fn units_convert() {
        assert_eq!(d("12 months"), d("365 days"));
        assert_eq!(d("1 year"), d("365 days"));
        assert_eq!(d("72 hours"), d("3 days"));
        assert_eq!(d("1 hour"), d("60 minutes"));
        assert_eq!(d("2 weeks"), d("14 days"));
        assert_eq!(d("6 years"), d("2190 days"));
    }

    #[test]
    fn boundaries() {
        let year = d("12 months");
        assert!(Op::AtLeast.satisfied(&d("365 days"), &year));
        assert!(!Op::AtLeast.satisfied(&d("364 days"), &year));
        assert!(Op::AtMost.satisfied(&d("90 days"), &d("3 months")));
        assert!(!Op::AtMost.satisfied(&d("92 days"), &d("3 months")));
        assert!(Op::AtMost.satisfied(&d("72 hours"), &d("72 hours")));
        assert!(!Op::AtMost.satisfied(&d("73 hours"), &d("72 hours")));
    }

    #[test]
    fn windows_order_on_both_axes() {
        let w = |s| parse_window(s).unwrap();
        assert!(Op::AtLeast.satisfied(&w("24x7"), &w("8x5")));
        assert!(!Op::AtLeast.satisfied(&w("8x5"), &w("24x7")));
        assert!(!Op::AtLeast.satisfied(&w("24x5"), &w("24x7")));
        assert!(!Op::AtLeast.satisfied(&w("12x7"), &w("24x5")));
        assert_eq!(w("business hours"), w("8x5"));
        assert!(parse_window("25x7").is_err());
    }

    #[test]
    fn kinds_do_not_mix() {
        assert!(!Op::AtLeast.satisfied(&Value::Bool(true), &d("1 day")));
        assert!(Value::parse(&toml::Value::Integer(3), Kind::Duration).is_err());
        assert!(parse_duration("ninety days").is_err());
        assert!(parse_duration("90 fortnights").is_err());
        assert!(parse_duration("12m").unwrap_err().contains("ambiguous"));
        assert_eq!(d("12mo"), d("12 months"));
        assert_eq!(d("15min"), d("15 minutes"));
        assert!(parse_duration("2000000000000000000 minutes").is_err());
        assert!(parse_duration("1001 years").is_err());
        assert_eq!(d("1000 years").to_string(), "1000 years");
    }

    #[test]
    fn durations_display_in_natural_units() {
        assert_eq!(d("365 days").to_string(), "1 year");
        assert_eq!(d("3 months").to_string(), "3 months");
        assert_eq!(d("90 days").to_string(), "90 days");
        assert_eq!(d("72 hours").to_string(), "72 hours");
        assert_eq!(d("7 days").to_string(), "7 days");
        assert_eq!(d("90 minutes").to_string(), "90 minutes");
    }
}
