//! An item's history told in words, for `show`, the detail pane and exports.

use chrono::TimeZone;

use super::model::{Event, EventKind, Item};
use super::time::show_in;
use super::view::crossing;

/// One line saying what an event did: "sent to onboarding: “kick-off booked”". Times
/// in it are shown in `zone`.
pub fn describe<Tz: TimeZone>(event: &Event, team_before: &str, zone: &Tz) -> String {
    let quoted = |s: &str| format!("“{s}”");
    match &event.kind {
        EventKind::Created { team, owner, .. } => match owner {
            Some(owner) => format!("created in {team}, owner {owner}"),
            None => format!("created in {team}"),
        },
        EventKind::Edited {
            title,
            body,
            due,
            tags,
            link,
        } => {
            let mut changes = Vec::new();
            if let Some(title) = title {
                changes.push(format!("retitled {}", quoted(title)));
            }
            match due {
                Some(Some(due)) => changes.push(format!("due {}", show_in(*due, zone))),
                Some(None) => changes.push("due date removed".to_string()),
                None => {}
            }
            if let Some(tags) = tags {
                changes.push(if tags.is_empty() {
                    "tags removed".to_string()
                } else {
                    format!("tags {}", tags.join(", "))
                });
            }
            if body.is_some() {
                changes.push("description changed".to_string());
            }
            if let Some(link) = link {
                changes.push(format!("link {link}"));
            }
            if changes.is_empty() {
                "edited".to_string()
            } else {
                format!("edited: {}", changes.join("; "))
            }
        }
        EventKind::Owner { owner } => match owner {
            Some(owner) => format!("owner set to {owner}"),
            None => "owner cleared".to_string(),
        },
        EventKind::Sent {
            to, note, unticked, ..
        } => {
            let mut text = format!("sent {}: {}", crossing(team_before, to), quoted(note));
            if !unticked.is_empty() {
                text.push_str(&format!(
                    " (incomplete handoff, unticked: {})",
                    unticked.join("; ")
                ));
            }
            text
        }
        EventKind::Accepted { owner } => match owner {
            Some(owner) => format!("accepted, owner {owner}"),
            None => "accepted, no owner".to_string(),
        },
        EventKind::Bounced { reason, cause } => {
            format!("bounced back: {}{}", quoted(reason), cause_words(*cause))
        }
        EventKind::Reclaimed { reason } => match reason {
            Some(reason) => format!("reclaimed by the sender: {}", quoted(reason)),
            None => "reclaimed by the sender".to_string(),
        },
        EventKind::Escalated { to, note } => {
            let mut text = match to {
                Some(to) => format!("escalated to {to}"),
                None => "escalated".to_string(),
            };
            if let Some(note) = note {
                text.push_str(&format!(": {}", quoted(note)));
            }
            text
        }
        EventKind::Noted { note } => format!("note: {}", quoted(note)),
        EventKind::Done { note } => match note {
            Some(note) => format!("done: {}", quoted(note)),
            None => "done".to_string(),
        },
        EventKind::Reopened { reason } => match reason {
            Some(reason) => format!("reopened: {}", quoted(reason)),
            None => "reopened".to_string(),
        },
        EventKind::Dropped { reason } => format!("dropped: {}", quoted(reason)),
        EventKind::Flagged { note, cause } => format!(
            "flagged a dropped baton: {}{}",
            quoted(note),
            cause_words(*cause)
        ),
        EventKind::Snoozed { until } => {
            format!("snoozed until {}", show_in(*until, zone))
        }
        EventKind::Merged { into, note } => with_note(
            format!("{} as a duplicate", super::view::merged_into(*into)),
            note,
        ),
        EventKind::Absorbed { from, note } => {
            with_note(format!("absorbed duplicate #{from}"), note)
        }
        EventKind::Dismissed { code, with, note } => {
            let what = match with {
                Some(other) => format!("dismissed {} with #{other}", code.as_str()),
                None => format!("dismissed {}", code.as_str()),
            };
            with_note(what, note)
        }
        EventKind::Ticked { entries, note } => {
            let quoted: Vec<String> = entries.iter().map(|e| quoted(e)).collect();
            with_note(
                format!("ticked after the handoff: {}", quoted.join(", ")),
                note,
            )
        }
        EventKind::Undone { seq } => format!("undid change {seq}"),
    }
}

