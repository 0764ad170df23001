//! Invariants under random use: random command sequences over a small organisation
//! (undo, edit and snooze among them, at random gaps from none to days), run through
//! the real store on a temporary file, never lose or duplicate an item, and the board
//! shows each item once, in the column its state says, with counts that agree; every
//! item's event log replays to its stored state; an undo puts the item back as it was;
//! the board document round-trips. Each property runs on SQLite and, with fewer cases,
//! on PostgreSQL (`BATON_TEST_PG`).

#[macro_use]
mod common;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use baton::domain::attention::SignalCode;
use baton::domain::history::{describe_latest, narrate};
use baton::domain::rules::replay;
use baton::domain::{Boundary, Command, Contract, Org, Pair, State, Team, Ticks};
use baton::export::json::BoardDocument;
use baton::storage::{ItemFilter, Location, Store, StoreError};
use baton::tui::board::{Board, ColumnKind, Query};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use tempfile::TempDir;

use common::cli::Backend;
use common::pg::PgDb;

/// Cases per property: each PostgreSQL case makes fresh databases, so it runs fewer.
const SQLITE_CASES: u32 = 64;
const PG_CASES: u32 = 16;

const TEAMS: [&str; 3] = ["sales", "onboarding", "support"];
const TITLES: [&str; 6] = [
    "Renewal for ACME",
    "ACME renewal",
    "Globex pilot",
    "Hooli SSO \u{1b}[2J",
    "Initech migration",
    "Wayne handover",
];
const PEOPLE: [&str; 3] = ["dana", "priya", "omar"];

fn org() -> Org {
    let team = |key: &str| Team {
        key: key.to_string(),
        name: key.to_uppercase(),
        lead: None,
    };
    let boundary = |from: &str, to: &str, contract: Contract| Boundary {
        from: from.to_string(),
        to: to.to_string(),
        contract,
    };
    Org {
        calendars: Vec::new(),
        contract_history: Vec::new(),
        teams: TEAMS.iter().map(|k| team(k)).collect(),
        boundaries: vec![
            boundary(
                "sales",
                "onboarding",
                Contract {
                    trigger: Some("Deal signed".into()),
                    definition_of_done: vec!["Order form".into(), "Kick-off date".into()],
                    outcome: Some("Live".into()),
                    owner: Some("priya".into()),
                    sla: Some(baton::domain::calendar::Sla::from_minutes(24 * 60)),
                    escalate_to: Some("vp".into()),
                    calendar: None,
                    ..Contract::default()
                },
            ),
            boundary("onboarding", "support", Contract::default()),
            boundary(
                "onboarding",
                "sales",
                Contract {
                    sla: Some(baton::domain::calendar::Sla::from_minutes(90)),
                    ..Contract::default()
                },
            ),
        ],
    }
}

/// What a user might do; `item` picks among the items created so far (or one past them).
#[derive(Debug, Clone)]
enum Op {
    Create {
        team: usize,
        title: usize,
        owner: Option<usize>,
    },
    Owner(usize, Option<usize>),
    Send {
        item: usize,
        to: usize,
        ticks: Option<Vec<usize>>,
        force: bool,
    },
    Accept(usize, Option<usize>),
    Bounce(usize),
    Reclaim(usize),
    Escalate(usize),
    Note(usize),
    Done(usize),
    Reopen(usize),
    Drop(usize),
    Flag(usize),
    /// Takes back the item's last change; `stale` names the change before it instead,
    /// as a second board would after someone else's change.
    Undo {
        item: usize,
        stale: bool,
    },
    /// Changes what the item says: a title, a due date (days from the start; `Some(None)`
    /// clears it), tags.
    Edit {
        item: usize,
        title: Option<usize>,
        due: Option<Option<i64>>,
        tags: Option<Vec<usize>>,
    },
    /// Snoozes the item for this many hours from now (zero or less is refused).
    Snooze(usize, i64),
    /// The first item closed as a duplicate of the second.
    Merge(usize, usize),
    /// The two items judged not duplicates.
    NotDuplicates(usize, usize),
    /// One of the item's signals dismissed, by its index in [`SignalCode::ALL`].
    Dismiss(usize, usize),
    Tick(usize),
}

/// One step of a random session: an operation, this long after the one before.
#[derive(Debug, Clone)]
struct Step {
    op: Op,
    gap: Duration,
}

