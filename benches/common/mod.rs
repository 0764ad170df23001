//! What the benchmarks share: a large, deterministic organisation (20 teams, 40
//! boundaries, 100,000 items, about a million events) and the ways they measure it.
//! Each benchmark uses the parts it needs.
#![allow(dead_code)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration as Elapsed, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Duration, Utc};

use baton::domain::rules::{decide, replay};
use baton::domain::{
    Boundary, Command, Contract, Event, EventKind, Item, ItemId, Org, State, Team, Ticks,
};
use baton::export::json::{BoardDocument, BoundaryRef, FORMAT, ItemRecord, VERSION};
use baton::storage::Store;

pub const SEED: u64 = 0x00BA_7014_2026;
pub const TEAMS: usize = 20;
pub const ITEMS: usize = 100_000;
pub const NOW: &str = "2026-03-02T09:00:00Z";
/// Runs of the cheap measurements; the median is reported.
pub const RUNS: usize = 5;

/// The folder a benchmark writes its files to: `BATON_BENCH_DIR` keeps them (for
/// profiling), with the named files of an earlier run removed first; otherwise a temp
/// dir, removed when the returned guard drops.
pub fn bench_dir(files: &[&str]) -> Result<(tempfile::TempDir, PathBuf)> {
    let temp = tempfile::tempdir()?;
    let dir = match std::env::var_os("BATON_BENCH_DIR").map(PathBuf::from) {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            for name in files {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{name}{suffix}")));
                }
            }
            dir
        }
        None => temp.path().to_path_buf(),
    };
    Ok((temp, dir))
}

/// Generates the organisation and imports it through the library into a new database
/// at `db`, as `baton import` does; says what it built.
pub fn build_db(db: &Path, now: DateTime<Utc>) -> Result<()> {
    let started = Instant::now();
    let doc = organisation(now)?;
    let events: usize = doc.items.iter().map(|i| i.events.len()).sum();
    let open = doc.items.iter().filter(|i| i.state.is_open()).count();
    let (org, items) = doc.check()?;
    let mut store = Store::open_or_create(db)?;
    store.replace_board(&org, &items, false)?;
    println!(
        "built {} ({} teams, {} boundaries, {} items, {} open, {} events) in {}",
        db.display(),
        org.teams.len(),
        org.boundaries.len(),
        items.len(),
        open,
        events,
        human(started.elapsed()),
    );
    Ok(())
}

// ---------------------------------------------------------------- the organisation

/// A small deterministic PRNG (SplitMix64): the same organisation on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len())]
    }

    pub fn seconds(&mut self, from: Duration, to: Duration) -> Duration {
        let span = (to - from).num_seconds().max(1);
        from + Duration::seconds((self.next() % span as u64) as i64)
    }
}

pub const TEAM_KEYS: [&str; TEAMS] = [
    "sales",
    "solutions",
    "legal",
    "onboarding",
    "provisioning",
    "billing",
    "support",
    "success",
    "product",
    "design",
    "platform",
    "data",
    "security",
    "sre",
    "qa",
    "release",
    "docs",
    "training",
    "finance",
    "procurement",
];
const FIRST_NAMES: [&str; 24] = [
    "ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo", "kofi", "lena",
    "mo", "nia", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vik", "wen", "yusuf",
];
const VERBS: [&str; 16] = [
    "set up",
    "migrate",
    "review",
    "renew",
    "fix",
    "provision",
    "audit",
    "upgrade",
    "configure",
    "approve",
    "document",
    "price",
    "onboard",
    "decommission",
    "test",
    "plan",
];
const THINGS: [&str; 24] = [
    "SSO",
    "billing export",
    "data residency",
    "sandbox tenant",
    "contract addendum",
    "API quota",
    "webhook retries",
    "audit log",
    "invoice template",
    "SCIM sync",
    "backup policy",
    "DPA",
    "usage report",
    "staging cluster",
    "price book",
    "support plan",
    "VPN access",
    "release notes",
    "training session",
    "security questionnaire",
    "purchase order",
    "custom domain",
    "rate limits",
    "dashboard",
];
/// Syllables of made-up customer names: 1,000 customers, one word each.
const SYLLABLES: [&str; 10] = [
    "ka", "lo", "mi", "ner", "vo", "tas", "ri", "zen", "bel", "dor",
];
const CUSTOMERS: usize = 1_000;
const DETAILS: [&str; 12] = [
    "EU region",
    "phase 2",
    "before renewal",
    "for the pilot",
    "second attempt",
    "Q2",
    "per new pricing",
    "after outage",
    "APAC",
    "enterprise tier",
    "legacy accounts",
    "urgent",
];
const TAGS: [&str; 8] = [
    "enterprise",
    "renewal",
    "compliance",
    "migration",
    "pilot",
    "churn-risk",
    "expansion",
    "internal",
];
const NOTES: [&str; 6] = [
    "customer confirmed the scope on the call",
    "waiting on the signed order form",
    "see the thread in #handoffs for context",
    "priority raised by the account lead",
    "blocked on credentials from the customer",
    "partial work is in the shared drive",
];
const BOUNCE_REASONS: [&str; 5] = [
    "missing the signed order form",
    "no technical contact named",
    "scope unclear; please attach the requirements",
    "wrong team; this belongs to platform",
    "checklist ticked but the sandbox is not ready",
];

