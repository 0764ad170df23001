//! The board's state and its update: keys become actions, actions become domain
//! commands run through the store, and the board is reloaded from what was stored.
//! Drawing is elsewhere ([`crate::ui`]); nothing here touches the terminal.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::time::{Duration, Instant};

use crate::domain::attention::{Signal, SignalCode, attention, signals};
use crate::domain::history::{describe_latest, narrate};
use crate::domain::{Command, Event, Item, ItemId, Pair};
use crate::storage::{LabelInUse, Result, Store, When};

use super::board::{Board, COLUMN_ORDER_SETTING, ColumnKind, Query, window_start};
use super::filter::parse_filter;
use super::form::{Form, FormKind, FormOutcome};
use super::keys::{Action, action_for};
use super::triage::{Change, Triage, Walk};
use crate::domain::metrics::{FlowEvent, Metrics, Period};
use crate::domain::rules::{Move, permits};
use crate::domain::text::owners_matching;
use crate::domain::view::next_owner;
use crate::ui::strings;

pub use crate::clock::{Clock, Zone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Board,
    Detail,
    Contracts,
    Help,
    /// Standup triage: one item at a time, then the summary.
    Triage,
    /// Flow metrics of the last weeks, as charts.
    Metrics,
}

/// The item open in the detail pane, with its history and signals.
#[derive(Debug, Clone)]
pub struct Detail {
    pub item: Item,
    pub events: Vec<Event>,
    pub signals: Vec<Signal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Lines the board keeps for its own chrome: title, column headers (2), status, keys.
pub const CHROME_ROWS: u16 = 5;
/// Lines each card takes: its title, then its marks and who has it.
pub const CARD_ROWS: u16 = 2;
/// Lines each card takes on a tall screen ([`TALL_FROM`]): the title gets two.
pub const TALL_CARD_ROWS: u16 = 3;
/// From this many lines the cards are tall: with room to spare below short columns,
/// a title cut at 22 characters said too little (160×48).
pub const TALL_FROM: u16 = 40;
/// A line of the board's overview ([`App::overview_lines`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverviewLine {
    /// A boundary with items waiting: its column.
    Limbo(usize),
    /// One of the worst items held in a lane: its place in the board's `held`.
    Held(usize),
    /// How many more boundaries have items waiting than have a line.
    More(usize),
}

/// The narrowest a column is drawn; fewer columns are shown and the rest scroll.
pub const MIN_COLUMN_WIDTH: u16 = 26;
/// Two clicks on one card within this long open its detail.
pub const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// A team lane's width when lanes are collapsed (`z`).
pub const COLLAPSED_LANE_WIDTH: u16 = 14;
/// An empty column's width when not every column fits.
pub const EMPTY_COLUMN_WIDTH: u16 = 14;
/// The overview takes at most this fraction of the screen's height (1/N).
pub const OVERVIEW_SHARE: u16 = 3;

pub struct App {
    pub store: Store,
    pub clock: Clock,
    /// The zone times are read and shown in: [`Zone::default`], as on the command
    /// line. Tests that run the board in their own process set a fixed one.
    pub zone: Zone,
    pub actor: String,
    pub board: Board,
    pub query: Query,
    /// The filter as typed, and the signal it names (recomputed on every reload).
    pub filter_text: String,
    pub filter_signal: Option<SignalCode>,
    /// The filter's `owner:` as typed, matched against the known people on each reload.
    pub filter_owner: Option<String>,
    /// The filter line while it is being edited.
    pub filter_input: Option<String>,
    pub column: usize,
    /// The selected row of each column.
    pub rows: HashMap<ColumnKind, usize>,
    /// The first column drawn.
    pub first_column: usize,
    pub size: (u16, u16),
    pub screen: Screen,
    pub scroll: u16,
    /// The furthest the pane on screen scrolls, as last drawn: its lines less its
    /// height (see [`crate::ui::scrolled`]).
    pub scroll_end: std::cell::Cell<u16>,
    pub detail: Option<Detail>,
    pub form: Option<Form>,
    /// Team lanes drawn narrow, to give the limbo columns the room.
    pub collapsed_lanes: bool,
    pub triage: Option<Triage>,
    /// The metrics screen's figures, computed when it opens and on changes.
    pub metrics: Option<Metrics>,
    /// The event log as the metrics screen read it, while it is open: after a change
    /// only the new events are read (events are only appended).
    flow: Option<Vec<Vec<FlowEvent>>>,
    /// Where help returns to.
    pub return_to: Screen,
    pub message: Option<Message>,
    /// This session's last change, whose line triage records as its decision.
    pub last_change: Option<(ItemId, u32, String)>,
    /// The changes made on the board this session, newest last: each `u` takes back the
    /// newest (a decision about two items is two changes, taken back together).
    pub undo_stack: Vec<Vec<Change>>,
    pub quit: bool,
    /// The board is the throwaway demo, deleted on quit.
    pub throwaway: bool,
    /// The last click on a card (when, column, row), to tell a double click.
    last_click: Option<(Instant, usize, usize)>,
    /// Set when the screen must be drawn again.
    pub dirty: bool,
    /// The known people forms complete from ([`Store::known_people`]), read once when
    /// first needed and kept up to date with the writes made here; `None` after
    /// another process's change, until needed again.
    people: Option<Vec<String>>,
    data_version: i64,
    /// Why the shared board cannot be reached, while it cannot.
    offline: Option<String>,
    drawn_minute: i64,
    drawn_second: i64,
    /// The minute the limbo columns' breaches were counted in.
    counted_minute: i64,
}

impl App {
    pub fn new(store: Store, clock: Clock, actor: String, size: (u16, u16)) -> Result<App> {
        // In team mode the database role acts, whatever the environment says.
        let actor = store.actor(&actor);
        store.checkpoint_aside();
        let size = crate::ui::drawable(size);
        let mut app = App {
            store,
            clock,
            zone: Zone::default(),
            actor,
            board: Board::default(),
            query: Query::default(),
            filter_text: String::new(),
            filter_signal: None,
            filter_owner: None,
            filter_input: None,
            column: 0,
            rows: HashMap::new(),
            first_column: 0,
            size,
            screen: Screen::Board,
            scroll: 0,
            scroll_end: std::cell::Cell::new(0),
            detail: None,
            form: None,
            collapsed_lanes: false,
            triage: None,
            metrics: None,
            flow: None,
            return_to: Screen::Board,
            message: None,
            last_change: None,
            undo_stack: Vec::new(),
            quit: false,
            throwaway: false,
            last_click: None,
            dirty: true,
            people: None,
            data_version: 0,
            offline: None,
            drawn_minute: 0,
            drawn_second: 0,
            counted_minute: 0,
        };
        app.reload()?;
        // Start on the worst boundary with something waiting: the board's reason to be.
        if let Some(&i) = app.board.limbo_by_urgency().first() {
            app.column = i;
            app.keep_column_visible();
        }
        Ok(app)
    }

    /// Cards that fit in a column at the current size.
    pub fn visible_rows(&self) -> usize {
        let chrome = CHROME_ROWS.saturating_add(self.overview_rows());
        usize::from(self.size.1.saturating_sub(chrome) / self.card_rows()).max(1)
    }

    /// Lines each card takes at the current size: by the screen's height alone, so the
    /// columns' windows do not move with what the board holds.
    pub fn card_rows(&self) -> u16 {
        if self.size.1 >= TALL_FROM {
            TALL_CARD_ROWS
        } else {
            CARD_ROWS
        }
    }

    /// Whether every column fits side by side at its usual width.
    pub fn all_columns_fit(&self) -> bool {
        let needed: u32 = self
            .board
            .columns
            .iter()
            .map(|c| u32::from(self.usual_width(&c.kind)))
            .sum();
        needed <= u32::from(self.size.0)
    }

    /// Lines of the overview under the title: one a boundary with items in limbo, worst
    /// first, when not every column fits (so every such boundary is on the first
    /// screen); at most a third of the screen, the last line then counting the rest.
    pub fn overview_rows(&self) -> u16 {
        if self.all_columns_fit() {
            return 0;
        }
        // A line for each boundary with items waiting, and room for the worst held
        // items, up to a third of the screen. The room is there whether or not items
        // are held overdue or escalated, so the columns' height does not move as they
        // fall due; with nothing waiting between teams there is no overview.
        let waiting = self
            .board
            .columns
            .iter()
            .filter(|c| c.kind.is_limbo() && c.count > 0)
            .count();
        if waiting == 0 {
            return 0;
        }
        let held = if self.query.boundaries_only {
            0
        } else {
            super::board::HELD_WORST
        };
        let cap = (self.size.1 / OVERVIEW_SHARE).max(1);
        u16::try_from(waiting + held).unwrap_or(u16::MAX).min(cap)
    }

