//! A standup's decisions as Markdown, for the team's notes.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};

use crate::domain::ItemId;
use crate::domain::snapshot::StandupRecord;
use crate::domain::standup::{Decision, SKIPPED, by_team};
use crate::domain::time::offset_name;

/// The label a standup's snapshot and summary carry: `standup YYYY-MM-DD`, the day
/// it started in `zone`.
pub fn label<Tz: TimeZone>(at: DateTime<Utc>, zone: &Tz) -> String {
    format!("standup {}", at.with_timezone(zone).date_naive())
}

/// A standup's length to the second ("0m 43s", "12m 05s"): most take minutes, and a
/// short one must not read as none at all.
fn took(elapsed: Duration) -> String {
    let s = elapsed.num_seconds().max(0);
    format!("{}m {:02}s", s / 60, s % 60)
}

use super::markdown::cell;

/// The summary: every decision in full (the reason, note, contact, target or date, as
/// the item's history records it), the items not reached, and the time taken; its
/// times in `zone` (and its offset, as it is read elsewhere).
pub fn markdown<Tz: TimeZone>(
    decisions: &[Decision],
    not_reached: &[(ItemId, String)],
    started: DateTime<Utc>,
    elapsed: Duration,
    zone: &Tz,
) -> String {
    summary(1, decisions, not_reached, started, elapsed, zone)
}

/// The standup a snapshot saved at its end holds, as a section of a report whose
/// headings are one level up.
pub fn section<Tz: TimeZone>(record: &StandupRecord, zone: &Tz) -> String {
    let not_reached: Vec<(ItemId, String)> = record
        .not_reached
        .iter()
        .map(|n| (n.id, n.title.clone()))
        .collect();
    summary(
        2,
        &record.decisions,
        &not_reached,
        record.started,
        Duration::seconds(record.took_seconds),
        zone,
    )
}

/// [`markdown`], its title a heading of `level` and its parts one below.
fn summary<Tz: TimeZone>(
    level: usize,
    decisions: &[Decision],
    not_reached: &[(ItemId, String)],
    started: DateTime<Utc>,
    elapsed: Duration,
    zone: &Tz,
) -> String {
    let local = started.with_timezone(zone);
    let hashes = "#".repeat(level);
    let mut out = format!(
        "{hashes} {}\n\n",
        label(started, zone).replace("standup", "Standup")
    );
    let decided = decisions.iter().filter(|d| d.decision != SKIPPED).count();
    out.push_str(&format!(
        "Triage started {} {} and took {}: {} items walked, {} decided, {} skipped, {} not reached.\n\n",
        local.naive_local().format("%H:%M"),
        offset_name(local.offset().fix()),
        took(elapsed),
        decisions.len(),
        decided,
        decisions.len() - decided,
        not_reached.len()
    ));
    if decisions.is_empty() && not_reached.is_empty() {
        out.push_str("Nothing needed attention.\n");
        return out;
    }
    if !not_reached.is_empty() {
        let mut tail = format!("\n{hashes}# Not reached\n\n");
        for (id, title) in not_reached {
            tail.push_str(&format!("- #{id} {}\n", cell(title)));
        }
        let mut head = out;
        head.push_str(&tables(decisions, &hashes));
        head.push_str(&tail);
        return head;
    }
    out.push_str(&tables(decisions, &hashes));
    out
}

/// The decisions as one table, or one a team under the team's name when the walk went
/// team by team.
fn tables(decisions: &[Decision], hashes: &str) -> String {
    let mut out = String::new();
    for (team, group) in by_team(decisions) {
        if let Some(team) = team {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{hashes}# {}\n\n", cell(team)));
        }
        out.push_str(&table(&group));
    }
    out
}

fn table(decisions: &[&Decision]) -> String {
    let mut out = String::new();
    if decisions.is_empty() {
        return out;
    }
    out.push_str("| item | decision | now |\n| --- | --- | --- |\n");
    for d in decisions {
        out.push_str(&format!(
            "| #{} {} | {} | {} |\n",
            d.id,
            cell(&d.title),
            cell(&d.decision),
            cell(&d.outcome)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_lists_every_decision_in_a_table() {
        let started = DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let decisions = vec![
            Decision {
                id: 24,
                title: "Contoso | expansion".to_string(),
                decision: "accepted".to_string(),
                outcome: "active with solutions, owner Hannah Lee".to_string(),
                team: None,
            },
            Decision {
                id: 10,
                title: "Fabrikam".to_string(),
                decision: "skipped".to_string(),
                outcome: "in limbo onboarding → support, no owner".to_string(),
                team: None,
            },
        ];
        let text = markdown(
            &decisions,
            &[(31, "Initech | pilot".to_string())],
            started,
            Duration::minutes(12),
            &Utc,
        );
        assert_eq!(
            text,
            "# Standup 2026-11-25\n\n\
             Triage started 09:00 UTC and took 12m 00s: 2 items walked, 1 decided, 1 skipped, 1 not reached.\n\n\
             | item | decision | now |\n| --- | --- | --- |\n\
             | #24 Contoso \\| expansion | accepted | active with solutions, owner Hannah Lee |\n\
             | #10 Fabrikam | skipped | in limbo onboarding → support, no owner |\n\
             \n## Not reached\n\n- #31 Initech \\| pilot\n"
        );
    }

    #[test]
    fn a_walk_team_by_team_has_a_table_a_team() {
        let started = DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let decision = |id: ItemId, team: &str| Decision {
            id,
            title: format!("item {id}"),
            decision: "accepted".to_string(),
            outcome: format!("active with {team}"),
            team: Some(team.to_string()),
        };
        let decisions = [
            decision(1, "support"),
            decision(2, "sales"),
            decision(3, "support"),
        ];
        let text = markdown(&decisions, &[], started, Duration::minutes(3), &Utc);
        assert!(
            text.ends_with(
                "## support\n\n| item | decision | now |\n| --- | --- | --- |\n\
                 | #1 item 1 | accepted | active with support |\n\
                 | #3 item 3 | accepted | active with support |\n\
                 \n## sales\n\n| item | decision | now |\n| --- | --- | --- |\n\
                 | #2 item 2 | accepted | active with sales |\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_standup_is_dated_and_timed_in_its_zone() {
        let started = DateTime::parse_from_rfc3339("2026-11-25T23:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let tokyo = chrono::FixedOffset::east_opt(9 * 3600).expect("offset");
        assert_eq!(label(started, &tokyo), "standup 2026-11-26");
        let text = markdown(&[], &[], started, Duration::minutes(5), &tokyo);
        let short = markdown(&[], &[], started, Duration::seconds(43), &tokyo);
        assert!(short.contains("and took 0m 43s:"), "{short}");
        assert!(
            text.starts_with(
                "# Standup 2026-11-26\n\nTriage started 08:30 UTC+09:00 and took 5m 00s"
            ),
            "{text}"
        );
    }
}
