//! Pure functions from the board to documents people and tools read.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod standup;
