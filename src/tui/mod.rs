//! The board in the terminal: opening it (or printing it), and the runtime loop.

pub mod app;
pub mod board;
pub mod filter;
pub mod form;
pub mod keys;
pub mod triage;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use signal_hook::consts::{SIGHUP, SIGTERM};
use std::io::IsTerminal;

use crate::context::{Context, demo_document, import_document};
use crate::storage::{Location, Store};
use crate::ui::{self, theme::Theme};
use app::{App, Clock};

/// How often the board looks for changes made by other processes when idle.
const POLL: Duration = Duration::from_millis(500);

/// How the board is opened: interactively, or printed once as text at a size (the
/// terminal's where a dimension is not given).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoardOptions {
    pub print: bool,
    pub width: Option<u16>,
    pub height: Option<u16>,
    /// `--no-mouse`: the terminal keeps the mouse (the config's `mouse = false` too).
    pub no_mouse: bool,
    /// `--db` or `BATON_DB` was given: `baton demo` keeps its board there.
    pub db_given: bool,
}

/// What `board --print` draws at with no terminal to measure (or a dimension not given).
const PRINT_SIZE: (u16, u16) = (160, 48);

/// `baton`, `baton board` and `baton demo`.
pub fn open(ctx: &Context, options: BoardOptions, demo: bool) -> Result<()> {
    // Nothing is created for a board that cannot be shown.
    if !options.print && (!std::io::stdout().is_terminal() || !std::io::stdin().is_terminal()) {
        anyhow::bail!(
            "the board needs a terminal; for text use `baton board --print`, for scripts `baton ls --json`"
        );
    }
    // The demo lives in a throwaway folder, removed when the board closes, unless
    // --db / BATON_DB names where to keep it.
    let throwaway = demo && !options.db_given;
    let demo_dir = if throwaway {
        Some(tempfile::tempdir().context("cannot create a folder for the demo")?)
    } else {
        None
    };
    let mut store = match &demo_dir {
        Some(dir) => Store::create(&Location::Sqlite(dir.path().join("demo.db")))?,
        None if demo => Store::create(&ctx.db)?,
        None => ctx.open()?,
    };
    // A kept demo board is filled once; opened again, it is the board as it was left.
    if throwaway || (demo && store.is_empty()?) {
        import_document(&mut store, demo_document(ctx.now)?, false)?;
    }
    let clock = ctx.clock;
    let theme = Theme::from_env(ctx.config.config.theme.unwrap_or_default());
    if options.print {
        // The terminal's size only when printing to one: into a pipe or a file,
        // crossterm would guess (tput's 80×24), and the help says 160×48.
        let (tw, th) = if std::io::stdout().is_terminal() {
            crossterm::terminal::size().unwrap_or(PRINT_SIZE)
        } else {
            PRINT_SIZE
        };
        let (width, height) = (options.width.unwrap_or(tw), options.height.unwrap_or(th));
        let mut app = App::new(store, clock, ctx.actor.clone(), (width, height))?;
        // What an idle moment adds on screen (duplicate marks on a large board) is
        // worked out before printing.
        app.tick()?;
        print!("{}", print(&app, &Theme::PLAIN));
        return Ok(());
    }
    let mouse = !options.no_mouse && ctx.config.config.mouse.unwrap_or(true);
    run(store, clock, ctx.actor.clone(), &theme, mouse, throwaway)
}

/// The board rendered as plain text at the app's size.
pub fn print(app: &App, theme: &Theme) -> String {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, app, theme);
    ui::buffer_to_text(&buf)
}

/// The screen the board draws on: the terminal's, cut to [`ui::MAX_WIDTH`] ×
/// [`ui::MAX_HEIGHT`] so that an absurd size does not allocate gigabytes.
fn drawn_area((width, height): (u16, u16)) -> Rect {
    let (width, height) = ui::drawable((width, height));
    Rect::new(0, 0, width, height)
}

/// Gives the terminal back however the loop ends: a return, an error or a panic
/// unwinding through it (ratatui's panic hook covers the rest).
struct Restore {
    mouse: bool,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if self.mouse {
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        }
        ratatui::restore();
    }
}

/// What the terminal has for the board.
enum Input {
    /// Something to read, or a signal arrived while waiting.
    Waiting,
    /// Nothing within the time given.
    Idle,
    /// The terminal hung up: nothing will ever come.
    Gone,
}

