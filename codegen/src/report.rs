//! Reads an operation's `x-usagekit-report`: how its pages map to usage records.
//! Every name in it is checked against the operation's parameters and its 2xx
//! schema, so a mapping that compiles reads real fields.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, Type};
use serde::Deserialize;

use usagekit_report::{Dimension, TimeFormat};

use crate::model::{json_media, resolve_parameter, resolve_response, resolve_schema};
use crate::status;

/// Operation extension: how the operation's pages map to usage records.
pub const REPORT_EXTENSION: &str = "x-usagekit-report";

/// What `help` says for any mistake in the extension.
pub const REPORT_HELP: &str = "see \"x-usagekit-report\" in ARCHITECTURE.md: `request` (start, end, bucket-width, group-by, params naming query parameters), `rows` (`$.data[].results[]`), `where` (`{object: kind}`: rows of one kind), `period` (`{start, end, format}`, `range`, or `{snapshot: label, window-days}`), `dimensions` (model, project, api_key) and `metrics` (a path, a list of paths to add, or `{value, unit | currency, scale}`), with paths relative to a row or starting at `$.`";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Extension {
    #[serde(default)]
    request: RequestExtension,
    rows: String,
    #[serde(default, rename = "where")]
    filters: BTreeMap<String, String>,
    period: PeriodExtension,
    #[serde(default)]
    dimensions: BTreeMap<String, String>,
    metrics: BTreeMap<String, MetricExtension>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RequestExtension {
    start: Option<TimeParamExtension>,
    end: Option<TimeParamExtension>,
    bucket_width: Option<BucketWidthExtension>,
    group_by: Option<GroupByExtension>,
    #[serde(default)]
    params: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeParamExtension {
    param: String,
    format: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BucketWidthExtension {
    param: String,
    day: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupByExtension {
    param: String,
    values: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PeriodExtension {
    Keyword(String),
    Buckets {
        start: String,
        end: String,
        format: String,
    },
    Snapshot {
        snapshot: String,
        #[serde(default, rename = "window-days")]
        window_days: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn paths(&self) -> Vec<&str> {
        match self {
            Self::One(path) => vec![path],
            Self::Many(paths) => paths.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum MetricExtension {
    Short(OneOrMany),
    Full(FullMetric),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FullMetric {
    value: OneOrMany,
    unit: Option<String>,
    currency: Option<String>,
    scale: Option<serde_json::Value>,
}

/// A value in a page: `keys` below the `level`-th element of the row path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePath {
    pub level: usize,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum PeriodModel {
    Buckets {
        start: ValuePath,
        end: ValuePath,
        format: TimeFormat,
    },
    Range,
    Snapshot {
        label: String,
        window_days: Option<ValuePath>,
    },
}

#[derive(Debug, Clone)]
pub enum UnitModel {
    Fixed(String),
    Currency(ValuePath),
}

#[derive(Debug, Clone)]
pub struct MetricModel {
    pub name: String,
    pub values: Vec<ValuePath>,
    pub unit: UnitModel,
    pub scale: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RequestModel {
    pub start: Option<(String, TimeFormat)>,
    pub end: Option<(String, TimeFormat)>,
    pub bucket_width: Option<(String, String)>,
    pub group_by: Option<(String, Vec<(Dimension, String)>)>,
    pub params: Vec<(String, String)>,
}

/// An operation's mapping, checked against its spec.
#[derive(Debug, Clone)]
pub struct ReportModel {
    pub request: RequestModel,
    pub rows: Vec<Vec<String>>,
    /// Only rows whose value at the path is the text.
    pub filters: Vec<(ValuePath, String)>,
    pub period: PeriodModel,
    pub dimensions: Vec<(Dimension, ValuePath)>,
    pub metrics: Vec<MetricModel>,
}

/// A mistake in the extension: where under it (a JSON pointer suffix) and what.
pub type ReportError = (String, String);

fn time_format(name: &str, at: &str) -> Result<TimeFormat, ReportError> {
    match name {
        "unix-seconds" => Ok(TimeFormat::UnixSeconds),
        "date-time" => Ok(TimeFormat::DateTime),
        "date" => Ok(TimeFormat::Date),
        other => Err((
            at.to_owned(),
            format!(
                "unknown time format `{other}`; expected `unix-seconds`, `date-time` or `date`"
            ),
        )),
    }
}

fn dimension(name: &str, at: &str) -> Result<Dimension, ReportError> {
    match name {
        "model" => Ok(Dimension::Model),
        "project" => Ok(Dimension::Project),
        "api_key" => Ok(Dimension::ApiKey),
        other => Err((
            at.to_owned(),
            format!("unknown dimension `{other}`; expected `model`, `project` or `api_key`"),
        )),
    }
}

/// A schema behind a property or array item, which `openapiv3` boxes.
fn resolve_boxed<'a>(api: &'a OpenAPI, schema: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(item) => Some(item.as_ref()),
        ReferenceOr::Reference { reference } => api
            .components
            .as_ref()?
            .schemas
            .get(reference.strip_prefix("#/components/schemas/")?)?
            .as_item(),
    }
}

/// The schema of a property, looking through `allOf`, `oneOf` and `anyOf` (a
/// property any branch has is readable: rows of other kinds simply lack it).
fn property<'a>(api: &'a OpenAPI, schema: &'a Schema, key: &str) -> Option<&'a Schema> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => resolve_boxed(api, object.properties.get(key)?),
        SchemaKind::AllOf { all_of: branches }
        | SchemaKind::OneOf { one_of: branches }
        | SchemaKind::AnyOf { any_of: branches } => branches
            .iter()
            .filter_map(|branch| resolve_schema(api, branch).map(|(s, _)| s))
            .find_map(|branch| property(api, branch, key)),
        _ => None,
    }
}

/// The property names readable in `schema`, for messages.
fn property_names(api: &OpenAPI, schema: &Schema) -> Vec<String> {
    let mut names: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.properties.keys().cloned().collect(),
        SchemaKind::AllOf { all_of: branches }
        | SchemaKind::OneOf { one_of: branches }
        | SchemaKind::AnyOf { any_of: branches } => branches
            .iter()
            .filter_map(|branch| resolve_schema(api, branch).map(|(s, _)| s))
            .flat_map(|branch| property_names(api, branch))
            .collect(),
        _ => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

fn missing_property(api: &OpenAPI, schema: &Schema, key: &str, path: &str) -> String {
    let names: Vec<String> = property_names(api, schema)
        .iter()
        .map(|name| format!("`{name}`"))
        .collect();
    if names.is_empty() {
        format!(
            "the response has no property `{key}` where `{path}` reads it: that value has no properties"
        )
    } else {
        format!(
            "the response has no property `{key}` where `{path}` reads it; there: {}",
            names.join(", ")
        )
    }
}

fn array_items<'a>(api: &'a OpenAPI, schema: &'a Schema) -> Option<&'a Schema> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => resolve_boxed(api, array.items.as_ref()?),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            array_items(api, resolve_schema(api, &all_of[0])?.0)
        }
        _ => None,
    }
}

pub fn report(api: &OpenAPI, operation: &Operation) -> Result<Option<ReportModel>, ReportError> {
    let Some(value) = operation.extensions.get(REPORT_EXTENSION) else {
        return Ok(None);
    };
    let ext: Extension = serde_json::from_value(value.clone())
        .map_err(|e| (String::new(), format!("malformed {REPORT_EXTENSION}: {e}")))?;

    let parameter = |name: &str, at: &str| {
        operation
            .parameters
            .iter()
            .filter_map(|p| resolve_parameter(api, p))
            .find(|p| p.parameter_data_ref().name == name)
            .ok_or_else(|| {
                let names: Vec<String> = operation
                    .parameters
                    .iter()
                    .filter_map(|p| resolve_parameter(api, p))
                    .map(|p| format!("`{}`", p.parameter_data_ref().name))
                    .collect();
                let has = if names.is_empty() {
                    "it has none".to_owned()
                } else {
                    format!("it has {}", names.join(", "))
                };
                (
                    at.to_owned(),
                    format!("`{name}` is not a parameter of this operation; {has}"),
                )
            })
    };
    let mut request = RequestModel::default();
    for (slot, found, at) in [
        (&mut request.start, &ext.request.start, "/request/start"),
        (&mut request.end, &ext.request.end, "/request/end"),
    ] {
        if let Some(time) = found {
            parameter(&time.param, at)?;
            *slot = Some((
                time.param.clone(),
                time_format(&time.format, &format!("{at}/format"))?,
            ));
        }
    }
    if let Some(width) = &ext.request.bucket_width {
        parameter(&width.param, "/request/bucket-width")?;
        request.bucket_width = Some((width.param.clone(), width.day.clone()));
    }
    if let Some(group_by) = &ext.request.group_by {
        parameter(&group_by.param, "/request/group-by")?;
        let mut values = Vec::new();
        for (name, value) in &group_by.values {
            let at = format!("/request/group-by/values/{name}");
            values.push((dimension(name, &at)?, value.clone()));
        }
        request.group_by = Some((group_by.param.clone(), values));
    }
    for (name, value) in &ext.request.params {
        parameter(name, &format!("/request/params/{name}"))?;
        let text = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        request.params.push((name.clone(), text));
    }

    let root = success_media(api, operation)
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| resolve_schema(api, s))
        .map(|(s, _)| s)
        .ok_or_else(|| {
            (
                String::new(),
                "the operation has no 2xx JSON schema to read".to_owned(),
            )
        })?;

    // The schema at each level of the row path: the page, then each array's items.
    let rows_text = ext.rows.strip_prefix("$").ok_or_else(|| {
        (
            "/rows".to_owned(),
            format!("`{}` must start with `$`", ext.rows),
        )
    })?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut levels: Vec<&Schema> = vec![root];
    if !rows_text.is_empty() {
        let groups: Vec<&str> = rows_text.trim_start_matches('.').split("[]").collect();
        if groups.last() != Some(&"") {
            return Err((
                "/rows".to_owned(),
                format!("`{}` must end at an array, with `[]`", ext.rows),
            ));
        }
        for group in &groups[..groups.len() - 1] {
            let keys: Vec<String> = group
                .trim_matches('.')
                .split('.')
                .filter(|key| !key.is_empty())
                .map(str::to_owned)
                .collect();
            let mut schema = *levels.last().unwrap_or(&root);
            for key in &keys {
                schema = property(api, schema, key).ok_or_else(|| {
                    (
                        "/rows".to_owned(),
                        missing_property(api, schema, key, &ext.rows),
                    )
                })?;
            }
            let items = array_items(api, schema).ok_or_else(|| {
                (
                    "/rows".to_owned(),
                    format!(
                        "`{}` is not an array in the response schema",
                        keys.join(".")
                    ),
                )
            })?;
            rows.push(keys);
            levels.push(items);
        }
    }

    let value_path = |text: &str, at: &str| -> Result<ValuePath, ReportError> {
        let (level, keys_text) = match text.strip_prefix("$") {
            Some(absolute) => {
                let groups: Vec<&str> = absolute.trim_start_matches('.').split("[]").collect();
                let (leaf, arrays) = groups.split_last().unwrap_or((&"", &[]));
                for (index, group) in arrays.iter().enumerate() {
                    let keys: Vec<&str> = group
                        .trim_matches('.')
                        .split('.')
                        .filter(|k| !k.is_empty())
                        .collect();
                    if rows.get(index).is_none_or(|row| *row != keys) {
                        return Err((
                            at.to_owned(),
                            format!(
                                "`{text}` leaves the row path `{}`: its arrays must be the rows' own",
                                ext.rows
                            ),
                        ));
                    }
                }
                (arrays.len(), leaf.trim_start_matches('.'))
            }
            None if text.contains("[]") => {
                return Err((
                    at.to_owned(),
                    format!(
                        "`{text}`: a path relative to a row reads no arrays; start it with `$.` to read the page"
                    ),
                ));
            }
            None => (rows.len(), text),
        };
        let keys: Vec<String> = keys_text
            .split('.')
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect();
        if keys.is_empty() {
            return Err((at.to_owned(), format!("`{text}` names no property")));
        }
        let mut schema = levels[level];
        for key in &keys {
            schema = property(api, schema, key)
                .ok_or_else(|| (at.to_owned(), missing_property(api, schema, key, text)))?;
        }
        Ok(ValuePath { level, keys })
    };

    let period = match &ext.period {
        PeriodExtension::Keyword(word) if word == "range" => PeriodModel::Range,
        PeriodExtension::Keyword(other) => {
            return Err((
                "/period".to_owned(),
                format!(
                    "unknown period `{other}`; expected `range`, `{{start, end, format}}` or `{{snapshot: …}}`"
                ),
            ));
        }
        PeriodExtension::Buckets { start, end, format } => PeriodModel::Buckets {
            start: value_path(start, "/period/start")?,
            end: value_path(end, "/period/end")?,
            format: time_format(format, "/period/format")?,
        },
        PeriodExtension::Snapshot {
            snapshot,
            window_days,
        } => PeriodModel::Snapshot {
            label: snapshot.clone(),
            window_days: window_days
                .as_deref()
                .map(|path| value_path(path, "/period/window-days"))
                .transpose()?,
        },
    };
    let mut filters = Vec::new();
    for (path, wanted) in &ext.filters {
        filters.push((value_path(path, &format!("/where/{path}"))?, wanted.clone()));
    }
    let mut dimensions = Vec::new();
    for (name, path) in &ext.dimensions {
        let at = format!("/dimensions/{name}");
        dimensions.push((dimension(name, &at)?, value_path(path, &at)?));
    }
    let mut metrics = Vec::new();
    for (name, metric) in &ext.metrics {
        let at = format!("/metrics/{name}");
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err((
                at,
                format!("metric `{name}` must be snake_case (`input_tokens`)"),
            ));
        }
        let default_unit = || {
            if name.ends_with("_tokens") {
                "tokens".to_owned()
            } else {
                name.clone()
            }
        };
        let (paths, unit, scale) = match metric {
            MetricExtension::Short(paths) => {
                (paths.paths(), UnitModel::Fixed(default_unit()), None)
            }
            MetricExtension::Full(full) => {
                let unit = match (&full.unit, &full.currency) {
                    (Some(_), Some(_)) => {
                        return Err((at, "give `unit` or `currency`, not both".to_owned()));
                    }
                    (Some(unit), None) => UnitModel::Fixed(unit.clone()),
                    (None, Some(currency)) => {
                        UnitModel::Currency(value_path(currency, &format!("{at}/currency"))?)
                    }
                    (None, None) => UnitModel::Fixed(default_unit()),
                };
                let scale = match &full.scale {
                    None => None,
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    Some(serde_json::Value::String(s)) if s.parse::<f64>().is_ok() => {
                        Some(s.clone())
                    }
                    Some(other) => {
                        return Err((
                            format!("{at}/scale"),
                            format!("`scale` must be a number, not {other}"),
                        ));
                    }
                };
                (full.value.paths(), unit, scale)
            }
        };
        if name == "cost" && !matches!(unit, UnitModel::Currency(_)) {
            return Err((
                at,
                "`cost` needs `currency`: the path of the amount's currency code".to_owned(),
            ));
        }
        let values = paths
            .iter()
            .map(|path| value_path(path, &format!("{at}/value")))
            .collect::<Result<Vec<_>, _>>()?;
        if values.is_empty() {
            return Err((at, "a metric needs at least one value path".to_owned()));
        }
        metrics.push(MetricModel {
            name: name.clone(),
            values,
            unit,
            scale,
        });
    }
    if metrics.is_empty() {
        return Err((
            "/metrics".to_owned(),
            "a report needs at least one metric".to_owned(),
        ));
    }
    Ok(Some(ReportModel {
        request,
        rows,
        filters,
        period,
        dimensions,
        metrics,
    }))
}

fn success_media<'a>(
    api: &'a OpenAPI,
    operation: &'a Operation,
) -> Option<&'a openapiv3::MediaType> {
    operation
        .responses
        .responses
        .iter()
        .find(|(status, _)| status::is_success(status))
        .and_then(|(_, r)| resolve_response(api, r))
        .and_then(json_media)
}

/// The 2xx response's JSON example (`example`, or the first of `examples`), minified.
pub fn example(api: &OpenAPI, operation: &Operation) -> Option<String> {
    let media = success_media(api, operation)?;
    let value = media.example.clone().or_else(|| {
        media.examples.values().find_map(|example| match example {
            ReferenceOr::Item(example) => example.value.clone(),
            ReferenceOr::Reference { .. } => None,
        })
    })?;
    Some(value.to_string())
}
