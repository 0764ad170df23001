//! What the integration tests share. Here, for the pseudo-terminal tests: the real
//! binary on a temp database, opened in a pty whose output is read into a vt100 screen,
//! keys typed into it, and the checks that it quits cleanly and gives the terminal back.
//! [`cli`] runs `baton` commands on a temp database; [`app`] drives an `App` on the demo;
//! [`pg`] gives a test its own PostgreSQL database.
// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

pub mod app;
#[macro_use]
pub mod cli;
pub mod pg;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const NOW: &str = "2026-11-25T09:00:00Z";
pub const BIN: &str = env!("CARGO_BIN_EXE_baton");
/// How long any one thing may take to appear on screen.
pub const WAIT: Duration = Duration::from_secs(5);

/// Everything the board wrote, and the screen it amounts to.
struct Output {
    raw: Vec<u8>,
    screen: vt100::Parser,
    closed: bool,
}

pub struct Terminal {
    output: Arc<Mutex<Output>>,
    writer: Box<dyn Write + Send>,
}

impl Terminal {
    pub fn contents(&self) -> String {
        self.output
            .lock()
            .expect("output lock")
            .screen
            .screen()
            .contents()
    }

    /// Waits until every one of `texts` is on screen; fails with the screen otherwise.
    pub fn wait_for(&self, texts: &[&str]) {
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

    /// Where `text` first shows on screen: its (column, row), counted from 0.
    pub fn position_of(&self, text: &str) -> Option<(u16, u16)> {
        self.contents().lines().enumerate().find_map(|(row, line)| {
            let at = line.find(text)?;
            let column = unicode_width::UnicodeWidthStr::width(&line[..at]);
            Some((u16::try_from(column).ok()?, u16::try_from(row).ok()?))
        })
    }

    /// Waits until `text` is no longer on screen.
    pub fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while self.contents().contains(text) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?} to go; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    pub fn keys(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// Esc alone, then a pause: Esc followed at once by a letter reads as Alt+letter.
    pub fn esc(&mut self) {
        self.send(b"\x1b");
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// The board running in a pseudo-terminal.
pub struct Session {
    pub term: Terminal,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    output: Arc<Mutex<Output>>,
    reading: JoinHandle<()>,
    /// Tells the reader to stop (and let go of its end of the terminal) after its next read.
    stop_reading: Arc<std::sync::atomic::AtomicBool>,
}

impl Session {
    /// Opens the board on `db` in a `cols`×`rows` pseudo-terminal, "now" fixed at
    /// [`NOW`], changes recorded as `actor`, times in UTC.
    pub fn open(db: &Path, cwd: &Path, actor: &str, size: (u16, u16)) -> Session {
        Session::open_in(db, cwd, actor, size, "UTC")
    }

    /// Like [`Session::open`], in the time zone `tz` (a `TZ` value).
    pub fn open_in(db: &Path, cwd: &Path, actor: &str, size: (u16, u16), tz: &str) -> Session {
        let db = db.to_string_lossy();
        Session::open_command(&["--db", &db], cwd, actor, size, tz)
    }

    /// `baton ARGS…` in a `cols`×`rows` pseudo-terminal, "now" fixed at [`NOW`], changes
    /// recorded as `actor`, times in `tz`.
    pub fn open_command(
        args: &[&str],
        cwd: &Path,
        actor: &str,
        (cols, rows): (u16, u16),
        tz: &str,
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        // No config file of the user's (mouse = false, say) changes what is tested.
        cmd.env("BATON_CONFIG", cwd.join("no-config.toml"));
        cmd.env("BATON_NOW", NOW);
        cmd.env("BATON_ACTOR", actor);
        cmd.env("TZ", tz);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env_remove("BATON_DB");
        cmd.cwd(cwd);
        let child = pty.slave.spawn_command(cmd).expect("baton starts");
        drop(pty.slave);

        let output = Arc::new(Mutex::new(Output {
            raw: Vec::new(),
            screen: vt100::Parser::new(
                NonZeroU16::new(rows).expect("rows"),
                NonZeroU16::new(cols).expect("columns"),
                0,
            ),
            closed: false,
        }));
        let mut reader = pty.master.try_clone_reader().expect("a reader");
        let sink = Arc::clone(&output);
        let stop_reading = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
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
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
            }
            sink.lock().expect("output lock").closed = true;
        });
        let term = Terminal {
            output: Arc::clone(&output),
            writer: pty.master.take_writer().expect("a writer"),
        };
        Session {
            term,
            child,
            master: pty.master,
            output,
            reading,
            stop_reading,
        }
    }

    /// Closes the terminal under the board, as a dropped SSH session or a killed tmux
    /// server does, and says whether the board then ended by itself.
    pub fn hang_up(mut self) -> bool {
        // The reader holds a copy of the terminal's end: it lets go after one more read,
        // which `?` (the help screen) gives it.
        self.stop_reading
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.term.send(b"?");
        let deadline = Instant::now() + WAIT;
        while !self.output.lock().expect("output lock").closed {
            assert!(Instant::now() < deadline, "the reader did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.reading.join().expect("the reader thread");
        // The board has drawn and waits for input, as it does most of the time.
        std::thread::sleep(Duration::from_millis(300));
        drop(self.term);
        drop(self.master);
        let deadline = Instant::now() + WAIT;
        loop {
            if self.child.try_wait().expect("wait for baton").is_some() {
                return true;
            }
            if Instant::now() >= deadline {
                self.child.kill().ok();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends the board signal `name` (`TERM`, `HUP`), expects it to end, and returns
    /// everything the board wrote.
    pub fn signal(self, name: &str) -> Vec<u8> {
        let pid = self.child.process_id().expect("baton's process id");
        let sent = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string())
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let number = match name {
            "TERM" => 15,
            "HUP" => 1,
            other => panic!("no number for SIG{other}"),
        };
        self.end_by(b"", 128 + number)
    }

    /// Presses `q`, expects a clean exit, and returns everything the board wrote.
    pub fn quit(self) -> Vec<u8> {
        self.quit_by(b"q")
    }

    /// Sends `keys` (ctrl-c is `\x03`), expects a clean exit, and returns everything
    /// the board wrote.
    pub fn quit_by(self, keys: &[u8]) -> Vec<u8> {
        self.end_by(keys, 0)
    }

    /// Sends `keys`, expects baton to exit with `code`, and returns everything the
    /// board wrote.
    fn end_by(mut self, keys: &[u8], code: u32) -> Vec<u8> {
        self.term.send(keys);
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for baton") {
                break status;
            }
            if Instant::now() >= deadline {
                self.child.kill().ok();
                panic!("baton did not quit; the screen:\n{}", self.term.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.exit_code(), code, "baton exited with {status:?}");
        drop(self.term);
        drop(self.master);
        // The reader ends once the pty is closed; give it a moment, without hanging.
        let deadline = Instant::now() + WAIT;
        while !self.output.lock().expect("output lock").closed && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if self.output.lock().expect("output lock").closed {
            self.reading.join().expect("the reader thread");
        }
        self.output.lock().expect("output lock").raw.clone()
    }
}

/// The terminal was given back: the last thing written leaves the alternate screen,
/// and nothing is drawn after it.
pub fn assert_terminal_restored(raw: &[u8]) {
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
}

/// `text` without its CSI sequences (`ESC [ parameters final-byte`).
pub fn without_control_sequences(text: &str) -> String {
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

/// Runs `baton --db DB ARGS…` with "now" fixed at [`NOW`]; fails unless it succeeds.
pub fn baton(db: &Path, args: &[&str]) -> String {
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
