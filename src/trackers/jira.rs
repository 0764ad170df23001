//! Jira's CSV export (Filters → Export → CSV): one row per issue, `Issue key`,
//! `Summary`, `Status`, `Project name`, `Assignee`, `Labels` (repeated), `Due Date`,
//! `Created`, `Resolved`; times as the exporter's profile writes them
//! (`12/Mar/26 3:15 PM` by default).

use chrono::TimeZone;

use super::{Mapping, Parsed, Sheet, cell, description, due, means_dropped, one_line, tags, time};
use crate::domain::external::{ExternalIssue, IssueStatus};

const WHAT: &str = "a Jira CSV export";

pub fn read<Tz: TimeZone>(text: &str, mapping: &Mapping, zone: &Tz) -> Result<Parsed, String> {
    let sheet = Sheet::parse(text, WHAT)?;
    let key_col = sheet.require("Issue key", WHAT)?;
    let summary = sheet.require("Summary", WHAT)?;
    let status = sheet.column("Status");
    let category = sheet.column("Status Category");
    let resolution = sheet.column("Resolution");
    let project_name = sheet.column("Project name");
    let project_key = sheet.column("Project key");
    let team_field = sheet.column("Custom field (Team)");
    let components = sheet.columns("Component/s");
    let assignee = sheet.column("Assignee");
    let labels = sheet.columns("Labels");
    let due_col = sheet.column("Due Date");
    let created = sheet.column("Created");
    let resolved = sheet.column("Resolved");
    let body = sheet.column("Description");
    let mut parsed = Parsed::default();
    for (line, row) in &sheet.rows {
        let key = cell(row, Some(key_col)).unwrap_or_default();
        let origin = if key.is_empty() {
            format!("line {line}")
        } else {
            format!(
                "line {line} ({})",
                super::one_line(key, "").unwrap_or_default()
            )
        };
        let issue = (|| -> Result<ExternalIssue, String> {
            let key = one_line(key, "the issue key")?;
            if key.is_empty() {
                return Err("no issue key".to_string());
            }
            let title = one_line(cell(row, Some(summary)).unwrap_or_default(), "the summary")?;
            if title.is_empty() {
                return Err("no summary".to_string());
            }
            let mut names: Vec<&str> = Vec::new();
            names.extend(cell(row, project_name));
            names.extend(cell(row, project_key));
            names.extend(cell(row, team_field));
            names.extend(components.iter().filter_map(|c| cell(row, Some(*c))));
            let team = mapping.team(names.iter().copied()).ok_or_else(|| {
                let project = cell(row, project_name)
                    .or(cell(row, project_key))
                    .unwrap_or("?");
                format!(
                    "project `{}` is not in --team-map (add '{}=TEAM', or give --team)",
                    one_line(project, "").unwrap_or_default(),
                    one_line(project, "").unwrap_or_default()
                )
            })?;
            let status_text = one_line(cell(row, status).unwrap_or_default(), "the status")?;
            let resolution_text =
                one_line(cell(row, resolution).unwrap_or_default(), "the resolution")?;
            let closed = match cell(row, category) {
                Some(c) => c.eq_ignore_ascii_case("done"),
                None => {
                    ["done", "closed", "resolved", "complete", "completed"]
                        .contains(&status_text.to_lowercase().as_str())
                        || means_dropped(&status_text)
                }
            };
            let (issue_status, words) = if !closed {
                (IssueStatus::Open, status_text.clone())
            } else if means_dropped(&resolution_text) {
                (IssueStatus::Dropped, resolution_text.clone())
            } else if means_dropped(&status_text) {
                (IssueStatus::Dropped, status_text.clone())
            } else {
                (IssueStatus::Done, status_text.clone())
            };
            let owner = match cell(row, assignee) {
                Some(a) if !a.eq_ignore_ascii_case("unassigned") => {
                    Some(one_line(a, "the assignee")?)
                }
                _ => None,
            };
            Ok(ExternalIssue {
                origin: String::new(),
                link: mapping
                    .jira_url
                    .as_ref()
                    .map(|base| format!("{}/browse/{key}", base.trim_end_matches('/'))),
                key: format!("jira:{key}"),
                tracker: "Jira",
                title,
                body: description(cell(row, body))?,
                team,
                owner,
                tags: tags(labels.iter().filter_map(|c| cell(row, Some(*c))))?,
                due: cell(row, due_col)
                    .map(|d| due(d, zone, "Due Date"))
                    .transpose()?,
                status: issue_status,
                status_text: words,
                created_at: cell(row, created)
                    .map(|t| time(t, zone, "Created"))
                    .transpose()?,
                closed_at: cell(row, resolved)
                    .map(|t| time(t, zone, "Resolved"))
                    .transpose()?,
            })
        })();
        parsed.add(origin, issue);
    }
    Ok(parsed)
}