fn customer(n: usize) -> String {
    let name: String = [n / 100, n / 10, n]
        .iter()
        .map(|i| SYLLABLES[i % SYLLABLES.len()])
        .collect();
    format!("{}{}", name[..1].to_uppercase(), &name[1..])
}

fn person(team: &str, n: usize) -> String {
    format!("{}.{team}", FIRST_NAMES[n % FIRST_NAMES.len()])
}

pub fn org(rng: &mut Rng) -> Org {
    let teams = TEAM_KEYS
        .iter()
        .enumerate()
        .map(|(i, key)| Team {
            key: key.to_string(),
            name: format!("{}{}", key[..1].to_uppercase(), &key[1..]),
            lead: Some(person(key, i)),
        })
        .collect();
    // Two outgoing boundaries per team: a ring and a chord, 40 in all, no duplicates.
    let mut boundaries = Vec::new();
    for (i, from) in TEAM_KEYS.iter().enumerate() {
        for step in [1, 7] {
            let to = TEAM_KEYS[(i + step) % TEAMS];
            let checklist = (0..2 + rng.below(3))
                .map(|n| format!("{from} checklist entry {} for {to}", n + 1))
                .collect();
            // 4h .. 3d, in whole hours.
            let sla_hours = 4 + rng.below(69) as i64;
            boundaries.push(Boundary {
                from: from.to_string(),
                to: to.to_string(),
                contract: Contract {
                    trigger: Some(format!("{from} has finished its part and {to} is needed")),
                    definition_of_done: checklist,
                    outcome: Some(format!("{to} owns the work and has what it needs")),
                    owner: Some(person(to, rng.below(FIRST_NAMES.len()))),
                    sla: Some(baton::domain::calendar::Sla::from_minutes(sla_hours * 60)),
                    escalate_to: Some(person(to, 0)),
                    calendar: None,
                    ..Contract::default()
                },
            });
        }
    }
    Org {
        teams,
        boundaries,
        calendars: Vec::new(),
        contract_history: Vec::new(),
    }
}

/// Where an item's history should leave it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Done,
    Dropped,
    Active,
    Limbo,
}

pub fn organisation(now: DateTime<Utc>) -> Result<BoardDocument> {
    let mut rng = Rng(SEED);
    let org = org(&mut rng);
    let mut items = Vec::with_capacity(ITEMS);
    for id in 1..=ITEMS as ItemId {
        items.push(item_history(&mut rng, &org, id, now)?);
    }
    Ok(BoardDocument {
        format: FORMAT.to_string(),
        version: VERSION,
        as_of: None,
        teams: org.teams,
        calendars: org.calendars,
        boundaries: org.boundaries,
        contract_history: org.contract_history,
        items,
    })
}