    /// The overview's lines, top to bottom: the boundaries with breaches, the worst
    /// items held in the lanes, then the other boundaries with items waiting, in
    /// [`App::overview_rows`] lines; a last line counts the boundaries left out.
    pub fn overview_lines(&self) -> Vec<OverviewLine> {
        if self.all_columns_fit() {
            return Vec::new();
        }
        let order = self.board.limbo_by_urgency();
        let breached = order
            .iter()
            .take_while(|&&i| self.board.columns[i].breached > 0)
            .count();
        let mut lines: Vec<OverviewLine> = order[..breached]
            .iter()
            .map(|&i| OverviewLine::Limbo(i))
            .collect();
        lines.extend((0..self.board.held.len()).map(OverviewLine::Held));
        lines.extend(order[breached..].iter().map(|&i| OverviewLine::Limbo(i)));
        let cap = usize::from(self.overview_rows());
        if cap == 0 {
            return Vec::new();
        }
        if lines.len() > cap {
            let shown = cap - 1;
            let left_out = lines[shown..]
                .iter()
                .filter(|l| matches!(l, OverviewLine::Limbo(_)))
                .count();
            lines.truncate(shown);
            if left_out > 0 {
                lines.push(OverviewLine::More(left_out));
            }
        }
        lines
    }

    /// How many columns fit side by side.
    pub fn visible_columns(&self) -> usize {
        self.columns_from(self.first_column).len()
    }

    /// The narrowest a column is drawn: lanes shrink when collapsed (`z`), so that
    /// the limbo columns between them keep their room; when the columns do not all fit,
    /// empty ones step aside for those with cards.
    pub fn min_width(&self, kind: &ColumnKind) -> u16 {
        let empty = self
            .board
            .columns
            .iter()
            .any(|c| &c.kind == kind && c.count == 0);
        self.width_of(kind, empty, !self.all_columns_fit())
    }

    fn width_of(&self, kind: &ColumnKind, empty: bool, squeeze: bool) -> u16 {
        let usual = self.usual_width(kind);
        if squeeze && empty {
            usual.min(EMPTY_COLUMN_WIDTH)
        } else {
            usual
        }
    }

    fn usual_width(&self, kind: &ColumnKind) -> u16 {
        match kind {
            ColumnKind::Lane { .. } if self.collapsed_lanes => COLLAPSED_LANE_WIDTH,
            _ => MIN_COLUMN_WIDTH,
        }
    }

    /// The columns that fit side by side starting at `first` (at least one), with the
    /// width each is drawn at: the room left over is shared out evenly.
    pub fn columns_from(&self, first: usize) -> Vec<(usize, u16)> {
        let width = self.size.0;
        let squeeze = !self.all_columns_fit();
        let mut shown: Vec<(usize, u16)> = Vec::new();
        let mut used = 0u16;
        for (i, column) in self.board.columns.iter().enumerate().skip(first) {
            let w = self.width_of(&column.kind, column.count == 0, squeeze);
            if !shown.is_empty() && used.saturating_add(w) > width {
                break;
            }
            used = used.saturating_add(w);
            shown.push((i, w));
        }
        if let Some(count) = u16::try_from(shown.len()).ok().filter(|n| *n > 0) {
            let spare = width.saturating_sub(used);
            let (each, mut rest) = (spare / count, spare % count);
            for (_, w) in &mut shown {
                *w += each + u16::from(rest > 0);
                rest = rest.saturating_sub(1);
            }
        }
        shown
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn selected_row(&self) -> usize {
        self.board
            .columns
            .get(self.column)
            .map_or(0, |c| self.rows.get(&c.kind).copied().unwrap_or(0))
    }

    /// The selected card, when the board shows one.
    pub fn selected(&self) -> Option<&Item> {
        let column = self.board.columns.get(self.column)?;
        column.card(self.selected_row())
    }

    /// Loads the whole board again (after a change, here or in another process).
    pub fn reload(&mut self) -> Result<()> {
        // Everything on screen is read at one moment of the board.
        self.store.begin_view()?;
        let reloaded = self.reload_in_view();
        let ended = self.store.end_view();
        reloaded?;
        ended
    }

    fn reload_in_view(&mut self) -> Result<()> {
        self.data_version = self.store.data_version()?;
        self.people = None;
        self.query.filter.ids = match self.filter_signal {
            Some(code) => {
                let org = self.store.org()?;
                let open = self.store.open_items()?;
                Some(
                    attention(&open, &org, self.now(), &self.zone)
                        .into_iter()
                        .filter(|a| a.signals.iter().any(|s| s.code == code))
                        .map(|a| a.id)
                        .collect(),
                )
            }
            None => None,
        };
        (self.query.filter.owners, self.query.filter.next_owner_on) = match &self.filter_owner {
            Some(query) => {
                let people = owners_matching(&self.store.known_people()?, query);
                // Limbo cards with no owner show their contract's next owner: they are
                // that person's to take, and found by their name.
                let org = self.store.org()?;
                let boundaries = org
                    .boundaries
                    .iter()
                    .filter(|b| {
                        b.contract
                            .owner
                            .as_ref()
                            .is_some_and(|o| people.contains(o))
                    })
                    .map(|b| (b.from.clone(), b.to.clone()))
                    .collect();
                (Some(people), boundaries)
            }
            None => (None, Vec::new()),
        };
        let rows = self.visible_rows();
        let starts = self.window_starts(rows);
        let previous = self.board.columns.get(self.column).map(|c| c.kind.clone());
        let selected = self.selected().cloned();
        let now = self.now();
        self.board = Board::load(&self.store, &self.query, now, &starts, rows)?;
        self.counted_minute = now.timestamp() / 60;
        self.settle_selection(previous, selected)?;
        if self.detail.is_some() {
            self.refresh_detail()?;
        }
        if self.screen == Screen::Metrics {
            self.refresh_metrics()?;
        }
        // Triage's queue is refreshed by whoever changed it: a decision reads back
        // the items it changed, another process's change the whole board (`tick`).
        self.keep_column_visible();
        self.dirty = true;
        Ok(())
    }

    /// Called when the terminal is idle: reloads when another process changed the
    /// database, and redraws when the minute (and so every age) changes.
    pub fn tick(&mut self) -> Result<()> {
        // A shared board whose connection dropped says so, and keeps trying; the
        // board comes back up to date once the connection does.
        match self.store.data_version() {
            Err(crate::storage::StoreError::Connection(text)) => {
                if self.offline.as_ref() != Some(&text) {
                    self.fail(&text);
                    self.offline = Some(text);
                    self.dirty = true;
                }
                return Ok(());
            }
            Err(other) => return Err(other),
            Ok(version) => {
                if self.offline.take().is_some() {
                    self.say(&format!("reconnected to {}", self.store.place()));
                    self.reload()?;
                    self.refresh_triage()?;
                } else if version != self.data_version {
                    self.reload()?;
                    self.refresh_triage()?;
                }
            }
        }
        if self.board.duplicates.is_none() || self.board.duplicates_stale {
            self.board.duplicates = Some(super::board::duplicates(&self.store)?);
            self.board.duplicates_stale = false;
            self.dirty = true;
        }
        // Triage's clocks tick every second, keys or not.
        let second = self.now().timestamp();
        if self.screen == Screen::Triage
            && self.triage.as_ref().is_some_and(|t| !t.finished)
            && second != self.drawn_second
        {
            self.drawn_second = second;
            self.dirty = true;
        }
        let minute = self.now().timestamp() / 60;
        if minute != self.counted_minute {
            self.recount_breaches()?;
        }
        if minute != self.drawn_minute {
            self.drawn_minute = minute;
            self.dirty = true;
            // Time alone changes the queue: snoozes end, SLAs run out.
            let now = self.now();
            if let Some(triage) = &mut self.triage
                && !triage.finished
            {
                triage.refresh(&self.store, now)?;
            }
        }
        Ok(())
    }

    /// The limbo columns' breaches counted again at the current minute, as time
    /// passes without a change. A filter by signal (`signal:sla-breached`) can take in
    /// new items as time passes: the whole board is read again then.
    fn recount_breaches(&mut self) -> Result<()> {
        if self.filter_signal.is_some() {
            return self.reload();
        }
        let now = self.now();
        self.store.begin_view()?;
        let counted = self.board.recount_breaches(&self.store, &self.query, now);
        let ended = self.store.end_view();
        counted?;
        ended?;
        self.counted_minute = now.timestamp() / 60;
        self.dirty = true;
        Ok(())
    }

    pub fn resize(&mut self, width: u16, height: u16) -> Result<()> {
        let (width, height) = crate::ui::drawable((width, height));
        let taller = height > self.size.1;
        self.size = (width, height);
        if taller {
            self.reload()?;
        } else {
            for i in 0..self.board.columns.len() {
                self.ensure_window(i)?;
            }
            self.keep_column_visible();
        }
        self.dirty = true;
        Ok(())
    }

    /// Marks the board as the throwaway demo: the title line says so, and the first
    /// message says how to keep one, before anything is saved in it.
    pub fn throwaway_demo(&mut self) {
        self.throwaway = true;
        self.say(strings::THROWAWAY_DEMO);
    }

    /// Moves the pane on screen by `action` (↑↓, PgUp PgDn, Home, End), never past its
    /// last line as last drawn; any other action moves nothing.
    fn scroll_pane(&mut self, action: Action) {
        let page = (self.size.1 / 2).max(1);
        let end = self.scroll_end.get();
        self.scroll = match action {
            Action::Down => self.scroll.saturating_add(1),
            Action::Up => self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll.saturating_add(page),
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::Home => 0,
            Action::End => end,
            _ => return,
        }
        .min(end);
        self.dirty = true;
    }

    /// Whether a form is open with something typed in it, which `q` must not lose.
    pub fn form_typed(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.typed)
    }

