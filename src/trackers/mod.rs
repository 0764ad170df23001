//! Reading the files trackers export — Jira's CSV, `gh issue list --json`, Linear's
//! CSV — into [`ExternalIssue`]s in Baton's terms. A file that is not what it claims
//! is an error; a row that cannot be mapped is listed with the reason, and the rest
//! are read.

mod github;
mod jira;
mod linear;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::domain::external::ExternalIssue;
use crate::domain::text::without_controls;

/// The trackers Baton reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracker {
    JiraCsv,
    Github,
    LinearCsv,
}

/// How issues land on the board.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Tracker names (Jira project, Linear team, GitHub label) → Baton team keys.
    pub teams: Vec<(String, String)>,
    /// The team for issues the map does not place.
    pub default_team: Option<String>,
    /// Jira's address (`https://acme.atlassian.net`), to link each issue.
    pub jira_url: Option<String>,
    /// Linear's workspace address (`https://linear.app/acme`), to link each issue.
    pub linear_url: Option<String>,
}

impl Mapping {
    /// The team for the first of `names` the map knows, else the default team.
    fn team<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
        names
            .into_iter()
            .find_map(|name| {
                self.teams
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
                    .map(|(_, key)| key.clone())
            })
            .or_else(|| self.default_team.clone())
    }
}

/// What a file held: the issues read, and the rows that could not be mapped.
#[derive(Debug, Default)]
pub struct Parsed {
    pub issues: Vec<ExternalIssue>,
    /// Where each unmapped row was read, and why it was left out.
    pub rejected: Vec<(String, String)>,
}

impl Parsed {
    /// Keeps an issue read at `origin`, or the reason it could not be mapped.
    fn add(&mut self, origin: String, issue: Result<ExternalIssue, String>) {
        match issue {
            Ok(issue) => self.issues.push(ExternalIssue { origin, ..issue }),
            Err(reason) => self.rejected.push((origin, reason)),
        }
    }
}

/// Reads `text`, exported by `tracker`, with `mapping`.
pub fn read(tracker: Tracker, text: &str, mapping: &Mapping) -> Result<Parsed, String> {
    let mut parsed = match tracker {
        Tracker::JiraCsv => jira::read(text, mapping, &Local)?,
        Tracker::Github => github::read(text, mapping)?,
        Tracker::LinearCsv => linear::read(text, mapping, &Local)?,
    };
    // The same issue twice in one file: the first one counts.
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut issues = Vec::new();
    for issue in std::mem::take(&mut parsed.issues) {
        if let Some(first) = seen.get(&issue.key) {
            parsed
                .rejected
                .push((issue.origin.clone(), format!("the same issue as {first}")));
        } else {
            seen.insert(issue.key.clone(), issue.origin.clone());
            issues.push(issue);
        }
    }
    parsed.issues = issues;
    Ok(parsed)
}

/// A CSV export with a header row: cells found by column name, repeated columns
/// (Jira's `Labels`, `Labels`, …) all kept.
struct Sheet {
    headers: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn parse(text: &str, what: &str) -> Result<Sheet, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let headers: Vec<String> = match records.next() {
            Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
            Some(Err(e)) => return Err(format!("not {what}: {e}")),
            None => return Err(format!("not {what}: the file is empty")),
        };
        let mut rows = Vec::new();
        for record in records {
            let record = record.map_err(|e| format!("not {what}: {e}"))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        Ok(Sheet { headers, rows })
    }

    fn require(&self, name: &str, what: &str) -> Result<usize, String> {
        self.column(name).ok_or_else(|| {
            format!("not {what}: it has no `{name}` column (its columns: {})", {
                let mut shown: Vec<&str> =
                    self.headers.iter().map(String::as_str).take(8).collect();
                if self.headers.len() > 8 {
                    shown.push("…");
                }
                shown.join(", ")
            })
        })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    fn columns(&self, name: &str) -> Vec<usize> {
        (0..self.headers.len())
            .filter(|i| self.headers[*i].eq_ignore_ascii_case(name))
            .collect()
    }
}

/// A row's cell, trimmed; `None` when the column is missing or the cell empty.
fn cell(row: &[String], column: Option<usize>) -> Option<&str> {
    column
        .and_then(|c| row.get(c))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

/// A one-line text (a title, a name, a label): terminal escape sequences go whole,
/// line breaks and other control characters become spaces (the rule of
/// [`without_controls`]). NUL is refused: no database can keep it.
fn one_line(text: &str, what: &str) -> Result<String, String> {
    if text.contains('\0') {
        return Err(format!("{what} holds the NUL character"));
    }
    Ok(without_controls(text, true))
}

/// A description: kept as written, line breaks and all, without terminal escape
/// sequences or other controls, and never NUL.
fn description(text: Option<&str>) -> Result<Option<String>, String> {
    match text {
        Some(t) if t.contains('\0') => Err("the description holds the NUL character".to_string()),
        Some(t) => {
            Ok(Some(without_controls(t, false).trim().to_string()).filter(|t| !t.is_empty()))
        }
        None => Ok(None),
    }
}

/// Labels as tags: one line each, no blanks, no repeats, in their order.
fn tags<'a>(labels: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for label in labels {
        let tag = one_line(label, "a label")?;
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// A time as trackers write them: RFC 3339 (`2026-03-12T15:15:00.000Z`), Jira's
/// `12/Mar/26 3:15 PM`, `2026-03-12 15:15`, JavaScript's `Thu Mar 12 2026 15:15:00
/// GMT+0000 (…)`; without a zone, in `zone`.
fn time<Tz: TimeZone>(text: &str, zone: &Tz, column: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let js = text.split(" (").next().unwrap_or(text);
    if let Ok(t) = DateTime::parse_from_str(js, "%a %b %d %Y %H:%M:%S GMT%z") {
        return Ok(t.with_timezone(&Utc));
    }
    const FORMATS: [&str; 8] = [
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%d/%m/%Y %H:%M",
    ];
    let naive = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| date(text).map(|d| d.and_time(chrono::NaiveTime::MIN)));
    naive
        .and_then(|n| zone.from_local_datetime(&n).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{column} `{text}` is not a time Baton reads"))
}

/// A due date: the date part of whatever the tracker wrote, due at the end of that day.
fn due<Tz: TimeZone>(text: &str, zone: &Tz, column: &str) -> Result<DateTime<Utc>, String> {
    let day = date(text)
        .or_else(|| text.split_whitespace().next().and_then(date))
        .or_else(|| text.split('T').next().and_then(date))
        .ok_or_else(|| format!("{column} `{}` is not a date Baton reads", text.trim()))?;
    crate::domain::time::parse_due(&day.format("%Y-%m-%d").to_string(), zone)
        .map_err(|e| e.to_string())
}

fn date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%b/%y", "%d/%b/%Y", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text.trim(), f).ok())
}

/// Whether a status or resolution in words means "closed without being done".
fn means_dropped(text: &str) -> bool {
    let t = text.trim().to_lowercase().replace('’', "'");
    [
        "won't do",
        "won't fix",
        "wont do",
        "wont fix",
        "duplicate",
        "cannot reproduce",
        "declined",
        "rejected",
        "cancelled",
        "canceled",
        "obsolete",
        "not planned",
    ]
    .contains(&t.as_str())
}
