//! Flow metrics, computed from the event log alone: per boundary, per team and overall,
//! over a period. Every number here can be traced to events; the definitions are in
//! `docs/metrics.md`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::attention::SlaStanding;
use super::cause::Cause;
use super::model::{EventKind, ItemId};
use super::rules::Org;
use super::snapshot::{Incident, Trouble};
use super::time::{day_of, offset_at, show_in, start_of_day};
use super::view::{sla_runs_out, spell_time};

/// What metrics need of an event: when, which item, and the few fields that move it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowEvent {
    pub item: ItemId,
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub flow: Flow,
    /// The cause code of a bounce or a flagged dropped baton, when one was given.
    pub cause: Option<Cause>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    Created {
        team: String,
    },
    Sent {
        to: String,
        forced: bool,
        /// A late handoff (see [`super::attention::late_send`]).
        late: bool,
    },
    Accepted,
    Bounced,
    Reclaimed,
    Escalated,
    Done,
    Reopened,
    Dropped,
    Flagged,
    Undone {
        seq: u32,
    },
    /// Notes, owners, edits, snoozes: they do not move the item.
    Other,
}

impl Flow {
    pub fn of(kind: &EventKind) -> Flow {
        match kind {
            EventKind::Created { team, .. } => Flow::Created { team: team.clone() },
            EventKind::Sent {
                to, forced, late, ..
            } => Flow::Sent {
                to: to.clone(),
                forced: *forced,
                late: *late,
            },
            EventKind::Accepted { .. } => Flow::Accepted,
            EventKind::Bounced { .. } => Flow::Bounced,
            EventKind::Reclaimed { .. } => Flow::Reclaimed,
            EventKind::Escalated { .. } => Flow::Escalated,
            EventKind::Done { .. } => Flow::Done,
            EventKind::Reopened { .. } => Flow::Reopened,
            // A merged duplicate is closed without being done here: its work goes on
            // in the item it was merged into.
            EventKind::Dropped { .. } | EventKind::Merged { .. } => Flow::Dropped,
            EventKind::Flagged { .. } => Flow::Flagged,
            EventKind::Undone { seq } => Flow::Undone { seq: *seq },
            EventKind::Edited { .. }
            | EventKind::Owner { .. }
            | EventKind::Noted { .. }
            | EventKind::Snoozed { .. }
            | EventKind::Absorbed { .. }
            | EventKind::Dismissed { .. }
            | EventKind::Ticked { .. } => Flow::Other,
        }
    }

    /// [`Flow::of`] an event known by its stored name and the few fields that move an
    /// item (`place`: a created item's team, or the team a sent one went to), as the
    /// store reads them without decoding the event in full; `None` for a name that is
    /// no event's.
    pub fn named(name: &str, place: &str, forced: bool, late: bool, undoes: u32) -> Option<Flow> {
        Some(match name {
            "created" => Flow::Created {
                team: place.to_string(),
            },
            "sent" => Flow::Sent {
                to: place.to_string(),
                forced,
                late,
            },
            "accepted" => Flow::Accepted,
            "bounced" => Flow::Bounced,
            "reclaimed" => Flow::Reclaimed,
            "escalated" => Flow::Escalated,
            "done" => Flow::Done,
            "reopened" => Flow::Reopened,
            "dropped" | "merged" => Flow::Dropped,
            "flagged" => Flow::Flagged,
            "undone" => Flow::Undone { seq: undoes },
            "edited" | "owner" | "noted" | "snoozed" | "absorbed" | "dismissed" | "ticked" => {
                Flow::Other
            }
            _ => return None,
        })
    }
}

/// The period metrics cover, half-open: `[since, until)` (all history before `until`
/// when `since` is `None`). A period that ends now (`ends_now`) contains now itself, so
/// that what was recorded a moment ago counts, and spells still open count in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub since: Option<DateTime<Utc>>,
    pub until: DateTime<Utc>,
    /// The period ends at the moment the report was made: spells still open belong to
    /// it. Absent in snapshots saved before the rule; those read as ending in the past.
    #[serde(default)]
    pub ends_now: bool,
}

