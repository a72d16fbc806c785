//! `usagekit call`: any operation, parameters as text, every page as JSON.

use std::io::Write;
use std::process::ExitCode;

use futures_util::StreamExt;

/// `--name value`, `--name=value` → (name, value).
fn parse_params(args: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut params = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let name = arg
            .strip_prefix("--")
            .ok_or_else(|| format!("expected `--name value`, found `{arg}`"))?;
        match name.split_once('=') {
            Some((name, value)) => params.push((name.to_owned(), value.to_owned())),
            None => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("`--{name}` needs a value"))?;
                params.push((name.to_owned(), value.clone()));
            }
        }
    }
    Ok(params)
}

pub async fn call(provider: &str, operation: &str, args: &[String]) -> Result<ExitCode, String> {
    let service = crate::run::select(&[provider.to_owned()])?
        .pop()
        .ok_or_else(|| format!("unknown provider `{provider}`"))?;
    let params = parse_params(args)?;
    let client = service.from_env().map_err(|error| error.to_string())?;
    let mut pages = client.call(operation, &params)?;
    let mut stdout = std::io::stdout().lock();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| error.to_string())?;
        writeln!(stdout, "{page}").map_err(|error| format!("cannot write: {error}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_take_both_spellings() {
        let args: Vec<String> = [
            "--start_time",
            "1",
            "--group_by=model",
            "--group_by",
            "project_id",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            parse_params(&args).unwrap(),
            [
                ("start_time", "1"),
                ("group_by", "model"),
                ("group_by", "project_id")
            ]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
        );
        assert!(parse_params(&["start_time".to_owned()]).is_err());
        assert!(parse_params(&["--limit".to_owned()]).is_err());
    }
}
