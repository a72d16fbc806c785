//! `usagekit demo`: every report operation's example response (from its spec),
//! served on loopback and read through the real clients.

use std::collections::BTreeMap;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use usagekit_runtime::ClientBuilder;
use usagekit_runtime::report::ReportQuery;

use crate::Shape;
use crate::run;
use crate::summary::Summary;

pub async fn demo(shape: &Shape, query: &ReportQuery) -> Result<Summary, String> {
    let services = run::select(&shape.provider)?;
    // `/<provider key><operation path>` → the example body.
    let mut routes = BTreeMap::new();
    for service in &services {
        for spec in service.reports {
            let (Some(example), Some(operation)) =
                (spec.example.as_deref(), service.operation(&spec.operation))
            else {
                continue;
            };
            routes.insert(format!("/{}{}", service.key, operation.path), example);
        }
    }
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|error| format!("cannot listen on loopback: {error}"))?;
    let address = listener
        .local_addr()
        .map_err(|error| format!("cannot read the loopback address: {error}"))?;
    tokio::spawn(serve(listener, routes));

    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    for service in services {
        if !service.reports.iter().any(|spec| spec.example.is_some()) {
            skipped.push((
                service.key,
                "its spec has no example response for a report operation".to_owned(),
            ));
            continue;
        }
        let mut builder = ClientBuilder::new(service.info)
            .base_url(format!("http://{address}/{}", service.key))
            .max_retries(0);
        for credential in service.info.credentials {
            builder = builder.credential(credential.scheme, "demo");
        }
        for (parameter, _) in service.info.parameters {
            builder = builder.parameter(parameter, "demo");
        }
        let client = (service.connect)(builder).map_err(|error| error.to_string())?;
        sources.push((service, client));
    }
    let mut summary: Summary =
        run::collect(&sources, query, shape, &|spec| spec.example.is_some()).await;
    summary.skipped.splice(0..0, skipped);
    Ok(summary)
}

async fn serve(listener: TcpListener, routes: BTreeMap<String, &'static str>) {
    let routes = std::sync::Arc::new(routes);
    while let Ok((mut stream, _)) = listener.accept().await {
        let routes = std::sync::Arc::clone(&routes);
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buffer = [0; 4096];
            // GET requests: the head is the whole request.
            while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                }
            }
            let head = String::from_utf8_lossy(&request);
            let target = head.split_whitespace().nth(1).unwrap_or("/");
            let path = target.split('?').next().unwrap_or(target);
            let found = routes
                .iter()
                .find(|(pattern, _)| matches_template(pattern, path))
                .map(|(_, body)| body);
            let (status, body) = match found {
                Some(body) => ("200 OK", (*body).to_owned()),
                None => (
                    "404 Not Found",
                    format!("{{\"error\":\"no example for {path}\"}}"),
                ),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        });
    }
}

/// Whether `path` fits a path template (`/teams/{team_id}/balance`): the same
/// segments, a `{…}` segment taking any one.
fn matches_template(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(expected, given)| {
            expected == given || (expected.starts_with('{') && expected.ends_with('}'))
        })
}