impl Period {
    /// `[since, until)`, ending before now.
    pub fn ending(since: Option<DateTime<Utc>>, until: DateTime<Utc>) -> Period {
        Period {
            since,
            until,
            ends_now: false,
        }
    }

    /// From `since` up to and including `now`.
    pub fn to_now(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Period {
        Period {
            since,
            until: now,
            ends_now: true,
        }
    }

    /// Whether `t` had happened by the period's end: before `until`, or at it when the
    /// period ends now.
    pub fn reached(&self, t: DateTime<Utc>) -> bool {
        t < self.until || (self.ends_now && t == self.until)
    }

    /// The number of events of a history (in time order) that had happened by the end.
    pub fn known(&self, history: &[FlowEvent]) -> usize {
        history.partition_point(|e| self.reached(e.at))
    }

    /// The period in words, its times in `zone` with the offset, for documents read
    /// elsewhere: "2026-11-01 00:00 to 2026-11-25 10:00 UTC+01:00" (each time gets its
    /// own offset when daylight saving changed in between).
    pub fn describe<Tz: TimeZone>(&self, zone: &Tz) -> String {
        let until = format!(
            "{} {}",
            show_in(self.until, zone),
            offset_at(self.until, zone)
        );
        match self.since {
            Some(since) if offset_at(since, zone) == offset_at(self.until, zone) => {
                format!("{} to {until}", show_in(since, zone))
            }
            Some(since) => format!(
                "{} {} to {until}",
                show_in(since, zone),
                offset_at(since, zone)
            ),
            None => format!("all history up to {until}"),
        }
    }

    /// Whether `t` falls in `[since, until)` (or is now, for a period ending now).
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.since.is_none_or(|s| t >= s) && self.reached(t)
    }

    /// The local day of the period's last moment: the day of `until` when the period
    /// ends now, else the day of the instant just before `until`.
    fn last_day<Tz: TimeZone>(&self, zone: &Tz) -> NaiveDate {
        let last = if self.ends_now {
            self.until
        } else {
            self.until - Duration::nanoseconds(1)
        };
        day_of(last, zone)
    }

    /// The part of `[start, end]` inside the period.
    fn clip(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Duration {
        let start = self.since.map_or(start, |s| start.max(s));
        let end = end.min(self.until);
        (end - start).max(Duration::zero())
    }
}

/// Median, 85th and 95th percentiles (nearest rank) and maximum of a set of
/// durations, in minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub count: usize,
    pub median_minutes: Option<i64>,
    pub p85_minutes: Option<i64>,
    /// Absent in snapshots saved before it was kept.
    #[serde(default)]
    pub p95_minutes: Option<i64>,
    pub max_minutes: Option<i64>,
}

impl Stats {
    pub fn of(mut minutes: Vec<i64>) -> Stats {
        minutes.sort_unstable();
        Stats {
            count: minutes.len(),
            median_minutes: percentile(&minutes, 50),
            p85_minutes: percentile(&minutes, 85),
            p95_minutes: percentile(&minutes, 95),
            max_minutes: minutes.last().copied(),
        }
    }
}

/// Nearest-rank percentile of sorted values: the smallest value with at least `p`% of
/// the values at or below it.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoundaryMetrics {
    pub from: String,
    pub to: String,
    pub sla_minutes: Option<i64>,
    pub sent: usize,
    pub accepted: usize,
    pub bounced: usize,
    pub reclaimed: usize,
    /// Spells in limbo that ended in the period (accepted, bounced, reclaimed, dropped).
    pub time_in_limbo: Stats,
    /// Ages, in minutes, of the items still in limbo at the period's end, oldest first.
    pub open_ages_minutes: Vec<i64>,
    /// Spells judged against the SLA in the period ([`judged_in`]): those whose SLA ran
    /// out in it (breached, ended or not), and those that ended in it within the SLA.
    pub breached: usize,
    pub spells: usize,
    pub breach_rate: Option<f64>,
    /// Bounced ÷ (accepted + bounced): how often the receiver sends the item back.
    pub bounce_rate: Option<f64>,
    pub escalations: usize,
    pub incomplete_handoffs: usize,
    pub dropped_batons: usize,
    /// Items sent with less time before their due date than the SLA (`late-handoff`).
    #[serde(default)]
    pub late_handoffs: usize,
    /// Bounces and dropped batons in the period by cause, most frequent first.
    #[serde(default)]
    pub causes: Vec<CauseCount>,
}

