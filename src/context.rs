//! What the command line and the board both need, below both: where the board lives,
//! what time it is and who is acting; the demo organisation; importing a board document;
//! writing a file whole or not at all.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};

use crate::clock::{Clock, Zone};
use crate::config::Loaded;
use crate::domain::time::{parse_time, whole_seconds};
use crate::export::json::BoardDocument;
use crate::storage::{Location, Store, When};

/// The sample organisation, shipped inside the binary.
pub const DEMO: &str = include_str!("../assets/demo.json");

/// What every command needs to know about its surroundings.
pub struct Context {
    /// Where the board lives: a SQLite file, or a PostgreSQL URL (team mode).
    pub db: Location,
    pub now: DateTime<Utc>,
    /// Where "now" comes from: fixed by `BATON_NOW`, or the system clock.
    pub clock: Clock,
    /// The zone times are read and shown in (the rule: [`Zone::default`]).
    pub zone: Zone,
    /// Who is acting, as the process says (`BATON_ACTOR`, the config file, `$USER`);
    /// in team mode the database role is recorded instead.
    pub actor: String,
    /// The config file's settings as read (defaults when there is none).
    pub config: Loaded,
}

impl Context {
    pub fn from_env(db: Option<String>) -> Result<Context> {
        let zone = Zone::default();
        let (now, clock) = match std::env::var("BATON_NOW") {
            Ok(text) if !text.trim().is_empty() => {
                let now = parse_time(&text, &zone).context("BATON_NOW")?;
                (now, Clock::Fixed(now))
            }
            _ => (whole_seconds(Utc::now()), Clock::System),
        };
        let config = match crate::config::path() {
            Some(path) => crate::config::load(&path)?,
            None => Loaded::default(),
        };
        let set = |v: &String| !v.trim().is_empty();
        // Flag or environment, then the config file, then the default.
        let actor = std::env::var("BATON_ACTOR")
            .ok()
            .filter(set)
            .or_else(|| config.config.actor.clone().filter(set))
            .or_else(|| {
                ["USER", "USERNAME"]
                    .iter()
                    .find_map(|k| std::env::var(k).ok().filter(set))
            })
            .unwrap_or_else(|| "someone".to_string());
        let db = db
            .filter(set)
            .or_else(|| config.config.db.clone().filter(set))
            .map_or_else(|| Location::Sqlite(default_db()), |d| Location::parse(&d));
        Ok(Context {
            db,
            now,
            clock,
            zone,
            actor,
            config,
        })
    }

    /// Opens the board, which must exist.
    pub fn open(&self) -> Result<Store> {
        Ok(Store::connect(&self.db)?)
    }

    /// Opens the board, creating it when there is none (`init`, `import`).
    pub fn create(&self) -> Result<Store> {
        Ok(Store::create(&self.db)?)
    }

    /// A change happening now, timed once the write lock is held.
    pub fn now_when(&self) -> When {
        When::Now(self.clock)
    }
}

/// `baton.db` in the platform data directory.
pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("", "", "baton")
        .map(|d| d.data_dir().join("baton.db"))
        .unwrap_or_else(|| PathBuf::from("baton.db"))
}

/// The demo document, shifted so that its "now" is `now`.
pub fn demo_document(now: DateTime<Utc>) -> Result<BoardDocument> {
    let mut doc = BoardDocument::parse(DEMO).context("the built-in demo")?;
    if let Some(as_of) = doc.as_of {
        doc.shift(now.signed_duration_since(as_of));
    }
    Ok(doc)
}

/// Imports a document into `store` through the domain rules.
pub fn import_document(store: &mut Store, doc: BoardDocument, replace: bool) -> Result<usize> {
    let (org, items) = doc.into_checked()?;
    store.replace_board(&org, &items, replace)?;
    Ok(items.len())
}

/// Writes a file whole or not at all: to a temporary file beside it, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |w| Ok(w.write_all(bytes)?))
}

/// Like [`write_atomically`], for content written bit by bit.
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = || format!("cannot write {}", path.display());
    // The file gets the mode any new file would (0666 less the umask), or keeps the
    // mode of the file it replaces; not the private 0600 of a temporary file.
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666));
    let tmp = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        // tempfile's error names the temporary file it tried, which the user never
        // heard of: the folder's own error, or else the kind of failure, says it.
        .map_err(|e| {
            std::fs::metadata(dir)
                .err()
                .unwrap_or_else(|| e.kind().into())
        })
        .with_context(cannot)?;
    let mut buffered = std::io::BufWriter::new(tmp);
    fill(&mut buffered)?;
    let tmp = buffered
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(cannot)?;
    if std::fs::metadata(path).is_ok() {
        tmp.as_file().set_permissions(mode).with_context(cannot)?;
    }
    tmp.as_file().sync_all().with_context(cannot)?;
    tmp.persist(path).with_context(cannot)?;
    Ok(())
}
