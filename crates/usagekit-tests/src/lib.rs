//! Shared helpers for the tests under `tests/`: fixtures and loopback servers.

use std::path::PathBuf;

/// A committed example response, by file name under `fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A secret no output may contain.
pub const SECRET: &str = "sk-admin-THIS-MUST-NEVER-BE-PRINTED";