/// How many bounces and dropped batons gave `cause` (`None`: no cause given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseCount {
    pub cause: Option<Cause>,
    pub bounced: usize,
    pub dropped_batons: usize,
}

impl CauseCount {
    pub fn total(&self) -> usize {
        self.bounced + self.dropped_batons
    }

    /// The cause's code, or `none given`.
    pub fn label(&self) -> &'static str {
        self.cause.map_or("none given", Cause::as_str)
    }
}

/// Tallies of causes, as a list most frequent first (then in the list's order).
fn cause_list(tally: BTreeMap<Option<Cause>, (usize, usize)>) -> Vec<CauseCount> {
    let mut list: Vec<CauseCount> = tally
        .into_iter()
        .map(|(cause, (bounced, dropped_batons))| CauseCount {
            cause,
            bounced,
            dropped_batons,
        })
        .collect();
    // Given causes before none given, each most frequent first.
    list.sort_by(|a, b| {
        a.cause
            .is_none()
            .cmp(&b.cause.is_none())
            .then(b.total().cmp(&a.total()))
            .then(a.cause.cmp(&b.cause))
    });
    list
}

impl BoundaryMetrics {
    /// The boundary in words: `sales → solutions`.
    pub fn label(&self) -> String {
        super::view::crossing(&self.from, &self.to)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamMetrics {
    pub team: String,
    /// Items the team holds at the period's end, and how long it has held them.
    pub wip: usize,
    pub wip_age: Stats,
    pub done: usize,
    /// Created → done, for items the team finished in the period.
    pub cycle_time: Stats,
    /// Time the team held items ÷ (that + time items waited in limbo for it).
    pub flow_efficiency: Option<f64>,
    pub escalations: usize,
    pub dropped_batons: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    pub sent: usize,
    pub accepted: usize,
    pub bounced: usize,
    pub reclaimed: usize,
    pub time_in_limbo: Stats,
    pub in_limbo_now: usize,
    pub breached: usize,
    pub spells: usize,
    pub breach_rate: Option<f64>,
    pub bounce_rate: Option<f64>,
    pub escalations: usize,
    pub incomplete_handoffs: usize,
    pub dropped_batons: usize,
    /// Items dropped (or merged into another) in the period. `None` in snapshots saved
    /// before it was kept: unknown there, not zero.
    #[serde(default)]
    pub dropped: Option<usize>,
    /// Bounces and dropped batons in the period by cause, over every boundary (and the
    /// dropped batons of items that never crossed one), most frequent first.
    #[serde(default)]
    pub causes: Vec<CauseCount>,
    pub done: usize,
    pub cycle_time: Stats,
    pub flow_efficiency: Option<f64>,
    pub wip: usize,
}

/// Items done in the week starting `week` (a Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    pub week: NaiveDate,
    pub done: usize,
}

/// Items done on `day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayDone {
    pub day: NaiveDate,
    pub done: usize,
}

/// How many items were in each state at the end of `day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowPoint {
    pub day: NaiveDate,
    pub active: usize,
    pub limbo: usize,
    pub done: usize,
    pub dropped: usize,
}

/// How many spells in limbo went past their SLA on `day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: NaiveDate,
    pub breaches: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub period: Period,
    pub overall: Overall,
    pub boundaries: Vec<BoundaryMetrics>,
    pub teams: Vec<TeamMetrics>,
    /// Every week of the period, from the Monday of its first day, zeros included.
    pub throughput: Vec<WeekCount>,
    /// Every day of the period, zeros included (absent in snapshots saved before).
    #[serde(default)]
    pub daily_throughput: Vec<DayDone>,
    pub cumulative_flow: Vec<FlowPoint>,
    pub breaches_per_day: Vec<DayCount>,
}

impl Metrics {
    /// Late handoffs over every boundary: they are counted per boundary only.
    pub fn late_handoffs(&self) -> usize {
        self.boundaries.iter().map(|b| b.late_handoffs).sum()
    }
}

