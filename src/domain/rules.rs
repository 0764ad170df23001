//! The transitions of an item and the rules that refuse them, in the user's words.
//!
//! [`decide`] turns what a user asks for into an event (filling in the contract's
//! defaults); [`apply`] is the only place an event changes an item, and is also what
//! replays a history on import, so the CLI, the board and import share one set of rules.

use chrono::{DateTime, Utc};

use super::DomainError;
use super::attention::{SignalCode, raised, titles_alike};
use super::model::{
    Boundary, Dismissal, Escalation, Event, EventKind, Item, ItemId, Limbo, State, Team,
};

/// The teams and boundaries an item moves between.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Org {
    pub teams: Vec<Team>,
    pub boundaries: Vec<Boundary>,
    /// The working calendars contracts name.
    pub calendars: Vec<super::calendar::Calendar>,
    /// Every recorded change to a contract, oldest first.
    pub contract_history: Vec<super::contracts::ContractChange>,
}

#[cfg(test)]
impl Org {
    /// Teams named by their keys and boundaries with empty contracts, for unit tests.
    pub(crate) fn sketch(teams: &[&str], edges: &[(&str, &str)]) -> Org {
        Org {
            teams: teams
                .iter()
                .map(|k| Team {
                    key: k.to_string(),
                    name: k.to_string(),
                    lead: None,
                })
                .collect(),
            boundaries: edges
                .iter()
                .map(|(f, t)| Boundary {
                    from: f.to_string(),
                    to: t.to_string(),
                    contract: super::model::Contract::default(),
                })
                .collect(),
            ..Org::default()
        }
    }
}

/// A team key names a lane and a column: short, and made of characters that read the
/// same in every place it appears (`sales→support` column ids, URLs, shells).
pub fn check_team_key(key: &str) -> Result<(), DomainError> {
    let ok = !key.is_empty()
        && key.len() <= 32
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(DomainError::BadTeamKey(key.to_string()))
    }
}

/// An item id must be one Baton can address and every JSON reader can hold.
pub fn check_item_id(id: ItemId) -> Result<(), DomainError> {
    if (1..=super::MAX_ITEM_ID).contains(&id) {
        Ok(())
    } else {
        Err(DomainError::BadItemId(id))
    }
}

