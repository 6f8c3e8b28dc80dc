//! The `komek` binary.

fn main() -> anyhow::Result<()> {
    komek::cli::run()
}