/// One item's life: a walk of user commands decided by the domain rules (so every
/// event is one the CLI could have recorded), then spread over realistic times.
fn item_history(rng: &mut Rng, org: &Org, id: ItemId, now: DateTime<Utc>) -> Result<ItemRecord> {
    let ending = match rng.unit() {
        x if x < 0.60 => Ending::Done,
        x if x < 0.70 => Ending::Dropped,
        x if x < 0.85 => Ending::Active,
        _ => Ending::Limbo,
    };
    history_ending(rng, org, id, now, ending)
}

/// The organisation's teams and boundaries with `count` items that are all open (half
/// held by a team, half in limbo), each with its own history and its own title from
/// the same formula as [`organisation`]'s: a board of `count` open items, not a
/// smaller one repeated.
pub fn open_organisation(now: DateTime<Utc>, count: usize) -> Result<BoardDocument> {
    let mut rng = Rng(SEED);
    let org = org(&mut rng);
    let mut items = Vec::with_capacity(count);
    for id in 1..=count as ItemId {
        let ending = if rng.chance(0.5) {
            Ending::Active
        } else {
            Ending::Limbo
        };
        items.push(history_ending(&mut rng, &org, id, now, ending)?);
    }
    Ok(BoardDocument {
        format: FORMAT.to_string(),
        version: VERSION,
        as_of: None,
        teams: org.teams,
        calendars: org.calendars,
        boundaries: org.boundaries,
        contract_history: org.contract_history,
        items,
    })
}

fn history_ending(
    rng: &mut Rng,
    org: &Org,
    id: ItemId,
    now: DateTime<Utc>,
    ending: Ending,
) -> Result<ItemRecord> {
    let team = rng.pick(&TEAM_KEYS).to_string();
    // Titles follow a formula, as they do in real trackers, with a ticket reference;
    // the same request for the same customer from two teams is a possible duplicate.
    let mut title = format!(
        "{} {} for {} (CS-{})",
        rng.pick(&VERBS),
        rng.pick(&THINGS),
        customer(rng.below(CUSTOMERS)),
        10_000 + rng.below(90_000)
    );
    if rng.chance(0.3) {
        title.push_str(&format!(", {}", rng.pick(&DETAILS)));
    }
    history_of(rng, org, id, now, ending, team, title)
}

