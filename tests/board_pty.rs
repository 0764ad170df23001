//! The board end to end through a pseudo-terminal: the mouse (a click selects a card,
//! a double click opens it, the wheel moves), `--no-mouse` and the config leaving the
//! mouse to the terminal, SIGTERM and SIGHUP giving the terminal back, a terminal that
//! hangs up ending the board, and `baton demo`
//! kept in the database `--db` names or thrown away; `board --print` run from a terminal
//! into a file.

mod common;

use std::time::Duration;

use common::{Session, Terminal, assert_terminal_restored, baton};

const SIZE: (u16, u16) = (160, 48);

/// An SGR mouse report: `button` pressed (`M`) or released (`m`) at a 0-based cell.
fn mouse(term: &mut Terminal, button: u8, (x, y): (u16, u16), press: bool) {
    let end = if press { 'M' } else { 'm' };
    term.send(format!("\x1b[<{button};{};{}{end}", x + 1, y + 1).as_bytes());
}

fn click(term: &mut Terminal, at: (u16, u16)) {
    mouse(term, 0, at, true);
    mouse(term, 0, at, false);
}

/// The board on a fresh demo database.
fn demo(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let db = dir.path().join("board.db");
    baton(&db, &["init", "--demo"]);
    db
}

/// The selected card's full title is on the line above the keys.
fn selected_line(term: &Terminal) -> String {
    let screen = term.contents();
    let lines: Vec<&str> = screen.lines().collect();
    lines
        .get(usize::from(SIZE.1) - 2)
        .map_or(String::new(), |l| l.trim().to_string())
}

#[test]
fn a_click_selects_a_card_a_double_click_opens_it_and_the_wheel_moves() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = demo(&dir);
    let mut session = Session::open(&db, dir.path(), "pty-test", SIZE);
    let term = &mut session.term;
    term.wait_for(&["in limbo", "#16 Wingtip"]);

    // #16 is in the Solutions lane, not selected at the start.
    let at = term.position_of("#16 Wingtip").expect("#16 on screen");
    assert!(!selected_line(term).starts_with("#16 "));
    click(term, at);
    term.wait_for(&["#16 Wingtip Toys — SOW for EU data residency"]);
    assert!(
        selected_line(term).starts_with("#16 "),
        "{}",
        term.contents()
    );

    // The wheel moves down the column: #21 is next.
    mouse(term, 65, at, true);
    let deadline = std::time::Instant::now() + common::WAIT;
    while !selected_line(term).starts_with("#21 ") {
        assert!(std::time::Instant::now() < deadline, "{}", term.contents());
        std::thread::sleep(Duration::from_millis(20));
    }

    // A double click on #16 opens its detail.
    click(term, at);
    click(term, at);
    term.wait_for(&["History", "Wingtip Toys"]);
    term.esc();
    term.wait_gone("History");

    // A click on the overview selects that boundary's column.
    let line = term
        .position_of("⇢ engineering → operations")
        .expect("in the overview");
    click(term, line);
    term.wait_for(&["#35 Deploy the webhook retry fix"]);
    let raw = session.quit();
    assert_terminal_restored(&raw);
    // The mouse was taken (SGR reports) and given back.
    let text = String::from_utf8_lossy(&raw);
    let (on, off) = (text.rfind("\x1b[?1006h"), text.rfind("\x1b[?1006l"));
    assert!(on.is_some() && off > on, "mouse capture on, then off");
}

