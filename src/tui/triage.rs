//! Standup triage: walks the attention queue one item at a time, most urgent first.
//! The queue is [`attention`]'s, the same function behind `baton attention`, so the two
//! always agree; decisions are ordinary commands, recorded as events.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use crate::clock::Zone;
use crate::domain::attention::{DuplicateJoin, Signal, attention_with};
use crate::domain::standup::{Decision, SKIPPED, outcome};
use crate::domain::view::Place;
use crate::domain::{Event, Item, ItemId};
use crate::storage::{ItemFilter, Result, Store};

/// How many of the item's latest events triage shows.
pub const RECENT_EVENTS: usize = 5;

/// A standup's length: the total clock counts down from it.
pub const STANDUP_MINUTES: i64 = 15;
/// The shortest and longest time the per-item clock gives one item.
const ITEM_SECONDS: (i64, i64) = (30, 180);

/// What the walk covers and in which order.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Only the items this filter finds (the board's filter), when it has one.
    pub filter: Option<ItemFilter>,
    /// Team by team, in this order (the board from right to left); the whole queue,
    /// most urgent first, when `None`.
    pub teams: Option<Vec<String>>,
}

/// A change made during the walk, which `u` takes back (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: ItemId,
    pub seq: u32,
    pub line: String,
}

/// The item triage is on, with what the screen shows about it.
#[derive(Debug, Clone)]
pub struct Current {
    pub item: Item,
    pub signals: Vec<Signal>,
    /// The whole history; the screen shows the last [`RECENT_EVENTS`].
    pub events: Vec<Event>,
    /// The other team's item its title is like, when it is a possible duplicate.
    pub like: Option<ItemId>,
}

/// A summary's decisions and the items it did not reach.
pub type SummaryContent = (Vec<Decision>, Vec<(ItemId, String)>);

#[derive(Debug, Clone)]
pub struct Triage {
    pub started: DateTime<Utc>,
    /// Items already walked past (decided or skipped), in order.
    pub visited: Vec<ItemId>,
    /// The queue ahead, current item first.
    pub ahead: Vec<ItemId>,
    pub current: Option<Current>,
    pub decisions: Vec<Decision>,
    /// Set when the walk is over and the summary shows.
    pub finished: bool,
    pub walk: Walk,
    /// The items the walk may show (the board's filter), when limited.
    only: Option<HashSet<ItemId>>,
    /// When the item on screen came up, for its timebox.
    pub item_started: DateTime<Utc>,
    /// Each item's share of the standup.
    pub timebox: Duration,
    /// When the walk ended, for the time taken.
    pub ended: Option<DateTime<Utc>>,
    /// This walk's changes, newest last: each `u` takes back the newest. A decision
    /// about two items is two changes, taken back together.
    pub changes: Vec<Vec<Change>>,
    /// The zone reasons show times in (the board's).
    pub zone: Zone,
    /// The snapshot `S` saved (number, label), and the decisions and items not reached
    /// it holds: `S` again saves only when the summary changed since.
    pub saved: Option<(i64, String, SummaryContent)>,
    /// Walking team by team: the teams with items in the queue as the walk started,
    /// in the walk's order.
    pub team_plan: Vec<String>,
    /// The open items as last read, in id order: a decision reads back only the items
    /// it changed ([`Triage::refresh_items`]).
    open: Vec<Item>,
    /// The duplicate-title join over `open`, worked out again only when its input
    /// changes.
    join: DuplicateJoin,
    /// Every item that has been on screen: one gone back over is still reached.
    seen: HashSet<ItemId>,
}

