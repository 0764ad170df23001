//! Board benchmark (#11 item 8): the board over 100,000 open items, each with its own
//! history and title (the scale organisation's 20 teams and 40 boundaries, half the
//! items held by a team, half in limbo). It measures what a user waits for:
//! - the first frame: open the store, load, lay out and draw, from nothing;
//! - a keypress to the next frame while moving about (j k l h PageDown);
//! - an action that writes, accept with its form: `a` opens the form, the owner is
//!   typed (Ctrl-U, a few letters, Tab completes), Enter accepts and the board is drawn
//!   with the item moved; each key timed to its frame;
//! - `baton board --print` (the release binary), with the duplicate marks.
//!
//! On SQLite, and on PostgreSQL when `BATON_BENCH_PG` (or `BATON_TEST_PG`) names an
//! admin URL (a database `baton_board_bench` is created and dropped there).
//!
//! Every figure is wall time and the CPU time of the measuring thread (its own
//! clock; PostgreSQL's own CPU is not in it). The machine may be
//! shared: the load average is printed, the first frame is the best of several runs,
//! and keys give their median and 99th percentile.
//!
//! `BATON_BENCH_KEEP=1` keeps the PostgreSQL database afterwards, to look into its
//! plans with psql; `BATON_BENCH_SKIP_SQLITE=1` measures PostgreSQL alone.
//!
//! Run with `cargo bench --bench board`. Prints a table of figures against their
//! targets; it asserts nothing (tests assert behaviour, benchmarks report numbers).

mod common;

use std::time::{Duration as Elapsed, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use baton::domain::State;
use baton::storage::{Location, Store};
use baton::tui::app::{App, Clock};
use baton::ui::{self, theme::Theme};

use common::{
    NOW, Rng, SEED, bench_dir, drop_database, fresh_database, human, open_organisation, percentile,
};

const SIZE: (u16, u16) = (160, 48);
const KEYS: usize = 2_000;
/// Open items on the board.
const OPEN: usize = 100_000;
/// Accepts made through the form: enough that the 99th percentile is not simply the
/// slowest one (of 60 it would be), which is reported beside it.
const ACCEPTS: usize = 500;
/// Runs of the first frame; the best and the median are reported.
const FIRST_FRAME_RUNS: usize = 7;

const FIRST_FRAME_TARGET: Elapsed = Elapsed::from_millis(50);
const KEY_TARGET: Elapsed = Elapsed::from_millis(2);
const PRINT_BUDGET: Elapsed = Elapsed::from_secs(1);
const RSS_TARGET_MB: f64 = 60.0;

/// Wall time and this thread's CPU time of one measurement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Took {
    wall: Elapsed,
    cpu: Elapsed,
}

