//! The app harness: the demo organisation in a temporary database, shifted to
//! [`NOW`](super::NOW), an [`App`] on it (in UTC), keys pressed into it, and its screen
//! as text.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

use baton::cli::{demo_document, import_document};
use baton::storage::Store;
use baton::tui::app::{App, Clock, Zone};
use baton::ui::theme::Theme;

pub fn now() -> DateTime<Utc> {
    super::NOW.parse().expect("a valid time")
}

pub fn db_path(dir: &TempDir) -> PathBuf {
    dir.path().join("board.db")
}

/// A fresh database holding the demo organisation, shifted to [`now`].
pub fn demo_db() -> TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut store = Store::open_or_create(&db_path(&dir)).expect("a new store");
    let doc = demo_document(now()).expect("the demo document");
    import_document(&mut store, doc, false).expect("the demo imports");
    dir
}

/// The board on `dir`'s demo, "now" fixed at [`now`], times read and shown in UTC (the
/// binary uses the local zone; a test process cannot set its own `TZ`).
pub fn open_app(dir: &TempDir, size: (u16, u16)) -> App {
    let store = Store::open(&db_path(dir)).expect("the store opens");
    let mut app =
        App::new(store, Clock::Fixed(now()), "tester".to_string(), size).expect("the board loads");
    app.zone = Zone::utc();
    app
}

pub fn demo_app(size: (u16, u16)) -> (TempDir, App) {
    let dir = demo_db();
    let app = open_app(&dir, size);
    (dir, app)
}

pub fn key_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.handle_key(KeyEvent::new(code, modifiers))
        .expect("the key is handled");
}

pub fn key(app: &mut App, code: KeyCode) {
    key_with(app, code, KeyModifiers::NONE);
}

pub fn press(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, c);
    }
}

/// The screen as text, with the database's temporary path (right end of the title
/// line, possibly cut to `…tail`) replaced by a stable marker.
pub fn screen(app: &App) -> String {
    let text = baton::tui::print(app, &Theme::PLAIN);
    mask_path(&text, &app.store.place())
}

pub fn mask_path(text: &str, path: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if let Some(title) = lines.first_mut() {
        let cut = if title.ends_with(&path) {
            Some(title.len() - path.len())
        } else {
            title
                .rfind('…')
                .filter(|&i| path.ends_with(&title[i + '…'.len_utf8()..]))
        };
        if let Some(i) = cut {
            *title = format!("{}  [db]", title[..i].trim_end());
        }
    }
    lines.join("\n") + "\n"
}

/// The sizes every screen is snapshotted at.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// Snapshots the demo board after `setup` at each of [`SIZES`], as `NAME_WxH`. A macro,
/// so that insta files the snapshots under the test file that calls it. (Test crates that
/// do not snapshot screens leave it unused, as with the rest of `common`.)
#[allow(unused_macros)]
macro_rules! snapshot_at_sizes {
    ($name:expr, $setup:expr) => {
        for (w, h) in crate::common::app::SIZES {
            let (_dir, mut app) = crate::common::app::demo_app((w, h));
            let setup: &dyn Fn(&mut baton::tui::app::App) = &$setup;
            setup(&mut app);
            insta::assert_snapshot!(
                format!("{}_{w}x{h}", $name),
                crate::common::app::screen(&app)
            );
        }
    };
}
#[allow(unused_imports)]
pub(crate) use snapshot_at_sizes;