impl Org {
    /// The rules a whole organisation keeps, wherever it comes from (commands or an
    /// imported document): team keys well formed and unique; boundaries between two
    /// different known teams, each pair once.
    pub fn check(&self) -> Result<(), DomainError> {
        let mut keys = std::collections::HashSet::new();
        for team in &self.teams {
            check_team_key(&team.key)?;
            if !keys.insert(team.key.as_str()) {
                return Err(DomainError::DuplicateTeam(team.key.clone()));
            }
        }
        let mut pairs = std::collections::HashSet::new();
        for b in &self.boundaries {
            self.require_team(&b.from)?;
            self.require_team(&b.to)?;
            if b.from == b.to {
                return Err(DomainError::SelfBoundary(b.from.clone()));
            }
            if !pairs.insert((b.from.as_str(), b.to.as_str())) {
                return Err(DomainError::DuplicateBoundary(b.from.clone(), b.to.clone()));
            }
        }
        // A contract (now or in its history) counts in a calendar the organisation has:
        // a missing one would silently count around the clock.
        let contracts = self
            .boundaries
            .iter()
            .map(|b| (b.label(), &b.contract))
            .chain(self.contract_history.iter().flat_map(|c| {
                let label = super::view::crossing(&c.from, &c.to);
                std::iter::once((label.clone(), &c.after))
                    .chain(c.before.iter().map(move |b| (label.clone(), b)))
            }));
        for (boundary, contract) in contracts {
            if let Some(name) = &contract.calendar
                && self.calendar(name).is_none()
            {
                let known: Vec<&str> = self.calendars.iter().map(|c| c.name()).collect();
                return Err(DomainError::ContractCalendarMissing {
                    boundary,
                    calendar: name.clone(),
                    known: if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    },
                });
            }
        }
        Ok(())
    }

    /// Checks `team` may join this organisation.
    pub fn check_new_team(&self, team: &Team) -> Result<(), DomainError> {
        check_team_key(&team.key)?;
        if self.team(&team.key).is_some() {
            return Err(DomainError::DuplicateTeam(team.key.clone()));
        }
        Ok(())
    }

    /// Checks `boundary` may join this organisation.
    pub fn check_new_boundary(&self, boundary: &Boundary) -> Result<(), DomainError> {
        self.require_team(&boundary.from)?;
        self.require_team(&boundary.to)?;
        if boundary.from == boundary.to {
            return Err(DomainError::SelfBoundary(boundary.from.clone()));
        }
        if self.boundary(&boundary.from, &boundary.to).is_some() {
            return Err(DomainError::DuplicateBoundary(
                boundary.from.clone(),
                boundary.to.clone(),
            ));
        }
        Ok(())
    }

    pub fn team(&self, key: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.key == key)
    }

    pub fn calendar(&self, name: &str) -> Option<&super::calendar::Calendar> {
        self.calendars.iter().find(|c| c.name() == name)
    }

    /// What `contract`'s SLA counts: its calendar's working time, else the wall clock.
    pub fn clock(&self, contract: &super::model::Contract) -> super::calendar::Clock<'_> {
        contract
            .calendar
            .as_deref()
            .and_then(|name| self.calendar(name))
            .map_or(
                super::calendar::Clock::Wall,
                super::calendar::Clock::Working,
            )
    }

    /// The clock and SLA of the contract of `from → to` in force at `at`.
    pub fn sla_in_force(
        &self,
        from: &str,
        to: &str,
        at: DateTime<Utc>,
    ) -> (super::calendar::Clock<'_>, Option<super::calendar::Sla>) {
        match self.contract_in_force(from, to, at) {
            Some(c) => (self.clock(c), c.sla),
            None => (super::calendar::Clock::Wall, None),
        }
    }

    /// The contract of `from → to` in force at `at`.
    pub fn contract_in_force(
        &self,
        from: &str,
        to: &str,
        at: DateTime<Utc>,
    ) -> Option<&super::model::Contract> {
        let current = &self.boundary(from, to)?.contract;
        if self.contract_history.is_empty() {
            return Some(current);
        }
        Some(super::contracts::in_force(
            self.changes_of(from, to),
            current,
            at,
        ))
    }

    /// The recorded changes to the contract of `from → to`, oldest first.
    pub fn changes_of(&self, from: &str, to: &str) -> Vec<&super::contracts::ContractChange> {
        self.contract_history
            .iter()
            .filter(|c| c.from == from && c.to == to)
            .collect()
    }

    /// Each contract `from → to` has had, with when it came in and when it was
    /// replaced (`None`: from the start, or still in force).
    #[allow(clippy::type_complexity)]
    pub fn contracts_in_force(
        &self,
        from: &str,
        to: &str,
    ) -> Vec<(
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        &super::model::Contract,
    )> {
        self.boundary(from, to)
            .map(|b| super::contracts::periods(self.changes_of(from, to), &b.contract))
            .unwrap_or_default()
    }

    pub fn boundary(&self, from: &str, to: &str) -> Option<&Boundary> {
        self.boundaries
            .iter()
            .find(|b| b.from == from && b.to == to)
    }

    /// The boundaries an item held by `team` can be sent across.
    pub fn boundaries_from<'a>(&'a self, team: &'a str) -> impl Iterator<Item = &'a Boundary> {
        self.boundaries.iter().filter(move |b| b.from == team)
    }

    pub fn require_team(&self, key: &str) -> Result<&Team, DomainError> {
        self.team(key).ok_or_else(|| DomainError::UnknownTeam {
            key: key.to_string(),
            hint: self
                .teams
                .iter()
                .find(|t| t.key.to_lowercase() == key.trim().to_lowercase())
                .map(|t| format!("; did you mean `{}`?", t.key))
                .unwrap_or_default(),
            known: self
                .teams
                .iter()
                .map(|t| t.key.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

const SEND_RULE: &str = "only an item a team holds can be sent";

/// Which definition-of-done entries the sender ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ticks {
    All,
    /// 1-based positions in the contract's checklist.
    Entries(Vec<usize>),
}

/// What a user asks to happen to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Create {
        title: String,
        team: String,
        owner: Option<String>,
        due: Option<DateTime<Utc>>,
        tags: Vec<String>,
        body: Option<String>,
        /// Where the item is tracked outside Baton.
        link: Option<String>,
        /// Its key where it was imported from (see [`Item::external_key`]).
        external_key: Option<String>,
    },
    SetOwner(Option<String>),
    Send {
        to: String,
        note: String,
        ticks: Ticks,
        force: bool,
    },
    Accept {
        owner: Option<String>,
    },
    Bounce {
        reason: String,
        cause: Option<super::cause::Cause>,
    },
    Reclaim {
        reason: Option<String>,
    },
    Escalate {
        to: Option<String>,
        note: Option<String>,
    },
    Note(String),
    Done(Option<String>),
    Reopen(Option<String>),
    Drop(String),
    Flag {
        note: String,
        cause: Option<super::cause::Cause>,
    },
    Snooze(DateTime<Utc>),
    /// Someone looked at one of the item's signals and judged it not a problem (a
    /// `possible-duplicate` concerns two items: see [`Pair::NotDuplicates`]).
    Dismiss {
        code: SignalCode,
        note: Option<String>,
    },
    /// Definition-of-done entries, left unticked by a forced handoff, done since.
    Tick {
        ticks: Ticks,
        note: Option<String>,
    },
    /// Change what the item says; `None` leaves a field as it is, `due: Some(None)`
    /// clears the due date.
    Edit {
        title: Option<String>,
        body: Option<String>,
        due: Option<Option<DateTime<Utc>>>,
        tags: Option<Vec<String>>,
        link: Option<String>,
    },
}

impl Command {
    /// Create an item titled `title` in `team`, with nothing else set.
    pub fn create(title: impl Into<String>, team: impl Into<String>) -> Command {
        Command::Create {
            title: title.into(),
            team: team.into(),
            owner: None,
            due: None,
            tags: Vec::new(),
            body: None,
            link: None,
            external_key: None,
        }
    }
}

/// Turns a command into the event it records and the item's new state.
/// `item` is `None` only for [`Command::Create`], with `id` the id to give it.
pub fn decide(
    item: Option<&Item>,
    id: ItemId,
    org: &Org,
    command: Command,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(Event, Item), DomainError> {
    let kind = match command {
        Command::Create {
            title,
            team,
            owner,
            due,
            tags,
            body,
            link,
            external_key,
        } => EventKind::Created {
            title: title.trim().to_string(),
            team,
            owner: non_blank(owner),
            due,
            tags,
            body: non_blank(body),
            link: non_blank(link),
            external_key: non_blank(external_key),
        },
        Command::Edit {
            title,
            body,
            due,
            tags,
            link,
        } => {
            let current = existing(item, id)?;
            // Only what really changes is recorded.
            let title = title
                .map(|t| t.trim().to_string())
                .filter(|t| *t != current.title);
            let body = body
                .map(|b| b.trim().to_string())
                .filter(|b| Some(b.as_str()) != current.body.as_deref().or(Some("")));
            let due = due.filter(|d| *d != current.due);
            let tags = tags.filter(|t| *t != current.tags);
            let link = non_blank(link).filter(|l| Some(l) != current.link.as_ref());
            if title.is_none()
                && body.is_none()
                && due.is_none()
                && tags.is_none()
                && link.is_none()
            {
                return Err(DomainError::NothingToChange(id));
            }
            EventKind::Edited {
                title,
                body,
                due,
                tags,
                link,
            }
        }
        Command::SetOwner(owner) => EventKind::Owner {
            owner: non_blank(owner),
        },
        Command::Send {
            to,
            note,
            ticks,
            force,
        } => {
            let current = existing(item, id)?;
            // The state comes first: an item in limbo cannot be sent anywhere, whatever
            // boundaries its sender has.
            if current.state != State::Active {
                return Err(DomainError::WrongState {
                    id,
                    action: "send",
                    state: describe_state(current),
                    rule: SEND_RULE,
                });
            }
            let from = current.team.as_str();
            let boundary = org
                .boundary(from, &to)
                .ok_or_else(|| no_boundary(org, from, &to))?;
            let checklist = &boundary.contract.definition_of_done;
            let unticked: Vec<String> = match ticks {
                Ticks::All => Vec::new(),
                Ticks::Entries(ticked) => {
                    if let Some(bad) = ticked.iter().find(|n| **n == 0 || **n > checklist.len()) {
                        return Err(DomainError::NoSuchChecklistEntry {
                            entry: *bad,
                            boundary: boundary.label(),
                            count: checklist.len(),
                        });
                    }
                    checklist
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !ticked.contains(&(i + 1)))
                        .map(|(_, entry)| entry.clone())
                        .collect()
                }
            };
            if !unticked.is_empty() && !force {
                return Err(DomainError::Unticked {
                    boundary: boundary.label(),
                    entries: unticked,
                });
            }
            let late = item.and_then(|i| i.due).is_some_and(|due| {
                super::attention::late_send(org, &boundary.from, &to, at, due, &chrono::Utc)
                    .is_some()
            });
            EventKind::Sent {
                forced: !unticked.is_empty(),
                late,
                to,
                note: note.trim().to_string(),
                unticked,
            }
        }
        Command::Accept { owner } => {
            let current = existing(item, id)?;
            let contract_owner = current
                .boundary()
                .and_then(|(from, to)| super::view::next_owner(org, from, to))
                .map(str::to_string);
            EventKind::Accepted {
                owner: non_blank(owner).or(contract_owner),
            }
        }
        Command::Bounce { reason, cause } => EventKind::Bounced {
            reason: reason.trim().to_string(),
            cause,
        },
        Command::Reclaim { reason } => EventKind::Reclaimed {
            reason: non_blank(reason),
        },
        Command::Escalate { to, note } => {
            let current = existing(item, id)?;
            permits(current, Move::Escalate)?;
            let Some(contact) = non_blank(to).or_else(|| escalation_contact(current, org)) else {
                return Err(DomainError::NoEscalationContact {
                    id,
                    reason: no_contact_reason(current),
                });
            };
            // Escalating to whom it is escalated to already notifies no one new.
            if current
                .escalation
                .as_ref()
                .is_some_and(|e| e.to.as_deref() == Some(contact.as_str()))
            {
                return Err(DomainError::AlreadyEscalated { id, to: contact });
            }
            EventKind::Escalated {
                to: Some(contact),
                note: non_blank(note),
            }
        }
        Command::Dismiss { code, note } => {
            let current = existing(item, id)?;
            permits(current, Move::Dismiss)?;
            if let Some(error) = undismissable(id, code) {
                return Err(error);
            }
            if code == SignalCode::PossibleDuplicate {
                return Err(DomainError::DuplicateNeedsOther(id));
            }
            if current.dismissed.iter().any(|d| d.code == code) {
                return Err(DomainError::AlreadyDismissed {
                    id,
                    code: code.as_str(),
                });
            }
            if !raised(current, org, at, code) {
                return Err(DomainError::NoSuchSignal {
                    id,
                    code: code.as_str(),
                });
            }
            EventKind::Dismissed {
                code,
                with: None,
                note: non_blank(note),
            }
        }
        Command::Tick { ticks, note } => {
            let current = existing(item, id)?;
            permits(current, Move::Tick)?;
            let left = &current.incomplete_handoff;
            if left.is_empty() {
                return Err(DomainError::NothingToTick(id));
            }
            let entries = match ticks {
                Ticks::All => left.clone(),
                Ticks::Entries(numbers) => {
                    if numbers.is_empty() {
                        return Err(DomainError::Required(
                            "the entries done (--done N… or --all-done)",
                        ));
                    }
                    let (label, checklist) = governing_checklist(current, org);
                    let mut entries: Vec<String> = Vec::new();
                    for n in numbers {
                        let Some(text) = n.checked_sub(1).and_then(|i| checklist.get(i)) else {
                            return Err(DomainError::NoSuchChecklistEntry {
                                entry: n,
                                boundary: label,
                                count: checklist.len(),
                            });
                        };
                        if !left.contains(text) {
                            return Err(DomainError::NotLeftToTick {
                                id,
                                entry: n,
                                text: text.clone(),
                                left: numbered(left, checklist),
                            });
                        }
                        if !entries.contains(text) {
                            entries.push(text.clone());
                        }
                    }
                    entries
                }
            };
            EventKind::Ticked {
                entries,
                note: non_blank(note),
            }
        }
        Command::Note(note) => EventKind::Noted {
            note: note.trim().to_string(),
        },
        Command::Done(note) => EventKind::Done {
            note: non_blank(note),
        },
        Command::Reopen(reason) => EventKind::Reopened {
            reason: non_blank(reason),
        },
        Command::Drop(reason) => EventKind::Dropped {
            reason: reason.trim().to_string(),
        },
        Command::Snooze(until) => {
            let current = existing(item, id)?;
            if let Some(error) = snooze_refused(current, org, at) {
                return Err(error);
            }
            EventKind::Snoozed { until }
        }
        Command::Flag { note, cause } => EventKind::Flagged {
            note: note.trim().to_string(),
            cause,
        },
    };
    let event = Event {
        seq: item.map_or(1, |i| i.events + 1),
        at,
        actor: actor.to_string(),
        kind,
    };
    let next = apply(item, id, org, &event)?;
    Ok((event, next))
}

/// What two items go through together: each history records its side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pair {
    /// The first item is closed as a duplicate of the second.
    Merge { note: Option<String> },
    /// The two are not duplicates: `possible-duplicate` stops for the pair until either
    /// is retitled.
    NotDuplicates { note: Option<String> },
}

