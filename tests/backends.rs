//! What depends on where the board lives: many processes writing one item at once, live
//! updates, and, in team mode (PostgreSQL), who may read and write and who the history
//! names; a database that is not Baton's, or is a newer Baton's, is left untouched.
//! Tests that apply to both backends run on both (`name::sqlite`, `name::postgres`);
//! team-mode tests are skipped without `BATON_TEST_PG`.

#[macro_use]
mod common;

use std::collections::HashMap;
use std::process::Output;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};
use serde_json::{Value, json};

use baton::storage::{Location, Store};
use common::cli::{Backend, Board, DbBy};
use common::pg::{self, PgDb};

const NOW: &str = "2026-03-06T12:00:00Z";

fn empty(backend: Backend) -> Board {
    Board::empty_on(backend, NOW, DbBy::Env)
}

fn new_board(backend: Backend) -> Board {
    let board = empty(backend);
    board.ok(&["init"]);
    board
}

fn pg_of(board: &Board) -> &PgDb {
    board.pg.as_ref().expect("a PostgreSQL board")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `baton ARGS` on `board` with the environment changed by `env`.
fn run_with(board: &Board, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = board.std_cmd(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().expect("baton runs")
}

/// A whole table's rows, in order, as JSON text: to see that nothing changed.
fn table(client: &mut Client, name: &str, order: &str) -> String {
    client
        .query_one(
            &format!("SELECT coalesce(json_agg(t ORDER BY {order})::text, '') FROM {name} t"),
            &[],
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .get(0)
}

fn role_exists(client: &mut Client, role: &str) -> bool {
    client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&role],
        )
        .expect("query")
        .get(0)
}

// ---------------------------------------------------------------------------------------
// Many writers at once.

on_both_backends!(writers_racing_on_one_item_are_served_in_turn_and_lose_nothing);
/// Eight processes at once each write notes on one item and try to accept another item
/// waiting in limbo, with "now" from the clock. Every note is kept, in the order written
/// and in time order; one accept wins and every other is refused naming who accepted it;
/// no write is refused for coming "before the item's last event".
fn writers_racing_on_one_item_are_served_in_turn_and_lose_nothing(backend: Backend) {
    const RACERS: usize = 8;
    const NOTES: usize = 3;
    let board = new_board(backend);
    // Everything runs at the clock's time: no BATON_NOW.
    let setup = |args: &[&str]| {
        let out = board
            .std_cmd(args)
            .env_remove("BATON_NOW")
            .output()
            .expect("runs");
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    };
    setup(&["team", "add", "sales"]);
    setup(&["team", "add", "onboarding"]);
    setup(&["boundary", "add", "sales", "onboarding"]);
    setup(&["add", "Shared", "--team", "sales"]);
    setup(&["add", "Contested", "--team", "sales"]);
    setup(&["send", "2", "--to", "onboarding", "--note", "yours"]);

    // Each racer has its own name: BATON_ACTOR on SQLite, its own role in team mode.
    let racers: Vec<(String, Vec<(String, String)>)> = (0..RACERS)
        .map(|i| match &board.pg {
            None => {
                let name = format!("racer{i}");
                (name.clone(), vec![("BATON_ACTOR".to_string(), name)])
            }
            Some(pg) => {
                let role = pg.create_role(&format!("racer{i}"), "pw");
                board.ok(&["access", "grant", &role]);
                (
                    role.clone(),
                    vec![("BATON_DB".to_string(), pg.url_as(&role, "pw"))],
                )
            }
        })
        .collect();

    let start = Arc::new(Barrier::new(RACERS));
    let threads: Vec<_> = racers
        .iter()
        .enumerate()
        .map(|(i, (_, env))| {
            let mut commands: Vec<Vec<String>> = (0..NOTES)
                .map(|j| {
                    vec![
                        "note".to_string(),
                        "1".to_string(),
                        format!("racer {i} note {j}"),
                    ]
                })
                .collect();
            commands.insert(1, vec!["accept".into(), "2".into()]);
            let cmds: Vec<std::process::Command> = commands
                .iter()
                .map(|args| {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    let mut cmd = board.std_cmd(&args);
                    cmd.env_remove("BATON_NOW");
                    for (k, v) in env {
                        cmd.env(k, v);
                    }
                    cmd
                })
                .collect();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                cmds.into_iter()
                    .zip(commands)
                    .map(|(mut cmd, args)| (args, cmd.output().expect("baton runs")))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<Vec<(Vec<String>, Output)>> = threads
        .into_iter()
        .map(|t| t.join().expect("racer thread"))
        .collect();

    // One accept won; who won is what the history says.
    let contested = board.json(&["show", "2", "--json"]);
    let events = contested["events"].as_array().expect("events");
    assert_eq!(events.len(), 3, "created, sent, accepted once: {contested}");
    assert_eq!(events[2]["type"], json!("accepted"));
    let winner = events[2]["actor"].as_str().expect("actor").to_string();

    let mut accepted = 0;
    for (i, racer) in results.iter().enumerate() {
        for (args, out) in racer {
            let stderr = text(&out.stderr);
            assert!(
                !stderr.contains("would come before"),
                "racer {i} {args:?}: {stderr}"
            );
            if args[0] == "note" {
                assert!(out.status.success(), "racer {i} {args:?}: {stderr}");
            } else if out.status.success() {
                accepted += 1;
                assert_eq!(racers[i].0, winner, "the winner is the one recorded");
            } else {
                assert_eq!(out.status.code(), Some(1), "racer {i}: {stderr}");
                assert!(
                    stderr.starts_with(
                        "error: cannot accept #2: it is active with onboarding; only an item sent across a boundary and waiting in limbo can be accepted (#2 was accepted by "
                    ) && stderr.contains(&format!("was accepted by {winner} ")),
                    "racer {i}: {stderr}"
                );
            }
        }
    }
    assert_eq!(accepted, 1, "exactly one accept wins");

    // Every note is in the history once, by its writer, in the order each wrote them,
    // and the history is in time order.
    let shared = board.json(&["show", "1", "--json"]);
    let events = shared["events"].as_array().expect("events");
    assert_eq!(events.len(), 1 + RACERS * NOTES, "{shared}");
    let seqs: Vec<i64> = events
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, (1..=events.len() as i64).collect::<Vec<_>>());
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["at"].as_str().expect("at"))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "in time order: {times:?}"
    );
    let mut seen: HashMap<usize, Vec<usize>> = HashMap::new();
    for event in &events[1..] {
        assert_eq!(event["type"], json!("noted"));
        let note = event["note"].as_str().expect("note");
        let words: Vec<&str> = note.split(' ').collect();
        let (i, j): (usize, usize) = (
            words[1].parse().expect("racer"),
            words[3].parse().expect("note"),
        );
        assert_eq!(event["actor"], json!(racers[i].0), "{event}");
        seen.entry(i).or_default().push(j);
    }
    for i in 0..RACERS {
        assert_eq!(seen[&i], (0..NOTES).collect::<Vec<_>>(), "racer {i}");
    }
}

