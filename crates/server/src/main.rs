//! `prosektor-server`: see `prosektor-server --help` and `docs/operations.md`.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    prosektor_server::cli::main()
}
