//! Backends benchmark: the same generated organisation on SQLite and on PostgreSQL (team
//! mode), read the way the CLI and the board read it, and written by 8 clients at once.
//!
//! Run with `cargo bench --bench backends`. PostgreSQL comes from `BATON_BENCH_PG` (an
//! admin URL; a database `baton_bench` is created and dropped there); without it, a
//! throwaway cluster is started with `scripts/pg-cluster` and stopped at the end.
//! Prints a table; asserts nothing (tests assert behaviour, benchmarks report numbers).

mod common;

use std::process::Command as Process;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as Elapsed, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use baton::clock::Clock;
use baton::domain::{Command, State};
use baton::export::json::BoardDocument;
use baton::storage::{ItemFilter, Location, Store, When};
use baton::tui::app::App;
use baton::ui::{self, theme::Theme};

use common::{
    NOW, baton_bin, bench_dir, drop_database, fresh_database, human, median, open_subset,
    organisation, percentile, write_document,
};

const LS_ITEMS: usize = 10_000;
const CLIENTS: usize = 8;
const WRITES: usize = 250;
const SIZE: (u16, u16) = (160, 48);

/// A throwaway cluster, stopped when dropped.
struct Cluster {
    dir: std::path::PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Process::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-cluster"))
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

fn admin_url() -> Result<(String, Option<Cluster>)> {
    if let Ok(url) = std::env::var("BATON_BENCH_PG") {
        return Ok((url, None));
    }
    let dir = std::env::temp_dir().join(format!("baton-bench-pg-{}", std::process::id()));
    let output = Process::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-cluster"))
        .arg("start")
        .arg(&dir)
        .output()
        .context("starting scripts/pg-cluster")?;
    let cluster = Cluster { dir };
    if !output.status.success() {
        bail!(
            "scripts/pg-cluster could not start PostgreSQL:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let url = String::from_utf8(output.stdout)?.trim().to_string();
    Ok((url, Some(cluster)))
}

struct Figures {
    import: Elapsed,
    ls: Elapsed,
    attention: Elapsed,
    first_frame: Elapsed,
    writes: Writes,
}

struct Writes {
    took: Elapsed,
    errors: usize,
    recorded: usize,
    p50: Elapsed,
    p99: Elapsed,
}

fn measure(
    big: &Location,
    small: &Location,
    big_doc: &std::path::Path,
    small_doc: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<Figures> {
    let started = Instant::now();
    {
        let doc = BoardDocument::parse(&std::fs::read_to_string(big_doc)?)?;
        let (org, items) = doc.check()?;
        Store::create(big)?.replace_board(&org, &items, false)?;
    }
    let import = started.elapsed();
    {
        let doc = BoardDocument::parse(&std::fs::read_to_string(small_doc)?)?;
        let (org, items) = doc.check()?;
        Store::create(small)?.replace_board(&org, &items, false)?;
    }
    let text = |l: &Location| match l {
        Location::Sqlite(p) => p.display().to_string(),
        Location::Postgres(u) => u.clone(),
    };
    let (ls, _) = median(|| baton_bin(text(small), now, &["ls", "--json"]))?;
    let (attention, _) = median(|| baton_bin(text(big), now, &["attention", "--json"]))?;
    let area = Rect::new(0, 0, SIZE.0, SIZE.1);
    let (first_frame, _) = median(|| {
        let started = Instant::now();
        let app = App::new(
            Store::connect(big)?,
            Clock::Fixed(now),
            "bench".into(),
            SIZE,
        )?;
        let mut buf = Buffer::empty(area);
        ui::render(area, &mut buf, &app, &Theme::DARK);
        Ok((started.elapsed(), None))
    })?;
    let writes = concurrent_writes(small)?;
    Ok(Figures {
        import,
        ls,
        attention,
        first_frame,
        writes,
    })
}

/// 8 clients, each on its own connection, each writing 250 notes on open items (the
/// same few items for all, so they contend), timed after the write lock.
fn concurrent_writes(location: &Location) -> Result<Writes> {
    let store = Store::connect(location)?;
    let ids: Vec<i64> = store
        .items(&ItemFilter {
            states: vec![State::Active],
            limit: Some(16),
            ..ItemFilter::default()
        })?
        .iter()
        .map(|i| i.id)
        .collect();
    let before = store.count_events()?;
    drop(store);
    let errors = AtomicUsize::new(0);
    let started = Instant::now();
    let mut latencies: Vec<Elapsed> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let ids = &ids;
                let errors = &errors;
                scope.spawn(move || -> Result<Vec<Elapsed>> {
                    let mut store = Store::connect(location)?;
                    let mut times = Vec::with_capacity(WRITES);
                    for n in 0..WRITES {
                        let id = ids[(client + n) % ids.len()];
                        let started = Instant::now();
                        let result = store.execute(
                            Some(id),
                            Command::Note(format!("client {client}, write {n}")),
                            When::Now(Clock::System),
                            &format!("client-{client}"),
                        );
                        times.push(started.elapsed());
                        if let Err(error) = result {
                            errors.fetch_add(1, Ordering::Relaxed);
                            eprintln!("client {client}: {error}");
                        }
                    }
                    Ok(times)
                })
            })
            .collect();
        let mut all = Vec::new();
        for handle in handles {
            match handle.join() {
                Ok(Ok(times)) => all.extend(times),
                Ok(Err(error)) => eprintln!("client failed: {error}"),
                Err(_) => eprintln!("client panicked"),
            }
        }
        all
    });
    let took = started.elapsed();
    let recorded = Store::connect(location)?.count_events()? - before;
    latencies.sort();
    Ok(Writes {
        took,
        errors: errors.into_inner(),
        recorded,
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
    })
}

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["big.db", "small.db"])?;
    let doc = organisation(now)?;
    let big_doc = dir.join("board.json");
    write_document(&doc, &big_doc)?;
    let small_doc = dir.join("open-10k.json");
    write_document(&open_subset(&doc, LS_ITEMS), &small_doc)?;
    println!(
        "organisation: {} items, {} events",
        doc.items.len(),
        doc.items.iter().map(|i| i.events.len()).sum::<usize>()
    );
    drop(doc);

    let sqlite = measure(
        &Location::Sqlite(dir.join("big.db")),
        &Location::Sqlite(dir.join("small.db")),
        &big_doc,
        &small_doc,
        now,
    )?;

    let (admin, _cluster) = admin_url()?;
    let big = fresh_database(&admin, "baton_bench")?;
    let small = fresh_database(&admin, "baton_bench_small")?;
    let postgres = measure(
        &Location::Postgres(big),
        &Location::Postgres(small),
        &big_doc,
        &small_doc,
        now,
    );
    drop_database(&admin, "baton_bench")?;
    drop_database(&admin, "baton_bench_small")?;
    let postgres = postgres?;

    println!();
    println!(
        "{:<44} {:>10} {:>10} {:>7}",
        "measure", "SQLite", "PostgreSQL", "ratio"
    );
    let row = |what: &str, a: Elapsed, b: Elapsed| {
        println!(
            "{:<44} {:>10} {:>10} {:>6.2}×",
            what,
            human(a),
            human(b),
            b.as_secs_f64() / a.as_secs_f64().max(1e-9)
        );
    };
    row(
        "import 100k items, 1M events (library)",
        sqlite.import,
        postgres.import,
    );
    row("ls --json, 10k open items (binary)", sqlite.ls, postgres.ls);
    row(
        "attention, 100k items (binary)",
        sqlite.attention,
        postgres.attention,
    );
    row(
        "board first frame 160×48, 100k items",
        sqlite.first_frame,
        postgres.first_frame,
    );
    row(
        &format!("{CLIENTS} clients × {WRITES} writes, wall"),
        sqlite.writes.took,
        postgres.writes.took,
    );
    row(
        "  one write, median",
        sqlite.writes.p50,
        postgres.writes.p50,
    );
    row("  one write, p99", sqlite.writes.p99, postgres.writes.p99);
    for (name, w) in [("SQLite", &sqlite.writes), ("PostgreSQL", &postgres.writes)] {
        println!(
            "{name}: {} errors, {} of {} writes recorded",
            w.errors,
            w.recorded,
            CLIENTS * WRITES
        );
    }
    Ok(())
}