fn op() -> impl Strategy<Value = Op> {
    let item = 0usize..8;
    let person = proptest::option::of(0usize..PEOPLE.len());
    prop_oneof![
        3 => (0usize..TEAMS.len(), 0usize..TITLES.len(), person.clone())
            .prop_map(|(team, title, owner)| Op::Create { team, title, owner }),
        1 => (item.clone(), person.clone()).prop_map(|(i, p)| Op::Owner(i, p)),
        4 => (
            item.clone(),
            0usize..TEAMS.len(),
            proptest::option::of(proptest::collection::vec(0usize..4, 0..3)),
            any::<bool>()
        )
            .prop_map(|(item, to, ticks, force)| Op::Send { item, to, ticks, force }),
        3 => (item.clone(), person).prop_map(|(i, p)| Op::Accept(i, p)),
        2 => item.clone().prop_map(Op::Bounce),
        1 => item.clone().prop_map(Op::Reclaim),
        1 => item.clone().prop_map(Op::Escalate),
        1 => item.clone().prop_map(Op::Note),
        1 => item.clone().prop_map(Op::Done),
        1 => item.clone().prop_map(Op::Reopen),
        1 => item.clone().prop_map(Op::Drop),
        1 => item.clone().prop_map(Op::Flag),
        4 => (item.clone(), proptest::bool::weighted(0.2))
            .prop_map(|(item, stale)| Op::Undo { item, stale }),
        2 => (
            item.clone(),
            proptest::option::of(0usize..TITLES.len()),
            proptest::option::of(proptest::option::of(-3i64..30)),
            proptest::option::of(proptest::collection::vec(0usize..TAGS.len(), 0..3)),
        )
            .prop_map(|(item, title, due, tags)| Op::Edit { item, title, due, tags }),
        2 => (item.clone(), -2i64..72).prop_map(|(i, hours)| Op::Snooze(i, hours)),
        1 => (item.clone(), item.clone()).prop_map(|(a, b)| Op::Merge(a, b)),
        1 => (item.clone(), item.clone()).prop_map(|(a, b)| Op::NotDuplicates(a, b)),
        2 => (item.clone(), 0usize..SignalCode::ALL.len()).prop_map(|(i, c)| Op::Dismiss(i, c)),
        1 => item.prop_map(Op::Tick),
    ]
}

/// Time between two steps: none at all, seconds, minutes, hours or days.
fn gap() -> impl Strategy<Value = Duration> {
    prop_oneof![
        1 => Just(0i64),
        3 => 1i64..60,
        3 => 60i64..3600,
        2 => 3600i64..86_400,
        1 => 86_400i64..5 * 86_400,
    ]
    .prop_map(Duration::seconds)
}

fn step() -> impl Strategy<Value = Step> {
    (op(), gap()).prop_map(|(op, gap)| Step { op, gap })
}

const TAGS: [&str; 3] = ["renewal", "priority", "t"];

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

/// The command an operation asks for at `at`; `None` for an undo, which is not a command.
fn to_command(op: &Op, at: DateTime<Utc>) -> (Option<usize>, Option<Command>) {
    let person = |p: &Option<usize>| p.map(|i| PEOPLE[i].to_string());
    let (pick, command) = match op {
        Op::Create { team, title, owner } => (
            None,
            Command::Create {
                title: TITLES[*title].to_string(),
                team: TEAMS[*team].to_string(),
                owner: person(owner),
                due: Some(t0() + Duration::days(3)),
                tags: vec!["t".into()],
                body: None,
                link: None,
                external_key: None,
            },
        ),
        Op::Owner(i, p) => (Some(*i), Command::SetOwner(person(p))),
        Op::Send {
            item,
            to,
            ticks,
            force,
        } => (
            Some(*item),
            Command::Send {
                to: TEAMS[*to].to_string(),
                note: "what you need to know".into(),
                ticks: ticks.clone().map_or(Ticks::All, Ticks::Entries),
                force: *force,
            },
        ),
        Op::Accept(i, p) => (Some(*i), Command::Accept { owner: person(p) }),
        Op::Bounce(i) => (
            Some(*i),
            Command::Bounce {
                reason: "not ready".into(),
                cause: None,
            },
        ),
        Op::Reclaim(i) => (Some(*i), Command::Reclaim { reason: None }),
        Op::Escalate(i) => (
            Some(*i),
            Command::Escalate {
                to: None,
                note: None,
            },
        ),
        Op::Note(i) => (Some(*i), Command::Note("a note".into())),
        Op::Done(i) => (Some(*i), Command::Done(None)),
        Op::Reopen(i) => (Some(*i), Command::Reopen(None)),
        Op::Drop(i) => (Some(*i), Command::Drop("no longer needed".into())),
        Op::Flag(i) => (
            Some(*i),
            Command::Flag {
                note: "dropped baton".into(),
                cause: None,
            },
        ),
        Op::Undo { item, .. } => return (Some(*item), None),
        Op::Edit {
            item,
            title,
            due,
            tags,
        } => (
            Some(*item),
            Command::Edit {
                title: title.map(|t| TITLES[t].to_string()),
                body: None,
                due: due.map(|d| d.map(|days| t0() + Duration::days(days))),
                tags: tags
                    .clone()
                    .map(|tags| tags.iter().map(|t| TAGS[*t].to_string()).collect()),
                link: None,
            },
        ),
        Op::Snooze(i, hours) => (Some(*i), Command::Snooze(at + Duration::hours(*hours))),
        Op::Dismiss(i, code) => (
            Some(*i),
            Command::Dismiss {
                code: SignalCode::ALL[*code],
                note: None,
            },
        ),
        Op::Tick(i) => (
            Some(*i),
            Command::Tick {
                ticks: Ticks::All,
                note: None,
            },
        ),
        // Decisions about two items: see `to_pair`; as one command, a note.
        Op::Merge(i, _) | Op::NotDuplicates(i, _) => (Some(*i), Command::Note("pair".into())),
    };
    (pick, Some(command))
}

/// The decisions about two items, with the picks of both.
fn to_pair(op: &Op) -> Option<(usize, usize, Pair)> {
    match op {
        Op::Merge(a, b) => Some((*a, *b, Pair::Merge { note: None })),
        Op::NotDuplicates(a, b) => Some((*a, *b, Pair::NotDuplicates { note: None })),
        _ => None,
    }
}

/// Where one case's stores live: files in a temporary folder, or fresh PostgreSQL
/// databases, dropped with it. Declared before the stores, so it outlives them.
struct Place {
    backend: Backend,
    dir: TempDir,
    databases: RefCell<Vec<PgDb>>,
}