/// "dismissed escalated: “handled in the weekly”".
/// A cause code after what happened: ` (cause: missing-context)`.
fn cause_words(cause: Option<super::cause::Cause>) -> String {
    cause.map_or_else(String::new, |c| format!(" (cause: {})", c.as_str()))
}

fn with_note(text: String, note: &Option<String>) -> String {
    match note {
        Some(note) => format!("{text}: “{note}”"),
        None => text,
    }
}

/// The description [`narrate`] gives the latest event of an item's history, from the
/// item as it was just before it (none for its creation) rather than from the whole
/// history: the team an item holds is the one its history leaves it with. `None` for
/// an undo, which names the change it took back and so needs the history.
pub fn describe_latest<Tz: TimeZone>(
    before: Option<&Item>,
    event: &Event,
    zone: &Tz,
) -> Option<String> {
    match event.kind {
        EventKind::Undone { .. } => None,
        _ => Some(describe(
            event,
            before.map_or("", |b| b.team.as_str()),
            zone,
        )),
    }
}

/// Each event with its description (times in `zone`), tracking which team held the
/// item at the time.
pub fn narrate<'a, Tz: TimeZone>(events: &'a [Event], zone: &Tz) -> Vec<(&'a Event, String)> {
    // (holding team, team it was sent to) after each change still in effect, so that
    // an undone change restores where the item was.
    let mut states: Vec<(String, Option<String>)> = vec![(String::new(), None)];
    events
        .iter()
        .map(|event| {
            let (team, pending_to) = states.last().cloned().unwrap_or_default();
            let mut line = describe(event, &team, zone);
            let next = match &event.kind {
                EventKind::Undone { seq } => {
                    if let Some(target) = events.iter().find(|e| e.seq == *seq) {
                        line = format!("undid change {seq} ({})", target.kind.name());
                    }
                    if states.len() > 1 {
                        states.pop();
                    }
                    None
                }
                EventKind::Created { team: t, .. } => Some((t.clone(), None)),
                EventKind::Sent { to, .. } => Some((team, Some(to.clone()))),
                EventKind::Accepted { .. } => Some((pending_to.unwrap_or(team), None)),
                EventKind::Bounced { .. }
                | EventKind::Reclaimed { .. }
                | EventKind::Merged { .. } => Some((team, None)),
                _ => Some((team, pending_to)),
            };
            if let Some(state) = next {
                states.push(state);
            }
            (event, line)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn event(seq: u32, kind: EventKind) -> Event {
        Event {
            seq,
            at: DateTime::<Utc>::default(),
            actor: "maya".to_string(),
            kind,
        }
    }

    #[test]
    fn an_undone_accept_puts_the_story_back_with_the_sender() {
        let events = vec![
            event(
                1,
                EventKind::Created {
                    title: "t".to_string(),
                    team: "sales".to_string(),
                    owner: None,
                    due: None,
                    tags: vec![],
                    body: None,
                    link: None,
                    external_key: None,
                },
            ),
            event(
                2,
                EventKind::Sent {
                    to: "support".to_string(),
                    note: "n".to_string(),
                    unticked: vec![],
                    forced: false,
                    late: false,
                },
            ),
            event(3, EventKind::Accepted { owner: None }),
            event(4, EventKind::Undone { seq: 3 }),
            event(5, EventKind::Reclaimed { reason: None }),
            event(
                6,
                EventKind::Sent {
                    to: "finance".to_string(),
                    note: "again".to_string(),
                    unticked: vec![],
                    forced: false,
                    late: false,
                },
            ),
        ];
        let lines: Vec<String> = narrate(&events, &Utc).into_iter().map(|(_, l)| l).collect();
        assert_eq!(lines[3], "undid change 3 (accepted)");
        assert_eq!(lines[5], "sent sales → finance: “again”");
    }
}