/// Turns a decision about two items into an event on each and their new states:
/// `item`'s first, then `other`'s.
pub fn decide_pair(
    item: &Item,
    other: &Item,
    org: &Org,
    pair: Pair,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<[(Event, Item); 2], DomainError> {
    let (mine, theirs) = match pair {
        Pair::Merge { note } => {
            if item.id == other.id {
                return Err(DomainError::MergeIntoItself(item.id));
            }
            permits(item, Move::Merge)?;
            let note = non_blank(note);
            (
                EventKind::Merged {
                    into: other.id,
                    note: note.clone(),
                },
                EventKind::Absorbed {
                    from: item.id,
                    note,
                },
            )
        }
        Pair::NotDuplicates { note } => {
            let code = SignalCode::PossibleDuplicate;
            permits(item, Move::Dismiss)?;
            permits(other, Move::Dismiss)?;
            if item.id == other.id
                || item.team == other.team
                || !titles_alike(&item.title, &other.title)
            {
                return Err(DomainError::NotDuplicates {
                    id: item.id,
                    other: other.id,
                });
            }
            let has = |a: &Item, b: &Item| {
                a.dismissed
                    .iter()
                    .any(|d| d.code == code && d.with == Some(b.id))
            };
            if has(item, other) && has(other, item) {
                return Err(DomainError::AlreadyDismissed {
                    id: item.id,
                    code: code.as_str(),
                });
            }
            let note = non_blank(note);
            (
                EventKind::Dismissed {
                    code,
                    with: Some(other.id),
                    note: note.clone(),
                },
                EventKind::Dismissed {
                    code,
                    with: Some(item.id),
                    note,
                },
            )
        }
    };
    let mut out = Vec::with_capacity(2);
    for (current, kind) in [(item, mine), (other, theirs)] {
        let event = Event {
            seq: current.events + 1,
            at,
            actor: actor.to_string(),
            kind,
        };
        let next = apply(Some(current), current.id, org, &event)?;
        out.push((event, next));
    }
    let second = out.pop();
    let first = out.pop();
    match (first, second) {
        (Some(first), Some(second)) => Ok([first, second]),
        _ => Err(DomainError::UnknownItem(other.id)),
    }
}

/// Signals that are facts, not judgements, and so cannot be dismissed; the refusal
/// says what settles each instead.
fn undismissable(id: ItemId, code: SignalCode) -> Option<DomainError> {
    if super::attention::can_be_dismissed(code) {
        return None;
    }
    let rule = match code {
        SignalCode::Overdue => {
            "an overdue date is a fact, not a judgement; change the due date or finish the item"
        }
        SignalCode::SlaBreached => {
            "a breach is a fact, not a judgement; accept, bounce or reclaim the item, or escalate it"
        }
        SignalCode::ContractIncomplete => {
            "it belongs to a boundary, not an item; complete the contract with `baton boundary edit`"
        }
        _ => return None,
    };
    Some(DomainError::Undismissable {
        id,
        code: code.as_str(),
        rule,
    })
}

/// Why `item` cannot be snoozed at `at`: it is overdue or breached, facts a snooze
/// never hides (see [`super::attention::snooze_cannot_hide`]).
pub fn snooze_refused(item: &Item, org: &Org, at: DateTime<Utc>) -> Option<DomainError> {
    let (fact, fix) = if raised(item, org, at, SignalCode::SlaBreached) {
        ("past its SLA", "accept, bounce, reclaim or escalate it")
    } else if raised(item, org, at, SignalCode::Overdue) {
        ("overdue", "change its due date or finish it")
    } else {
        return None;
    };
    Some(DomainError::SnoozeHidesFact {
        id: item.id,
        fact,
        fix,
    })
}

/// Why an item has no escalation contact, and how to give it one.
fn no_contact_reason(item: &Item) -> String {
    match item.governing_boundary() {
        None => {
            "it has not crossed a boundary, so no contract names an escalation contact".to_string()
        }
        Some((from, to)) => format!(
            "the contract of {} names no escalation contact (set one with `baton boundary edit {from} {to} --escalate-to PERSON`)",
            super::view::crossing(from, to)
        ),
    }
}

/// The boundary whose checklist numbers an item's definition-of-done entries, and the
/// checklist (empty when the item crossed none).
fn governing_checklist<'a>(item: &Item, org: &'a Org) -> (String, &'a [String]) {
    match item
        .governing_boundary()
        .and_then(|(from, to)| org.boundary(from, to))
    {
        Some(b) => (b.label(), b.contract.definition_of_done.as_slice()),
        None => ("this item's boundary".to_string(), &[]),
    }
}

