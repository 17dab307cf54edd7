//! The `ctrlmap` binary: parse arguments, run, map the outcome to an exit code.

fn main() -> std::process::ExitCode {
    ctrlmap::cli::main()
}