impl Place {
    fn new(backend: Backend) -> Place {
        Place {
            backend,
            dir: TempDir::new().expect("temp dir"),
            databases: RefCell::new(Vec::new()),
        }
    }
}

fn new_store(place: &Place, name: &str) -> Store {
    match place.backend {
        Backend::Sqlite => Store::open_or_create(&place.dir.path().join(name)).expect("store"),
        Backend::Postgres => {
            let db = PgDb::create();
            let store = Store::create(&Location::Postgres(db.url())).expect("store");
            place.databases.borrow_mut().push(db);
            store
        }
    }
}

fn seeded_store(place: &Place) -> Store {
    let mut store = new_store(place, "board.db");
    let org = org();
    for team in &org.teams {
        store.add_team(team).expect("team");
    }
    for boundary in &org.boundaries {
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        store
            .add_boundary(boundary, at, "tester")
            .expect("boundary");
    }
    store
}

/// Runs the steps, each its gap after the one before; returns how many items were
/// created and when the last step ran.
fn run(store: &mut Store, steps: &[Step]) -> Result<(i64, DateTime<Utc>), TestCaseError> {
    let mut created = 0i64;
    let mut at = t0();
    // Each item as it was before its last change, to check what an undo gives back.
    let mut before_last_change: HashMap<i64, baton::domain::Item> = HashMap::new();
    for Step { op, gap } in steps {
        at += *gap;
        let pick_id = |i: usize| (i as i64 % (created + 1)) + 1;
        if let Some((a, b, pair)) = to_pair(op) {
            let (a, b) = (pick_id(a), pick_id(b));
            let before = (store.item(a).ok(), store.item(b).ok());
            let counts = |store: &Store| {
                (
                    store.events(a).map(|e| e.len()).unwrap_or(0),
                    store.events(b).map(|e| e.len()).unwrap_or(0),
                )
            };
            let counts_before = counts(store);
            match store.execute_pair(a, b, pair, at, "prop") {
                Ok(decided) => {
                    for (event, item) in decided {
                        prop_assert_eq!(event.seq, item.events);
                        prop_assert_eq!(store.item(item.id).ok(), Some(item));
                    }
                    for was in [before.0.clone(), before.1.clone()].into_iter().flatten() {
                        before_last_change.insert(was.id, was);
                    }
                }
                Err(StoreError::Domain(_)) => {
                    prop_assert_eq!((store.item(a).ok(), store.item(b).ok()), before);
                    prop_assert_eq!(counts(store), counts_before);
                }
                Err(other) => return Err(TestCaseError::fail(format!("{op:?}: {other}"))),
            }
            continue;
        }
        let (pick, command) = to_command(op, at);
        // One past the last item is an unknown id, which must be refused.
        let id = pick.map(pick_id);
        let before = id.and_then(|id| store.item(id).ok());
        let events_before = id.map(|id| store.events(id).map(|e| e.len()).unwrap_or(0));
        let outcome = match (command, id) {
            (Some(command), _) => store.execute(id, command, at, "prop"),
            (None, Some(id)) => {
                let last = before.as_ref().map_or(0, |item| item.events);
                let stale = matches!(op, Op::Undo { stale: true, .. });
                store.undo(id, last.saturating_sub(u32::from(stale)), at, "prop")
            }
            (None, None) => unreachable!("an undo names an item"),
        };
        match outcome {
            Ok((event, item)) => {
                if id.is_none() {
                    created += 1;
                    prop_assert_eq!(item.id, created);
                }
                prop_assert_eq!(event.seq, item.events);
                prop_assert_eq!(store.item(item.id).ok(), Some(item.clone()));
                // The board words a change from the item as it was; the history says
                // the same.
                let events = store.events(item.id).expect("the history");
                let narrated = narrate(&events, &chrono::Utc).pop().map(|(_, line)| line);
                if let Some(line) = describe_latest(before.as_ref(), &event, &chrono::Utc) {
                    prop_assert_eq!(Some(line), narrated, "{:?}", op);
                }
                if matches!(op, Op::Undo { .. }) {
                    // An undo gives back the item as it was before the change it took
                    // back; only the history is longer.
                    let was = before_last_change.get(&item.id).cloned();
                    prop_assert!(was.is_some(), "#{} had no change to undo", item.id);
                    if let Some(was) = was {
                        let restored = baton::domain::Item {
                            events: item.events,
                            updated_at: item.updated_at,
                            ..was
                        };
                        prop_assert_eq!(&item, &restored, "{:?}", op);
                    }
                }
                if let Some(before) = before {
                    before_last_change.insert(item.id, before);
                }
            }
            Err(StoreError::Domain(_)) => {
                // A refusal changes nothing.
                if let Some(id) = id {
                    prop_assert_eq!(store.item(id).ok(), before);
                    prop_assert_eq!(
                        Some(store.events(id).map(|e| e.len()).unwrap_or(0)),
                        events_before
                    );
                }
            }
            Err(other) => return Err(TestCaseError::fail(format!("{op:?}: {other}"))),
        }
    }
    Ok((created, at))
}

