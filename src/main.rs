//! The catalint binary: parse arguments, run, turn the outcome into an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use catalint::cli::{self, Cli};
use clap::Parser;

// catalint allocates millions of small values (one per YAML node) from several threads;
// mimalloc does that markedly faster than the system allocator (see docs/src/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are successes; usage errors are exit 2, as the contract says.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                cli::exit::ERROR
            } else {
                cli::exit::OK
            });
        }
    };
    if matches!(cli.command, cli::Command::Lsp) {
        // The server's writer thread owns stdout: it must not be locked here.
        return match catalint::server::run() {
            Ok(code) => ExitCode::from(code),
            Err(e) => {
                let _ = writeln!(io::stderr(), "error: {e}");
                ExitCode::from(cli::exit::ERROR)
            }
        };
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let result = cli::run(cli, &mut out, &mut err).and_then(|code| out.flush().map(|()| code));
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`catalint check | head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(cli::exit::ERROR)
        }
    }
}