// ---------------------------------------------------------------------------------------
// Live updates.

/// Waits until `store`'s data version stops moving (a team-mode board's listener may
/// move it once as it connects); returns it.
fn settled_version(store: &Store) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut version = store.data_version().expect("data version");
    let mut still_since = Instant::now();
    while still_since.elapsed() < Duration::from_millis(500) {
        assert!(Instant::now() < deadline, "the data version never settles");
        std::thread::sleep(Duration::from_millis(50));
        let now = store.data_version().expect("data version");
        if now != version {
            version = now;
            still_since = Instant::now();
        }
    }
    version
}

on_both_backends!(an_open_board_sees_another_process_change_it_within_two_seconds);
fn an_open_board_sees_another_process_change_it_within_two_seconds(backend: Backend) {
    let board = new_board(backend);
    board.ok(&["team", "add", "sales"]);
    let store = Store::connect(&Location::parse(&board.location())).expect("opens");
    let mut version = settled_version(&store);
    for n in 0..3 {
        board.ok(&["add", &format!("Item {n}"), "--team", "sales"]);
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let now = store.data_version().expect("data version");
            if now != version {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "change {n} was not seen within 2 s (data version still {version})"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        version = settled_version(&store);
        assert_eq!(store.open_items().expect("items").len(), n + 1);
    }
}

on_both_backends!(attention_reads_only_what_it_needs_and_misses_nothing);
/// `attention` reads the open items narrow (no description, tags, handoff note and the
/// like): each narrow item is the full one with only those left empty, and the queue
/// over them is the same, every reason included. The demo board, with a dismissal and
/// a tag, a description and a link added so that no column is empty everywhere.
fn attention_reads_only_what_it_needs_and_misses_nothing(backend: Backend) {
    use baton::domain::attention::attention;
    use baton::storage::ItemColumns;
    let board = empty(backend);
    board.ok(&["init", "--demo"]);
    board.ok(&[
        "edit",
        "36",
        "--tag",
        "sso",
        "--body",
        "Seen by three admins",
    ]);
    board.ok(&["dismiss", "19", "due-soon", "--note", "renewed already"]);
    board.ok(&["edit", "25", "--link", "https://example.com/SUP-4810"]);
    let store = Store::connect(&Location::parse(&board.location())).expect("opens");
    let org = store.org().expect("org");
    let full = store.open_items().expect("full read");
    let narrow = store
        .open_items_with(ItemColumns::Attention)
        .expect("narrow read");
    let left_out = |mut item: baton::domain::Item| {
        item.body = None;
        item.tags.clear();
        if let Some(limbo) = &mut item.limbo {
            limbo.note.clear();
            limbo.unticked.clear();
            limbo.sender_owner = None;
        }
        item.arrived_from = None;
        item.link = None;
        item.external_key = None;
        item
    };
    assert!(full.iter().any(|i| !i.tags.is_empty() && i.body.is_some()));
    assert!(full.iter().any(|i| i.link.is_some()));
    assert!(full.iter().any(|i| i.arrived_from.is_some()));
    assert!(
        full.iter()
            .any(|i| i.limbo.as_ref().is_some_and(|l| !l.note.is_empty()))
    );
    assert!(full.iter().any(|i| !i.dismissed.is_empty()));
    assert!(full.iter().any(|i| !i.incomplete_handoff.is_empty()));
    assert_eq!(
        narrow,
        full.iter().cloned().map(left_out).collect::<Vec<_>>()
    );
    let now = NOW.parse().expect("time");
    let zone = chrono::Utc;
    assert_eq!(
        attention(&narrow, &org, now, &zone),
        attention(&full, &org, now, &zone)
    );
    // A snapshot's rows read narrow too: the long text and the lists left empty.
    let rows = store.open_items_with(ItemColumns::Row).expect("rows read");
    let row = |mut item: baton::domain::Item| {
        item.body = None;
        item.tags.clear();
        if let Some(limbo) = &mut item.limbo {
            limbo.note.clear();
            limbo.unticked.clear();
        }
        item.incomplete_handoff.clear();
        item.dismissed.clear();
        item
    };
    assert_eq!(rows, full.iter().cloned().map(row).collect::<Vec<_>>());
}

on_both_backends!(a_read_of_a_large_board_is_one_snapshot_of_every_open_item);
/// `attention`'s read of the organisation and every open item: on a large SQLite board
/// two connections share it, each feeding the items it reads to the join, and it is
/// still one snapshot. A process that notes on one item of each half after the second
/// connection took its snapshot, before the first took its own, is seen on both (the
/// first reads them all); without anyone in between, the read is shared. Every item
/// is fed once, in either case.
fn a_read_of_a_large_board_is_one_snapshot_of_every_open_item(backend: Backend) {
    use baton::context::demo_document;
    use baton::storage::ItemColumns;
    use std::sync::Mutex;
    let board = empty(backend);
    board.ok(&["init"]);
    let now = NOW.parse().expect("time");
    let (org, items) = demo_document(now)
        .expect("demo")
        .check()
        .expect("demo replays");
    let open: Vec<_> = items.iter().filter(|(i, _)| i.state.is_open()).collect();
    // Copies under ids one after another: the halves are halves of the ids.
    let large: Vec<_> = (0..9_001)
        .map(|n| {
            let (item, events) = open[n % open.len()];
            let mut item = item.clone();
            item.id = 1 + n as i64;
            (item, events.clone())
        })
        .collect();
    let location = Location::parse(&board.location());
    let mut store = Store::connect(&location).expect("opens");
    store.replace_board(&org, &large, true).expect("written");
    let (low, high) = (large[0].0.id, large[large.len() - 1].0.id);

    let fed = Mutex::new(Vec::new());
    let feeders = Mutex::new(0);
    let read = |between: &dyn Fn()| {
        fed.lock().expect("fed").clear();
        *feeders.lock().expect("feeders") = 0;
        store
            .org_and_open_items_after(
                ItemColumns::All,
                || Store::connect(&location).ok(),
                || {
                    *feeders.lock().expect("feeders") += 1;
                    |item: &baton::domain::Item| fed.lock().expect("fed").push(item.id)
                },
                between,
            )
            .expect("read")
    };
    let fed_once = |items: &[baton::domain::Item]| {
        let mut ids = fed.lock().expect("fed").clone();
        ids.sort_unstable();
        assert_eq!(ids, items.iter().map(|i| i.id).collect::<Vec<_>>());
    };

    let (read_org, items) = read(&|| {});
    assert_eq!(read_org, store.org().expect("org"));
    assert_eq!(items, store.open_items().expect("items"));
    assert!(items.len() > 9_000);
    fed_once(&items);
    let shared = match backend {
        Backend::Sqlite => 2,
        Backend::Postgres => 1,
    };
    assert_eq!(*feeders.lock().expect("feeders"), shared, "readers");

    let (_, items) = read(&|| {
        board.ok(&["note", &low.to_string(), "seen by the first half"]);
        board.ok(&["note", &high.to_string(), "seen by the second half"]);
    });
    let after = store.open_items().expect("items");
    let events =
        |items: &[baton::domain::Item], id| items.iter().find(|i| i.id == id).map(|i| i.events);
    let before = |id| {
        large
            .iter()
            .find(|(i, _)| i.id == id)
            .map(|(i, _)| i.events)
    };
    assert_eq!(events(&after, low), before(low).map(|n| n + 1));
    assert_eq!(events(&after, high), before(high).map(|n| n + 1));
    let stale: Vec<_> = items
        .iter()
        .zip(&after)
        .filter(|(read, now)| read != now)
        .map(|(read, _)| read.id)
        .collect();
    assert_eq!(
        stale,
        Vec::<i64>::new(),
        "items read from an older snapshot"
    );
    assert_eq!(items.len(), after.len());
    fed_once(&items);
    assert_eq!(*feeders.lock().expect("feeders"), 1, "one reader");
}

on_both_backends!(an_items_position_in_a_list_is_counted_only_when_it_is_there);
/// Where an item comes in a filtered list (what the board places a card by): the
/// number of items before it in the order, and nothing for an item the list does not
/// hold, in each order the board uses.
fn an_items_position_in_a_list_is_counted_only_when_it_is_there(backend: Backend) {
    use baton::storage::{ItemFilter, Order};
    let board = empty(backend);
    board.ok(&["init", "--demo"]);
    let store = Store::connect(&Location::parse(&board.location())).expect("opens");
    let all = store.open_items().expect("items");
    use baton::domain::State::{Active, Limbo};
    // Lanes by id or by change, limbo columns by how long they have waited.
    for (state, order) in [
        (Active, Order::Id),
        (Active, Order::RecentlyChanged),
        (Limbo, Order::SentAt),
    ] {
        for team in ["support", "solutions"] {
            let filter = ItemFilter {
                states: vec![state],
                held_by: (state == Active).then(|| team.to_string()),
                limbo_to: (state == Limbo).then(|| team.to_string()),
                order,
                ..ItemFilter::default()
            };
            let list: Vec<i64> = store
                .items(&filter)
                .expect("list")
                .iter()
                .map(|i| i.id)
                .collect();
            assert!(list.len() > 1, "{team}: {list:?}");
            for item in &all {
                let want = list.iter().position(|id| *id == item.id);
                assert_eq!(
                    store.position(&filter, item.id).expect("position"),
                    want,
                    "#{} in {team}'s list by {order:?}",
                    item.id
                );
            }
        }
    }
}

on_both_backends!(a_store_acts_on_the_organisation_as_it_now_is);
/// A store that has acted keeps no old organisation: a boundary another process adds,
/// or one it adds itself, is there for its next command.
fn a_store_acts_on_the_organisation_as_it_now_is(backend: Backend) {
    use baton::domain::{Boundary, Command, Contract, State, Team, Ticks};
    let board = new_board(backend);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "legal"]);
    let mut store = Store::connect(&Location::parse(&board.location())).expect("opens");
    let at: chrono::DateTime<chrono::Utc> = NOW.parse().expect("a time");
    let send = |to: &str| Command::Send {
        to: to.into(),
        note: "over to you".into(),
        ticks: Ticks::All,
        force: false,
    };
    let (_, item) = store
        .execute(
            None,
            Command::create("Contract review", "sales"),
            at,
            "tester",
        )
        .expect("created");
    assert!(
        store
            .execute(Some(item.id), send("legal"), at, "tester")
            .is_err(),
        "no boundary yet"
    );
    board.ok(&["boundary", "add", "sales", "legal"]);
    let (_, sent) = store
        .execute(Some(item.id), send("legal"), at, "tester")
        .expect("the boundary another process added is there");
    assert_eq!(sent.state, State::Limbo);
    store
        .execute(Some(item.id), Command::Accept { owner: None }, at, "tester")
        .expect("accepted");
    store
        .add_team(&Team {
            key: "finance".into(),
            name: "Finance".into(),
            lead: None,
        })
        .expect("a team");
    let boundary = Boundary {
        from: "legal".into(),
        to: "finance".into(),
        contract: Contract::default(),
    };
    store
        .add_boundary(&boundary, at, "tester")
        .expect("a boundary");
    let (_, sent) = store
        .execute(Some(item.id), send("finance"), at, "tester")
        .expect("the boundary this store added is there");
    assert_eq!(sent.limbo.map(|l| l.to), Some("finance".to_string()));
}