#[test]
fn no_mouse_leaves_the_mouse_to_the_terminal() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = demo(&dir);
    let db_arg = db.to_string_lossy().to_string();
    let session = Session::open_command(
        &["--db", &db_arg, "board", "--no-mouse"],
        dir.path(),
        "pty-test",
        SIZE,
        "UTC",
    );
    // The terminal is never asked for mouse reports (so it keeps selecting text).
    session.term.wait_for(&["in limbo", "#16 Wingtip"]);
    let raw = session.quit();
    assert!(!String::from_utf8_lossy(&raw).contains("\x1b[?1006h"));

    // The config file's `mouse = false` says the same.
    std::fs::write(dir.path().join("no-config.toml"), "mouse = false\n").expect("config");
    let session = Session::open(&db, dir.path(), "pty-test", SIZE);
    session.term.wait_for(&["in limbo"]);
    let raw = session.quit();
    assert!(!String::from_utf8_lossy(&raw).contains("\x1b[?1006h"));
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    for signal in ["TERM", "HUP"] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = demo(&dir);
        let session = Session::open(&db, dir.path(), "pty-test", SIZE);
        session.term.wait_for(&["in limbo"]);
        let raw = session.signal(signal);
        assert_terminal_restored(&raw);
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.rfind("\x1b[?1006l") > text.rfind("\x1b[?1006h"),
            "SIG{signal}: the mouse is given back"
        );
    }
}

/// A terminal that goes away (a dropped SSH session, a killed tmux server) ends the
/// board: it does not go on reading an end-of-file forever.
#[test]
fn the_board_ends_when_its_terminal_hangs_up() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = demo(&dir);
    let session = Session::open(&db, dir.path(), "pty-test", SIZE);
    session.term.wait_for(&["in limbo"]);
    assert!(
        session.hang_up(),
        "the board is still running without its terminal"
    );
}

#[test]
fn the_demo_is_kept_where_db_names_and_otherwise_says_it_is_throwaway() {
    let dir = tempfile::tempdir().expect("a temp dir");
    // Throwaway: it says so before anything is saved in it.
    let session = Session::open_command(&["demo"], dir.path(), "pty-test", SIZE, "UTC");
    session
        .term
        .wait_for(&["throwaway demo: deleted on quit", "baton --db FILE demo"]);
    assert_terminal_restored(&session.quit());

    // Kept: --db names the file; it is created with the sample organisation, and opened
    // again it is the board as it was left, not a new sample.
    let db = dir.path().join("kept.db");
    let db_arg = db.to_string_lossy().to_string();
    let session = Session::open_command(
        &["--db", &db_arg, "demo"],
        dir.path(),
        "pty-test",
        SIZE,
        "UTC",
    );
    session.term.wait_for(&["in limbo"]);
    assert!(!session.term.contents().contains("throwaway"));
    assert_terminal_restored(&session.quit());
    baton(&db, &["note", "16", "kept between runs"]);
    let session = Session::open_command(
        &["--db", &db_arg, "demo"],
        dir.path(),
        "pty-test",
        SIZE,
        "UTC",
    );
    session.term.wait_for(&["in limbo"]);
    assert_terminal_restored(&session.quit());
    let items: serde_json::Value =
        serde_json::from_str(&baton(&db, &["ls", "--json"])).expect("JSON");
    let open = items.as_array().expect("items").len();
    assert!(open > 0 && open <= 40, "{open} items: the sample, once");
    let shown = baton(&db, &["show", "16"]);
    assert!(shown.contains("kept between runs"), "{shown}");
}

/// Run from a terminal into a file, `board --print` draws at 160×48 as its help says,
/// not at the size of the terminal it was run from.
#[test]
fn a_board_printed_into_a_file_from_a_terminal_is_160_by_48() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = demo(&dir);
    let out = dir.path().join("board.txt");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new("sh");
    cmd.args([
        "-c",
        "\"$0\" --db \"$1\" board --print > \"$2\"",
        common::BIN,
        &db.to_string_lossy(),
        &out.to_string_lossy(),
    ]);
    cmd.env("BATON_CONFIG", dir.path().join("no-config.toml"));
    cmd.env_remove("BATON_DB");
    let mut child = pty.slave.spawn_command(cmd).expect("sh starts");
    drop(pty.slave);
    let status = child.wait().expect("it ends");
    assert!(status.success(), "{status:?}");
    let printed = std::fs::read_to_string(&out).expect("the printed board");
    assert_eq!(printed.lines().count(), 48, "{printed}");
    let widest = printed.lines().map(|l| l.chars().count()).max();
    assert_eq!(widest, Some(160), "{printed}");
}
