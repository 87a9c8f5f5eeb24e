//! One Argon2id derivation through `tessera_core::crypto::derive_password_key`,
//! for timing the KDF alone against the reference C implementation.
//!
//! ```text
//! cargo build --release -p tessera-core --example kdf
//! target/release/examples/kdf M_KIB T P [--hex]
//! ```
//!
//! Password `password`, salt `somesalt16bytes!`, 32-byte output: the same
//! inputs as `echo -n password | argon2 somesalt16bytes! -id -m LOG2_M -t T -p P -l 32 -r`,
//! so with `--hex` the two programs print the same hash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;
use tessera_core::crypto::{derive_password_key, KdfParams};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hex = args.iter().any(|a| a == "--hex");
    let nums: Vec<u32> = args
        .iter()
        .filter(|a| *a != "--hex")
        .filter_map(|a| a.parse().ok())
        .collect();
    let [memory_kib, iterations, parallelism] = nums[..] else {
        eprintln!("usage: kdf M_KIB T P [--hex]   (e.g. kdf 19456 2 1)");
        return ExitCode::from(2);
    };
    let params = KdfParams {
        memory_kib,
        iterations,
        parallelism,
    };
    match derive_password_key(b"password", b"somesalt16bytes!", &params) {
        Ok(key) => {
            if hex {
                let s: String = key.expose().iter().map(|b| format!("{b:02x}")).collect();
                println!("{s}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
