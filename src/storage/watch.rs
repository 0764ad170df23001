//! `baton watch`'s memory, on both backends: automatic escalations recorded, what it has
//! read of each item's events (`watch_cursor`), and every notification with its
//! deliveries (`notifications`, the outbox). All of a tick's bookkeeping happens in one
//! write transaction, under the store's write lock, so several watchers on one database
//! never hand on the same notification twice.

use chrono::{DateTime, Duration, Utc};

use super::sql::{Sql, Value, rows, scalar};
use super::{
    ItemFilter, Result, Store, insert_event, json, load_events, load_items, load_org, write_item,
};
use crate::domain::ladder::{DueLevel, due_levels, level_times};
use crate::domain::notify::{Notice, event_notices, standing_notice};
use crate::domain::rules::apply;
use crate::domain::{Event, EventKind, Item, ItemId, Org, State};

/// The actor automatic escalations are recorded by.
pub const WATCH_ACTOR: &str = "baton";
/// The setting that says `baton watch` has run on this database: from then on every
/// new event is read; before it, history is not replayed as notifications.
const STARTED: &str = "watch.started";
/// Attempts at delivering a notification before it is given up (and listed by
/// `baton watch --failed`).
pub const MAX_ATTEMPTS: i64 = 5;

/// The wait before attempt `n + 1` after `n` failed ones: 30s, 2m, 8m, 32m.
pub fn backoff(failed: i64) -> Duration {
    Duration::seconds(30 * 4_i64.pow(failed.clamp(1, 6) as u32 - 1))
}

/// A notification claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub key: String,
    pub item: ItemId,
    pub code: String,
    /// The JSON object handed on.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// A notification given up after [`MAX_ATTEMPTS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub key: String,
    pub payload: String,
    pub attempts: i64,
    pub failed_at: DateTime<Utc>,
    pub error: String,
}

/// What one tick did.
#[derive(Debug, Default)]
pub struct Tick {
    /// Automatic escalations recorded: the item and the level.
    pub escalated: Vec<(ItemId, DueLevel)>,
    /// New notifications remembered.
    pub new: usize,
    /// Notifications this watcher now holds, to deliver.
    pub claimed: Vec<Delivery>,
}