/// Entries with their checklist numbers: "2 “Kick-off date agreed”".
fn numbered(entries: &[String], checklist: &[String]) -> String {
    let words: Vec<String> = entries
        .iter()
        .map(|e| match checklist.iter().position(|c| c == e) {
            Some(i) => format!("{} “{e}”", i + 1),
            None => format!("“{e}”"),
        })
        .collect();
    words.join(", ")
}

/// The escalation contact for an item, from its boundary's contract when in limbo, else
/// the contract of the boundary it last arrived through (none for an item that never
/// crossed one): the ladder's first level, or the level above the one the item is
/// escalated to now.
pub fn escalation_contact(item: &Item, org: &Org) -> Option<String> {
    let (from, to) = item.governing_boundary()?;
    let ladder = org.boundary(from, to)?.contract.ladder();
    // Escalated already to a level of the ladder: the next one up (the top stays the top).
    let reached = item
        .escalation
        .as_ref()
        .and_then(|e| e.to.as_deref())
        .and_then(|to| ladder.iter().rposition(|contact| *contact == to));
    let next = match reached {
        Some(level) => ladder.get(level + 1).or(ladder.get(level)),
        None => ladder.first(),
    };
    next.map(|contact| contact.to_string())
}

/// A link is a web address a terminal can show and open: http(s), nothing that would
/// break the line it is shown on.
pub fn check_link(link: &str) -> Result<(), DomainError> {
    let lower = link.to_ascii_lowercase();
    let scheme = lower.starts_with("https://") || lower.starts_with("http://");
    let host = link.split_once("://").map_or("", |(_, rest)| rest);
    let clean = !link.chars().any(|c| c.is_whitespace() || c.is_control());
    if scheme && !host.is_empty() && clean && link.len() <= 2048 {
        Ok(())
    } else {
        Err(DomainError::BadLink(link.to_string()))
    }
}

