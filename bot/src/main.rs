//! The `komek` binary: command line entry point.

mod cli;

fn main() -> anyhow::Result<()> {
    cli::run()
}