impl Triage {
    pub fn start(store: &Store, now: DateTime<Utc>, walk: Walk, zone: Zone) -> Result<Triage> {
        let only = match &walk.filter {
            Some(filter) => Some(
                store
                    .items(filter)?
                    .iter()
                    .map(|i| i.id)
                    .collect::<HashSet<ItemId>>(),
            ),
            None => None,
        };
        let mut triage = Triage {
            started: now,
            visited: Vec::new(),
            ahead: Vec::new(),
            current: None,
            decisions: Vec::new(),
            finished: false,
            walk,
            only,
            item_started: now,
            timebox: Duration::seconds(ITEM_SECONDS.1),
            ended: None,
            changes: Vec::new(),
            saved: None,
            team_plan: Vec::new(),
            zone,
            open: Vec::new(),
            join: DuplicateJoin::default(),
            seen: HashSet::new(),
        };
        triage.refresh(store, now)?;
        if let Some(teams) = &triage.walk.teams {
            let with_items: HashSet<&str> = triage
                .ahead
                .iter()
                .filter_map(|id| triage.open.binary_search_by_key(id, |i| i.id).ok())
                .filter_map(|at| Place::of(&triage.open[at]).team_to_act())
                .collect();
            triage.team_plan = teams
                .iter()
                .filter(|t| with_items.contains(t.as_str()))
                .cloned()
                .collect();
        }
        let items = i64::try_from(triage.ahead.len().max(1)).unwrap_or(i64::MAX);
        triage.timebox =
            Duration::seconds((STANDUP_MINUTES * 60 / items).clamp(ITEM_SECONDS.0, ITEM_SECONDS.1));
        Ok(triage)
    }

    /// The walk is over: the summary shows, and its clock stops.
    pub fn finish(&mut self, now: DateTime<Utc>) {
        self.finished = true;
        self.ended.get_or_insert(now);
    }

    /// Ends the walk on the item on screen. It was reached, as was every item gone back
    /// over (←): each counts as walked past, with what was decided about it (a decision
    /// may have taken it out of the queue: a snooze), or as skipped; none is among the
    /// items the standup did not reach. `←` on the summary comes back to them.
    pub fn end(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        let org = store.org()?;
        let on_screen = self.current.take().map(|c| c.item);
        let reached: Vec<ItemId> = self
            .ahead
            .iter()
            .copied()
            .filter(|id| self.seen.contains(id))
            .collect();
        for id in reached {
            if !self.decisions.iter().any(|d| d.id == id) {
                let item = match (&on_screen, self.open.binary_search_by_key(&id, |i| i.id)) {
                    (Some(item), _) if item.id == id => item.clone(),
                    (_, Ok(at)) => self.open[at].clone(),
                    (_, Err(_)) => store.item(id)?,
                };
                let decision = self.skipped(&item, &org);
                self.decisions.push(decision);
            }
        }
        let decided: Vec<ItemId> = self.decisions.iter().map(|d| d.id).collect();
        self.ahead.retain(|id| !decided.contains(id));
        for id in decided {
            if !self.visited.contains(&id) {
                self.visited.push(id);
            }
        }
        self.finish(now);
        Ok(())
    }

    /// How long the item on screen has had.
    pub fn item_elapsed(&self, now: DateTime<Utc>) -> Duration {
        now.signed_duration_since(self.item_started)
            .max(Duration::zero())
    }

    /// The item on screen has used its timebox.
    pub fn item_time_up(&self, now: DateTime<Utc>) -> bool {
        self.current.is_some() && !self.finished && self.item_elapsed(now) >= self.timebox
    }

    /// The whole standup's time is used.
    pub fn total_time_up(&self, now: DateTime<Utc>) -> bool {
        self.elapsed(now) >= Duration::minutes(STANDUP_MINUTES)
    }

    /// Walking team by team: the team whose turn it is, its place among the teams the
    /// walk started with items for, and how many those are (`support`, 3, 6).
    pub fn team_turn(&self) -> Option<(&str, usize, usize)> {
        let team = self.current_team()?;
        let at = self.team_plan.iter().position(|t| t == team)?;
        Some((team, at + 1, self.team_plan.len()))
    }

    /// The team the item on screen waits on, when walking team by team.
    pub fn current_team(&self) -> Option<&str> {
        self.walk.teams.as_ref()?;
        self.current
            .as_ref()
            .and_then(|c| Place::of(&c.item).team_to_act())
    }

    /// Items the walk did not reach, with their titles: those still ahead when it
    /// ended.
    /// The summary as a standup snapshot keeps it, at `now`.
    pub fn record(&self, now: DateTime<Utc>) -> crate::domain::snapshot::StandupRecord {
        crate::domain::snapshot::StandupRecord {
            started: self.started,
            took_seconds: self.elapsed(now).num_seconds(),
            decisions: self.decisions.clone(),
            not_reached: self
                .not_reached()
                .into_iter()
                .map(|(id, title)| crate::domain::snapshot::NotReached { id, title })
                .collect(),
        }
    }

