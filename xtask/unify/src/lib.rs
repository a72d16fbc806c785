//! Nothing to use: see `Cargo.toml`.
