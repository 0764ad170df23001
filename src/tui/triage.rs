//! Standup triage: walks the attention queue one item at a time, most urgent first.
//! The queue is [`attention`]'s, the same function behind `baton attention`, so the two
//! always agree; decisions are ordinary commands, recorded as events.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use crate::clock::Zone;
use crate::domain::attention::{Signal, attention};
use crate::domain::standup::{Decision, outcome};
use crate::domain::{Event, Item, ItemId};
use crate::storage::{Result, Store};

/// How many of the item's latest events triage shows.
pub const RECENT_EVENTS: usize = 5;

/// The item triage is on, with what the screen shows about it.
#[derive(Debug, Clone)]
pub struct Current {
    pub item: Item,
    pub signals: Vec<Signal>,
    /// The whole history; the screen shows the last [`RECENT_EVENTS`].
    pub events: Vec<Event>,
}

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
    /// The zone reasons show times in (the board's).
    pub zone: Zone,
}

impl Triage {
    pub fn start(store: &Store, now: DateTime<Utc>, zone: Zone) -> Result<Triage> {
        let mut triage = Triage {
            started: now,
            visited: Vec::new(),
            ahead: Vec::new(),
            current: None,
            decisions: Vec::new(),
            finished: false,
            zone,
        };
        triage.refresh(store, now)?;
        Ok(triage)
    }

    /// "4 / 11": the item's place and the walk's length.
    pub fn progress(&self) -> (usize, usize) {
        let total = self.visited.len() + self.ahead.len();
        ((self.visited.len() + 1).min(total), total)
    }

    pub fn elapsed(&self, now: DateTime<Utc>) -> Duration {
        now.signed_duration_since(self.started)
    }

    /// Recomputes the queue ahead (after a decision, or a change by another process):
    /// the attention queue less what was already walked past, keeping the current item
    /// first while it still needs attention.
    pub fn refresh(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let org = store.org()?;
        let open = store.open_items()?;
        let queue = attention(&open, &org, now, &self.zone);
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
        self.current = match self.ahead.first() {
            Some(id) => {
                let item = open
                    .iter()
                    .find(|i| i.id == *id)
                    .cloned()
                    .map_or_else(|| store.item(*id), Ok)?;
                let signals = queue
                    .iter()
                    .find(|a| a.id == *id)
                    .map(|a| a.signals.clone())
                    .unwrap_or_default();
                Some(Current {
                    item,
                    signals,
                    events: store.events(*id)?,
                })
            }
            None => None,
        };
        if self.current.is_none() {
            self.finished = true;
        }
        Ok(())
    }

    /// Records a decision on the current item and moves on.
    pub fn decided(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        id: ItemId,
        decision: &str,
    ) -> Result<()> {
        let item = store.item(id)?;
        self.decisions.retain(|d| d.id != id);
        self.decisions.push(Decision {
            id,
            title: item.title.clone(),
            decision: decision.to_string(),
            outcome: outcome(&item),
        });
        self.advance(store, now, id)
    }

    /// Moves past the current item without a decision.
    pub fn skip(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let Some(current) = &self.current else {
            self.finished = true;
            return Ok(());
        };
        let id = current.item.id;
        if !self.decisions.iter().any(|d| d.id == id) {
            self.decisions.push(Decision {
                id,
                title: current.item.title.clone(),
                decision: "skipped".to_string(),
                outcome: outcome(&current.item),
            });
        }
        self.advance(store, now, id)
    }

    fn advance(&mut self, store: &Store, now: DateTime<Utc>, id: ItemId) -> Result<()> {
        if !self.visited.contains(&id) {
            self.visited.push(id);
        }
        self.current = None;
        self.refresh(store, now)
    }

    /// Goes back to the item walked past last, to change the decision.
    pub fn back(&mut self, store: &Store, now: DateTime<Utc>) -> Result<bool> {
        let Some(id) = self.visited.pop() else {
            return Ok(false);
        };
        let item = store.item(id)?;
        let events = store.events(id)?;
        let org = store.org()?;
        let signals = if item.state.is_open() {
            crate::domain::attention::signals(&item, &org, now, None, &self.zone)
        } else {
            Vec::new()
        };
        self.ahead.insert(0, id);
        self.current = Some(Current {
            item,
            signals,
            events,
        });
        self.finished = false;
        Ok(true)
    }
}