    /// The mouse, when it is on: a click selects a card (or, on the overview, its
    /// boundary), a second click on the same card within [`DOUBLE_CLICK`] opens its
    /// detail, the wheel moves through a column or scrolls a pane. `at` is when it
    /// happened. Nothing the keyboard cannot do.
    pub fn handle_mouse(&mut self, event: MouseEvent, at: Instant) -> Result<()> {
        let small = self.size.0 < crate::ui::MIN_WIDTH || self.size.1 < crate::ui::MIN_HEIGHT;
        if small || self.form.is_some() || self.filter_input.is_some() {
            return Ok(());
        }
        let (x, y) = (event.column, event.row);
        match event.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = event.kind == MouseEventKind::ScrollDown;
                if self.screen == Screen::Board
                    && let Some((column, _)) = self.card_at(x, y)
                    && column != self.column
                {
                    self.column = column;
                }
                self.update(if down { Action::Down } else { Action::Up })
            }
            MouseEventKind::Down(MouseButton::Left) if self.screen == Screen::Board => {
                // A click moves the selection as a key does: the status line then
                // shows the selected card's title, not what was said before.
                let overview = self.overview_at(y);
                if overview.is_some() || self.card_at(x, y).is_some() {
                    self.message = None;
                }
                if let Some((column, held)) = overview {
                    // A held item's line selects that item; a boundary's, its first card.
                    match held {
                        Some(item) => self.follow(&item)?,
                        None => {
                            self.column = column;
                            self.rows.insert(self.board.columns[column].kind.clone(), 0);
                            self.ensure_window(column)?;
                            self.keep_column_visible();
                        }
                    }
                    self.last_click = None;
                    self.dirty = true;
                    return Ok(());
                }
                let Some((column, Some(row))) = self.card_at(x, y) else {
                    return Ok(());
                };
                let double = self.last_click.is_some_and(|(when, c, r)| {
                    (c, r) == (column, row) && at.saturating_duration_since(when) <= DOUBLE_CLICK
                });
                self.column = column;
                self.rows
                    .insert(self.board.columns[column].kind.clone(), row);
                self.ensure_window(column)?;
                self.dirty = true;
                if double {
                    self.last_click = None;
                    self.open_detail()
                } else {
                    self.last_click = Some((at, column, row));
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// The column of overview line `y`: the boundary's, or for a held item's line the
    /// lane that holds it, with the item.
    fn overview_at(&self, y: u16) -> Option<(usize, Option<Item>)> {
        let lines = self.overview_lines();
        let line = usize::from(y.checked_sub(1)?);
        match lines.get(line)? {
            OverviewLine::Limbo(column) => Some((*column, None)),
            OverviewLine::Held(at) => {
                let item = self.board.held.get(*at)?;
                let column = self.board.columns.iter().position(
                    |c| matches!(&c.kind, ColumnKind::Lane { team: t } if *t == item.team),
                )?;
                Some((column, Some(item.clone())))
            }
            OverviewLine::More(_) => None,
        }
    }

    /// The column under `(x, y)` on the board, and the row of the card there if any.
    pub fn card_at(&self, x: u16, y: u16) -> Option<(usize, Option<usize>)> {
        let body_top = 1 + self.overview_rows();
        let bottom = self.size.1.saturating_sub(2);
        if y < body_top || y >= bottom {
            return None;
        }
        let mut left = 0u16;
        let (column, _) = self
            .columns_from(self.first_column)
            .into_iter()
            .find(|&(_, w)| {
                left = left.saturating_add(w);
                x < left
            })?;
        let cards_top = body_top + 2;
        let Some(slot) = y
            .checked_sub(cards_top)
            .map(|d| usize::from(d / self.card_rows()))
        else {
            return Some((column, None));
        };
        let row = self.first_card_shown(column) + slot;
        let count = self.board.columns.get(column).map_or(0, |c| c.count);
        Some((
            column,
            (slot < self.visible_rows() && row < count).then_some(row),
        ))
    }

    /// The row of the first card drawn in `column`: the loaded window's start, moved
    /// down when the column's selected row is below what fits.
    pub fn first_card_shown(&self, column: usize) -> usize {
        let Some(c) = self.board.columns.get(column) else {
            return 0;
        };
        let selected = self.rows.get(&c.kind).copied().unwrap_or(0);
        c.window_start
            .max(selected.saturating_sub(self.visible_rows().saturating_sub(1)))
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Result<()> {
        if key.kind != KeyEventKind::Press {
            return Ok(());
        }
        self.dirty = true;
        // Ctrl-C leaves Baton from anywhere: a form, the filter line, triage.
        if action_for(key) == Some(Action::ForceQuit) {
            self.quit = true;
            return Ok(());
        }
        // Behind the "terminal too small" note nothing can be seen, so only q works,
        // and not over a form with something typed in it (Ctrl-C still leaves).
        if self.size.0 < crate::ui::MIN_WIDTH || self.size.1 < crate::ui::MIN_HEIGHT {
            if action_for(key) == Some(Action::Quit) && !self.form_typed() {
                self.quit = true;
            }
            return Ok(());
        }
        if self.form.is_some() {
            return self.form_key(key);
        }
        if let Some(input) = &mut self.filter_input {
            match key.code {
                KeyCode::Esc => self.filter_input = None,
                KeyCode::Enter => {
                    let text = input.clone();
                    self.filter_input = None;
                    self.apply_filter(&text)?;
                }
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.filter_input = None;
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    input.clear();
                }
                KeyCode::Char(c) => input.push(c),
                _ => {}
            }
            return Ok(());
        }
        match action_for(key) {
            Some(action) => self.update(action),
            None => Ok(()),
        }
    }

    pub fn update(&mut self, action: Action) -> Result<()> {
        self.dirty = true;
        // In triage, `q` ends the walk (with its summary), as esc does.
        if action == Action::ForceQuit || (action == Action::Quit && self.screen != Screen::Triage)
        {
            self.quit = true;
            return Ok(());
        }
        match self.screen {
            Screen::Triage => return self.triage_action(action),
            Screen::Help | Screen::Contracts | Screen::Metrics => {
                match action {
                    Action::Back | Action::Help if self.screen != Screen::Metrics => {
                        self.screen = self.return_to
                    }
                    Action::Back | Action::Metrics => {
                        self.screen = Screen::Board;
                        self.metrics = None;
                        self.flow = None;
                    }
                    Action::Help => {
                        self.return_to = Screen::Metrics;
                        self.screen = Screen::Help;
                        self.scroll = 0;
                    }
                    Action::Contracts if self.screen == Screen::Contracts => {
                        self.screen = Screen::Board
                    }
                    other => {
                        self.scroll_pane(other);
                    }
                }
                return Ok(());
            }
            Screen::Detail => match action {
                Action::Back | Action::Detail => {
                    self.screen = Screen::Board;
                    self.detail = None;
                    return Ok(());
                }
                action if action.scrolls() => {
                    self.scroll_pane(action);
                    return Ok(());
                }
                Action::Help => {
                    self.return_to = Screen::Detail;
                    self.screen = Screen::Help;
                    self.scroll = 0;
                    return Ok(());
                }
                // The item's own actions apply to it; the board behind waits.
                Action::Send
                | Action::Accept
                | Action::Bounce
                | Action::Reclaim
                | Action::Escalate
                | Action::Owner
                | Action::Note
                | Action::Done
                | Action::Reopen
                | Action::Drop
                | Action::Flag
                | Action::Edit
                | Action::Merge
                | Action::Dismiss
                | Action::Tick
                | Action::Undo
                | Action::Contracts => {}
                _ => return Ok(()),
            },
            Screen::Board => {}
        }
        // A move has been read: the message line goes back to the selected card's
        // full title.
        let moves = matches!(
            action,
            Action::Left
                | Action::Right
                | Action::FirstColumn
                | Action::LastColumn
                | Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
        );
        if moves && self.screen == Screen::Board {
            self.message = None;
        }
        match action {
            Action::Left => self.move_column(-1)?,
            Action::Right => self.move_column(1)?,
            Action::FirstColumn => {
                self.column = 0;
                self.keep_column_visible();
            }
            Action::LastColumn => {
                self.column = self.board.columns.len().saturating_sub(1);
                self.keep_column_visible();
            }
            Action::Up => self.move_row(-1)?,
            Action::Down => self.move_row(1)?,
            Action::PageUp => self.move_row(-(self.visible_rows() as i64))?,
            Action::PageDown => self.move_row(self.visible_rows() as i64)?,
            Action::Home => self.move_row(i64::MIN / 2)?,
            Action::End => self.move_row(i64::MAX / 2)?,
            Action::Detail => self.open_detail()?,
            Action::Help => {
                self.return_to = Screen::Board;
                self.screen = Screen::Help;
                self.scroll = 0;
            }
            Action::Triage => self.start_triage(false)?,
            Action::TriageByTeam => self.start_triage(true)?,
            Action::Metrics => {
                self.refresh_metrics()?;
                self.screen = Screen::Metrics;
                self.scroll = 0;
            }
            Action::Skip
            | Action::Snooze
            | Action::SnoozeUntil
            | Action::WriteSummary
            | Action::SaveSnapshot => {
                self.fail(strings::TRIAGE_KEY_ON_BOARD);
            }
            Action::Contracts => {
                self.return_to = Screen::Board;
                self.screen = Screen::Contracts;
                self.scroll = 0;
            }
            Action::Back => {
                if !self.filter_text.is_empty() {
                    self.apply_filter("")?;
                } else {
                    self.message = None;
                }
            }
            Action::Filter => self.filter_input = Some(self.filter_text.clone()),
            Action::ClearFilter => self.apply_filter("")?,
            Action::ToggleBoundariesOnly => {
                self.query.boundaries_only = !self.query.boundaries_only;
                self.say(if self.query.boundaries_only {
                    strings::SHOWING_BOUNDARIES
                } else {
                    strings::SHOWING_ALL
                });
                self.reload()?;
            }
            Action::CollapseLanes => {
                self.collapsed_lanes = !self.collapsed_lanes;
                self.keep_column_visible();
                self.say(if self.collapsed_lanes {
                    strings::LANES_COLLAPSED
                } else {
                    strings::LANES_FULL
                });
            }
            Action::ToggleClosed => {
                self.query.show_closed = !self.query.show_closed;
                self.reload()?;
                if self.query.show_closed {
                    self.column = self.board.columns.len().saturating_sub(1);
                    self.keep_column_visible();
                }
            }
            Action::MoveColumnLeft => self.shift_column(-1)?,
            Action::MoveColumnRight => self.shift_column(1)?,
            Action::Undo => self.undo()?,
            Action::NewItem => {
                let team = match self.board.columns.get(self.column).map(|c| &c.kind) {
                    Some(ColumnKind::Lane { team }) => Some(team.clone()),
                    Some(ColumnKind::Limbo { to, .. }) => Some(to.clone()),
                    _ => None,
                };
                match team {
                    Some(team) => self.show_form(Form::new_item(&team)),
                    None => self.fail(strings::NEW_ITEM_NEEDS_LANE),
                }
            }
            Action::Send => self.open_form(FormKind::Send)?,
            Action::Accept => self.open_form(FormKind::Accept)?,
            Action::Bounce => self.open_form(FormKind::Bounce)?,
            Action::Reclaim => self.open_form(FormKind::Reclaim)?,
            Action::Escalate => self.open_form(FormKind::Escalate)?,
            Action::Owner => self.open_form(FormKind::Owner)?,
            Action::Note => self.open_form(FormKind::Note)?,
            Action::Done => self.open_form(FormKind::Done)?,
            Action::Reopen => self.open_form(FormKind::Reopen)?,
            Action::Drop => self.open_form(FormKind::Drop)?,
            Action::Flag => self.open_form(FormKind::Flag)?,
            Action::Edit => self.open_form(FormKind::Edit)?,
            Action::Merge => self.open_merge()?,
            Action::Tick => self.open_form(FormKind::Tick)?,
            Action::Dismiss => self.open_dismiss()?,
            Action::Quit | Action::ForceQuit => self.quit = true,
        }
        Ok(())
    }

    /// Shows an error from the store on the board instead of closing it.
    pub fn report(&mut self, error: &crate::storage::StoreError) {
        let text = error.to_string();
        if text.contains("nothing was") || text.contains("not confirmed") {
            self.fail(&text);
        } else {
            self.fail(&format!("{text}; nothing was changed"));
        }
        self.dirty = true;
    }

    fn show_form(&mut self, mut form: Form) {
        form.zone = self.zone;
        self.form = Some(form);
    }

    fn say(&mut self, text: &str) {
        self.message = Some(Message {
            text: text.to_string(),
            error: false,
        });
    }

    fn fail(&mut self, text: &str) {
        self.message = Some(Message {
            text: text.to_string(),
            error: true,
        });
    }

    /// The item an action applies to: the detail pane's, or the selected card.
    fn target(&self) -> Option<&Item> {
        match (&self.screen, &self.detail) {
            (Screen::Detail, Some(d)) => Some(&d.item),
            (Screen::Triage, _) => self
                .triage
                .as_ref()
                .and_then(|t| t.current.as_ref())
                .map(|c| &c.item),
            _ => self.selected(),
        }
    }

    fn open_form(&mut self, kind: FormKind) -> Result<()> {
        let Some(item) = self.target().cloned() else {
            self.fail(strings::NO_CARD_SELECTED);
            return Ok(());
        };
        // Say at once what the rules will refuse, instead of after typing a reason.
        let action = match kind {
            FormKind::Send => Some(Move::Send),
            FormKind::Accept => Some(Move::Accept),
            FormKind::Bounce => Some(Move::Bounce),
            FormKind::Reclaim => Some(Move::Reclaim),
            FormKind::Done => Some(Move::Done),
            FormKind::Reopen => Some(Move::Reopen),
            FormKind::Escalate => Some(Move::Escalate),
            FormKind::Owner => Some(Move::Owner),
            FormKind::Drop => Some(Move::Drop),
            FormKind::Merge => Some(Move::Merge),
            FormKind::Dismiss => Some(Move::Dismiss),
            FormKind::Tick => Some(Move::Tick),
            FormKind::Snooze => Some(Move::Snooze),
            FormKind::NewItem
            | FormKind::Note
            | FormKind::Flag
            | FormKind::Edit
            | FormKind::SaveSummary => None,
        };
        if let Some(Err(refusal)) = action.map(|a| permits(&item, a)) {
            self.fail(&short_refusal(&refusal));
            return Ok(());
        }
        match Form::for_item(kind, &item, &self.board.org, self.zone) {
            Ok(form) => {
                self.show_form(form);
                let now = self.now();
                if let Some(form) = &mut self.form {
                    form.check_late(&self.board.org, now);
                }
            }
            Err(why) => self.fail(&why),
        }
        Ok(())
    }

    fn form_key(&mut self, key: KeyEvent) -> Result<()> {
        // The people a person field completes from are read at its first key, not when
        // the form opens: reading them scans every item, and most forms never need them.
        if let Some(form) = &mut self.form
            && form.people.is_empty()
            && form.names_people()
            && key.code != KeyCode::Enter
            && key.code != KeyCode::Esc
        {
            if self.people.is_none() {
                match self.store.known_people() {
                    Ok(people) => self.people = Some(people),
                    // Completion is a help: without it the field still takes a name.
                    Err(e) => form.error = Some(e.to_string()),
                }
            }
            if let Some(people) = &self.people {
                form.people = people.clone();
            }
        }
        let Some(form) = &mut self.form else {
            return Ok(());
        };
        let outcome = form.handle_key(key, &self.board.org);
        form.check_late(&self.board.org, self.clock.now());
        match outcome {
            FormOutcome::Editing => {}
            FormOutcome::Cancel => self.form = None,
            FormOutcome::SaveTo(file)
                if form.confirm_again.as_deref() != Some(file.as_str())
                    && std::path::Path::new(&file).exists() =>
            {
                form.error = Some(format!("{file} {}", strings::CONFIRM_OVERWRITE));
                form.confirm_again = Some(file);
            }
            FormOutcome::SaveTo(file) => match self.save_summary(&file) {
                Ok(()) => self.form = None,
                Err(e) => {
                    if let Some(form) = &mut self.form {
                        form.error = Some(format!("{e:#}"));
                    }
                }
            },
            FormOutcome::SubmitPair(other, pair) => {
                let Some(id) = form.item else {
                    return Ok(());
                };
                // A merge closes the item: the first Enter names the item it goes into
                // (or why it cannot), the second merges.
                let key = format!("merge into {other}");
                if matches!(pair, Pair::Merge { .. })
                    && form.confirm_again.as_deref() != Some(key.as_str())
                {
                    let checked = self.store.item(id).and_then(|item| {
                        let into = self.store.item(other)?;
                        crate::domain::rules::decide_pair(
                            &item,
                            &into,
                            &self.board.org,
                            pair.clone(),
                            self.clock.now(),
                            &self.actor,
                        )?;
                        Ok(into)
                    });
                    let Some(form) = &mut self.form else {
                        return Ok(());
                    };
                    match checked {
                        Ok(into) => {
                            form.error = Some(format!(
                                "{} #{other} “{}”, held by {}? {}",
                                strings::CONFIRM_MERGE,
                                crate::domain::text::display_safe(&into.title),
                                crate::domain::text::display_safe(&into.team),
                                strings::CONFIRM_AGAIN
                            ));
                            form.confirm_again = Some(key);
                        }
                        Err(refusal) => {
                            form.confirm_again = None;
                            form.refused(&refusal);
                        }
                    }
                    return Ok(());
                }
                match self.run_pair(id, other, pair) {
                    Ok(line) => {
                        self.form = None;
                        if self.screen == Screen::Triage {
                            self.triage_decided(id, &line)?;
                        }
                    }
                    Err(refusal) => {
                        if let Some(form) = &mut self.form {
                            form.refused(&refusal);
                        }
                    }
                }
            }
            FormOutcome::Submit(command) => {
                let id = form.item;
                match self.run(id, command) {
                    Ok(()) => {
                        self.form = None;
                        if let (Some(id), Screen::Triage) = (id, self.screen) {
                            let line = self.last_line();
                            self.triage_decided(id, &line)?;
                        }
                    }
                    Err(refusal) => {
                        if let Some(form) = &mut self.form {
                            form.refused(&refusal);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// How far back the metrics screen looks.
    pub const METRICS_DAYS: i64 = 28;

    fn refresh_metrics(&mut self) -> Result<()> {
        let now = self.now();
        let period = Period::to_now(
            now.checked_sub_signed(chrono::Duration::days(Self::METRICS_DAYS)),
            now,
        );
        let flow = match self.flow.take() {
            None => self.store.flow_histories()?,
            Some(mut flow) => {
                let lengths = self.store.history_lengths()?;
                if append_new_events(&self.store, &mut flow, &lengths)? {
                    flow
                } else {
                    self.store.flow_histories()?
                }
            }
        };
        self.metrics = Some(crate::domain::metrics::compute(
            &flow,
            &self.board.org,
            period,
            &self.zone,
        ));
        self.flow = Some(flow);
        Ok(())
    }

    /// [`App::refresh_metrics`] after changes made here to the items `changed` alone:
    /// only their new events are read.
    fn refresh_metrics_of(&mut self, changed: &[ItemId]) -> Result<()> {
        if let Some(flow) = &mut self.flow {
            let mut lengths = Vec::with_capacity(changed.len());
            for id in changed {
                lengths.push((*id, self.store.item(*id)?.events));
            }
            if !append_new_events(&self.store, flow, &lengths)? {
                self.flow = None;
            }
        }
        self.refresh_metrics()
    }

    fn start_triage(&mut self, by_team: bool) -> Result<()> {
        let filter = &self.query.filter;
        let filtered = filter.team.is_some()
            || filter.owner.is_some()
            || filter.owners.is_some()
            || filter.tag.is_some()
            || filter.text.is_some()
            || filter.ids.is_some();
        // Team by team, the board from right to left: the lanes' order, reversed.
        let teams = by_team.then(|| {
            let mut lanes: Vec<String> = self
                .board
                .columns
                .iter()
                .filter_map(|c| match &c.kind {
                    ColumnKind::Lane { team } => Some(team.clone()),
                    _ => None,
                })
                .collect();
            for team in &self.board.org.teams {
                if !lanes.contains(&team.key) {
                    lanes.push(team.key.clone());
                }
            }
            lanes.reverse();
            lanes
        });
        let walk = Walk {
            filter: filtered.then(|| filter.clone()),
            teams,
        };
        let triage = Triage::start(&self.store, self.now(), walk, self.zone)?;
        if triage.finished {
            self.say(strings::QUEUE_EMPTY);
            return Ok(());
        }
        self.triage = Some(triage);
        self.screen = Screen::Triage;
        self.message = None;
        self.scroll = 0;
        Ok(())
    }

    /// The history line of the last change made here.
    fn last_line(&self) -> String {
        self.last_change
            .as_ref()
            .map(|(_, _, line)| line.clone())
            .unwrap_or_default()
    }

    /// The dismiss form for the item acted on, offering the signals it raises.
    fn open_dismiss(&mut self) -> Result<()> {
        let Some(item) = self.target().cloned() else {
            self.fail(strings::NO_CARD_SELECTED);
            return Ok(());
        };
        if let Err(refusal) = permits(&item, Move::Dismiss) {
            self.fail(&short_refusal(&refusal));
            return Ok(());
        }
        let (raised, like) = match (&self.screen, &self.triage) {
            (Screen::Triage, Some(t)) => t
                .current
                .as_ref()
                .map(|c| (c.signals.clone(), c.like))
                .unwrap_or_default(),
            _ => {
                let like = self.board.duplicate_of(item.id);
                let other = like.and_then(|id| self.store.item(id).ok());
                (
                    signals(
                        &item,
                        &self.board.org,
                        self.now(),
                        other.as_ref(),
                        &self.zone,
                    ),
                    like,
                )
            }
        };
        match Form::dismiss(&item, &raised, like) {
            Ok(form) => self.show_form(form),
            Err(why) => self.fail(&why),
        }
        Ok(())
    }

    /// Runs a decision about two items; returns the first item's line of history.
    pub fn run_pair(
        &mut self,
        id: ItemId,
        other: ItemId,
        pair: Pair,
    ) -> std::result::Result<String, crate::storage::StoreError> {
        let before: Vec<Item> = [id, other]
            .iter()
            .filter_map(|id| self.store.item(*id).ok())
            .collect();
        let decided =
            self.store
                .execute_pair(id, other, pair, When::Now(self.clock), &self.actor)?;
        let mut changes = Vec::new();
        for (event, item) in &decided {
            let events = self.store.events(item.id)?;
            let line = narrate(&events, &self.zone)
                .last()
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            changes.push(Change {
                id: item.id,
                seq: event.seq,
                line,
            });
        }
        let line = changes.first().map(|c| c.line.clone()).unwrap_or_default();
        self.say(&format!("#{id} {line}"));
        self.last_change = changes.first().map(|c| (c.id, c.seq, c.line.clone()));
        if self.screen == Screen::Triage
            && let Some(triage) = &mut self.triage
        {
            triage.changes.push(changes);
        } else {
            self.undo_stack.push(changes);
            let changed: Vec<(Option<Item>, Item)> = decided
                .into_iter()
                .map(|(_, after)| {
                    let was = before.iter().find(|b| b.id == after.id).cloned();
                    (was, after)
                })
                .collect();
            self.refresh_changed(&changed)?;
        }
        Ok(line)
    }

    /// Takes back the walk's newest change (both sides of a decision about two items).
    fn undo_in_triage(&mut self) -> Result<()> {
        let Some(changes) = self.triage.as_mut().and_then(|t| t.changes.pop()) else {
            self.fail(strings::NOTHING_TO_UNDO_IN_TRIAGE);
            return Ok(());
        };
        // The second item's side first: the first's is what the walk recorded.
        for change in changes.iter().rev() {
            if let Err(e) =
                self.store
                    .undo(change.id, change.seq, When::Now(self.clock), &self.actor)
            {
                self.fail(&e.to_string());
                self.reload()?;
                self.refresh_triage()?;
                return Ok(());
            }
        }
        let undone: Vec<String> = changes
            .iter()
            .map(|c| format!("#{} “{}”", c.id, c.line))
            .collect();
        let left = self.triage.as_ref().map_or(0, |t| t.changes.len());
        self.say(&format!(
            "undid {} ({left} more to undo)",
            undone.join(", ")
        ));
        let now = self.now();
        if let (Some(triage), Some(first)) = (&mut self.triage, changes.first()) {
            triage.undecided(first.id, &first.line);
            triage.finished = false;
            triage.ended = None;
            triage.current = None;
            let ids: Vec<ItemId> = changes.iter().map(|c| c.id).collect();
            triage.refresh_items(&self.store, now, &ids)?;
        }
        Ok(())
    }

    /// Refreshes the walk's queue from the whole board, while a walk is on.
    fn refresh_triage(&mut self) -> Result<()> {
        let now = self.now();
        if let Some(triage) = &mut self.triage
            && !triage.finished
        {
            triage.refresh(&self.store, now)?;
        }
        Ok(())
    }

    fn triage_decided(&mut self, id: ItemId, decision: &str) -> Result<()> {
        let now = self.now();
        if let Some(triage) = &mut self.triage {
            // The items the decision changed: its own, and the other side of a pair.
            let mut changed: Vec<ItemId> = triage
                .changes
                .last()
                .map(|c| c.iter().map(|c| c.id).collect())
                .unwrap_or_default();
            if !changed.contains(&id) {
                changed.push(id);
            }
            triage.decided(&self.store, now, id, decision, &changed)?;
        }
        Ok(())
    }

    /// Keys in triage: one per decision, each recorded through the domain rules.
    fn triage_action(&mut self, action: Action) -> Result<()> {
        let now = self.now();
        let Some(triage) = &mut self.triage else {
            self.screen = Screen::Board;
            return Ok(());
        };
        if triage.finished {
            match action {
                Action::SaveSnapshot => {
                    if let Some((id, label, content)) = &triage.saved
                        && *content == triage.summary_content()
                    {
                        let text = format!("this standup is saved: snapshot {id} “{label}”");
                        self.say(&text);
                        return Ok(());
                    }
                    let label = crate::export::standup::label(triage.started, &self.zone);
                    let mut snap =
                        self.store
                            .take_snapshot(&label, Period::to_now(None, now), &self.zone)?;
                    snap.standup = Some(triage.record(now));
                    let content = triage.summary_content();
                    let (id, label) = self.store.save_snapshot(snap, LabelInUse::Numbered)?;
                    triage.saved = Some((id, label.clone(), content));
                    if self.throwaway {
                        // Short enough for 80 columns; the first message said the rest.
                        self.say(&format!(
                            "snapshot {id} saved in the throwaway demo: gone on quit (--db FILE keeps one)"
                        ));
                    } else {
                        self.say(&format!(
                            "saved snapshot {id} “{label}”; compare later with baton snapshot diff {id}"
                        ));
                    }
                }
                Action::WriteSummary => {
                    let file = format!(
                        "{}.md",
                        crate::export::standup::label(triage.started, &self.zone)
                    )
                    .replace(' ', "-");
                    let form = Form::save_summary(&file);
                    self.show_form(form);
                }
                Action::Left => {
                    if !triage.back(&self.store, now)? {
                        self.fail(strings::NOTHING_TO_GO_BACK_TO);
                    }
                    self.scroll = 0;
                }
                action if action.scrolls() => {
                    self.scroll_pane(action);
                }
                Action::Help => {
                    self.return_to = Screen::Triage;
                    self.screen = Screen::Help;
                    self.scroll = 0;
                }
                Action::Undo => self.undo_in_triage()?,
                Action::Back | Action::Quit => {
                    self.triage = None;
                    self.screen = Screen::Board;
                    // A refusal said in the walk is not the board's.
                    if self.message.as_ref().is_some_and(|m| m.error) {
                        self.message = None;
                    }
                    self.reload()?;
                }
                _ => {}
            }
            return Ok(());
        }
        let current = triage.current.as_ref().map(|c| c.item.clone());
        let on = current.as_ref().map(|i| i.id);
        // Moving on without a decision: what was said about the last item goes.
        if matches!(action, Action::Skip | Action::Right | Action::Left) {
            self.message = None;
        }
        match action {
            Action::Skip | Action::Right => triage.skip(&self.store, now)?,
            Action::Left => {
                if !triage.back(&self.store, now)? {
                    self.fail(strings::FIRST_ITEM);
                }
            }
            // The item pane scrolls when it does not fit (80×24).
            action if action.scrolls() => {
                self.scroll_pane(action);
            }
            Action::Back | Action::Quit => triage.end(&self.store, now)?,
            Action::Undo => self.undo_in_triage()?,
            Action::Accept => {
                if let Some(item) = current {
                    let next_owner = item
                        .boundary()
                        .and_then(|(f, t)| next_owner(&self.board.org, f, t));
                    if let Err(refusal) = permits(&item, Move::Accept) {
                        self.fail(&short_refusal(&refusal));
                    } else if next_owner.is_none() {
                        // The contract names nobody: ask who takes it, rather than
                        // accepting it into the no-owner signal.
                        self.open_form(FormKind::Accept)?;
                    } else {
                        // One key: the owner is the contract's next owner, as on the CLI.
                        // The rules may still refuse (the item moved meanwhile): say so,
                        // don't end the board with an error.
                        match self.run(Some(item.id), Command::Accept { owner: None }) {
                            Ok(()) => {
                                let line = self.last_line();
                                self.triage_decided(item.id, &line)?;
                            }
                            Err(e) => self.fail(&e.to_string()),
                        }
                    }
                }
            }
            Action::Snooze => {
                if let Some(item) = current {
                    let until = crate::domain::attention::next_standup(now, &self.zone);
                    match self.run(Some(item.id), Command::Snooze(until)) {
                        Ok(()) => {
                            let line = self.last_line();
                            self.triage_decided(item.id, &line)?;
                        }
                        Err(e) => self.fail(&e.to_string()),
                    }
                }
            }
            Action::Bounce => self.open_form(FormKind::Bounce)?,
            Action::Owner => self.open_form(FormKind::Owner)?,
            Action::Escalate => self.open_form(FormKind::Escalate)?,
            Action::Note => self.open_form(FormKind::Note)?,
            Action::Reclaim => self.open_form(FormKind::Reclaim)?,
            Action::Done => self.open_form(FormKind::Done)?,
            Action::Drop => self.open_form(FormKind::Drop)?,
            Action::Flag => self.open_form(FormKind::Flag)?,
            Action::Edit => {
                // `E due` in triage: the edit form, on its due date.
                self.open_form(FormKind::Edit)?;
                if let Some(form) = &mut self.form
                    && let Some(due) = form.fields.iter().position(|f| {
                        matches!(f, crate::tui::form::Field::Text { label, .. } if *label == "Due")
                    })
                {
                    form.focus = due;
                }
            }
            Action::Merge => self.open_merge()?,
            Action::Dismiss => self.open_dismiss()?,
            Action::Tick => self.open_form(FormKind::Tick)?,
            Action::SnoozeUntil => {
                if let Some(item) = current {
                    if let Err(refusal) = permits(&item, Move::Snooze) {
                        self.fail(&short_refusal(&refusal));
                    } else if let Some(refusal) =
                        crate::domain::rules::snooze_refused(&item, &self.board.org, now)
                    {
                        self.fail(&refusal.to_string());
                    } else {
                        let until = crate::domain::attention::next_standup(now, &self.zone);
                        let shown = self.zone.show(until);
                        self.show_form(Form::snooze(&item, &shown));
                    }
                }
            }
            Action::Help => {
                self.return_to = Screen::Triage;
                self.screen = Screen::Help;
                self.scroll = 0;
            }
            _ => self.fail(&format!("in triage: {}", strings::TRIAGE_KEYS)),
        }
        let now_on = self
            .triage
            .as_ref()
            .and_then(|t| t.current.as_ref())
            .map(|c| c.item.id);
        if now_on != on {
            self.scroll = 0;
        }
        Ok(())
    }

    fn save_summary(&mut self, file: &str) -> anyhow::Result<()> {
        let Some(triage) = &self.triage else {
            return Ok(());
        };
        if file.is_empty() {
            anyhow::bail!(strings::SUMMARY_NEEDS_FILE);
        }
        let text = crate::export::standup::markdown(
            &triage.decisions,
            &triage.not_reached(),
            triage.started,
            triage.elapsed(self.now()),
            &self.zone,
        );
        crate::context::write_atomically(std::path::Path::new(file), text.as_bytes())?;
        self.say(&format!("standup summary written to {file}"));
        Ok(())
    }

    /// Runs one command through the store, then follows the item to where it went.
    pub fn run(&mut self, id: Option<ItemId>, command: Command) -> Result<()> {
        // The item as it was tells which places on the board the change touches.
        let (before, event, item) =
            self.store
                .execute_from(id, command, When::Now(self.clock), &self.actor)?;
        let line = match describe_latest(before.as_ref(), &event, &self.zone) {
            Some(line) => line,
            None => narrate(&self.store.events(item.id)?, &self.zone)
                .last()
                .map(|(_, l)| l.clone())
                .unwrap_or_default(),
        };
        // A creation is not undone (the rules keep every item's first event): it is not
        // offered, nor kept for `u`. `u` is a board key, refused in triage: the message
        // there does not offer it either.
        let undoable = before.is_some();
        if self.screen == Screen::Triage || !undoable {
            self.say(&format!("#{} {line}", item.id));
        } else {
            self.say(&format!("#{} {line}  (u undoes)", item.id));
        }
        let change = Change {
            id: item.id,
            seq: event.seq,
            line: line.clone(),
        };
        match &mut self.triage {
            _ if !undoable => {}
            Some(triage) if self.screen == Screen::Triage => triage.changes.push(vec![change]),
            _ => self.undo_stack.push(vec![change]),
        }
        self.last_change = Some((item.id, event.seq, line));
        // In triage the board waits behind the walk, and is loaded when the walk ends.
        if self.screen != Screen::Triage {
            self.refresh_and_follow(before, &item)?;
        }
        Ok(())
    }

    /// The board after a change here to `item` (see [`App::refresh_changed`]), with the
    /// selection following the item; all of it read at one moment (one read
    /// transaction: on a shared board, one round trip per query and none to begin and
    /// end each).
    fn refresh_and_follow(&mut self, before: Option<Item>, item: &Item) -> Result<()> {
        self.store.begin_view()?;
        let shown = self
            .refresh_changed(&[(before, item.clone())])
            .and_then(|()| self.follow(item));
        let ended = self.store.end_view();
        shown?;
        ended
    }

    /// The board after changes made here to the items `changed` (each as it was, if
    /// it existed, and as it is): only the places they left and entered are read again
    /// ([`Board::refresh_places`]). The whole board is reloaded instead when another
    /// process changed the database since it was last read, or when the filter names
    /// a signal or a person (what matches those can change with any item).
    pub fn refresh_changed(&mut self, changed: &[(Option<Item>, Item)]) -> Result<()> {
        if self.filter_signal.is_some()
            || self.filter_owner.is_some()
            || self.store.data_version()? != self.data_version
        {
            return self.reload();
        }
        self.store.begin_view()?;
        let refreshed = self.refresh_changed_in_view(changed);
        let ended = self.store.end_view();
        refreshed?;
        ended
    }

    fn refresh_changed_in_view(&mut self, changed: &[(Option<Item>, Item)]) -> Result<()> {
        self.keep_people(changed)?;
        let rows = self.visible_rows();
        let starts = self.window_starts(rows);
        let previous = self.board.columns.get(self.column).map(|c| c.kind.clone());
        let selected = self.selected().cloned();
        let now = self.now();
        self.board
            .refresh_places(&self.store, &self.query, now, changed, &starts, rows)?;
        self.settle_selection(previous, selected)?;
        if self.detail.is_some() {
            self.refresh_detail()?;
        }
        if self.screen == Screen::Metrics {
            let ids: Vec<ItemId> = changed.iter().map(|(_, after)| after.id).collect();
            self.refresh_metrics_of(&ids)?;
        }
        self.keep_column_visible();
        self.dirty = true;
        Ok(())
    }

    /// The known people after the writes `changed`, as [`Store::known_people`] would
    /// give them: a name new to the items is added in its place; a name an item no
    /// longer gives, or one differing only in case from a known one, has the list read
    /// again when next needed (which spelling is kept depends on all the items).
    fn keep_people(&mut self, changed: &[(Option<Item>, Item)]) -> Result<()> {
        let names = |item: &Item| -> Vec<String> {
            [
                item.owner.clone(),
                item.escalation.as_ref().and_then(|e| e.to.clone()),
            ]
            .into_iter()
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect()
        };
        for (before, after) in changed {
            let Some(people) = &mut self.people else {
                return Ok(());
            };
            let now = names(after);
            for name in &now {
                let lower = name.to_lowercase();
                match people.binary_search_by(|p| p.to_lowercase().cmp(&lower)) {
                    Ok(at) if &people[at] == name => {}
                    Ok(_) => {
                        self.people = None;
                        return Ok(());
                    }
                    Err(at) => people.insert(at, name.clone()),
                }
            }
            for name in before.iter().flat_map(names) {
                if !now.contains(&name) && !self.store.names_person(&name)? {
                    self.people = None;
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Where each column's window starts at `rows` cards a column ([`window_start`]).
    fn window_starts(&self, rows: usize) -> HashMap<ColumnKind, usize> {
        self.board
            .columns
            .iter()
            .map(|c| {
                let row = self.rows.get(&c.kind).copied().unwrap_or(0);
                (
                    c.kind.clone(),
                    window_start(c.window_start, row, rows, c.count),
                )
            })
            .collect()
    }

    /// After the columns changed: the selected column is the one it was (by kind),
    /// and every column's selected row is within its cards and loaded. `selected` is
    /// the card that was selected, kept selected when still in its column.
    fn settle_selection(
        &mut self,
        previous: Option<ColumnKind>,
        selected: Option<Item>,
    ) -> Result<()> {
        // Keep the selection on the same card when it is still in its column (another
        // process may have moved the cards above it).
        if let (Some(kind), Some(item)) = (&previous, &selected)
            && let Some(column) = self.board.columns.iter().find(|c| &c.kind == kind)
            && let Some(row) = self
                .store
                .position(&column.kind.filter(&self.query.filter), item.id)?
        {
            self.rows.insert(kind.clone(), row);
        }
        if let Some(kind) = previous
            && let Some(i) = self.board.columns.iter().position(|c| c.kind == kind)
        {
            self.column = i;
        }
        self.column = self.column.min(self.board.columns.len().saturating_sub(1));
        for column in &self.board.columns {
            if let Some(row) = self.rows.get_mut(&column.kind) {
                *row = (*row).min(column.count.saturating_sub(1));
            }
        }
        for i in 0..self.board.columns.len() {
            self.ensure_window(i)?;
        }
        Ok(())
    }

    /// The merge form, offering the item this one's title is like.
    fn open_merge(&mut self) -> Result<()> {
        self.open_form(FormKind::Merge)?;
        // The item whose title it is like, in triage and on the board alike.
        let like = match (&self.screen, &self.triage) {
            (Screen::Triage, Some(t)) => t.current.as_ref().and_then(|c| c.like),
            _ => self
                .target()
                .and_then(|item| self.board.duplicate_of(item.id)),
        };
        if let (Some(form), Some(like)) = (&mut self.form, like) {
            for field in &mut form.fields {
                if let crate::tui::form::Field::Text { label, value, .. } = field
                    && *label == "Into"
                {
                    *value = like.to_string();
                }
            }
        }
        Ok(())
    }

    fn undo(&mut self) -> Result<()> {
        let Some(changes) = self.undo_stack.pop() else {
            self.fail(strings::NOTHING_TO_UNDO);
            return Ok(());
        };
        self.last_change = None;
        // The second item's side first, as they were made the other way round.
        let mut undone = Vec::new();
        for change in changes.iter().rev() {
            let before = self.store.item(change.id).ok();
            match self
                .store
                .undo(change.id, change.seq, When::Now(self.clock), &self.actor)
            {
                Ok((_, item)) => undone.push((before, item)),
                Err(e) => {
                    self.fail(&e.to_string());
                    return self.reload();
                }
            }
        }
        let said: Vec<String> = changes
            .iter()
            .map(|c| format!("#{}: undid “{}”", c.id, c.line))
            .collect();
        let left = match self.undo_stack.len() {
            0 => strings::NOTHING_MORE_TO_UNDO.to_string(),
            n => format!("{n} more to undo"),
        };
        self.say(&format!("{} ({left})", said.join("; ")));
        match undone.as_slice() {
            [(before, item)] => self.refresh_and_follow(before.clone(), &item.clone())?,
            _ => {
                self.reload()?;
                if let Some((_, item)) = undone.last() {
                    self.follow(&item.clone())?;
                }
            }
        }
        Ok(())
    }

    /// Selects `item` wherever it now sits on the board.
    fn follow(&mut self, item: &Item) -> Result<()> {
        if let Some((column, row)) = self.board.locate(&self.store, &self.query, item)? {
            self.column = column;
            let kind = self.board.columns[column].kind.clone();
            self.rows.insert(kind, row);
            self.board.hold(column, row, item);
            self.ensure_window(column)?;
            self.keep_column_visible();
        }
        Ok(())
    }

    fn open_detail(&mut self) -> Result<()> {
        if self.selected().is_none() {
            self.fail(strings::NO_ITEM_SELECTED);
            return Ok(());
        }
        self.screen = Screen::Detail;
        self.scroll = 0;
        // A pane left through help or the contracts still holds its item; open the
        // selected card, not that one.
        self.detail = None;
        self.refresh_detail()
    }

    fn refresh_detail(&mut self) -> Result<()> {
        let id = match (&self.detail, self.selected()) {
            (Some(d), _) => d.item.id,
            (None, Some(item)) => item.id,
            (None, None) => return Ok(()),
        };
        let item = self.store.item(id)?;
        let events = self.store.events(id)?;
        let like = match self.board.duplicate_of(id) {
            Some(other) => Some(self.store.item(other)?),
            None => None,
        };
        let signals = if item.state.is_open() {
            signals(
                &item,
                &self.board.org,
                self.now(),
                like.as_ref(),
                &self.zone,
            )
        } else {
            Vec::new()
        };
        self.detail = Some(Detail {
            item,
            events,
            signals,
        });
        Ok(())
    }

    /// Applies a filter line (see [`parse_filter`]); a bad one leaves the last in place.
    pub fn apply_filter(&mut self, text: &str) -> Result<()> {
        let filter = match parse_filter(text) {
            Ok(filter) => filter,
            Err(refusal) => {
                self.fail(&refusal.to_string());
                return Ok(());
            }
        };
        // A team the board does not have is a typo, said as a bad signal code is.
        if let Some(Err(unknown)) = filter
            .team
            .as_deref()
            .map(|t| self.board.org.require_team(t))
        {
            self.fail(&unknown.to_string());
            return Ok(());
        }
        let selected = self.selected().cloned();
        self.query.filter = filter.items();
        self.filter_signal = filter.signal;
        self.filter_owner = filter.owner.clone();
        self.filter_text = text.trim().to_string();
        self.query.hide_empty = !self.filter_text.is_empty();
        self.rows.clear();
        self.first_column = 0;
        self.reload()?;
        match (self.filter_text.is_empty(), selected) {
            // A cleared filter leaves the card that was selected selected, where it is
            // among all the others.
            (true, Some(item)) => self.follow(&item)?,
            // A filter selects its first match: the first column with a card.
            _ => {
                if let Some(i) = self.board.columns.iter().position(|c| c.count > 0) {
                    self.column = i;
                    self.keep_column_visible();
                }
            }
        }
        if self.filter_text.is_empty() {
            self.say(strings::FILTER_CLEARED);
        } else {
            let shown = self.board.totals.open;
            let hidden = self.board.hidden;
            let (items, verb) = if shown == 1 {
                ("item", "matches")
            } else {
                ("items", "match")
            };
            self.say(&format!(
                "{shown} open {items} {verb}; {hidden} empty columns hidden; esc clears the filter"
            ));
        }
        Ok(())
    }

    fn move_column(&mut self, by: i64) -> Result<()> {
        let last = self.board.columns.len().saturating_sub(1) as i64;
        self.column = (self.column as i64 + by).clamp(0, last) as usize;
        self.keep_column_visible();
        Ok(())
    }

    fn move_row(&mut self, by: i64) -> Result<()> {
        let Some(column) = self.board.columns.get(self.column) else {
            return Ok(());
        };
        let count = column.count as i64;
        let kind = column.kind.clone();
        let current = self.rows.get(&kind).copied().unwrap_or(0) as i64;
        let row = (current.saturating_add(by)).clamp(0, (count - 1).max(0)) as usize;
        self.rows.insert(kind, row);
        self.ensure_window(self.column)
    }

    /// Reads the column's window again when it is not where [`window_start`] puts it,
    /// or not as long as the column's cards from there fill (the overview's height
    /// moved, the selection left it, cards came or went).
    fn ensure_window(&mut self, column: usize) -> Result<()> {
        let rows = self.visible_rows();
        let Some(col) = self.board.columns.get(column) else {
            return Ok(());
        };
        let row = self.rows.get(&col.kind).copied().unwrap_or(0);
        let start = window_start(col.window_start, row, rows, col.count);
        let len = rows.min(col.count.saturating_sub(start));
        if col.count > 0 && (start != col.window_start || col.cards.len() != len) {
            self.board
                .load_window(&self.store, &self.query, column, start, rows)?;
        }
        Ok(())
    }

    fn keep_column_visible(&mut self) {
        let len = self.board.columns.len();
        self.first_column = self.first_column.min(len.saturating_sub(1));
        if self.column < self.first_column {
            self.first_column = self.column;
        }
        while self.first_column < self.column
            && self.columns_from(self.first_column).last().map(|(i, _)| *i) < Some(self.column)
        {
            self.first_column += 1;
        }
        // Use the room at the right end rather than leave it empty.
        while self.first_column > 0
            && self
                .columns_from(self.first_column - 1)
                .last()
                .is_some_and(|(i, _)| *i + 1 == len)
        {
            self.first_column -= 1;
        }
    }

    /// Moves the selected column left or right and saves the order.
    fn shift_column(&mut self, by: i64) -> Result<()> {
        let len = self.board.columns.len() as i64;
        let to = self.column as i64 + by;
        // Hidden columns (boundaries only, or emptied by a filter) would lose their place.
        let partial = self.query.boundaries_only || self.board.hidden > 0;
        if to < 0 || to >= len || partial {
            if partial {
                self.fail(strings::REORDER_IN_FULL_VIEW);
            }
            return Ok(());
        }
        let to = to as usize;
        if matches!(self.board.columns[self.column].kind, ColumnKind::Closed)
            || matches!(self.board.columns[to].kind, ColumnKind::Closed)
        {
            return Ok(());
        }
        self.board.columns.swap(self.column, to);
        self.column = to;
        let order: Vec<String> = self
            .board
            .columns
            .iter()
            .filter(|c| c.kind != ColumnKind::Closed)
            .map(|c| c.kind.id())
            .collect();
        let text = serde_json::to_string(&order).unwrap_or_default();
        self.store.set_setting(COLUMN_ORDER_SETTING, &text)?;
        self.data_version = self.store.data_version()?;
        self.keep_column_visible();
        self.say(strings::COLUMN_ORDER_SAVED);
        Ok(())
    }
}

/// How a form's decision reads in the standup summary.
/// A refusal as one line of the board: the item and the rule (the card already shows
/// where the item is).
fn short_refusal(refusal: &crate::domain::DomainError) -> String {
    match refusal {
        crate::domain::DomainError::WrongState { id, rule, .. } => format!("#{id}: {rule}"),
        other => other.to_string(),
    }
}

/// Brings `flow` (each item's events, in id order, as [`Store::flow_histories`] reads
/// them) up to `lengths` (items and the number of their last event) by reading only
/// the events after those it holds. False when the log is not an extension of `flow`
/// (an item lost events: the board was replaced), and it must be read whole.
fn append_new_events(
    store: &Store,
    flow: &mut Vec<Vec<FlowEvent>>,
    lengths: &[(ItemId, u32)],
) -> Result<bool> {
    let mut wanted = Vec::new();
    for &(id, last) in lengths {
        let held = flow
            .binary_search_by_key(&id, |h| h.first().map_or(ItemId::MIN, |e| e.item))
            .ok()
            .and_then(|at| flow[at].last().map(|e| e.seq))
            .unwrap_or(0);
        if held > last {
            return Ok(false);
        }
        if held < last {
            wanted.push((id, held));
        }
    }
    for events in store.flow_events_after(&wanted)? {
        let Some(id) = events.first().map(|e| e.item) else {
            continue;
        };
        match flow.binary_search_by_key(&id, |h| h.first().map_or(ItemId::MIN, |e| e.item)) {
            Ok(at) => flow[at].extend(events),
            Err(at) => flow.insert(at, events),
        }
    }
    Ok(true)
}
