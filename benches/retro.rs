//! Retro benchmark: every export, `stats` and `forecast` a user runs, through the release
//! binary, on the scale organisation (100,000 items, about a million events), against
//! the 1 s target. Each command runs under a small measuring process of its own (this
//! binary again), which reads the child's CPU time and peak resident memory from
//! `getrusage(RUSAGE_CHILDREN)` once it has been waited for: the figures are the
//! command's own, not polled.
//!
//! Run with `cargo bench --bench retro`. SQLite is measured always (the target); with
//! `BATON_TEST_PG` set, the same organisation is imported into a fresh database on that
//! server and measured too, for information. `BATON_BENCH_DIR` keeps the SQLite file
//! (for profiling). Prints a table of figures; it asserts nothing (tests assert
//! behaviour, benchmarks report numbers).

mod common;

use std::process::{Command as Process, Stdio};
use std::time::{Duration as Elapsed, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};

use baton::storage::{Location, Store};

use common::{NOW, bench_dir, build_db, human, organisation};

/// Runs of each command; the fastest is reported (the machine is shared: the best run
/// is the one least disturbed).
const RUNS: usize = 3;
const TARGET: Elapsed = Elapsed::from_secs(1);
/// Set in the environment of the measuring process.
const MEASURE: &str = "BATON_BENCH_MEASURE";

/// Every export and variant, `stats` and `forecast`, as a user types them.
const COMMANDS: &[&[&str]] = &[
    &["export", "--format", "json"],
    &["export", "--format", "md"],
    &["export", "--format", "html"],
    &["export", "--format", "csv"],
    &["export", "--format", "csv", "--boundaries"],
    &["export", "--format", "csv", "--layout", "stages"],
    &["export", "--format", "csv", "--events"],
    &["stats"],
    &["stats", "--json"],
    &["forecast", "--items", "100", "--seed", "1"],
    &["forecast", "--by", "2026-03-30", "--seed", "1"],
];

/// One run of a command: wall time, CPU time (user + system), peak resident memory.
#[derive(Clone, Copy)]
struct Run {
    wall: Elapsed,
    cpu: Elapsed,
    peak_mb: f64,
}

fn main() -> Result<()> {
    if std::env::var_os(MEASURE).is_some() {
        return measure_child();
    }
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["retro.db"])?;
    let db = dir.join("retro.db");
    build_db(&db, now)?;
    let sqlite = measure_all(&db.display().to_string(), now)?;
    let postgres = match std::env::var("BATON_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(on_postgres(&url, now)?),
        _ => None,
    };
    println!(
        "\nload average at the end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("best of {RUNS}; CPU is user + system of the best run; peak is its max RSS\n");
    println!(
        "{:<52} {:>9} {:>9} {:>8} {:>7} {:>5}",
        "command (SQLite)", "wall", "CPU", "peak", "target", "met?"
    );
    for (args, run) in COMMANDS.iter().zip(&sqlite) {
        println!(
            "{:<52} {:>9} {:>9} {:>5.0} MB {:>7} {:>5}",
            format!("baton {}", args.join(" ")),
            human(run.wall),
            human(run.cpu),
            run.peak_mb,
            human(TARGET),
            if run.wall <= TARGET { "yes" } else { "NO" }
        );
    }
    if let Some(postgres) = postgres {
        println!(
            "\n{:<52} {:>9} {:>9} {:>8}   (for information)",
            "command (PostgreSQL)", "wall", "CPU", "peak"
        );
        for (args, run) in COMMANDS.iter().zip(&postgres) {
            println!(
                "{:<52} {:>9} {:>9} {:>5.0} MB",
                format!("baton {}", args.join(" ")),
                human(run.wall),
                human(run.cpu),
                run.peak_mb,
            );
        }
        println!("(CPU and peak are the client's; the server's work is not in them)");
    }
    Ok(())
}

/// Every command on the board at `db`, best of [`RUNS`].
fn measure_all(db: &str, now: DateTime<Utc>) -> Result<Vec<Run>> {
    let mut runs = Vec::new();
    for args in COMMANDS {
        let mut best: Option<Run> = None;
        for _ in 0..RUNS {
            let run = measured(db, now, args)?;
            if best.is_none_or(|b| run.wall < b.wall) {
                best = Some(run);
            }
        }
        let best = best.context("no run")?;
        println!(
            "  baton {}: {} (CPU {}, {:.0} MB)",
            args.join(" "),
            human(best.wall),
            human(best.cpu),
            best.peak_mb
        );
        runs.push(best);
    }
    Ok(runs)
}

/// Runs `baton --db DB ARGS…` (output discarded) under a measuring process of its own,
/// whose only child it is.
fn measured(db: &str, now: DateTime<Utc>, args: &[&str]) -> Result<Run> {
    let output = Process::new(std::env::current_exe()?)
        .env(MEASURE, "1")
        .env("BATON_NOW", now.to_rfc3339())
        .arg(env!("CARGO_BIN_EXE_baton"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .context("running the measuring process")?;
    if !output.status.success() {
        bail!("baton {} failed", args.join(" "));
    }
    let text = String::from_utf8(output.stdout)?;
    let numbers: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("measuring process said {text:?}"))?;
    let [wall_us, cpu_us, rss_kb] = numbers[..] else {
        bail!("measuring process said {text:?}");
    };
    Ok(Run {
        wall: Elapsed::from_micros(wall_us),
        cpu: Elapsed::from_micros(cpu_us),
        peak_mb: rss_kb as f64 / 1024.0,
    })
}

/// The measuring process: runs its arguments as a command, output discarded, waits for
/// it, and prints its wall time and CPU time in microseconds and its peak RSS in kB.
fn measure_child() -> Result<()> {
    use nix::sys::resource::{UsageWho, getrusage};
    let mut args = std::env::args_os().skip(1);
    let program = args.next().context("nothing to measure")?;
    let started = Instant::now();
    let status = Process::new(program)
        .args(args)
        .env_remove(MEASURE)
        .stdout(Stdio::null())
        .status()?;
    let wall = started.elapsed();
    if !status.success() {
        bail!("the command failed: {status}");
    }
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)?;
    let micros = |t: nix::sys::time::TimeVal| {
        u64::try_from(t.tv_sec()).unwrap_or(0) * 1_000_000 + u64::try_from(t.tv_usec()).unwrap_or(0)
    };
    println!(
        "{} {} {}",
        wall.as_micros(),
        micros(usage.user_time()) + micros(usage.system_time()),
        usage.max_rss()
    );
    Ok(())
}

/// The same organisation in a fresh database on the PostgreSQL server at `url`,
/// measured, then dropped.
fn on_postgres(url: &str, now: DateTime<Utc>) -> Result<Vec<Run>> {
    let name = format!("baton_bench_retro_{}", std::process::id());
    let mut admin = postgres::Client::connect(url, postgres::NoTls)?;
    admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let base = url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .context("BATON_TEST_PG has no database name")?;
    let target = format!("{base}/{name}");
    let result = (|| -> Result<Vec<Run>> {
        let started = Instant::now();
        let (org, items) = organisation(now)?.check()?;
        let mut store = Store::connect(&Location::Postgres(target.clone()))?;
        store.replace_board(&org, &items, false)?;
        drop(store);
        println!("imported into PostgreSQL in {}", human(started.elapsed()));
        measure_all(&target, now)
    })();
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS baton_{name}_writers"));
    result
}