/// Makes `name::sqlite` and `name::postgres` for `fn name(backend, steps)`, each checking
/// the property for random command sequences of `lengths`.
macro_rules! on_both_backends {
    ($($name:ident($lengths:expr);)*) => {$(
        mod $name {
            use super::*;

            proptest! {
                #![proptest_config(ProptestConfig { cases: SQLITE_CASES, ..ProptestConfig::default() })]
                #[test]
                fn sqlite(steps in proptest::collection::vec(step(), $lengths)) {
                    super::$name(Backend::Sqlite, &steps)?;
                }
            }

            #[test]
            fn postgres() {
                if Backend::Postgres.available() {
                    proptest!(
                        ProptestConfig::with_cases(PG_CASES),
                        |(steps in proptest::collection::vec(step(), $lengths))| {
                            super::$name(Backend::Postgres, &steps)?;
                        }
                    );
                }
            }
        }
    )*};
}

on_both_backends! {
    no_sequence_of_commands_loses_or_duplicates_an_item(1..40);
    every_event_log_replays_to_the_stored_state(1..40);
    export_import_export_is_identical(0..40);
}

fn no_sequence_of_commands_loses_or_duplicates_an_item(
    backend: Backend,
    steps: &[Step],
) -> Result<(), TestCaseError> {
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    let (created, now) = run(&mut store, steps)?;

    let all = store.items(&ItemFilter::default()).expect("items");
    let ids: Vec<i64> = all.iter().map(|i| i.id).collect();
    prop_assert_eq!(ids, (1..=created).collect::<Vec<_>>());

    let mut by_state: HashMap<State, HashSet<i64>> = HashMap::new();
    for state in [State::Active, State::Limbo, State::Done, State::Dropped] {
        let filter = ItemFilter {
            states: vec![state],
            ..ItemFilter::default()
        };
        let items = store.items(&filter).expect("items");
        for item in &items {
            prop_assert_eq!(item.state, state);
        }
        by_state.insert(state, items.iter().map(|i| i.id).collect());
    }
    for item in &all {
        let holders = by_state
            .values()
            .filter(|ids| ids.contains(&item.id))
            .count();
        prop_assert_eq!(holders, 1, "#{} is in exactly one state", item.id);
        // Limbo and its details go together.
        prop_assert_eq!(item.state == State::Limbo, item.limbo.is_some());
    }

    // What the board shows: every item on it once, in the column its state says, under
    // column counts and title totals that agree with the items themselves.
    let query = Query {
        show_closed: true,
        ..Query::default()
    };
    let board = Board::load(&store, &query, now, &HashMap::new(), all.len() + 1)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let column_of = |item: &baton::domain::Item| match (&item.state, &item.limbo) {
        (State::Limbo, Some(limbo)) => ColumnKind::Limbo {
            from: item.team.clone(),
            to: limbo.to.clone(),
        },
        (State::Active, _) => ColumnKind::Lane {
            team: item.team.clone(),
        },
        _ => ColumnKind::Closed,
    };
    let mut shown: Vec<i64> = Vec::new();
    for column in &board.columns {
        let belong: Vec<i64> = all
            .iter()
            .filter(|i| column_of(i) == column.kind)
            .map(|i| i.id)
            .collect();
        prop_assert_eq!(column.count, belong.len(), "{:?}", column.kind);
        let mut cards: Vec<i64> = column.cards.iter().map(|i| i.id).collect();
        cards.sort();
        prop_assert_eq!(&cards, &belong, "{:?}", column.kind);
        shown.extend(cards);
    }
    shown.sort();
    prop_assert_eq!(shown, (1..=created).collect::<Vec<_>>(), "each item once");
    let open = |state: State| all.iter().filter(|i| i.state == state).count();
    prop_assert_eq!(board.totals.in_limbo, open(State::Limbo));
    prop_assert_eq!(board.totals.open, open(State::Active) + open(State::Limbo));
    prop_assert_eq!(
        store.open_items().expect("open").len(),
        open(State::Active) + open(State::Limbo)
    );
    groups_equal_a_recount(&store)?;
    Ok(())
}

/// The board's grouped counts of open items (kept by every write on a shared board,
/// counted in the index on a file) are what counting the items themselves gives.
fn groups_equal_a_recount(store: &Store) -> Result<(), TestCaseError> {
    let key = |state: State, team: &str, to: Option<&str>, owned: bool| {
        (
            state.as_str().to_string(),
            team.to_string(),
            to.map(str::to_string),
            owned,
        )
    };
    let mut recount: HashMap<_, usize> = HashMap::new();
    for item in store.items(&ItemFilter::default()).expect("items") {
        if item.state.is_open() {
            let to = item.limbo.as_ref().map(|l| l.to.as_str());
            *recount
                .entry(key(item.state, &item.team, to, item.owner.is_some()))
                .or_default() += 1;
        }
    }
    for states in [vec![], vec![State::Active], vec![State::Limbo]] {
        let filter = ItemFilter {
            states: states.clone(),
            ..ItemFilter::default()
        };
        let kept: HashMap<_, usize> = store
            .open_groups(&filter)
            .expect("groups")
            .into_iter()
            .map(|g| {
                (
                    key(g.state, &g.team, g.limbo_to.as_deref(), g.has_owner),
                    g.count,
                )
            })
            .collect();
        let wanted: HashMap<_, usize> = recount
            .iter()
            .filter(|((state, ..), _)| {
                states.is_empty() || states.iter().any(|s| s.as_str() == state)
            })
            .map(|(k, n)| (k.clone(), *n))
            .collect();
        prop_assert_eq!(kept, wanted, "states {:?}", states);
    }
    Ok(())
}

