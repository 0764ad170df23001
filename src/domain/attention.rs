//! Attention signals: what needs someone's decision, why (in words), most urgent first.
//!
//! [`attention`] is the one function behind `baton attention` and standup triage.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::DomainError;
use super::duration::format_duration;
use super::model::{Dismissal, Item, ItemId};
use super::rules::Org;
use super::time::show_in;
use super::view::{Place, lacks_owner, limbo_time, sla_label};

/// Share of the SLA after which an item in limbo is at risk.
pub const AT_RISK_SHARE: f64 = 0.75;
/// How close a due date must be to raise `due-soon`.
pub const DUE_SOON_WITHIN_HOURS: i64 = 48;
/// Bounces that make an item a ping-pong.
pub const PING_PONG_BOUNCES: u32 = 2;
/// Title similarity (Jaccard over words) that makes a possible duplicate.
pub const DUPLICATE_SIMILARITY: f64 = 0.6;

/// The stable codes of the attention signals, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalCode {
    Overdue,
    SlaBreached,
    Escalated,
    DueSoon,
    LateHandoff,
    SlaAtRisk,
    PingPong,
    NoOwner,
    IncompleteHandoff,
    PossibleDuplicate,
    ContractIncomplete,
}

impl SignalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalCode::Overdue => "overdue",
            SignalCode::SlaBreached => "sla-breached",
            SignalCode::Escalated => "escalated",
            SignalCode::DueSoon => "due-soon",
            SignalCode::LateHandoff => "late-handoff",
            SignalCode::SlaAtRisk => "sla-at-risk",
            SignalCode::PingPong => "ping-pong",
            SignalCode::NoOwner => "no-owner",
            SignalCode::IncompleteHandoff => "incomplete-handoff",
            SignalCode::PossibleDuplicate => "possible-duplicate",
            SignalCode::ContractIncomplete => "contract-incomplete",
        }
    }

    pub const ALL: [SignalCode; 11] = [
        SignalCode::Overdue,
        SignalCode::SlaBreached,
        SignalCode::Escalated,
        SignalCode::DueSoon,
        SignalCode::LateHandoff,
        SignalCode::SlaAtRisk,
        SignalCode::PingPong,
        SignalCode::NoOwner,
        SignalCode::IncompleteHandoff,
        SignalCode::PossibleDuplicate,
        SignalCode::ContractIncomplete,
    ];

    pub fn parse(text: &str) -> Option<SignalCode> {
        SignalCode::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Every code, most urgent first: "overdue, sla-breached, …".
    pub fn list() -> String {
        let codes: Vec<&str> = SignalCode::ALL.iter().map(|c| c.as_str()).collect();
        codes.join(", ")
    }
}

/// Whether a signal may be dismissed: `overdue` and `sla-breached` are facts, and
/// `contract-incomplete` belongs to a boundary (the rules refuse them, saying why).
pub fn can_be_dismissed(code: SignalCode) -> bool {
    !matches!(
        code,
        SignalCode::Overdue | SignalCode::SlaBreached | SignalCode::ContractIncomplete
    )
}

/// A signal's code as a person types it, refused in words when there is none.
pub fn parse_signal(text: &str) -> Result<SignalCode, DomainError> {
    SignalCode::parse(text.trim()).ok_or_else(|| DomainError::UnknownSignal(text.to_string()))
}

/// One reason an item or boundary needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub code: SignalCode,
    pub reason: String,
    /// How far past (or into) the threshold, in minutes; orders items within a code.
    #[serde(skip)]
    pub weight: i64,
}

/// An item that needs attention and all its reasons, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    pub id: ItemId,
    pub signals: Vec<Signal>,
    /// The other team's item whose title this one's is like (`possible-duplicate`).
    #[serde(skip)]
    pub like: Option<ItemId>,
}

impl Attention {
    fn urgency(&self) -> (SignalCode, i64, usize, ItemId) {
        let top = self.signals.first();
        (
            top.map_or(SignalCode::ContractIncomplete, |s| s.code),
            -top.map_or(0, |s| s.weight),
            usize::MAX - self.signals.len(),
            self.id,
        )
    }
}

/// How an item in limbo stands against its boundary's SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStanding {
    Within,
    AtRisk,
    Breached,
    /// The boundary's contract sets no SLA.
    NoSla,
}

impl SlaStanding {
    /// The standing as scripts and reports read it.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaStanding::Within => "within",
            SlaStanding::AtRisk => "at-risk",
            SlaStanding::Breached => "breached",
            SlaStanding::NoSla => "no-sla",
        }
    }
}

/// Where an item that has waited `age` in limbo stands against `sla`.
pub fn standing(age: Duration, sla: Option<Duration>) -> SlaStanding {
    match sla {
        None => SlaStanding::NoSla,
        Some(sla) if age > sla => SlaStanding::Breached,
        Some(sla) if age.num_seconds() as f64 >= sla.num_seconds() as f64 * AT_RISK_SHARE => {
            SlaStanding::AtRisk
        }
        Some(_) => SlaStanding::Within,
    }
}

/// Items sent across a boundary before this moment have breached its SLA by `now`:
/// the same rule as [`standing`], as a point in time, so storage can count breaches
/// without loading the items.
pub fn breached_if_sent_before(now: DateTime<Utc>, sla: Duration) -> DateTime<Utc> {
    now.checked_sub_signed(sla)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// How close a due date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueStanding {
    Overdue,
    /// Due within [`DUE_SOON_WITHIN_HOURS`].
    Soon,
}

/// Whether `due` is past or close at `now`; `None` when it is further off.
pub fn due_standing(due: DateTime<Utc>, now: DateTime<Utc>) -> Option<DueStanding> {
    let left = due.signed_duration_since(now);
    if left < Duration::zero() {
        Some(DueStanding::Overdue)
    } else if left <= Duration::hours(DUE_SOON_WITHIN_HOURS) {
        Some(DueStanding::Soon)
    } else {
        None
    }
}

/// When a snooze ends by default: as the next standup's day begins, the next weekday
/// (Monday to Friday) after `now`'s day in `zone`, so the item is back in that
/// standup's queue whatever time it starts.
pub fn next_standup<Tz: TimeZone>(now: DateTime<Utc>, zone: &Tz) -> DateTime<Utc> {
    use chrono::Datelike;
    let mut day = super::time::day_of(now, zone);
    loop {
        let Some(next) = day.succ_opt() else {
            return now;
        };
        day = next;
        if day.weekday().number_from_monday() <= 5 {
            break;
        }
    }
    super::time::start_of_day(day, zone)
        .filter(|start| *start > now)
        .unwrap_or_else(|| now.checked_add_signed(Duration::days(1)).unwrap_or(now))
}

/// The attention queue over the open items given, most urgent first. Items snoozed
/// past `now` are left out until their snooze ends, unless overdue or breached. Standup triage walks this queue.
/// Times in reasons are shown in `zone`.
pub fn attention<Tz: TimeZone + Sync>(
    items: &[Item],
    org: &Org,
    now: DateTime<Utc>,
    zone: &Tz,
) -> Vec<Attention> {
    let join = || join_of(items);
    if items.len() < PARALLEL_FROM {
        let duplicates = join();
        return queue(items, own_signals_of(items, org, now, zone), &duplicates);
    }
    // The join needs only titles and teams, the other signals only each item: on a
    // large board they are worked out at the same time.
    std::thread::scope(|scope| {
        let duplicates = scope.spawn(join);
        let own = own_signals_of(items, org, now, zone);
        let duplicates = duplicates
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        queue(items, own, &duplicates)
    })
}

/// [`attention`] over the items `read` gives, with the duplicate join taking their
/// titles on another thread while the read goes on: `read` hands each open item to a
/// [`TitleFeeder`] of the sink it is given (one per thread that reads) as it is read,
/// and returns the organisation and all the items, in id order. The join reads the
/// titles of the very items the queue is made of, so its answer is theirs; the queue is
/// the same as [`attention`]'s, always. An error from `read` is given back as it is.
pub fn attention_reading<Tz: TimeZone + Sync, E>(
    now: DateTime<Utc>,
    zone: &Tz,
    read: impl FnOnce(&TitleSink) -> Result<(Org, Vec<Item>), E>,
) -> Result<(Org, Vec<Item>, Vec<Attention>), E> {
    std::thread::scope(|scope| {
        let (send, batches) = std::sync::mpsc::sync_channel::<FedTitles>(FED_BATCHES_WAITING);
        let join = scope.spawn(move || {
            let mut feed = TitleFeed::default();
            let mut dismissals = Vec::new();
            for batch in batches {
                batch.each(|id, team, title| feed.push(id, team, title));
                dismissals.extend(batch.dismissals);
            }
            let dismissed = dismissed_pairs(dismissals.iter().map(|(id, d)| (*id, d.as_slice())));
            TitleIndex::build_fed(feed, &dismissed, None).found
        });
        let sink = TitleSink { send };
        let read = read(&sink);
        // The join's titles end with the sink and its feeders.
        drop(sink);
        let (org, items) = read?;
        let own = own_signals_of(&items, &org, now, zone);
        let duplicates = join
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let queue = queue(&items, own, &duplicates);
        Ok((org, items, queue))
    })
}