/// Waits up to `timeout` for input on the terminal (standard input, as crossterm reads
/// it when it is one).
fn terminal_input(timeout: Duration) -> Result<Input> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        // crossterm reads /dev/tty then, and waits on it itself.
        return Ok(if timeout.is_zero() || event::poll(timeout)? {
            Input::Waiting
        } else {
            Input::Idle
        });
    }
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let wait = Timespec::try_from(timeout).context("a poll timeout")?;
    match poll(&mut fds, Some(&wait)) {
        Ok(0) => Ok(Input::Idle),
        Ok(_)
            if fds[0]
                .revents()
                .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) =>
        {
            Ok(Input::Gone)
        }
        Ok(_) | Err(rustix::io::Errno::INTR) => Ok(Input::Waiting),
        Err(e) => Err(std::io::Error::from(e)).context("cannot read the terminal"),
    }
}

/// The board was ended by a signal (SIGTERM, SIGHUP): it closed as `q` closes it, and
/// the process ends with the status a shell gives a process the signal killed,
/// 128 and the signal's number.
#[derive(Debug, thiserror::Error)]
#[error("ended by signal {0}")]
pub struct Signalled(pub i32);

/// The interactive loop: draw when something changed, otherwise sleep on input with a
/// timeout, checking for other processes' changes between. SIGTERM and SIGHUP end it
/// as `q` does, but as an error: [`Signalled`].
fn run(
    store: Store,
    clock: Clock,
    actor: String,
    theme: &Theme,
    mouse: bool,
    throwaway: bool,
) -> Result<()> {
    let area = drawn_area(crossterm::terminal::size().unwrap_or((80, 24)));
    let mut app = App::new(store, clock, actor, (area.width, area.height))?;
    if throwaway {
        app.throwaway_demo();
    }
    let signalled = Arc::new(AtomicUsize::new(0));
    for signal in [SIGTERM, SIGHUP] {
        signal_hook::flag::register_usize(signal, Arc::clone(&signalled), signal as usize)
            .context("cannot listen for SIGTERM and SIGHUP")?;
    }
    // A fixed viewport, resized by hand: ratatui's own would follow the terminal to any
    // size. The panic hook installed here restores the terminal before the panic is
    // reported.
    let mut terminal = ratatui::try_init_with_options(TerminalOptions {
        viewport: Viewport::Fixed(area),
    })
    .context("cannot take over the terminal")?;
    let _restore = Restore { mouse };
    crossterm::execute!(std::io::stdout(), EnterAlternateScreen)
        .context("cannot take over the terminal")?;
    if mouse {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)
            .context("cannot take the mouse")?;
    }
    // Cleared by hand: ratatui's clear would ask the terminal where its cursor is.
    crossterm::execute!(std::io::stdout(), Clear(ClearType::All))?;
    loop {
        match signalled.load(Ordering::Relaxed) {
            0 => {}
            signal => return Err(Signalled(signal as i32).into()),
        }
        if app.dirty {
            terminal.draw(|frame| ui::draw(frame, &app, theme))?;
            app.dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        // crossterm is asked for an event only when the terminal is known to be there:
        // once it is gone (an SSH session dropped, a tmux server killed), its reader
        // loops on end-of-file without returning, so SIGHUP would never be seen.
        let outcome = match terminal_input(Duration::ZERO)? {
            Input::Gone => return Ok(()),
            _ if event::poll(Duration::ZERO)? => match event::read()? {
                Event::Key(key) => app.handle_key(key),
                Event::Mouse(m) if mouse => app.handle_mouse(m, Instant::now()),
                Event::Resize(w, h) => {
                    let area = drawn_area((w, h));
                    terminal.resize(area)?;
                    app.resize(area.width, area.height)
                }
                _ => Ok(()),
            },
            _ => match terminal_input(POLL)? {
                Input::Gone => return Ok(()),
                // Input, or a signal (a resize, SIGTERM): the loop looks again.
                Input::Waiting => Ok(()),
                Input::Idle => app.tick(),
            },
        };
        // A failed write or read (the database locked too long, say) is reported on
        // the board; nothing was half-written, and the user can try again.
        if let Err(error) = outcome {
            app.report(&error);
        }
    }
}
