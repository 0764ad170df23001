//! Baton: a terminal kanban for the space between teams.

pub mod cli;
pub mod clock;
pub mod config;
pub mod context;
pub mod domain;
pub mod export;
pub mod storage;
pub mod trackers;
pub mod tui;
pub mod ui;