/// Where [`attention_reading`]'s read hands the items it reads to the duplicate join.
pub struct TitleSink {
    send: std::sync::mpsc::SyncSender<FedTitles>,
}

impl TitleSink {
    /// A feeder for one thread's items.
    pub fn feeder(&self) -> TitleFeeder {
        TitleFeeder {
            send: self.send.clone(),
            batch: FedTitles::default(),
        }
    }
}

/// Hands the open items it is given to the duplicate join, a batch at a time (the last
/// when it is dropped).
pub struct TitleFeeder {
    send: std::sync::mpsc::SyncSender<FedTitles>,
    batch: FedTitles,
}

impl TitleFeeder {
    pub fn push(&mut self, item: &Item) {
        if item.state.is_open() {
            self.batch.push(item);
            if self.batch.ids.len() == FED_AT_ONCE {
                self.send_batch();
            }
        }
    }

    fn send_batch(&mut self) {
        // The join takes batches until the read is over: it is there to take this one.
        let _ = self.send.send(std::mem::take(&mut self.batch));
    }
}

impl Drop for TitleFeeder {
    fn drop(&mut self) {
        if !self.batch.ids.is_empty() {
            self.send_batch();
        }
    }
}

/// Titles [`attention_reading`] hands to the join at a time: fewer sends, and a batch
/// is still a small part of a large board.
const FED_AT_ONCE: usize = 2_048;
/// Batches read but not yet taken by the join before the read waits for it; the join
/// keeps up with the read, so this is rarely reached.
const FED_BATCHES_WAITING: usize = 64;

/// Open items' ids, teams and titles on their way to the join: the text of each batch
/// in one string, rather than two strings per item.
#[derive(Debug, Default)]
struct FedTitles {
    ids: Vec<ItemId>,
    /// Each item's team then title, end to end.
    text: String,
    /// Where each item's team and title end in `text`.
    ends: Vec<(usize, usize)>,
    dismissals: Vec<(ItemId, Vec<Dismissal>)>,
}

impl FedTitles {
    fn push(&mut self, item: &Item) {
        self.ids.push(item.id);
        self.text.push_str(&item.team);
        let team = self.text.len();
        self.text.push_str(&item.title);
        self.ends.push((team, self.text.len()));
        if !item.dismissed.is_empty() {
            self.dismissals.push((item.id, item.dismissed.clone()));
        }
    }

    fn each(&self, mut title: impl FnMut(ItemId, &str, &str)) {
        let mut from = 0;
        for (id, &(team, end)) in self.ids.iter().zip(&self.ends) {
            title(*id, &self.text[from..team], &self.text[team..end]);
            from = end;
        }
    }
}

/// [`possible_duplicates`] over the open ones of `items`, with their dismissals.
fn join_of(items: &[Item]) -> HashMap<ItemId, ItemId> {
    let open = || items.iter().filter(|i| i.state.is_open());
    let dismissed = dismissed_pairs(open().map(|i| (i.id, i.dismissed.as_slice())));
    possible_duplicates(
        open().map(|i| (i.id, i.team.as_str(), i.title.as_str())),
        &dismissed,
    )
}

/// [`attention`], with the duplicate-title join kept in `join` between calls: it is
/// worked out again only when a title, a team, the open items or a dismissal
/// changed, so standup triage's refresh after a note or a snooze does not pay for it.
/// The queue is the same as [`attention`]'s, always.
pub fn attention_with<Tz: TimeZone + Sync>(
    items: &[Item],
    org: &Org,
    now: DateTime<Utc>,
    zone: &Tz,
    join: &mut DuplicateJoin,
) -> Vec<Attention> {
    let duplicates = join.over(items);
    queue(items, own_signals_of(items, org, now, zone), duplicates)
}

/// The signals each open item raises by its own facts (all but `possible-duplicate`),
/// for the items in the queue now: open, and not hidden by a snooze.
fn own_signals_of<'a, Tz: TimeZone + Sync>(
    items: &'a [Item],
    org: &Org,
    now: DateTime<Utc>,
    zone: &Tz,
) -> Vec<(&'a Item, Vec<Signal>)> {
    let of = |items: &'a [Item]| -> Vec<(&'a Item, Vec<Signal>)> {
        items
            .iter()
            .filter(|i| i.state.is_open())
            .map(|item| (item, own_signals(item, org, now, zone)))
            .filter(|(item, signals)| !snooze_hides(item, signals, now))
            .collect()
    };
    if items.len() < PARALLEL_FROM {
        return of(items);
    }
    let (front, back) = items.split_at(items.len() / 2);
    in_two_halves(front, back, of)
}

/// `work` over `front` on this thread and over `back` on another at the same time,
/// the results in that order: a large board's queue is made so on both cores.
fn in_two_halves<T: Send, O: Send>(front: T, back: T, work: impl Fn(T) -> Vec<O> + Sync) -> Vec<O> {
    std::thread::scope(|scope| {
        let back = scope.spawn(|| work(back));
        let mut out = work(front);
        out.extend(
            back.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        out
    })
}

/// The queue, given each item's own signals and each open item's closest alike title.
fn queue(
    items: &[Item],
    own: Vec<(&Item, Vec<Signal>)>,
    duplicates: &HashMap<ItemId, ItemId>,
) -> Vec<Attention> {
    let by_id = ItemsById::new(items);
    let entries = |own: Vec<(&Item, Vec<Signal>)>| -> Vec<Attention> {
        own.into_iter()
            .filter_map(|(item, mut signals)| {
                let like = duplicates.get(&item.id).and_then(|id| by_id.get(*id));
                if let Some(other) = like {
                    push_duplicate(&mut signals, other);
                }
                (!signals.is_empty()).then_some(Attention {
                    id: item.id,
                    signals,
                    like: like.map(|i| i.id),
                })
            })
            .collect()
    };
    // On a large board, half the entries are made on another thread: half the items
    // have a duplicate to word, each looked up far from the item.
    let mut queue = if own.len() < PARALLEL_FROM {
        entries(own)
    } else {
        let mut front = own;
        let back = front.split_off(front.len() / 2);
        in_two_halves(front, back, entries)
    };
    // Each key once: it reads the top signal, which lives apart from the entry.
    queue.sort_by_cached_key(Attention::urgency);
    queue
}

/// Items found by id. A binary search over 100,000 items misses the cache at every
/// step, and the queue and its listing look up tens of thousands of them: where the ids
/// are dense (the store's open items mostly are), a table indexed by id, else a map.
pub struct ItemsById<'a> {
    items: &'a [Item],
    at: Positions,
}

enum Positions {
    /// Position + 1 of the item with id `first + n` at `n`; 0 for none.
    Table {
        first: ItemId,
        at: Vec<u32>,
    },
    Map(HashMap<ItemId, usize, Fast>),
}

impl<'a> ItemsById<'a> {
    pub fn new(items: &'a [Item]) -> ItemsById<'a> {
        let first = items.iter().map(|i| i.id).min().unwrap_or(0);
        let last = items.iter().map(|i| i.id).max().unwrap_or(0);
        let span = usize::try_from(last.saturating_sub(first)).unwrap_or(usize::MAX);
        let at = if span <= items.len().saturating_mul(4) && items.len() < u32::MAX as usize {
            let mut at = vec![0; span + 1];
            for (n, item) in items.iter().enumerate() {
                at[(item.id - first) as usize] = n as u32 + 1;
            }
            Positions::Table { first, at }
        } else {
            let mut at = HashMap::with_capacity_and_hasher(items.len(), Fast::default());
            at.extend(items.iter().enumerate().map(|(n, i)| (i.id, n)));
            Positions::Map(at)
        };
        ItemsById { items, at }
    }

    pub fn get(&self, id: ItemId) -> Option<&'a Item> {
        let n = match &self.at {
            Positions::Table { first, at } => {
                let slot = usize::try_from(id.checked_sub(*first)?).ok()?;
                usize::try_from(*at.get(slot)?).ok()?.checked_sub(1)?
            }
            Positions::Map(at) => *at.get(&id)?,
        };
        self.items.get(n)
    }
}