fn non_blank(text: Option<String>) -> Option<String> {
    text.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn existing(item: Option<&Item>, id: ItemId) -> Result<&Item, DomainError> {
    item.ok_or(DomainError::UnknownItem(id))
}

fn no_boundary(org: &Org, from: &str, to: &str) -> DomainError {
    let targets: Vec<&str> = org.boundaries_from(from).map(|b| b.to.as_str()).collect();
    DomainError::NoBoundary {
        from: from.to_string(),
        to: to.to_string(),
        targets: if targets.is_empty() {
            "none".to_string()
        } else {
            targets.join(", ")
        },
    }
}

fn require_text(text: &str, what: &'static str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        Err(DomainError::Required(what))
    } else {
        Ok(())
    }
}

/// The moves whose allowance depends on where the item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Send,
    Accept,
    Bounce,
    Reclaim,
    Escalate,
    Owner,
    Snooze,
    Done,
    Reopen,
    Drop,
    Merge,
    Dismiss,
    Tick,
}

/// Whether `item`'s state allows `action`, and if not, why in the user's words. The
/// one place these rules live: `apply` enforces them, and the board asks before it
/// opens a form.
pub fn permits(item: &Item, action: Move) -> Result<(), DomainError> {
    let open = item.state.is_open();
    let in_limbo = item.limbo.is_some();
    let refusal: Option<(&'static str, &'static str)> = match action {
        Move::Owner if !open => Some(("assign an owner to", "reopen it first")),
        Move::Send if item.state != State::Active => Some(("send", SEND_RULE)),
        Move::Accept if !in_limbo => Some((
            "accept",
            "only an item sent across a boundary and waiting in limbo can be accepted",
        )),
        Move::Bounce if !in_limbo => {
            Some(("bounce", "only an item waiting in limbo can be bounced"))
        }
        Move::Reclaim if !in_limbo => {
            Some(("reclaim", "only an item waiting in limbo can be reclaimed"))
        }
        Move::Escalate if !open => Some(("escalate", "reopen it first")),
        Move::Snooze if !open => Some(("snooze", "only an open item can be snoozed")),
        Move::Done => match item.state {
            State::Active => None,
            State::Limbo => Some((
                "finish",
                "accept or reclaim it first; only an item a team holds can be done",
            )),
            State::Done => Some(("finish", "there is nothing left to finish")),
            State::Dropped => Some(("finish", "reopen it first")),
        },
        Move::Reopen if open => Some(("reopen", "only a done or dropped item can be reopened")),
        Move::Drop if !open => Some(("drop", "it is already closed")),
        Move::Merge if !open => Some(("merge", "only an open item can be merged into another")),
        Move::Dismiss if !open => Some(("dismiss a signal of", "a closed item raises no signals")),
        Move::Tick if !open => Some(("tick entries of", "reopen it first")),
        _ => None,
    };
    match refusal {
        Some((action, rule)) => Err(DomainError::WrongState {
            id: item.id,
            action,
            state: describe_state(item),
            rule,
        }),
        None => Ok(()),
    }
}

