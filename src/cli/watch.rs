//! `baton watch`: each tick records the escalations the contracts' ladders make due,
//! remembers the new notifications in the database, and hands on those this watcher
//! claimed: one JSON line on stdout each, or CMD run with the JSON on its stdin.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use chrono::Duration;

use super::args::WatchArgs;
use crate::context::Context;
use crate::domain::duration::parse_duration;
use crate::domain::text::display_safe;
use crate::storage::{Delivery, MAX_ATTEMPTS};

/// Notifications written to stdout before they are recorded as delivered.
const STDOUT_BATCH: usize = 256;

/// `30s`, or any duration `baton` reads (`90m`, `1h`).
fn parse_wait(text: &str, flag: &str) -> Result<std::time::Duration> {
    let t = text.trim();
    let d = match t.strip_suffix('s').map(str::parse::<i64>) {
        Some(Ok(seconds)) if seconds > 0 => Duration::seconds(seconds),
        Some(_) => bail!("{flag}: `{text}` is not a duration (use 30s, 5m, 1h)"),
        None => parse_duration(t).with_context(|| format!("{flag} (use 30s, 5m, 1h)"))?,
    };
    Ok(d.to_std()?)
}

pub fn watch(ctx: &Context, options: WatchArgs, out: &mut dyn Write) -> Result<()> {
    let mut store = ctx.open()?;
    if options.failed {
        for f in store.failed_notifications()? {
            let notification: serde_json::Value =
                serde_json::from_str(&f.payload).unwrap_or(serde_json::Value::Null);
            let line = serde_json::json!({
                "key": f.key,
                "attempts": f.attempts,
                "failed_at": f.failed_at.to_rfc3339(),
                "error": f.error,
                "notification": notification,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    if options.retry_failed {
        let n = store.retry_failed(ctx.clock.now())?;
        writeln!(out, "{n} notifications put back in line")?;
        return Ok(());
    }
    let interval = parse_wait(&options.interval, "--interval")?;
    let timeout = parse_wait(&options.timeout, "--timeout")?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .context("cannot listen for Ctrl-C and SIGTERM")?;
    }
    let watcher = format!(
        "{}:{}:{}",
        ctx.actor,
        std::process::id(),
        ctx.clock.now().timestamp()
    );
    // A claim outlives a delivery that runs to its timeout; a watcher that dies leaves
    // its claims to the others after it.
    let lease = Duration::from_std(timeout)? + Duration::seconds(60);
    loop {
        let now = ctx.clock.now();
        let tick = store.watch_tick(now, &watcher, lease)?;
        for (id, level) in &tick.escalated {
            eprintln!(
                "watch: escalated #{id} to {} (level {} of {}, due {})",
                display_safe(&level.contact),
                level.level,
                level.of,
                level.at.to_rfc3339()
            );
        }
        let mut left = tick.claimed.iter();
        match options.exec.as_deref() {
            // Lines on stdout are written a batch at a time and recorded as delivered
            // together: one commit per line made the first tick on a large board take
            // minutes. A watcher killed inside a batch hands it on again (at least once).
            None => loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let batch: Vec<&Delivery> = left.by_ref().take(STDOUT_BATCH).collect();
                if batch.is_empty() {
                    break;
                }
                for delivery in &batch {
                    writeln!(out, "{}", delivery.payload)?;
                }
                out.flush()?;
                store.delivered(&batch, ctx.clock.now())?;
            },
            Some(cmd) => {
                for delivery in left.by_ref() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    deliver(ctx, &mut store, delivery, cmd, timeout)?;
                }
            }
        }
        let unsent: Vec<&Delivery> = left.collect();
        if !unsent.is_empty() {
            store.release(&unsent)?;
        }
        if options.once || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let until = Instant::now() + interval;
        while Instant::now() < until {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100).min(interval));
        }
    }
}

/// Hands one notification to `cmd`, and records how it went.
fn deliver(
    ctx: &Context,
    store: &mut crate::storage::Store,
    delivery: &Delivery,
    cmd: &str,
    timeout: std::time::Duration,
) -> Result<()> {
    let outcome = run(cmd, &delivery.payload, timeout);
    let now = ctx.clock.now();
    match outcome {
        Ok(()) => store.delivered(&[delivery], now)?,
        Err(error) => {
            let attempt = delivery.attempts + 1;
            match store.delivery_failed(delivery, &error, now)? {
                Some(retry) => eprintln!(
                    "watch: {} (#{} {}) not delivered: {error}; attempt {attempt} of {MAX_ATTEMPTS}, tried again from {}",
                    delivery.key,
                    delivery.item,
                    delivery.code,
                    retry.to_rfc3339()
                ),
                None => eprintln!(
                    "watch: {} (#{} {}) given up after {attempt} attempts: {error}; `baton watch --failed` lists it, `baton watch --retry-failed` tries again",
                    delivery.key, delivery.item, delivery.code
                ),
            }
        }
    }
    Ok(())
}

/// Runs `cmd` through `sh -c` with `payload` on its stdin: fine when it exits 0 within
/// `timeout`; otherwise why not.
fn run(cmd: &str, payload: &str, timeout: std::time::Duration) -> std::result::Result<(), String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start sh: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input may close it early: its exit says.
        let _ = stdin.write_all(payload.as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("the command exited with {status}")),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the command ran past its {}s timeout and was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for the command: {e}")),
        }
    }
}
