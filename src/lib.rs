//! Baton: a terminal kanban for the space between teams.

pub mod domain;
pub mod export;
pub mod storage;
