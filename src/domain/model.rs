//! The handoff model: teams, boundaries with their contracts, items and their events.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::attention::SignalCode;
use super::calendar::Sla;

pub type ItemId = i64;

/// A team: a short key people type (`sales`), a display name and an optional lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
}

/// The handoff contract of a boundary: what both sides agreed a crossing looks like.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// The definition-of-done checklist the sender ticks when sending.
    #[serde(default)]
    pub definition_of_done: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// The next responsible owner on the receiving side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// How long an item may wait in limbo, as typed: `"sla": "2d"` in JSON. With a
    /// calendar, in its working time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
    /// The working calendar the SLA counts in; none means around the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// The first level of the escalation ladder: who `baton escalate` goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
    /// The ladder's further levels, in order (level 2, 3, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalate_then: Vec<String>,
    /// How long past a breach each level waits after the one before (level 1 waits it
    /// once past the breach, level 2 twice, …), in the SLA's clock; none: the ladder is
    /// climbed by hand only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_after: Option<Sla>,
}

impl Contract {
    /// The SLA around the clock (a day of 24 hours), as exports and listings give it.
    pub fn sla(&self) -> Option<Duration> {
        self.sla.map(|s| s.nominal())
    }

    /// [`Self::sla`] in minutes.
    pub fn sla_minutes(&self) -> Option<i64> {
        self.sla().map(|d| d.num_minutes())
    }

    /// The contract fields still missing, in the user's words; empty when complete.
    pub fn missing(&self) -> Vec<&'static str> {
        super::view::missing(self)
    }

    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    /// Every level of the escalation ladder, first to last.
    pub fn ladder(&self) -> Vec<&str> {
        self.escalate_to
            .iter()
            .chain(self.escalate_then.iter())
            .map(String::as_str)
            .collect()
    }
}

/// A directed pair of teams, `from → to`, with its handoff contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boundary {
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub contract: Contract,
}

impl Boundary {
    pub fn label(&self) -> String {
        super::view::crossing(&self.from, &self.to)
    }
}

/// Where an item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Active,
    Limbo,
    Done,
    Dropped,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Limbo => "limbo",
            State::Done => "done",
            State::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        match text {
            "active" => Some(State::Active),
            "limbo" => Some(State::Limbo),
            "done" => Some(State::Done),
            "dropped" => Some(State::Dropped),
            _ => None,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, State::Active | State::Limbo)
    }
}

/// An item in limbo: sent across a boundary and not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limbo {
    pub to: String,
    pub sent_at: DateTime<Utc>,
    pub note: String,
    /// Definition-of-done entries left unticked at sending (a forced, incomplete handoff).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unticked: Vec<String>,
    /// Who owned the item on the sending side, restored on bounce or reclaim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_owner: Option<String>,
}

/// An open escalation: visible until the item moves again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A signal someone looked at and judged not a problem: off until the facts behind it
/// change (see [`super::rules::apply`] for which events bring each back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dismissal {
    pub code: SignalCode,
    /// For `possible-duplicate`: the other item of the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<ItemId>,
}

/// The current state of an item, as its event log says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
    /// The team holding the item; in limbo, the sending team.
    pub team: String,
    pub owner: Option<String>,
    pub state: State,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Boxed, as is the escalation: an item is copied and read by the hundred thousand,
    /// and inline they made it 480 bytes instead of 344, for what many items lack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limbo: Option<Box<Limbo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Box<Escalation>>,
    /// Unticked entries of the handoff that brought the item to its team, if it was forced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete_handoff: Vec<String>,
    pub bounces: u32,
    pub flags: u32,
    /// The team that sent the item to the team holding it now (the last accepted
    /// crossing), whose contract governs it there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_from: Option<String>,
    /// Out of the attention queue until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// How many events the item has; the next event's sequence number is this plus one.
    pub events: u32,
    /// Where the item is tracked outside Baton (a Jira issue, a GitHub issue), or any
    /// page about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The item's key where it was imported from (`jira:SUP-12`,
    /// `github:acme/web#7`, `linear:ENG-42`): what a later import matches it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_key: Option<String>,
    /// Closed as a duplicate of this item (the item is then dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<ItemId>,
    /// Signals judged not a problem, until their facts change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<Dismissal>,
}

impl Item {
    /// Item `id` as it is created: active in `team`, with one event and nothing else set.
    pub fn new(id: ItemId, title: String, team: String, at: DateTime<Utc>) -> Item {
        Item {
            id,
            title,
            body: None,
            tags: Vec::new(),
            due: None,
            team,
            owner: None,
            state: State::Active,
            created_at: at,
            updated_at: at,
            limbo: None,
            escalation: None,
            incomplete_handoff: Vec::new(),
            bounces: 0,
            flags: 0,
            arrived_from: None,
            snoozed_until: None,
            events: 1,
            link: None,
            external_key: None,
            merged_into: None,
            dismissed: Vec::new(),
        }
    }

    /// The boundary whose contract governs the item: the one it waits on in limbo, else
    /// the one it last arrived through.
    pub fn governing_boundary(&self) -> Option<(&str, &str)> {
        self.boundary().or_else(|| {
            self.arrived_from
                .as_deref()
                .map(|from| (from, self.team.as_str()))
        })
    }

    /// The boundary the item sits on, when in limbo.
    pub fn boundary(&self) -> Option<(&str, &str)> {
        self.limbo
            .as_ref()
            .map(|l| (self.team.as_str(), l.to.as_str()))
    }
}

