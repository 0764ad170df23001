//! A snapshot: the board and its metrics at a moment, saved for a retro and compared
//! with another. Item rows record where each item stood; metrics come from the log.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::attention::SlaStanding;
use super::metrics::{Flow, FlowEvent, Metrics, MetricsFold, Period, Stats, effective, judged_in};
use super::model::{Item, ItemId, State};
use super::rules::Org;
use super::view::{Place, limbo_time, spell_time};

/// One item as it stood when the snapshot was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRow {
    pub id: ItemId,
    pub title: String,
    pub team: String,
    pub state: State,
    pub owner: Option<String>,
    /// In limbo: the receiving team.
    pub to: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// In limbo past the boundary's SLA.
    pub breached: bool,
    /// All the time the item has spent in limbo, every crossing counted.
    pub limbo_minutes: i64,
    pub bounces: u32,
    pub escalations: u32,
    /// Where the item is tracked outside Baton (absent in snapshots saved before links).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Closed as a duplicate of this item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<ItemId>,
    /// Since when the item has been where it is: held by its team (since it was
    /// created, accepted, got back or reopened) or in limbo (since it was sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// Done in the period: when it was last finished, and its cycle time (created →
    /// that finish) in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_minutes: Option<i64>,
}

impl ItemRow {
    /// Where the item is, in words: `sales`, `sales → solutions`, `done`.
    pub fn place(&self) -> String {
        if let (State::Dropped, Some(into)) = (self.state, self.merged_into) {
            return format!("{} ({})", super::view::merged_into(into), self.team);
        }
        match Place::new(self.state, &self.team, self.to.as_deref()) {
            Place::Closed { state, team } => format!("{} ({team})", state.as_str()),
            place => place.short(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub label: String,
    pub taken_at: DateTime<Utc>,
    pub items: Vec<ItemRow>,
    pub metrics: Metrics,
    /// The period's breached, bounced, escalated, forced and dropped-baton items, with
    /// their reasons (absent in snapshots saved before they were kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<Incident>,
    /// For a snapshot saved at the end of standup triage: what it decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standup: Option<StandupRecord>,
}

/// A standup's triage as its snapshot keeps it: every decision in full, the items not
/// reached, and when it started and how long it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandupRecord {
    pub started: DateTime<Utc>,
    pub took_seconds: i64,
    pub decisions: Vec<super::standup::Decision>,
    pub not_reached: Vec<NotReached>,
}

/// An item the standup did not reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotReached {
    pub id: ItemId,
    pub title: String,
}

/// What kind of handoff trouble an [`Incident`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trouble {
    /// A spell in limbo longer than the boundary's SLA (counted where it ends).
    Breached,
    Bounced,
    Escalated,
    /// Sent past unticked definition-of-done entries.
    Forced,
    /// A flagged dropped baton.
    DroppedBaton,
    /// The item itself dropped (or merged into another).
    Dropped,
}

impl Trouble {
    pub const ALL: [Trouble; 6] = [
        Trouble::Breached,
        Trouble::Bounced,
        Trouble::Escalated,
        Trouble::Forced,
        Trouble::DroppedBaton,
        Trouble::Dropped,
    ];

    /// The heading of its list in the reports.
    pub fn heading(self) -> &'static str {
        match self {
            Trouble::Breached => "Breached the SLA",
            Trouble::Bounced => "Bounced",
            Trouble::Escalated => "Escalated",
            Trouble::Forced => "Sent incomplete (forced)",
            Trouble::DroppedBaton => "Dropped batons flagged",
            Trouble::Dropped => "Dropped items",
        }
    }
}

/// One item's trouble in the period: when, where (a boundary or a team), and why in
/// the words recorded with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub trouble: Trouble,
    pub id: ItemId,
    pub title: String,
    pub at: DateTime<Utc>,
    pub place: String,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<super::cause::Cause>,
}

/// An incident found in the histories, before its title and words are read: those of
/// the few kept are read afterwards, by event, rather than those of every incident.
/// Its place is `(team, None)` for a team,
/// `(from, Some(to))` for a boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    trouble: Trouble,
    id: ItemId,
    at: DateTime<Utc>,
    place: (String, Option<String>),
    words: Words,
    cause: Option<super::cause::Cause>,
}

/// Where an incident's words come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    /// The event that recorded them, by its number in the item's history.
    Event(u32),
    /// A breach: the time the spell used against the SLA it was allowed, both as the
    /// contract counts them (working time with a calendar, whose working day is
    /// `working_day`); `open` while still waiting.
    Breach {
        used: Duration,
        sla: Duration,
        working_day: Option<Duration>,
        open: bool,
    },
}