/// The duplicate-title join over some open items, kept between calls with its index of
/// titles: when items leave the open set (a merge, done, dropped), come back, change
/// title or team, or a dismissal changes, only the items whose closest match may have
/// changed are looked up again. The answer is always the one [`possible_duplicates`]
/// gives afresh.
#[derive(Debug, Clone, Default)]
pub struct DuplicateJoin {
    /// Each open item's id, team and title, in the order given.
    input: Vec<(ItemId, String, String)>,
    dismissed: HashSet<(ItemId, ItemId)>,
    index: Option<TitleIndex>,
}

impl DuplicateJoin {
    /// [`possible_duplicates`] over the open ones of `items`, updated from the last
    /// result where the join's input (ids, teams, titles, dismissed pairs) changed.
    pub fn over(&mut self, items: &[Item]) -> &HashMap<ItemId, ItemId> {
        let open = || items.iter().filter(|i| i.state.is_open());
        let dismissed = dismissed_pairs(open().map(|i| (i.id, i.dismissed.as_slice())));
        let same_order = self.input.len() == open().count()
            && open()
                .zip(&self.input)
                .all(|(i, (id, team, title))| i.id == *id && i.team == *team && i.title == *title);
        let index = match self.index.take() {
            Some(index) if same_order && dismissed == self.dismissed => index,
            Some(mut index) => {
                self.update(&mut index, items, &dismissed);
                index
            }
            None => TitleIndex::build(
                open().map(|i| (i.id, i.team.as_str(), i.title.as_str())),
                &dismissed,
            ),
        };
        self.input = open()
            .map(|i| (i.id, i.team.clone(), i.title.clone()))
            .collect();
        self.dismissed = dismissed;
        &self.index.insert(index).found
    }

    /// Brings `index` from the last input to the open ones of `items`.
    fn update(
        &self,
        index: &mut TitleIndex,
        items: &[Item],
        dismissed: &HashSet<(ItemId, ItemId)>,
    ) {
        let now: HashMap<ItemId, (&str, &str)> = items
            .iter()
            .filter(|i| i.state.is_open())
            .map(|i| (i.id, (i.team.as_str(), i.title.as_str())))
            .collect();
        let before: HashMap<ItemId, (&str, &str)> = self
            .input
            .iter()
            .map(|(id, team, title)| (*id, (team.as_str(), title.as_str())))
            .collect();
        // Gone, or retitled or moved to another team: out of the index first.
        let mut stale: Vec<ItemId> = before
            .iter()
            .filter(|(id, was)| now.get(id) != Some(was))
            .map(|(id, _)| *id)
            .collect();
        stale.sort_unstable();
        let mut fresh: Vec<(ItemId, &str, &str)> = now
            .iter()
            .filter(|(id, is)| before.get(id) != Some(is))
            .map(|(id, (team, title))| (*id, *team, *title))
            .collect();
        fresh.sort_unstable();
        let mut recheck: HashSet<ItemId> = HashSet::new();
        for id in &stale {
            recheck.extend(index.remove(*id));
        }
        for (id, team, title) in &fresh {
            index.insert(*id, team, title);
            recheck.insert(*id);
        }
        // A dismissal made or taken back changes the closest match of both items only.
        for (a, b) in dismissed.symmetric_difference(&self.dismissed) {
            recheck.insert(*a);
            recheck.insert(*b);
        }
        // A new title may be the closest match of items already there.
        for (id, _, _) in &fresh {
            for other in index.alike(*id, dismissed) {
                recheck.insert(other);
            }
        }
        for id in recheck {
            index.settle(id, dismissed);
        }
    }
}

/// The part of `queue` a team must decide (items it holds, or that wait in limbo to
/// come to it: the rule of [`Place::team_to_act`]), then the rest, each in queue order.
pub fn for_team(
    queue: Vec<Attention>,
    items: &[Item],
    team: &str,
) -> (Vec<Attention>, Vec<Attention>) {
    let by_id = ItemsById::new(items);
    queue.into_iter().partition(|a| {
        by_id
            .get(a.id)
            .is_some_and(|i| Place::of(i).team_to_act() == Some(team))
    })
}

/// Every signal of one open item, most urgent first; `like` is the other team's item
/// its title resembles, when [`possible_duplicates`] found one. Times in reasons are
/// shown in `zone`.
pub fn signals<Tz: TimeZone>(
    item: &Item,
    org: &Org,
    now: DateTime<Utc>,
    like: Option<&Item>,
    zone: &Tz,
) -> Vec<Signal> {
    let mut signals = own_signals(item, org, now, zone);
    if let Some(other) = like {
        push_duplicate(&mut signals, other);
    }
    signals
}

/// The signals the item's own facts raise and nobody dismissed, most urgent first.
fn own_signals<Tz: TimeZone>(item: &Item, org: &Org, now: DateTime<Utc>, zone: &Tz) -> Vec<Signal> {
    let mut signals = item_signals(item, org, now, zone);
    signals.retain(|s| !item.dismissed.iter().any(|d| d.code == s.code));
    signals.sort_by_key(|s| (s.code, -s.weight));
    signals
}

/// Adds `possible-duplicate` for `other`, the item whose title this one's is like,
/// keeping the signals most urgent first.
fn push_duplicate(signals: &mut Vec<Signal>, other: &Item) {
    // "title is like #12 “…”, held by sales", put together without the formatting
    // machinery: half the items of a large board have one.
    let mut id = itoa::Buffer::new();
    let id = id.format(other.id);
    let parts = [
        "title is like #",
        id,
        " “",
        &other.title,
        "”, held by ",
        &other.team,
    ];
    let mut reason = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| reason.push_str(p));
    signals.push(Signal {
        code: SignalCode::PossibleDuplicate,
        reason,
        weight: 0,
    });
    signals.sort_by_key(|s| (s.code, -s.weight));
}

/// The signals a snooze never hides: facts, which no judgement makes go away.
pub fn snooze_cannot_hide(code: SignalCode) -> bool {
    matches!(code, SignalCode::Overdue | SignalCode::SlaBreached)
}

/// Whether `item`, raising `signals` at `now`, is kept out of the queue by a snooze: until
/// the snooze ends, unless the item is overdue or its SLA is breached (a due date or a
/// breach that comes during a snooze brings the item back at once).
fn snooze_hides(item: &Item, signals: &[Signal], now: DateTime<Utc>) -> bool {
    snoozed_until(item, now).is_some() && !signals.iter().any(|s| snooze_cannot_hide(s.code))
}

/// When `item`'s snooze ends, while it lasts at `now` (an open item's only).
pub fn snoozed_until(item: &Item, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    item.snoozed_until
        .filter(|until| item.state.is_open() && *until > now)
}

/// Whether the item's own facts raise signal `code` at `now`, dismissed or not
/// (`possible-duplicate`, which needs the other items, never).
pub fn raised(item: &Item, org: &Org, now: DateTime<Utc>, code: SignalCode) -> bool {
    item.state.is_open()
        && item_signals(item, org, now, &Utc)
            .iter()
            .any(|s| s.code == code)
}

/// Pairs of items that dismissed each other as possible duplicates, lower id first.
/// Both sides must still hold the dismissal: retitling either brings the pair back.
pub fn dismissed_pairs<'a>(
    items: impl IntoIterator<Item = (ItemId, &'a [Dismissal])>,
) -> HashSet<(ItemId, ItemId)> {
    let mut one_side: HashSet<(ItemId, ItemId)> = HashSet::new();
    let mut pairs = HashSet::new();
    for (id, dismissed) in items {
        for other in dismissed
            .iter()
            .filter(|d| d.code == SignalCode::PossibleDuplicate)
            .filter_map(|d| d.with)
        {
            if one_side.contains(&(other, id)) {
                pairs.insert((id.min(other), id.max(other)));
            } else {
                one_side.insert((id, other));
            }
        }
    }
    pairs
}

