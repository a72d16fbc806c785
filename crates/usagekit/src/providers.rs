//! `usagekit providers`: what the command can reach, and with which credentials.

use std::process::ExitCode;

pub fn list() -> ExitCode {
    for service in usagekit_providers::SERVICES {
        let info = service.info;
        println!("{} — {} ({})", service.key, info.name, info.user_agent);
        let base_url = std::env::var(info.base_url_env)
            .ok()
            .filter(|url| !url.is_empty());
        match base_url {
            Some(url) => println!("  base URL: {url} (from {})", info.base_url_env),
            None => println!(
                "  base URL: {} (set {} to change)",
                info.default_base_url, info.base_url_env
            ),
        }
        for credential in info.credentials {
            let set = std::env::var(credential.env).is_ok_and(|value| !value.is_empty());
            println!(
                "  credential {}: {} {}",
                credential.scheme,
                credential.env,
                if set { "is set" } else { "is not set" }
            );
        }
        for (name, env) in info.parameters {
            let set = std::env::var(env).is_ok_and(|value| !value.is_empty());
            println!(
                "  parameter {name} (every call): {env} {}",
                if set { "is set" } else { "is not set" }
            );
        }
        let reported: Vec<&str> = service
            .reports
            .iter()
            .map(|spec| spec.operation.as_ref())
            .collect();
        println!(
            "  in the report: {}",
            if reported.is_empty() {
                "nothing (no x-usagekit-report in its spec)".to_owned()
            } else {
                reported.join(", ")
            }
        );
        println!("  operations:");
        for operation in service.operations {
            let paged = if operation.paginated {
                ", every page"
            } else {
                ""
            };
            println!(
                "    {} ({}{paged}): {} {}",
                operation.id, operation.method, operation.http_method, operation.path
            );
            for parameter in operation.parameters {
                let required = if parameter.required { ", required" } else { "" };
                println!("      --{} {}{required}", parameter.name, parameter.schema);
            }
        }
        println!();
    }
    ExitCode::SUCCESS
}
