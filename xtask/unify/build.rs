//! Empty: present so that `[build-dependencies]` unify the host's features.
fn main() {}