impl Store {
    /// One tick of `baton watch` at `now`: records due automatic escalations (by
    /// `baton`), remembers the notifications raised since the last tick, and claims
    /// those due for delivery for `watcher` until `now + lease`. One write transaction.
    pub fn watch_tick(
        &mut self,
        now: DateTime<Utc>,
        watcher: &str,
        lease: Duration,
    ) -> Result<Tick> {
        self.write(|tx| {
            let mut tick = Tick::default();
            if scalar(
                tx,
                "SELECT COUNT(*) FROM settings WHERE key = ?1",
                &[STARTED.into()],
            )? == 0
            {
                // The first watch on this database: what happened before is history.
                tx.execute(
                    "INSERT INTO watch_cursor (item_id, seq) SELECT id, events FROM items",
                    &[],
                )?;
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    &[STARTED.into(), now.to_rfc3339().into()],
                )?;
            }
            let org = load_org(tx)?;
            // Items in limbo, read once: due escalations are recorded on them, then their
            // standing against the SLA is judged as they are after that.
            let mut limbo = load_items(
                tx,
                &ItemFilter {
                    states: vec![State::Limbo],
                    ..ItemFilter::default()
                },
            )?;
            tick.escalated = record_due(tx, &org, &mut limbo, now)?;
            let mut notices: Vec<Notice> = Vec::new();
            // New events, item by item.
            let behind = rows(
                tx,
                "SELECT i.id, COALESCE(c.seq, -1) FROM items i
                 LEFT JOIN watch_cursor c ON c.item_id = i.id
                 WHERE c.seq IS NULL OR i.events > c.seq",
                &[],
                |r| Ok((r.req_int(0)?, r.req_int(1)?)),
            )?;
            for chunk in behind.chunks(500) {
                let ids: Vec<ItemId> = chunk.iter().map(|(id, _)| *id).collect();
                let items = load_items(
                    tx,
                    &ItemFilter {
                        ids: Some(ids),
                        ..ItemFilter::default()
                    },
                )?;
                for item in items {
                    let seen = chunk
                        .iter()
                        .find(|(id, _)| *id == item.id)
                        .map_or(0, |c| c.1);
                    let events = load_events(tx, item.id)?;
                    let new: Vec<Event> = events
                        .into_iter()
                        .filter(|e| i64::from(e.seq) > seen.max(0))
                        .collect();
                    notices.extend(event_notices(&item, &new, &org));
                    let values = [item.id.into(), Value::from(i64::from(item.events))];
                    if seen < 0 {
                        tx.execute(
                            "INSERT INTO watch_cursor (item_id, seq) VALUES (?1, ?2)",
                            &values,
                        )?;
                    } else {
                        tx.execute(
                            "UPDATE watch_cursor SET seq = ?2 WHERE item_id = ?1",
                            &values,
                        )?;
                    }
                }
            }
            // Where items in limbo stand against their SLAs now.
            notices.extend(
                limbo
                    .iter()
                    .filter_map(|item| standing_notice(item, &org, now)),
            );
            for n in &notices {
                tick.new += tx.execute(
                    "INSERT INTO notifications (key, item_id, code, payload, created_at, next_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (key) DO NOTHING",
                    &[
                        (&n.key).into(),
                        n.item.into(),
                        n.code.into(),
                        json(n)?.into(),
                        now.into(),
                    ],
                )? as usize;
            }
            tick.claimed = rows(
                tx,
                "SELECT id, key, item_id, code, payload, attempts FROM notifications
                 WHERE delivered_at IS NULL AND failed_at IS NULL AND next_at <= ?1
                   AND (claimed_until IS NULL OR claimed_until <= ?1)
                 ORDER BY id",
                &[now.into()],
                |r| {
                    Ok(Delivery {
                        id: r.req_int(0)?,
                        key: r.req_text(1)?,
                        item: r.req_int(2)?,
                        code: r.req_text(3)?,
                        payload: r.req_text(4)?,
                        attempts: r.req_int(5)?,
                    })
                },
            )?;
            for d in &tick.claimed {
                tx.execute(
                    "UPDATE notifications SET claimed_by = ?2, claimed_until = ?3 WHERE id = ?1",
                    &[d.id.into(), watcher.into(), (now + lease).into()],
                )?;
            }
            Ok(tick)
        })
    }

    /// Records that `deliveries` were handed on at `now`, in one transaction.
    pub fn delivered(&mut self, deliveries: &[&Delivery], now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            for delivery in deliveries {
                tx.execute(
                    "UPDATE notifications SET delivered_at = ?2, attempts = attempts + 1,
                        claimed_by = NULL, claimed_until = NULL, last_error = NULL
                     WHERE id = ?1",
                    &[delivery.id.into(), now.into()],
                )?;
            }
            Ok(())
        })
    }

    /// Records a failed attempt at `delivery`: retried after [`backoff`], or given up
    /// after [`MAX_ATTEMPTS`]. Returns when it will be tried again (`None`: given up).
    pub fn delivery_failed(
        &mut self,
        delivery: &Delivery,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let attempts = delivery.attempts + 1;
        let retry = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
        self.write(|tx| {
            tx.execute(
                "UPDATE notifications SET attempts = ?2, last_error = ?3, next_at = ?4,
                    failed_at = ?5, claimed_by = NULL, claimed_until = NULL
                 WHERE id = ?1",
                &[
                    delivery.id.into(),
                    attempts.into(),
                    error.into(),
                    retry.unwrap_or(now).into(),
                    match retry {
                        Some(_) => Value::Int(None),
                        None => now.into(),
                    },
                ],
            )?;
            Ok(())
        })?;
        Ok(retry)
    }

    /// Gives back claims a watcher will not deliver (it is stopping).
    pub fn release(&mut self, deliveries: &[&Delivery]) -> Result<()> {
        self.write(|tx| {
            for d in deliveries {
                tx.execute(
                    "UPDATE notifications SET claimed_by = NULL, claimed_until = NULL WHERE id = ?1",
                    &[d.id.into()],
                )?;
            }
            Ok(())
        })
    }

    /// Notifications given up, oldest first.
    pub fn failed_notifications(&self) -> Result<Vec<Failed>> {
        self.read(|tx| {
            rows(
                tx,
                "SELECT key, payload, attempts, failed_at, COALESCE(last_error, '')
                 FROM notifications WHERE failed_at IS NOT NULL ORDER BY failed_at, id",
                &[],
                |r| {
                    Ok(Failed {
                        key: r.req_text(0)?,
                        payload: r.req_text(1)?,
                        attempts: r.req_int(2)?,
                        failed_at: r.req_time(3)?,
                        error: r.req_text(4)?,
                    })
                },
            )
        })
    }

    /// Puts notifications given up back in line, to be tried again from `now`; how many.
    pub fn retry_failed(&mut self, now: DateTime<Utc>) -> Result<usize> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE notifications SET failed_at = NULL, attempts = 0, next_at = ?1
                 WHERE failed_at IS NOT NULL",
                &[now.into()],
            )? as usize)
        })
    }
}

/// Records every due level of every ladder on the items in `limbo`, each at the time it
/// fell due (never before the item's last event), by [`WATCH_ACTOR`]; `limbo` is left
/// holding the items as escalated.
fn record_due(
    tx: &mut dyn Sql,
    org: &Org,
    limbo: &mut [Item],
    now: DateTime<Utc>,
) -> Result<Vec<(ItemId, DueLevel)>> {
    if !org
        .boundaries
        .iter()
        .any(|b| b.contract.escalate_after.is_some())
        && !org
            .contract_history
            .iter()
            .any(|c| c.after.escalate_after.is_some())
    {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for item in limbo {
        let Some((from, to)) = item.boundary() else {
            continue;
        };
        let sent = item.limbo.as_ref().map(|l| l.sent_at).unwrap_or(now);
        if level_times(org, from, to, sent)
            .first()
            .is_none_or(|l| l.at > now)
        {
            continue;
        }
        let label = crate::domain::view::crossing(from, to);
        let events = load_events(tx, item.id)?;
        for level in due_levels(item, &events, org, now) {
            let event = Event {
                seq: item.events + 1,
                at: level.at.max(item.updated_at),
                actor: WATCH_ACTOR.to_string(),
                kind: EventKind::Escalated {
                    to: Some(level.contact.clone()),
                    note: Some(level.note(&label)),
                },
            };
            *item = apply(Some(item), item.id, org, &event)?;
            write_item(tx, item)?;
            insert_event(tx, item.id, &event)?;
            out.push((item.id, level));
        }
    }
    Ok(out)
}

/// Forgets what watch has read of the items (their board is being replaced): the next
/// tick starts from the present, as the first watch on a database does.
pub(super) fn forget_cursor(tx: &mut dyn Sql) -> Result<()> {
    tx.execute("DELETE FROM watch_cursor", &[])?;
    tx.execute("DELETE FROM settings WHERE key = ?1", &[STARTED.into()])?;
    Ok(())
}
