//! progenitor's and typify's naming rules, in one place: what Rust name a spec's
//! operationId, parameter, schema, property or enum value becomes. The generator
//! predicts these names to refer to progenitor's output and to lint collisions
//! before progenitor panics on them. A progenitor bump re-checks this module
//! (`progenitor_surface` test).

use heck::{ToPascalCase, ToSnakeCase};

/// The method progenitor gives an operationId.
pub fn method_name(operation_id: &str) -> String {
    progenitor_rule(operation_id, ToSnakeCase::to_snake_case)
}

/// The builder setter progenitor gives a parameter.
pub fn setter_name(parameter: &str) -> String {
    progenitor_rule(parameter, ToSnakeCase::to_snake_case)
}

/// The type of an operation's inline schema: `<Operation><Part>`
/// (`UsageCostsGroupBy`, `CreateThingBody`, `ListThingsResponse`).
pub fn operation_type_name(method: &str, part: &str) -> String {
    progenitor_rule(&format!("{method}-{part}"), ToPascalCase::to_pascal_case)
}

/// The builder struct of an operation's method (`UsageCosts`).
pub fn builder_name(method: &str) -> String {
    progenitor_rule(method, ToPascalCase::to_pascal_case)
}

/// The type typify gives a component schema.
pub fn type_name(schema_name: &str) -> String {
    typify_rule(schema_name, ToPascalCase::to_pascal_case)
}

/// The struct field typify gives a property.
pub fn field_name(property: &str) -> String {
    typify_rule(property, ToSnakeCase::to_snake_case)
}

/// Names at a generated crate's root (its own items and what `lib.rs` re-exports).
/// A component schema whose type would share one is renamed `<Name>Object`, so
/// that `Error` (the client's) and `types::ErrorObject` (the spec's) read apart.
pub const ROOT_NAMES: &[&str] = &[
    "ApiError",
    "ByteStream",
    "Client",
    "ClientBuilder",
    "File",
    "ConfigError",
    "Error",
    "ErrorKind",
    "ResponseValue",
    "Result",
    "RetryPolicy",
    "Secret",
    "Stream",
    "TryStreamExt",
];

/// The first of `base`, `base2`, `base3`, … that is not taken; now taken.
pub fn claim(taken: &mut std::collections::BTreeSet<String>, base: &str) -> String {
    let name = first_free(base, |candidate| taken.contains(candidate));
    taken.insert(name.clone());
    name
}

/// The first of `base`, `base2`, `base3`, … that `is_taken` refuses.
pub fn first_free(base: &str, is_taken: impl Fn(&str) -> bool) -> String {
    std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{base}{n}")))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| unreachable!("the suffixes are endless"))
}

/// The first of `base`, `base_2`, `base_3`, … that `is_taken` refuses: a Rust
/// method or field name told apart from its twins.
pub fn first_free_snake(base: &str, is_taken: impl Fn(&str) -> bool) -> String {
    std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{}_{n}", base.trim_end_matches('_'))))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| unreachable!("the suffixes are endless"))
}

/// For each schema whose type name is a root name, the name it gets instead: one
/// no other type has, nor typify's name for another's inline schema (`also_taken`).
pub fn root_name_renames<'a>(
    schema_names: impl Iterator<Item = &'a str> + Clone,
    also_taken: &std::collections::BTreeSet<String>,
) -> std::collections::BTreeMap<String, String> {
    let mut taken: std::collections::BTreeSet<String> =
        schema_names.clone().map(type_name).collect();
    taken.extend(also_taken.iter().cloned());
    let mut renames = std::collections::BTreeMap::new();
    for name in schema_names {
        let ty = type_name(name);
        if ROOT_NAMES.contains(&ty.as_str()) {
            let new = first_free(&format!("{ty}Object"), |candidate| {
                taken.contains(candidate)
            });
            renames.insert(ty, new);
        }
    }
    renames
}

/// The variants typify gives a string enum's values, or the values that collide
/// (typify panics on those: "Failed to make unique variant names").
pub fn variant_names(values: &[&str]) -> Result<Vec<String>, Vec<String>> {
    let simple: Vec<String> = values.iter().map(|v| type_name(v)).collect();
    if all_unique(&simple) {
        return Ok(simple);
    }
    // typify's second try: elided characters become `X`.
    let spelled: Vec<String> = values
        .iter()
        .map(|v| type_name(&v.replace(|c: char| c == '_' || !is_ident_continue(c), "X")))
        .collect();
    if all_unique(&spelled) {
        return Ok(spelled);
    }
    let mut colliding: Vec<String> = values
        .iter()
        .zip(&spelled)
        .filter(|(_, name)| spelled.iter().filter(|other| other == name).count() > 1)
        .map(|(value, _)| (*value).to_owned())
        .collect();
    colliding.dedup();
    Err(colliding)
}

fn all_unique(names: &[String]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    names.iter().all(|name| seen.insert(name))
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// progenitor-impl's `util::sanitize`: a leading non-letter gets `_`.
fn progenitor_rule(input: &str, to_case: fn(&str) -> String) -> String {
    sanitize(input, to_case, "_")
}

/// typify-impl's `util::sanitize`: a leading non-letter gets `x` (`X`).
fn typify_rule(input: &str, to_case: fn(&str) -> String) -> String {
    sanitize(input, to_case, &to_case("x"))
}

fn sanitize(input: &str, to_case: fn(&str) -> String, prefix: &str) -> String {
    let mut out = match input {
        "+1" => to_case("plus1"),
        "-1" => to_case("minus1"),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_ident_continue(c), "-"),
        ),
    };
    match out.chars().next() {
        None => out = to_case("x"),
        Some(c) if is_ident_start(c) => {}
        Some(_) => out.insert_str(0, prefix),
    }
    if syn::parse_str::<syn::Ident>(&out).is_err() || out == "gen" {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_progenitor_and_typify() {
        assert_eq!(method_name("usage-completions"), "usage_completions");
        assert_eq!(setter_name("type"), "type_");
        assert_eq!(setter_name("2fa"), "_2fa");
        assert_eq!(field_name("2fa"), "x2fa");
        assert_eq!(field_name("@timestamp"), "timestamp");
        assert_eq!(type_name("Usage.Result"), "UsageResult");
        assert_eq!(
            variant_names(&["gpt-4o", "a b", "1m", ""]).unwrap(),
            ["Gpt4o", "AB", "X1m", "X"]
        );
        assert_eq!(
            variant_names(&["1m", "1M", "1h"]).unwrap_err(),
            ["1m", "1M"]
        );
        assert_eq!(
            variant_names(&["per-day", "per_day"]).unwrap_err(),
            ["per-day", "per_day"]
        );
    }
}
