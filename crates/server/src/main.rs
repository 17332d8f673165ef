//! `prosektor-server`: see `prosektor-server --help` and `docs/operations.md`.

#![forbid(unsafe_code)]

/// mimalloc instead of the system allocator: the server allocates many small, short-lived buffers
/// per request (about 10% of its CPU under load with glibc's allocator), and a login's 19 MiB
/// argon2 block must go back to the system afterwards rather than stay in a per-thread arena
/// (`docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    prosektor_server::cli::main()
}
