//! The `komek` binary: command line entry point.

mod cli;
mod models;

fn main() -> anyhow::Result<()> {
    cli::run()
}