/// Whether two titles are alike enough to make their items possible duplicates: at
/// least two shared words, and Jaccard similarity over words of [`DUPLICATE_SIMILARITY`]
/// or more. [`possible_duplicates`] finds the same pairs without comparing every two.
pub fn titles_alike(a: &str, b: &str) -> bool {
    let (a, b) = (title_words(a), title_words(b));
    let shared = a.iter().filter(|w| b.contains(w)).count();
    let union = a.len() + b.len() - shared;
    shared >= 2 && shared as f64 / union as f64 >= DUPLICATE_SIMILARITY
}

fn item_signals<Tz: TimeZone>(
    item: &Item,
    org: &Org,
    now: DateTime<Utc>,
    zone: &Tz,
) -> Vec<Signal> {
    let mut signals = Vec::new();
    let mut push = |code, weight, reason: String| {
        signals.push(Signal {
            code,
            reason,
            weight,
        })
    };
    let place = Place::of(item);
    // Reasons are written only for the signals raised: most items raise one or two.
    if let Some(time) = limbo_time(item, org, now)
        && let Some(sla) = time.sla
        && matches!(time.standing, SlaStanding::Breached | SlaStanding::AtRisk)
    {
        let over = time.used - sla;
        // Around the clock: "in limbo 3d, SLA 2d"; with a calendar: "in limbo 2d 18h:
        // 9h 30m of 1d working time used".
        let (head, sep) = match time.working_day {
            Some(_) => (time.describe(), ", "),
            None => (
                format!(
                    "in limbo {}, {}",
                    format_duration(time.age),
                    sla_label(Some(sla))
                ),
                ": ",
            ),
        };
        if time.standing == SlaStanding::Breached {
            push(
                SignalCode::SlaBreached,
                over.num_minutes(),
                format!("{head}{sep}breached by {}", time.counted(over)),
            );
        } else {
            push(
                SignalCode::SlaAtRisk,
                over.num_minutes(),
                format!("{head}{sep}{} left", time.counted(-over)),
            );
        }
    }
    if lacks_owner(item.owner.is_some(), item.boundary(), org) {
        let reason = match place {
            Place::Limbo { .. } => {
                format!("{} and the contract names no next owner", place.describe())
            }
            _ => format!("held by {} and nobody owns it", item.team),
        };
        push(SignalCode::NoOwner, 0, reason);
    }
    if !item.incomplete_handoff.is_empty() {
        let n = item.incomplete_handoff.len();
        push(
            SignalCode::IncompleteHandoff,
            n as i64,
            format!(
                "handed off with {n} definition-of-done {} unticked: {}",
                if n == 1 { "entry" } else { "entries" },
                item.incomplete_handoff.join("; ")
            ),
        );
    }
    if item.bounces >= PING_PONG_BOUNCES {
        push(
            SignalCode::PingPong,
            i64::from(item.bounces),
            format!("bounced {} times", item.bounces),
        );
    }
    if let Some(escalation) = &item.escalation {
        let ago = now.signed_duration_since(escalation.at);
        push(
            SignalCode::Escalated,
            ago.num_minutes(),
            match &escalation.to {
                Some(to) => format!("escalated to {to} {} ago", format_duration(ago)),
                None => format!("escalated {} ago, to no one named", format_duration(ago)),
            },
        );
    }
    if let Some(late) = late_handoff(item, org, zone) {
        push(
            SignalCode::LateHandoff,
            late.short.num_minutes(),
            late.reason,
        );
    }
    if let Some(due) = item.due
        && let Some(standing) = due_standing(due, now)
    {
        let left = due.signed_duration_since(now);
        let due_text = show_in(due, zone);
        let where_it_is = place.within_reason();
        match standing {
            DueStanding::Overdue => push(
                SignalCode::Overdue,
                -left.num_minutes(),
                format!(
                    "overdue by {} (due {due_text}), {where_it_is}",
                    format_duration(left)
                ),
            ),
            DueStanding::Soon => push(
                SignalCode::DueSoon,
                -left.num_minutes(),
                format!(
                    "due in {} ({due_text}), {where_it_is}",
                    format_duration(left)
                ),
            ),
        }
    }
    signals
}

/// A handoff that gave the receiving team less time before the item's due date than
/// the contract promises them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateHandoff {
    /// How much less, in the time the SLA counts.
    pub short: Duration,
    pub reason: String,
}

/// Whether sending `item` (due at `due`) across `from → to` at `sent` is a late
/// handoff: the SLA in force then runs out after the due date. The rule behind the
/// `late-handoff` signal and the warnings `send` and the send form give before it.
pub fn late_send<Tz: TimeZone>(
    org: &Org,
    from: &str,
    to: &str,
    sent: DateTime<Utc>,
    due: DateTime<Utc>,
    zone: &Tz,
) -> Option<LateHandoff> {
    let time = super::view::spell_time(org, from, to, sent, due.max(sent));
    let sla = time.sla?;
    (time.used < sla).then(|| LateHandoff {
        short: sla - time.used,
        reason: format!(
            "sent to {to} with {} left before its due date ({}); the contract gives {to} {}",
            time.counted(time.used),
            show_in(due, zone),
            time.counted(sla)
        ),
    })
}

/// The late handoff of an item in limbo, if its send was one.
pub fn late_handoff<Tz: TimeZone>(item: &Item, org: &Org, zone: &Tz) -> Option<LateHandoff> {
    let (from, to) = item.boundary()?;
    late_send(org, from, to, item.limbo.as_ref()?.sent_at, item.due?, zone)
}

/// Words that say nothing about what an item is.
const FILLER: [&str; 16] = [
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or", "the",
    "to",
];

/// Calls `word` with each word of `title` that carries meaning, lower-cased, in the
/// order written (repeats included), through one reused buffer: the join reads 100,000
/// titles, and a string per word was a large part of its time.
fn each_word(title: &str, lower: &mut String, mut word: impl FnMut(&str)) {
    for written in title.split(|c: char| !c.is_alphanumeric()) {
        if written.is_empty() {
            continue;
        }
        lower.clear();
        if written.is_ascii() {
            lower.push_str(written);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&written.to_lowercase());
        }
        // Every filler word is short: longer words need no look-up.
        if lower.len() > 4 || !FILLER.contains(&lower.as_str()) {
            word(lower);
        }
    }
}

/// Words of a title that carry meaning: lower-cased, without filler words.
pub fn title_words(title: &str) -> Vec<String> {
    let mut words = Vec::new();
    each_word(title, &mut String::new(), |w| words.push(w.to_string()));
    words.sort();
    words.dedup();
    words
}

/// [`possible_duplicates`] over titles that `read` gives one at a time, as a read of
/// the items gives them (the join keeps their words, not their text), `read` then
/// giving back the dismissed pairs.
pub fn possible_duplicates_reading<E>(
    read: impl FnOnce(&mut dyn FnMut(ItemId, &str, &str)) -> Result<HashSet<(ItemId, ItemId)>, E>,
) -> Result<HashMap<ItemId, ItemId>, E> {
    let mut feed = TitleFeed::default();
    let dismissed = read(&mut |id, team, title| feed.push(id, team, title))?;
    Ok(TitleIndex::build_fed(feed, &dismissed, None).found)
}

/// Pairs open items held by different teams whose titles are alike, giving each
/// item its closest match (ties to the lower id). A set-similarity join with prefix
/// filtering: two word sets with Jaccard ≥ t must share a word among the first
/// `|x| - o + 1` of each in one fixed order (rarest first), `o` being the fewest words
/// they can share; only those are indexed, so the work grows with the number of items,
/// not its square. See [`TitleIndex::build`] for the filters on top.
/// Pairs in `dismissed` (lower id first, as [`dismissed_pairs`] gives them) are not
/// matched.
pub fn possible_duplicates<'a>(
    open: impl IntoIterator<Item = (ItemId, &'a str, &'a str)>,
    dismissed: &HashSet<(ItemId, ItemId)>,
) -> HashMap<ItemId, ItemId> {
    TitleIndex::build(open, dismissed).found
}

/// Hashing for the join's own maps (words, teams, entries): their keys come from the
/// board the user opened, and SipHash was a tenth of the join.
type Fast = foldhash::fast::RandomState;

/// Below this many titles the join runs on one thread: starting others costs more.
const PARALLEL_FROM: usize = 4_096;
/// Probes a thread takes at a time: a word's postings stay in its cache while it works
/// through them, and the threads finish close together.
const PROBES_AT_ONCE: usize = 256;
/// More threads than this gain nothing on a join of this size.
const MOST_THREADS: usize = 8;