/// The events of one item still in effect: an `undone` change and its undo drop out.
pub fn effective(events: &[FlowEvent]) -> Vec<&FlowEvent> {
    let mut kept: Vec<&FlowEvent> = Vec::with_capacity(events.len());
    for event in events {
        match event.flow {
            Flow::Undone { seq } => {
                if kept.last().is_some_and(|e| e.seq == seq) {
                    kept.pop();
                }
            }
            _ => kept.push(event),
        }
    }
    kept
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Active,
    Limbo,
    Done,
    Dropped,
}

/// Whether a spell over boundary `b` from `sent` to `end` breached the SLA in force when
/// it was sent (the rule of [`super::view::spell_time`]).
fn spell_breached(org: &Org, b: usize, sent: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let boundary = &org.boundaries[b];
    spell_time(org, &boundary.from, &boundary.to, sent, end).standing == SlaStanding::Breached
}

/// When a spell in limbo over `from → to` from `sent` to `end` is judged against its
/// SLA, if in `period`: a breach when its SLA ran out, a spell within its SLA when it
/// ended. Each spell is judged once, in one period, whenever the report is asked for:
/// the breach rate's spells and breaches, the list of breaches
/// ([`super::snapshot::Incidents`]) and the breaches per day all count by this.
/// `None`: judged in another period, or with no SLA to judge by.
pub fn judged_in(
    org: &Org,
    period: Period,
    (from, to): (&str, &str),
    sent: DateTime<Utc>,
    end: DateTime<Utc>,
    breached: bool,
) -> Option<DateTime<Utc>> {
    let ran_out = sla_runs_out(org, from, to, sent)?;
    let at = if breached { ran_out } else { end };
    period.contains(at).then_some(at)
}

/// Metrics over `period`, from every item's events (grouped by item, in order). Days
/// and weeks are the calendar days of `zone`, the zone `period` was read in, so that
/// `--since 2026-11-01` and the day 2026-11-01 begin at the same moment.
pub fn compute<Tz: TimeZone>(
    histories: &[Vec<FlowEvent>],
    org: &Org,
    period: Period,
    zone: &Tz,
) -> Metrics {
    let mut fold = MetricsFold::new(org, period, zone);
    for history in histories {
        fold.add(history);
    }
    fold.finish()
}

/// [`compute`], one item's history at a time: the store streams a million events
/// through it without holding them all.
pub struct MetricsFold<'o, Tz: TimeZone> {
    org: &'o Org,
    period: Period,
    zone: &'o Tz,
    // Teams and boundaries by position, so that a million events cost lookups, not
    // string comparisons and copies.
    team_index: HashMap<&'o str, usize>,
    boundary_index: HashMap<(&'o str, &'o str), usize>,
    boundaries: Vec<BoundaryMetrics>,
    limbo_spells: Vec<Vec<i64>>,
    causes: Vec<Tally>,
    all_causes: Tally,
    teams: Vec<TeamMetrics>,
    /// Per team: (held, waited for).
    held: Vec<(Duration, Duration)>,
    wip_ages: Vec<Vec<i64>>,
    cycle: Vec<Vec<i64>>,
    done_days: BTreeMap<NaiveDate, usize>,
    transitions: Vec<(DateTime<Utc>, Option<At>, At)>,
    breach_days: BTreeMap<NaiveDate, usize>,
    dropped: usize,
}

type Tally = BTreeMap<Option<Cause>, (usize, usize)>;

impl<'o, Tz: TimeZone> MetricsFold<'o, Tz> {
    pub fn new(org: &'o Org, period: Period, zone: &'o Tz) -> Self {
        let n = org.teams.len();
        MetricsFold {
            org,
            period,
            zone,
            team_index: org
                .teams
                .iter()
                .enumerate()
                .map(|(i, t)| (t.key.as_str(), i))
                .collect(),
            boundary_index: org
                .boundaries
                .iter()
                .enumerate()
                .map(|(i, b)| ((b.from.as_str(), b.to.as_str()), i))
                .collect(),
            boundaries: org
                .boundaries
                .iter()
                .map(|b| BoundaryMetrics {
                    from: b.from.clone(),
                    to: b.to.clone(),
                    sla_minutes: b.contract.sla_minutes(),
                    ..BoundaryMetrics::default()
                })
                .collect(),
            limbo_spells: vec![Vec::new(); org.boundaries.len()],
            causes: vec![Tally::new(); org.boundaries.len()],
            all_causes: Tally::new(),
            teams: org
                .teams
                .iter()
                .map(|t| TeamMetrics {
                    team: t.key.clone(),
                    ..TeamMetrics::default()
                })
                .collect(),
            held: vec![(Duration::zero(), Duration::zero()); n],
            wip_ages: vec![Vec::new(); n],
            cycle: vec![Vec::new(); n],
            done_days: BTreeMap::new(),
            transitions: Vec::new(),
            breach_days: BTreeMap::new(),
            dropped: 0,
        }
    }

