use std::process::ExitCode;

use clap::Parser;

use baton::cli::{self, args::Cli};

fn main() -> ExitCode {
    // A shell asking for completions gets them and nothing else.
    cli::complete::answer_shell();
    let cli = Cli::parse();
    match cli::run(cli, baton::tui::open) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `baton ls | head`: the reader has gone; that is not an error.
            // The CSV writer wraps the pipe's error in its own.
            let broken_pipe = error.chain().any(|cause| {
                let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
                    match cause.downcast_ref::<csv::Error>().map(csv::Error::kind) {
                        Some(csv::ErrorKind::Io(io)) => Some(io),
                        _ => None,
                    }
                });
                io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            // Closed as `q` closes it; the status says which signal ended it.
            if let Some(baton::tui::Signalled(signal)) = error.downcast_ref() {
                return ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX));
            }
            let text = format!("{error:#}");
            eprintln!("error: {}", baton::domain::text::display_safe(&text));
            if let Some(listed) = error.downcast_ref::<cli::Listed>() {
                for row in &listed.rows {
                    eprintln!("  {}", baton::domain::text::display_safe(row));
                }
            }
            if error.is::<cli::UsageError>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
