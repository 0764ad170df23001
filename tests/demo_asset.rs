//! The demo organisation (`assets/demo.json`, written by `scripts/demo.py`) must import
//! cleanly, be in the exact form Baton exports, and show every attention signal.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use baton::domain::attention::{SignalCode, attention, contract_signals};
use baton::domain::{Event, Item, Org, State};
use baton::export::json::{BoardDocument, BoundaryRef};

const DEMO: &str = include_str!("../assets/demo.json");

/// Each item as replayed, with its history.
type Items = Vec<(Item, Vec<Event>)>;

fn demo() -> (BoardDocument, Org, Items) {
    let doc = BoardDocument::parse(DEMO).expect("assets/demo.json parses");
    let (org, items) = doc.check().expect("every demo history replays");
    (doc, org, items)
}

fn as_of(doc: &BoardDocument) -> DateTime<Utc> {
    doc.as_of.expect("the demo names its moment in `as_of`")
}

/// The open items, as `attention` is given them.
fn open_items(items: &[(Item, Vec<Event>)]) -> Vec<Item> {
    items
        .iter()
        .map(|(item, _)| item)
        .filter(|item| item.state.is_open())
        .cloned()
        .collect()
}

fn codes_at(org: &Org, items: &[(Item, Vec<Event>)], now: DateTime<Utc>) -> BTreeSet<SignalCode> {
    let open = open_items(items);
    let mut codes: BTreeSet<SignalCode> = attention(&open, org, now, &Utc)
        .into_iter()
        .flat_map(|a| a.signals.into_iter().map(|s| s.code))
        .collect();
    codes.extend(contract_signals(org).into_iter().map(|(_, s)| s.code));
    codes
}

#[test]
fn derived_fields_are_what_the_histories_say() {
    let (doc, _, items) = demo();
    assert_eq!(doc.items.len(), items.len());
    for (n, (record, (item, _))) in doc.items.iter().zip(&items).enumerate() {
        let id = record.id;
        assert_eq!(id, n as i64 + 1, "items are numbered 1..N in order");
        assert_eq!(item.id, id);
        assert_eq!(record.title, item.title, "#{id} title");
        assert_eq!(record.team, item.team, "#{id} team");
        assert_eq!(record.owner, item.owner, "#{id} owner");
        assert_eq!(record.state, item.state, "#{id} state");
        assert_eq!(record.boundary, BoundaryRef::of(item), "#{id} boundary");
    }
}

#[test]
fn the_file_is_in_canonical_form() {
    let (doc, org, items) = demo();
    let mut again = BoardDocument::new(&org, &items);
    again.as_of = doc.as_of;
    assert!(
        again.to_json() == DEMO,
        "assets/demo.json is not what Baton would export; regenerate it with scripts/demo.py"
    );
}

#[test]
fn every_event_lies_in_the_three_weeks_before_as_of() {
    let (doc, _, items) = demo();
    let now = as_of(&doc);
    for (item, events) in &items {
        for event in events {
            assert!(
                event.at < now && event.at >= now - Duration::weeks(3),
                "#{} event {} at {} is outside the demo's three weeks",
                item.id,
                event.seq,
                event.at
            );
        }
    }
}

#[test]
fn every_attention_signal_shows() {
    let (doc, org, items) = demo();
    let codes = codes_at(&org, &items, as_of(&doc));
    for code in SignalCode::ALL {
        assert!(
            codes.contains(&code),
            "the demo shows no `{}`",
            code.as_str()
        );
    }
}

#[test]
fn signals_survive_the_shift_to_now() {
    let (mut doc, org, items) = demo();
    let before = codes_at(&org, &items, as_of(&doc));
    let delta = Duration::days(400) + Duration::minutes(17);
    doc.shift(delta);
    let (shifted_org, shifted) = doc.check().expect("the shifted demo replays");
    assert_eq!(codes_at(&shifted_org, &shifted, as_of(&doc)), before);
}

#[test]
fn the_board_has_a_realistic_spread() {
    let (_, org, items) = demo();
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for (item, _) in &items {
        *states.entry(item.state.as_str()).or_default() += 1;
    }
    let count = |s: State| states.get(s.as_str()).copied().unwrap_or(0);
    assert!(count(State::Limbo) >= 8, "{states:?}");
    assert!(count(State::Active) >= 12, "{states:?}");
    assert!(count(State::Done) >= 8, "{states:?}");
    assert!(count(State::Dropped) >= 1, "{states:?}");
    let crossed: BTreeSet<(&str, &str)> = items
        .iter()
        .filter_map(|(item, _)| item.boundary())
        .collect();
    assert!(crossed.len() >= 8, "limbo on only {crossed:?}");
    assert!(org.boundaries.iter().all(|b| org.team(&b.from).is_some()));
}