impl Words {
    /// The words of a breach, judged by the one SLA rule ([`spell_time`]): the SLA in
    /// force when the item was sent, in the time it counts, at `end`. `None` when the
    /// spell did not breach (or the boundary has no SLA).
    fn breach(
        org: &Org,
        (from, to): (&str, &str),
        sent: DateTime<Utc>,
        end: DateTime<Utc>,
        open: bool,
    ) -> Option<Words> {
        let time = spell_time(org, from, to, sent, end);
        if time.standing != SlaStanding::Breached {
            return None;
        }
        Some(Words::Breach {
            used: time.used,
            sla: time.sla?,
            working_day: time.working_day,
            open,
        })
    }
}

impl Found {
    /// The event whose recorded words the incident shows, if any: (item, number).
    pub fn event(&self) -> Option<(ItemId, u32)> {
        match self.words {
            Words::Event(seq) => Some((self.id, seq)),
            Words::Breach { .. } => None,
        }
    }

    pub fn id(&self) -> ItemId {
        self.id
    }
}

/// The period's incidents from the items' histories, the most recent [`LIST_LIMIT`] of
/// each kind, oldest first; their titles and words are added by [`with_words`].
pub fn incidents(histories: &[Vec<FlowEvent>], org: &Org, period: Period) -> Vec<Found> {
    let mut fold = Incidents::new(org, period);
    for history in histories {
        fold.add(history);
    }
    fold.finish()
}

/// [`incidents`], one item's history at a time. Only the most recent of each kind are
/// kept as it goes (a retro reads a list, not a log: the metrics count them all, and
/// `export --format csv --events` has every one).
pub struct Incidents<'o> {
    org: &'o Org,
    period: Period,
    /// Per kind of trouble (in [`Trouble::ALL`]'s order), the most recent found so
    /// far, each with its order of finding (which breaks ties of time and item).
    kept: [Vec<(Found, u64)>; 6],
    /// Per kind, the key below which nothing can be among the most recent any more.
    floor: [Option<(DateTime<Utc>, ItemId, u64)>; 6],
    found: u64,
}

impl<'o> Incidents<'o> {
    pub fn new(org: &'o Org, period: Period) -> Self {
        Incidents {
            org,
            period,
            kept: Default::default(),
            floor: [None; 6],
            found: 0,
        }
    }

    fn key(found: &(Found, u64)) -> (DateTime<Utc>, ItemId, u64) {
        (found.0.at, found.0.id, found.1)
    }

    /// Keeps `found` if it may be among the most recent of its kind; `place` is made
    /// only then.
    fn push(
        &mut self,
        trouble: Trouble,
        id: ItemId,
        at: DateTime<Utc>,
        place: (&str, Option<&str>),
        words: Words,
        cause: Option<super::cause::Cause>,
    ) {
        let n = self.found;
        self.found += 1;
        let kind = trouble as usize;
        if self.floor[kind].is_some_and(|floor| (at, id, n) < floor) {
            return;
        }
        let list = &mut self.kept[kind];
        list.push((
            Found {
                trouble,
                id,
                at,
                place: (place.0.to_string(), place.1.map(str::to_string)),
                words,
                cause,
            },
            n,
        ));
        if list.len() >= 2 * LIST_LIMIT {
            Self::prune(list);
            self.floor[kind] = list.first().map(Self::key);
        }
    }

    /// Keeps the most recent [`LIST_LIMIT`], oldest first.
    fn prune(list: &mut Vec<(Found, u64)>) {
        list.sort_unstable_by_key(Self::key);
        let extra = list.len().saturating_sub(LIST_LIMIT);
        list.drain(..extra);
    }