// ---------------------------------------------------------------------------------------
// Team mode: who may read and write, and who the history names.

/// Runs `baton ARGS` on the board as `role` (password `pw`), claiming to be mallory.
fn as_role(board: &Board, role: &str, args: &[&str]) -> Output {
    let url = pg_of(board).url_as(role, "pw");
    run_with(
        board,
        &[("BATON_DB", url.as_str()), ("BATON_ACTOR", "mallory")],
        args,
    )
}

/// The one error line of a command `role` may not run.
fn refused_as(board: &Board, role: &str, args: &[&str]) -> String {
    let out = as_role(board, role, args);
    assert_eq!(out.status.code(), Some(1), "{role} {args:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{role} {args:?} printed on stdout");
    text(&out.stderr).trim_end().to_string()
}

fn ok_as(board: &Board, role: &str, args: &[&str]) -> String {
    let out = as_role(board, role, args);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{role} {args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn actors(shown: &Value) -> Vec<String> {
    shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["actor"].as_str().expect("actor").to_string())
        .collect()
}

#[test]
fn team_mode_admits_only_granted_roles_and_every_event_names_its_role() {
    if !Backend::Postgres.available() {
        return;
    }
    let board = new_board(Backend::Postgres);
    let pg = pg_of(&board);
    let owner = pg.admin_role().to_string();
    let group = pg.writers_group();
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "onboarding"]);
    board.ok(&["boundary", "add", "sales", "onboarding"]);
    let alice = pg.create_role("alice", "pw");
    let bob = pg.create_role("bob", "pw");

    assert_eq!(
        board.ok(&["access", "grant", &alice]),
        format!(
            "admitted {alice}\nowner    {owner}\nwriters  {alice}\n(members of the database role {group})\n"
        )
    );

    // Alice writes; whatever she claims to be, the history names her role.
    assert_eq!(
        ok_as(&board, &alice, &["add", "Alice's item", "--team", "sales"]),
        "added #1 Alice's item to sales\n"
    );
    ok_as(
        &board,
        &alice,
        &["send", "1", "--to", "onboarding", "--note", "over to you"],
    );
    let shown: Value =
        serde_json::from_str(&ok_as(&board, &alice, &["show", "1", "--json"])).expect("json");
    assert_eq!(actors(&shown), [alice.as_str(), alice.as_str()]);
    assert_eq!(
        actors(&board.json(&["show", "1", "--json"])),
        [alice.as_str(), alice.as_str()]
    );
    assert!(
        ok_as(&board, &alice, &["show", "1"]).contains(&format!("{alice} sent sales → onboarding")),
    );
    // Only the owner admits roles.
    assert_eq!(
        refused_as(&board, &alice, &["access", "grant", &bob]),
        format!("error: only the board's owner, `{owner}`, admits and removes roles")
    );

    // Bob was never admitted: refused, told how to be admitted, and shown nothing.
    let bob_place = pg.url_as(&bob, "***");
    for args in [
        &["ls"][..],
        &["show", "1"],
        &["add", "Bob's item", "--team", "sales"],
        &["export"],
        &["access", "ls"],
    ] {
        assert_eq!(
            refused_as(&board, &bob, args),
            format!(
                "error: the database role `{bob}` has not been admitted to the board at {bob_place}; its owner admits it with `baton access grant {bob}`"
            ),
            "{args:?}"
        );
    }
    let mut bob_sql = Client::connect(&pg.url_as(&bob, "pw"), NoTls).expect("bob connects");
    for sql in [
        "SELECT * FROM baton.events",
        "SELECT * FROM baton.items",
        "SELECT * FROM baton.meta",
        "INSERT INTO baton.teams (key, name, position) VALUES ('bob', 'Bob', 9)",
    ] {
        let error = bob_sql.batch_execute(sql).expect_err(sql);
        assert!(
            error
                .as_db_error()
                .is_some_and(|e| e.message().contains("permission denied")),
            "{sql}: {error:?}"
        );
    }

    // Alice, at the SQL prompt, can neither change nor delete the history, and an event
    // she writes is signed with her role whatever name she gives.
    let mut admin = pg.admin();
    let history = table(&mut admin, "baton.events", "item_id, seq");
    let mut alice_sql = Client::connect(&pg.url_as(&alice, "pw"), NoTls).expect("alice connects");
    for sql in [
        "UPDATE baton.events SET actor = 'bob'",
        "DELETE FROM baton.events",
        "TRUNCATE baton.events",
    ] {
        assert!(alice_sql.batch_execute(sql).is_err(), "{sql} was allowed");
    }
    // Not even the board's owner changes a recorded event.
    assert!(
        admin
            .batch_execute("UPDATE baton.events SET actor = 'bob'")
            .is_err()
    );
    assert!(admin.batch_execute("DELETE FROM baton.events").is_err());
    assert_eq!(table(&mut admin, "baton.events", "item_id, seq"), history);
    let mut tx = alice_sql.transaction().expect("begin");
    tx.execute(
        "INSERT INTO baton.events (item_id, seq, at, actor, kind, data)
         VALUES (1, 3, 0, $1, 'noted', '{\"type\":\"noted\",\"note\":\"forged\"}')",
        &[&bob],
    )
    .expect("alice may add an event");
    let signed: String = tx
        .query_one(
            "SELECT actor FROM baton.events WHERE item_id = 1 AND seq = 3",
            &[],
        )
        .expect("the event")
        .get(0);
    assert_eq!(
        signed, alice,
        "the event is signed by the role that wrote it"
    );
    tx.rollback().expect("rollback");
    assert_eq!(table(&mut admin, "baton.events", "item_id, seq"), history);

    // The owner lists and removes; alice's past events keep her name.
    assert_eq!(
        board.ok(&["access", "ls"]),
        format!("owner    {owner}\nwriters  {alice}\n(members of the database role {group})\n")
    );
    assert_eq!(
        board.json(&["access", "ls", "--json"]),
        json!({"owner": owner, "group": group, "writers": [alice]})
    );
    assert_eq!(
        board.ok(&["access", "revoke", &alice]),
        format!(
            "removed {alice}\nowner    {owner}\nwriters  none yet; admit a role with `baton access grant ROLE`\n(members of the database role {group})\n"
        )
    );
    let alice_place = pg.url_as(&alice, "***");
    assert_eq!(
        refused_as(&board, &alice, &["ls"]),
        format!(
            "error: the database role `{alice}` has not been admitted to the board at {alice_place}; its owner admits it with `baton access grant {alice}`"
        )
    );
    drop(alice_sql);
    let mut alice_sql = Client::connect(&pg.url_as(&alice, "pw"), NoTls).expect("alice connects");
    assert!(
        alice_sql
            .batch_execute("SELECT * FROM baton.items")
            .is_err()
    );
    assert_eq!(
        actors(&board.json(&["show", "1", "--json"])),
        [alice.as_str(), alice.as_str()]
    );
}

