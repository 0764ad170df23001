//! What the board shows: columns in flow order (each team's lane, with a limbo column
//! for every boundary into it just before), their counts, and a window of cards per
//! column. Only the cards on screen are loaded; counts come from light summaries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::attention::{SlaStanding, possible_duplicates_reading};
use crate::domain::stages::{Stage, flow_stages};
use crate::domain::view::{breach_ranges, lacks_owner, limbo_time};
use crate::domain::{Item, ItemId, Org, State};
use crate::storage::{ItemFilter, OpenGroup, Order, Result, Seek, Store};

/// The setting that keeps the user's column order.
pub const COLUMN_ORDER_SETTING: &str = "board.column_order";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    Lane {
        team: String,
    },
    Limbo {
        from: String,
        to: String,
    },
    /// Done and dropped items, most recent first (shown on request).
    Closed,
}

impl ColumnKind {
    /// A stable name, as saved in the column order.
    pub fn id(&self) -> String {
        match self {
            ColumnKind::Lane { team } => format!("team:{team}"),
            ColumnKind::Limbo { from, to } => format!("limbo:{from}>{to}"),
            ColumnKind::Closed => "closed".to_string(),
        }
    }

    pub fn is_limbo(&self) -> bool {
        matches!(self, ColumnKind::Limbo { .. })
    }

    /// Which items the column shows, within the board's filter.
    pub fn filter(&self, base: &ItemFilter) -> ItemFilter {
        let mut f = base.clone();
        match self {
            ColumnKind::Lane { team } => {
                f.states = vec![State::Active];
                f.held_by = Some(team.clone());
            }
            ColumnKind::Limbo { from, to } => {
                f.states = vec![State::Limbo];
                f.held_by = Some(from.clone());
                f.limbo_to = Some(to.clone());
                f.order = Order::SentAt;
            }
            ColumnKind::Closed => {
                f.states = vec![State::Done, State::Dropped];
                f.order = Order::RecentlyChanged;
            }
        }
        f
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub kind: ColumnKind,
    pub count: usize,
    pub breached: usize,
    /// The loaded window of cards, starting at `window_start`.
    pub cards: Vec<Item>,
    pub window_start: usize,
    /// A limbo column's first card, the longest waiting (its worst against the SLA),
    /// loaded even when the window is further down: the overview names it.
    pub head: Option<Item>,
}

impl Column {
    /// See [`Board::load_window`].
    fn load_window(
        &mut self,
        store: &Store,
        query: &Query,
        start: usize,
        rows: usize,
    ) -> Result<()> {
        let base = self.kind.filter(&query.filter);
        let order = base.order;
        let read = |seek: Option<Seek>, offset: usize, limit: usize| {
            let mut f = base.clone();
            f.seek = seek;
            f.offset = offset;
            f.limit = Some(limit);
            store.items(&f)
        };
        // The held window [held, held_end) and the wanted one [start, end).
        let held = self.window_start;
        let held_end = held + self.cards.len();
        let end = start.saturating_add(rows);
        let cards = if self.cards.is_empty() || end < held || start > held_end {
            read(None, start, rows)?
        } else if start >= held {
            // Down: keep the held cards from `start`, then read on after the last.
            let mut cards = self.cards.split_off(start - held);
            cards.truncate(rows);
            let last = cards
                .last()
                .or(self.cards.last())
                .map(|item| order.key_of(item));
            if cards.len() < rows
                && let Some(last) = last
            {
                cards.extend(read(Some(Seek::After(last)), 0, rows - cards.len())?);
            }
            cards
        } else {
            // Up: read back from the first held card, then keep what still fits.
            let first = order.key_of(&self.cards[0]);
            let mut cards = read(Some(Seek::Before(first)), 0, held - start)?;
            cards.reverse();
            let keep = rows.saturating_sub(cards.len()).min(self.cards.len());
            cards.extend(self.cards.drain(..keep));
            // A short window held (one card followed to): read on after it.
            if cards.len() < rows
                && self.cards.is_empty()
                && let Some(last) = cards.last().map(|item| order.key_of(item))
            {
                cards.extend(read(Some(Seek::After(last)), 0, rows - cards.len())?);
            }
            cards
        };
        self.cards = cards;
        self.window_start = start;
        Ok(())
    }

