//! An item's history told in words, for `show`, the detail pane and exports.

use super::model::{Event, EventKind};

/// One line saying what an event did: "sent to onboarding: “kick-off booked”".
pub fn describe(event: &Event, team_before: &str) -> String {
    let quoted = |s: &str| format!("“{s}”");
    match &event.kind {
        EventKind::Created { team, owner, .. } => match owner {
            Some(owner) => format!("created in {team}, owner {owner}"),
            None => format!("created in {team}"),
        },
        EventKind::Edited { title, .. } => match title {
            Some(title) => format!("retitled {}", quoted(title)),
            None => "edited".to_string(),
        },
        EventKind::Owner { owner } => match owner {
            Some(owner) => format!("owner set to {owner}"),
            None => "owner cleared".to_string(),
        },
        EventKind::Sent {
            to, note, unticked, ..
        } => {
            let mut text = format!("sent {team_before} → {to}: {}", quoted(note));
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
        EventKind::Bounced { reason } => format!("bounced back: {}", quoted(reason)),
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
        EventKind::Flagged { note } => format!("flagged a dropped baton: {}", quoted(note)),
        EventKind::Snoozed { until } => {
            format!("snoozed until {} UTC", until.format("%Y-%m-%d %H:%M"))
        }
        EventKind::Undone { seq } => format!("undid change {seq}"),
    }
}

/// Each event with its description, tracking which team held the item at the time.
pub fn narrate(events: &[Event]) -> Vec<(&Event, String)> {
    let mut team = String::new();
    let mut pending_to: Option<String> = None;
    events
        .iter()
        .map(|event| {
            let mut line = describe(event, &team);
            if let EventKind::Undone { seq } = &event.kind
                && let Some(target) = events.iter().find(|e| e.seq == *seq)
            {
                line = format!("undid change {seq} ({})", target.kind.name());
            }
            match &event.kind {
                EventKind::Created { team: t, .. } => team = t.clone(),
                EventKind::Sent { to, .. } => pending_to = Some(to.clone()),
                EventKind::Accepted { .. } => {
                    if let Some(to) = pending_to.take() {
                        team = to;
                    }
                }
                EventKind::Bounced { .. } | EventKind::Reclaimed { .. } => pending_to = None,
                _ => {}
            }
            (event, line)
        })
        .collect()
}
