//! Escalation ladders: when a contract says how long past a breach each level waits,
//! the levels of its ladder fall due one after the other, and `baton watch` records each
//! as an escalation by `baton` at the time it fell due.
//!
//! The rule, for an item in limbo over a boundary whose contract in force when it was
//! sent has an SLA, a ladder and `escalate_after`:
//! - level 1 falls due `escalate_after` past the SLA's breach, level n `n ×
//!   escalate_after` past it, counted in the SLA's clock (working time with a calendar);
//! - a level is reached when, during this spell in limbo (since the last send), the item
//!   was escalated (by hand or by `baton`) to its contact or to a later level's contact;
//! - a dismissal of `escalated` during the spell counts as reaching every level already
//!   due when it was made: someone took the escalation in hand; later levels still fall
//!   due if the item is still waiting then;
//! - every level due and above the highest reached is recorded, each at the time it fell
//!   due (or at the item's last event, when something was recorded since: a history
//!   never goes back in time), so a watcher that was stopped catches up faithfully.

use chrono::{DateTime, Utc};

use super::attention::SignalCode;
use super::calendar::Sla;
use super::model::{Event, EventKind, Item, State};
use super::rules::Org;

/// A level of an item's ladder that has fallen due and is not reached yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueLevel {
    /// 1 for the first contact.
    pub level: usize,
    pub contact: String,
    /// When it fell due.
    pub at: DateTime<Utc>,
    /// How many levels the ladder has.
    pub of: usize,
    /// How long past the breach it fell due, as the contract counts: "8h".
    pub wait: String,
}

impl DueLevel {
    /// The escalation's note: "level 2 of 2 of the escalation ladder of sales → solutions:
    /// due 4h past the breach".
    pub fn note(&self, boundary: &str) -> String {
        format!(
            "automatic: level {} of {} of the escalation ladder of {boundary}, due {} past the SLA breach",
            self.level, self.of, self.wait
        )
        .replace(" of 1 of", " of")
    }
}

/// When each level of the ladder of an item sent over `from → to` at `sent` falls due,
/// with its contact; empty when the contract in force then has no SLA, no ladder or no
/// `escalate_after`.
pub fn level_times(org: &Org, from: &str, to: &str, sent: DateTime<Utc>) -> Vec<DueLevel> {
    let Some(contract) = org.contract_in_force(from, to, sent) else {
        return Vec::new();
    };
    let (Some(sla), Some(after)) = (contract.sla, contract.escalate_after) else {
        return Vec::new();
    };
    let clock = org.clock(contract);
    let Some(mut due) = clock.ran_out(sent, sla) else {
        return Vec::new();
    };
    let ladder = contract.ladder();
    let mut out = Vec::new();
    for (index, contact) in ladder.iter().enumerate() {
        match clock.ran_out(due, after) {
            Some(next) => due = next,
            None => break,
        }
        let n = index as i64 + 1;
        let wait = Sla {
            weeks: after.weeks * n,
            days: after.days * n,
            minutes: after.minutes * n,
        };
        out.push(DueLevel {
            level: index + 1,
            contact: contact.to_string(),
            at: due,
            of: ladder.len(),
            wait: wait.text(),
        });
    }
    out
}