    /// The held window as it stands after `changes` to the board's items (each as it
    /// was, if it existed, and as it is), with no filter on the board: a card that
    /// left the column is taken out, an item that came in among the cards is put in
    /// its place, and the window's start moves by the items that left or came in above
    /// it. `count` is the column's count before the changes. The cards kept are a run
    /// of the column's as they now are, from the window's start; what the window then
    /// lacks is read by [`Column::load_window`] (all of it when no card is left).
    fn shift(&mut self, changes: &[(Option<Item>, Item)], order: Order, count: usize) {
        let key = |item: &Item| order.key_of(item);
        let above = |cards: &[Item], item: &Item| {
            cards
                .first()
                .is_some_and(|first| order.compare(key(item), key(first)).is_lt())
        };
        // Whether the window holds every card to the column's end.
        let to_end = self.window_start + self.cards.len() >= count;
        // The column's count as the changes leave it.
        let mut now = count;
        for (before, after) in changes {
            if let Some(before) = before.as_ref().filter(|b| place_of(b) == self.kind) {
                now = now.saturating_sub(1);
                if let Some(at) = self.cards.iter().position(|c| c.id == before.id) {
                    self.cards.remove(at);
                } else if above(&self.cards, before) {
                    self.window_start = self.window_start.saturating_sub(1);
                }
            }
            if place_of(after) == self.kind {
                now += 1;
            }
            // With no card left to place it by, the window is read afresh.
            if place_of(after) == self.kind && !self.cards.is_empty() {
                if above(&self.cards, after) {
                    self.window_start += 1;
                } else {
                    let at = self
                        .cards
                        .partition_point(|c| order.compare(key(c), key(after)).is_lt());
                    if at < self.cards.len() || to_end {
                        self.cards.insert(at, after.clone());
                    }
                }
            }
        }
        // With no card left, items that left from above it could not be told from
        // those below: the start is at most the column's end.
        if self.cards.is_empty() {
            self.window_start = self.window_start.min(now);
        }
    }
}

impl Column {
    /// The card at `row` when it is in the loaded window.
    pub fn card(&self, row: usize) -> Option<&Item> {
        row.checked_sub(self.window_start)
            .and_then(|i| self.cards.get(i))
    }
}

/// The totals the status line shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub open: usize,
    pub in_limbo: usize,
    pub breached: usize,
    pub no_owner: usize,
}

/// What one place on the board holds: a lane's active items, or a boundary's items in
/// limbo (the counts the column header and the status line are made of).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: usize,
    pub breached: usize,
    pub no_owner: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Board {
    pub org: Org,
    pub columns: Vec<Column>,
    pub totals: Totals,
    /// Open items whose title is like another team's open item, with that item;
    /// `None` until worked out (see [`DUPLICATES_AT_ONCE`]).
    pub duplicates: Option<HashMap<ItemId, ItemId>>,
    /// The duplicate marks are from before a change to a title, a team or the open
    /// items: worked out again on the next idle moment.
    pub duplicates_stale: bool,
    /// Open items on the whole board, whatever the filter shows: the duplicate join
    /// reads them all (a mark does not depend on the filter), so its cost goes by them.
    pub open_all: usize,
    /// Columns left out because the filter leaves them empty.
    pub hidden: usize,
    /// Every column in the board's order, before `boundaries_only` and `hide_empty`
    /// leave some out.
    pub kinds: Vec<ColumnKind>,
    /// Each lane's and each limbo's tally, whether its column is drawn or not: the
    /// totals are their sums.
    pub tallies: HashMap<ColumnKind, Tally>,
    /// The moment the limbo tallies' breaches are counted at: the board's load or its
    /// last count as time passed (every minute, see `App::tick`). A write made on the
    /// board moves them by the items it took out and brought in, judged at that moment.
    pub breaches_at: DateTime<Utc>,
    /// The worst items held in the lanes, for the overview ([`worst_held`]).
    pub held: Vec<Item>,
}

/// How many of the worst held items [`worst_held`] gives.
pub const HELD_WORST: usize = 2;

/// The worst items held in the lanes, not in limbo, as the board's filter finds them:
/// those past their due date, longest overdue first, then those escalated, longest
/// ago first; at most [`HELD_WORST`]. Read from the indexes on due dates and
/// escalations, not by reading the lanes.
pub fn worst_held(store: &Store, query: &Query, now: DateTime<Utc>) -> Result<Vec<Item>> {
    if query.boundaries_only {
        return Ok(Vec::new());
    }
    let held = ItemFilter {
        states: vec![State::Active],
        limit: Some(HELD_WORST),
        offset: 0,
        seek: None,
        ..query.filter.clone()
    };
    let mut worst = store.items(&ItemFilter {
        due_before: Some(now),
        order: Order::Due,
        ..held.clone()
    })?;
    if worst.len() < HELD_WORST {
        let escalated = store.items(&ItemFilter {
            escalated: Some(true),
            order: Order::EscalatedAt,
            ..held
        })?;
        for item in escalated {
            if worst.len() < HELD_WORST && !worst.iter().any(|w| w.id == item.id) {
                worst.push(item);
            }
        }
    }
    Ok(worst)
}

/// The default columns: the board's columns in the flow order of the domain (see
/// [`crate::domain::stages::flow_stages`]).
pub fn default_columns(org: &Org) -> Vec<ColumnKind> {
    flow_stages(org)
        .into_iter()
        .filter_map(|stage| match stage {
            Stage::Lane(team) => Some(ColumnKind::Lane { team }),
            Stage::Limbo { from, to } => Some(ColumnKind::Limbo { from, to }),
            Stage::Done => None,
        })
        .collect()
}