/// The items in limbo breaching their SLA at `now`, each history replayed up to `now`.
fn breached_at(org: &Org, items: &Items, now: DateTime<Utc>) -> BTreeSet<i64> {
    items
        .iter()
        .filter_map(|(item, events)| {
            let until: Vec<Event> = events.iter().filter(|e| e.at <= now).cloned().collect();
            if until.is_empty() {
                return None;
            }
            baton::domain::rules::replay(item.id, org, &until).ok()
        })
        .filter(|item| item.state == State::Limbo)
        .filter(|item| {
            baton::domain::view::limbo_time(item, org, now)
                .is_some_and(|t| t.standing == baton::domain::attention::SlaStanding::Breached)
        })
        .map(|item| item.id)
        .collect()
}

#[test]
fn mondays_queue_holds_no_weekend_only_breaches() {
    let (_, org, items) = demo();
    // Every boundary with an SLA counts working time, but operations' on-call one.
    for b in &org.boundaries {
        if b.contract.sla.is_some() && !(b.from == "engineering" && b.to == "operations") {
            assert!(
                b.contract.calendar.is_some(),
                "{} has no calendar",
                b.label()
            );
        }
    }
    // Two ladders climb by themselves.
    let ladders = org
        .boundaries
        .iter()
        .filter(|b| b.contract.escalate_after.is_some() && b.contract.ladder().len() > 1)
        .count();
    assert_eq!(ladders, 2);
    // Monday 09:00 UTC: around the clock, what was sent before the weekend would breach;
    // in working time nothing does.
    let monday: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().expect("time");
    let mut wall = org.clone();
    for b in &mut wall.boundaries {
        b.contract.calendar = None;
    }
    wall.contract_history.clear();
    let around_the_clock = breached_at(&wall, &items, monday);
    assert!(
        !around_the_clock.is_empty(),
        "the demo shows no weekend at all"
    );
    assert_eq!(breached_at(&org, &items, monday), BTreeSet::new());
}

/// A queue entry as compared: id, codes, reasons and the alike item.
type Entry = (i64, Vec<SignalCode>, Vec<String>, Option<i64>);

/// About 30,000 copies of the demo's open items under new ids, their moments shifted
/// and some retitled: a board large enough for the queue to be made on several threads.
fn large_board(items: &[(Item, Vec<Event>)]) -> Vec<Item> {
    let open = open_items(items);
    let mut large = Vec::new();
    for copy in 0..(30_000 / open.len() + 1) as i64 {
        for item in &open {
            let mut item = item.clone();
            item.id += 10_000 * (copy + 1);
            let shift = Duration::hours(copy % 97);
            item.due = item.due.map(|due| due + shift);
            if let Some(limbo) = item.limbo.as_mut() {
                limbo.sent_at += Duration::minutes(copy % 61);
            }
            if copy % 3 == 1 {
                item.title = format!("{} copy {}", item.title, copy % 5);
            }
            large.push(item);
        }
    }
    large
}