    /// Adds one item's events, in order.
    pub fn add(&mut self, history: &[FlowEvent]) {
        let Some(first) = history.first() else {
            return;
        };
        let (org, period) = (self.org, self.period);
        let id = first.item;
        let mut team: &str = "";
        let mut limbo: Option<(&str, DateTime<Utc>)> = None;
        let mut last_crossing: Option<(&str, &str)> = None;
        let known = period.known(history);
        for event in effective(&history[..known]) {
            let counted = period.contains(event.at);
            let here = (team, limbo.map(|(to, _)| to));
            let at = event.at;
            let words = Words::Event(event.seq);
            match &event.flow {
                Flow::Created { team: t } => team = t,
                Flow::Sent { to, forced, .. } => {
                    if *forced && counted {
                        self.push(Trouble::Forced, id, at, (team, Some(to)), words, None);
                    }
                    last_crossing = Some((team, to));
                    limbo = Some((to, event.at));
                }
                Flow::Accepted | Flow::Bounced | Flow::Reclaimed | Flow::Dropped
                    if limbo.is_some() =>
                {
                    let Some((to, sent_at)) = limbo.take() else {
                        continue;
                    };
                    // Listed where the metrics judge it: in the period its SLA ran
                    // out, at that moment.
                    if let Some(words) = Words::breach(org, (team, to), sent_at, event.at, false)
                        && let Some(ran_out) =
                            judged_in(org, period, (team, to), sent_at, event.at, true)
                    {
                        self.push(Trouble::Breached, id, ran_out, here, words, None);
                    }
                    match &event.flow {
                        Flow::Bounced if counted => {
                            self.push(Trouble::Bounced, id, at, here, words, event.cause)
                        }
                        Flow::Dropped if counted => {
                            self.push(Trouble::Dropped, id, at, here, words, None)
                        }
                        _ => {}
                    }
                    if event.flow == Flow::Accepted {
                        team = to;
                    }
                }
                Flow::Escalated if counted => {
                    self.push(Trouble::Escalated, id, at, here, words, None)
                }
                Flow::Flagged if counted => {
                    let place = last_crossing.map_or((team, None), |(f, t)| (f, Some(t)));
                    self.push(Trouble::DroppedBaton, id, at, place, words, event.cause);
                }
                Flow::Dropped if counted => self.push(Trouble::Dropped, id, at, here, words, None),
                _ => {}
            }
        }
        // A spell still open at the period's end whose SLA ran out in it: listed at
        // that moment, whenever the report is asked for.
        if let Some((to, sent_at)) = limbo
            && let Some(words) = Words::breach(org, (team, to), sent_at, period.until, true)
            && let Some(ran_out) = judged_in(org, period, (team, to), sent_at, period.until, true)
        {
            self.push(
                Trouble::Breached,
                id,
                ran_out,
                (team, Some(to)),
                words,
                None,
            );
        }
    }

    /// The most recent [`LIST_LIMIT`] of each kind, oldest first.
    pub fn finish(self) -> Vec<Found> {
        let mut all: Vec<(Found, u64)> = Vec::new();
        for mut list in self.kept {
            Self::prune(&mut list);
            all.extend(list);
        }
        all.sort_unstable_by_key(Self::key);
        all.into_iter().map(|(found, _)| found).collect()
    }
}

