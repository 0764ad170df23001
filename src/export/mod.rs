//! Pure functions from the board to documents people and tools read.

pub mod json;
pub mod standup;
