//! Shell completion and manual pages. Completion is dynamic: the shell asks `baton`
//! itself (with `BATON_COMPLETE` set) what may come next, so it can offer the board's
//! own team keys and item ids as well as the commands and flags.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::Shells;

use super::args::{Cli, ShellArg};
use crate::context::{Context, write_atomically};
use crate::domain::State;
use crate::storage::{ItemFilter, Store};

/// The variable the registration script sets when it asks `baton` for completions.
pub const COMPLETE_VAR: &str = "BATON_COMPLETE";

/// Answers a completion request and exits, when the shell is asking; otherwise returns.
pub fn answer_shell() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// Writes the script that registers `baton`'s completions with `shell`.
pub fn write_registration(shell: ShellArg, out: &mut dyn Write) -> Result<()> {
    let name = shell.name();
    let shells = Shells::builtins();
    let completer = shells
        .completer(name)
        .with_context(|| format!("no completion support for {name}"))?;
    completer.write_registration(COMPLETE_VAR, "baton", "baton", "baton", out)?;
    Ok(())
}

/// The manual pages: `baton.1`, and `baton-COMMAND.1` for each command (and
/// `baton-team-add.1` for each subcommand). Returns the files written.
pub fn write_man_pages(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut cmd = man_command();
    cmd.build();
    let mut written = Vec::new();
    write_pages(cmd, dir, &mut written)?;
    written.sort();
    Ok(written)
}

/// The main page, `baton.1`, as roff.
pub fn write_main_page(out: &mut dyn Write) -> Result<()> {
    let mut cmd = man_command();
    cmd.build();
    clap_mangen::Man::new(cmd).render(out)?;
    Ok(())
}

fn man_command() -> clap::Command {
    Cli::command().disable_help_subcommand(true)
}

fn write_pages(
    cmd: clap::Command,
    dir: &Path,
    written: &mut Vec<std::path::PathBuf>,
) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub.clone(), dir, written)?;
    }
    let man = clap_mangen::Man::new(cmd);
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)?;
    write_atomically(&path, &page)?;
    written.push(path);
    Ok(())
}

/// The board the completion is for: the one `BATON_DB` (or, without it, the
/// default) names; `--db` typed on the same line is not visible to the completer.
fn board() -> Option<Store> {
    let ctx = Context::from_env(std::env::var("BATON_DB").ok()).ok()?;
    ctx.open().ok()
}

fn items(current: &OsStr, states: Vec<State>) -> Vec<CompletionCandidate> {
    let Some(store) = board() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    let typed = typed.trim_start_matches('#');
    let items = store
        .items(&ItemFilter {
            states,
            ..ItemFilter::default()
        })
        .unwrap_or_default();
    items
        .into_iter()
        .filter(|i| i.id.to_string().starts_with(typed))
        .map(|i| {
            let help = crate::domain::text::display_safe(&i.title);
            CompletionCandidate::new(i.id.to_string()).help(Some(help.into()))
        })
        .collect()
}

/// Items waiting in limbo (accept, bounce, reclaim).
pub fn limbo_items(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, vec![State::Limbo])
}

/// Items a team holds (send, done).
pub fn active_items(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, vec![State::Active])
}

/// Open items, active or in limbo (escalate, owner, note, flag, edit, …).
pub fn open_items(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, vec![State::Active, State::Limbo])
}

/// Done and dropped items (reopen).
pub fn closed_items(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, vec![State::Done, State::Dropped])
}

/// Every item (show).
pub fn any_items(current: &OsStr) -> Vec<CompletionCandidate> {
    items(current, Vec::new())
}

/// The signal codes a person may dismiss (dismiss); the facts (`overdue`,
/// `sla-breached`) are not offered.
pub fn dismissable_signals(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    crate::domain::attention::SignalCode::ALL
        .into_iter()
        .filter(|code| crate::domain::attention::can_be_dismissed(*code))
        .map(|code| code.as_str())
        .filter(|code| code.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The board's team keys, with their names.
pub fn team_keys(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(org) = board().and_then(|s| s.org().ok()) else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    org.teams
        .into_iter()
        .filter(|t| t.key.starts_with(typed.as_ref()))
        .map(|t| {
            let help = crate::domain::text::display_safe(&t.name);
            CompletionCandidate::new(t.key).help(Some(help.into()))
        })
        .collect()
}

impl ShellArg {
    fn name(self) -> &'static str {
        match self {
            ShellArg::Bash => "bash",
            ShellArg::Zsh => "zsh",
            ShellArg::Fish => "fish",
            ShellArg::Powershell => "powershell",
            ShellArg::Elvish => "elvish",
        }
    }
}