fn every_event_log_replays_to_the_stored_state(
    backend: Backend,
    steps: &[Step],
) -> Result<(), TestCaseError> {
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    run(&mut store, steps)?;
    let mut org = store.org().expect("org");
    // Adding each boundary recorded its contract as agreed.
    prop_assert_eq!(org.contract_history.len(), org.boundaries.len());
    org.contract_history.clear();
    prop_assert_eq!(&org, &self::org());
    for item in store.items(&ItemFilter::default()).expect("items") {
        let events = store.events(item.id).expect("events");
        prop_assert_eq!(events.len() as u32, item.events);
        let seqs: Vec<u32> = events.iter().map(|e| e.seq).collect();
        prop_assert_eq!(seqs, (1..=item.events).collect::<Vec<_>>());
        let replayed = replay(item.id, &org, &events)
            .map_err(|(n, e)| TestCaseError::fail(format!("#{} event {}: {e}", item.id, n + 1)))?;
        prop_assert_eq!(replayed, item);
    }
    Ok(())
}

fn export_import_export_is_identical(
    backend: Backend,
    steps: &[Step],
) -> Result<(), TestCaseError> {
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    run(&mut store, steps)?;
    let first = BoardDocument::new(
        &store.org().expect("org"),
        &store.all_histories().expect("histories"),
    )
    .to_json();

    let doc = BoardDocument::parse(&first).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let (org, items) = doc
        .check()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&items, &store.all_histories().expect("histories"));
    let mut copy = new_store(&place, "copy.db");
    copy.replace_board(&org, &items, false).expect("imported");
    groups_equal_a_recount(&copy)?;
    let second = BoardDocument::new(
        &copy.org().expect("org"),
        &copy.all_histories().expect("histories"),
    )
    .to_json();
    prop_assert_eq!(&first, &second);

    // Importing over a board needs `replace`, and replacing with the same gives the same.
    prop_assert!(matches!(
        copy.replace_board(&org, &items, false),
        Err(StoreError::NotEmpty)
    ));
    copy.replace_board(&org, &items, true).expect("replaced");
    groups_equal_a_recount(&copy)?;
    let third = BoardDocument::new(
        &copy.org().expect("org"),
        &copy.all_histories().expect("histories"),
    )
    .to_json();
    prop_assert_eq!(&first, &third);
    Ok(())
}

/// Words titles are made of: few, so that random titles often share several.
const WORDS: [&str; 8] = [
    "acme",
    "renewal",
    "pilot",
    "globex",
    "sso",
    "login",
    "the",
    "migration",
];