/// The columns in the user's saved order; columns not named there keep their default
/// place after the saved ones that come before them.
pub fn arrange(defaults: Vec<ColumnKind>, saved: &[String]) -> Vec<ColumnKind> {
    let mut result: Vec<ColumnKind> = saved
        .iter()
        .filter_map(|id| defaults.iter().find(|c| &c.id() == id).cloned())
        .collect();
    for (i, column) in defaults.iter().enumerate() {
        if result.contains(column) {
            continue;
        }
        // Place it after the default neighbour before it, when that one is placed.
        let at = defaults[..i]
            .iter()
            .rev()
            .find_map(|prev| result.iter().position(|c| c == prev))
            .map_or(0, |p| p + 1);
        result.insert(at, column.clone());
    }
    result
}

/// Up to this many open items, duplicates are worked out with the board; above, on
/// the first idle moment after it is drawn.
pub const DUPLICATES_AT_ONCE: usize = 5_000;

/// Up to this many open items, the duplicate marks are worked out again with the frame
/// after a change to a title, a team or the open items; above, on the next idle moment
/// (the 2 ms keypress target is the large board's).
pub const DUPLICATES_AT_ONCE_AFTER_A_CHANGE: usize = 1_000;

/// Open items whose title is like another team's open item, with that item: every open
/// item of the board, whatever a filter shows, as the attention queue finds them.
pub fn duplicates(store: &Store) -> Result<HashMap<ItemId, ItemId>> {
    possible_duplicates_reading(|each| store.open_titles(&ItemFilter::default(), each))
}

/// What the board loads, and how much of each column.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub filter: ItemFilter,
    pub show_closed: bool,
    pub boundaries_only: bool,
    /// Columns the filter leaves empty are not drawn.
    pub hide_empty: bool,
}