/// This thread's CPU time so far (user and system).
fn thread_cpu() -> Elapsed {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Elapsed::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// The release binary's wall and CPU time, and its peak resident memory in MB.
fn baton_timed(db: &std::path::Path, now: DateTime<Utc>, args: &[&str]) -> Result<(Took, f64)> {
    let run = common::baton_under_time(db, now, args)?;
    Ok((
        Took {
            wall: run.wall,
            cpu: run.cpu,
        },
        run.peak_mb,
    ))
}

fn timed<T>(work: impl FnOnce() -> Result<T>) -> Result<(Took, T)> {
    let (wall, cpu) = (Instant::now(), thread_cpu());
    let out = work()?;
    Ok((
        Took {
            wall: wall.elapsed(),
            cpu: thread_cpu().saturating_sub(cpu),
        },
        out,
    ))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The figures of one backend.
#[derive(Default)]
struct Figures {
    first_best: Took,
    first_median: Took,
    keys: Vec<Took>,
    opens: Vec<Took>,
    typing: Vec<Took>,
    submits: Vec<Took>,
    print: Option<(Took, Option<f64>)>,
}

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["board.db"])?;
    let db = dir.join("board.db");
    let started = Instant::now();
    let doc = open_organisation(now, OPEN)?;
    let (org, items) = doc.check()?;
    let limbo = items
        .iter()
        .filter(|(i, _)| i.state == State::Limbo)
        .count();
    let titles: std::collections::HashSet<&str> =
        items.iter().map(|(i, _)| i.title.as_str()).collect();
    println!(
        "generated {} open items ({limbo} in limbo, {} distinct titles; {} teams, {} boundaries) in {}",
        items.len(),
        titles.len(),
        org.teams.len(),
        org.boundaries.len(),
        human(started.elapsed())
    );
    Store::open_or_create(&db)?.replace_board(&org, &items, false)?;
    println!("load average before measuring: {}", load_average());

    let sqlite = Location::Sqlite(db.clone());
    let mut results = Vec::new();
    if std::env::var_os("BATON_BENCH_SKIP_SQLITE").is_none() {
        results.push(("SQLite", measure(&sqlite, now, Some(&db))?));
    }
    let pg = std::env::var("BATON_BENCH_PG")
        .or_else(|_| std::env::var("BATON_TEST_PG"))
        .ok()
        .filter(|u| !u.trim().is_empty());
    if let Some(admin) = pg {
        let url = fresh_database(&admin, "baton_board_bench")?;
        let location = Location::parse(&url);
        Store::create(&location)?.replace_board(&org, &items, false)?;
        // The board as it is once autovacuum has been by after the import (within a
        // minute): planner statistics and the visibility map that index-only counts
        // need.
        postgres::Client::connect(&url, postgres::NoTls)?
            .batch_execute("VACUUM (ANALYZE) baton.items, baton.events")?;
        let measured = measure(&location, now, None);
        if std::env::var_os("BATON_BENCH_KEEP").is_none() {
            drop_database(&admin, "baton_board_bench")?;
        }
        results.push(("PostgreSQL", measured?));
    }
    println!("load average after measuring: {}", load_average());

    println!();
    println!(
        "{:<40} {:<10} {:>10} {:>10} {:>9} {:>5}",
        "measure", "backend", "wall", "CPU", "target", "met"
    );
    let line = |what: &str, backend: &str, took: Took, target: Elapsed| {
        println!(
            "{:<40} {:<10} {:>10} {:>10} {:>9} {:>5}",
            what,
            backend,
            human(took.wall),
            human(took.cpu),
            human(target),
            if took.wall <= target { "yes" } else { "NO" }
        );
    };
    for (backend, f) in &mut results {
        line(
            "first frame, best of 7",
            backend,
            f.first_best,
            FIRST_FRAME_TARGET,
        );
        line(
            "first frame, median of 7",
            backend,
            f.first_median,
            FIRST_FRAME_TARGET,
        );
        for (what, list) in [
            ("navigation key → frame", &mut f.keys),
            ("accept: a → form frame", &mut f.opens),
            ("accept: typing key → frame", &mut f.typing),
            ("accept: Enter → board frame", &mut f.submits),
        ] {
            let (p50, p99) = quantiles(list);
            line(&format!("{what}, p50"), backend, p50, KEY_TARGET);
            line(&format!("{what}, p99"), backend, p99, KEY_TARGET);
            let slowest = list.iter().max_by_key(|t| t.wall).copied();
            line(
                &format!("{what}, max"),
                backend,
                slowest.unwrap_or_default(),
                KEY_TARGET,
            );
        }
        if let Some((took, rss)) = f.print {
            line(
                "board --print, with duplicate marks",
                backend,
                took,
                PRINT_BUDGET,
            );
            println!(
                "{:<40} {:<10} {:>10} {:>10} {:>9} {:>5}",
                "board --print peak RSS",
                backend,
                rss.map_or("?".into(), |r| format!("{r:.0} MB")),
                "",
                format!("{RSS_TARGET_MB:.0} MB"),
                if rss.is_some_and(|r| r <= RSS_TARGET_MB) {
                    "yes"
                } else {
                    "NO"
                }
            );
        }
    }
    println!("(CPU: the measuring thread's own; for --print, the binary's)");
    Ok(())
}

/// Median and 99th percentile (nearest rank) of wall times, each with its own CPU
/// time's percentile.
fn quantiles(list: &mut [Took]) -> (Took, Took) {
    let mut walls: Vec<Elapsed> = list.iter().map(|t| t.wall).collect();
    let mut cpus: Vec<Elapsed> = list.iter().map(|t| t.cpu).collect();
    walls.sort();
    cpus.sort();
    let at = |p| Took {
        wall: percentile(&walls, p),
        cpu: percentile(&cpus, p),
    };
    (at(50.0), at(99.0))
}

fn open_app(location: &Location, now: DateTime<Utc>) -> Result<App> {
    Ok(App::new(
        Store::connect(location)?,
        Clock::Fixed(now),
        "bench".into(),
        SIZE,
    )?)
}