/// Applies one event to an item, refusing what the model does not allow.
pub fn apply(
    item: Option<&Item>,
    id: ItemId,
    org: &Org,
    event: &Event,
) -> Result<Item, DomainError> {
    let at = event.at;
    let Some(current) = item else {
        let EventKind::Created {
            title,
            team,
            owner,
            due,
            tags,
            body,
            link,
            external_key,
        } = &event.kind
        else {
            return Err(DomainError::NotCreatedFirst {
                id,
                event: event.kind.name(),
            });
        };
        check_item_id(id)?;
        check_time(id, at)?;
        if event.seq != 1 {
            return Err(DomainError::OutOfSequence {
                id,
                seq: event.seq,
                expected: 1,
            });
        }
        require_text(title, "a title")?;
        org.require_team(team)?;
        if let Some(link) = link {
            check_link(link)?;
        }
        return Ok(Item {
            body: body.clone(),
            tags: tags.clone(),
            due: *due,
            owner: owner.clone(),
            link: link.clone(),
            external_key: external_key.clone(),
            ..Item::new(id, title.clone(), team.clone(), at)
        });
    };
    check_order(current, id, event)?;
    let mut next = current.clone();
    next.updated_at = at;
    next.events += 1;
    // A snooze lasts until its time or until the item moves, whichever comes first.
    if matches!(
        event.kind,
        EventKind::Sent { .. }
            | EventKind::Accepted { .. }
            | EventKind::Bounced { .. }
            | EventKind::Reclaimed { .. }
            | EventKind::Done { .. }
            | EventKind::Reopened { .. }
            | EventKind::Dropped { .. }
            | EventKind::Merged { .. }
    ) {
        next.snoozed_until = None;
    }
    let renewed = renewed_facts(&event.kind);
    next.dismissed.retain(|d| !renewed.contains(&d.code));
    match &event.kind {
        EventKind::Created { .. } => return Err(DomainError::CreatedTwice(id)),
        EventKind::Undone { seq } => {
            // Needs the history: handled by `replay` and `undo`.
            return Err(DomainError::CannotUndo { id, seq: *seq });
        }
        EventKind::Edited {
            title,
            body,
            due,
            tags,
            link,
        } => {
            if let Some(link) = link {
                check_link(link)?;
                next.link = Some(link.clone());
            }
            if let Some(title) = title {
                require_text(title, "a title")?;
                next.title = title.clone();
            }
            if let Some(body) = body {
                next.body = Some(body.clone()).filter(|b| !b.is_empty());
            }
            if let Some(due) = due {
                next.due = *due;
            }
            if let Some(tags) = tags {
                next.tags = tags.clone();
            }
        }
        EventKind::Owner { owner } => {
            permits(current, Move::Owner)?;
            next.owner = owner.clone();
        }
        EventKind::Sent {
            to,
            note,
            unticked,
            forced,
            ..
        } => {
            permits(current, Move::Send)?;
            if org.boundary(&current.team, to).is_none() {
                return Err(no_boundary(org, &current.team, to));
            }
            require_text(note, "a handoff note (what the receiving team must know)")?;
            if !unticked.is_empty() && !forced {
                return Err(DomainError::Unticked {
                    boundary: super::view::crossing(&current.team, to),
                    entries: unticked.clone(),
                });
            }
            next.state = State::Limbo;
            next.limbo = Some(Box::new(Limbo {
                to: to.clone(),
                sent_at: at,
                note: note.clone(),
                unticked: unticked.clone(),
                sender_owner: current.owner.clone(),
            }));
            next.owner = None;
            next.escalation = None;
            next.incomplete_handoff = unticked.clone();
        }
        EventKind::Accepted { owner } => {
            permits(current, Move::Accept)?;
            let Some(limbo) = &current.limbo else {
                return Err(DomainError::UnknownItem(id));
            };
            next.arrived_from = Some(current.team.clone());
            next.team = limbo.to.clone();
            next.owner = owner.clone();
            next.state = State::Active;
            next.limbo = None;
            next.escalation = None;
            // Taking the item settles its ping-pong: the signal is off, as if dismissed,
            // until it bounces again.
            if current.bounces >= super::attention::PING_PONG_BOUNCES
                && !next
                    .dismissed
                    .iter()
                    .any(|d| d.code == SignalCode::PingPong)
            {
                next.dismissed.push(Dismissal {
                    code: SignalCode::PingPong,
                    with: None,
                });
            }
        }
        EventKind::Bounced { reason, .. } => {
            permits(current, Move::Bounce)?;
            let Some(limbo) = &current.limbo else {
                return Err(DomainError::UnknownItem(id));
            };
            require_text(reason, "a reason for the bounce")?;
            next.owner = limbo.sender_owner.clone();
            next.state = State::Active;
            next.limbo = None;
            next.escalation = None;
            next.incomplete_handoff.clear();
            next.bounces += 1;
        }
        EventKind::Reclaimed { .. } => {
            permits(current, Move::Reclaim)?;
            let Some(limbo) = &current.limbo else {
                return Err(DomainError::UnknownItem(id));
            };
            next.owner = limbo.sender_owner.clone();
            next.state = State::Active;
            next.limbo = None;
            next.escalation = None;
            next.incomplete_handoff.clear();
        }
        EventKind::Escalated { to, .. } => {
            permits(current, Move::Escalate)?;
            next.escalation = Some(Box::new(Escalation { at, to: to.clone() }));
        }
        EventKind::Noted { note } => require_text(note, "the note's text")?,
        EventKind::Snoozed { until } => {
            permits(current, Move::Snooze)?;
            if *until <= at {
                return Err(DomainError::SnoozeInPast(*until));
            }
            next.snoozed_until = Some(*until);
        }
        EventKind::Flagged { note, .. } => {
            require_text(note, "a note saying what was dropped")?;
            next.flags += 1;
        }
        EventKind::Done { .. } => {
            permits(current, Move::Done)?;
            next.state = State::Done;
            next.escalation = None;
            next.incomplete_handoff.clear();
        }
        EventKind::Reopened { .. } => {
            permits(current, Move::Reopen)?;
            next.state = State::Active;
            next.merged_into = None;
        }
        EventKind::Merged { into, .. } => {
            permits(current, Move::Merge)?;
            if *into == id {
                return Err(DomainError::MergeIntoItself(id));
            }
            next.state = State::Dropped;
            next.merged_into = Some(*into);
            next.limbo = None;
            next.escalation = None;
            next.incomplete_handoff.clear();
        }
        EventKind::Absorbed { from, .. } => {
            if *from == id {
                return Err(DomainError::MergeIntoItself(id));
            }
            if !current.state.is_open() {
                return Err(DomainError::MergeIntoClosed {
                    id: *from,
                    into: id,
                    state: describe_state(current),
                });
            }
        }
        EventKind::Dismissed { code, with, .. } => {
            permits(current, Move::Dismiss)?;
            if let Some(error) = undismissable(id, *code) {
                return Err(error);
            }
            if with.is_some() != (*code == SignalCode::PossibleDuplicate) {
                return Err(match with {
                    Some(_) => DomainError::OtherOnlyForDuplicate(code.as_str()),
                    None => DomainError::DuplicateNeedsOther(id),
                });
            }
            if *code == SignalCode::Escalated {
                // Closing an escalation ends it; a new escalation raises it again.
                next.escalation = None;
            } else {
                next.dismissed
                    .retain(|d| !(d.code == *code && d.with == *with));
                next.dismissed.push(Dismissal {
                    code: *code,
                    with: *with,
                });
            }
        }
        EventKind::Ticked { entries, .. } => {
            permits(current, Move::Tick)?;
            if current.incomplete_handoff.is_empty() {
                return Err(DomainError::NothingToTick(id));
            }
            if let Some(stray) = entries
                .iter()
                .find(|e| !current.incomplete_handoff.contains(e))
            {
                let (_, checklist) = governing_checklist(current, org);
                return Err(DomainError::NotLeftToTick {
                    id,
                    entry: checklist
                        .iter()
                        .position(|c| c == stray)
                        .map_or(0, |i| i + 1),
                    text: stray.clone(),
                    left: numbered(&current.incomplete_handoff, checklist),
                });
            }
            next.incomplete_handoff.retain(|e| !entries.contains(e));
        }
        EventKind::Dropped { reason } => {
            permits(current, Move::Drop)?;
            require_text(reason, "a reason for dropping it")?;
            next.state = State::Dropped;
            next.limbo = None;
            next.escalation = None;
            next.incomplete_handoff.clear();
        }
    }
    Ok(next)
}