/// The titles of the open items as the duplicate join reads them, and each item's
/// closest match.
#[derive(Debug, Clone, Default)]
struct TitleIndex {
    /// Each word's number, which is also its place in the order prefixes are taken in:
    /// rarest first for the words of the build (any fixed order finds every pair; rarest
    /// first finds them fastest). Words first seen later come after all of them, which
    /// keeps the order fixed for the titles already indexed.
    words: HashMap<Box<str>, u32, Fast>,
    teams: HashMap<Box<str>, u32, Fast>,
    /// Per entry (an item as indexed; a retitled item gets a new one): its id, team,
    /// whether it is still open, and its closest match with how alike they are.
    ids: Vec<ItemId>,
    team: Vec<u32>,
    alive: Vec<bool>,
    best: Vec<Option<(f64, ItemId)>>,
    /// Each title's word numbers in order, end to end in one list (entry x's from
    /// `starts[x]` to `starts[x + 1]`): the join reads millions of them, and one list
    /// keeps them in the cache.
    flat: Vec<u32>,
    starts: Vec<usize>,
    /// The open entry of each item, made on the first change (a one-off join never
    /// looks an item up).
    entry: Option<HashMap<ItemId, u32, Fast>>,
    /// Each word's postings for the changes after the build: every open entry with the
    /// word among its first [`Sizes::prefix`] words. Made on the first change.
    kept: Option<Vec<Vec<Kept>>>,
    /// `seen[y] == stamp` once entry y has been looked at in this probe.
    seen: Vec<u32>,
    stamp: u32,
    found: HashMap<ItemId, ItemId>,
}

/// Titles read into the join one at a time, as a read of the items gives them: each
/// title's words numbered as first seen, and counted. The order of the words (rarest
/// first) and the entries are made once all are in ([`TitleIndex::entries_of`]).
#[derive(Debug)]
struct TitleFeed {
    /// Its words and teams, numbered as first seen.
    index: TitleIndex,
    lower: String,
    /// Each title's distinct word numbers, end to end (title g's from `raw_starts[g]`).
    raw: Vec<u32>,
    raw_starts: Vec<usize>,
    /// How many titles have each word.
    counts: Vec<u32>,
    /// Each title's item and team number.
    given: Vec<(ItemId, u32)>,
}

impl Default for TitleFeed {
    fn default() -> TitleFeed {
        TitleFeed {
            index: TitleIndex::default(),
            lower: String::new(),
            raw: Vec::new(),
            raw_starts: vec![0],
            counts: Vec::new(),
            given: Vec::new(),
        }
    }
}

impl TitleFeed {
    fn push(&mut self, id: ItemId, team: &str, title: &str) {
        let TitleFeed {
            index,
            lower,
            raw,
            raw_starts,
            counts,
            given,
        } = self;
        let start = raw.len();
        each_word(title, lower, |w| {
            let next = index.words.len() as u32;
            let word = match index.words.get(w) {
                Some(word) => *word,
                None => {
                    index.words.insert(w.into(), next);
                    counts.push(0);
                    next
                }
            };
            raw.push(word);
        });
        raw[start..].sort_unstable();
        let mut kept = start;
        for n in start..raw.len() {
            if n == start || raw[n] != raw[kept - 1] {
                raw[kept] = raw[n];
                kept += 1;
            }
        }
        raw.truncate(kept);
        for &w in &raw[start..] {
            counts[w as usize] += 1;
        }
        raw_starts.push(raw.len());
        let team = index.team_number(team);
        given.push((id, team));
    }
}

/// One title in the postings kept for changes: the entry, and how many of its words
/// follow the word.
#[derive(Debug, Clone, Copy)]
struct Kept {
    entry: u32,
    rest: u32,
}

/// A run of the build's postings of one word: titles of `len` words with the word at
/// place `at`, ending at `end`.
#[derive(Debug, Clone, Copy)]
struct Group {
    len: u32,
    at: u32,
    end: u32,
}

/// What the prefix filter needs to know of a title of some number of words.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// How many of its first words it must share one of with any alike title: two
    /// titles that share `o` words share one among the first `len - o + 1` of each.
    prefix: usize,
    /// The same, with titles at least as long as it: the build indexes only those
    /// words, since every title probes the ones not longer than it.
    index_prefix: usize,
    /// The fewest words an alike title can have.
    shortest: usize,
}

impl Sizes {
    fn of(len: usize) -> Sizes {
        let shortest = shortest_alike(len);
        if shortest > len {
            return Sizes {
                prefix: 0,
                index_prefix: 0,
                shortest,
            };
        }
        Sizes {
            prefix: len + 1 - needed(len, shortest),
            index_prefix: len + 1 - needed(len, len),
            shortest,
        }
    }
}

/// The fewest words a title alike one of `len` words can have; more than `len` when
/// none can be.
fn shortest_alike(len: usize) -> usize {
    let alike = |b: usize| needed(len, b) <= b;
    let mut b = ((DUPLICATE_SIMILARITY * len as f64) as usize).max(2);
    while b > 2 && alike(b - 1) {
        b -= 1;
    }
    while b <= len && !alike(b) {
        b += 1;
    }
    b
}

/// [`words_needed`], from a table for the sizes titles have.
fn needed(a: usize, b: usize) -> usize {
    const SIDE: usize = 64;
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    if a < SIDE && b < SIDE {
        let table = TABLE.get_or_init(|| {
            (0..SIDE * SIDE)
                .map(|n| u8::try_from(words_needed(n / SIDE, n % SIDE)).unwrap_or(u8::MAX))
                .collect()
        });
        usize::from(table[a * SIDE + b])
    } else {
        words_needed(a, b)
    }
}

/// A title's words as bits of one number (word mod 64), and how many landed on a bit
/// already taken: two titles share at most the bits both have plus the fewer of those
/// extra words, which rules out most candidates with one AND.
fn mask_of(set: &[u32]) -> (u64, u32) {
    let mask = set.iter().fold(0u64, |m, w| m | 1 << (w % 64));
    (mask, set.len() as u32 - mask.count_ones())
}

/// How alike two titles' word sets are, if they are alike (sharing `needed` words or
/// more).
fn similarity(x: &[u32], y: &[u32], needed: usize) -> Option<f64> {
    let shared = shared_at_least(x, y, needed)?;
    let similarity = shared as f64 / (x.len() + y.len() - shared) as f64;
    (shared >= 2 && similarity >= DUPLICATE_SIMILARITY).then_some(similarity)
}

/// A pair met in a prefix: entry x's words `set`, the word they met on at `i` in x and
/// with `rest` words after it in y. That word is the first the two share (an earlier
/// one would have been met first, the order being the same in both), so they share
/// at most it and the shorter of what follows.
fn alike_from(set: &[u32], i: usize, other: &[u32], rest: usize) -> Option<f64> {
    let need = needed(set.len(), other.len());
    if 1 + (set.len() - i - 1).min(rest) < need {
        return None;
    }
    similarity(set, other, need)
}

/// A probe of a word's postings: an entry x with the word at place `at`, and what the
/// probe reads of x (its length, [`mask_of`] and extra words, team). The probes of one
/// word are of entries all over the index: read from x's own places, each was a few
/// misses of the cache, and the probes took a fifth longer.
#[derive(Debug, Clone, Copy, Default)]
struct Probe {
    mask: u64,
    entry: u32,
    at: u32,
    len: u32,
    extra: u32,
    team: u32,
}

/// The build's postings: for each word, the titles with it among their first
/// [`Sizes::index_prefix`] words, in groups by length and place.
struct Postings {
    /// Where each word's postings begin in the lists below (and end: `offsets[w + 1]`).
    offsets: Vec<usize>,
    /// Each posting's title: [`mask_of`] its words (the bits, and the words that
    /// landed on a bit already taken), and its entry. Apart, as a probe tests every
    /// posting's bits and reads the entry of a few.
    masks: Vec<u64>,
    extras: Vec<u32>,
    entries: Vec<u32>,
    /// Each word's groups, end to end (`group_offsets[w]..group_offsets[w + 1]`).
    group_offsets: Vec<usize>,
    groups: Vec<Group>,
}

