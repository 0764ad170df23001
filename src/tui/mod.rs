//! The board in the terminal.

pub mod app;
pub mod board;
pub mod form;
pub mod keys;

use anyhow::{Result, bail};

use crate::cli::Context;
use crate::cli::args::BoardArgs;

pub fn open(_ctx: &Context, _args: BoardArgs, _demo: bool) -> Result<()> {
    bail!("the board is not built yet")
}
