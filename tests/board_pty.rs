//! End to end through a pseudo-terminal: the real binary, real keys, a real database.
//! A handoff is sent across a boundary and accepted on the other side; afterwards the
//! database says so and the terminal is given back as it was.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const NOW: &str = "2026-11-25T09:00:00Z";
const BIN: &str = env!("CARGO_BIN_EXE_baton");
/// How long any one thing may take to appear on screen.
const WAIT: Duration = Duration::from_secs(5);
const ROWS: u16 = 40;
const COLS: u16 = 120;

/// Everything the board wrote, and the screen it amounts to.
struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
    closed: bool,
}

struct Terminal {
    output: Arc<Mutex<Output>>,
    writer: Box<dyn Write + Send>,
}

impl Terminal {
    fn contents(&self) -> String {
        self.output
            .lock()
            .expect("output lock")
            .screen
            .screen()
            .contents()
    }

    /// Waits until every one of `texts` is on screen; fails with the screen otherwise.
    fn wait_for(&self, texts: &[&str]) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.contents();
            if texts.iter().all(|t| screen.contains(t)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {texts:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    fn keys(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// Esc alone, then a pause: Esc followed at once by a letter reads as Alt+letter.
    fn esc(&mut self) {
        self.send(b"\x1b");
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// `text` without its CSI sequences (`ESC [ parameters final-byte`).
fn without_control_sequences(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn baton(db: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("BATON_NOW", NOW)
        .env("TZ", "UTC")
        .env_remove("BATON_DB")
        .output()
        .expect("baton runs");
    assert!(
        out.status.success(),
        "baton {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn send_and_accept_through_a_pseudo_terminal() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("board.db");
    baton(&db, &["init", "--demo"]);

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.arg("--db");
    cmd.arg(&db);
    cmd.env("BATON_NOW", NOW);
    cmd.env("BATON_ACTOR", "pty-test");
    cmd.env("TZ", "UTC");
    cmd.env("TERM", "xterm-256color");
    cmd.env("NO_COLOR", "1");
    cmd.env_remove("BATON_DB");
    cmd.cwd(dir.path());
    let mut child = pty.slave.spawn_command(cmd).expect("baton starts");
    drop(pty.slave);

    let output = Arc::new(Mutex::new(Output {
        raw: Vec::new(),
        screen: vt100::Parser::new(
            NonZeroU16::new(ROWS).expect("rows"),
            NonZeroU16::new(COLS).expect("columns"),
            0,
        ),
        closed: false,
    }));
    let mut reader = pty.master.try_clone_reader().expect("a reader");
    let sink = Arc::clone(&output);
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut out = sink.lock().expect("output lock");
                    out.raw.extend_from_slice(&buf[..n]);
                    out.screen.process(&buf[..n]);
                }
            }
        }
        sink.lock().expect("output lock").closed = true;
    });
    let mut term = Terminal {
        output: Arc::clone(&output),
        writer: pty.master.take_writer().expect("a writer"),
    };

    // The board opens on the first boundary with something waiting, sales → finance.
    term.wait_for(&["Baton", "11 in limbo", "⇢ sales → finance", "#18 Tailwind"]);

    // Help opens and Esc, alone, closes it.
    term.keys("?");
    term.wait_for(&["Help · esc closes"]);
    term.esc();
    let deadline = Instant::now() + WAIT;
    while term.contents().contains("Help · esc closes") {
        assert!(Instant::now() < deadline, "help did not close");
        std::thread::sleep(Duration::from_millis(20));
    }

    // Sales' lane, #18; send it to solutions with every entry ticked and a note.
    term.keys("h");
    term.keys("s");
    term.wait_for(&["Send across a boundary", "Technical contact named"]);
    term.keys("\t");
    term.keys("a");
    term.wait_for(&["[x] 3. Technical contact named"]);
    term.keys("\t");
    term.keys("Kim Akers is the technical contact.");
    term.wait_for(&["Kim Akers is the technical contact."]);
    term.keys("\r");
    term.wait_for(&["#18 sent sales → solutions", "12 in limbo"]);

    // The selection followed #18 into limbo: accept it there, owner from the contract.
    term.keys("a");
    term.wait_for(&["Accept", "Owner: Hannah Lee"]);
    term.keys("\r");
    term.wait_for(&["#18 accepted", "11 in limbo"]);

    term.keys("q");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for baton") {
            break status;
        }
        if Instant::now() >= deadline {
            child.kill().ok();
            panic!("baton did not quit; the screen:\n{}", term.contents());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "baton exited with {status:?}");
    drop(term);
    drop(pty.master);
    // The reader ends once the pty is closed; give it a moment, without hanging.
    let deadline = Instant::now() + WAIT;
    while !output.lock().expect("output lock").closed && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if output.lock().expect("output lock").closed {
        reading.join().expect("the reader thread");
    }

    // The terminal was given back: the last thing written leaves the alternate screen.
    let raw = output.lock().expect("output lock").raw.clone();
    let leave = b"\x1b[?1049l";
    let last_leave = raw
        .windows(leave.len())
        .rposition(|w| w == leave)
        .expect("the alternate screen is left");
    let last_enter = raw
        .windows(leave.len())
        .rposition(|w| w == b"\x1b[?1049h")
        .expect("the alternate screen was entered");
    assert!(last_enter < last_leave);
    let tail = String::from_utf8_lossy(&raw[last_leave + leave.len()..]);
    assert!(
        without_control_sequences(&tail).trim().is_empty(),
        "nothing is drawn after leaving the alternate screen (showing the cursor is fine): {tail:?}"
    );

    // The database tells the same story.
    let shown: serde_json::Value =
        serde_json::from_str(&baton(&db, &["show", "18", "--json"])).expect("show --json");
    assert_eq!(shown["state"], "active");
    assert_eq!(shown["team"], "solutions");
    assert_eq!(shown["owner"], "Hannah Lee");
    let events = shown["events"].as_array().expect("events");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    let n = kinds.len();
    assert!(n >= 3, "{kinds:?}");
    assert_eq!(&kinds[n - 2..], ["sent", "accepted"]);
    let sent = &events[n - 2];
    assert_eq!(sent["to"], "solutions");
    assert_eq!(sent["note"], "Kim Akers is the technical contact.");
    assert_eq!(sent["actor"], "pty-test");
    assert_eq!(sent["at"], NOW);

    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the run took {:?}",
        started.elapsed()
    );
}
