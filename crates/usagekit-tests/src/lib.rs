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

/// A JSON response with `status`.
pub fn json(status: u16, body: impl Into<String>) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

/// A loopback server answering every `GET route` with `status` and a JSON `body`.
pub async fn serve(route: &str, status: u16, body: impl Into<String>) -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path(route))
        .respond_with(json(status, body))
        .mount(&server)
        .await;
    server
}