impl Board {
    /// The limbo columns with items waiting, worst first: most breached, then those
    /// whose longest waiting item is at risk, then most waiting, then in flow order, as
    /// the breaches were counted ([`Board::breaches_at`]). The overview lists them so;
    /// the board opens on the first.
    pub fn limbo_by_urgency(&self) -> Vec<usize> {
        use std::cmp::Reverse;
        let mut order: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.columns[i].kind.is_limbo() && self.columns[i].count > 0)
            .collect();
        order.sort_by_cached_key(|&i| {
            let c = &self.columns[i];
            let at_risk = c
                .head
                .as_ref()
                .and_then(|head| limbo_time(head, &self.org, self.breaches_at))
                .is_some_and(|t| t.standing == SlaStanding::AtRisk);
            (Reverse(c.breached), Reverse(at_risk), Reverse(c.count), i)
        });
        order
    }

    /// The other team's open item whose title this one's is like, when known.
    pub fn duplicate_of(&self, id: ItemId) -> Option<ItemId> {
        self.duplicates.as_ref()?.get(&id).copied()
    }

    /// Loads the window of `rows` cards of one column starting at `start`. The cards
    /// it shares with the window held are kept, and the rest read from the index on
    /// either side of them (as a scroll by a line or a page needs), so no window is
    /// read by counting past the cards above it, except a jump away from the window.
    pub fn load_window(
        &mut self,
        store: &Store,
        query: &Query,
        column: usize,
        start: usize,
        rows: usize,
    ) -> Result<()> {
        match self.columns.get_mut(column) {
            Some(col) => col.load_window(store, query, start, rows),
            None => Ok(()),
        }
    }

    /// Where `id` now sits: its column and its row there.
    pub fn locate(
        &self,
        store: &Store,
        query: &Query,
        item: &Item,
    ) -> Result<Option<(usize, usize)>> {
        let kind = place_of(item);
        let Some(column) = self.columns.iter().position(|c| c.kind == kind) else {
            return Ok(None);
        };
        // Among the cards held, its row is known: the window is a run of the column.
        let col = &self.columns[column];
        if let Some(at) = col.cards.iter().position(|c| c.id == item.id) {
            return Ok(Some((column, col.window_start + at)));
        }
        Ok(store
            .position(&kind.filter(&query.filter), item.id)?
            .map(|row| (column, row)))
    }

    /// Makes `item`, at `row` of `column`, the window held there when the window does
    /// not reach it, so that the window around it is read from the index on either side
    /// of it rather than by counting past the cards above.
    pub fn hold(&mut self, column: usize, row: usize, item: &Item) {
        if let Some(col) = self.columns.get_mut(column) {
            let held = col.window_start..col.window_start + col.cards.len();
            if !held.contains(&row) {
                col.cards = vec![item.clone()];
                col.window_start = row;
            }
        }
    }

    /// Loads counts for every column and, for each column, the window of `rows` cards
    /// around `starts[column]`.
    pub fn load(
        store: &Store,
        query: &Query,
        now: DateTime<Utc>,
        starts: &HashMap<ColumnKind, usize>,
        rows: usize,
    ) -> Result<Board> {
        let org = store.org()?;
        let saved: Vec<String> = store
            .setting(COLUMN_ORDER_SETTING)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let mut kinds = arrange(default_columns(&org), &saved);
        if query.show_closed {
            kinds.push(ColumnKind::Closed);
        }
        // Counts come from grouped counts in the index, not from loading the items.
        let mut tallies: HashMap<ColumnKind, Tally> = HashMap::new();
        for g in store.open_groups(&query.filter)? {
            add_group(&mut tallies, &org, &g);
        }
        count_breaches(store, query, &org, &mut tallies, now)?;
        let totals = totals_of(&tallies);
        let open_all = if query.filter.keeps_every_item() {
            totals.open
        } else {
            store.count(&ItemFilter {
                states: vec![State::Active, State::Limbo],
                ..ItemFilter::default()
            })?
        };
        // The duplicate-title join reads every open title; on a large board it waits for
        // the first idle moment so the first frame is not held up (see `App::tick`).
        let duplicates = if open_all <= DUPLICATES_AT_ONCE {
            Some(duplicates(store)?)
        } else {
            None
        };
        let shown: Vec<&ColumnKind> = kinds
            .iter()
            .filter(|kind| !query.boundaries_only || kind.is_limbo())
            .collect();
        let mut columns = load_columns(store, query, &shown, &tallies, starts, rows)?;
        let mut hidden = 0;
        if query.hide_empty {
            let before = columns.len();
            columns.retain(|c| c.count > 0);
            hidden = before - columns.len();
        }
        Ok(Board {
            org,
            columns,
            totals,
            duplicates,
            duplicates_stale: false,
            open_all,
            hidden,
            kinds,
            tallies,
            breaches_at: now,
            held: worst_held(store, query, now)?,
        })
    }

    /// The board after the writes `changes` made here (each item as it was, if it
    /// existed, and as it is): only the places they left and entered are read again;
    /// every other column, the organisation and the totals' other parts are kept. The
    /// same board [`Board::load`] gives at `now`, as long as nothing else changed and
    /// the board's filter does not depend on signals or known people (the caller
    /// reloads the whole board then). The duplicate marks are worked out again when a
    /// title, a team, a dismissal or the set of open items changed: at once on a small
    /// board, on the next idle moment on a large one.
    ///
    /// With no filter, each place's tally moves by the items that left and entered it,
    /// and only a limbo's breaches are counted again; under a filter (which the items
    /// may have started or stopped matching) the places are counted again.
    pub fn refresh_places(
        &mut self,
        store: &Store,
        query: &Query,
        now: DateTime<Utc>,
        changes: &[(Option<Item>, Item)],
        starts: &HashMap<ColumnKind, usize>,
        rows: usize,
    ) -> Result<()> {
        let mut changed: Vec<ColumnKind> = Vec::new();
        let mut rejoin = false;
        // The worst held items are read again when a change touches one of them, or an
        // item that is, or was, held overdue or escalated.
        let worst = |item: &Item| {
            item.state == State::Active
                && (item.escalation.is_some() || item.due.is_some_and(|due| due < now))
        };
        let reheld = changes.iter().any(|(before, after)| {
            self.held.iter().any(|h| h.id == after.id)
                || worst(after)
                || before.as_ref().is_some_and(worst)
        });
        for (before, after) in changes {
            for place in before.iter().chain([after]).map(place_of) {
                if !changed.contains(&place) {
                    changed.push(place);
                }
            }
            let was_open = before.as_ref().is_some_and(|b| b.state.is_open());
            match (was_open, after.state.is_open()) {
                (false, true) => self.open_all += 1,
                (true, false) => self.open_all = self.open_all.saturating_sub(1),
                _ => {}
            }
            // What the duplicate-title join reads: open items' ids, teams and titles,
            // and the dismissed pairs.
            rejoin |= match before {
                None => after.state.is_open(),
                Some(b) => {
                    b.state.is_open() != after.state.is_open()
                        || (after.state.is_open()
                            && (b.team != after.team
                                || b.title != after.title
                                || b.dismissed != after.dismissed))
                }
            };
        }
        let unfiltered = query.filter.keeps_every_item();
        let counts_before: HashMap<ColumnKind, usize> = changed
            .iter()
            .map(|kind| (kind.clone(), self.tallies.get(kind).map_or(0, |t| t.count)))
            .collect();
        if unfiltered {
            let counted = |item: &Item| {
                let states = &query.filter.states;
                (states.is_empty() || states.contains(&item.state)).then(|| group_of(item))?
            };
            for (before, after) in changes {
                if let Some(g) = before.as_ref().and_then(counted) {
                    take_group(&mut self.tallies, &self.org, &g);
                }
                if let Some(g) = counted(after) {
                    add_group(&mut self.tallies, &self.org, &g);
                }
            }
            for kind in &changed {
                if let ColumnKind::Limbo { from, to } = kind
                    && let Some(tally) = self.tallies.get_mut(kind)
                {
                    tally.breached = match tally.count > 0 && self.org.boundary(from, to).is_some()
                    {
                        true => {
                            // Every limbo tally's breaches are counted at `breaches_at`:
                            // this one too, by the items that left it and came in.
                            let ranges = breach_ranges(&self.org, from, to, self.breaches_at);
                            let breached = |item: &Item| {
                                counted(item).is_some() && breached_in(item, from, to, &ranges)
                            };
                            let left = changes
                                .iter()
                                .filter(|(before, _)| before.as_ref().is_some_and(breached))
                                .count();
                            let came = changes.iter().filter(|(_, after)| breached(after)).count();
                            (tally.breached + came).saturating_sub(left)
                        }
                        false => 0,
                    };
                }
            }
            self.tallies.retain(|_, t| *t != Tally::default());
        } else {
            for kind in &changed {
                let tally = count_place(store, query, &self.org, kind, now)?;
                if tally == Tally::default() {
                    self.tallies.remove(kind);
                } else {
                    self.tallies.insert(kind.clone(), tally);
                }
            }
        }
        self.totals = totals_of(&self.tallies);
        let mut columns = Vec::with_capacity(self.kinds.len());
        let mut old: HashMap<ColumnKind, Column> = std::mem::take(&mut self.columns)
            .into_iter()
            .map(|c| (c.kind.clone(), c))
            .collect();
        let shown: Vec<&ColumnKind> = self
            .kinds
            .iter()
            .filter(|kind| !query.boundaries_only || kind.is_limbo())
            .collect();
        // A column the changes touched is moved by them where the board has no filter
        // (see `Column::shift`); otherwise, or when it is new, it is read afresh.
        let shifted = |kind: &ColumnKind| unfiltered && *kind != ColumnKind::Closed;
        let read: Vec<&ColumnKind> = shown
            .iter()
            .copied()
            .filter(|kind| match old.get(*kind) {
                Some(_) => changed.contains(kind) && !shifted(kind),
                None => true,
            })
            .collect();
        let mut fresh = load_columns(store, query, &read, &self.tallies, starts, rows)?.into_iter();
        for kind in shown {
            let column = match old.remove(kind) {
                Some(column) if !changed.contains(kind) => Some(column),
                Some(mut column) if shifted(kind) => {
                    let order = kind.filter(&query.filter).order;
                    column.shift(changes, order, counts_before[kind]);
                    let tally = self.tallies.get(kind).copied().unwrap_or_default();
                    column.count = tally.count;
                    column.breached = tally.breached;
                    let start = starts
                        .get(kind)
                        .copied()
                        .unwrap_or(0)
                        .min(tally.count.saturating_sub(1));
                    if tally.count == 0 || rows == 0 {
                        column.cards.clear();
                        column.window_start = start;
                    } else {
                        column.load_window(store, query, start, rows)?;
                    }
                    column.head = match (kind, column.window_start) {
                        (ColumnKind::Limbo { .. }, 0) => column.cards.first().cloned(),
                        (ColumnKind::Limbo { .. }, _) => {
                            let mut first = kind.filter(&query.filter);
                            first.limit = Some(1);
                            store.items(&first)?.pop()
                        }
                        _ => None,
                    };
                    Some(column)
                }
                _ => fresh.next(),
            };
            columns.extend(column);
        }
        self.hidden = 0;
        if query.hide_empty {
            let before = columns.len();
            columns.retain(|c| c.count > 0);
            self.hidden = before - columns.len();
        }
        self.columns = columns;
        if reheld {
            self.held = worst_held(store, query, now)?;
        }
        if rejoin && self.duplicates.is_some() {
            // A small board's marks follow at once; a large one's on the next idle
            // moment, so the key's frame is not held up by the join.
            if self.open_all <= DUPLICATES_AT_ONCE_AFTER_A_CHANGE {
                self.duplicates = Some(duplicates(store)?);
            } else {
                self.duplicates_stale = true;
            }
        }
        Ok(())
    }
}