/// One entry of an item's append-only history. In JSON (the board document, `--json`)
/// what happened sits beside the event's own fields, so an undo's target, `seq` when
/// stored on its own, is written `undoes` there: `{"seq":5,…,"type":"undone","undoes":4}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// 1-based position in the item's history.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
}

#[derive(Serialize)]
struct EventOut<'a> {
    seq: u32,
    at: DateTime<Utc>,
    actor: &'a str,
    #[serde(flatten)]
    kind: KindOut<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum KindOut<'a> {
    Undone {
        #[serde(rename = "type")]
        tag: &'static str,
        undoes: u32,
    },
    Other(&'a EventKind),
}

#[derive(Deserialize)]
struct EventIn {
    seq: u32,
    at: DateTime<Utc>,
    actor: String,
    undoes: Option<u32>,
    #[serde(flatten)]
    kind: EventKind,
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kind = match &self.kind {
            EventKind::Undone { seq } => KindOut::Undone {
                tag: "undone",
                undoes: *seq,
            },
            other => KindOut::Other(other),
        };
        EventOut {
            seq: self.seq,
            at: self.at,
            actor: &self.actor,
            kind,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        use serde::de::Error;
        let event = EventIn::deserialize(d)?;
        let kind = match (event.kind, event.undoes) {
            (EventKind::Undone { .. }, Some(undoes)) => EventKind::Undone { seq: undoes },
            (EventKind::Undone { .. }, None) => return Err(D::Error::missing_field("undoes")),
            (_, Some(_)) => {
                return Err(D::Error::custom(
                    "`undoes` goes with an `undone` event only",
                ));
            }
            (kind, None) => kind,
        };
        Ok(Event {
            seq: event.seq,
            at: event.at,
            actor: event.actor,
            kind,
        })
    }
}

/// What happened. Serialized with a `type` tag, as in the JSON board document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventKind {
    Created {
        title: String,
        team: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_key: Option<String>,
    },
    Edited {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        /// `Some(None)` clears the due date.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "double_option"
        )]
        due: Option<Option<DateTime<Utc>>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    Owner {
        owner: Option<String>,
    },
    Sent {
        to: String,
        note: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unticked: Vec<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        forced: bool,
        /// Sent with less time left before the item's due date than the contract's SLA
        /// (a `late-handoff`), as judged at the send.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        late: bool,
    },
    Accepted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
    },
    Bounced {
        reason: String,
        /// Why, from the fixed list (absent in events recorded without one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<super::cause::Cause>,
    },
    Reclaimed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Escalated {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Noted {
        note: String,
    },
    Done {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Reopened {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Dropped {
        reason: String,
    },
    Flagged {
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<super::cause::Cause>,
    },
    /// Leaves the attention queue until `until` (a standup decision: "not today").
    Snoozed {
        until: DateTime<Utc>,
    },
    /// Closed as a duplicate of item `into`, whose history gets an `absorbed` event.
    Merged {
        into: ItemId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Item `from` was closed as a duplicate of this one.
    Absorbed {
        from: ItemId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Someone looked at signal `code` and judged it not a problem (for
    /// `possible-duplicate`, the pair with item `with`).
    Dismissed {
        code: SignalCode,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        with: Option<ItemId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Definition-of-done entries left unticked by a forced handoff, done since.
    Ticked {
        entries: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Takes back the item's last change (event `seq`), as if it had not happened;
    /// both stay in the log. (Beside an event's own `seq`, in an [`Event`]'s JSON, the
    /// target is `undoes`; it is read from there.)
    Undone {
        #[serde(default)]
        seq: u32,
    },
}

impl EventKind {
    /// The stable name of the event, as stored and exported.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::Edited { .. } => "edited",
            EventKind::Owner { .. } => "owner",
            EventKind::Sent { .. } => "sent",
            EventKind::Accepted { .. } => "accepted",
            EventKind::Bounced { .. } => "bounced",
            EventKind::Reclaimed { .. } => "reclaimed",
            EventKind::Escalated { .. } => "escalated",
            EventKind::Noted { .. } => "noted",
            EventKind::Done { .. } => "done",
            EventKind::Reopened { .. } => "reopened",
            EventKind::Dropped { .. } => "dropped",
            EventKind::Flagged { .. } => "flagged",
            EventKind::Snoozed { .. } => "snoozed",
            EventKind::Merged { .. } => "merged",
            EventKind::Absorbed { .. } => "absorbed",
            EventKind::Dismissed { .. } => "dismissed",
            EventKind::Ticked { .. } => "ticked",
            EventKind::Undone { .. } => "undone",
        }
    }

    /// What happened to the item, to follow "#42 was …": "#42 was accepted by bob".
    pub fn verb(&self) -> &'static str {
        match self {
            EventKind::Owner { .. } => "given an owner",
            EventKind::Noted { .. } => "given a note",
            EventKind::Done { .. } => "marked done",
            EventKind::Undone { .. } => "changed back (undo)",
            EventKind::Absorbed { .. } => "given a duplicate",
            EventKind::Dismissed { .. } => "given a dismissal",
            EventKind::Ticked { .. } => "ticked",
            other => other.name(),
        }
    }
}

mod double_option {
    //! Tells "field absent" (no change) from "field null" (cleared).
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
