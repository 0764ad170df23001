//! Colours and symbols in one place. Every state is shown by a symbol as well as a
//! colour, so the board reads the same with `NO_COLOR` or on a monochrome screen.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::attention::SlaStanding;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

pub const BREACHED: &str = "✖";
pub const AT_RISK: &str = "!";
pub const WITHIN: &str = "✓";
pub const NO_SLA: &str = "?";
pub const ESCALATED: &str = "▲esc";
pub const INCOMPLETE: &str = "◌inc";
pub const DUPLICATE: &str = "≈dup";
pub const NO_OWNER: &str = crate::domain::view::NO_OWNER;
pub const LIMBO: &str = "⇢";

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything but the empty string).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn plain(&self) -> Style {
        Style::new()
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
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

    pub fn sla(&self, standing: SlaStanding) -> (Style, &'static str) {
        match standing {
            SlaStanding::Breached => (self.error(), BREACHED),
            SlaStanding::AtRisk => (self.warning(), AT_RISK),
            SlaStanding::Within => (self.ok(), WITHIN),
            SlaStanding::NoSla => (self.dim(), NO_SLA),
        }
    }
}