/// The incidents found, with their items' titles and the words recorded with them
/// (`kinds`, by item and event number; an event missing there reads as no words).
pub fn with_words(
    found: Vec<Found>,
    titles: &HashMap<ItemId, String>,
    kinds: &HashMap<(ItemId, u32), super::EventKind>,
) -> Vec<Incident> {
    use super::EventKind as K;
    use super::duration::format_duration;
    found
        .into_iter()
        .map(|found| {
            let words = found.words;
            let mut incident = Incident {
                trouble: found.trouble,
                id: found.id,
                title: titles.get(&found.id).cloned().unwrap_or_default(),
                at: found.at,
                place: match &found.place {
                    (team, None) => team.clone(),
                    (from, Some(to)) => super::view::crossing(from, to),
                },
                detail: String::new(),
                cause: found.cause,
            };
            let kind = match words {
                Words::Event(seq) => kinds.get(&(incident.id, seq)),
                Words::Breach { .. } => None,
            };
            incident.detail = match (incident.trouble, words, kind) {
                (
                    Trouble::Breached,
                    Words::Breach {
                        used,
                        sla,
                        working_day,
                        open,
                    },
                    _,
                ) => {
                    // Around the clock: plain durations; with a calendar, working time
                    // in its working days, said as such.
                    let (used, sla, working) = match working_day {
                        Some(day) => (
                            super::duration::format_in_days(used, day),
                            super::duration::format_in_days(sla, day),
                            " working time",
                        ),
                        None => (format_duration(used), format_duration(sla), ""),
                    };
                    if open {
                        format!("still in limbo after {used}{working}, against the SLA of {sla}")
                    } else {
                        format!("waited {used}{working} against the SLA of {sla}")
                    }
                }
                (Trouble::Forced, _, Some(K::Sent { unticked, note, .. })) => {
                    format!("unticked: {}; note: {note}", unticked.join("; "))
                }
                (Trouble::Bounced, _, Some(K::Bounced { reason, cause })) => {
                    incident.cause = *cause;
                    reason.clone()
                }
                (Trouble::Escalated, _, Some(K::Escalated { to, note })) => {
                    [to.as_ref().map(|t| format!("to {t}")), note.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(": ")
                }
                (Trouble::DroppedBaton, _, Some(K::Flagged { note, .. })) => note.clone(),
                (Trouble::Dropped, _, kind) => dropped_words(kind),
                _ => String::new(),
            };
            incident
        })
        .collect()
}

/// How many incidents of each kind a snapshot keeps, the most recent.
pub const LIST_LIMIT: usize = 50;

fn dropped_words(kind: Option<&super::EventKind>) -> String {
    match kind {
        Some(super::EventKind::Dropped { reason }) => reason.clone(),
        Some(super::EventKind::Merged { into, .. }) => super::view::merged_into(*into),
        _ => String::new(),
    }
}

/// Takes a snapshot at `period.until` of `items` (every item, current state) and their
/// histories (grouped by item, in the same id order or any order); its metrics count
/// days in `zone`.
pub fn take<Tz: TimeZone>(
    label: &str,
    items: &[Item],
    histories: &[Vec<FlowEvent>],
    org: &Org,
    period: Period,
    zone: &Tz,
) -> Snapshot {
    let mut taking = Taking::new(org, period, zone);
    for history in histories {
        taking.add(history);
    }
    let rows = items.iter().map(|item| taking.row(item.clone())).collect();
    taking.finish(label, rows)
}

/// What a history says of its item for its row.
#[derive(Default)]
struct Seen {
    limbo_minutes: i64,
    escalations: u32,
    // Since when the item is where it is; its last finish in the period and cycle time.
    placed: Option<DateTime<Utc>>,
    finished: Option<(DateTime<Utc>, i64)>,
}

/// [`take`], one item's history at a time: the store streams a million events through
/// it without holding them all.
pub struct Taking<'o, Tz: TimeZone> {
    org: &'o Org,
    period: Period,
    metrics: MetricsFold<'o, Tz>,
    // What each history says of its item, in the histories' order (by id, as stored),
    // found by a binary search rather than a map per figure.
    seen: Vec<(ItemId, Seen)>,
    /// Whether `seen` is known to be in id order.
    sorted: bool,
}

impl<'o, Tz: TimeZone> Taking<'o, Tz> {
    pub fn new(org: &'o Org, period: Period, zone: &'o Tz) -> Self {
        Taking {
            org,
            period,
            metrics: MetricsFold::new(org, period, zone),
            seen: Vec::new(),
            sorted: false,
        }
    }

    /// Adds one item's events, in order.
    pub fn add(&mut self, history: &[FlowEvent]) {
        self.metrics.add(history);
        let (period, seen) = (self.period, &mut self.seen);
        let now = period.until;
        let Some(first) = history.first() else {
            return;
        };
        let mut this = Seen::default();
        let mut sent_at: Option<DateTime<Utc>> = None;
        let mut created: Option<DateTime<Utc>> = None;
        // Undos after `now` must not take back what was in effect at `now`.
        let known = period.known(history);
        for event in effective(&history[..known]) {
            match event.flow {
                Flow::Created { .. } | Flow::Reopened => {
                    created = created.or(Some(event.at));
                    this.placed = Some(event.at);
                }
                Flow::Done => {
                    if period.contains(event.at)
                        && let Some(c) = created
                    {
                        this.finished = Some((event.at, (event.at - c).num_minutes()));
                    }
                }
                _ => {}
            }
            if matches!(
                event.flow,
                Flow::Sent { .. } | Flow::Accepted | Flow::Bounced | Flow::Reclaimed
            ) {
                this.placed = Some(event.at);
            }
            match event.flow {
                Flow::Sent { .. } => sent_at = Some(event.at),
                Flow::Accepted | Flow::Bounced | Flow::Reclaimed | Flow::Dropped => {
                    if let Some(at) = sent_at.take() {
                        this.limbo_minutes += (event.at - at).num_minutes();
                    }
                }
                Flow::Escalated => this.escalations += 1,
                _ => {}
            }
        }
        if let Some(at) = sent_at {
            this.limbo_minutes += (now - at).num_minutes();
        }
        seen.push((first.item, this));
        self.sorted = false;
    }