impl Board {
    /// Counts every limbo column's breaches again at `now`: time alone breaches an
    /// item, with no write to say so. The totals follow.
    pub fn recount_breaches(
        &mut self,
        store: &Store,
        query: &Query,
        now: DateTime<Utc>,
    ) -> Result<()> {
        count_breaches(store, query, &self.org, &mut self.tallies, now)?;
        self.breaches_at = now;
        // Due dates pass as breaches do.
        self.held = worst_held(store, query, now)?;
        self.totals = totals_of(&self.tallies);
        for column in &mut self.columns {
            if let Some(tally) = self.tallies.get(&column.kind) {
                column.breached = tally.breached;
            }
        }
        Ok(())
    }
}

/// The columns of `kinds`, each with its count and the window of `rows` cards from
/// `starts[kind]`, their cards read together ([`Store::items_lists`]: one query on a
/// shared board).
fn load_columns(
    store: &Store,
    query: &Query,
    kinds: &[&ColumnKind],
    tallies: &HashMap<ColumnKind, Tally>,
    starts: &HashMap<ColumnKind, usize>,
    rows: usize,
) -> Result<Vec<Column>> {
    let mut columns = Vec::with_capacity(kinds.len());
    // What to read: each column's window and, for a limbo column scrolled down, its
    // first card; by the index in `lists`.
    let mut lists: Vec<ItemFilter> = Vec::new();
    let mut wanted: Vec<(Option<usize>, Option<usize>)> = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        let (count, breached) = match kind {
            ColumnKind::Closed => (store.count(&kind.filter(&query.filter))?, 0),
            _ => tallies.get(kind).map_or((0, 0), |t| (t.count, t.breached)),
        };
        let start = starts
            .get(kind)
            .copied()
            .unwrap_or(0)
            .min(count.saturating_sub(1));
        let cards = (count > 0 && rows > 0).then(|| {
            let mut f = kind.filter(&query.filter);
            f.offset = start;
            f.limit = Some(rows);
            lists.push(f);
            lists.len() - 1
        });
        let head = (kind.is_limbo() && start > 0 && count > 0).then(|| {
            let mut f = kind.filter(&query.filter);
            f.limit = Some(1);
            lists.push(f);
            lists.len() - 1
        });
        wanted.push((cards, head));
        columns.push(Column {
            kind: kind.clone(),
            count,
            breached,
            cards: Vec::new(),
            window_start: start,
            head: None,
        });
    }
    let mut read = store.items_lists(&lists)?;
    let mut take = |n: Option<usize>| {
        n.and_then(|n| read.get_mut(n))
            .map(std::mem::take)
            .unwrap_or_default()
    };
    for (column, (cards, head)) in columns.iter_mut().zip(wanted) {
        column.cards = take(cards);
        column.head = match (&column.kind, column.window_start) {
            (ColumnKind::Limbo { .. }, 0) => column.cards.first().cloned(),
            (ColumnKind::Limbo { .. }, _) => take(head).into_iter().next(),
            _ => None,
        };
    }
    Ok(columns)
}