    /// Adds one item's events, in order.
    pub fn add(&mut self, history: &[FlowEvent]) {
        let MetricsFold {
            org,
            period,
            zone,
            ref team_index,
            ref boundary_index,
            ref mut boundaries,
            ref mut limbo_spells,
            ref mut causes,
            ref mut all_causes,
            ref mut teams,
            ref mut held,
            ref mut wip_ages,
            ref mut cycle,
            ref mut done_days,
            ref mut transitions,
            ref mut breach_days,
            ref mut dropped,
        } = *self;
        let until = period.until;
        // Only what had happened by `until`: an undo after the period must not take
        // back a change that was in effect at its end.
        let known = period.known(history);
        let events = effective(&history[..known]);
        // The holding team (None for a team the org does not know).
        let mut team: Option<usize> = None;
        let mut since = DateTime::<Utc>::MIN_UTC; // when the current holder took it
        let mut created = since;
        let mut state: Option<At> = None;
        // In limbo: the receiving team, the boundary, and when it was sent.
        let mut limbo: Option<(Option<usize>, Option<usize>, DateTime<Utc>)> = None;
        let mut last_crossing: Option<usize> = None;
        let mut move_to = |state: &mut Option<At>, at: DateTime<Utc>, next: At| {
            transitions.push((at, *state, next));
            *state = Some(next);
        };
        for event in &events {
            let at = event.at;
            let counted = period.contains(at);
            match &event.flow {
                Flow::Created { team: t } => {
                    team = team_index.get(t.as_str()).copied();
                    since = at;
                    created = at;
                    move_to(&mut state, at, At::Active);
                }
                Flow::Sent { to, forced, late } => {
                    if let Some(t) = team {
                        held[t].0 += period.clip(since, at);
                    }
                    let boundary = team
                        .map(|t| org.teams[t].key.as_str())
                        .and_then(|from| boundary_index.get(&(from, to.as_str())).copied());
                    if counted && let Some(b) = boundary {
                        boundaries[b].sent += 1;
                        boundaries[b].incomplete_handoffs += usize::from(*forced);
                        boundaries[b].late_handoffs += usize::from(*late);
                    }
                    last_crossing = boundary;
                    limbo = Some((team_index.get(to.as_str()).copied(), boundary, at));
                    move_to(&mut state, at, At::Limbo);
                }
                Flow::Accepted | Flow::Bounced | Flow::Reclaimed | Flow::Dropped
                    if limbo.is_some() =>
                {
                    let Some((to, boundary, sent_at)) = limbo.take() else {
                        continue;
                    };
                    let waited = at - sent_at;
                    if let Some(t) = to {
                        held[t].1 += period.clip(sent_at, at);
                    }
                    // Judged by the contract (SLA, calendar) in force when it was sent.
                    let breached = boundary.is_some_and(|b| spell_breached(org, b, sent_at, at));
                    let judged = boundary.and_then(|b| {
                        let b = &org.boundaries[b];
                        judged_in(org, period, (&b.from, &b.to), sent_at, at, breached)
                    });
                    if breached && let Some(ran_out) = judged {
                        *breach_days.entry(day_of(ran_out, zone)).or_default() += 1;
                    }
                    if let (Some(b), Some(_)) = (boundary, judged) {
                        boundaries[b].spells += 1;
                        boundaries[b].breached += usize::from(breached);
                    }
                    if counted && let Some(b) = boundary {
                        let m = &mut boundaries[b];
                        match event.flow {
                            Flow::Accepted => m.accepted += 1,
                            Flow::Bounced => {
                                m.bounced += 1;
                                causes[b].entry(event.cause).or_default().0 += 1;
                                all_causes.entry(event.cause).or_default().0 += 1;
                            }
                            Flow::Reclaimed => m.reclaimed += 1,
                            _ => {}
                        }
                        limbo_spells[b].push(waited.num_minutes());
                    }
                    since = at;
                    match event.flow {
                        Flow::Accepted => {
                            team = to;
                            move_to(&mut state, at, At::Active);
                        }
                        Flow::Dropped => {
                            *dropped += usize::from(counted);
                            move_to(&mut state, at, At::Dropped);
                        }
                        _ => move_to(&mut state, at, At::Active),
                    }
                }
                Flow::Escalated => {
                    if counted {
                        match &limbo {
                            Some((_, boundary, _)) => {
                                if let Some(b) = boundary {
                                    boundaries[*b].escalations += 1;
                                }
                            }
                            None => {
                                if let Some(t) = team {
                                    teams[t].escalations += 1;
                                }
                            }
                        }
                    }
                }
                Flow::Flagged => {
                    if counted {
                        match (last_crossing, team) {
                            (Some(b), _) => {
                                boundaries[b].dropped_batons += 1;
                                causes[b].entry(event.cause).or_default().1 += 1;
                            }
                            (None, Some(t)) => teams[t].dropped_batons += 1,
                            (None, None) => {}
                        }
                        if last_crossing.is_some() || team.is_some() {
                            all_causes.entry(event.cause).or_default().1 += 1;
                        }
                    }
                }
                Flow::Done => {
                    if let Some(t) = team {
                        held[t].0 += period.clip(since, at);
                        if counted {
                            teams[t].done += 1;
                            cycle[t].push((at - created).num_minutes());
                        }
                    }
                    if counted {
                        *done_days.entry(day_of(at, zone)).or_default() += 1;
                    }
                    move_to(&mut state, at, At::Done);
                }
                Flow::Dropped => {
                    if let Some(t) = team {
                        held[t].0 += period.clip(since, at);
                    }
                    *dropped += usize::from(counted);
                    move_to(&mut state, at, At::Dropped);
                }
                Flow::Reopened => {
                    since = at;
                    move_to(&mut state, at, At::Active);
                }
                Flow::Accepted
                | Flow::Bounced
                | Flow::Reclaimed
                | Flow::Undone { .. }
                | Flow::Other => {}
            }
        }
        // Where the item stands at the period's end.
        match (state, &limbo) {
            (Some(At::Limbo), Some((to, boundary, sent_at))) => {
                let age = until - *sent_at;
                if let Some(t) = to {
                    held[*t].1 += period.clip(*sent_at, until);
                }
                let breached = boundary.is_some_and(|b| spell_breached(org, b, *sent_at, until));
                // Still open: judged only once its SLA ran out, in that period.
                let judged = boundary.filter(|_| breached).and_then(|b| {
                    let b = &org.boundaries[b];
                    judged_in(org, period, (&b.from, &b.to), *sent_at, until, true)
                });
                if let Some(ran_out) = judged {
                    *breach_days.entry(day_of(ran_out, zone)).or_default() += 1;
                }
                if let Some(b) = boundary {
                    let m = &mut boundaries[*b];
                    m.open_ages_minutes.push(age.num_minutes());
                    if judged.is_some() {
                        m.spells += 1;
                        m.breached += 1;
                    }
                }
            }
            (Some(At::Active), _) => {
                if let Some(t) = team {
                    held[t].0 += period.clip(since, until);
                    teams[t].wip += 1;
                    wip_ages[t].push((until - since).num_minutes());
                }
            }
            _ => {}
        }
    }

