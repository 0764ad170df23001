//! The `baton` command line: parses arguments, then calls the same domain and storage
//! functions the board uses.

pub mod args;
pub mod complete;
pub mod output;
pub mod watch;

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};

pub use crate::context::{
    Context, DEMO, default_db, demo_document, import_document, write_atomically,
    write_atomically_with,
};
use crate::domain::attention::{
    SignalCode, attention, attention_reading, contract_signals, for_team, late_send, parse_signal,
};
use crate::domain::calendar::{Calendar, CalendarDef, Sla, parse_holiday, parse_ics};
use crate::domain::metrics::Period;
use crate::domain::text::{display_safe, to_json_pretty, write_json_pretty};
use crate::domain::time::{parse_due, parse_time};
use crate::domain::{Boundary, Command, Contract, DomainError, Item, Pair, State, Team, Ticks};
use crate::export::json::{BoardDocument, DocumentWriter, History, ItemHead, event_json};
use crate::storage::Access;
use crate::storage::{ItemColumns, ItemFilter, LabelInUse, When};
use crate::tui::BoardOptions;
use args::{
    AccessCmd, BoundaryCmd, CalendarArgs, CalendarCmd, Cli, Cmd, ConfigCmd, ContractArgs,
    CsvLayout, ExportFormat, SnapshotCmd, StateArg, TeamCmd,
};
use output::{item_view, items_text, show_text};

/// A usage error found after parsing (flags that do not go together): exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What the command line adds to the context: reading `--since`, `--until` and `--at`.
trait ContextArgs {
    fn period(&self, args: &args::PeriodArgs) -> Result<Period>;
    fn at(&self, at: &args::At) -> Result<DateTime<Utc>>;
    fn when(&self, at: &args::At) -> Result<When>;
}

impl ContextArgs for Context {
    /// The period `[--since, --until)`, ending now by default; an `--until` after now
    /// ends it now, with a note on stderr (nothing after now is known).
    fn period(&self, args: &args::PeriodArgs) -> Result<Period> {
        let since = args
            .since
            .as_deref()
            .map(|t| parse_time(t, &self.zone))
            .transpose()
            .context("--since")?;
        let until = args
            .until
            .as_deref()
            .map(|t| parse_time(t, &self.zone))
            .transpose()
            .context("--until")?;
        if let (Some(text), Some(until)) = (&args.until, until)
            && until > self.now
        {
            eprintln!(
                "note: --until {} is after now; the period ends now, {}",
                display_safe(text),
                self.zone.show(self.now)
            );
        }
        let period = match until {
            Some(until) if until < self.now => Period::ending(since, until),
            _ => Period::to_now(since, self.now),
        };
        if let Some(since) = since
            && since >= period.until
        {
            bail!("--since must come before --until (or now)");
        }
        Ok(period)
    }

    fn at(&self, at: &args::At) -> Result<DateTime<Utc>> {
        match &at.at {
            Some(text) => {
                let at = parse_time(text, &self.zone).context("--at")?;
                if at > self.now {
                    bail!("--at: {text} is in the future; record changes when they happened");
                }
                Ok(at)
            }
            None => Ok(self.now),
        }
    }

    /// `--at` when given, otherwise now as the write lock is taken.
    fn when(&self, at: &args::At) -> Result<When> {
        Ok(match &at.at {
            Some(_) => When::At(self.at(at)?),
            None => self.now_when(),
        })
    }
}