/// Adds a group of open items to the tally of its place.
fn add_group(tallies: &mut HashMap<ColumnKind, Tally>, org: &Org, g: &OpenGroup) {
    let (kind, lacks) = group_place(org, g);
    let tally = tallies.entry(kind).or_default();
    tally.count += g.count;
    if lacks {
        tally.no_owner += g.count;
    }
}

/// Takes a group [`add_group`] added out of the tallies again.
fn take_group(tallies: &mut HashMap<ColumnKind, Tally>, org: &Org, g: &OpenGroup) {
    let (kind, lacks) = group_place(org, g);
    if let Some(tally) = tallies.get_mut(&kind) {
        tally.count = tally.count.saturating_sub(g.count);
        if lacks {
            tally.no_owner = tally.no_owner.saturating_sub(g.count);
        }
    }
}

/// The place a group of open items is tallied in, and whether nobody answers for them.
fn group_place(org: &Org, g: &OpenGroup) -> (ColumnKind, bool) {
    let limbo = g.limbo_to.as_deref().map(|to| (g.team.as_str(), to));
    let kind = match (g.state, limbo) {
        (State::Limbo, Some((from, to))) => ColumnKind::Limbo {
            from: from.to_string(),
            to: to.to_string(),
        },
        _ => ColumnKind::Lane {
            team: g.team.clone(),
        },
    };
    (kind, lacks_owner(g.has_owner, limbo, org))
}

/// One open item as [`Store::open_groups`] counts it: a group of one.
fn group_of(item: &Item) -> Option<OpenGroup> {
    item.state.is_open().then(|| OpenGroup {
        state: item.state,
        team: item.team.clone(),
        limbo_to: item.limbo.as_ref().map(|l| l.to.clone()),
        has_owner: item.owner.is_some(),
        count: 1,
    })
}

/// Whether `item` waits in limbo `from → to` and was sent in one of `ranges` (as
/// [`breach_ranges`] gives them): what [`count_breached`] counts, for one item, to the
/// second as the database keeps send times.
fn breached_in(
    item: &Item,
    from: &str,
    to: &str,
    ranges: &[(Option<DateTime<Utc>>, DateTime<Utc>)],
) -> bool {
    let Some(limbo) = item.limbo.as_ref() else {
        return false;
    };
    let sent = limbo.sent_at.timestamp();
    item.state == State::Limbo
        && item.team == from
        && limbo.to == to
        && ranges.iter().any(|(since, before)| {
            since.is_none_or(|s| sent >= s.timestamp()) && sent < before.timestamp()
        })
}