fn measure(
    location: &Location,
    now: DateTime<Utc>,
    db: Option<&std::path::Path>,
) -> Result<Figures> {
    let area = Rect::new(0, 0, SIZE.0, SIZE.1);
    let theme = Theme::DARK;
    let mut figures = Figures::default();
    println!("\n{}", location.display());

    // First frame: open the store, load the board, lay it out and draw it, as
    // `baton board` does before its first idle moment.
    let mut firsts = Vec::new();
    for _ in 0..FIRST_FRAME_RUNS {
        let mut parts = (Took::default(), Took::default());
        let (took, _) = timed(|| {
            let (open, store) = timed(|| Ok(Store::connect(location)?))?;
            let (load, app) =
                timed(|| Ok(App::new(store, Clock::Fixed(now), "bench".into(), SIZE)?))?;
            parts = (open, load);
            let mut buf = Buffer::empty(area);
            ui::render(area, &mut buf, &app, &theme);
            Ok(())
        })?;
        println!(
            "  first frame {}: open the store {}, load {}, draw {}",
            human(took.wall),
            human(parts.0.wall),
            human(parts.1.wall),
            human(took.wall.saturating_sub(parts.0.wall + parts.1.wall))
        );
        firsts.push(took);
    }
    firsts.sort();
    figures.first_best = firsts[0];
    figures.first_median = firsts[firsts.len() / 2];
    println!(
        "  first frame: best {} (CPU {}), median {}",
        human(figures.first_best.wall),
        human(figures.first_best.cpu),
        human(figures.first_median.wall)
    );

    // Keypress to the next frame: a walk across the board, drawn after each key. The
    // board has had its first idle moment (duplicate marks worked out), as a user's has
    // by the time they press a key.
    let mut app = open_app(location, now)?;
    app.tick()?;
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, &app, &theme);
    let mut by_key: Vec<(KeyCode, Vec<Elapsed>)> = Vec::new();
    for key in key_walk(KEYS) {
        let (took, _) = timed(|| {
            app.handle_key(KeyEvent::new(key, KeyModifiers::NONE))?;
            buf.reset();
            ui::render(area, &mut buf, &app, &theme);
            Ok(())
        })?;
        figures.keys.push(took);
        match by_key.iter_mut().find(|(k, _)| *k == key) {
            Some((_, t)) => t.push(took.wall),
            None => by_key.push((key, vec![took.wall])),
        }
    }
    for (key, times) in &mut by_key {
        times.sort();
        println!(
            "  {key}: {} keys, median {}, p99 {}, slowest {}",
            times.len(),
            human(percentile(times, 50.0)),
            human(percentile(times, 99.0)),
            human(times.last().copied().unwrap_or_default())
        );
    }

    // An action that writes: on a limbo column with items, `a` opens the accept form,
    // the owner is typed over the contract's (Ctrl-U, three letters, Tab completes a
    // known person), Enter accepts; the board follows the item into its lane.
    let limbo_columns: Vec<usize> = (0..app.board.columns.len())
        .filter(|&i| app.board.columns[i].kind.is_limbo())
        .collect();
    let mut accepted = Vec::new();
    for n in 0..ACCEPTS {
        let Some(&column) = limbo_columns
            .iter()
            .cycle()
            .skip(n % limbo_columns.len().max(1))
            .find(|&&c| app.board.columns.get(c).is_some_and(|c| c.count > 0))
        else {
            break;
        };
        app.column = column;
        let id = app.selected().map(|i| i.id).context("a card in limbo")?;
        let mut press = |code: KeyCode, modifiers: KeyModifiers, into: &mut Vec<Took>| {
            let (took, _) = timed(|| {
                app.handle_key(KeyEvent::new(code, modifiers))?;
                buf.reset();
                ui::render(area, &mut buf, &app, &theme);
                Ok(())
            })?;
            into.push(took);
            anyhow::Ok(())
        };
        press(KeyCode::Char('a'), KeyModifiers::NONE, &mut figures.opens)?;
        press(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
            &mut figures.typing,
        )?;
        for c in ['p', 'r', 'i'] {
            press(KeyCode::Char(c), KeyModifiers::NONE, &mut figures.typing)?;
        }
        press(KeyCode::Tab, KeyModifiers::NONE, &mut figures.typing)?;
        press(KeyCode::Enter, KeyModifiers::NONE, &mut figures.submits)?;
        if app.form.is_some() {
            bail!(
                "the accept form did not submit: {:?}",
                app.form.as_ref().map(|f| &f.error)
            );
        }
        accepted.push(id);
        // The selection followed the item into its lane: the item is on screen there.
        let text = ui::buffer_to_text(&buf);
        if !text.contains(&format!("#{id}")) {
            bail!("#{id} is not on the board drawn after its accept");
        }
    }
    println!("  {} accepts through the form", accepted.len());

    // The release binary end to end (SQLite: the file; its peak resident memory).
    if let Some(db) = db {
        let (width, height) = (SIZE.0.to_string(), SIZE.1.to_string());
        let args = ["board", "--print", "--width", &width, "--height", &height];
        let mut runs = Vec::new();
        for _ in 0..3 {
            let (took, rss) = baton_timed(db, now, &args)?;
            runs.push((took, Some(rss)));
        }
        runs.sort_by_key(|(t, _)| *t);
        let rss = runs.iter().filter_map(|(_, r)| *r).reduce(f64::max);
        println!("  board --print: best {}", human(runs[0].0.wall));
        figures.print = Some((runs[0].0, rss));
    }
    Ok(figures)
}

/// Keys that move about the board: mostly down a column (through several windows of
/// cards), some back up, pages down, and across columns both ways.
fn key_walk(count: usize) -> Vec<KeyCode> {
    let mut rng = Rng(SEED);
    (0..count)
        .map(|_| match rng.unit() {
            x if x < 0.45 => KeyCode::Char('j'),
            x if x < 0.60 => KeyCode::Char('k'),
            x if x < 0.76 => KeyCode::PageDown,
            x if x < 0.88 => KeyCode::Char('l'),
            _ => KeyCode::Char('h'),
        })
        .collect()
}
