//! The board in the terminal: opening it (or printing it), and the runtime loop.

pub mod app;
pub mod board;
pub mod filter;
pub mod form;
pub mod keys;
pub mod triage;

use std::time::Duration;

use anyhow::{Context as _, Result};
use crossterm::event::{self, Event};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
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
}

/// `baton`, `baton board` and `baton demo`.
pub fn open(ctx: &Context, options: BoardOptions, demo: bool) -> Result<()> {
    // The demo lives in a throwaway folder, removed when the board closes.
    let demo_dir = if demo {
        Some(tempfile::tempdir().context("cannot create a folder for the demo")?)
    } else {
        None
    };
    let mut store = match &demo_dir {
        Some(dir) => Store::create(&Location::Sqlite(dir.path().join("demo.db")))?,
        None => ctx.open()?,
    };
    if demo {
        import_document(&mut store, demo_document(ctx.now)?, false)?;
    }
    let clock = ctx.clock;
    let theme = Theme::from_env(ctx.config.config.theme.unwrap_or_default());
    if options.print {
        let (tw, th) = crossterm::terminal::size().unwrap_or((160, 48));
        let (width, height) = (options.width.unwrap_or(tw), options.height.unwrap_or(th));
        let mut app = App::new(store, clock, ctx.actor.clone(), (width, height))?;
        // What an idle moment adds on screen (duplicate marks on a large board) is
        // worked out before printing.
        app.tick()?;
        print!("{}", print(&app, &Theme::PLAIN));
        return Ok(());
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the board needs a terminal; for text use `baton board --print`, for scripts `baton ls --json`"
        );
    }
    run(store, clock, ctx.actor.clone(), &theme)
}

/// The board rendered as plain text at the app's size.
pub fn print(app: &App, theme: &Theme) -> String {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, app, theme);
    ui::buffer_to_text(&buf)
}

/// The interactive loop: draw when something changed, otherwise sleep on input with a
/// timeout, checking for other processes' changes between.
fn run(store: Store, clock: Clock, actor: String, theme: &Theme) -> Result<()> {
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let mut app = App::new(store, clock, actor, size)?;
    // The panic hook installed here restores the terminal before the panic is reported.
    let mut terminal = ratatui::try_init().context("cannot take over the terminal")?;
    let result = (|| -> Result<()> {
        loop {
            if app.dirty {
                terminal.draw(|frame| ui::draw(frame, &app, theme))?;
                app.dirty = false;
            }
            if app.quit {
                return Ok(());
            }
            let outcome = if event::poll(POLL)? {
                match event::read()? {
                    Event::Key(key) => app.handle_key(key),
                    Event::Resize(w, h) => app.resize(w, h),
                    _ => Ok(()),
                }
            } else {
                app.tick()
            };
            // A failed write or read (the database locked too long, say) is reported on
            // the board; nothing was half-written, and the user can try again.
            if let Err(error) = outcome {
                app.report(&error);
            }
        }
    })();
    ratatui::restore();
    result
}
