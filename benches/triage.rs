//! Triage benchmark: one standup decision at 10,000 open items, key to refreshed
//! queue, by kind of decision: those that leave titles and teams alone (the duplicate
//! join is kept), and those that change them (a merge closes an item: the join is
//! updated for the two items). Also a full refresh, as after another process's change.
//! Each row also gives the median CPU time of the thread (the machine may be loaded).
//!
//! Run with `cargo bench --bench triage`. Prints a table of figures against their
//! targets; it asserts nothing (tests assert behaviour, benchmarks report numbers).

mod common;

use std::time::{Duration as Elapsed, Instant};

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use baton::cli::import_document;
use baton::domain::attention::DuplicateJoin;
use baton::storage::Store;
use baton::tui::app::{App, Clock, Screen};
use baton::tui::keys::Action;

use common::{NOW, Report, bench_dir, median, open_subset, organisation};

const OPEN: usize = 10_000;
const DECISION_TARGET: Elapsed = Elapsed::from_millis(50);

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["triage.db"])?;
    let db = dir.join("triage.db");
    {
        let doc = open_subset(&organisation(now)?, OPEN);
        let mut store = Store::open_or_create(&db)?;
        import_document(&mut store, doc, false)?;
    }
    let mut report = Report::default();
    let mut app = App::new(
        Store::open(&db)?,
        Clock::Fixed(now),
        "bench".into(),
        (160, 48),
    )?;
    app.update(Action::Triage)?;
    if app.screen != Screen::Triage {
        bail!("triage did not start");
    }
    // Decisions before these count: the first walks the queue once more.
    CPU.with(|c| c.borrow_mut().clear());
    let (took, _) = median(|| timed(|| Ok(app.update(Action::Snooze)?)))?;
    report.row("snooze (one key), 10k open", took, DECISION_TARGET, None);
    cpu_row("snooze (one key), 10k open");
    let (took, _) = median(|| {
        timed(|| {
            app.update(Action::Note)?;
            type_text(&mut app, "called the customer")?;
            Ok(app.handle_key(key(KeyCode::Enter))?)
        })
    })?;
    report.row("note (form), 10k open", took, DECISION_TARGET, None);
    cpu_row("note (form), 10k open");
    let (took, _) = median(|| timed(|| Ok(app.update(Action::Skip)?)))?;
    report.row("skip, 10k open", took, DECISION_TARGET, None);
    cpu_row("skip, 10k open");
    let (took, _) = median(|| {
        // Into the item after this one: a merge closes the one on screen.
        let into = app
            .triage
            .as_ref()
            .and_then(|t| t.ahead.get(1).copied())
            .unwrap_or_default();
        timed(|| {
            app.update(Action::Merge)?;
            app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL))?;
            type_text(&mut app, &into.to_string())?;
            Ok(app.handle_key(key(KeyCode::Enter))?)
        })
    })?;
    report.row(
        "merge (form, join updated), 10k open",
        took,
        DECISION_TARGET,
        None,
    );
    cpu_row("merge (form, join updated), 10k open");
    let (took, _) = median(|| {
        timed(|| {
            let now = app.now();
            match app.triage.as_mut() {
                Some(triage) => Ok(triage.refresh(&app.store, now)?),
                None => bail!("the walk ended"),
            }
        })
    })?;
    report.row(
        "full refresh (another process), 10k",
        took,
        DECISION_TARGET,
        None,
    );
    cpu_row("full refresh (another process), 10k");
    let open = app.store.open_items()?;
    let (took, _) = median(|| {
        timed(|| {
            DuplicateJoin::default().over(&open);
            Ok(())
        })
    })?;
    report.row(
        "duplicate join alone, 10k open",
        took,
        DECISION_TARGET,
        None,
    );
    cpu_row("duplicate join alone, 10k open");
    if app.form.is_some() || app.message.as_ref().is_some_and(|m| m.error) {
        bail!("a decision was refused: {:?}", app.message);
    }
    report.print();
    Ok(())
}

thread_local! {
    /// The CPU time of each timed run since the last row was reported.
    static CPU: std::cell::RefCell<Vec<Elapsed>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// This thread's CPU time so far, from the scheduler's own count (nanoseconds): on a
/// loaded machine wall time mostly measures the wait for a core.
fn thread_cpu() -> Elapsed {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Elapsed::ZERO, Elapsed::from_nanos)
}

fn timed(mut run: impl FnMut() -> Result<()>) -> Result<(Elapsed, Option<f64>)> {
    let (started, cpu) = (Instant::now(), thread_cpu());
    run()?;
    let took = started.elapsed();
    CPU.with(|c| c.borrow_mut().push(thread_cpu().saturating_sub(cpu)));
    Ok((took, None))
}

/// The median CPU time of the runs since the last call, said next to the row.
fn cpu_row(what: &str) {
    let mut runs = CPU.with(|c| std::mem::take(&mut *c.borrow_mut()));
    runs.sort();
    if let Some(median) = runs.get(runs.len() / 2) {
        println!("    {what}: CPU {}", common::human(*median));
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, text: &str) -> Result<()> {
    for c in text.chars() {
        app.handle_key(key(KeyCode::Char(c)))?;
    }
    Ok(())
}