/// The signals whose facts `event` changes: a dismissal of any of them ends, and the
/// signal is back if the new facts raise it. A new handoff is a new limbo spell, a new
/// bounce a new count, a new title a new comparison.
pub fn renewed_facts(event: &EventKind) -> Vec<SignalCode> {
    use SignalCode::*;
    match event {
        EventKind::Sent { .. } => vec![SlaAtRisk, NoOwner, IncompleteHandoff, LateHandoff],
        EventKind::Accepted { .. } | EventKind::Reclaimed { .. } | EventKind::Owner { .. } => {
            vec![NoOwner]
        }
        EventKind::Bounced { .. } => vec![NoOwner, PingPong],
        // A reopened item is looked at afresh.
        EventKind::Reopened { .. } => vec![
            SlaAtRisk,
            NoOwner,
            IncompleteHandoff,
            PingPong,
            DueSoon,
            LateHandoff,
            PossibleDuplicate,
        ],
        EventKind::Edited { title, due, .. } => {
            let mut codes = Vec::new();
            if title.is_some() {
                codes.push(PossibleDuplicate);
            }
            if due.is_some() {
                codes.push(DueSoon);
                codes.push(LateHandoff);
            }
            codes
        }
        _ => Vec::new(),
    }
}

/// Replays a whole history from nothing, as import does. An `undone` event takes the
/// item back to its state before the change it names, which must be its last change.
pub fn replay(id: ItemId, org: &Org, events: &[Event]) -> Result<Item, (usize, DomainError)> {
    // States after each change still in effect, newest last, with the change's seq.
    let mut states: Vec<(u32, Item)> = Vec::new();
    for (index, event) in events.iter().enumerate() {
        let current = states.last().map(|(_, item)| item);
        let next = match &event.kind {
            EventKind::Undone { seq } => {
                let target = *seq;
                let undoable = states.len() > 1 && states.last().is_some_and(|(s, _)| *s == target);
                let last = current.ok_or((index, DomainError::EmptyHistory(id)))?;
                if !undoable {
                    return Err((index, DomainError::CannotUndo { id, seq: target }));
                }
                check_order(last, id, event).map_err(|e| (index, e))?;
                let last_events = last.events;
                states.pop();
                // The state before the undone change stays in effect, with its own seq,
                // so that it too can be undone next.
                if let Some((_, restored)) = states.last_mut() {
                    restored.events = last_events + 1;
                    restored.updated_at = event.at;
                }
                continue;
            }
            _ => apply(current, id, org, event).map_err(|e| (index, e))?,
        };
        states.push((event.seq, next));
    }
    states
        .pop()
        .map(|(_, item)| item)
        .ok_or((0, DomainError::EmptyHistory(id)))
}

