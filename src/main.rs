//! The `preflight` command line: parse arguments, call the library, print, exit.
//!
//! Exit codes: 0 ok; 1 findings (drift, failed checks); 2 usage or input error.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `preflight sync | head`: a closed pipe ends the process quietly, as it does `cat`,
    // instead of a panic in `println!`.
    // SAFETY: called first, before any thread exists; restores the default disposition.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match cmd::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(2),
            };
        }
    };
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