    /// The row of `item`, as it stood at the period's end, once every history is in:
    /// the store makes the rows as it reads the items, without holding them all.
    pub fn row(&mut self, item: Item) -> ItemRow {
        if !self.sorted {
            if !self.seen.is_sorted_by_key(|(id, _)| *id) {
                self.seen.sort_by_key(|(id, _)| *id);
            }
            self.sorted = true;
        }
        let nothing = Seen::default();
        let seen = self
            .seen
            .binary_search_by_key(&item.id, |(i, _)| *i)
            .map_or(&nothing, |at| &self.seen[at].1);
        let finished = seen.finished.filter(|_| item.state == State::Done);
        let breached = limbo_time(&item, self.org, self.period.until)
            .is_some_and(|t| t.standing == SlaStanding::Breached);
        ItemRow {
            id: item.id,
            title: item.title,
            team: item.team,
            state: item.state,
            owner: item.owner,
            sent_at: item.limbo.as_ref().map(|l| l.sent_at),
            to: item.limbo.map(|l| l.to),
            breached,
            limbo_minutes: seen.limbo_minutes,
            bounces: item.bounces,
            escalations: seen.escalations,
            link: item.link,
            merged_into: item.merged_into,
            since: seen.placed,
            done_at: finished.map(|f| f.0),
            cycle_minutes: finished.map(|f| f.1),
        }
    }

    /// The snapshot of `rows` (every item's, from [`Taking::row`]).
    pub fn finish(self, label: &str, rows: Vec<ItemRow>) -> Snapshot {
        Snapshot {
            label: label.to_string(),
            taken_at: self.period.until,
            items: rows,
            metrics: self.metrics.finish(),
            incidents: Vec::new(),
            standup: None,
        }
    }
}

/// An item whose place changed between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub id: ItemId,
    pub title: String,
    pub before: String,
    pub after: String,
}

/// A number that changed between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub metric: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub before: String,
    pub after: String,
    /// Items now held by another team, or new since the first snapshot.
    pub crossed: Vec<Moved>,
    pub entered_limbo: Vec<Moved>,
    pub left_limbo: Vec<Moved>,
    /// In limbo past the SLA now, and not before.
    pub newly_breached: Vec<Moved>,
    pub metrics: Vec<Change>,
}

/// What changed from `a` to `b`.
pub fn diff(a: &Snapshot, b: &Snapshot) -> Diff {
    let before: HashMap<ItemId, &ItemRow> = a.items.iter().map(|r| (r.id, r)).collect();
    let mut d = Diff {
        before: a.label.clone(),
        after: b.label.clone(),
        crossed: Vec::new(),
        entered_limbo: Vec::new(),
        left_limbo: Vec::new(),
        newly_breached: Vec::new(),
        metrics: Vec::new(),
    };
    for row in &b.items {
        let old = before.get(&row.id);
        let moved = |before: String| Moved {
            id: row.id,
            title: row.title.clone(),
            before,
            after: row.place(),
        };
        let was = old.map_or_else(|| "new".to_string(), |o| o.place());
        if old.is_none_or(|o| o.team != row.team) {
            d.crossed.push(moved(was.clone()));
        }
        let was_limbo = old.is_some_and(|o| o.state == State::Limbo);
        let is_limbo = row.state == State::Limbo;
        if is_limbo && (!was_limbo || old.is_some_and(|o| o.to != row.to)) {
            d.entered_limbo.push(moved(was.clone()));
        }
        if was_limbo && !is_limbo {
            d.left_limbo.push(moved(was.clone()));
        }
        if row.breached && !old.is_some_and(|o| o.breached) {
            d.newly_breached.push(moved(was));
        }
    }
    // Every number of both, compared by value (not as shown): a metric is listed when
    // its value differs, and only then.
    // A number one of the two did not keep (saved before it was) is unknown there, not
    // a change.
    let kept_by_both = |numbers: Vec<(String, Option<f64>)>| -> Vec<(String, Option<f64>)> {
        let unknown = a.metrics.overall.dropped.is_none() || b.metrics.overall.dropped.is_none();
        numbers
            .into_iter()
            .filter(|(name, _)| !(unknown && name == "overall.dropped"))
            .collect()
    };
    let after = kept_by_both(named_numbers(&b.metrics));
    let after_map: HashMap<&str, Option<f64>> =
        after.iter().map(|(m, v)| (m.as_str(), *v)).collect();
    let before = kept_by_both(named_numbers(&a.metrics));
    let before_map: HashMap<&str, Option<f64>> =
        before.iter().map(|(m, v)| (m.as_str(), *v)).collect();
    for (metric, value) in &before {
        let new = after_map.get(metric.as_str()).copied().flatten();
        if *value != new {
            d.metrics.push(Change {
                metric: metric.clone(),
                before: *value,
                after: new,
            });
        }
    }
    for (metric, value) in &after {
        if !before_map.contains_key(metric.as_str()) && value.is_some() {
            d.metrics.push(Change {
                metric: metric.clone(),
                before: None,
                after: *value,
            });
        }
    }
    d
}