/// A board large enough that the queue's parts are worked out on several threads (the
/// duplicate join beside each item's own signals): the demo's items copied under new
/// ids, with their moments shifted, gives the queue each item's signals would, most
/// urgent first.
#[test]
fn a_large_queue_is_each_items_signals_most_urgent_first() {
    use baton::domain::attention::{dismissed_pairs, possible_duplicates, signals};
    let (doc, org, items) = demo();
    let now = as_of(&doc);
    let large = large_board(&items);
    assert!(large.len() > 30_000);
    let queue = attention(&large, &org, now, &Utc);

    let dismissed = dismissed_pairs(large.iter().map(|i| (i.id, i.dismissed.as_slice())));
    let like = possible_duplicates(
        large
            .iter()
            .map(|i| (i.id, i.team.as_str(), i.title.as_str())),
        &dismissed,
    );
    let by_id: BTreeMap<i64, &Item> = large.iter().map(|i| (i.id, i)).collect();
    let mut want: Vec<Entry> = large
        .iter()
        .filter(|i| i.snoozed_until.is_none_or(|until| until <= now))
        .filter_map(|item| {
            let other = like.get(&item.id).and_then(|id| by_id.get(id).copied());
            let signals = signals(item, &org, now, other, &Utc);
            (!signals.is_empty()).then(|| {
                (
                    item.id,
                    signals.iter().map(|s| s.code).collect(),
                    signals.iter().map(|s| s.reason.clone()).collect(),
                    other.map(|o| o.id),
                )
            })
        })
        .collect();
    // More than two blocks of the listing (4,096 entries each).
    assert!(want.len() > 3 * 4_096, "{}", want.len());
    let got: Vec<Entry> = queue
        .iter()
        .map(|a| {
            (
                a.id,
                a.signals.iter().map(|s| s.code).collect(),
                a.signals.iter().map(|s| s.reason.clone()).collect(),
                a.like,
            )
        })
        .collect();
    // The same entries…
    let mut sorted = got.clone();
    sorted.sort_by_key(|e| e.0);
    want.sort_by_key(|e| e.0);
    assert_eq!(sorted, want);
    // The listing, written a block per thread, has every entry in the queue's order.
    let mut text = Vec::new();
    baton::cli::output::write_attention_text(&mut text, &queue, &large, &[]).expect("written");
    let text = String::from_utf8(text).expect("UTF-8");
    let listed: Vec<i64> = text
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(listed, queue.iter().map(|a| a.id).collect::<Vec<_>>());
    let reasons = queue.iter().map(|a| a.signals.len()).sum::<usize>();
    assert_eq!(text.lines().count(), queue.len() + reasons);
    // …most urgent first: by the top signal's code, then how far past it is.
    for pair in queue.windows(2) {
        let (a, b) = (&pair[0].signals[0], &pair[1].signals[0]);
        assert!(
            (a.code, -a.weight) <= (b.code, -b.weight),
            "#{} before #{}",
            pair[0].id,
            pair[1].id
        );
    }
}

/// The queue made while the items are read (the join taking each title as it comes)
/// is the queue of the items read, on a board large enough to be fed in many batches
/// and made on several threads, and on the demo with a dismissed pair; an error from
/// the read is the answer.
#[test]
fn the_queue_made_while_reading_is_the_queue_of_the_items_read() {
    use baton::domain::attention::{Attention, TitleSink, attention_reading};
    let (doc, org, items) = demo();
    let now = as_of(&doc);
    // Read as two halves on two threads, as a shared read is.
    fn halves<'a>(
        org: &'a Org,
        board: &'a [Item],
    ) -> impl FnOnce(&TitleSink) -> Result<(Org, Vec<Item>), String> + 'a {
        move |sink| {
            let (front, back) = board.split_at(board.len() / 2);
            std::thread::scope(|scope| {
                let back = scope.spawn(|| {
                    let mut feeder = sink.feeder();
                    back.iter().for_each(|i| feeder.push(i));
                });
                let mut feeder = sink.feeder();
                front.iter().for_each(|i| feeder.push(i));
                back.join().expect("read");
            });
            Ok((org.clone(), board.to_vec()))
        }
    }

    for board in [open_items(&items), large_board(&items)] {
        let (read_org, read_items, queue) =
            attention_reading(now, &Utc, halves(&org, &board)).expect("read");
        assert_eq!(read_org, org);
        assert_eq!(read_items, board);
        assert_eq!(queue, attention(&board, &org, now, &Utc));
    }
    // A pair of other teams' items retitled alike, one of them dismissing the other:
    // the dismissal reaches the join only when both hold it.
    let mut board = open_items(&items);
    let other = board
        .iter()
        .position(|i| i.team != board[0].team)
        .expect("two teams");
    board[0].title = "Renew the Fabrikam data processing agreement".into();
    board[other].title = "Fabrikam data processing agreement renewal".into();
    let (a, b) = (board[0].id, board[other].id);
    let queue_of = |board: &[Item]| {
        attention_reading(now, &Utc, halves(&org, board))
            .expect("read")
            .2
    };
    let like = |queue: &[Attention], id| queue.iter().find(|e| e.id == id).and_then(|e| e.like);
    assert_eq!(like(&queue_of(&board), a), Some(b));
    board[0].dismissed.push(baton::domain::Dismissal {
        code: SignalCode::PossibleDuplicate,
        with: Some(b),
    });
    assert_eq!(like(&queue_of(&board), a), Some(b));
    board[other].dismissed.push(baton::domain::Dismissal {
        code: SignalCode::PossibleDuplicate,
        with: Some(a),
    });
    let queue = queue_of(&board);
    assert_eq!(like(&queue, a), None);
    assert_eq!(queue, attention(&board, &org, now, &Utc));
    let failed = attention_reading(now, &Utc, |sink| {
        let mut feeder = sink.feeder();
        board.iter().take(3).for_each(|i| feeder.push(i));
        Err::<(Org, Vec<Item>), _>("the disk went away".to_string())
    });
    assert_eq!(failed, Err("the disk went away".to_string()));
}
