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