impl TitleIndex {
    /// The join over `open`, worked out afresh. Entries are numbered shortest title
    /// first, so that each probes only the entries before it (each pair once, the
    /// longer title probing) and indexes fewer of its words ([`Sizes::index_prefix`]).
    /// A word's postings are grouped by length and place, so a probe skips every group
    /// that cannot leave enough shared words after the word; what is left is ruled out
    /// mostly by [`mask_of`], before any two titles are compared. The probes are shared
    /// among the machine's cores; the closest match is a maximum, the same whichever
    /// thread finds a pair first.
    fn build<'a>(
        open: impl IntoIterator<Item = (ItemId, &'a str, &'a str)>,
        dismissed: &HashSet<(ItemId, ItemId)>,
    ) -> TitleIndex {
        TitleIndex::build_on(open, dismissed, None)
    }

    /// [`TitleIndex::build`] on this many threads (`None`: one below
    /// [`PARALLEL_FROM`] titles, else one per core).
    fn build_on<'a>(
        open: impl IntoIterator<Item = (ItemId, &'a str, &'a str)>,
        dismissed: &HashSet<(ItemId, ItemId)>,
        threads: Option<usize>,
    ) -> TitleIndex {
        let mut feed = TitleFeed::default();
        for (id, team, title) in open {
            feed.push(id, team, title);
        }
        TitleIndex::build_fed(feed, dismissed, threads)
    }

    /// [`TitleIndex::build_on`] over the titles given to `feed`.
    fn build_fed(
        mut feed: TitleFeed,
        dismissed: &HashSet<(ItemId, ItemId)>,
        threads: Option<usize>,
    ) -> TitleIndex {
        let mut index = std::mem::take(&mut feed.index);
        let (order, place) = index.entries_of(feed);
        let n = index.ids.len();
        let longest = (0..n).map(|x| index.len_of(x)).max().unwrap_or(0);
        // Where each length begins among the entries, and its sizes.
        let mut first_of_length = vec![n; longest + 2];
        let mut sizes: Vec<Sizes> = vec![Sizes::of(0); longest + 1];
        for x in (0..n).rev() {
            let len = index.len_of(x);
            if first_of_length[len] == n {
                sizes[len] = Sizes::of(len);
            }
            first_of_length[len] = x;
        }
        for len in (0..=longest).rev() {
            first_of_length[len] = first_of_length[len].min(first_of_length[len + 1]);
        }
        let masks: Vec<(u64, u32)> = (0..n).map(|x| mask_of(index.set_of(x))).collect();
        let words = place.len();
        let threads = threads.unwrap_or(if n < PARALLEL_FROM {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, |t| t.get())
                .min(MOST_THREADS)
        });
        // The postings and the probes each read the entries alone: made side by side
        // when the join has threads.
        let postings = || index.postings(words, &sizes, &first_of_length, &masks);
        let probes = || index.probes(words, &sizes, &masks);
        let (postings, (probe_offsets, probes)) = if threads < 2 {
            (postings(), probes())
        } else {
            std::thread::scope(|scope| {
                let probes = scope.spawn(probes);
                let postings = postings();
                let probes = probes
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (postings, probes)
            })
        };
        drop(order);
        let mut work: Vec<(usize, usize, usize)> = Vec::new();
        for w in 0..words {
            if postings.offsets[w] == postings.offsets[w + 1] {
                continue;
            }
            let mut from = probe_offsets[w];
            while from < probe_offsets[w + 1] {
                let to = (from + PROBES_AT_ONCE).min(probe_offsets[w + 1]);
                work.push((w, from, to));
                from = to;
            }
        }
        let probe = |(w, from, to): (usize, usize, usize), found: &mut Vec<(u32, u32, f64)>| {
            index.probe_word(w, &probes[from..to], &postings, &sizes, found);
        };
        let matches: Vec<Vec<(u32, u32, f64)>> = if threads < 2 {
            let mut found = Vec::new();
            for &item in &work {
                probe(item, &mut found);
            }
            vec![found]
        } else {
            let next = AtomicUsize::new(0);
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut found = Vec::new();
                            while let Some(&item) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                                probe(item, &mut found);
                            }
                            found
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        for (x, y, similarity) in matches.into_iter().flatten() {
            let (a, b) = (index.ids[x as usize], index.ids[y as usize]);
            if dismissed.is_empty() || !dismissed.contains(&(a.min(b), a.max(b))) {
                index.offer(x as usize, b, similarity);
                index.offer(y as usize, a, similarity);
            }
        }
        index.found = index
            .best
            .iter()
            .zip(&index.ids)
            .filter_map(|(best, id)| best.map(|(_, other)| (*id, other)))
            .collect();
        index
    }

    /// Makes the entries of the titles `feed` was given, shortest first (in the order
    /// given among equals), with their words numbered rarest first. Gives the words in
    /// that order (by their first numbers) and each first number's place in it.
    fn entries_of(&mut self, feed: TitleFeed) -> (Vec<u32>, Vec<u32>) {
        let TitleFeed {
            raw,
            raw_starts,
            counts,
            given,
            ..
        } = feed;
        let mut order: Vec<u32> = (0..counts.len() as u32).collect();
        order.sort_unstable_by_key(|&w| (counts[w as usize], w));
        let mut place = vec![0u32; order.len()];
        for (p, &w) in order.iter().enumerate() {
            place[w as usize] = p as u32;
        }
        for word in self.words.values_mut() {
            *word = place[*word as usize];
        }
        let mut by_length: Vec<u32> = (0..given.len() as u32).collect();
        by_length.sort_by_key(|&g| raw_starts[g as usize + 1] - raw_starts[g as usize]);
        let n = given.len();
        self.ids.reserve(n);
        self.team.reserve(n);
        self.flat.reserve(raw.len());
        self.starts.reserve(n + 1);
        self.starts.push(0);
        for &g in &by_length {
            let (id, team) = given[g as usize];
            let start = self.flat.len();
            self.flat.extend(
                raw[raw_starts[g as usize]..raw_starts[g as usize + 1]]
                    .iter()
                    .map(|w| place[*w as usize]),
            );
            self.flat[start..].sort_unstable();
            self.starts.push(self.flat.len());
            self.ids.push(id);
            self.team.push(team);
        }
        self.alive = vec![true; n];
        self.best = vec![None; n];
        self.seen = vec![0; n];
        (order, place)
    }

    /// Where each word's run starts in a list of every entry's first `prefix(len)` words
    /// grouped by word (a counting sort): run `w` is `offsets[w]..offsets[w + 1]`.
    fn word_offsets(&self, words: usize, prefix: impl Fn(usize) -> usize) -> Vec<usize> {
        let mut offsets = vec![0usize; words + 1];
        for x in 0..self.ids.len() {
            for &w in &self.set_of(x)[..prefix(self.len_of(x))] {
                offsets[w as usize + 1] += 1;
            }
        }
        for w in 0..words {
            offsets[w + 1] += offsets[w];
        }
        offsets
    }

    /// Each word's probes (see [`Probe`]): every entry with the word among its first
    /// [`Sizes::prefix`] words, and where each word's begin (`offsets[w]` to
    /// `offsets[w + 1]`).
    fn probes(
        &self,
        words: usize,
        sizes: &[Sizes],
        masks: &[(u64, u32)],
    ) -> (Vec<usize>, Vec<Probe>) {
        let offsets = self.word_offsets(words, |len| sizes[len].prefix);
        let mut probes = vec![Probe::default(); offsets[words]];
        let mut fill = offsets.clone();
        for (x, &(mask, extra)) in masks.iter().enumerate() {
            let set = self.set_of(x);
            for (at, &w) in set[..sizes[set.len()].prefix].iter().enumerate() {
                probes[fill[w as usize]] = Probe {
                    mask,
                    entry: x as u32,
                    at: at as u32,
                    len: set.len() as u32,
                    extra,
                    team: self.team[x],
                };
                fill[w as usize] += 1;
            }
        }
        (offsets, probes)
    }

    /// The build's postings (see [`Postings`]), filled length by length, place by
    /// place, entry by entry: the order of each word's groups.
    fn postings(
        &self,
        words: usize,
        sizes: &[Sizes],
        first_of_length: &[usize],
        masks: &[(u64, u32)],
    ) -> Postings {
        let offsets = self.word_offsets(words, |len| sizes[len].index_prefix);
        let total = offsets[words];
        let mut fill = offsets.clone();
        let mut postings = Postings {
            offsets: Vec::new(),
            masks: vec![0; total],
            extras: vec![0; total],
            entries: vec![0; total],
            group_offsets: vec![0; words + 1],
            groups: Vec::new(),
        };
        // Each group as made, with its word; then put in order of words.
        let mut made: Vec<(u32, Group)> = Vec::new();
        let mut current: Vec<Option<usize>> = vec![None; words];
        for len in 2..sizes.len() {
            let entries = first_of_length[len]..first_of_length[len + 1];
            for at in 0..sizes[len].index_prefix {
                for x in entries.clone() {
                    let w = self.flat[self.starts[x] + at] as usize;
                    let k = fill[w];
                    fill[w] += 1;
                    let (mask, extra) = masks[x];
                    postings.masks[k] = mask;
                    postings.extras[k] = extra;
                    postings.entries[k] = x as u32;
                    let end = (k + 1) as u32;
                    match current[w] {
                        Some(g) if made[g].1.len == len as u32 && made[g].1.at == at as u32 => {
                            made[g].1.end = end;
                        }
                        _ => {
                            current[w] = Some(made.len());
                            let (len, at) = (len as u32, at as u32);
                            made.push((w as u32, Group { len, at, end }));
                        }
                    }
                }
            }
        }
        for (w, _) in &made {
            postings.group_offsets[*w as usize + 1] += 1;
        }
        for w in 0..words {
            postings.group_offsets[w + 1] += postings.group_offsets[w];
        }
        let mut fill = postings.group_offsets.clone();
        postings.groups = vec![
            Group {
                len: 0,
                at: 0,
                end: 0
            };
            made.len()
        ];
        for (w, group) in made {
            postings.groups[fill[w as usize]] = group;
            fill[w as usize] += 1;
        }
        postings.offsets = offsets;
        postings
    }

    /// Probes word `w`'s postings for each of `probes`, pushing `(x, y, similarity)`
    /// for each alike entry y before x of another team.
    fn probe_word(
        &self,
        w: usize,
        probes: &[Probe],
        postings: &Postings,
        sizes: &[Sizes],
        found: &mut Vec<(u32, u32, f64)>,
    ) {
        let groups = &postings.groups[postings.group_offsets[w]..postings.group_offsets[w + 1]];
        let teams = self.team.as_slice();
        for probe in probes {
            let (x, i, a) = (probe.entry as usize, probe.at as usize, probe.len as usize);
            let size = sizes[a];
            let (mask, extra, team) = (probe.mask, probe.extra, probe.team);
            let first = groups.partition_point(|g| (g.len as usize) < size.shortest);
            let mut begin = match first {
                0 => postings.offsets[w],
                _ => groups[first - 1].end as usize,
            };
            for g in &groups[first..] {
                let (b, at, end) = (g.len as usize, g.at as usize, g.end as usize);
                let mut range = begin..end;
                begin = end;
                if b > a {
                    break;
                }
                // The word is the first the two share (see `alike_from`): both must
                // have enough words from it on.
                let need = needed(a, b);
                if a - i < need || b - at < need {
                    continue;
                }
                if b == a {
                    range.end = range.start
                        + postings.entries[range.clone()].partition_point(|y| (*y as usize) < x);
                }
                // Which of the postings share enough of x's bits, 64 at a time and
                // without a branch (most do not, and which ones is a coin toss); then
                // those few one by one. Every alike pair shares `need` words: they
                // share at least that many bits, less the fewer of the two's collided
                // words.
                let entries = &postings.entries[range.clone()];
                let blocks = postings.masks[range.clone()].chunks(64);
                for (k, (masks, extras)) in
                    blocks.zip(postings.extras[range].chunks(64)).enumerate()
                {
                    let mut pass = 0u64;
                    for (bit, (&other, &spare)) in masks.iter().zip(extras).enumerate() {
                        let shared = (mask & other).count_ones() + extra.min(spare);
                        pass |= u64::from(shared >= need as u32) << bit;
                    }
                    while pass != 0 {
                        let y = entries[k * 64 + pass.trailing_zeros() as usize] as usize;
                        pass &= pass - 1;
                        if teams[y] == team {
                            continue;
                        }
                        if let Some(similarity) = similarity(self.set_of(x), self.set_of(y), need) {
                            found.push((x as u32, y as u32, similarity));
                        }
                    }
                }
            }
        }
    }

    fn team_number(&mut self, team: &str) -> u32 {
        if let Some(t) = self.teams.get(team) {
            return *t;
        }
        let next = self.teams.len() as u32;
        self.teams.insert(team.into(), next);
        next
    }

    fn set_of(&self, x: usize) -> &[u32] {
        &self.flat[self.starts[x]..self.starts[x + 1]]
    }

    fn len_of(&self, x: usize) -> usize {
        self.starts[x + 1] - self.starts[x]
    }

    /// Makes `b` entry x's closest match if it is closer than the one it has (ties to
    /// the lower id).
    fn offer(&mut self, x: usize, b: ItemId, similarity: f64) {
        let better =
            self.best[x].is_none_or(|(s, id)| similarity > s || (similarity == s && b < id));
        if better {
            self.best[x] = Some((similarity, b));
        }
    }

    /// Each open item's entry, made the first time.
    fn entries(&mut self) -> &mut HashMap<ItemId, u32, Fast> {
        let (ids, alive) = (&self.ids, &self.alive);
        self.entry.get_or_insert_with(|| {
            ids.iter()
                .zip(alive)
                .enumerate()
                .filter(|(_, (_, alive))| **alive)
                .map(|(x, (id, _))| (*id, x as u32))
                .collect()
        })
    }

    /// The postings kept for changes, made from the open entries the first time.
    fn kept(&mut self) -> &mut Vec<Vec<Kept>> {
        if self.kept.is_none() {
            let mut kept = vec![Vec::new(); self.words.len()];
            for x in (0..self.ids.len()).filter(|x| self.alive[*x]) {
                self.post(&mut kept, x);
            }
            self.kept = Some(kept);
        }
        self.kept.get_or_insert_with(Vec::new)
    }

    /// Puts entry x in the kept postings of its prefix words.
    fn post(&self, kept: &mut [Vec<Kept>], x: usize) {
        let set = self.set_of(x);
        for (at, &w) in set[..Sizes::of(set.len()).prefix].iter().enumerate() {
            kept[w as usize].push(Kept {
                entry: x as u32,
                rest: (set.len() - at - 1) as u32,
            });
        }
    }

    /// Calls `found(y, similarity)` for every open entry y of another team whose title
    /// is alike entry x's, from the kept postings.
    fn probe(&mut self, x: usize, mut found: impl FnMut(usize, f64)) {
        let kept = std::mem::take(self.kept());
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let mut seen = std::mem::take(&mut self.seen);
        seen[x] = stamp;
        let set = self.set_of(x);
        let team = self.team[x];
        for (i, &w) in set[..Sizes::of(set.len()).prefix].iter().enumerate() {
            for p in &kept[w as usize] {
                let y = p.entry as usize;
                if seen[y] == stamp {
                    continue;
                }
                seen[y] = stamp;
                if self.team[y] == team || !self.alive[y] {
                    continue;
                }
                if let Some(similarity) = alike_from(set, i, self.set_of(y), p.rest as usize) {
                    found(y, similarity);
                }
            }
        }
        self.seen = seen;
        self.kept = Some(kept);
    }

    /// Takes item `id` out; gives the items whose closest match it was.
    fn remove(&mut self, id: ItemId) -> Vec<ItemId> {
        if let Some(x) = self.entries().remove(&id) {
            self.alive[x as usize] = false;
            self.best[x as usize] = None;
        }
        self.found.remove(&id);
        let orphans: Vec<ItemId> = self
            .found
            .iter()
            .filter(|(_, b)| **b == id)
            .map(|(a, _)| *a)
            .collect();
        for a in &orphans {
            if let Some(&x) = self.entries().get(a) {
                self.best[x as usize] = None;
            }
            self.found.remove(a);
        }
        orphans
    }

    /// Indexes item `id` (its closest match is worked out by [`TitleIndex::settle`]).
    fn insert(&mut self, id: ItemId, team: &str, title: &str) {
        let mut kept = std::mem::take(self.kept());
        let mut set = Vec::new();
        each_word(title, &mut String::new(), |w| {
            let next = self.words.len() as u32;
            let word = match self.words.get(w) {
                Some(word) => *word,
                None => {
                    self.words.insert(w.into(), next);
                    kept.push(Vec::new());
                    next
                }
            };
            set.push(word);
        });
        set.sort_unstable();
        set.dedup();
        self.flat.extend_from_slice(&set);
        self.starts.push(self.flat.len());
        let team = self.team_number(team);
        self.team.push(team);
        self.ids.push(id);
        self.alive.push(true);
        self.best.push(None);
        self.seen.push(0);
        let x = self.ids.len() - 1;
        self.entries().insert(id, x as u32);
        self.post(&mut kept, x);
        self.kept = Some(kept);
    }

    /// The open items alike item `id`, of other teams, not dismissed with it.
    fn alike(&mut self, id: ItemId, dismissed: &HashSet<(ItemId, ItemId)>) -> Vec<ItemId> {
        let Some(&x) = self.entries().get(&id) else {
            return Vec::new();
        };
        let mut ys = Vec::new();
        self.probe(x as usize, |y, _| ys.push(y));
        ys.into_iter()
            .map(|y| self.ids[y])
            .filter(|b| !dismissed.contains(&(id.min(*b), id.max(*b))))
            .collect()
    }

    /// Works out item `id`'s closest match again from the whole index.
    fn settle(&mut self, id: ItemId, dismissed: &HashSet<(ItemId, ItemId)>) {
        self.found.remove(&id);
        let Some(&x) = self.entries().get(&id) else {
            return;
        };
        let x = x as usize;
        self.best[x] = None;
        let mut matches = Vec::new();
        self.probe(x, |y, similarity| matches.push((y, similarity)));
        for (y, similarity) in matches {
            let b = self.ids[y];
            if !dismissed.contains(&(id.min(b), id.max(b))) {
                self.offer(x, b, similarity);
            }
        }
        if let Some((_, b)) = self.best[x] {
            self.found.insert(id, b);
        }
    }
}

