//! Colours and symbols in one place. Every state is shown by a symbol as well as a
//! colour, so the board reads the same with `NO_COLOR` or on a monochrome screen.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;
use crate::domain::attention::{SignalCode, SlaStanding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    /// Which colours, when there are colours (the config file's `theme`).
    pub palette: ThemeName,
}

pub const BREACHED: &str = "✖";
pub const AT_RISK: &str = "!";
pub const WITHIN: &str = "✓";
pub const NO_SLA: &str = "?";
pub const ESCALATED: &str = "▲esc";
pub const INCOMPLETE: &str = "◌inc";
pub const DUPLICATE: &str = "≈dup";
pub const LATE: &str = "⧗late";
pub const NO_OWNER: &str = crate::domain::view::NO_OWNER;
pub const PING_PONG: &str = "⇄pp";
/// Before the contract's next owner on a limbo card with no owner: who is to take it
/// (an arrow there read as whom an escalation went to).
pub const NEXT_OWNER: &str = "next";
pub const LIMBO: &str = "⇢";
/// A team's lane, where an item is held (the overview's held lines).
pub const HELD: &str = "■";

/// How loud a mark is; the words say the same without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Error,
    Warning,
}

/// A signal's mark on a card: its full form and the short one used when a card is
/// too narrow for every full form. `None`: shown another way (the SLA standing is the
/// card's clock, a contract's gaps are on its column). A new signal is one line here.
pub fn signal_mark(code: SignalCode) -> Option<(&'static str, &'static str, Tone)> {
    match code {
        SignalCode::SlaBreached | SignalCode::SlaAtRisk | SignalCode::ContractIncomplete => None,
        // Past its date as ✖ is past its SLA; `late` alone would read as `⧗late`.
        SignalCode::Overdue => Some(("overdue", "✖due", Tone::Error)),
        SignalCode::Escalated => Some((ESCALATED, "▲", Tone::Error)),
        // The time left follows (`due 1d 8h`).
        SignalCode::DueSoon => Some(("due", "due", Tone::Warning)),
        SignalCode::LateHandoff => Some((LATE, "⧗", Tone::Warning)),
        SignalCode::PingPong => Some((PING_PONG, "⇄", Tone::Warning)),
        SignalCode::NoOwner => Some((NO_OWNER, "∅own", Tone::Warning)),
        SignalCode::IncompleteHandoff => Some((INCOMPLETE, "◌", Tone::Warning)),
        SignalCode::PossibleDuplicate => Some((DUPLICATE, "≈", Tone::Warning)),
    }
}

impl Theme {
    /// No colour at all: what `board --print` and the tests draw.
    pub const PLAIN: Theme = Theme {
        color: false,
        palette: ThemeName::Dark,
    };
    /// The default colours, for a dark terminal.
    pub const DARK: Theme = Theme {
        color: true,
        palette: ThemeName::Dark,
    };

    /// `palette` in colour, unless `NO_COLOR` is set (to anything but the empty
    /// string), which wins over any setting.
    pub fn from_env(palette: ThemeName) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").map(|v| v.to_string_lossy().into_owned());
        Theme {
            palette,
            ..Theme::from_env_value(no_color.as_deref())
        }
    }

    /// The default palette, as `NO_COLOR` set to `value` (or unset) asks.
    pub fn from_env_value(no_color: Option<&str>) -> Theme {
        Theme {
            color: no_color.is_none_or(str::is_empty),
            palette: ThemeName::Dark,
        }
    }

    fn fg(&self, color: Color) -> Style {
        if !self.color {
            return Style::new();
        }
        match self.palette {
            ThemeName::Dark => Style::new().fg(color),
            // Yellow and cyan wash out on a light background.
            ThemeName::Light => Style::new().fg(match color {
                Color::Yellow => Color::Magenta,
                Color::Cyan => Color::Blue,
                Color::Green => Color::Rgb(0, 110, 0),
                other => other,
            }),
            // The bright variants, always bold.
            ThemeName::HighContrast => Style::new()
                .fg(match color {
                    Color::Yellow => Color::LightYellow,
                    Color::Cyan => Color::LightCyan,
                    Color::Green => Color::LightGreen,
                    Color::Red => Color::LightRed,
                    Color::DarkGray => Color::White,
                    other => other,
                })
                .add_modifier(Modifier::BOLD),
        }
    }

    pub fn plain(&self) -> Style {
        Style::new()
    }

    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn lane_header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn limbo_header(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn selected_header(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Error => self.error(),
            Tone::Warning => self.warning(),
        }
    }

    pub fn sla(&self, standing: SlaStanding) -> (Style, &'static str) {
        match standing {
            SlaStanding::Breached => (self.error(), BREACHED),
            SlaStanding::AtRisk => (self.warning(), AT_RISK),
            SlaStanding::Within => (self.ok(), WITHIN),
            SlaStanding::NoSla => (self.dim(), NO_SLA),
        }
    }
}
