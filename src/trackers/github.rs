//! GitHub issues as `gh issue list --state all --json
//! number,title,url,state,assignees,labels,createdAt,closedAt` prints them: a JSON
//! array of objects; `body` and `stateReason` are read when present.

use serde_json::Value;

use super::{Mapping, Parsed, description, one_line, tags};
use crate::domain::external::{ExternalIssue, IssueStatus};

pub fn read(text: &str, mapping: &Mapping) -> Result<Parsed, String> {
    let list: Vec<Value> =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            format!("not the JSON of `gh issue list --json …` (an array of issues): {e}")
        })?;
    let mut parsed = Parsed::default();
    for (index, entry) in list.iter().enumerate() {
        let number = entry.get("number").and_then(Value::as_u64);
        let origin = match number {
            Some(n) => format!("issue #{n}"),
            None => format!("entry {}", index + 1),
        };
        parsed.add(origin, issue(entry, number, mapping));
    }
    Ok(parsed)
}

fn text<'a>(entry: &'a Value, field: &str) -> Option<&'a str> {
    entry.get(field).and_then(Value::as_str)
}

fn issue(entry: &Value, number: Option<u64>, mapping: &Mapping) -> Result<ExternalIssue, String> {
    let number = number.ok_or("no issue number")?;
    let url = one_line(
        text(entry, "url").ok_or("no url (add `url` to --json)")?,
        "the url",
    )?;
    // https://github.com/OWNER/REPO/issues/N: the repository makes the key unique.
    let repo = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .and_then(|rest| {
            let parts: Vec<&str> = rest.split('/').collect();
            (parts.len() >= 3 && !parts[1].is_empty() && !parts[2].is_empty())
                .then(|| format!("{}/{}", parts[1], parts[2]))
        })
        .ok_or_else(|| format!("url `{url}` does not name a repository"))?;
    crate::domain::rules::check_link(&url).map_err(|e| e.to_string())?;
    let title = one_line(text(entry, "title").unwrap_or_default(), "the title")?;
    if title.is_empty() {
        return Err("no title".to_string());
    }
    let label_names: Vec<&str> = entry
        .get("labels")
        .and_then(Value::as_array)
        .map(|ls| ls.iter().filter_map(|l| text(l, "name")).collect())
        .unwrap_or_default();
    let team = mapping
        .team(label_names.iter().copied())
        .ok_or_else(|| "no label is in --team-map, and no --team was given".to_string())?;
    let owner = entry
        .get("assignees")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| text(a, "login"))
        .map(|login| one_line(login, "the assignee"))
        .transpose()?;
    let state = text(entry, "state").unwrap_or("OPEN");
    let reason = text(entry, "stateReason").unwrap_or_default();
    let status = match (
        state.to_ascii_uppercase().as_str(),
        reason.to_ascii_uppercase().as_str(),
    ) {
        ("OPEN", _) => IssueStatus::Open,
        ("CLOSED", "NOT_PLANNED") => IssueStatus::Dropped,
        ("CLOSED", _) => IssueStatus::Done,
        (other, _) => {
            return Err(format!(
                "state `{}` is neither OPEN nor CLOSED",
                one_line(other, "")?
            ));
        }
    };
    let time = |field: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
        match text(entry, field) {
            Some(t) if !t.is_empty() => chrono::DateTime::parse_from_rfc3339(t)
                .map(|t| Some(t.with_timezone(&chrono::Utc)))
                .map_err(|_| {
                    format!(
                        "{field} `{}` is not a time",
                        one_line(t, "").unwrap_or_default()
                    )
                }),
            _ => Ok(None),
        }
    };
    Ok(ExternalIssue {
        origin: String::new(),
        key: format!("github:{repo}#{number}"),
        tracker: "GitHub",
        title,
        body: description(text(entry, "body"))?,
        team,
        owner,
        tags: tags(label_names)?,
        due: None,
        status,
        status_text: "not planned".to_string(),
        created_at: time("createdAt")?,
        closed_at: time("closedAt")?,
        link: Some(url),
    })
}