/// The closest alike title of another team for every item, comparing every two, with
/// ties to the lower id: what the prefix-filtered join must find.
fn duplicates_by_brute_force(
    open: &[(i64, String, String)],
    dismissed: &HashSet<(i64, i64)>,
) -> HashMap<i64, i64> {
    use baton::domain::attention::{title_words, titles_alike};
    let similarity = |a: &str, b: &str| {
        let (a, b) = (title_words(a), title_words(b));
        let shared = a.iter().filter(|w| b.contains(w)).count();
        shared as f64 / (a.len() + b.len() - shared) as f64
    };
    let mut best = HashMap::new();
    for (id, team, title) in open {
        let mut found: Option<(f64, i64)> = None;
        for (other, other_team, other_title) in open {
            if other == id
                || other_team == team
                || !titles_alike(title, other_title)
                || dismissed.contains(&(*id.min(other), *id.max(other)))
            {
                continue;
            }
            let s = similarity(title, other_title);
            if found.is_none_or(|(fs, fid)| s > fs || (s == fs && *other < fid)) {
                found = Some((s, *other));
            }
        }
        if let Some((_, other)) = found {
            best.insert(*id, other);
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn the_duplicate_join_finds_what_comparing_every_two_titles_finds(
        titles in proptest::collection::vec(
            (0usize..TEAMS.len(), proptest::collection::vec(0usize..WORDS.len(), 1..6)),
            0..40,
        ),
        dismissed in proptest::collection::vec((1i64..41, 1i64..41), 0..10),
    ) {
        let open: Vec<(i64, String, String)> = titles
            .iter()
            .enumerate()
            .map(|(n, (team, words))| {
                let title: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
                (n as i64 + 1, TEAMS[*team].to_string(), title.join(" "))
            })
            .collect();
        join_equals_brute_force(&open, dismissed)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    /// The same on titles as trackers hold them: longer, from a larger vocabulary with
    /// a few words everywhere (as the join's length, position and bit filters meet
    /// them), cased and punctuated as people write, some titles filed twice.
    #[test]
    fn the_duplicate_join_finds_what_comparing_every_two_titles_finds_in_long_titles(
        titles in proptest::collection::vec(
            (
                0usize..TEAMS.len(),
                proptest::collection::vec(prop_oneof![3 => 0usize..6, 2 => 0usize..LONG_WORDS.len()], 1..14),
                0usize..4,
            ),
            0..120,
        ),
        dismissed in proptest::collection::vec((1i64..121, 1i64..121), 0..10),
    ) {
        let mut open: Vec<(i64, String, String)> = Vec::new();
        for (n, (team, words, style)) in titles.iter().enumerate() {
            let title = match style {
                // Filed again by another team, in other words' order.
                0 if !open.is_empty() => {
                    let (_, _, earlier) = &open[words[0] % open.len()];
                    earlier.split(' ').rev().collect::<Vec<_>>().join(" ")
                }
                1 => words.iter().map(|w| LONG_WORDS[*w].to_uppercase()).collect::<Vec<_>>().join(", "),
                _ => words.iter().map(|w| LONG_WORDS[*w]).collect::<Vec<_>>().join(" "),
            };
            open.push((n as i64 + 1, TEAMS[*team].to_string(), title));
        }
        join_equals_brute_force(&open, dismissed)?;
    }
}

/// The duplicate join over `open` (id, team, title), with the pairs in `dismissed` (in
/// either order) left out, equals comparing every two titles.
fn join_equals_brute_force(
    open: &[(i64, String, String)],
    dismissed: Vec<(i64, i64)>,
) -> Result<(), TestCaseError> {
    let dismissed: HashSet<(i64, i64)> = dismissed
        .into_iter()
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let joined = baton::domain::attention::possible_duplicates(
        open.iter()
            .map(|(id, team, title)| (*id, team.as_str(), title.as_str())),
        &dismissed,
    );
    prop_assert_eq!(joined, duplicates_by_brute_force(open, &dismissed));
    Ok(())
}

/// A vocabulary for long titles: the first few come up in most titles.
const LONG_WORDS: [&str; 40] = [
    "follow",
    "up",
    "sso",
    "renewal",
    "acme",
    "export",
    "the",
    "for",
    "login",
    "invoice",
    "globex",
    "pilot",
    "migration",
    "q3",
    "urgent",
    "staging",
    "eu",
    "audit",
    "report",
    "sync",
    "dashboard",
    "webhook",
    "api",
    "quota",
    "trial",
    "contract",
    "pricing",
    "discount",
    "sandbox",
    "backup",
    "ios",
    "android",
    "v2",
    "legacy",
    "accounts",
    "cs",
    "12345",
    "über",
    "straße",
    "ΣΟΦΙΑ",
];

on_both_backends! {
    an_incremental_triage_refresh_equals_a_full_one(1..40);
}

/// Standup triage reads back only the items a decision changed and keeps the
/// duplicate join while titles, teams and dismissals stay: after every step of a random
/// session (merges, dismissals, retitles, undos and snoozes among them, time moving
/// on), its queue and the item on screen are what a refresh from the whole board gives.
fn an_incremental_triage_refresh_equals_a_full_one(
    backend: Backend,
    steps: &[Step],
) -> Result<(), TestCaseError> {
    use baton::tui::app::Zone;
    use baton::tui::triage::{Triage, Walk};
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    // A board to start from: the first half of the session.
    let (mut created, mut at) = run(&mut store, &steps[..steps.len() / 2])?;
    let mut triage = Triage::start(&store, at, Walk::default(), Zone::utc()).expect("starts");
    for (n, Step { op, gap }) in steps[steps.len() / 2..].iter().enumerate() {
        at += *gap;
        let pick_id = |i: usize| (i as i64 % (created + 1)) + 1;
        let changed: Vec<i64> = if let Some((a, b, pair)) = to_pair(op) {
            let (a, b) = (pick_id(a), pick_id(b));
            match store.execute_pair(a, b, pair, at, "prop") {
                Ok(decided) => decided.iter().map(|(_, item)| item.id).collect(),
                Err(_) => Vec::new(),
            }
        } else {
            let (pick, command) = to_command(op, at);
            let id = pick.map(pick_id);
            let outcome = match (command, id) {
                (Some(command), _) => store.execute(id, command, at, "prop"),
                (None, Some(id)) => {
                    let last = store.item(id).map_or(0, |i| i.events);
                    store.undo(id, last, at, "prop")
                }
                (None, None) => unreachable!("an undo names an item"),
            };
            match outcome {
                Ok((_, item)) => {
                    if id.is_none() {
                        created += 1;
                    }
                    vec![item.id]
                }
                Err(_) => Vec::new(),
            }
        };
        // Every other step, the walk also moves past the item on screen.
        if n % 2 == 1 {
            triage.skip(&store, at).expect("skips");
        }
        triage
            .refresh_items(&store, at, &changed)
            .expect("refreshes");
        let mut full = triage.clone();
        full.refresh(&store, at).expect("refreshes");
        prop_assert_eq!(&triage.ahead, &full.ahead, "after {:?}", op);
        let shown = |t: &Triage| {
            t.current
                .as_ref()
                .map(|c| (c.item.clone(), c.signals.clone(), c.like))
        };
        prop_assert_eq!(shown(&triage), shown(&full), "after {:?}", op);
        prop_assert_eq!(triage.finished, full.finished);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// The join kept between refreshes gives what working it out afresh gives, whatever
    /// changed in between (titles, teams, items closed or opened, dismissals).
    #[test]
    fn the_kept_duplicate_join_equals_a_fresh_one(
        boards in proptest::collection::vec(
            proptest::collection::vec(
                (0usize..TEAMS.len(), proptest::collection::vec(0usize..WORDS.len(), 1..5), any::<bool>()),
                0..25,
            ),
            1..6,
        ),
    ) {
        use baton::domain::attention::{DuplicateJoin, attention, attention_with};
        let org = org();
        let mut join = DuplicateJoin::default();
        for board in boards {
            let items: Vec<baton::domain::Item> = board
                .iter()
                .enumerate()
                .map(|(n, (team, words, open))| {
                    let title: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
                    let mut item = baton::domain::rules::decide(
                        None,
                        n as i64 + 1,
                        &org,
                        Command::create(title.join(" "), TEAMS[*team]),
                        t0(),
                        "prop",
                    )
                    .expect("created")
                    .1;
                    if !open {
                        item.state = State::Done;
                    }
                    item
                })
                .collect();
            prop_assert_eq!(
                attention_with(&items, &org, t0(), &Utc, &mut join),
                attention(&items, &org, t0(), &Utc)
            );
        }
    }
}

on_both_backends! {
    an_incremental_board_refresh_equals_a_full_reload(2..40);
}

/// What a board shows and keeps: every column's count, breaches and window of cards,
/// the limbo heads, the totals and the hidden columns.
fn board_view(board: &Board) -> impl PartialEq + std::fmt::Debug + use<> {
    let columns: Vec<_> = board
        .columns
        .iter()
        .map(|c| {
            (
                c.kind.clone(),
                c.count,
                c.breached,
                c.window_start,
                c.cards.clone(),
                c.head.clone(),
            )
        })
        .collect();
    let mut tallies: Vec<_> = board.tallies.iter().map(|(k, t)| (k.id(), *t)).collect();
    tallies.sort_by(|a, b| a.0.cmp(&b.0));
    (columns, board.totals, board.hidden, tallies)
}

/// The board reads back only the places a write made on it touched (and works the
/// duplicate marks out again on the next idle moment): after every write of a random
/// session made through the board (merges, dismissals, retitles, undos among them,
/// with the selection moved about a column, by lines and pages both ways, and the
/// closed column or a text filter sometimes on), the board, its selection and the screen are what a reload of the
/// whole board gives.
fn an_incremental_board_refresh_equals_a_full_reload(
    backend: Backend,
    steps: &[Step],
) -> Result<(), TestCaseError> {
    use baton::tui::app::{App, Clock, Zone};
    use baton::ui::theme::Theme;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    let (mut created, at) = run(&mut store, &steps[..steps.len() / 2])?;
    // One moment for the whole session: a reload counts breaches at its `now`.
    let now = at + Duration::hours(1);
    // A short screen, so that columns scroll through windows of a few cards.
    let mut app =
        App::new(store, Clock::Fixed(now), "prop".into(), (100, 14)).expect("the board opens");
    app.zone = Zone::utc();
    app.tick().expect("idle");
    let key = |app: &mut App, code: KeyCode| {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
            .expect("the key is handled");
    };
    for (n, Step { op, .. }) in steps[steps.len() / 2..].iter().enumerate() {
        match n % 7 {
            3 => key(&mut app, KeyCode::Char('c')),
            5 => app.apply_filter("renewal").expect("filters"),
            6 => app.apply_filter("").expect("clears"),
            _ => {}
        }
        for _ in 0..n % 4 {
            key(&mut app, KeyCode::Char('j'));
        }
        // Windows read on from the one held: by a page either way, back up a line.
        match n % 5 {
            1 => key(&mut app, KeyCode::PageDown),
            2 => key(&mut app, KeyCode::Char('k')),
            4 => {
                key(&mut app, KeyCode::PageDown);
                key(&mut app, KeyCode::PageUp);
                key(&mut app, KeyCode::Char('k'));
            }
            _ => {}
        }
        if n % 3 == 1 {
            key(&mut app, KeyCode::Char('l'));
        }
        let pick_id = |i: usize| (i as i64 % (created + 1)) + 1;
        if let Some((a, b, pair)) = to_pair(op) {
            let _ = app.run_pair(pick_id(a), pick_id(b), pair);
        } else {
            match to_command(op, now) {
                (pick, Some(command)) => {
                    let id = pick.map(pick_id);
                    if app.run(id, command).is_ok() && id.is_none() {
                        created += 1;
                    }
                }
                // An undo takes back this board's last change.
                (_, None) => key(&mut app, KeyCode::Char('u')),
            }
        }
        // A column's selected row (none kept is the first).
        let selected_rows = |app: &App| {
            let mut rows: Vec<(String, usize)> = app
                .rows
                .iter()
                .filter(|(_, row)| **row > 0)
                .map(|(kind, row)| (kind.id(), *row))
                .collect();
            rows.sort();
            rows
        };
        let incremental = board_view(&app.board);
        let (rows, column) = (selected_rows(&app), app.column);
        // The idle moment works out the duplicate marks again if a write asked for it.
        app.tick().expect("idle");
        let duplicates = app.board.duplicates.clone();
        let screen = baton::tui::print(&app, &Theme::PLAIN);
        app.reload().expect("reloads");
        prop_assert_eq!(&incremental, &board_view(&app.board), "after {:?}", op);
        prop_assert_eq!(&rows, &selected_rows(&app), "after {:?}", op);
        prop_assert_eq!(column, app.column, "after {:?}", op);
        prop_assert_eq!(&duplicates, &app.board.duplicates, "after {:?}", op);
        prop_assert_eq!(
            screen,
            baton::tui::print(&app, &Theme::PLAIN),
            "after {:?}",
            op
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// A triage session closes items one at a time (a merge, done, dropped), reopens
    /// some (undo), retitles and dismisses: the kept join, updated for just those
    /// items, equals the join worked out afresh after every step.
    #[test]
    fn the_duplicate_join_updated_item_by_item_equals_a_fresh_one(
        titles in proptest::collection::vec(
            (0usize..TEAMS.len(), proptest::collection::vec(0usize..WORDS.len(), 1..6)),
            2..40,
        ),
        steps in proptest::collection::vec((0usize..4, 0usize..40, 0usize..40, 0usize..WORDS.len()), 1..20),
    ) {
        use baton::domain::attention::{DuplicateJoin, SignalCode, dismissed_pairs, possible_duplicates};
        use baton::domain::model::Dismissal;
        let org = org();
        let mut items: Vec<baton::domain::Item> = titles
            .iter()
            .enumerate()
            .map(|(n, (team, words))| {
                let title: Vec<&str> = words.iter().map(|w| WORDS[*w]).collect();
                baton::domain::rules::decide(
                    None,
                    n as i64 + 1,
                    &org,
                    Command::create(title.join(" "), TEAMS[*team]),
                    t0(),
                    "prop",
                )
                .expect("created")
                .1
            })
            .collect();
        let mut join = DuplicateJoin::default();
        join.over(&items);
        let n = items.len();
        for (kind, a, b, word) in steps {
            let (a, b) = (a % n, b % n);
            match kind {
                // Closed (merged, done, dropped) or reopened.
                0 => {
                    items[a].state = if items[a].state.is_open() { State::Dropped } else { State::Active };
                }
                // Retitled: a word added.
                1 => items[a].title.push_str(&format!(" {}", WORDS[word])),
                // A possible duplicate dismissed from both sides, or taken back.
                2 => {
                    let (ia, ib) = (items[a].id, items[b].id);
                    for (x, other) in [(a, ib), (b, ia)] {
                        let d = Dismissal { code: SignalCode::PossibleDuplicate, with: Some(other) };
                        if let Some(at) = items[x].dismissed.iter().position(|e| *e == d) {
                            items[x].dismissed.remove(at);
                        } else {
                            items[x].dismissed.push(d);
                        }
                    }
                }
                // Moved to another team.
                _ => items[a].team = TEAMS[word % TEAMS.len()].to_string(),
            }
            let open: Vec<&baton::domain::Item> = items.iter().filter(|i| i.state.is_open()).collect();
            let dismissed = dismissed_pairs(open.iter().map(|i| (i.id, i.dismissed.as_slice())));
            let fresh = possible_duplicates(
                open.iter().map(|i| (i.id, i.team.as_str(), i.title.as_str())),
                &dismissed,
            );
            prop_assert_eq!(join.over(&items), &fresh);
        }
    }
}

/// A column scrolled by lines, pages, Home and End, either way, on a board with more
/// cards than fit (some sent in the same second, so the order's ties count): after
/// every key, each column's window holds the cards that counting its rows from the
/// top gives, and its window start is the same. (The board reads a window on from the
/// one it holds, by the order's key; counting is the plain, slow way.)
fn windows_read_on_from_the_held_one_are_those_counted_from_the_top(
    backend: Backend,
    (items, sent, keys): &(usize, usize, Vec<u8>),
) -> Result<(), TestCaseError> {
    use baton::tui::app::{App, Clock, Zone};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    let start = t0();
    for n in 0..*items {
        let create = Command::create(format!("{} {n}", TITLES[n % TITLES.len()]), "sales");
        store.execute(None, create, start, "prop").expect("created");
    }
    // Sent in threes within one second, and not in id order: ties on `sent_at`.
    for n in 0..(*sent).min(*items) {
        let id = (*items - n) as i64;
        let send = Command::Send {
            to: "onboarding".into(),
            note: "what you need to know".into(),
            ticks: Ticks::All,
            force: false,
        };
        let at = start + Duration::seconds(60 + (n / 3) as i64);
        store.execute(Some(id), send, at, "prop").expect("sent");
    }
    let now = start + Duration::hours(1);
    let mut app =
        App::new(store, Clock::Fixed(now), "prop".into(), (100, 14)).expect("the board opens");
    app.zone = Zone::utc();
    for &k in keys {
        let code = match k {
            0 | 1 => KeyCode::Char('j'),
            2 => KeyCode::Char('k'),
            3 => KeyCode::PageDown,
            4 => KeyCode::PageUp,
            5 => KeyCode::End,
            6 => KeyCode::Home,
            7 => KeyCode::Char('l'),
            _ => KeyCode::Char('h'),
        };
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
            .expect("the key is handled");
        for column in &app.board.columns {
            let mut filter = column.kind.filter(&app.query.filter);
            filter.offset = column.window_start;
            filter.limit = Some(app.visible_rows());
            let counted = app.store.items(&filter).expect("items");
            prop_assert_eq!(
                &column.cards,
                &counted,
                "{} from row {} after {:?}",
                column.kind.id(),
                column.window_start,
                code
            );
        }
    }
    Ok(())
}

fn scrolling() -> impl Strategy<Value = (usize, usize, Vec<u8>)> {
    (
        10usize..40,
        0usize..30,
        proptest::collection::vec(0u8..9, 1..60),
    )
}

mod windows_read_on_from_the_held_one_are_those_counted_from_the_top {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: SQLITE_CASES, ..ProptestConfig::default() })]
        #[test]
        fn sqlite(case in scrolling()) {
            super::windows_read_on_from_the_held_one_are_those_counted_from_the_top(
                Backend::Sqlite, &case)?;
        }
    }

    #[test]
    fn postgres() {
        if Backend::Postgres.available() {
            proptest!(ProptestConfig::with_cases(PG_CASES / 2), |(case in scrolling())| {
                super::windows_read_on_from_the_held_one_are_those_counted_from_the_top(
                    Backend::Postgres, &case)?;
            });
        }
    }
}
