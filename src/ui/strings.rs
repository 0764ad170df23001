//! The words on screen that are not data, in one place.

pub const APP: &str = "Baton";
pub const TOO_SMALL: &str = "Terminal too small for the board";
pub const EMPTY_BOARD: &str =
    "No teams yet. Add some from the shell: baton team add KEY, then baton boundary add FROM TO.";
pub const EMPTY_COLUMN: &str = "—";
pub const CLOSED_COLUMN: &str = "done & dropped";
pub const FORM_KEYS: &str =
    "tab next field · ↑↓ move · ←→ choose · space tick · a tick all · enter submit · esc cancel";
pub const FILTER_HELP: &str = "words match title and body; team:KEY owner:NAME tag:TAG signal:CODE narrow further (owner:\"Ann Lee\")";
pub const SCROLL_KEYS: &str = "↑↓ PgUp PgDn scroll · esc back · ? help · q quit";
pub const SEND_INCOMPLETE: &str = "Enter again sends it as an incomplete handoff; Esc goes back.";
pub const SUMMARY_NEEDS_FILE: &str = "name the file to write the summary to";
pub const DETAIL_KEYS: &str = "↑↓ scroll · s send · a accept · b bounce · r reclaim · e escalate · o owner · N note · d done · esc back";