#[test]
fn access_on_a_sqlite_file_is_refused_in_words() {
    let board = new_board(Backend::Sqlite);
    for args in [
        &["access", "ls"][..],
        &["access", "grant", "alice"],
        &["access", "revoke", "alice"],
    ] {
        assert_eq!(
            board.error(args),
            "error: access applies to a shared board on PostgreSQL; a SQLite file is protected by its file permissions",
            "{args:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Databases that are not Baton's to open.

#[test]
fn a_postgres_database_of_another_program_is_refused_untouched() {
    if !Backend::Postgres.available() {
        return;
    }
    let board = empty(Backend::Postgres);
    let pg = pg_of(&board);
    let mut admin = pg.admin();
    admin
        .batch_execute(
            "CREATE TABLE public.customers (id int); INSERT INTO public.customers VALUES (1), (2);",
        )
        .expect("another program's table");
    let before = table(&mut admin, "public.customers", "id");
    for args in [
        &["ls"][..],
        &["init"],
        &["init", "--demo"],
        &["team", "add", "sales"],
    ] {
        let error = board.error(args);
        assert!(
            error.starts_with(&format!(
                "error: {} is not a Baton database (",
                board.place()
            )) && error.ends_with("); it was left untouched"),
            "{args:?}: {error}"
        );
    }
    let file = board.path("board.json");
    std::fs::write(
        &file,
        r#"{"format": "baton-board", "version": 1, "teams": [], "boundaries": [], "items": []}"#,
    )
    .expect("write");
    let error = board.error(&["import", file.to_str().expect("utf-8")]);
    assert!(error.contains("is not a Baton database ("), "{error}");
    assert_eq!(table(&mut admin, "public.customers", "id"), before);
    assert!(!board.exists(), "no schema `baton` was made");
    assert!(!role_exists(&mut admin, &pg.writers_group()));

    // A schema called `baton` that is not Baton's is left alone too.
    let other = empty(Backend::Postgres);
    let mut admin = pg_of(&other).admin();
    admin
        .batch_execute("CREATE SCHEMA baton; CREATE TABLE baton.notes (body text);")
        .expect("another program's schema");
    for args in [&["ls"][..], &["init"]] {
        assert_eq!(
            other.error(args),
            format!(
                "error: {} is not a Baton database (its schema `baton` belongs to another program); it was left untouched",
                other.place()
            ),
            "{args:?}"
        );
    }
    assert_eq!(table(&mut admin, "baton.notes", "body"), "");
}

#[test]
fn a_postgres_board_from_a_newer_baton_is_refused_untouched() {
    if !Backend::Postgres.available() {
        return;
    }
    let board = new_board(Backend::Postgres);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["add", "Kept", "--team", "sales"]);
    let mut admin = pg_of(&board).admin();
    admin
        .batch_execute("UPDATE baton.meta SET value = '99' WHERE key = 'version'")
        .expect("a newer version");
    let dump = |admin: &mut Client| {
        [
            table(admin, "baton.meta", "key"),
            table(admin, "baton.teams", "key"),
            table(admin, "baton.items", "id"),
            table(admin, "baton.events", "item_id, seq"),
        ]
    };
    let before = dump(&mut admin);
    for args in [
        &["ls"][..],
        &["init"],
        &["team", "add", "ops"],
        &["note", "1", "hello"],
        &["export"],
        &["access", "ls"],
    ] {
        let error = board.error(args);
        assert!(
            error.starts_with(&format!(
                "error: {} was written by a newer Baton (schema version 99, this Baton knows up to ",
                board.place()
            )) && error.ends_with("); it was left untouched, upgrade Baton to open it"),
            "{args:?}: {error}"
        );
    }
    assert_eq!(dump(&mut admin), before);
}

#[test]
fn the_postgres_fixture_leaves_the_cluster_as_it_found_it() {
    if !Backend::Postgres.available() {
        return;
    }
    let (database, group, role) = {
        let board = new_board(Backend::Postgres);
        let pg = pg_of(&board);
        let role = pg.create_role("carol", "pw");
        board.ok(&["access", "grant", &role]);
        let mut admin = pg::server_admin();
        assert!(role_exists(&mut admin, &pg.writers_group()));
        assert!(role_exists(&mut admin, &role));
        (pg.name.clone(), pg.writers_group(), role)
    };
    let mut admin = pg::server_admin();
    let database_exists: bool = admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
            &[&database],
        )
        .expect("query")
        .get(0);
    assert!(!database_exists, "{database} was dropped");
    assert!(!role_exists(&mut admin, &group), "{group} was dropped");
    assert!(!role_exists(&mut admin, &role), "{role} was dropped");
}

// ---------------------------------------------------------------------------------------
// `baton init` is safe to repeat, so it must be safe to run twice at once.

on_both_backends!(several_processes_running_init_at_once_all_get_one_board);
/// Teammates each running `baton init` on a new board at the same moment: every one is
/// told the board is ready, and there is one board. (Several rounds, as the race is
/// narrow.)
fn several_processes_running_init_at_once_all_get_one_board(backend: Backend) {
    for round in 0..8 {
        let board = empty(backend);
        let start = Arc::new(Barrier::new(6));
        let runs: Vec<_> = (0..6)
            .map(|_| {
                let mut cmd = board.std_cmd(&["init"]);
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    cmd.output().expect("baton runs")
                })
            })
            .collect();
        for run in runs {
            let out = run.join().expect("thread");
            assert!(out.status.success(), "round {round}: {}", text(&out.stderr));
            assert!(text(&out.stdout).starts_with(&format!("ready: {}\n", board.place())));
        }
        board.ok(&["team", "add", "sales"]);
        assert_eq!(board.ok(&["init"]), format!("ready: {}\n", board.place()));
    }
}