/// Every number of a metrics set, named: `overall.breach_rate`,
/// `sales→solutions.time_in_limbo.p85_minutes`, `support.wip_age.max_minutes`, … (the
/// per-day and per-week series are left to the reports).
pub fn named_numbers(m: &Metrics) -> Vec<(String, Option<f64>)> {
    let mut out: Vec<(String, Option<f64>)> = Vec::new();
    let count = |out: &mut Vec<(String, Option<f64>)>, name: String, v: usize| {
        out.push((name, Some(v as f64)));
    };
    fn stats(out: &mut Vec<(String, Option<f64>)>, prefix: &str, s: &Stats) {
        let min = |v: Option<i64>| v.map(|x| x as f64);
        out.push((format!("{prefix}.count"), Some(s.count as f64)));
        out.push((format!("{prefix}.median_minutes"), min(s.median_minutes)));
        out.push((format!("{prefix}.p85_minutes"), min(s.p85_minutes)));
        out.push((format!("{prefix}.p95_minutes"), min(s.p95_minutes)));
        out.push((format!("{prefix}.max_minutes"), min(s.max_minutes)));
    }
    let o = &m.overall;
    for (name, v) in [
        ("sent", o.sent),
        ("accepted", o.accepted),
        ("bounced", o.bounced),
        ("reclaimed", o.reclaimed),
        ("in_limbo_now", o.in_limbo_now),
        ("breached", o.breached),
        ("spells", o.spells),
        ("escalations", o.escalations),
        ("incomplete_handoffs", o.incomplete_handoffs),
        ("dropped_batons", o.dropped_batons),
        ("done", o.done),
        ("wip", o.wip),
    ] {
        count(&mut out, format!("overall.{name}"), v);
    }
    if let Some(dropped) = o.dropped {
        count(&mut out, "overall.dropped".to_string(), dropped);
    }
    stats(&mut out, "overall.time_in_limbo", &o.time_in_limbo);
    stats(&mut out, "overall.cycle_time", &o.cycle_time);
    out.push(("overall.breach_rate".to_string(), o.breach_rate));
    out.push(("overall.bounce_rate".to_string(), o.bounce_rate));
    out.push(("overall.flow_efficiency".to_string(), o.flow_efficiency));
    for b in &m.boundaries {
        let key = format!("{}→{}", b.from, b.to);
        out.push((
            format!("{key}.sla_minutes"),
            b.sla_minutes.map(|x| x as f64),
        ));
        for (name, v) in [
            ("sent", b.sent),
            ("accepted", b.accepted),
            ("bounced", b.bounced),
            ("reclaimed", b.reclaimed),
            ("in_limbo_now", b.open_ages_minutes.len()),
            ("breached", b.breached),
            ("spells", b.spells),
            ("escalations", b.escalations),
            ("incomplete_handoffs", b.incomplete_handoffs),
            ("dropped_batons", b.dropped_batons),
        ] {
            count(&mut out, format!("{key}.{name}"), v);
        }
        stats(&mut out, &format!("{key}.time_in_limbo"), &b.time_in_limbo);
        out.push((
            format!("{key}.oldest_in_limbo_minutes"),
            b.open_ages_minutes.first().map(|x| *x as f64),
        ));
        out.push((format!("{key}.breach_rate"), b.breach_rate));
        out.push((format!("{key}.bounce_rate"), b.bounce_rate));
    }
    for t in &m.teams {
        for (name, v) in [
            ("wip", t.wip),
            ("done", t.done),
            ("escalations", t.escalations),
            ("dropped_batons", t.dropped_batons),
        ] {
            count(&mut out, format!("{}.{name}", t.team), v);
        }
        stats(&mut out, &format!("{}.wip_age", t.team), &t.wip_age);
        stats(&mut out, &format!("{}.cycle_time", t.team), &t.cycle_time);
        out.push((format!("{}.flow_efficiency", t.team), t.flow_efficiency));
    }
    out
}