/// The levels of `item`'s ladder to record at `now`, oldest first: those fallen due and
/// not reached (see the module's rule); `events` is the item's history.
pub fn due_levels(item: &Item, events: &[Event], org: &Org, now: DateTime<Utc>) -> Vec<DueLevel> {
    if item.state != State::Limbo {
        return Vec::new();
    }
    let (Some((from, to)), Some(limbo)) = (item.boundary(), item.limbo.as_ref()) else {
        return Vec::new();
    };
    let levels = level_times(org, from, to, limbo.sent_at);
    if levels.first().is_none_or(|l| l.at > now) {
        return Vec::new();
    }
    let spell_start = events
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::Sent { .. }))
        .map_or(0, |i| i + 1);
    let mut reached = 0;
    for event in &events[spell_start..] {
        match &event.kind {
            EventKind::Escalated { to: Some(to), .. } => {
                if let Some(l) = levels.iter().rev().find(|l| &l.contact == to) {
                    reached = reached.max(l.level);
                }
            }
            EventKind::Dismissed { code, .. } if *code == SignalCode::Escalated => {
                let due_then = levels.iter().filter(|l| l.at <= event.at).count();
                reached = reached.max(due_then);
            }
            _ => {}
        }
    }
    levels
        .into_iter()
        .filter(|l| l.level > reached && l.at <= now)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{Calendar, CalendarDef};
    use crate::domain::model::{Boundary, Contract, Limbo, Team};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("time")
    }

    fn org(calendar: bool) -> Org {
        let office = Calendar::from_def(CalendarDef {
            name: "office".to_string(),
            tz: "UTC".to_string(),
            hours: vec!["Mon-Fri 09:00-17:00".to_string()],
            holidays: Vec::new(),
        })
        .expect("calendar");
        let team = |key: &str| Team {
            key: key.to_string(),
            name: key.to_string(),
            lead: None,
        };
        Org {
            teams: vec![team("sales"), team("solutions")],
            boundaries: vec![Boundary {
                from: "sales".to_string(),
                to: "solutions".to_string(),
                contract: Contract {
                    sla: Some(Sla::parse("1d").expect("sla")),
                    calendar: calendar.then(|| "office".to_string()),
                    escalate_to: Some("lee".to_string()),
                    escalate_then: vec!["vp".to_string()],
                    escalate_after: Some(Sla::parse("4h").expect("after")),
                    ..Contract::default()
                },
            }],
            calendars: vec![office],
            contract_history: Vec::new(),
        }
    }

    fn sent(kind_at: &str) -> (Item, Vec<Event>) {
        let sent_at = at(kind_at);
        let item = Item {
            state: State::Limbo,
            limbo: Some(Box::new(Limbo {
                to: "solutions".to_string(),
                sent_at,
                note: String::new(),
                unticked: Vec::new(),
                sender_owner: None,
            })),
            events: 2,
            ..Item::new(1, "Renewal".to_string(), "sales".to_string(), sent_at)
        };
        let event = Event {
            seq: 2,
            at: sent_at,
            actor: "maya".to_string(),
            kind: EventKind::Sent {
                to: "solutions".to_string(),
                note: String::new(),
                unticked: Vec::new(),
                forced: false,
                late: false,
            },
        };
        (item, vec![event])
    }

    fn escalated(seq: u32, when: &str, to: &str) -> Event {
        Event {
            seq,
            at: at(when),
            actor: "dana".to_string(),
            kind: EventKind::Escalated {
                to: Some(to.to_string()),
                note: None,
            },
        }
    }

    #[test]
    fn levels_fall_due_in_working_time_past_the_breach() {
        // Sent Friday 16:00, 1d = 8 working hours: breached Monday 16:00; level 1 four
        // working hours later (Tuesday 12:00), level 2 eight (Tuesday 16:00).
        let levels = level_times(&org(true), "sales", "solutions", at("2026-11-20T16:00:00Z"));
        let times: Vec<_> = levels
            .iter()
            .map(|l| (l.level, l.contact.as_str(), l.at))
            .collect();
        assert_eq!(
            times,
            vec![
                (1, "lee", at("2026-11-24T12:00:00Z")),
                (2, "vp", at("2026-11-24T16:00:00Z")),
            ]
        );
        assert_eq!(levels[1].wait, "8h");
        // Around the clock: Saturday 16:00 breach, then 20:00 and midnight.
        let wall = level_times(
            &org(false),
            "sales",
            "solutions",
            at("2026-11-20T16:00:00Z"),
        );
        assert_eq!(wall[0].at, at("2026-11-21T20:00:00Z"));
        assert_eq!(wall[1].at, at("2026-11-22T00:00:00Z"));
    }

    #[test]
    fn reached_levels_are_not_due_again() {
        let org = org(true);
        let (item, events) = sent("2026-11-20T16:00:00Z");
        let due = |events: &[Event], now| {
            due_levels(&item, events, &org, at(now))
                .into_iter()
                .map(|l| l.level)
                .collect::<Vec<_>>()
        };
        assert_eq!(due(&events, "2026-11-24T11:59:00Z"), Vec::<usize>::new());
        assert_eq!(due(&events, "2026-11-24T12:00:00Z"), vec![1]);
        assert_eq!(due(&events, "2026-11-25T09:00:00Z"), vec![1, 2]);
        // By hand to vp (level 2): nothing left to climb.
        let mut by_hand = events.clone();
        by_hand.push(escalated(3, "2026-11-24T10:00:00Z", "vp"));
        assert_eq!(due(&by_hand, "2026-11-25T09:00:00Z"), Vec::<usize>::new());
        // A dismissal at 13:00 covers level 1 (due at 12:00), not level 2.
        let mut dismissed = events.clone();
        dismissed.push(Event {
            seq: 3,
            at: at("2026-11-24T13:00:00Z"),
            actor: "lee".to_string(),
            kind: EventKind::Dismissed {
                code: SignalCode::Escalated,
                with: None,
                note: None,
            },
        });
        assert_eq!(due(&dismissed, "2026-11-25T09:00:00Z"), vec![2]);
    }
}