    /// The metrics of every history added.
    pub fn finish(self) -> Metrics {
        let MetricsFold {
            period,
            zone,
            boundaries,
            limbo_spells,
            causes,
            all_causes,
            teams,
            held,
            mut wip_ages,
            mut cycle,
            done_days,
            transitions,
            breach_days,
            dropped,
            ..
        } = self;
        let until = period.until;
        let mut overall = Overall::default();
        let mut all_spells = Vec::new();
        let mut boundary_list: Vec<BoundaryMetrics> = Vec::with_capacity(boundaries.len());
        for ((mut m, spells), tally) in boundaries.into_iter().zip(limbo_spells).zip(causes) {
            all_spells.extend(spells.iter().copied());
            m.causes = cause_list(tally);
            m.time_in_limbo = Stats::of(spells);
            m.open_ages_minutes.sort_unstable_by(|a, b| b.cmp(a));
            m.breach_rate = if m.sla_minutes.is_some() {
                ratio(m.breached, m.spells)
            } else {
                None
            };
            m.bounce_rate = ratio(m.bounced, m.accepted + m.bounced);
            overall.sent += m.sent;
            overall.accepted += m.accepted;
            overall.bounced += m.bounced;
            overall.reclaimed += m.reclaimed;
            overall.in_limbo_now += m.open_ages_minutes.len();
            overall.escalations += m.escalations;
            overall.incomplete_handoffs += m.incomplete_handoffs;
            overall.dropped_batons += m.dropped_batons;
            if m.sla_minutes.is_some() {
                overall.breached += m.breached;
                overall.spells += m.spells;
            }
            boundary_list.push(m);
        }
        overall.time_in_limbo = Stats::of(all_spells);
        overall.causes = cause_list(all_causes);
        overall.breach_rate = ratio(overall.breached, overall.spells);
        overall.bounce_rate = ratio(overall.bounced, overall.accepted + overall.bounced);

        let mut all_cycles = Vec::new();
        let (mut total_held, mut total_waited) = (Duration::zero(), Duration::zero());
        let mut team_list = Vec::with_capacity(teams.len());
        for (i, mut m) in teams.into_iter().enumerate() {
            let cycles = std::mem::take(&mut cycle[i]);
            all_cycles.extend(cycles.iter().copied());
            m.cycle_time = Stats::of(cycles);
            m.wip_age = Stats::of(std::mem::take(&mut wip_ages[i]));
            let (h, w) = held[i];
            total_held += h;
            total_waited += w;
            m.flow_efficiency = efficiency(h, w);
            overall.escalations += m.escalations;
            overall.dropped_batons += m.dropped_batons;
            overall.done += m.done;
            overall.wip += m.wip;
            team_list.push(m);
        }
        overall.dropped = Some(dropped);
        overall.cycle_time = Stats::of(all_cycles);
        overall.flow_efficiency = efficiency(total_held, total_waited);

        let first_day = period
            .since
            .or_else(|| transitions.iter().map(|t| t.0).min())
            .unwrap_or(until);
        let first_day = day_of(first_day, zone);
        let last_day = period.last_day(zone).max(first_day);
        let (daily_throughput, throughput) = throughput(&done_days, first_day, last_day);
        Metrics {
            period,
            overall,
            boundaries: boundary_list,
            teams: team_list,
            throughput,
            daily_throughput,
            cumulative_flow: cumulative_flow(transitions, first_day, until, zone),
            breaches_per_day: breach_days
                .into_iter()
                .map(|(day, breaches)| DayCount { day, breaches })
                .collect(),
        }
    }
}

fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Items done on every day from `first` to `last` and in every week (from its Monday)
/// that overlaps them, zeros included.
fn throughput(
    done_days: &BTreeMap<NaiveDate, usize>,
    first: NaiveDate,
    last: NaiveDate,
) -> (Vec<DayDone>, Vec<WeekCount>) {
    let mut days = Vec::new();
    let mut weeks: Vec<WeekCount> = Vec::new();
    let mut day = first;
    while day <= last {
        let done = done_days.get(&day).copied().unwrap_or(0);
        days.push(DayDone { day, done });
        let week = monday_of(day);
        match weeks.last_mut() {
            Some(w) if w.week == week => w.done += done,
            _ => weeks.push(WeekCount { week, done }),
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    (days, weeks)
}

fn efficiency(held: Duration, waited: Duration) -> Option<f64> {
    let total = held + waited;
    (total > Duration::zero()).then(|| held.num_seconds() as f64 / total.num_seconds() as f64)
}

/// At most this many points in the cumulative flow; longer periods use wider steps.
const MAX_FLOW_POINTS: i64 = 120;

fn cumulative_flow<Tz: TimeZone>(
    mut transitions: Vec<(DateTime<Utc>, Option<At>, At)>,
    first_day: NaiveDate,
    until: DateTime<Utc>,
    zone: &Tz,
) -> Vec<FlowPoint> {
    // Counts are read at the end of each day only, so the order of moves made at the
    // same instant does not matter.
    transitions.sort_unstable_by_key(|t| t.0);
    let last_day = day_of(until, zone);
    let days = (last_day - first_day).num_days().max(0) + 1;
    let step = (days + MAX_FLOW_POINTS - 1) / MAX_FLOW_POINTS;
    let mut counts = [0i64; 4];
    let index = |s: At| match s {
        At::Active => 0,
        At::Limbo => 1,
        At::Done => 2,
        At::Dropped => 3,
    };
    let mut points = Vec::new();
    let mut next = transitions.iter().peekable();
    let mut day = first_day;
    loop {
        let day_end = day
            .succ_opt()
            .and_then(|d| start_of_day(d, zone))
            .unwrap_or(until)
            .min(until + Duration::seconds(1));
        while let Some((at, from, to)) = next.peek() {
            if *at >= day_end {
                break;
            }
            if let Some(from) = from {
                counts[index(*from)] -= 1;
            }
            counts[index(*to)] += 1;
            next.next();
        }
        let count = |i: usize| usize::try_from(counts[i]).unwrap_or(0);
        points.push(FlowPoint {
            day,
            active: count(0),
            limbo: count(1),
            done: count(2),
            dropped: count(3),
        });
        if day >= last_day {
            break;
        }
        day = (day + Duration::days(step)).min(last_day);
    }
    points
}

/// One list of the period's troubles as the reports show it: which trouble, how many
/// there were in all (the metrics' count), and the most recent kept, oldest first.
pub struct TroubleList<'s> {
    pub trouble: Trouble,
    pub total: usize,
    pub shown: Vec<&'s Incident>,
}

/// The reports' lists of the period's breached, bounced, escalated, forced,
/// dropped-baton and dropped items, one per kind of trouble, in the reports' order.
pub fn trouble_lists<'s>(overall: &Overall, incidents: &'s [Incident]) -> Vec<TroubleList<'s>> {
    Trouble::ALL
        .into_iter()
        .map(|trouble| {
            let shown: Vec<&Incident> = incidents.iter().filter(|i| i.trouble == trouble).collect();
            let total = match trouble {
                Trouble::Breached => overall.breached,
                Trouble::Bounced => overall.bounced,
                Trouble::Escalated => overall.escalations,
                Trouble::Forced => overall.incomplete_handoffs,
                Trouble::DroppedBaton => overall.dropped_batons,
                // A snapshot saved before the count was kept has only its list.
                Trouble::Dropped => overall.dropped.unwrap_or(shown.len()),
            };
            TroubleList {
                trouble,
                total,
                shown,
            }
        })
        .collect()
}

/// Boundaries worst first: highest SLA breach rate, then the longest 85th-percentile
/// time in limbo, then the most bounces.
pub fn worst_first(boundaries: &[BoundaryMetrics]) -> Vec<&BoundaryMetrics> {
    let mut list: Vec<&BoundaryMetrics> = boundaries.iter().collect();
    list.sort_by(|a, b| {
        let rate = |m: &BoundaryMetrics| m.breach_rate.unwrap_or(-1.0);
        rate(b)
            .total_cmp(&rate(a))
            .then(
                b.time_in_limbo
                    .p85_minutes
                    .unwrap_or(0)
                    .cmp(&a.time_in_limbo.p85_minutes.unwrap_or(0)),
            )
            .then(b.bounced.cmp(&a.bounced))
    });
    list
}

/// A share as a whole percentage: `0.166` → `17%`; `—` when there is nothing to divide.
pub fn percent(share: Option<f64>) -> String {
    share.map_or("—".to_string(), |s| format!("{:.0}%", s * 100.0))
}

/// Minutes as a duration in words; `—` when absent.
pub fn minutes(value: Option<i64>) -> String {
    value.map_or("—".to_string(), |m| {
        super::duration::format_duration(Duration::minutes(m))
    })
}