/// How many items in limbo `from → to` (within the board's filter) have breached the
/// SLA they were sent under.
fn count_breached(
    store: &Store,
    query: &Query,
    org: &Org,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    // One range of send times per contract the boundary has had (see
    // `breach_ranges`): a spell is judged by the contract it was sent under.
    let mut breached = 0;
    for (since, before) in breach_ranges(org, from, to, now) {
        breached += store.count_in_limbo_since_before(&query.filter, from, to, since, before)?;
    }
    Ok(breached)
}

/// Counts the breaches of every limbo place with items in `tallies` (a boundary's)
/// at `now`, in one query: a spell is judged by the contract it was sent under (one
/// range of send times per contract the boundary has had, see `breach_ranges`).
fn count_breaches(
    store: &Store,
    query: &Query,
    org: &Org,
    tallies: &mut HashMap<ColumnKind, Tally>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut places = Vec::new();
    let mut ranges = Vec::new();
    for b in &org.boundaries {
        let kind = ColumnKind::Limbo {
            from: b.from.clone(),
            to: b.to.clone(),
        };
        if tallies.get(&kind).is_some_and(|t| t.count > 0) {
            for (since, before) in breach_ranges(org, &b.from, &b.to, now) {
                ranges.push((b.from.as_str(), b.to.as_str(), since, before));
                places.push(kind.clone());
            }
        } else if let Some(tally) = tallies.get_mut(&kind) {
            tally.breached = 0;
        }
    }
    let counts = store.count_in_limbo_ranges(&query.filter, &ranges)?;
    for kind in &places {
        if let Some(tally) = tallies.get_mut(kind) {
            tally.breached = 0;
        }
    }
    for (kind, n) in places.iter().zip(counts) {
        if let Some(tally) = tallies.get_mut(kind) {
            tally.breached += n;
        }
    }
    Ok(())
}

/// The tally of one place, counted again from the index.
fn count_place(
    store: &Store,
    query: &Query,
    org: &Org,
    kind: &ColumnKind,
    now: DateTime<Utc>,
) -> Result<Tally> {
    let mut filter = query.filter.clone();
    // Only the place's own state is counted (a lane's team also sends items to limbo).
    let (state, limbo) = match kind {
        ColumnKind::Lane { team } => {
            filter.held_by = Some(team.clone());
            (State::Active, None)
        }
        ColumnKind::Limbo { from, to } => {
            filter.held_by = Some(from.clone());
            filter.limbo_to = Some(to.clone());
            (State::Limbo, Some((from.as_str(), to.as_str())))
        }
        ColumnKind::Closed => return Ok(Tally::default()),
    };
    filter.states = vec![state];
    let mut tallies = HashMap::new();
    for g in store
        .open_groups(&filter)?
        .iter()
        .filter(|g| g.state == state)
    {
        add_group(&mut tallies, org, g);
    }
    let mut tally = tallies.remove(kind).unwrap_or_default();
    if let (Some((from, to)), true) = (limbo, tally.count > 0)
        && org.boundary(from, to).is_some()
    {
        tally.breached = count_breached(store, query, org, from, to, now)?;
    }
    Ok(tally)
}

/// The status line's totals: the sums of the places' tallies.
fn totals_of(tallies: &HashMap<ColumnKind, Tally>) -> Totals {
    let mut totals = Totals::default();
    for (kind, t) in tallies {
        totals.open += t.count;
        if kind.is_limbo() {
            totals.in_limbo += t.count;
        }
        totals.breached += t.breached;
        totals.no_owner += t.no_owner;
    }
    totals
}

/// The place an item is drawn in: its lane, its limbo, or the closed column.
pub fn place_of(item: &Item) -> ColumnKind {
    match (&item.state, item.boundary()) {
        (State::Limbo, Some((from, to))) => ColumnKind::Limbo {
            from: from.to_string(),
            to: to.to_string(),
        },
        (State::Active, _) => ColumnKind::Lane {
            team: item.team.clone(),
        },
        _ => ColumnKind::Closed,
    }
}

/// Where a column's window of `rows` cards starts, given where the one held starts, the
/// selected row and the column's count: the held start moved no further than keeps the
/// selection in the window, and no further down than fills the window to the column's
/// end. The one rule for a reload, a write's refresh and a move alike, so a board
/// refreshed in place shows what a reload of it shows; a rule of this alone, so taking
/// its result again changes nothing.
pub fn window_start(held: usize, row: usize, rows: usize, count: usize) -> usize {
    let rows = rows.max(1);
    let row = row.min(count.saturating_sub(1));
    held.clamp(row.saturating_sub(rows - 1), row)
        .min(count.saturating_sub(rows))
}

#[cfg(test)]
mod tests {
    use super::window_start;

