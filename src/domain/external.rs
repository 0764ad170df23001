//! Issues brought in from the trackers where work lives (Jira, GitHub, Linear): what
//! one such issue says, and the commands that bring a Baton item in line with it. A
//! first import creates the item (with the issue's own creation time) and closes it if
//! the issue is closed; a re-import changes only what differs. Every change goes
//! through [`super::rules::decide`], like any other.

use chrono::{DateTime, Utc};

use super::model::{Item, State};
use super::rules::Command;

/// Where an issue stands in its tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueStatus {
    Open,
    /// Closed as finished.
    Done,
    /// Closed without being done (won't do, duplicate, cancelled).
    Dropped,
}

/// One issue, already mapped to Baton's terms (team key, owner, tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIssue {
    /// Where it was read, in the user's words: "line 7 (SUP-12)", "issue #12".
    pub origin: String,
    /// `jira:SUP-12`, `github:acme/web#12`, `linear:ENG-42`.
    pub key: String,
    /// The tracker's name, for the notes the import leaves: "Jira".
    pub tracker: &'static str,
    pub title: String,
    pub body: Option<String>,
    pub team: String,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub due: Option<DateTime<Utc>>,
    pub status: IssueStatus,
    /// The tracker's status in words, for the reason of a drop: "Won't Do".
    pub status_text: String,
    pub created_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub link: Option<String>,
}

/// The commands, each with its time, that bring `existing` (the item imported from
/// this issue before, if any) in line with `issue`, as of `now`. Empty when nothing
/// differs.
pub fn plan(
    existing: Option<&Item>,
    issue: &ExternalIssue,
    now: DateTime<Utc>,
) -> Vec<(Command, DateTime<Utc>)> {
    let mut steps = Vec::new();
    let Some(item) = existing else {
        // The item's history starts when the issue did (never in the future), and a
        // closed issue closes when it closed (never before it started).
        let created = issue.created_at.filter(|t| *t <= now).unwrap_or(now);
        let closed = issue.closed_at.map_or(now, |t| t.clamp(created, now));
        steps.push((
            Command::Create {
                title: issue.title.clone(),
                team: issue.team.clone(),
                owner: issue.owner.clone(),
                due: issue.due,
                tags: issue.tags.clone(),
                body: issue.body.clone(),
                link: issue.link.clone(),
                external_key: Some(issue.key.clone()),
            },
            created,
        ));
        if let Some(close) = closing(issue) {
            steps.push((close, closed));
        }
        return steps;
    };
    let title = Some(issue.title.trim().to_string()).filter(|t| *t != item.title);
    let wanted = issue
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    // "" clears the description.
    let body = (wanted != item.body.as_deref()).then(|| wanted.unwrap_or_default().to_string());
    let due = Some(issue.due).filter(|d| *d != item.due);
    let tags = Some(issue.tags.clone()).filter(|t| *t != item.tags);
    let link = issue.link.clone().filter(|l| item.link.as_ref() != Some(l));
    if title.is_some() || body.is_some() || due.is_some() || tags.is_some() || link.is_some() {
        steps.push((
            Command::Edit {
                title,
                body,
                due,
                tags,
                link,
            },
            now,
        ));
    }
    // In limbo nobody owns the item until the receiving team accepts it.
    if item.state == State::Active && issue.owner != item.owner {
        steps.push((Command::SetOwner(issue.owner.clone()), now));
    }
    match (issue.status, item.state) {
        (IssueStatus::Open, State::Done | State::Dropped) => steps.push((
            Command::Reopen(Some(format!("reopened in {}", issue.tracker))),
            now,
        )),
        (IssueStatus::Done | IssueStatus::Dropped, State::Active | State::Limbo) => {
            if let Some(close) = closing(issue) {
                steps.push((close, now));
            }
        }
        _ => {}
    }
    steps
}

fn closing(issue: &ExternalIssue) -> Option<Command> {
    match issue.status {
        IssueStatus::Open => None,
        IssueStatus::Done => Some(Command::Done(Some(format!("closed in {}", issue.tracker)))),
        IssueStatus::Dropped => Some(Command::Drop(format!(
            "closed in {} as {}",
            issue.tracker, issue.status_text
        ))),
    }
}

/// Splits `'Support=support, Billing = finance'` into pairs; a name may hold spaces,
/// not `=` or `,`.
pub fn parse_team_map(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| match part.split_once('=') {
            Some((name, key)) if !name.trim().is_empty() && !key.trim().is_empty() => {
                Ok((name.trim().to_string(), key.trim().to_string()))
            }
            _ => Err(format!(
                "`{}` is not NAME=TEAM (use --team-map 'Support=support,Billing=finance')",
                part.trim()
            )),
        })
        .collect()
}
