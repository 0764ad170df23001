//! Attention signals: what needs someone's decision, why (in words), most urgent first.
//!
//! [`attention`] is the one function behind `baton attention` and standup triage.

use std::collections::{HashMap, HashSet};

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

/// When a snooze ends by default: the next standup, the same time tomorrow.
pub fn next_standup(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_add_signed(Duration::days(1)).unwrap_or(now)
}

/// The attention queue over the open items given, most urgent first. Items snoozed
/// past `now` are left out until their snooze ends. Standup triage walks this queue.
/// Times in reasons are shown in `zone`.
pub fn attention<Tz: TimeZone>(
    items: &[Item],
    org: &Org,
    now: DateTime<Utc>,
    zone: &Tz,
) -> Vec<Attention> {
    attention_with(items, org, now, zone, &mut DuplicateJoin::default())
}

/// [`attention`], with the duplicate-title join kept in `join` between calls: it is
/// worked out again only when a title, a team, the open items or a dismissal
/// changed, so standup triage's refresh after a note or a snooze does not pay for it.
/// The queue is the same as [`attention`]'s, always.
pub fn attention_with<Tz: TimeZone>(
    items: &[Item],
    org: &Org,
    now: DateTime<Utc>,
    zone: &Tz,
    join: &mut DuplicateJoin,
) -> Vec<Attention> {
    let duplicates = join.over(items);
    // The other item of a possible duplicate, found by id: the store gives items in id
    // order, where a binary search needs no map of every item.
    let sorted = items.windows(2).all(|w| w[0].id < w[1].id);
    let by_id: HashMap<ItemId, &Item> = if sorted {
        HashMap::new()
    } else {
        items.iter().map(|i| (i.id, i)).collect()
    };
    let find = |id: &ItemId| -> Option<&Item> {
        if sorted {
            items
                .binary_search_by_key(id, |i| i.id)
                .ok()
                .map(|at| &items[at])
        } else {
            by_id.get(id).copied()
        }
    };
    let mut queue: Vec<Attention> = items
        .iter()
        .filter(|i| i.state.is_open() && i.snoozed_until.is_none_or(|until| until <= now))
        .filter_map(|item| {
            let like = duplicates.get(&item.id).and_then(find);
            let signals = signals(item, org, now, like, zone);
            (!signals.is_empty()).then_some(Attention {
                id: item.id,
                signals,
                like: like.map(|i| i.id),
            })
        })
        .collect();
    queue.sort_by_key(Attention::urgency);
    queue
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

/// The part of `queue` a team must decide: items it holds, or that wait in limbo to
/// come to it (the rule of [`Place::team_to_act`]).
pub fn for_team(queue: Vec<Attention>, items: &[Item], team: &str) -> Vec<Attention> {
    let acts: HashSet<ItemId> = items
        .iter()
        .filter(|i| Place::of(i).team_to_act() == Some(team))
        .map(|i| i.id)
        .collect();
    queue.into_iter().filter(|a| acts.contains(&a.id)).collect()
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
    let mut signals = item_signals(item, org, now, zone);
    signals.retain(|s| !item.dismissed.iter().any(|d| d.code == s.code));
    if let Some(other) = like {
        signals.push(Signal {
            code: SignalCode::PossibleDuplicate,
            reason: format!(
                "title is like #{} “{}”, held by {}",
                other.id, other.title, other.team
            ),
            weight: 0,
        });
    }
    signals.sort_by_key(|s| (s.code, -s.weight));
    signals
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
    let where_it_is = place.within_reason();
    if let Some(time) = limbo_time(item, org, now)
        && let Some(sla) = time.sla
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
        match time.standing {
            SlaStanding::Breached => push(
                SignalCode::SlaBreached,
                over.num_minutes(),
                format!("{head}{sep}breached by {}", time.counted(over)),
            ),
            SlaStanding::AtRisk => push(
                SignalCode::SlaAtRisk,
                over.num_minutes(),
                format!("{head}{sep}{} left", time.counted(-over)),
            ),
            SlaStanding::Within | SlaStanding::NoSla => {}
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
    if let Some(due) = item.due {
        let left = due.signed_duration_since(now);
        let due_text = show_in(due, zone);
        let standing = due_standing(due, now);
        if standing == Some(DueStanding::Overdue) {
            push(
                SignalCode::Overdue,
                -left.num_minutes(),
                format!(
                    "overdue by {} (due {due_text}), {where_it_is}",
                    format_duration(left)
                ),
            );
        } else if standing == Some(DueStanding::Soon) {
            push(
                SignalCode::DueSoon,
                -left.num_minutes(),
                format!(
                    "due in {} ({due_text}), {where_it_is}",
                    format_duration(left)
                ),
            );
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

/// Words of a title that carry meaning: lower-cased, without filler words.
pub fn title_words(title: &str) -> Vec<String> {
    const FILLER: [&str; 16] = [
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on", "or",
        "the", "to",
    ];
    let mut words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Pairs open items held by different teams whose titles are alike, giving each
/// item its closest match (ties to the lower id). A set-similarity join with prefix
/// filtering: two word sets with Jaccard ≥ t must share a word among the rarest
/// `|x| - ⌈t·|x|⌉ + 1` of each, so only those are indexed; the work grows with the
/// number of items, not its square.
/// Pairs in `dismissed` (lower id first, as [`dismissed_pairs`] gives them) are not
/// matched.
pub fn possible_duplicates<'a>(
    open: impl IntoIterator<Item = (ItemId, &'a str, &'a str)>,
    dismissed: &HashSet<(ItemId, ItemId)>,
) -> HashMap<ItemId, ItemId> {
    TitleIndex::build(open, dismissed).found
}

/// The titles of the open items as the duplicate join reads them, indexed by their
/// rarest words, and each item's closest match.
#[derive(Debug, Clone, Default)]
struct TitleIndex {
    /// Words and teams become numbers: the join compares candidate pairs millions of
    /// times on a large board, and comparing strings there dominated the whole queue.
    word_ids: HashMap<String, u32>,
    /// Each word's place in the order prefixes are taken in, rarest first. Fixed once
    /// given (any fixed order finds every pair; rarest first finds them fastest): words
    /// first seen after the build come before all others.
    rank: Vec<i64>,
    team_ids: HashMap<String, u32>,
    /// Per entry (an item as indexed; a retitled item gets a new one): its id, team,
    /// whether it is still open, its words' bits ([`Posting::mask`]).
    ids: Vec<ItemId>,
    teams: Vec<u32>,
    alive: Vec<bool>,
    masks: Vec<(u64, u32)>,
    /// Each title's sorted word ids, end to end in one list (`ends[x]` is where entry x
    /// ends): the join reads millions of them, and one list keeps them in the cache.
    flat: Vec<u32>,
    ends: Vec<usize>,
    /// The open entry of each item.
    entry: HashMap<ItemId, u32>,
    /// Each word's postings: the entries with the word among their rarest.
    postings: Vec<Vec<Posting>>,
    /// `needed[a][b]`: [`words_needed`] for every pair of title sizes so far.
    needed: Vec<Vec<usize>>,
    /// `seen[y] == stamp` once entry y has been looked at in this probe.
    seen: Vec<u32>,
    stamp: u32,
    /// Each item's closest match, and how alike they are.
    best: HashMap<ItemId, (f64, ItemId)>,
    found: HashMap<ItemId, ItemId>,
}

impl TitleIndex {
    fn build<'a>(
        open: impl IntoIterator<Item = (ItemId, &'a str, &'a str)>,
        dismissed: &HashSet<(ItemId, ItemId)>,
    ) -> TitleIndex {
        let open: Vec<(ItemId, &str, &str)> = open.into_iter().collect();
        let titles: Vec<Vec<String>> = open
            .iter()
            .map(|(_, _, title)| title_words(title))
            .collect();
        let mut index = TitleIndex::default();
        let mut frequency: Vec<usize> = Vec::new();
        for title in &titles {
            for w in title {
                let id = index.word(w);
                if id as usize >= frequency.len() {
                    frequency.resize(id as usize + 1, 0);
                }
                frequency[id as usize] += 1;
            }
        }
        let mut order: Vec<u32> = (0..index.rank.len() as u32).collect();
        let mut names: Vec<&str> = vec![""; index.rank.len()];
        for (w, id) in &index.word_ids {
            names[*id as usize] = w.as_str();
        }
        order.sort_unstable_by_key(|&w| (frequency[w as usize], names[w as usize]));
        for (place, w) in order.iter().enumerate() {
            index.rank[*w as usize] = place as i64;
        }
        // Every item probes the entries before it, then joins them: each pair once.
        for ((id, team, _), words) in open.iter().zip(&titles) {
            let x = index.add_entry(*id, team, words);
            let mut matches = Vec::new();
            index.probe(x, |y, similarity| matches.push((y, similarity)));
            for (y, similarity) in matches {
                let (a, b) = (*id, index.ids[y]);
                if dismissed.is_empty() || !dismissed.contains(&(a.min(b), a.max(b))) {
                    index.offer(a, b, similarity);
                    index.offer(b, a, similarity);
                }
            }
            index.post(x);
        }
        index.found = index.best.iter().map(|(a, (_, b))| (*a, *b)).collect();
        index
    }

    fn word(&mut self, w: &str) -> u32 {
        if let Some(id) = self.word_ids.get(w) {
            return *id;
        }
        let id = self.rank.len() as u32;
        self.word_ids.insert(w.to_string(), id);
        self.postings.push(Vec::new());
        // Before every word known so far (see `rank`).
        self.rank.push(-(id as i64) - 1);
        id
    }

    fn set_of(&self, x: usize) -> &[u32] {
        &self.flat[if x == 0 { 0 } else { self.ends[x - 1] }..self.ends[x]]
    }

    /// A new entry for item `id` (not yet in the postings).
    fn add_entry(&mut self, id: ItemId, team: &str, words: &[String]) -> usize {
        let mut set: Vec<u32> = words.iter().map(|w| self.word(w)).collect();
        set.sort_unstable();
        // The words as bits of one number (word id mod 64), and how many landed on a bit
        // already taken: two titles share at most the bits both have plus the fewer of
        // those extra words, which rules out most candidates with one AND.
        let mask = set.iter().fold(0u64, |m, w| m | 1 << (w % 64));
        self.masks
            .push((mask, set.len() as u32 - mask.count_ones()));
        self.flat.extend_from_slice(&set);
        self.ends.push(self.flat.len());
        let next = self.team_ids.len() as u32;
        let team = *self.team_ids.entry(team.to_string()).or_insert(next);
        self.teams.push(team);
        self.ids.push(id);
        self.alive.push(true);
        self.seen.push(u32::MAX);
        self.entry.insert(id, (self.ids.len() - 1) as u32);
        let longest = set.len();
        if self.needed.len() <= longest {
            let n = longest + 1;
            self.needed = (0..n)
                .map(|a| (0..n).map(|b| words_needed(a, b)).collect())
                .collect();
        }
        self.ids.len() - 1
    }

    /// Entry x's words, rarest first, and how many of them are its prefix.
    fn ordered(&self, x: usize) -> (Vec<u32>, usize) {
        let mut ordered = self.set_of(x).to_vec();
        ordered.sort_unstable_by_key(|&w| self.rank[w as usize]);
        let len = ordered.len();
        let prefix = len - (DUPLICATE_SIMILARITY * len as f64).ceil() as usize + 1;
        (ordered, prefix.min(len))
    }

    /// Puts entry x in the postings of its prefix words.
    fn post(&mut self, x: usize) {
        let (ordered, prefix) = self.ordered(x);
        if ordered.len() < 2 {
            return;
        }
        let (mask, extra) = self.masks[x];
        for (i, &word) in ordered.iter().enumerate().take(prefix) {
            self.postings[word as usize].push(Posting {
                item: x as u32,
                team: self.teams[x],
                mask,
                extra,
                len: ordered.len() as u32,
                at: i as u32,
            });
        }
    }

    /// Calls `found(y, similarity)` for every open entry y in the postings whose title
    /// is alike entry x's and whose team is another.
    fn probe(&mut self, x: usize, mut found: impl FnMut(usize, f64)) {
        let set_len = self.set_of(x).len();
        if set_len < 2 {
            return;
        }
        let (ordered, prefix) = self.ordered(x);
        self.stamp = self.stamp.wrapping_add(1);
        let stamp = self.stamp;
        let mut seen = std::mem::take(&mut self.seen);
        seen[x] = stamp;
        let (team_x, (mask_x, extra_x)) = (self.teams[x], self.masks[x]);
        let set = self.set_of(x);
        let needed_x = &self.needed[set_len];
        for (i, &word) in ordered.iter().enumerate().take(prefix) {
            for posting in &self.postings[word as usize] {
                let y = posting.item as usize;
                if seen[y] == stamp {
                    continue;
                }
                seen[y] = stamp;
                if posting.team == team_x || !self.alive[y] {
                    continue;
                }
                let (len_y, j) = (posting.len as usize, posting.at as usize);
                let needed = needed_x[len_y];
                // Both orders are the same, rarest first: the two sets share this word,
                // at most `min(i, j)` words before it and `min` of what follows after
                // it. Most candidates cannot reach `needed` and are not compared.
                if i.min(j) + 1 + (set_len - i - 1).min(len_y - j - 1) < needed {
                    continue;
                }
                if (((mask_x & posting.mask).count_ones() + extra_x.min(posting.extra)) as usize)
                    < needed
                {
                    continue;
                }
                let other = self.set_of(y);
                let Some(shared) = shared_at_least(set, other, needed) else {
                    continue;
                };
                let union = set_len + other.len() - shared;
                let similarity = shared as f64 / union as f64;
                if shared >= 2 && similarity >= DUPLICATE_SIMILARITY {
                    found(y, similarity);
                }
            }
        }
        self.seen = seen;
    }

    /// Makes `b` item `a`'s closest match if it is closer than the one it has (ties to
    /// the lower id).
    fn offer(&mut self, a: ItemId, b: ItemId, similarity: f64) {
        let better = self
            .best
            .get(&a)
            .is_none_or(|(s, id)| similarity > *s || (similarity == *s && b < *id));
        if better {
            self.best.insert(a, (similarity, b));
            self.found.insert(a, b);
        }
    }

    /// Takes item `id` out; gives the items whose closest match it was.
    fn remove(&mut self, id: ItemId) -> Vec<ItemId> {
        if let Some(x) = self.entry.remove(&id) {
            self.alive[x as usize] = false;
        }
        self.best.remove(&id);
        self.found.remove(&id);
        let orphans: Vec<ItemId> = self
            .found
            .iter()
            .filter(|(_, b)| **b == id)
            .map(|(a, _)| *a)
            .collect();
        for a in &orphans {
            self.best.remove(a);
            self.found.remove(a);
        }
        orphans
    }

    /// Indexes item `id` (its closest match is worked out by [`TitleIndex::settle`]).
    fn insert(&mut self, id: ItemId, team: &str, title: &str) {
        let x = self.add_entry(id, team, &title_words(title));
        self.post(x);
    }

    /// The open items alike item `id`, of other teams, not dismissed with it.
    fn alike(&mut self, id: ItemId, dismissed: &HashSet<(ItemId, ItemId)>) -> Vec<ItemId> {
        let Some(&x) = self.entry.get(&id) else {
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
        self.best.remove(&id);
        self.found.remove(&id);
        let Some(&x) = self.entry.get(&id) else {
            return;
        };
        let mut matches = Vec::new();
        self.probe(x as usize, |y, similarity| matches.push((y, similarity)));
        for (y, similarity) in matches {
            let b = self.ids[y];
            if !dismissed.contains(&(id.min(b), id.max(b))) {
                self.offer(id, b, similarity);
            }
        }
    }
}

/// One title in the duplicate join's index of a word.
#[derive(Debug, Clone, Copy)]
struct Posting {
    item: u32,
    team: u32,
    /// The title's words as bits ([`TitleIndex::add_entry`]), and how many collided.
    mask: u64,
    extra: u32,
    /// How many words the title has, and where this word comes among them, rarest first.
    len: u32,
    at: u32,
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
