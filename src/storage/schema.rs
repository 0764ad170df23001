//! The schema, as numbered migrations. Migrations are only ever added, never edited:
//! a released database must open with every later Baton.

use rusqlite_migration::{M, Migrations};

/// Marks a SQLite file as Baton's (`PRAGMA application_id`, "BATN").
pub const APPLICATION_ID: i32 = 0x4241_544E;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE teams (
            key TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            lead TEXT,
            position INTEGER NOT NULL
        );
        CREATE TABLE boundaries (
            from_team TEXT NOT NULL REFERENCES teams(key),
            to_team TEXT NOT NULL REFERENCES teams(key),
            trigger TEXT,
            definition_of_done TEXT NOT NULL DEFAULT '[]',
            outcome TEXT,
            owner TEXT,
            sla_minutes INTEGER,
            escalate_to TEXT,
            position INTEGER NOT NULL,
            PRIMARY KEY (from_team, to_team)
        );
        -- The current state of each item, kept in step with its events in the same
        -- transaction; the events are the record, this is the view read by ls and the board.
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            body TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            due INTEGER,
            team TEXT NOT NULL REFERENCES teams(key),
            owner TEXT,
            state TEXT NOT NULL CHECK (state IN ('active', 'limbo', 'done', 'dropped')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            limbo_to TEXT REFERENCES teams(key),
            sent_at INTEGER,
            limbo_note TEXT,
            unticked TEXT NOT NULL DEFAULT '[]',
            sender_owner TEXT,
            escalated_at INTEGER,
            escalated_to TEXT,
            incomplete_handoff TEXT NOT NULL DEFAULT '[]',
            bounces INTEGER NOT NULL DEFAULT 0,
            flags INTEGER NOT NULL DEFAULT 0,
            events INTEGER NOT NULL
        );
        CREATE INDEX items_state_team ON items(state, team);
        CREATE TABLE events (
            item_id INTEGER NOT NULL REFERENCES items(id),
            seq INTEGER NOT NULL,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (item_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX events_at ON events(at);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );",
        ),
        M::up("ALTER TABLE items ADD COLUMN snoozed_until INTEGER;"),
        M::up(
            "CREATE TABLE snapshots (
                id INTEGER PRIMARY KEY,
                label TEXT NOT NULL,
                taken_at INTEGER NOT NULL,
                document TEXT NOT NULL
            );",
        ),
        M::up("ALTER TABLE items ADD COLUMN arrived_from TEXT;"),
        // The board counts each column, and each limbo column's breaches, from this.
        M::up(
            "CREATE INDEX items_place ON items(state, team, limbo_to, sent_at, owner IS NOT NULL);",
        ),
        // Where an item is tracked outside Baton, and its key there (re-imports match it).
        M::up(
            "ALTER TABLE items ADD COLUMN link TEXT;
             ALTER TABLE items ADD COLUMN external_key TEXT;
             CREATE INDEX items_external_key ON items(external_key) WHERE external_key IS NOT NULL;",
        ),
        // Closing signals: a merged duplicate names its item; dismissed signals (JSON).
        M::up(
            "ALTER TABLE items ADD COLUMN merged_into INTEGER;
             ALTER TABLE items ADD COLUMN dismissed TEXT NOT NULL DEFAULT '[]';",
        ),
        // The board's column counts, owned or not, read from the index alone (owner
        // itself, not `owner IS NOT NULL`, makes the index cover the count).
        M::up("CREATE INDEX items_groups ON items(state, team, limbo_to, owner);"),
        // Working calendars (their definition as JSON), and the calendar a contract's
        // SLA counts in, with the SLA as typed (a day is a working day with a calendar).
        M::up(
            "CREATE TABLE calendars (
                name TEXT PRIMARY KEY NOT NULL,
                definition TEXT NOT NULL,
                position INTEGER NOT NULL
             );
             ALTER TABLE boundaries ADD COLUMN calendar TEXT;
             ALTER TABLE boundaries ADD COLUMN sla TEXT;",
        ),
        // Every change to a contract, with the contract before and after (JSON): a spell
        // is judged by the contract in force when its item was sent.
        M::up(
            "CREATE TABLE contract_changes (
                id INTEGER PRIMARY KEY,
                from_team TEXT NOT NULL,
                to_team TEXT NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                before TEXT,
                after TEXT NOT NULL
             );",
        ),
        // 11: escalation ladders (the levels after the first, JSON, and how long past a
        // breach each waits), and `baton watch`'s memory: what it has read of each item's
        // events and every notification with its deliveries.
        M::up(
            "ALTER TABLE boundaries ADD COLUMN escalate_then TEXT;
             ALTER TABLE boundaries ADD COLUMN escalate_after TEXT;
             CREATE TABLE watch_cursor (
                item_id INTEGER PRIMARY KEY NOT NULL,
                seq INTEGER NOT NULL
             );
             CREATE TABLE notifications (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                item_id INTEGER NOT NULL,
                code TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_at INTEGER NOT NULL,
                claimed_by TEXT,
                claimed_until INTEGER,
                delivered_at INTEGER,
                failed_at INTEGER,
                last_error TEXT
             );
             CREATE INDEX notifications_pending ON notifications(next_at)
                WHERE delivered_at IS NULL AND failed_at IS NULL;",
        ),
        // 12: the people items name, found one name at a time from an index rather
        // than by reading every item (the first key in a person field).
        M::up(
            "CREATE INDEX items_owner ON items(owner) WHERE owner IS NOT NULL;
             CREATE INDEX items_escalated_to ON items(escalated_to) WHERE escalated_to IS NOT NULL;",
        ),
        // 13: the items of a state past their due date, or escalated longest ago, found
        // from an index (the board's overview names the worst held ones).
        M::up(
            "CREATE INDEX items_state_due ON items(state, due);
             CREATE INDEX items_state_escalated ON items(state, escalated_at);",
        ),
    ])
}

/// The schema version this Baton writes.
pub fn latest_version() -> usize {
    13
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }

    #[test]
    fn latest_version_counts_every_migration() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("memory db");
        super::migrations().to_latest(&mut conn).expect("migrate");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, super::latest_version() as i64);
    }
}