    /// Takes back the decision `line` recorded for `id` (the newest of its decisions),
    /// as an undo does: the item's earlier decisions stay.
    pub fn undecided(&mut self, id: ItemId, line: &str) {
        let Some(at) = self.decisions.iter().position(|d| d.id == id) else {
            return;
        };
        let rest = self.decisions[at]
            .decision
            .strip_suffix(line)
            .and_then(|rest| rest.strip_suffix("; "))
            .map(str::to_string);
        match rest {
            Some(rest) => self.decisions[at].decision = rest,
            None => {
                self.decisions.remove(at);
                self.visited.retain(|v| *v != id);
            }
        }
    }

    /// What the summary holds, to tell whether it changed since it was saved (an undo
    /// and another decision leave as many decisions, but not the same).
    pub fn summary_content(&self) -> SummaryContent {
        (self.decisions.clone(), self.not_reached())
    }

    pub fn not_reached(&self) -> Vec<(ItemId, String)> {
        if !self.finished {
            return Vec::new();
        }
        self.ahead
            .iter()
            .map(|id| {
                let title = self
                    .open
                    .binary_search_by_key(id, |i| i.id)
                    .map_or_else(|_| String::new(), |at| self.open[at].title.clone());
                (*id, title)
            })
            .collect()
    }

    /// "4 / 11": the item's place and the walk's length.
    pub fn progress(&self) -> (usize, usize) {
        let total = self.visited.len() + self.ahead.len();
        ((self.visited.len() + 1).min(total), total)
    }

    pub fn elapsed(&self, now: DateTime<Utc>) -> Duration {
        self.ended
            .unwrap_or(now)
            .signed_duration_since(self.started)
            .max(Duration::zero())
    }

    /// Recomputes the queue ahead from the whole board as stored (at the start, after
    /// a change by another process, or when time alone may have changed it): the
    /// attention queue less what was already walked past, keeping the current item
    /// first while it still needs attention.
    pub fn refresh(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        self.open = store.open_items()?;
        self.requeue(store, now)
    }

    /// [`Triage::refresh`] after a change to the items `changed` alone (a decision made
    /// here): only those are read back. The queue is the same as a full refresh's.
    pub fn refresh_items(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        changed: &[ItemId],
    ) -> Result<()> {
        for id in changed {
            let item = store.item(*id)?;
            match self.open.binary_search_by_key(id, |i| i.id) {
                Ok(at) if item.state.is_open() => self.open[at] = item,
                Ok(at) => {
                    self.open.remove(at);
                }
                Err(at) if item.state.is_open() => self.open.insert(at, item),
                Err(_) => {}
            }
        }
        self.requeue(store, now)
    }

    fn requeue(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let org = store.org()?;
        let open = &self.open;
        let mut queue = attention_with(open, &org, now, &self.zone, &mut self.join);
        if let Some(only) = &self.only {
            queue.retain(|a| only.contains(&a.id));
        }
        if let Some(teams) = &self.walk.teams {
            // Team by team in the walk's order, each team's items most urgent first;
            // items of a team not in the order come last.
            let team_of: std::collections::HashMap<ItemId, usize> = open
                .iter()
                .map(|i| {
                    let place = Place::of(i);
                    let team = place.team_to_act().unwrap_or_default();
                    (
                        i.id,
                        teams.iter().position(|t| t == team).unwrap_or(teams.len()),
                    )
                })
                .collect();
            queue.sort_by_key(|a| team_of.get(&a.id).copied().unwrap_or(usize::MAX));
        }
        let visited: HashSet<ItemId> = self.visited.iter().copied().collect();
        let current = self.current.as_ref().map(|c| c.item.id);
        let mut ahead: Vec<ItemId> = queue
            .iter()
            .map(|a| a.id)
            .filter(|id| !visited.contains(id))
            .collect();
        if let Some(id) = current
            && let Some(i) = ahead.iter().position(|a| *a == id)
        {
            ahead.remove(i);
            ahead.insert(0, id);
        }
        self.ahead = ahead;
        let before = current;
        self.current = match self.ahead.first() {
            Some(id) => {
                let item = match open.binary_search_by_key(id, |i| i.id) {
                    Ok(at) => open[at].clone(),
                    Err(_) => store.item(*id)?,
                };
                let signals = queue
                    .iter()
                    .find(|a| a.id == *id)
                    .map(|a| a.signals.clone())
                    .unwrap_or_default();
                let like = queue.iter().find(|a| a.id == *id).and_then(|a| a.like);
                Some(Current {
                    item,
                    signals,
                    events: store.events(*id)?,
                    like,
                })
            }
            None => None,
        };
        if self.current.as_ref().map(|c| c.item.id) != before {
            self.item_started = now;
        }
        if let Some(current) = &self.current {
            self.seen.insert(current.item.id);
        }
        if self.current.is_none() {
            self.finish(now);
        }
        Ok(())
    }