// ---------------------------------------------------------------------------------------
// Edges where the backends differ.

/// PostgreSQL allows database names up to 63 bytes: boards in two databases with long
/// names that differ only at the end work like any others, each with its own writers.
#[test]
fn postgres_databases_with_long_names_hold_separate_boards() {
    if !Backend::Postgres.available() {
        return;
    }
    let mut stem = pg::unique_name();
    while stem.len() < 62 {
        stem.push('x');
    }
    let boards: Vec<Board> = ["1", "2"]
        .iter()
        .map(|end| {
            let mut board = empty(Backend::Postgres);
            board.pg = Some(PgDb::create_named(format!("{stem}{end}")));
            assert_eq!(
                board.ok(&["init"]),
                format!(
                    "ready: {}\nnext: baton team add KEY, then baton boundary add FROM TO\n",
                    board.place()
                )
            );
            board
        })
        .collect();
    let (first, second) = (&boards[0], &boards[1]);
    let role = pg_of(first).create_role("dora", "pw");
    first.ok(&["access", "grant", &role]);
    assert_eq!(
        first.json(&["access", "ls", "--json"])["writers"],
        json!([role])
    );
    assert_eq!(
        second.json(&["access", "ls", "--json"])["writers"],
        json!([])
    );
    assert_eq!(
        ok_as(first, &role, &["team", "add", "sales"]),
        "added team sales\n"
    );
    assert!(
        refused_as(second, &role, &["ls"]).contains(&format!("baton access grant {role}")),
        "admitted to one board is not admitted to the other"
    );
}