/// The fewest shared words (at least two) that make word sets of sizes `a` and `b`
/// alike, by the same arithmetic as the similarity itself; more than either size when
/// they cannot be.
fn words_needed(a: usize, b: usize) -> usize {
    let alike = |shared: usize| shared as f64 / (a + b - shared) as f64 >= DUPLICATE_SIMILARITY;
    // Jaccard ≥ t means shared ≥ t·(a + b)/(1 + t); start just below and step up.
    let estimate = DUPLICATE_SIMILARITY * (a + b) as f64 / (1.0 + DUPLICATE_SIMILARITY);
    let mut shared = (estimate as usize).saturating_sub(1).max(2);
    while shared <= a.min(b) && !alike(shared) {
        shared += 1;
    }
    shared
}

/// How many elements two sorted sets share, or `None` as soon as fewer than `needed`
/// can be: most candidate pairs are ruled out after a few comparisons.
fn shared_at_least(a: &[u32], b: &[u32], needed: usize) -> Option<usize> {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if shared + (a.len() - i).min(b.len() - j) < needed {
            return None;
        }
        // Without branches: which side moves is a coin toss the CPU cannot predict.
        let (x, y) = (a[i], b[j]);
        shared += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    (shared >= needed).then_some(shared)
}

/// A boundary whose contract is incomplete, with what is missing in words.
pub fn contract_signals(org: &Org) -> Vec<(String, Signal)> {
    org.boundaries
        .iter()
        .filter(|b| !b.contract.is_complete())
        .map(|b| {
            (
                b.label(),
                Signal {
                    code: SignalCode::ContractIncomplete,
                    reason: format!("contract is missing: {}", b.contract.missing().join(", ")),
                    weight: 0,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_fed_as_read_pair_as_titles_given_at_once() {
        let titles = [
            (1, "sales", "Globex SSO login fails"),
            (2, "support", "SSO login fails for Globex"),
            (3, "support", "Renewal for ACME"),
            (4, "sales", "ACME renewal"),
            (5, "sales", "Quiet item"),
        ];
        let dismissed: HashSet<(ItemId, ItemId)> = [(3, 4)].into();
        let at_once = possible_duplicates(titles, &dismissed);
        let read = possible_duplicates_reading(|each| {
            for (id, team, title) in titles {
                each(id, team, title);
            }
            Ok::<_, ()>(dismissed.clone())
        })
        .expect("read");
        assert_eq!(read, at_once);
        assert_eq!(read.get(&1), Some(&2));
        assert_eq!(read.get(&3), None, "dismissed as a pair");
    }

    #[test]
    fn the_next_standup_begins_with_the_next_weekday_in_the_zone() {
        let at = |t: &str| t.parse::<DateTime<Utc>>().expect("a valid time");
        // Wednesday evening → Thursday; Friday, Saturday, Sunday → Monday.
        for (now, next) in [
            ("2026-11-25T18:30:00Z", "2026-11-26T00:00:00Z"),
            ("2026-11-27T09:00:00Z", "2026-11-30T00:00:00Z"),
            ("2026-11-28T09:00:00Z", "2026-11-30T00:00:00Z"),
            ("2026-11-29T23:59:00Z", "2026-11-30T00:00:00Z"),
        ] {
            assert_eq!(next_standup(at(now), &Utc), at(next), "from {now}");
        }
        // In Tokyo (UTC+9), Friday 20:00 UTC is already Saturday: Monday begins at
        // 15:00 UTC on Sunday.
        let tokyo = chrono::FixedOffset::east_opt(9 * 3600).expect("an offset");
        assert_eq!(
            next_standup(at("2026-11-27T20:00:00Z"), &tokyo),
            at("2026-11-29T15:00:00Z")
        );
    }

    #[test]
    fn items_are_found_by_id_whether_the_ids_are_dense_or_not() {
        let item = |id: ItemId| -> Item {
            serde_json::from_value(serde_json::json!({
                "id": id, "title": format!("item {id}"), "team": "sales", "owner": null,
                "state": "active", "created_at": "2026-03-02T09:00:00Z",
                "updated_at": "2026-03-02T09:00:00Z", "bounces": 0, "flags": 0, "events": 1,
            }))
            .expect("an item")
        };
        for ids in [
            vec![],
            vec![7],
            vec![3, 4, 6, 9, 10],
            vec![10, 4, 3, 9, 6],
            vec![-5, 1, 2],
            vec![1, 1_000_000, 2, 3],
            vec![ItemId::MIN, 0, ItemId::MAX],
        ] {
            let items: Vec<Item> = ids.iter().map(|id| item(*id)).collect();
            let by_id = ItemsById::new(&items);
            for probe in [
                ItemId::MIN,
                -6,
                -5,
                0,
                1,
                2,
                3,
                5,
                6,
                10,
                11,
                999_999,
                1_000_000,
            ]
            .into_iter()
            .chain([ItemId::MAX])
            {
                assert_eq!(
                    by_id.get(probe).map(|i| i.id),
                    ids.contains(&probe).then_some(probe),
                    "{probe} among {ids:?}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        /// The join shared among threads finds what it finds on one: each thread takes
        /// some words' probes, and the closest match does not depend on which thread
        /// met a pair first.
        #[test]
        fn the_join_on_several_threads_equals_the_join_on_one(
            titles in proptest::collection::vec(
                (0usize..3, proptest::collection::vec(0usize..24, 1..12)),
                0..300,
            ),
        ) {
            let open: Vec<(ItemId, String, String)> = titles
                .iter()
                .enumerate()
                .map(|(n, (team, words))| {
                    let title: Vec<String> = words.iter().map(|w| format!("w{w}")).collect();
                    (n as ItemId + 1, format!("team{team}"), title.join(" "))
                })
                .collect();
            let given = || open.iter().map(|(id, team, title)| (*id, team.as_str(), title.as_str()));
            let none = HashSet::new();
            let one = TitleIndex::build_on(given(), &none, Some(1)).found;
            for threads in [2, 3, 5] {
                prop_assert_eq!(&TitleIndex::build_on(given(), &none, Some(threads)).found, &one);
            }
        }
    }

    #[test]
    fn the_breach_cutoff_is_the_same_rule_as_standing() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let sla = Duration::hours(24);
        let cutoff = breached_if_sent_before(now, sla);
        for minutes_ago in [0, 60, 1439, 1440, 1441, 5000] {
            let sent = now - Duration::minutes(minutes_ago);
            assert_eq!(
                sent < cutoff,
                standing(now - sent, Some(sla)) == SlaStanding::Breached,
                "sent {minutes_ago} minutes ago"
            );
        }
    }
}
