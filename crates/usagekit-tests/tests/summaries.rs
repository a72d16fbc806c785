//! Each client README shows what its summary example prints for the spec's example
//! responses. This serves those responses on loopback, runs the summary through the
//! real client, and compares: a README that drifts from the code fails here.

use usagekit_runtime::ClientBuilder;
use usagekit_runtime::dynamic::Service;
use usagekit_runtime::report::{self, Granularity, ReportQuery};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICES: [&Service; 5] = [
    &anthropic_usage::SERVICE,
    &arthur_usage::SERVICE,
    &bokamera_usage::SERVICE,
    &chatbotkit_usage::SERVICE,
    &openai_usage::SERVICE,
];

/// The `text` block after "it prints:" in the crate's README.
fn readme_output(crate_name: &str) -> Option<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join(crate_name).join("README.md")).unwrap();
    let after = readme.split("it prints:\n\n```text\n").nth(1)?;
    Some(after.split("```").next()?.to_owned())
}

/// A snapshot's window ends when the program runs: its dates are the day's.
fn without_windows(table: &str) -> String {
    table
        .lines()
        .map(
            |line| match (line.starts_with(char::is_numeric), line.find(" (")) {
                (false, Some(open)) if line[open..].contains("..") => {
                    let close = line[open..]
                        .find(')')
                        .map_or(line.len(), |end| open + end + 1);
                    format!("{}{}", &line[..open], &line[close..])
                }
                _ => line.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn every_readme_summary_is_what_the_example_prints() {
    let mut compared = 0;
    for service in SERVICES {
        let Some(shown) = readme_output(service.crate_name) else {
            assert!(
                service.reports.iter().all(|spec| spec.example.is_none()),
                "{}: the README shows no summary output",
                service.crate_name
            );
            continue;
        };
        let server = MockServer::start().await;
        for spec in service.reports {
            let operation = service.operation(&spec.operation).unwrap();
            let body = spec.example.as_deref().unwrap_or("{}").to_owned();
            Mock::given(method(operation.http_method))
                .and(path(operation.path))
                .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
                .mount(&server)
                .await;
        }
        let mut builder = ClientBuilder::new(service.info).base_url(server.uri());
        for credential in service.info.credentials {
            builder = builder.credential(credential.scheme, "test");
        }
        let client = (service.connect)(builder).unwrap();
        let query = ReportQuery::examples(&[]);
        let mut summary = report::Aggregator::new(Granularity::Day, &query.group_by);
        service
            .run_report(
                client.as_ref(),
                &query,
                &|spec| spec.example.is_some(),
                &mut |_| {},
                &mut |record| summary.add(record),
            )
            .await
            .unwrap();
        let printed = report::table(&summary);
        assert_eq!(
            without_windows(&printed),
            without_windows(&shown),
            "{}: the README's summary output is stale",
            service.crate_name
        );
        compared += 1;
    }
    assert_eq!(compared, SERVICES.len());
}
