//! Linear's CSV export (Settings → Import/Export → Export CSV): one row per issue, in
//! the columns `ID` (`ENG-42`), `Team`, `Title`, `Description`, `Status`, `Estimate`,
//! `Priority`, `Project ID`, `Project`, `Creator`, `Assignee`, `Labels` (joined with
//! ", " in one cell), `Cycle Number`, `Cycle Name`, `Cycle Start`, `Cycle End`,
//! `Created`, `Updated`, `Started`, `Triaged`, `Completed`, `Canceled`, `Archived`,
//! `Due Date`, `Parent issue`, … (newer exports add `UUID` and relations). Columns are
//! found by name, so their order and the extra ones do not matter. The export has no
//! address per issue: `--linear-url` gives the workspace's, and a `URL` column is used
//! if a file has one.

use chrono::TimeZone;

use super::{Mapping, Parsed, Sheet, cell, description, due, means_dropped, one_line, tags, time};
use crate::domain::external::{ExternalIssue, IssueStatus};

const WHAT: &str = "a Linear CSV export";

pub fn read<Tz: TimeZone>(text: &str, mapping: &Mapping, zone: &Tz) -> Result<Parsed, String> {
    let sheet = Sheet::parse(text, WHAT)?;
    let id_col = sheet.require("ID", WHAT)?;
    let title_col = sheet.require("Title", WHAT)?;
    let team_col = sheet.column("Team");
    let status = sheet.column("Status");
    let assignee = sheet.column("Assignee");
    let labels = sheet.column("Labels");
    let due_col = sheet.column("Due Date");
    let created = sheet.column("Created");
    let completed = sheet.column("Completed");
    let canceled = sheet.column("Canceled");
    let url = sheet.column("URL");
    let body = sheet.column("Description");
    let mut parsed = Parsed::default();
    for (line, row) in &sheet.rows {
        let id = cell(row, Some(id_col)).unwrap_or_default();
        let origin = match one_line(id, "") {
            Ok(id) if !id.is_empty() => format!("line {line} ({id})"),
            _ => format!("line {line}"),
        };
        let issue = (|| -> Result<ExternalIssue, String> {
            let id = one_line(id, "the ID")?;
            if id.is_empty() {
                return Err("no ID".to_string());
            }
            let title = one_line(cell(row, Some(title_col)).unwrap_or_default(), "the title")?;
            if title.is_empty() {
                return Err("no title".to_string());
            }
            let linear_team = one_line(cell(row, team_col).unwrap_or_default(), "the team")?;
            let team = mapping.team([linear_team.as_str()]).ok_or_else(|| {
                format!("team `{linear_team}` is not in --team-map (add '{linear_team}=TEAM', or give --team)")
            })?;
            let status_text = one_line(cell(row, status).unwrap_or_default(), "the status")?;
            let done_at = cell(row, completed)
                .map(|t| time(t, zone, "Completed"))
                .transpose()?;
            let canceled_at = cell(row, canceled)
                .map(|t| time(t, zone, "Canceled"))
                .transpose()?;
            let (issue_status, closed_at) = if canceled_at.is_some() || means_dropped(&status_text)
            {
                (IssueStatus::Dropped, canceled_at)
            } else if done_at.is_some()
                || ["done", "completed"].contains(&status_text.to_lowercase().as_str())
            {
                (IssueStatus::Done, done_at)
            } else {
                (IssueStatus::Open, None)
            };
            let link = match cell(row, url) {
                Some(u) => {
                    let u = one_line(u, "the URL")?;
                    crate::domain::rules::check_link(&u).map_err(|e| e.to_string())?;
                    Some(u)
                }
                None => mapping
                    .linear_url
                    .as_ref()
                    .map(|base| format!("{}/issue/{id}", base.trim_end_matches('/'))),
            };
            Ok(ExternalIssue {
                origin: String::new(),
                key: format!("linear:{id}"),
                tracker: "Linear",
                title,
                body: description(cell(row, body))?,
                team,
                owner: cell(row, assignee)
                    .map(|a| one_line(a, "the assignee"))
                    .transpose()?,
                tags: tags(cell(row, labels).unwrap_or_default().split(','))?,
                due: cell(row, due_col)
                    .map(|d| due(d, zone, "Due Date"))
                    .transpose()?,
                status: issue_status,
                status_text: if status_text.is_empty() {
                    "Canceled".to_string()
                } else {
                    status_text
                },
                created_at: cell(row, created)
                    .map(|t| time(t, zone, "Created"))
                    .transpose()?,
                closed_at,
                link,
            })
        })();
        parsed.add(origin, issue);
    }
    Ok(parsed)
}