    #[test]
    fn a_window_keeps_its_place_while_the_selection_is_in_it() {
        // Ten cards, four shown, the window at 3: rows 3 to 6 leave it where it is.
        for row in 3..=6 {
            assert_eq!(window_start(3, row, 4, 10), 3);
        }
        // Past either edge, it moves just far enough.
        assert_eq!(window_start(3, 2, 4, 10), 2);
        assert_eq!(window_start(3, 8, 4, 10), 5);
    }

    #[test]
    fn a_window_fills_to_the_column_end_when_it_grows_or_the_column_shrinks() {
        // The overview lost a line: five cards fit where four did.
        assert_eq!(window_start(6, 9, 5, 10), 5);
        // Cards left: seven remain, and the window shows the last four.
        assert_eq!(window_start(5, 6, 4, 7), 3);
        // Fewer cards than room: from the top.
        assert_eq!(window_start(2, 2, 4, 3), 0);
        assert_eq!(window_start(4, 0, 4, 0), 0);
    }

    #[test]
    fn taking_the_window_start_again_changes_nothing() {
        for held in 0..12 {
            for row in 0..12 {
                for rows in 1..6 {
                    for count in 0..12 {
                        let once = window_start(held, row, rows, count);
                        assert_eq!(window_start(once, row, rows, count), once);
                    }
                }
            }
        }
    }

    use super::*;
    use proptest::prelude::*;

    /// An item in limbo a → b, or in lane b, sent (or changed) `minute` minutes in.
    fn card(id: ItemId, minute: i64, in_limbo: bool) -> Item {
        let at = DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).expect("a time");
        let mut item = Item::new(id, format!("#{id}"), "a".into(), at);
        if in_limbo {
            item.state = State::Limbo;
            item.limbo = Some(Box::new(crate::domain::model::Limbo {
                to: "b".into(),
                sent_at: at,
                note: String::new(),
                unticked: Vec::new(),
                sender_owner: None,
            }));
        } else {
            item.team = "b".into();
        }
        item
    }

    proptest! {
        /// Whatever a write does to a column's items (some leave, come in or are sent
        /// again at another time, above, among or below the cards held), the shifted
        /// window is still a run of the column's cards, in order, starting at its start.
        #[test]
        fn a_shifted_window_is_still_a_run_of_the_column(
            minutes in proptest::collection::vec(0i64..30, 0..30),
            held in (0usize..30, 1usize..8),
            changes in proptest::collection::vec((1i64..40, 0i64..30, any::<bool>()), 1..3),
        ) {
            let kind = ColumnKind::Limbo { from: "a".into(), to: "b".into() };
            let order = Order::SentAt;
            let sorted = |items: &mut Vec<Item>| {
                items.sort_by(|x, y| order.compare(order.key_of(x), order.key_of(y)));
            };
            let mut items: Vec<Item> = minutes
                .iter()
                .enumerate()
                .map(|(n, m)| card(n as ItemId + 1, *m, true))
                .collect();
            sorted(&mut items);
            let start = held.0.min(items.len().saturating_sub(1));
            let end = (start + held.1).min(items.len());
            let mut column = Column {
                kind: kind.clone(),
                count: items.len(),
                breached: 0,
                cards: items[start..end].to_vec(),
                window_start: start,
                head: None,
            };
            // Each change: an item (new or not) as it now is, in limbo or gone from it.
            let mut written = Vec::new();
            for (id, minute, in_limbo) in &changes {
                let before = items.iter().find(|i| i.id == *id).cloned();
                let after = card(*id, *minute, *in_limbo);
                items.retain(|i| i.id != *id);
                if *in_limbo {
                    items.push(after.clone());
                }
                sorted(&mut items);
                written.push((before, after));
            }
            column.shift(&written, order, minutes.len());
            let from = column.window_start;
            prop_assert!(from + column.cards.len() <= items.len());
            let ids = |list: &[Item]| list.iter().map(|i| i.id).collect::<Vec<_>>();
            prop_assert_eq!(ids(&column.cards), ids(&items[from..from + column.cards.len()]));
        }
    }

    #[test]
    fn limbo_columns_sit_just_before_the_receiving_lane() {
        let o = Org::sketch(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("c", "b")]);
        let ids: Vec<String> = default_columns(&o).iter().map(ColumnKind::id).collect();
        assert_eq!(
            ids,
            [
                "team:a",
                "limbo:a>b",
                "limbo:c>b",
                "team:b",
                "limbo:b>c",
                "team:c"
            ]
        );
    }

    #[test]
    fn saved_order_wins_and_new_columns_keep_their_place() {
        let o = Org::sketch(&["a", "b"], &[("a", "b")]);
        let saved = vec!["team:b".to_string(), "team:a".to_string()];
        let ids: Vec<String> = arrange(default_columns(&o), &saved)
            .iter()
            .map(ColumnKind::id)
            .collect();
        assert_eq!(ids, ["team:b", "team:a", "limbo:a>b"]);
    }
}