/// One item's life from its creation by `team` with `title` to `ending`: a walk of
/// user commands decided by the domain rules, then spread over realistic times.
pub fn history_of(
    rng: &mut Rng,
    org: &Org,
    id: ItemId,
    now: DateTime<Utc>,
    ending: Ending,
    team: String,
    title: String,
) -> Result<ItemRecord> {
    let creator = person(&team, rng.below(24));
    let create = Command::Create {
        owner: rng.chance(0.7).then(|| person(&team, rng.below(24))),
        due: rng
            .chance(0.4)
            .then(|| now + rng.seconds(Duration::days(-10), Duration::days(30))),
        tags: (0..rng.below(3))
            .map(|_| rng.pick(&TAGS).to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        body: rng
            .chance(0.3)
            .then(|| format!("{} — requested by {}", rng.pick(&NOTES), team)),
        title,
        team,
        link: None,
        external_key: None,
    };
    // Provisional times one second apart; real ones are assigned afterwards.
    let start = now - Duration::days(400);
    let mut events: Vec<Event> = Vec::new();
    let mut item: Option<Item> = None;
    let mut step = |command: Command, item: &mut Option<Item>, actor: &str| -> Result<()> {
        let at = start + Duration::seconds(events.len() as i64);
        let (event, next) = decide(item.as_ref(), id, org, command, at, actor)?;
        events.push(event);
        *item = Some(next);
        Ok(())
    };
    let actor = |rng: &mut Rng, item: &Option<Item>| match item {
        Some(i) => person(i.limbo.as_ref().map_or(&i.team, |l| &l.to), rng.below(24)),
        None => "someone".to_string(),
    };
    step(create, &mut item, &creator)?;
    let walk = 1 + rng.below(15);
    for _ in 0..walk {
        let Some(current) = item.clone() else { break };
        let who = actor(rng, &item);
        let r = rng.unit();
        let command = match current.state {
            State::Active if r < 0.40 => send(rng, org, &current),
            State::Active if r < 0.55 => {
                Command::SetOwner(Some(person(&current.team, rng.below(24))))
            }
            State::Active if r < 0.82 => Command::Note(rng.pick(&NOTES).to_string()),
            // Escalated once a spell: escalating again to the same contact is refused.
            State::Active if r < 0.88 && current.escalation.is_none() => Command::Escalate {
                // The contract's contact, else the team's first person: an escalation
                // names someone.
                to: baton::domain::rules::escalation_contact(&current, org)
                    .or_else(|| Some(person(&current.team, 0))),
                note: Some("no progress for a week".to_string()),
            },
            State::Active if r < 0.92 => Command::Flag {
                note: "the handoff lost the customer's constraints".to_string(),
                cause: None,
            },
            State::Active => Command::Done(Some("shipped".to_string())),
            State::Limbo if r < 0.50 => Command::Accept {
                owner: rng.chance(0.3).then(|| who.clone()),
            },
            State::Limbo if r < 0.68 => Command::Bounce {
                reason: rng.pick(&BOUNCE_REASONS).to_string(),
                cause: None,
            },
            State::Limbo if r < 0.75 => Command::Reclaim {
                reason: rng.chance(0.5).then(|| "sent too early".to_string()),
            },
            State::Limbo if r < 0.85 && current.escalation.is_none() => Command::Escalate {
                // The contract's contact, else the team's first person: an escalation
                // names someone.
                to: baton::domain::rules::escalation_contact(&current, org)
                    .or_else(|| Some(person(&current.team, 0))),
                note: Some("waiting past the SLA".to_string()),
            },
            State::Limbo => Command::Note(rng.pick(&NOTES).to_string()),
            State::Done | State::Dropped => {
                Command::Reopen(Some("the customer reported it again".to_string()))
            }
        };
        step(command, &mut item, &who)?;
    }
    // Close the walk so the item ends as planned.
    let mut guard = 0;
    while let Some(current) = item.clone() {
        guard += 1;
        if guard > 4 {
            bail!("#{id}: the walk did not reach its ending");
        }
        let who = actor(rng, &item);
        let command = match (ending, current.state) {
            (Ending::Done, State::Done)
            | (Ending::Dropped, State::Dropped)
            | (Ending::Active, State::Active)
            | (Ending::Limbo, State::Limbo) => break,
            (_, State::Done | State::Dropped) => Command::Reopen(None),
            (Ending::Dropped, _) => Command::Drop("no longer needed by the customer".to_string()),
            (Ending::Done | Ending::Active, State::Limbo) => Command::Accept { owner: None },
            (Ending::Done, State::Active) => Command::Done(None),
            (Ending::Limbo, State::Active) => send(rng, org, &current),
        };
        step(command, &mut item, &who)?;
    }
    let Some(final_item) = item else {
        bail!("#{id} has no history");
    };
    spread_times(rng, org, &mut events, &final_item, now);
    let item =
        replay(id, org, &events).map_err(|(n, e)| anyhow::anyhow!("#{id} event {n}: {e}"))?;
    Ok(ItemRecord {
        id,
        title: item.title.clone(),
        team: item.team.clone(),
        owner: item.owner.clone(),
        state: item.state,
        boundary: BoundaryRef::of(&item),
        events,
    })
}

fn send(rng: &mut Rng, org: &Org, item: &Item) -> Command {
    let targets: Vec<&Boundary> = org.boundaries_from(&item.team).collect();
    let boundary = rng.pick(&targets);
    // One handoff in ten is forced with part of the checklist unticked.
    let (ticks, force) = if rng.chance(0.1) {
        (Ticks::Entries(vec![1]), true)
    } else {
        (Ticks::All, false)
    };
    Command::Send {
        to: boundary.to.clone(),
        note: rng.pick(&NOTES).to_string(),
        ticks,
        force,
    }
}

/// Gives the events real, non-decreasing times. An item left in limbo is pinned so its
/// last send is a spread of ages around the boundary's SLA (within, at risk, breached).
fn spread_times(rng: &mut Rng, org: &Org, events: &mut [Event], item: &Item, now: DateTime<Utc>) {
    let pinned = match (
        item.boundary(),
        events.iter().rposition(|e| e.kind.name() == "sent"),
    ) {
        (Some((from, to)), Some(index)) => {
            let sla = org
                .boundary(from, to)
                .and_then(|b| b.contract.sla())
                .unwrap_or(Duration::days(1));
            let age = Duration::seconds((sla.num_seconds() as f64 * 2.0 * rng.unit()) as i64);
            Some((index, now - age))
        }
        _ => None,
    };
    let (first, end) = match (pinned, item.state) {
        (Some((_, sent)), _) => (
            sent - rng.seconds(Duration::hours(1), Duration::days(20)),
            sent,
        ),
        (None, State::Active) => (
            now - rng.seconds(Duration::hours(1), Duration::days(30)),
            now,
        ),
        (None, _) => {
            let first = now - rng.seconds(Duration::days(1), Duration::days(365));
            (first, first + (now - first) / 2)
        }
    };
    let mut times = |events: &mut [Event], from: DateTime<Utc>, to: DateTime<Utc>| {
        let mut at: Vec<DateTime<Utc>> = (0..events.len())
            .map(|_| from + rng.seconds(Duration::zero(), to - from))
            .collect();
        at.sort();
        for (event, at) in events.iter_mut().zip(at) {
            event.at = at;
        }
    };
    match pinned {
        Some((index, sent)) => {
            let (before, after) = events.split_at_mut(index);
            times(before, first, sent);
            after[0].at = sent;
            times(&mut after[1..], sent, now);
        }
        None => times(events, first, end),
    }
    if let Some(created) = events.first_mut() {
        created.at = first;
        if let EventKind::Created { due: Some(due), .. } = &mut created.kind {
            *due = (*due).max(first);
        }
    }
}

/// The first `count` open items of `doc`, as a document of their own.
pub fn open_subset(doc: &BoardDocument, count: usize) -> BoardDocument {
    BoardDocument {
        format: doc.format.clone(),
        version: doc.version,
        as_of: doc.as_of,
        teams: doc.teams.clone(),
        calendars: doc.calendars.clone(),
        boundaries: doc.boundaries.clone(),
        contract_history: doc.contract_history.clone(),
        items: doc
            .items
            .iter()
            .filter(|i| i.state.is_open())
            .take(count)
            .cloned()
            .collect(),
    }
}

// ---------------------------------------------------------------- measuring

pub fn write_document(doc: &BoardDocument, path: &Path) -> Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    // Pretty, as `baton export` writes it.
    serde_json::to_writer_pretty(&mut out, doc)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Runs the release binary built alongside this benchmark, output discarded; gives its
/// wall time and peak RSS (VmHWM, polled from /proc while it runs).
pub fn baton_bin(
    db: impl AsRef<std::ffi::OsStr>,
    now: DateTime<Utc>,
    args: &[&str],
) -> Result<(Elapsed, Option<f64>)> {
    let started = Instant::now();
    let mut child = Process::new(env!("CARGO_BIN_EXE_baton"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("BATON_NOW", now.to_rfc3339())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running target/release/baton")?;
    let status_file = format!("/proc/{}/status", child.id());
    let running = Arc::new(AtomicBool::new(true));
    let poller = {
        let running = Arc::clone(&running);
        std::thread::spawn(move || {
            let mut peak = None;
            while running.load(Ordering::Relaxed) {
                if let Some(kb) = std::fs::read_to_string(&status_file)
                    .ok()
                    .and_then(|s| vm_hwm_kb(&s))
                {
                    peak = Some(kb);
                }
                std::thread::sleep(Elapsed::from_millis(2));
            }
            peak
        })
    };
    let status = child.wait()?;
    let took = started.elapsed();
    running.store(false, Ordering::Relaxed);
    let peak = poller.join().ok().flatten().map(|kb| kb / 1024.0);
    if !status.success() {
        bail!("baton {} failed: {status}", args.join(" "));
    }
    Ok((took, peak))
}

/// One run of the release binary as `/usr/bin/time` saw it.
#[derive(Debug, Clone, Copy)]
pub struct Timed {
    pub wall: Elapsed,
    /// User and system time.
    pub cpu: Elapsed,
    pub peak_mb: f64,
}

/// Runs the release binary under `/usr/bin/time`, output discarded: its wall time, CPU
/// time and peak resident memory.
pub fn baton_under_time(db: &Path, now: DateTime<Utc>, args: &[&str]) -> Result<Timed> {
    let output = Process::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M"])
        .arg(env!("CARGO_BIN_EXE_baton"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("BATON_NOW", now.to_rfc3339())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("running /usr/bin/time target/release/baton")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("baton {} failed: {stderr}", args.join(" "));
    }
    let fields: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [wall, user, sys, kb] = fields[..] else {
        bail!("unexpected /usr/bin/time output: {stderr}");
    };
    Ok(Timed {
        wall: Elapsed::from_secs_f64(wall),
        cpu: Elapsed::from_secs_f64(user + sys),
        peak_mb: kb / 1024.0,
    })
}

/// The median time of a few runs, and the highest peak RSS seen.
pub fn median(
    run: impl FnMut() -> Result<(Elapsed, Option<f64>)>,
) -> Result<(Elapsed, Option<f64>)> {
    median_of(RUNS, run)
}

pub fn path_str(path: &Path) -> Result<&str> {
    path.to_str().context("temp path is not UTF-8")
}

pub fn wal_of(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

pub fn peak_rss_mb() -> Option<f64> {
    vm_hwm_kb(&std::fs::read_to_string("/proc/self/status").ok()?).map(|kb| kb / 1024.0)
}

pub fn vm_hwm_kb(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn human(d: Elapsed) -> String {
    if d >= Elapsed::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

#[derive(Default)]
pub struct Report {
    rows: Vec<(String, Elapsed, Elapsed, Option<f64>)>,
}

impl Report {
    pub fn row(&mut self, what: &str, took: Elapsed, target: Elapsed, rss: Option<f64>) {
        println!("  {what}: {}", human(took));
        self.rows.push((what.to_string(), took, target, rss));
    }

    pub fn print(&self) {
        println!();
        println!(
            "{:<34} {:>10} {:>10} {:>6} {:>10}",
            "measure", "median", "target", "", "peak RSS"
        );
        for (what, took, target, rss) in &self.rows {
            println!(
                "{:<34} {:>10} {:>10} {:>6} {:>10}",
                what,
                human(*took),
                human(*target),
                if took <= target { "PASS" } else { "OVER" },
                rss.map_or("—".to_string(), |r| format!("{r:.0} MB")),
            );
        }
    }
}

/// The median time of `runs` runs, and the highest peak RSS seen.
pub fn median_of(
    runs: usize,
    mut run: impl FnMut() -> Result<(Elapsed, Option<f64>)>,
) -> Result<(Elapsed, Option<f64>)> {
    let runs = (0..runs.max(1))
        .map(|_| run())
        .collect::<Result<Vec<_>>>()?;
    let mut times: Vec<Elapsed> = runs.iter().map(|(t, _)| *t).collect();
    times.sort();
    let rss = runs.iter().filter_map(|(_, r)| *r).reduce(f64::max);
    Ok((times[times.len() / 2], rss))
}

/// The `p`th percentile (nearest rank) of sorted times.
pub fn percentile(sorted: &[Elapsed], p: f64) -> Elapsed {
    if sorted.is_empty() {
        return Elapsed::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A new, empty PostgreSQL database `name` next to the one `admin` names (dropped first
/// if a run before left it); its URL, with `admin`'s parameters.
pub fn fresh_database(admin: &str, name: &str) -> Result<String> {
    let mut client = postgres::Client::connect(admin, postgres::NoTls)?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin, String::new()),
    };
    let base = base
        .rsplit_once('/')
        .map(|(base, _)| base)
        .context("admin URL has no database")?;
    Ok(format!("{base}/{name}{query}"))
}

/// Drops what [`fresh_database`] made, with the writers' role the board made there.
pub fn drop_database(admin: &str, name: &str) -> Result<()> {
    let mut client = postgres::Client::connect(admin, postgres::NoTls)?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    client.batch_execute(&format!("DROP ROLE IF EXISTS baton_{name}_writers"))?;
    Ok(())
}
