//! Notifications `baton watch` delivers: an item became at risk or breached its SLA
//! (judged at each tick by the one SLA rule, [`super::view::limbo_time`]), or was
//! escalated, bounced, sent incomplete or sent late (read from its new events). Each has
//! a key that names it once and for all, so a database can remember it was delivered.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::attention::SlaStanding;
use super::model::{Event, EventKind, Item, ItemId};
use super::rules::Org;
use super::view::{crossing, limbo_time, responsible};

/// One notification, as the JSON object `baton watch` hands on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// Names the notification for good: `42:sla-breached:1763650800` (item, code, the
    /// send it is about), `42:7:bounced` (item, event, code).
    pub key: String,
    pub item: ItemId,
    pub title: String,
    /// `sla-at-risk`, `sla-breached`, `escalated`, `bounced`, `incomplete-handoff`,
    /// `late-handoff`.
    pub code: &'static str,
    pub reason: String,
    /// When it happened (for a time-based notification, when it was noticed).
    pub at: DateTime<Utc>,
    /// `sales → solutions`, when the item is on or came through a boundary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    pub contacts: Contacts,
    /// The command that shows the item: `baton show 42`.
    pub show: String,
    /// Where the item is tracked outside Baton, if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Who a notification concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contacts {
    /// Who answers for the item: its owner, else the contract's next owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The escalation ladder of the boundary's contract, first level first.
    pub escalation: Vec<String>,
    /// Whom it was escalated to, for `escalated`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalated_to: Option<String>,
}

fn notice(
    item: &Item,
    org: &Org,
    key: String,
    code: &'static str,
    reason: String,
    at: DateTime<Utc>,
    boundary: Option<(&str, &str)>,
) -> Notice {
    let ladder = boundary
        .and_then(|(from, to)| org.boundary(from, to))
        .map(|b| {
            b.contract
                .ladder()
                .into_iter()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Notice {
        key,
        item: item.id,
        title: item.title.clone(),
        code,
        reason,
        at,
        boundary: boundary.map(|(from, to)| crossing(from, to)),
        contacts: Contacts {
            owner: responsible(item, org).name().map(str::to_string),
            escalation: ladder,
            escalated_to: None,
        },
        show: format!("baton show {}", item.id),
        link: item.link.clone(),
    }
}

/// The time-based notification of an item at `now`: `sla-breached` or `sla-at-risk`
/// for the spell in limbo it is in, if it stands so.
pub fn standing_notice(item: &Item, org: &Org, now: DateTime<Utc>) -> Option<Notice> {
    let time = limbo_time(item, org, now)?;
    let code = match time.standing {
        SlaStanding::Breached => "sla-breached",
        SlaStanding::AtRisk => "sla-at-risk",
        SlaStanding::Within | SlaStanding::NoSla => return None,
    };
    let sent = item.limbo.as_ref()?.sent_at;
    let (from, to) = item.boundary()?;
    let words = match time.standing {
        SlaStanding::Breached => "breached its SLA",
        _ => "at risk of breaching its SLA",
    };
    Some(notice(
        item,
        org,
        format!("{}:{code}:{}", item.id, sent.timestamp()),
        code,
        format!("{words}: {}", time.describe()),
        now,
        Some((from, to)),
    ))
}

/// The notifications `events` (new events of `item`, which is as it stands now) raise.
pub fn event_notices(item: &Item, events: &[Event], org: &Org) -> Vec<Notice> {
    let mut out = Vec::new();
    let key = |e: &Event, code: &str| format!("{}:{}:{code}", item.id, e.seq);
    for e in events {
        match &e.kind {
            EventKind::Escalated { to, note } => {
                let mut reason = match to {
                    Some(to) => format!("escalated to {to} by {}", e.actor),
                    None => format!("escalated by {}", e.actor),
                };
                if let Some(note) = note {
                    reason.push_str(&format!(": {note}"));
                }
                let mut n = notice(
                    item,
                    org,
                    key(e, "escalated"),
                    "escalated",
                    reason,
                    e.at,
                    item.governing_boundary(),
                );
                n.contacts.escalated_to = to.clone();
                out.push(n);
            }
            EventKind::Bounced { reason, .. } => out.push(notice(
                item,
                org,
                key(e, "bounced"),
                "bounced",
                format!("bounced by {}: {reason}", e.actor),
                e.at,
                item.governing_boundary(),
            )),
            EventKind::Sent {
                to, unticked, late, ..
            } => {
                let from = item
                    .limbo
                    .as_ref()
                    .map(|_| item.team.as_str())
                    .or(item.arrived_from.as_deref());
                let boundary = from.map(|from| (from, to.as_str()));
                if !unticked.is_empty() {
                    out.push(notice(
                        item,
                        org,
                        key(e, "incomplete-handoff"),
                        "incomplete-handoff",
                        format!(
                            "sent to {to} by {} with {} unticked: {}",
                            e.actor,
                            unticked.len(),
                            unticked.join("; ")
                        ),
                        e.at,
                        boundary,
                    ));
                }
                if *late {
                    out.push(notice(
                        item,
                        org,
                        key(e, "late-handoff"),
                        "late-handoff",
                        format!(
                            "sent to {to} by {} with less time before its due date than the contract gives {to}",
                            e.actor
                        ),
                        e.at,
                        boundary,
                    ));
                }
            }
            _ => {}
        }
    }
    out
}