/// A board document with text a PostgreSQL database cannot store (U+0000) is treated
/// alike on both backends: imported and exported the same, or refused the same.
#[test]
fn text_with_a_nul_character_is_treated_alike_on_both_backends() {
    if !Backend::Postgres.available() {
        return;
    }
    let doc = concat!(
        r#"{"format":"baton-board","version":1,"teams":[{"key":"sales","name":"sales"}],"boundaries":[],"#,
        r#""items":[{"id":1,"title":"a\u0000b","team":"sales","owner":null,"state":"active","events":["#,
        r#"{"seq":1,"at":"2026-03-02T09:00:00Z","actor":"ann","type":"created","title":"a\u0000b","team":"sales"}]}]}"#
    );
    let outcome = |backend: Backend| {
        let board = empty(backend);
        let file = board.path("doc.json");
        std::fs::write(&file, doc).expect("write");
        let out = board
            .cmd(&["import", file.to_str().expect("utf-8")])
            .output()
            .expect("runs");
        let said = (text(&out.stdout) + &text(&out.stderr)).replace(&board.place(), "BOARD");
        let export = out.status.success().then(|| board.ok(&["export"]));
        (
            out.status.code(),
            said.replace(file.to_str().expect("utf-8"), "FILE"),
            export,
        )
    };
    assert_eq!(outcome(Backend::Postgres), outcome(Backend::Sqlite));
}