/// Takes back the item's last change: the `undone` event and the item's state after it.
pub fn undo(
    id: ItemId,
    org: &Org,
    events: &[Event],
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(Event, Item), DomainError> {
    let last = events.last().ok_or(DomainError::EmptyHistory(id))?;
    let event = Event {
        seq: last.seq + 1,
        at,
        actor: actor.to_string(),
        kind: EventKind::Undone { seq: last.seq },
    };
    let mut history = events.to_vec();
    history.push(event.clone());
    let item = replay(id, org, &history).map_err(|(_, e)| e)?;
    Ok((event, item))
}

fn check_order(current: &Item, id: ItemId, event: &Event) -> Result<(), DomainError> {
    check_time(id, event.at)?;
    if event.at < current.updated_at {
        return Err(DomainError::BeforeLastEvent {
            id,
            at: event.at,
            last: current.updated_at,
        });
    }
    if event.seq != current.events + 1 {
        return Err(DomainError::OutOfSequence {
            id,
            seq: event.seq,
            expected: current.events + 1,
        });
    }
    Ok(())
}

/// Times Baton keeps: from 1970 (stored as seconds since then) to the year 9999.
fn check_time(id: ItemId, at: DateTime<Utc>) -> Result<(), DomainError> {
    if (0..=253_402_300_799).contains(&at.timestamp()) {
        Ok(())
    } else {
        Err(DomainError::TimeOutOfRange { id, at })
    }
}

/// The item's state in words: "in limbo sales → onboarding", "active with support".
pub fn describe_state(item: &Item) -> String {
    super::view::Place::of(item).describe()
}
