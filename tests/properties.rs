//! Invariants under random use: random command sequences over a small organisation, run
//! through the real store on a temporary file, never lose or duplicate an item; every
//! item's event log replays to its stored state; the board document round-trips. Each
//! property runs on SQLite and, with fewer cases, on PostgreSQL (`BATON_TEST_PG`).

#[macro_use]
mod common;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use baton::domain::rules::replay;
use baton::domain::{Boundary, Command, Contract, Org, State, Team, Ticks};
use baton::export::json::BoardDocument;
use baton::storage::{ItemFilter, Location, Store, StoreError};
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
                    sla_minutes: Some(24 * 60),
                    escalate_to: Some("vp".into()),
                },
            ),
            boundary("onboarding", "support", Contract::default()),
            boundary(
                "onboarding",
                "sales",
                Contract {
                    sla_minutes: Some(90),
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
        1 => item.prop_map(Op::Flag),
    ]
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

fn to_command(op: &Op) -> (Option<usize>, Command) {
    let person = |p: &Option<usize>| p.map(|i| PEOPLE[i].to_string());
    match op {
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
        Op::Flag(i) => (Some(*i), Command::Flag("dropped baton".into())),
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
        store.add_boundary(boundary).expect("boundary");
    }
    store
}

/// Runs the operations a minute apart; returns how many items were created.
fn run(store: &mut Store, ops: &[Op]) -> Result<i64, TestCaseError> {
    let mut created = 0i64;
    for (n, op) in ops.iter().enumerate() {
        let at = t0() + Duration::minutes(n as i64);
        let (pick, command) = to_command(op);
        // One past the last item is an unknown id, which must be refused.
        let id = pick.map(|i| (i as i64 % (created + 1)) + 1);
        let before = id.and_then(|id| store.item(id).ok());
        let events_before = id.map(|id| store.events(id).map(|e| e.len()).unwrap_or(0));
        match store.execute(id, command, at, "prop") {
            Ok((event, item)) => {
                if id.is_none() {
                    created += 1;
                    prop_assert_eq!(item.id, created);
                }
                prop_assert_eq!(event.seq, item.events);
                prop_assert_eq!(store.item(item.id).ok(), Some(item));
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
    Ok(created)
}

/// Makes `name::sqlite` and `name::postgres` for `fn name(backend, ops)`, each checking
/// the property for random command sequences of `lengths`.
macro_rules! on_both_backends {
    ($($name:ident($lengths:expr);)*) => {$(
        mod $name {
            use super::*;

            proptest! {
                #![proptest_config(ProptestConfig { cases: SQLITE_CASES, ..ProptestConfig::default() })]
                #[test]
                fn sqlite(ops in proptest::collection::vec(op(), $lengths)) {
                    super::$name(Backend::Sqlite, &ops)?;
                }
            }

            #[test]
            fn postgres() {
                if Backend::Postgres.available() {
                    proptest!(
                        ProptestConfig::with_cases(PG_CASES),
                        |(ops in proptest::collection::vec(op(), $lengths))| {
                            super::$name(Backend::Postgres, &ops)?;
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
    ops: &[Op],
) -> Result<(), TestCaseError> {
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    let created = run(&mut store, ops)?;

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
    let total: usize = by_state.values().map(HashSet::len).sum();
    prop_assert_eq!(total as i64, created);
    for item in &all {
        let holders = by_state
            .values()
            .filter(|ids| ids.contains(&item.id))
            .count();
        prop_assert_eq!(holders, 1, "#{} is in exactly one state", item.id);
        // Limbo and its details go together.
        prop_assert_eq!(item.state == State::Limbo, item.limbo.is_some());
    }
    let open = store.open_items().expect("open");
    let open_count = by_state[&State::Active].len() + by_state[&State::Limbo].len();
    prop_assert_eq!(open.len(), open_count);
    Ok(())
}

fn every_event_log_replays_to_the_stored_state(
    backend: Backend,
    ops: &[Op],
) -> Result<(), TestCaseError> {
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    run(&mut store, ops)?;
    let org = store.org().expect("org");
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

fn export_import_export_is_identical(backend: Backend, ops: &[Op]) -> Result<(), TestCaseError> {
    let place = Place::new(backend);
    let mut store = seeded_store(&place);
    run(&mut store, ops)?;
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
    let third = BoardDocument::new(
        &copy.org().expect("org"),
        &copy.all_histories().expect("histories"),
    )
    .to_json();
    prop_assert_eq!(&first, &third);
    Ok(())
}
