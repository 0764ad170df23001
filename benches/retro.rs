//! Retro benchmark: flow metrics, every export and the forecast over the scale organisation's
//! history (100,000 items, about a million events), through the library and through
//! the release binary end to end.
//!
//! Run with `cargo bench --bench retro`. Prints a table of figures against their targets;
//! it asserts nothing (tests assert behaviour, benchmarks report numbers).

mod common;

use std::time::{Duration as Elapsed, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};

use baton::domain::metrics::{self, Period};
use baton::export::json::{DocumentWriter, ItemHead, event_json};
use baton::storage::Store;

use common::{NOW, Report, baton_bin, bench_dir, build_db, median_of};

/// Runs of each measurement; the median is reported (fewer than the scale benchmark's:
/// each run reads the whole history).
const RUNS: usize = 3;
const TARGET: Elapsed = Elapsed::from_secs(1);

/// The reports `baton export` writes from a snapshot of the board.
#[derive(Clone, Copy)]
enum Retro {
    Markdown,
    Csv,
    CsvBoundaries,
    Html,
}

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["retro.db"])?;
    let db = dir.join("retro.db");
    build_db(&db, now)?;
    let period = Period::to_now(None, now);
    let mut report = Report::default();
    let store = Store::open(&db)?;

    // `baton stats`: the flow histories, then the metrics over all of them.
    let mut sections = (Elapsed::ZERO, 0);
    let (took, _) = median_of(RUNS, || {
        let started = Instant::now();
        let histories = store.flow_histories()?;
        let loaded = started.elapsed();
        let org = store.org()?;
        let m = metrics::compute(&histories, &org, period, &Utc);
        serde_json::to_string_pretty(&m)?;
        sections = (loaded, histories.iter().map(Vec::len).sum());
        Ok((started.elapsed(), None))
    })?;
    println!(
        "stats (last run): {} events loaded in {}, metrics computed and written in {}",
        sections.1,
        common::human(sections.0),
        common::human(took.saturating_sub(sections.0))
    );
    report.row("stats --json (library)", took, TARGET, None);
    let (took, rss) = median_of(RUNS, || baton_bin(&db, now, &["stats", "--json"]))?;
    report.row("stats --json (binary)", took, TARGET, rss);

    // The retro reports: a snapshot of the board and its metrics, rendered.
    for (kind, name, args) in [
        (Retro::Markdown, "md", &["--format", "md"][..]),
        (Retro::Csv, "csv", &["--format", "csv"][..]),
        (
            Retro::CsvBoundaries,
            "csv --boundaries",
            &["--format", "csv", "--boundaries"][..],
        ),
        (Retro::Html, "html", &["--format", "html"][..]),
    ] {
        let mut sections = Elapsed::ZERO;
        let (took, _) = median_of(RUNS, || {
            let started = Instant::now();
            let snap = store.take_snapshot("bench", period, &Utc)?;
            sections = started.elapsed();
            let org = store.org()?;
            let text = match kind {
                Retro::Markdown => baton::export::markdown::render(&snap, &org, &Utc),
                Retro::Csv => baton::export::csv::items(&snap, &[], &Default::default())?,
                Retro::CsvBoundaries => baton::export::csv::boundaries(&snap.metrics)?,
                Retro::Html => baton::export::html::render(&snap, &org, &Utc),
            };
            std::hint::black_box(text);
            Ok((started.elapsed(), None))
        })?;
        println!(
            "export {name} (last run): snapshot taken in {}, rendered in {}",
            common::human(sections),
            common::human(took.saturating_sub(sections))
        );
        report.row(&format!("export {name} (library)"), took, TARGET, None);
        let args: Vec<&str> = ["export"].iter().chain(args).copied().collect();
        let (took, rss) = median_of(RUNS, || baton_bin(&db, now, &args))?;
        report.row(&format!("export {name} (binary)"), took, TARGET, rss);
    }

    // The board document: every item with every event, streamed from the store as
    // `baton export` does (the stored event JSON spliced in, not decoded).
    let (took, _) = median_of(RUNS, || {
        let started = Instant::now();
        let org = store.org()?;
        let mut writer = DocumentWriter::start(Vec::new(), &org, None)?;
        store.for_each_stored_history(|item, events| -> Result<()> {
            let events = events
                .iter()
                .map(|e| event_json(e.seq, e.at, &e.actor, &e.data))
                .collect::<std::io::Result<Vec<String>>>()?;
            writer.item(&ItemHead::of_item(item), events)?;
            Ok(())
        })?;
        std::hint::black_box(writer.finish()?);
        Ok((started.elapsed(), None))
    })?;
    report.row("export json (library)", took, TARGET, None);
    let (took, rss) = median_of(RUNS, || {
        baton_bin(&db, now, &["export", "--format", "json"])
    })?;
    report.row("export json (binary)", took, TARGET, rss);

    // The CSV layouts that need every item's entry dates or every event, and the
    // forecast, end to end as a user runs them.
    for (name, args) in [
        (
            "export csv --layout stages (binary)",
            &["export", "--format", "csv", "--layout", "stages"][..],
        ),
        (
            "export csv --events (binary)",
            &["export", "--format", "csv", "--events"][..],
        ),
        (
            "forecast --items 100 (binary)",
            &["forecast", "--items", "100", "--seed", "1"][..],
        ),
        (
            "forecast --by (28 days) (binary)",
            &["forecast", "--by", "2026-03-30", "--seed", "1"][..],
        ),
    ] {
        let (took, rss) = median_of(RUNS, || baton_bin(&db, now, args))?;
        report.row(name, took, TARGET, rss);
    }

    report.print();
    Ok(())
}