#[test]
fn a_postgres_board_from_before_the_kept_counts_is_upgraded_and_counted() {
    if !Backend::Postgres.available() {
        return;
    }
    let board = new_board(Backend::Postgres);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "onboarding"]);
    board.ok(&["boundary", "add", "sales", "onboarding"]);
    for (title, owner) in [("One", None), ("Two", Some("dana")), ("Three", None)] {
        let mut args = vec!["add", title, "--team", "sales"];
        args.extend(owner.iter().flat_map(|o| ["--owner", *o]));
        board.ok(&args);
    }
    board.ok(&["send", "3", "--to", "onboarding", "--note", "over"]);
    let print = ["board", "--print", "--width", "160", "--height", "20"];
    let printed = board.ok(&print);
    assert!(printed.contains("#3"), "{printed}");
    // The schema as migration 8 left it, with items written before the counts existed.
    let mut admin = pg_of(&board).admin();
    admin
        .batch_execute(
            "DROP TABLE baton.place_counts;
             DROP TRIGGER place_counts_in ON baton.items;
             DROP TRIGGER place_counts_out ON baton.items;
             DROP TRIGGER place_counts_moved ON baton.items;
             DROP TRIGGER place_counts_emptied ON baton.items;
             DROP FUNCTION baton.place_counts_in(), baton.place_counts_out(),
                 baton.place_counts_moved(), baton.place_counts_emptied();
             DROP TRIGGER org_changed ON baton.teams;
             DROP TRIGGER org_changed ON baton.boundaries;
             DROP TRIGGER org_changed ON baton.calendars;
             DROP TRIGGER org_changed ON baton.contract_changes;
             DROP FUNCTION baton.org_changed();
             DELETE FROM baton.meta WHERE key = 'org_version';
             DROP INDEX baton.items_owner, baton.items_escalated_to, baton.items_state_due, baton.items_state_escalated;
             UPDATE baton.meta SET value = '8' WHERE key = 'version'",
        )
        .expect("the schema of version 8");
    board.ok(&["add", "Four", "--team", "onboarding"]);
    let version: String = admin
        .query_one("SELECT value FROM baton.meta WHERE key = 'version'", &[])
        .expect("version")
        .get(0);
    assert_eq!(version, "11");
    let counts = |admin: &mut Client| {
        table(admin, "baton.place_counts", "state, team, owned").replace(", \n ", ", ")
    };
    assert_eq!(
        counts(&mut admin),
        concat!(
            r#"[{"state":"active","team":"onboarding","limbo_to":"","owned":false,"n":1}, "#,
            r#"{"state":"active","team":"sales","limbo_to":"","owned":false,"n":1}, "#,
            r#"{"state":"active","team":"sales","limbo_to":"","owned":true,"n":1}, "#,
            r#"{"state":"limbo","team":"sales","limbo_to":"onboarding","owned":false,"n":1}]"#
        )
    );
    board.ok(&["drop", "4", "--reason", "not ours"]);
    assert_eq!(board.ok(&print), printed);

    // A writer's changes move the counts (the counting runs as the board's owner); the
    // writer cannot set them.
    let alice = pg_of(&board).create_role("alice", "pw");
    board.ok(&["access", "grant", &alice]);
    ok_as(&board, &alice, &["accept", "3"]);
    assert_eq!(
        counts(&mut admin),
        concat!(
            r#"[{"state":"active","team":"onboarding","limbo_to":"","owned":false,"n":1}, "#,
            r#"{"state":"active","team":"sales","limbo_to":"","owned":false,"n":1}, "#,
            r#"{"state":"active","team":"sales","limbo_to":"","owned":true,"n":1}, "#,
            r#"{"state":"dropped","team":"onboarding","limbo_to":"","owned":false,"n":1}, "#,
            r#"{"state":"limbo","team":"sales","limbo_to":"onboarding","owned":false,"n":0}]"#
        )
    );
    let mut as_alice =
        Client::connect(&pg_of(&board).url_as(&alice, "pw"), NoTls).expect("alice connects");
    let refused = as_alice
        .batch_execute("UPDATE baton.place_counts SET n = 0")
        .expect_err("a writer cannot set the counts");
    assert_eq!(
        refused.as_db_error().map(|e| e.code().clone()),
        Some(postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{refused:?}"
    );
}