pub fn run(cli: Cli, board: impl FnOnce(&Context, BoardOptions, bool) -> Result<()>) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    let mut silent = std::io::sink();
    let quiet = cli.quiet && cli.command.as_ref().is_some_and(Cmd::is_change);
    let mut out: &mut dyn Write = if quiet { &mut silent } else { &mut stdout };
    let out = &mut out;
    // Neither needs a board, nor the clock: they describe the program itself.
    match &cli.command {
        Some(Cmd::Completions { shell }) => return complete::write_registration(*shell, out),
        Some(Cmd::Config(ConfigCmd::Path)) => {
            return match crate::config::path() {
                Some(path) => Ok(writeln!(
                    out,
                    "{}",
                    display_safe(&path.display().to_string())
                )?),
                None => bail!(
                    "there is no home directory to keep a config file in; name one with BATON_CONFIG"
                ),
            };
        }
        Some(Cmd::Man { out: None }) => return complete::write_main_page(out),
        Some(Cmd::Man { out: Some(dir) }) => {
            let pages = complete::write_man_pages(dir)?;
            writeln!(
                out,
                "wrote {} manual pages to {} (baton.1, baton-send.1, …)",
                pages.len(),
                dir.display()
            )?;
            return Ok(());
        }
        _ => {}
    }
    let db_given = cli.db.as_ref().is_some_and(|d| !d.trim().is_empty());
    let ctx = Context::from_env(cli.db)?;
    for warning in &ctx.config.warnings {
        eprintln!("warning: {}", display_safe(warning));
    }
    if let Some(Cmd::Config(ConfigCmd::Show { json })) = &cli.command {
        return config_show(&ctx, db_given, json.json, out);
    }
    let Some(command) = cli.command else {
        return board(&ctx, BoardOptions::default(), false);
    };
    match command {
        Cmd::Demo { no_mouse } => {
            let options = BoardOptions {
                no_mouse,
                db_given,
                ..BoardOptions::default()
            };
            board(&ctx, options, true)
        }
        Cmd::Board(args) => board(&ctx, args.into(), false),
        Cmd::Init { demo } => {
            let mut store = ctx.create()?;
            if demo {
                let doc = demo_document(ctx.now)?;
                let teams = doc.teams.len();
                let count = import_document(&mut store, doc, false)
                    .context("the demo goes into an empty database only")?;
                writeln!(
                    out,
                    "created {} with the sample organisation ({} teams, {} items)",
                    ctx.db.display(),
                    teams,
                    count
                )?;
            } else {
                writeln!(out, "ready: {}", ctx.db.display())?;
                if store.is_empty()? {
                    writeln!(
                        out,
                        "next: baton team add KEY, then baton boundary add FROM TO"
                    )?;
                }
            }
            Ok(())
        }
        Cmd::Team(TeamCmd::Add { key, name, lead }) => {
            crate::domain::rules::check_team_key(&key)?;
            let mut store = ctx.open()?;
            let team = Team {
                name: name.unwrap_or_else(|| key.clone()),
                key,
                lead,
            };
            store.add_team(&team)?;
            writeln!(out, "added team {}", display_safe(&team.key))?;
            Ok(())
        }
        Cmd::Team(TeamCmd::Ls { json }) => {
            let store = ctx.open()?;
            let org = store.org()?;
            if json.json {
                writeln!(out, "{}", to_json_pretty(&org.teams)?)?;
            } else if org.teams.is_empty() {
                writeln!(out, "no teams yet; add one with `baton team add KEY`")?;
            } else {
                let rows: Vec<Vec<String>> = org
                    .teams
                    .iter()
                    .map(|t| {
                        vec![
                            display_safe(&t.key),
                            display_safe(&t.name),
                            t.lead.as_deref().map_or("—".to_string(), display_safe),
                        ]
                    })
                    .collect();
                write!(out, "{}", output::table(&["KEY", "NAME", "LEAD"], &rows))?;
            }
            Ok(())
        }
        Cmd::Boundary(cmd) => boundary(&ctx, cmd, out),
        Cmd::Calendar(cmd) => calendar(&ctx, cmd, out),
        Cmd::Add {
            title,
            team,
            owner,
            due,
            tags,
            body,
            link,
            at,
            json,
        } => {
            let due = due
                .map(|d| parse_due(&d, &ctx.zone))
                .transpose()
                .context("--due")?;
            let when = ctx.when(&at)?;
            let mut store = ctx.open()?;
            let command = Command::Create {
                title,
                team,
                owner,
                due,
                tags,
                body,
                link,
                external_key: None,
            };
            let (_, item) = store.execute(None, command, when, &ctx.actor)?;
            if json {
                let org = store.org()?;
                writeln!(out, "{}", to_json_pretty(&item_view(&item, &org, ctx.now))?)?;
            } else {
                writeln!(
                    out,
                    "added #{} {} to {}",
                    item.id,
                    display_safe(&item.title),
                    display_safe(&item.team)
                )?;
            }
            Ok(())
        }
        Cmd::Ls {
            team,
            owner,
            tag,
            state,
            all,
            snoozed,
            json,
        } => {
            let store = ctx.open()?;
            store.view(|| -> Result<()> {
                let org = store.org()?;
                if let Some(team) = &team {
                    org.require_team(team)?;
                }
                let states = if all {
                    Vec::new()
                } else if state.is_empty() {
                    vec![State::Active, State::Limbo]
                } else {
                    state.into_iter().map(state_of).collect()
                };
                let mut items = store.items(&ItemFilter {
                    states,
                    team,
                    owner,
                    tag,
                    ..ItemFilter::default()
                })?;
                if snoozed {
                    items.retain(|i| output::snoozed_until(i, ctx.now).is_some());
                }
                if snoozed && !json.json {
                    write!(out, "{}", output::snoozed_text(&items, ctx.now, &ctx.zone))?;
                } else if json.json {
                    let views: Vec<_> = items.iter().map(|i| item_view(i, &org, ctx.now)).collect();
                    writeln!(out, "{}", to_json_pretty(&views)?)?;
                } else {
                    write!(out, "{}", items_text(&items, &org, ctx.now))?;
                }
                Ok(())
            })
        }
        Cmd::Show { id, json } => {
            let store = ctx.open()?;
            store.view(|| -> Result<()> {
                let org = store.org()?;
                let item = store.item(id)?;
                let events = store.events(id)?;
                let signals = if item.state.is_open() {
                    let open = store.open_items()?;
                    attention(&open, &org, ctx.now, &ctx.zone)
                        .into_iter()
                        .find(|a| a.id == id)
                        .map(|a| a.signals)
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                if json.json {
                    #[derive(serde::Serialize)]
                    struct ShowView<'a> {
                        #[serde(flatten)]
                        item: output::ItemView<'a>,
                        body: Option<&'a str>,
                        handoff_note: Option<&'a str>,
                        contract: Option<&'a Contract>,
                        signals: &'a [crate::domain::attention::Signal],
                        events: &'a [crate::domain::Event],
                    }
                    let contract = item
                        .boundary()
                        .and_then(|(f, t)| org.boundary(f, t))
                        .map(|b| &b.contract);
                    let view = ShowView {
                        item: item_view(&item, &org, ctx.now),
                        body: item.body.as_deref(),
                        handoff_note: item.limbo.as_ref().map(|l| l.note.as_str()),
                        contract,
                        signals: &signals,
                        events: &events,
                    };
                    writeln!(out, "{}", to_json_pretty(&view)?)?;
                } else {
                    write!(
                        out,
                        "{}",
                        show_text(&item, &events, &org, &signals, ctx.now, &ctx.zone)
                    )?;
                }
                Ok(())
            })
        }
        Cmd::Send {
            id,
            to,
            note,
            all_done,
            done,
            force,
            at,
        } => {
            let ticks = if all_done {
                Ticks::All
            } else {
                Ticks::Entries(done)
            };
            warn_if_late(&ctx, id, &to, &at)?;
            let command = Command::Send {
                to,
                note,
                ticks,
                force,
            };
            change(&ctx, id, command, &at, out)
        }
        Cmd::Accept { id, owner, at } => {
            warn_if_partial_name(&ctx, owner.as_deref())?;
            change(&ctx, id, Command::Accept { owner }, &at, out)
        }
        Cmd::Bounce {
            id,
            reason,
            cause,
            at,
        } => change(&ctx, id, Command::Bounce { reason, cause }, &at, out),
        Cmd::Reclaim { id, reason, at } => change(&ctx, id, Command::Reclaim { reason }, &at, out),
        Cmd::Escalate { id, to, note, at } => {
            warn_if_partial_name(&ctx, to.as_deref())?;
            change(&ctx, id, Command::Escalate { to, note }, &at, out)
        }
        Cmd::Owner {
            id,
            person,
            clear,
            at,
        } => {
            let owner = if clear { None } else { person };
            warn_if_partial_name(&ctx, owner.as_deref())?;
            change(&ctx, id, Command::SetOwner(owner), &at, out)
        }
        Cmd::Note { id, text, at } => change(&ctx, id, Command::Note(text), &at, out),
        Cmd::Edit {
            id,
            title,
            body,
            due,
            no_due,
            tags,
            no_tags,
            link,
            at,
        } => {
            let due = match (due, no_due) {
                (Some(text), _) => Some(Some(parse_due(&text, &ctx.zone).context("--due")?)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let tags = match (tags.is_empty(), no_tags) {
                (false, _) => Some(tags),
                (true, true) => Some(Vec::new()),
                (true, false) => None,
            };
            let command = Command::Edit {
                title,
                body,
                due,
                tags,
                link,
            };
            change(&ctx, id, command, &at, out)
        }
        Cmd::Done { id, note, at } => change(&ctx, id, Command::Done(note), &at, out),
        Cmd::Reopen { id, reason, at } => change(&ctx, id, Command::Reopen(reason), &at, out),
        Cmd::Drop { id, reason, at } => change(&ctx, id, Command::Drop(reason), &at, out),
        Cmd::Flag {
            id,
            note,
            cause,
            at,
        } => change(&ctx, id, Command::Flag { note, cause }, &at, out),
        Cmd::Snooze { id, until, at } => {
            let until = match until {
                Some(text) => parse_time(&text, &ctx.zone).context("--until")?,
                None => crate::domain::attention::next_standup(ctx.at(&at)?, &ctx.zone),
            };
            change(&ctx, id, Command::Snooze(until), &at, out)
        }
        Cmd::Merge { id, into, note, at } => pair(&ctx, id, into, Pair::Merge { note }, &at, out),
        Cmd::Dismiss {
            id,
            code,
            with,
            note,
            at,
        } => {
            let code = parse_signal(&code)?;
            match with {
                Some(other) if code == SignalCode::PossibleDuplicate => {
                    pair(&ctx, id, other, Pair::NotDuplicates { note }, &at, out)
                }
                Some(_) => Err(DomainError::OtherOnlyForDuplicate(code.as_str()).into()),
                None => change(&ctx, id, Command::Dismiss { code, note }, &at, out),
            }
        }
        Cmd::Tick {
            id,
            all_done,
            done,
            note,
            at,
        } => {
            let ticks = if all_done {
                Ticks::All
            } else {
                Ticks::Entries(done)
            };
            change(&ctx, id, Command::Tick { ticks, note }, &at, out)
        }
        Cmd::Watch(options) => watch::watch(&ctx, options, out),
        Cmd::Attention { team, json } => {
            let store = ctx.open()?;
            if let Some(team) = &team {
                // Said at once, not after reading a large board.
                store.org()?.require_team(team)?;
            }
            // The duplicate join takes the titles as the items are read.
            let (mut org, items, mut queue) = attention_reading(ctx.now, &ctx.zone, |sink| {
                store.org_and_open_items(
                    ItemColumns::Attention,
                    || ctx.open().ok(),
                    || {
                        let mut feeder = sink.feeder();
                        move |item: &Item| feeder.push(item)
                    },
                )
            })?;
            if let Some(team) = &team {
                org.require_team(team)?;
                let (theirs, rest) = for_team(queue, &items, team);
                queue = theirs;
                // As below: the rest is not given back one string at a time.
                std::mem::forget(rest);
                org.boundaries.retain(|b| b.from == *team || b.to == *team);
            }
            if json.json {
                let mut json = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
                // As an IO error, so a reader that stops early (`| head`) is no error.
                write_json_pretty(&mut json, &queue).map_err(std::io::Error::from)?;
                writeln!(json)?;
                json.flush()?;
            } else {
                let mut text = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
                let contracts = contract_signals(&org);
                output::write_attention_text(&mut text, &queue, &items, &contracts)?;
                text.flush()?;
            }
            // The process ends after this command: giving a hundred thousand items
            // and their queue back to the allocator one string at a time took
            // longer than the listing (about 40 ms at 100,000 open items).
            std::mem::forget((items, queue));
            Ok(())
        }
        Cmd::Export {
            format,
            out: file,
            period,
            snapshot,
            boundaries,
            layout,
            events,
        } => {
            if boundaries && format != ExportFormat::Csv {
                return Err(UsageError("--boundaries goes with --format csv".to_string()).into());
            }
            if (layout.is_some() || events) && format != ExportFormat::Csv {
                return Err(
                    UsageError("--layout and --events go with --format csv".to_string()).into(),
                );
            }
            let whole = snapshot.is_some() || period.since.is_some() || period.until.is_some();
            if format == ExportFormat::Json && whole {
                return Err(UsageError(
                    "--format json exports the whole board with every history; --since, --until and --snapshot go with md, csv and html".to_string(),
                )
                .into());
            }
            let store = ctx.open()?;
            store.view(|| -> Result<()> {
                let text = match format {
                    ExportFormat::Json => {
                        // Streamed from the store, a line per item, into the file or stdout.
                        let org = store.org()?;
                        let write = |sink: &mut dyn Write| -> Result<()> {
                            let mut writer = DocumentWriter::start(sink, &org, None)?;
                            store.for_each_stored_history(|item, events| -> Result<()> {
                                let events = events
                                    .iter()
                                    .map(|e| event_json(e.seq, e.at, &e.actor, &e.data))
                                    .collect::<std::io::Result<Vec<String>>>()?;
                                writer.item(&ItemHead::of_item(item), events)?;
                                Ok(())
                            })?;
                            writer.finish()?;
                            Ok(())
                        };
                        return write_out(file.as_deref(), out, write);
                    }
                    ExportFormat::Csv if events => {
                        let period = ctx.period(&period)?;
                        let write = |sink: &mut dyn Write| -> Result<()> {
                            let mut csv = crate::export::csv::EventsCsv::start(sink)
                                .context("cannot write the CSV")?;
                            store.for_each_stored_event(|id, e| -> Result<()> {
                                // Every event is decoded (a history that does not read
                                // is an error), and those in the period written.
                                let kind = crate::export::csv::StoredKind::decode(e.data)
                                    .with_context(|| format!("the history of #{id}"))?;
                                csv.event(id, e.seq, e.at, e.actor, &kind, period.contains(e.at))
                                    .context("cannot write the CSV")?;
                                Ok(())
                            })?;
                            csv.finish().context("cannot write the CSV")?;
                            Ok(())
                        };
                        return write_out(file.as_deref(), out, write);
                    }
                    // One row per boundary needs the metrics only, not the items.
                    ExportFormat::Csv if boundaries => {
                        let metrics = match &snapshot {
                            Some(key) => store.snapshot(key)?.metrics,
                            None => metrics_of(&store, ctx.period(&period)?, &ctx.zone)?,
                        };
                        crate::export::csv::boundaries(&metrics).context("cannot write the CSV")?
                    }
                    report => {
                        let org = store.org()?;
                        // The CSVs' entry dates, gathered as the histories stream by.
                        let mut entries = crate::export::csv::Entries::new(
                            &crate::domain::stages::flow_stages(&org),
                        );
                        let csv = report == ExportFormat::Csv;
                        let snap = match &snapshot {
                            Some(key) => {
                                let snap = store.snapshot(key)?;
                                if csv {
                                    let period = snap.metrics.period;
                                    store.for_each_flow_history(|history| {
                                        add_entries(&mut entries, history, period)
                                    })?;
                                }
                                snap
                            }
                            None => {
                                let period = ctx.period(&period)?;
                                store.take_snapshot_with(
                                    &format!("board at {}", ctx.zone.show(ctx.now)),
                                    period,
                                    &ctx.zone,
                                    |history| {
                                        if csv {
                                            add_entries(&mut entries, history, period);
                                        }
                                    },
                                )?
                            }
                        };
                        match report {
                            ExportFormat::Md => {
                                crate::export::markdown::render(&snap, &org, &ctx.zone)
                            }
                            ExportFormat::Csv => {
                                // Written row by row into the file or stdout.
                                let write = |sink: &mut dyn Write| -> Result<()> {
                                    match layout {
                                        Some(CsvLayout::Stages) => crate::export::csv::stages(
                                            &snap, &entries, &ctx.zone, sink,
                                        ),
                                        _ => crate::export::csv::items(&snap, &entries, sink),
                                    }
                                    .context("cannot write the CSV")
                                };
                                return write_out(file.as_deref(), out, write);
                            }
                            _ => crate::export::html::render(&snap, &org, &ctx.zone),
                        }
                    }
                };
                write_out(file.as_deref(), out, |w| Ok(w.write_all(text.as_bytes())?))
            })
        }
        Cmd::Stats { period, json } => {
            let store = ctx.open()?;
            store.view(|| -> Result<()> {
                let metrics = metrics_of(&store, ctx.period(&period)?, &ctx.zone)?;
                if json.json {
                    writeln!(out, "{}", to_json_pretty(&metrics)?)?;
                } else {
                    write!(out, "{}", output::stats_text(&metrics, &ctx.zone))?;
                }
                Ok(())
            })
        }
        Cmd::Forecast {
            items,
            by,
            since,
            seed,
            json,
        } => forecast(&ctx, items, by, since, seed, json.json, out),
        Cmd::Snapshot(cmd) => snapshot(&ctx, cmd, out),
        Cmd::Access(cmd) => access(&ctx, cmd, out),
        // Answered above, before any board is opened.
        Cmd::Config(_) => Ok(()),
        Cmd::Completions { .. } | Cmd::Man { .. } => Ok(()),
        Cmd::Import {
            file,
            replace,
            from: None,
            ..
        } => import(&ctx, &file, replace, out),
        Cmd::Import {
            file,
            from: Some(from),
            team_map,
            team,
            jira_url,
            linear_url,
            skip_unmapped,
            ..
        } => {
            let mapping = crate::trackers::Mapping {
                teams: match team_map.as_deref() {
                    Some(text) => crate::domain::external::parse_team_map(text)
                        .map_err(|e| UsageError(format!("--team-map: {e}")))?,
                    None => Vec::new(),
                },
                default_team: team,
                jira_url: jira_url
                    .map(|u| {
                        crate::domain::rules::check_link(&u)
                            .map(|()| u)
                            .map_err(|e| UsageError(format!("--jira-url: {e}")))
                    })
                    .transpose()?,
                linear_url: linear_url
                    .map(|u| {
                        crate::domain::rules::check_link(&u)
                            .map(|()| u)
                            .map_err(|e| UsageError(format!("--linear-url: {e}")))
                    })
                    .transpose()?,
            };
            import_issues(&ctx, &file, from, &mapping, skip_unmapped, out)
        }
    }
}

/// `baton forecast`: daily throughput over `[since, start of today)`, drawn from for
/// every day from tomorrow on.
fn forecast(
    ctx: &Context,
    items: Option<usize>,
    by: Option<String>,
    since: Option<String>,
    seed: Option<u64>,
    json: bool,
    out: &mut impl Write,
) -> Result<()> {
    use crate::domain::forecast::{TRIALS, how_many, when};
    use crate::domain::time::start_of_day;
    let today = ctx.zone.day(ctx.now);
    let midnight = |day: chrono::NaiveDate| {
        start_of_day(day, &ctx.zone).with_context(|| format!("no start of day for {day}"))
    };
    let until = midnight(today)?;
    let since = match &since {
        Some(text) => parse_time(text, &ctx.zone).context("--since")?,
        None => midnight(today - chrono::Duration::days(28))?,
    };
    if since >= until {
        bail!("--since must come before today: the forecast draws from whole days before it");
    }
    let by_day = by
        .as_deref()
        .map(|text| -> Result<chrono::NaiveDate> {
            let day = ctx.zone.day(parse_time(text, &ctx.zone).context("--by")?);
            if day <= today {
                bail!(
                    "--by {} is not after today; the forecast counts from tomorrow",
                    display_safe(text)
                );
            }
            Ok(day)
        })
        .transpose()?;
    let store = ctx.open()?;
    let metrics = store.view(|| -> Result<_> {
        metrics_of(&store, Period::ending(Some(since), until), &ctx.zone)
    })?;
    let samples: Vec<usize> = metrics.daily_throughput.iter().map(|d| d.done).collect();
    let seed = seed.unwrap_or_else(|| ctx.now.timestamp().unsigned_abs());
    let window = ForecastWindow {
        since,
        until,
        days: samples.len(),
        done: samples.iter().sum(),
    };
    let nothing = || {
        anyhow::anyhow!(
            "nothing was done from {} to {}; a forecast needs some throughput (try an earlier --since)",
            ctx.zone.show(since),
            ctx.zone.show(until)
        )
    };
    let lines: Vec<ForecastLine> = match (items, by_day) {
        (_, Some(day)) => {
            let days = usize::try_from((day - today).num_days()).unwrap_or(0);
            how_many(&samples, days, seed)
                .ok_or_else(nothing)?
                .into_iter()
                .map(|h| ForecastLine {
                    confidence: h.confidence,
                    items: Some(h.items),
                    days: None,
                    date: None,
                })
                .collect()
        }
        (Some(n), None) => when(&samples, n, seed)
            .ok_or_else(nothing)?
            .into_iter()
            .map(|w| ForecastLine {
                confidence: w.confidence,
                items: None,
                days: w.days,
                date: w
                    .days
                    .and_then(|d| today.checked_add_signed(chrono::Duration::days(d as i64))),
            })
            .collect(),
        (None, None) => {
            return Err(UsageError("give --items N or --by DATE".to_string()).into());
        }
    };
    if json {
        #[derive(serde::Serialize)]
        struct Forecast {
            window: ForecastWindow,
            trials: usize,
            seed: u64,
            items: Option<usize>,
            by: Option<chrono::NaiveDate>,
            forecast: Vec<ForecastLine>,
        }
        let doc = Forecast {
            window,
            trials: TRIALS,
            seed,
            items: if by_day.is_some() { None } else { items },
            by: by_day,
            forecast: lines,
        };
        writeln!(out, "{}", to_json_pretty(&doc)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "Forecast from the daily throughput of {} to {} ({} days, {} done), {} trials, seed {seed}",
        ctx.zone.show(window.since),
        ctx.zone.show(window.until),
        window.days,
        window.done,
        TRIALS
    )?;
    match by_day {
        Some(day) => {
            writeln!(
                out,
                "How many items will be done from tomorrow to the end of {day} ({} days):",
                (day - today).num_days()
            )?;
            for l in &lines {
                writeln!(
                    out,
                    "  {:>2}% confident: {} or more",
                    l.confidence,
                    l.items.unwrap_or(0)
                )?;
            }
        }
        None => {
            writeln!(
                out,
                "When will {} items be done, counting from tomorrow:",
                items.unwrap_or(0)
            )?;
            for l in &lines {
                match l.date {
                    Some(date) => writeln!(
                        out,
                        "  {:>2}% confident: by {date} ({} days)",
                        l.confidence,
                        l.days.unwrap_or(0)
                    )?,
                    None => writeln!(
                        out,
                        "  {:>2}% confident: not within {} days",
                        l.confidence,
                        crate::domain::forecast::HORIZON_DAYS
                    )?,
                }
            }
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct ForecastWindow {
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    days: usize,
    done: usize,
}

#[derive(serde::Serialize)]
struct ForecastLine {
    confidence: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    days: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<chrono::NaiveDate>,
}

/// Adds when the item of `history` first entered each column, up to the end of `period`.
fn add_entries(
    entries: &mut crate::export::csv::Entries,
    history: &[crate::domain::metrics::FlowEvent],
    period: Period,
) {
    if let Some(first) = history.first() {
        entries.add(first.item, &history[..period.known(history)]);
    }
}

/// Writes an export to `file` whole or not at all, or else to `out` through a buffer.
fn write_out(
    file: Option<&Path>,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match file {
        Some(path) => write_atomically_with(path, write),
        None => {
            let mut buffered = std::io::BufWriter::new(out);
            write(&mut buffered)?;
            Ok(buffered.flush()?)
        }
    }
}

/// The metrics over `period` (days in `zone`), the histories streamed through them in
/// one read (the caller's, when it has one open).
fn metrics_of<Tz: chrono::TimeZone>(
    store: &crate::storage::Store,
    period: Period,
    zone: &Tz,
) -> Result<crate::domain::metrics::Metrics> {
    store.view(|| -> Result<_> {
        let org = store.org()?;
        let mut fold = crate::domain::metrics::MetricsFold::new(&org, period, zone);
        store.for_each_flow_history(|history| fold.add(history))?;
        Ok(fold.finish())
    })
}

/// `baton import FILE|-`: the document is read once, item by item, each history checked
/// by the domain and set aside in a temporary file; only a document that passed is
/// written, in one transaction. A refused document creates nothing, and memory holds
/// one item at a time whatever the document's size.
fn import(ctx: &Context, file: &Path, replace: bool, out: &mut impl Write) -> Result<()> {
    use std::io::{BufRead, Seek};
    let name = file.display();
    let source: Box<dyn std::io::Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(file).with_context(|| format!("cannot read {name}"))?)
    };
    let spool = tempfile::tempfile().context("cannot make a temporary file for the import")?;
    let mut aside = std::io::BufWriter::new(&spool);
    let checked = BoardDocument::check_stream(source, |history| {
        serde_json::to_writer(&mut aside, &history).map_err(std::io::Error::from)?;
        aside.write_all(b"\n")?;
        Ok(())
    });
    let (org, count) = match checked {
        Ok(checked) => checked,
        Err(error) if error.is_unreadable() => {
            return Err(error).with_context(|| format!("{name} cannot be imported"));
        }
        Err(error) => return Err(error).with_context(|| format!("{name} was not imported")),
    };
    aside
        .flush()
        .context("cannot write the temporary file for the import")?;
    drop(aside);
    let mut spool = spool;
    spool.rewind()?;
    let histories = std::io::BufReader::new(spool).lines().map(|line| {
        let line = line.context("cannot read back the checked document")?;
        serde_json::from_str::<History>(&line).context("cannot read back the checked document")
    });
    let mut store = ctx.create()?;
    store
        .replace_board_from(&org, histories, replace)
        .with_context(|| format!("{name} was not imported"))?;
    writeln!(
        out,
        "imported {} teams, {} boundaries, {} items into {}",
        org.teams.len(),
        org.boundaries.len(),
        count,
        ctx.db.display()
    )?;
    Ok(())
}

/// A refusal that lists what it refused, one line each, after its `error:` line.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Listed {
    pub message: String,
    pub rows: Vec<String>,
}

/// `import --from TRACKER FILE`: issues onto the board, all or nothing (or, with
/// `--skip-unmapped`, all that can be mapped).
fn import_issues(
    ctx: &Context,
    file: &Path,
    from: args::ImportSource,
    mapping: &crate::trackers::Mapping,
    skip_unmapped: bool,
    out: &mut impl Write,
) -> Result<()> {
    use crate::trackers::Tracker;
    if mapping.teams.is_empty() && mapping.default_team.is_none() {
        return Err(UsageError(
            "say which team the issues go to: --team-map 'NAME=TEAM,…' or --team KEY".to_string(),
        )
        .into());
    }
    let (tracker, name) = match from {
        args::ImportSource::JiraCsv => (Tracker::JiraCsv, "jira-csv"),
        args::ImportSource::Github => (Tracker::Github, "github"),
        args::ImportSource::LinearCsv => (Tracker::LinearCsv, "linear-csv"),
    };
    let shown = file.display().to_string();
    let bytes = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .context("cannot read standard input")?;
        bytes
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {shown}"))?
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{shown} is not UTF-8 text; export it as UTF-8"))?;
    let parsed = crate::trackers::read(tracker, &text, mapping)
        .map_err(|e| anyhow::anyhow!("{shown} ({name}): {e}"))?;
    let unmapped = parsed.rejected;
    let total = parsed.issues.len() + unmapped.len();
    let mut store = ctx.open()?;
    // The rules see every issue even when some rows could not be mapped, so that all
    // the problems are listed at once.
    let outcome = store.sync_issues(&parsed.issues, ctx.now_when(), &ctx.actor, |report| {
        skip_unmapped || (unmapped.is_empty() && report.refused.is_empty())
    });
    let report = match outcome {
        Ok(report) => report,
        Err(crate::storage::StoreError::ImportRefused(refused)) => {
            let mut rows = unmapped;
            rows.extend(refused);
            return Err(Listed {
                message: format!(
                    "{shown}: {} of {} cannot be imported (listed below); nothing was imported (--skip-unmapped imports the others)",
                    rows.len(),
                    count(total, "issue"),
                ),
                rows: rows.iter().map(|(origin, reason)| format!("{origin}: {reason}")).collect(),
            }
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut left_out = unmapped;
    left_out.extend(report.refused.iter().cloned());
    for (origin, reason) in &left_out {
        eprintln!(
            "warning: left out {}: {}",
            display_safe(origin),
            display_safe(reason)
        );
    }
    let imported = report.created.len() + report.updated.len() + report.unchanged;
    write!(
        out,
        "imported {} from {shown}: {} new, {} updated, {} unchanged",
        count(imported, "issue"),
        report.created.len(),
        report.updated.len(),
        report.unchanged
    )?;
    if !left_out.is_empty() {
        write!(out, "; {} left out", left_out.len())?;
    }
    writeln!(out)?;
    Ok(())
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn state_of(arg: StateArg) -> State {
    match arg {
        StateArg::Active => State::Active,
        StateArg::Limbo => State::Limbo,
        StateArg::Done => State::Done,
        StateArg::Dropped => State::Dropped,
    }
}

/// Runs one change on one item and says what happened in a line.
fn change(
    ctx: &Context,
    id: i64,
    command: Command,
    at: &args::At,
    out: &mut impl Write,
) -> Result<()> {
    let when = ctx.when(at)?;
    let mut store = ctx.open()?;
    let (_, item) = store.execute(Some(id), command, when, &ctx.actor)?;
    say_change(&store, &item, &ctx.zone, out)
}

/// "#42 accepted, owner priya  [active with onboarding]": the item's newest line of
/// history (times in `zone`) and where it stands now.
fn say_change(
    store: &crate::storage::Store,
    item: &Item,
    zone: &crate::clock::Zone,
    out: &mut impl Write,
) -> Result<()> {
    let events = store.events(item.id)?;
    if let Some((_, line)) = crate::domain::history::narrate(&events, zone).last() {
        writeln!(
            out,
            "#{} {}  [{}]",
            item.id,
            display_safe(line),
            display_safe(&crate::domain::rules::describe_state(item))
        )?;
    }
    Ok(())
}

/// A decision about two items; prints each one's new line of history.
fn pair(
    ctx: &Context,
    id: i64,
    other: i64,
    decision: Pair,
    at: &args::At,
    out: &mut impl Write,
) -> Result<()> {
    let when = ctx.when(at)?;
    let mut store = ctx.open()?;
    for (_, item) in store.execute_pair(id, other, decision, when, &ctx.actor)? {
        say_change(&store, &item, &ctx.zone, out)?;
    }
    Ok(())
}

/// What `--escalate-after` takes to stop the ladder climbing by itself.
const NO_LADDER_WAIT: &str = "none";

fn contract_from(args: &ContractArgs) -> Result<Contract> {
    Ok(Contract {
        trigger: args.trigger.clone(),
        definition_of_done: args.done.clone(),
        outcome: args.outcome.clone(),
        owner: args.owner.clone(),
        sla: args
            .sla
            .as_deref()
            .map(Sla::parse)
            .transpose()
            .context("--sla")?,
        escalate_to: args.escalate_to.first().cloned(),
        escalate_then: args.escalate_to.iter().skip(1).cloned().collect(),
        escalate_after: match args.escalate_after.as_deref() {
            None | Some(NO_LADDER_WAIT) => None,
            Some(text) => Some(Sla::parse(text).context("--escalate-after")?),
        },
        calendar: args.calendar.clone().filter(|c| c != NO_CALENDAR),
    })
}

/// Says, before the send, when sending `id` to `to` gives the receiving team less time
/// before the item's due date than its contract promises (a `late-handoff`).
fn warn_if_late(ctx: &Context, id: i64, to: &str, at: &args::At) -> Result<()> {
    let when = ctx.at(at)?;
    let store = ctx.open()?;
    let (Ok(item), Ok(org)) = (store.item(id), store.org()) else {
        // The send itself says what is wrong.
        return Ok(());
    };
    if let Some(due) = item.due
        && let Some(late) = late_send(&org, &item.team, to, when, due, &ctx.zone)
    {
        eprintln!(
            "warning: #{id} is a late handoff: {}",
            display_safe(&late.reason)
        );
    }
    Ok(())
}

/// A person named on the command line whom the board does not know, while names it
/// knows hold what was typed: said on stderr as a likely slip (`--to Tomás` for Tomás
/// Rivera). The name is taken as typed all the same: a new person is no error.
fn warn_if_partial_name(ctx: &Context, name: Option<&str>) -> Result<()> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(());
    };
    let Ok(known) = ctx.open().and_then(|store| Ok(store.known_people()?)) else {
        // The command itself says what is wrong with the board.
        return Ok(());
    };
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    let like = crate::domain::text::owners_matching(&known, name);
    if !like.is_empty() {
        let shown: Vec<String> = like.iter().take(3).map(|n| display_safe(n)).collect();
        eprintln!(
            "warning: “{}” is not a name the board knows; did you mean {}?",
            display_safe(name),
            shown.join(" or ")
        );
    }
    Ok(())
}

/// What `--calendar` takes to count around the clock again.
const NO_CALENDAR: &str = "none";

/// A calendar's flags, read and checked before anything is written: `--tz` and
/// `--hours` replace, `--holiday` and `--ics` add.
struct CalendarChange {
    tz: Option<String>,
    hours: Vec<String>,
    holidays: Vec<chrono::NaiveDate>,
}

impl CalendarChange {
    fn read(args: &CalendarArgs) -> Result<CalendarChange> {
        let mut holidays = Vec::new();
        for day in &args.holidays {
            holidays.push(parse_holiday(day).context("--holiday")?);
        }
        if let Some(path) = &args.ics {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            holidays.extend(parse_ics(&path.display().to_string(), &text)?);
        }
        Ok(CalendarChange {
            tz: args.tz.clone(),
            hours: args.hours.clone(),
            holidays,
        })
    }

    fn apply(self, def: &mut CalendarDef) {
        if let Some(tz) = self.tz {
            def.tz = tz;
        }
        if !self.hours.is_empty() {
            def.hours = self.hours;
        }
        def.holidays.extend(self.holidays);
    }
}

fn calendar(ctx: &Context, cmd: CalendarCmd, out: &mut impl Write) -> Result<()> {
    match cmd {
        CalendarCmd::Add { name, calendar } => {
            let mut def = CalendarDef {
                name,
                tz: String::new(),
                hours: Vec::new(),
                holidays: Vec::new(),
            };
            CalendarChange::read(&calendar)?.apply(&mut def);
            if def.tz.is_empty() {
                bail!(UsageError(
                    "--tz is required: the time zone the hours are in (UTC, Europe/Berlin)"
                        .to_string()
                ));
            }
            let calendar = Calendar::from_def(def)?;
            let mut store = ctx.open()?;
            store.add_calendar(&calendar)?;
            writeln!(out, "added calendar {}", calendar.name())?;
            write!(out, "{}", output::calendar_text(&calendar))?;
            Ok(())
        }
        CalendarCmd::Edit {
            name,
            calendar,
            remove_holidays,
        } => {
            let remove = remove_holidays
                .iter()
                .map(|d| parse_holiday(d))
                .collect::<std::result::Result<Vec<_>, _>>()
                .context("--remove-holiday")?;
            let change = CalendarChange::read(&calendar)?;
            let mut store = ctx.open()?;
            let changed = store.edit_calendar(&name, |def| {
                change.apply(def);
                def.holidays.retain(|d| !remove.contains(d));
                Ok(())
            })?;
            writeln!(out, "updated calendar {}", changed.name())?;
            write!(out, "{}", output::calendar_text(&changed))?;
            Ok(())
        }
        CalendarCmd::Ls { json } => {
            let org = ctx.open()?.org()?;
            if json.json {
                writeln!(out, "{}", to_json_pretty(&org.calendars)?)?;
            } else if org.calendars.is_empty() {
                writeln!(
                    out,
                    "no calendars yet; add one with `baton calendar add NAME --tz ZONE --hours \"Mon-Fri 09:00-17:00\"`"
                )?;
            } else {
                let rows: Vec<Vec<String>> = org
                    .calendars
                    .iter()
                    .map(|c| {
                        vec![
                            c.name().to_string(),
                            c.def().tz.clone(),
                            display_safe(&c.def().hours.join("; ")),
                            crate::domain::duration::format_duration(c.day_length()),
                            c.def().holidays.len().to_string(),
                        ]
                    })
                    .collect();
                write!(
                    out,
                    "{}",
                    output::table(
                        &["CALENDAR", "ZONE", "HOURS", "WORKING DAY", "HOLIDAYS"],
                        &rows
                    )
                )?;
            }
            Ok(())
        }
        CalendarCmd::Show { name, json } => {
            let org = ctx.open()?.org()?;
            let c =
                org.calendar(&name)
                    .ok_or_else(|| crate::storage::StoreError::UnknownCalendar {
                        name: name.clone(),
                        known: org
                            .calendars
                            .iter()
                            .map(|c| c.name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?;
            if json.json {
                writeln!(out, "{}", to_json_pretty(c)?)?;
            } else {
                writeln!(out, "{}", c.name())?;
                write!(out, "{}", output::calendar_text(c))?;
                let users: Vec<String> = org
                    .boundaries
                    .iter()
                    .filter(|b| b.contract.calendar.as_deref() == Some(c.name()))
                    .map(|b| display_safe(&b.label()))
                    .collect();
                writeln!(
                    out,
                    "used by:     {}",
                    if users.is_empty() {
                        "no boundary".to_string()
                    } else {
                        users.join(", ")
                    }
                )?;
            }
            Ok(())
        }
    }
}

fn boundary(ctx: &Context, cmd: BoundaryCmd, out: &mut impl Write) -> Result<()> {
    match cmd {
        BoundaryCmd::Add { from, to, contract } => {
            let contract = contract_from(&contract)?;
            let mut store = ctx.open()?;
            let b = Boundary { from, to, contract };
            store.add_boundary(&b, When::Now(ctx.clock), &ctx.actor)?;
            writeln!(out, "added boundary {}", display_safe(&b.label()))?;
            let missing = b.contract.missing();
            if !missing.is_empty() {
                writeln!(
                    out,
                    "its contract is incomplete, missing: {}; complete it with `baton boundary edit {} {}`",
                    missing.join(", "),
                    display_safe(&b.from),
                    display_safe(&b.to)
                )?;
            }
            Ok(())
        }
        BoundaryCmd::Edit {
            from,
            to,
            contract,
            clear_done,
        } => {
            let changes = contract_from(&contract)?;
            let mut store = ctx.open()?;
            let b = store.edit_boundary(&from, &to, When::Now(ctx.clock), &ctx.actor, |c| {
                if changes.trigger.is_some() {
                    c.trigger = changes.trigger;
                }
                if clear_done {
                    c.definition_of_done.clear();
                }
                c.definition_of_done.extend(changes.definition_of_done);
                if changes.outcome.is_some() {
                    c.outcome = changes.outcome;
                }
                if changes.owner.is_some() {
                    c.owner = changes.owner;
                }
                if changes.sla.is_some() {
                    c.sla = changes.sla;
                }
                if let Some(name) = &contract.calendar {
                    c.calendar = (name != NO_CALENDAR).then(|| name.clone());
                }
                if changes.escalate_to.is_some() {
                    c.escalate_to = changes.escalate_to;
                    c.escalate_then = changes.escalate_then;
                }
                if contract.escalate_after.is_some() {
                    c.escalate_after = changes.escalate_after;
                }
            })?;
            writeln!(out, "updated {}", display_safe(&b.label()))?;
            write!(out, "{}", output::contract_text(&b))?;
            let missing = b.contract.missing();
            if !missing.is_empty() {
                writeln!(out, "incomplete contract: missing {}", missing.join(", "))?;
            }
            Ok(())
        }
        BoundaryCmd::Ls { json } => {
            let store = ctx.open()?;
            let org = store.org()?;
            if json.json {
                #[derive(serde::Serialize)]
                struct View<'a> {
                    #[serde(flatten)]
                    boundary: &'a Boundary,
                    complete: bool,
                    missing: Vec<&'static str>,
                }
                let views: Vec<View> = org
                    .boundaries
                    .iter()
                    .map(|b| View {
                        boundary: b,
                        complete: b.contract.is_complete(),
                        missing: b.contract.missing(),
                    })
                    .collect();
                writeln!(out, "{}", to_json_pretty(&views)?)?;
            } else if org.boundaries.is_empty() {
                writeln!(
                    out,
                    "no boundaries yet; add one with `baton boundary add FROM TO`"
                )?;
            } else {
                let open = store.open_items()?;
                let rows: Vec<Vec<String>> = org
                    .boundaries
                    .iter()
                    .map(|b| {
                        let waiting = open
                            .iter()
                            .filter(|i| i.boundary() == Some((b.from.as_str(), b.to.as_str())))
                            .count();
                        vec![
                            display_safe(&b.label()),
                            match (b.contract.sla, &b.contract.calendar) {
                                (Some(sla), Some(calendar)) => {
                                    format!("{} ({})", sla.text(), display_safe(calendar))
                                }
                                _ => b.contract.sla().map_or(
                                    "—".to_string(),
                                    crate::domain::duration::format_duration,
                                ),
                            },
                            b.contract
                                .owner
                                .as_deref()
                                .map_or("—".to_string(), display_safe),
                            waiting.to_string(),
                            crate::domain::view::incomplete_note(&b.contract)
                                .unwrap_or_else(|| "complete".to_string()),
                        ]
                    })
                    .collect();
                write!(
                    out,
                    "{}",
                    output::table(
                        &["BOUNDARY", "SLA", "NEXT OWNER", "IN LIMBO", "CONTRACT"],
                        &rows
                    )
                )?;
            }
            Ok(())
        }
        BoundaryCmd::Show { from, to, json } => {
            let store = ctx.open()?;
            let org = store.org()?;
            let b = org
                .boundary(&from, &to)
                .ok_or(crate::storage::StoreError::UnknownBoundary(from, to))?;
            let waiting: Vec<Item> = store
                .items(&ItemFilter {
                    states: vec![State::Limbo],
                    team: Some(b.from.clone()),
                    ..ItemFilter::default()
                })?
                .into_iter()
                .filter(|i| i.boundary() == Some((b.from.as_str(), b.to.as_str())))
                .collect();
            if json.json {
                #[derive(serde::Serialize)]
                struct View<'a> {
                    #[serde(flatten)]
                    boundary: &'a Boundary,
                    missing: Vec<&'static str>,
                    in_limbo: Vec<output::ItemView<'a>>,
                    history: Vec<Change<'a>>,
                }
                #[derive(serde::Serialize)]
                struct Change<'a> {
                    at: DateTime<Utc>,
                    actor: &'a str,
                    changes: Vec<String>,
                }
                let view = View {
                    history: org
                        .changes_of(&b.from, &b.to)
                        .into_iter()
                        .map(|c| Change {
                            at: c.at,
                            actor: &c.actor,
                            changes: c.changes(),
                        })
                        .collect(),
                    boundary: b,
                    missing: b.contract.missing(),
                    in_limbo: waiting
                        .iter()
                        .map(|i| item_view(i, &org, ctx.now))
                        .collect(),
                };
                writeln!(out, "{}", to_json_pretty(&view)?)?;
            } else {
                writeln!(out, "{}", display_safe(&b.label()))?;
                write!(out, "{}", output::contract_text(b))?;
                let missing = b.contract.missing();
                if !missing.is_empty() {
                    writeln!(out, "incomplete contract: missing {}", missing.join(", "))?;
                }
                writeln!(out, "\nin limbo ({}):", waiting.len())?;
                if !waiting.is_empty() {
                    write!(out, "{}", items_text(&waiting, &org, ctx.now))?;
                }
                let history = org.changes_of(&b.from, &b.to);
                if !history.is_empty() {
                    writeln!(out, "\ncontract history:")?;
                    for change in history {
                        writeln!(
                            out,
                            "  {}  {}  {}",
                            ctx.zone.show(change.at),
                            display_safe(&change.actor),
                            display_safe(&change.changes().join("; "))
                        )?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// `baton config show`: each setting, its value and where it came from.
fn config_show(ctx: &Context, db_given: bool, json: bool, out: &mut impl Write) -> Result<()> {
    let c = &ctx.config.config;
    let from_file = |set: bool| if set { "config file" } else { "default" };
    let actor_from = if std::env::var("BATON_ACTOR").is_ok_and(|v| !v.trim().is_empty()) {
        "environment (BATON_ACTOR)"
    } else if c.actor.as_ref().is_some_and(|a| !a.trim().is_empty()) {
        "config file"
    } else {
        "default ($USER)"
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = c.theme.unwrap_or_default();
    let rows: Vec<(&str, String, &str)> = vec![
        (
            "db",
            ctx.db.display(),
            if db_given {
                "flag or environment (--db, BATON_DB)"
            } else {
                from_file(c.db.is_some())
            },
        ),
        ("actor", ctx.actor.clone(), actor_from),
        (
            "theme",
            if no_color {
                format!("{} (no colour: NO_COLOR is set)", theme.as_str())
            } else {
                theme.as_str().to_string()
            },
            from_file(c.theme.is_some()),
        ),
        (
            "mouse",
            format!(
                "{} (the board has no mouse support yet)",
                if c.mouse.unwrap_or(true) { "on" } else { "off" }
            ),
            from_file(c.mouse.is_some()),
        ),
    ];
    let file = ctx.config.from.as_ref().map(|p| p.display().to_string());
    if json {
        let settings: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(key, value, from)| {
                (
                    key.to_string(),
                    serde_json::json!({ "value": value, "from": from }),
                )
            })
            .collect();
        let view = serde_json::json!({ "file": file, "settings": settings });
        writeln!(out, "{}", to_json_pretty(&view)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "config file: {}",
        file.map_or_else(
            || "none (see `baton config path`)".to_string(),
            |f| display_safe(&f)
        )
    )?;
    for (key, value, from) in rows {
        writeln!(out, "{key:<7} {}  [{from}]", display_safe(&value))?;
    }
    Ok(())
}

fn access(ctx: &Context, cmd: AccessCmd, out: &mut impl Write) -> Result<()> {
    let mut store = ctx.open()?;
    let (change, json) = match cmd {
        AccessCmd::Grant { role } => (Access::Grant(role), false),
        AccessCmd::Revoke { role } => (Access::Revoke(role), false),
        AccessCmd::Ls { json } => (Access::List, json.json),
    };
    let said = match &change {
        Access::Grant(role) => Some(format!("admitted {role}")),
        Access::Revoke(role) => Some(format!("removed {role}")),
        Access::List => None,
    };
    let members = store.access(change)?;
    if json {
        let view = serde_json::json!({
            "owner": members.owner,
            "group": members.group,
            "writers": members.writers,
        });
        writeln!(out, "{}", to_json_pretty(&view)?)?;
        return Ok(());
    }
    if let Some(said) = said {
        writeln!(out, "{}", display_safe(&said))?;
    }
    writeln!(out, "owner    {}", display_safe(&members.owner))?;
    let writers: Vec<String> = members.writers.iter().map(|w| display_safe(w)).collect();
    writeln!(
        out,
        "writers  {}",
        if writers.is_empty() {
            "none yet; admit a role with `baton access grant ROLE`".to_string()
        } else {
            writers.join(", ")
        }
    )?;
    writeln!(
        out,
        "(members of the database role {})",
        display_safe(&members.group)
    )?;
    Ok(())
}

fn snapshot(ctx: &Context, cmd: SnapshotCmd, out: &mut impl Write) -> Result<()> {
    match cmd {
        SnapshotCmd::Save { label, period } => {
            let mut store = ctx.open()?;
            // A label given is refused when in use; the default is numbered instead.
            let (label, in_use) = match label.filter(|l| !l.trim().is_empty()) {
                Some(label) => (label, LabelInUse::Refused),
                None => (
                    format!("snapshot {}", ctx.zone.day(ctx.now)),
                    LabelInUse::Numbered,
                ),
            };
            let snap = store.take_snapshot(&label, ctx.period(&period)?, &ctx.zone)?;
            let (items, in_limbo, breached) = (
                snap.items.len(),
                snap.metrics.overall.in_limbo_now,
                snap.items.iter().filter(|r| r.breached).count(),
            );
            let (id, label) = store.save_snapshot(snap, in_use)?;
            writeln!(
                out,
                "saved snapshot {id} “{}”: {items} items, {in_limbo} in limbo, {breached} breached",
                display_safe(&label),
            )?;
            Ok(())
        }
        SnapshotCmd::Ls { json } => {
            let store = ctx.open()?;
            let list = store.snapshots()?;
            if json.json {
                #[derive(serde::Serialize)]
                struct Row<'a> {
                    id: i64,
                    label: &'a str,
                    taken_at: DateTime<Utc>,
                }
                let rows: Vec<Row> = list
                    .iter()
                    .map(|(id, label, taken_at)| Row {
                        id: *id,
                        label,
                        taken_at: *taken_at,
                    })
                    .collect();
                writeln!(out, "{}", to_json_pretty(&rows)?)?;
            } else if list.is_empty() {
                writeln!(
                    out,
                    "no snapshots yet; save one with `baton snapshot save --label NAME`"
                )?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|(id, label, at)| {
                        vec![id.to_string(), ctx.zone.show(*at), display_safe(label)]
                    })
                    .collect();
                write!(out, "{}", output::table(&["ID", "TAKEN", "LABEL"], &rows))?;
            }
            Ok(())
        }
        SnapshotCmd::Show { snapshot, json } => {
            let store = ctx.open()?;
            let snap = store.snapshot(&snapshot)?;
            if json.json {
                writeln!(out, "{}", to_json_pretty(&snap)?)?;
            } else {
                writeln!(
                    out,
                    "snapshot “{}”, taken {}",
                    display_safe(&snap.label),
                    ctx.zone.show(snap.taken_at)
                )?;
                write!(out, "{}", output::stats_text(&snap.metrics, &ctx.zone))?;
                if let Some(standup) = &snap.standup {
                    writeln!(out)?;
                    let text = crate::export::standup::section(standup, &ctx.zone);
                    write!(out, "{text}")?;
                }
            }
            Ok(())
        }
        SnapshotCmd::Diff { a, b, json } => {
            let store = ctx.open()?;
            let first = store.snapshot(&a)?;
            let second = match &b {
                Some(key) => store.snapshot(key)?,
                None => store.take_snapshot(
                    "now",
                    Period::to_now(first.metrics.period.since, ctx.now),
                    &ctx.zone,
                )?,
            };
            let diff = crate::domain::snapshot::diff(&first, &second);
            if json.json {
                writeln!(out, "{}", to_json_pretty(&diff)?)?;
            } else {
                write!(out, "{}", output::diff_text(&diff))?;
            }
            Ok(())
        }
    }
}