    /// Records a decision on the current item, in the words of its history (the
    /// reason, note, contact, target or date in full), and moves on; `changed` are the
    /// items the decision changed (two for a merge).
    pub fn decided(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        id: ItemId,
        decision: &str,
        changed: &[ItemId],
    ) -> Result<()> {
        let item = store.item(id)?;
        let team = self.current_team().map(str::to_string);
        // A second decision about an item (a new due date, then a note) joins the first.
        let earlier = self
            .decisions
            .iter()
            .position(|d| d.id == id)
            .map(|at| self.decisions.remove(at))
            .filter(|d| d.decision != SKIPPED);
        let decision = match earlier {
            Some(earlier) => format!("{}; {decision}", earlier.decision),
            None => decision.to_string(),
        };
        self.decisions.push(Decision {
            id,
            title: item.title.clone(),
            decision,
            outcome: outcome(&item, &store.org()?),
            team,
        });
        self.advance(store, now, id, changed)
    }

    /// Moves past the current item without a decision.
    pub fn skip(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let Some(current) = &self.current else {
            self.finish(now);
            return Ok(());
        };
        let id = current.item.id;
        if !self.decisions.iter().any(|d| d.id == id) {
            let decision = self.skipped(&current.item, &store.org()?);
            self.decisions.push(decision);
        }
        self.advance(store, now, id, &[])
    }

    /// `item` walked past with no decision: skipped, where it stands, under its team
    /// when walking team by team.
    fn skipped(&self, item: &Item, org: &crate::domain::Org) -> Decision {
        let team = self
            .walk
            .teams
            .as_ref()
            .and_then(|_| Place::of(item).team_to_act())
            .map(str::to_string);
        Decision {
            id: item.id,
            title: item.title.clone(),
            decision: SKIPPED.to_string(),
            outcome: outcome(item, org),
            team,
        }
    }

    fn advance(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        id: ItemId,
        changed: &[ItemId],
    ) -> Result<()> {
        if !self.visited.contains(&id) {
            self.visited.push(id);
        }
        self.current = None;
        self.refresh_items(store, now, changed)
    }

    /// Goes back to the item walked past last, to change the decision.
    pub fn back(&mut self, store: &Store, now: DateTime<Utc>) -> Result<bool> {
        let Some(id) = self.visited.pop() else {
            return Ok(false);
        };
        // What was decided stays until it is changed (a skip too: walked past once,
        // the item is not "not reached" if the walk ends before it again).
        let item = store.item(id)?;
        let events = store.events(id)?;
        let org = store.org()?;
        // Its signals as the queue gives them, the possible duplicate among them.
        let like = match item.state.is_open() {
            true => self.join.over(&self.open).get(&id).copied(),
            false => None,
        };
        let other = like.and_then(|like| {
            let at = self.open.binary_search_by_key(&like, |i| i.id).ok()?;
            Some(&self.open[at])
        });
        let signals = if item.state.is_open() {
            crate::domain::attention::signals(&item, &org, now, other, &self.zone)
        } else {
            Vec::new()
        };
        self.ahead.insert(0, id);
        self.seen.insert(id);
        self.current = Some(Current {
            item,
            signals,
            events,
            like,
        });
        self.finished = false;
        self.ended = None;
        self.item_started = now;
        Ok(true)
    }
}
