//! Reads an operation's `x-usagekit-report`: how its pages map to usage records.
//! Every name in it is checked against the operation's parameters and its 2xx
//! schema, so a mapping that compiles reads real fields.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, Type};
use serde::Deserialize;

use usagekit_report::{
    Dimension, GroupBy, List, Metric, Path, Period, ReportRequest, ReportSpec, Term, Text,
    TimeFormat, TimeParam, Unit,
};

use crate::spec::refs;
use crate::spec::status;

/// Operation extension: how the operation's pages map to usage records.
pub const EXTENSION: &str = "x-usagekit-report";

/// What `help` says for any mistake in the extension.
pub const HELP: &str = "see \"x-usagekit-report\" in ARCHITECTURE.md: `request` (start, end, bucket-width `{param, day, hour}`, group-by, params naming query parameters), `rows` (`$.data[].results[]`), `where` (`{object: kind}`: rows of one kind), `period` (`{start, end, format}`, `{start, format: date}` or `{start, format, width: 1d}` for rows of one day, `range`, or `{snapshot: label, window-days}`), `dimensions` (model, project, api_key, upstream), `metrics` (a path, a list of paths to add, each may be `{path, scale}`, or `{value, unit | currency, scale, kind: sum | level}`) and `replaces` (operations whose figures this one's include), with paths relative to a row or starting at `$.`; `request.in: body` puts the parameters in a JSON request body, and `request.cursor: {param, next}` pages it";

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
    #[serde(default)]
    replaces: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RequestExtension {
    /// `query` (the default) or `body`: the members of a JSON request body.
    #[serde(rename = "in")]
    location: Option<String>,
    start: Option<TimeParamExtension>,
    end: Option<TimeParamExtension>,
    bucket_width: Option<BucketWidthExtension>,
    group_by: Option<GroupByExtension>,
    #[serde(default)]
    params: BTreeMap<String, serde_json::Value>,
    /// A POST query's paging: `{param: <body member>, next: <the page's token>}`.
    cursor: Option<CursorExtension>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorExtension {
    param: String,
    next: String,
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
    /// The value for one-hour buckets, where the API has them.
    #[serde(default)]
    hour: Option<String>,
    /// Params sent instead of `request.params` with hours (a page size).
    #[serde(default, rename = "hour-params")]
    hour_params: BTreeMap<String, serde_json::Value>,
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
        /// Absent when each row names a day (`format: date`, or `width: 1d`).
        #[serde(default)]
        end: Option<String>,
        format: String,
        /// `1d`: each row's bucket is the day from its start.
        #[serde(default)]
        width: Option<String>,
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
    One(TermExtension),
    Many(Vec<TermExtension>),
}

/// A value to add: its path, or `{path, scale}` (the `nanos` of `{units, nanos}`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TermExtension {
    Path(String),
    Scaled {
        path: String,
        scale: serde_json::Value,
    },
}

impl OneOrMany {
    fn terms(&self) -> Vec<&TermExtension> {
        match self {
            Self::One(term) => vec![term],
            Self::Many(terms) => terms.iter().collect(),
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
    /// `sum` (the default: a flow, such as tokens or spend) or `level` (a balance).
    kind: Option<String>,
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
        "upstream" => Ok(Dimension::Upstream),
        other => Err((
            at.to_owned(),
            format!(
                "unknown dimension `{other}`; expected `model`, `project`, `api_key` or `upstream`"
            ),
        )),
    }
}

/// The schema of a property, looking through `allOf`, `oneOf` and `anyOf` (a
/// property any branch has is readable: rows of other kinds simply lack it).
fn property<'a>(api: &'a OpenAPI, schema: &'a Schema, key: &str) -> Option<&'a Schema> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            refs::boxed_schema(api, object.properties.get(key)?)
        }
        SchemaKind::AllOf { all_of: branches }
        | SchemaKind::OneOf { one_of: branches }
        | SchemaKind::AnyOf { any_of: branches } => branches
            .iter()
            .filter_map(|branch| refs::schema(api, branch).map(|(s, _)| s))
            .find_map(|branch| property(api, branch, key)),
        // `type: object` beside `allOf` (a nullable `$ref`), or properties with parts.
        SchemaKind::Any(any) => any
            .properties
            .get(key)
            .and_then(|own| refs::boxed_schema(api, own))
            .or_else(|| {
                any.all_of
                    .iter()
                    .chain(&any.one_of)
                    .chain(&any.any_of)
                    .filter_map(|branch| refs::schema(api, branch).map(|(s, _)| s))
                    .find_map(|branch| property(api, branch, key))
            }),
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
            .filter_map(|branch| refs::schema(api, branch).map(|(s, _)| s))
            .flat_map(|branch| property_names(api, branch))
            .collect(),
        SchemaKind::Any(any) => any
            .properties
            .keys()
            .cloned()
            .chain(
                any.all_of
                    .iter()
                    .chain(&any.one_of)
                    .chain(&any.any_of)
                    .filter_map(|branch| refs::schema(api, branch).map(|(s, _)| s))
                    .flat_map(|branch| property_names(api, branch)),
            )
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
        SchemaKind::Type(Type::Array(array)) => refs::boxed_schema(api, array.items.as_ref()?),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            array_items(api, refs::schema(api, &all_of[0])?.0)
        }
        _ => None,
    }
}

/// The dot-separated keys of one group of a path (`data.results`).
fn keys_of(group: &str) -> Vec<String> {
    group
        .trim_matches('.')
        .split('.')
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The operation's mapping, `None` without the extension, or the first mistake in
/// it. `id` names the operation in the mapping.
pub fn report(
    api: &OpenAPI,
    id: &str,
    operation: &Operation,
) -> Result<Option<ReportSpec>, ReportError> {
    let Some(value) = operation.extensions.get(EXTENSION) else {
        return Ok(None);
    };
    let ext: Extension = serde_json::from_value(value.clone())
        .map_err(|e| (String::new(), format!("malformed {EXTENSION}: {e}")))?;
    let request = request(api, operation, &ext.request)?;
    if ext.replaces.iter().any(|replaced| replaced == id) {
        return Err((
            "/replaces".to_owned(),
            "an operation cannot replace itself".to_owned(),
        ));
    }
    let root = success_media(api, operation)
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| refs::schema(api, s))
        .map(|(s, _)| s)
        .ok_or_else(|| {
            (
                String::new(),
                "the operation has no 2xx JSON schema to read".to_owned(),
            )
        })?;
    let page = Rows::read(api, root, &ext.rows)?;
    let mut request = request;
    if let Some(cursor) = &ext.request.cursor {
        if !request.in_body {
            return Err((
                "/request/cursor".to_owned(),
                "`cursor` pages a POST query (`in: body`); a GET operation pages with `x-usagekit-pagination`".to_owned(),
            ));
        }
        let next = page.value_path(
            &format!("$.{}", cursor.next.trim_start_matches("$.")),
            "/request/cursor/next",
        )?;
        request.body_cursor = Some((Text::from(cursor.param.clone()), next));
    }
    let period = page.period(&ext.period)?;
    let mut filters = Vec::new();
    for (path, wanted) in &ext.filters {
        filters.push((
            page.value_path(path, &format!("/where/{path}"))?,
            Text::from(wanted.clone()),
        ));
    }
    let mut dimensions = Vec::new();
    for (name, path) in &ext.dimensions {
        let at = format!("/dimensions/{name}");
        dimensions.push((dimension(name, &at)?, page.value_path(path, &at)?));
    }
    let mut metrics = Vec::new();
    for (name, metric) in &ext.metrics {
        metrics.push(page.metric(name, metric)?);
    }
    if metrics.is_empty() {
        return Err((
            "/metrics".to_owned(),
            "a report needs at least one metric".to_owned(),
        ));
    }
    Ok(Some(ReportSpec {
        operation: id.to_owned().into(),
        request,
        rows: page
            .rows
            .into_iter()
            .map(|keys| keys.into_iter().map(Text::from).collect::<List<Text>>())
            .collect(),
        filters: filters.into(),
        period,
        dimensions: dimensions.into(),
        metrics: metrics.into(),
        example: example(api, operation).map(Text::from),
        replaces: ext
            .replaces
            .iter()
            .map(|replaced| Text::from(replaced.clone()))
            .collect(),
    }))
}

/// How to ask for a range: every parameter named must be the operation's (a
/// query parameter, or with `in: body` a member of its JSON request body).
fn request(
    api: &OpenAPI,
    operation: &Operation,
    ext: &RequestExtension,
) -> Result<ReportRequest, ReportError> {
    let in_body = match ext.location.as_deref() {
        None | Some("query") => false,
        Some("body") => true,
        Some(other) => {
            return Err((
                "/request/in".to_owned(),
                format!("unknown place `{other}`; expected `query` or `body`"),
            ));
        }
    };
    let body = if in_body {
        let schema = operation
            .request_body
            .as_ref()
            .and_then(|body| refs::request_body(api, body))
            .and_then(|body| {
                body.content
                    .iter()
                    .find(|(media_type, _)| refs::is_json(media_type))
            })
            .and_then(|(_, media)| media.schema.as_ref())
            .and_then(|schema| refs::schema(api, schema))
            .map(|(schema, _)| schema)
            .ok_or_else(|| {
                (
                    "/request/in".to_owned(),
                    "`in: body` needs a JSON request body with properties; the operation has none"
                        .to_owned(),
                )
            })?;
        Some(schema)
    } else {
        None
    };
    let names = || {
        operation
            .parameters
            .iter()
            .filter_map(|p| refs::parameter(api, p))
            .map(|p| p.parameter_data_ref().name.as_str())
    };
    let parameter = |name: &str, at: &str| {
        if let Some(schema) = body {
            return match property(api, schema, name) {
                Some(_) => Ok(()),
                None => Err((at.to_owned(), missing_member(api, schema, name))),
            };
        }
        if names().any(|known| known == name) {
            return Ok(());
        }
        let listed: Vec<String> = names().map(|name| format!("`{name}`")).collect();
        let has = if listed.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", listed.join(", "))
        };
        Err((
            at.to_owned(),
            format!("`{name}` is not a parameter of this operation; {has}"),
        ))
    };
    let mut request = ReportRequest::default();
    for (slot, found, at) in [
        (&mut request.start, &ext.start, "/request/start"),
        (&mut request.end, &ext.end, "/request/end"),
    ] {
        if let Some(time) = found {
            parameter(&time.param, at)?;
            *slot = Some(TimeParam {
                param: time.param.clone().into(),
                format: time_format(&time.format, &format!("{at}/format"))?,
            });
        }
    }
    if let Some(width) = &ext.bucket_width {
        parameter(&width.param, "/request/bucket-width")?;
        request.bucket_width = Some((width.param.clone().into(), width.day.clone().into()));
        request.hour_width = width.hour.clone().map(Text::from);
        if !width.hour_params.is_empty() && width.hour.is_none() {
            return Err((
                "/request/bucket-width/hour-params".to_owned(),
                "`hour-params` needs `hour`, the width's value for one-hour buckets".to_owned(),
            ));
        }
        request.hour_params = fixed_params(
            &width.hour_params,
            "/request/bucket-width/hour-params",
            in_body,
            &parameter,
        )?;
    }
    if let Some(group_by) = &ext.group_by {
        parameter(&group_by.param, "/request/group-by")?;
        let mut values = Vec::new();
        for (name, value) in &group_by.values {
            let at = format!("/request/group-by/values/{name}");
            values.push((dimension(name, &at)?, Text::from(value.clone())));
        }
        request.group_by = Some(GroupBy {
            param: group_by.param.clone().into(),
            values: values.into(),
        });
    }
    request.params = fixed_params(&ext.params, "/request/params", in_body, &parameter)?;
    request.in_body = in_body;
    if let Some(cursor) = &ext.cursor {
        parameter(&cursor.param, "/request/cursor/param")?;
    }
    if let Some(schema) = body {
        let mut named: Vec<&str> = Vec::new();
        named.extend(
            request
                .start
                .iter()
                .chain(&request.end)
                .map(|t| t.param.as_ref()),
        );
        named.extend(request.bucket_width.iter().map(|(param, _)| param.as_ref()));
        named.extend(request.group_by.iter().map(|g| g.param.as_ref()));
        named.extend(request.params.iter().map(|(name, _)| name.as_ref()));
        named.sort_unstable();
        named.dedup();
        request.body_arrays = named
            .into_iter()
            .filter(|name| {
                property(api, schema, name).is_some_and(|member| {
                    matches!(member.schema_kind, SchemaKind::Type(Type::Array(_)))
                })
            })
            .map(|name| Text::from(name.to_owned()))
            .collect();
    }
    Ok(request)
}

/// Params sent as they are, each checked to be the operation's: as text in a
/// query, as JSON text in a body (a member keeps its type: `100`, `"ACCOUNT"`).
fn fixed_params(
    given: &BTreeMap<String, serde_json::Value>,
    at: &str,
    in_body: bool,
    parameter: &dyn Fn(&str, &str) -> Result<(), ReportError>,
) -> Result<List<(Text, Text)>, ReportError> {
    let mut params = Vec::new();
    for (name, value) in given {
        parameter(name, &format!("{at}/{name}"))?;
        let text = match value {
            _ if in_body => value.to_string(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        params.push((Text::from(name.clone()), Text::from(text)));
    }
    Ok(params.into())
}

fn missing_member(api: &OpenAPI, schema: &Schema, name: &str) -> String {
    let names: Vec<String> = property_names(api, schema)
        .iter()
        .map(|name| format!("`{name}`"))
        .collect();
    format!(
        "`{name}` is not a member of this operation's request body; it has {}",
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    )
}

/// The page's row path, and the schema at each of its levels: the page, then
/// each array's items. Paths are read against these.
struct Rows<'a> {
    api: &'a OpenAPI,
    text: &'a str,
    rows: Vec<Vec<String>>,
    levels: Vec<&'a Schema>,
}

impl<'a> Rows<'a> {
    fn read(api: &'a OpenAPI, root: &'a Schema, text: &'a str) -> Result<Self, ReportError> {
        let mut page = Self {
            api,
            text,
            rows: Vec::new(),
            levels: vec![root],
        };
        let rows_text = text
            .strip_prefix("$")
            .ok_or_else(|| ("/rows".to_owned(), format!("`{text}` must start with `$`")))?;
        if rows_text.is_empty() {
            return Ok(page);
        }
        let groups: Vec<&str> = rows_text.trim_start_matches('.').split("[]").collect();
        if groups.last() != Some(&"") {
            return Err((
                "/rows".to_owned(),
                format!("`{text}` must end at an array, with `[]`"),
            ));
        }
        for group in &groups[..groups.len() - 1] {
            let keys = keys_of(group);
            let mut schema = *page.levels.last().unwrap_or(&root);
            for key in &keys {
                schema = property(api, schema, key).ok_or_else(|| {
                    ("/rows".to_owned(), missing_property(api, schema, key, text))
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
            page.rows.push(keys);
            page.levels.push(items);
        }
        Ok(page)
    }

    /// A path to a value: relative to a row, or from the page with `$.`, whose
    /// arrays must be the rows' own.
    fn value_path(&self, text: &str, at: &str) -> Result<Path, ReportError> {
        let (level, keys_text) = match text.strip_prefix("$") {
            Some(absolute) => {
                let groups: Vec<&str> = absolute.trim_start_matches('.').split("[]").collect();
                let (leaf, arrays) = groups.split_last().unwrap_or((&"", &[]));
                for (index, group) in arrays.iter().enumerate() {
                    if self
                        .rows
                        .get(index)
                        .is_none_or(|row| *row != keys_of(group))
                    {
                        return Err((
                            at.to_owned(),
                            format!(
                                "`{text}` leaves the row path `{}`: its arrays must be the rows' own",
                                self.text
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
            None => (self.rows.len(), text),
        };
        let keys = keys_of(keys_text);
        if keys.is_empty() {
            return Err((at.to_owned(), format!("`{text}` names no property")));
        }
        let mut schema = self.levels[level];
        for key in &keys {
            schema = property(self.api, schema, key)
                .ok_or_else(|| (at.to_owned(), missing_property(self.api, schema, key, text)))?;
        }
        Ok(Path {
            level,
            keys: keys.into_iter().map(Text::from).collect(),
        })
    }

    fn period(&self, period: &PeriodExtension) -> Result<Period, ReportError> {
        Ok(match period {
            PeriodExtension::Keyword(word) if word == "range" => Period::Range,
            PeriodExtension::Keyword(other) => {
                return Err((
                    "/period".to_owned(),
                    format!(
                        "unknown period `{other}`; expected `range`, `{{start, end, format}}` or `{{snapshot: …}}`"
                    ),
                ));
            }
            PeriodExtension::Buckets {
                start,
                end,
                format,
                width,
            } => {
                let format = time_format(format, "/period/format")?;
                match width.as_deref() {
                    None | Some("1d") => {}
                    Some(other) => {
                        return Err((
                            "/period/width".to_owned(),
                            format!(
                                "unknown width `{other}`; `1d` is the one width a row's start can be given (else give `end`)"
                            ),
                        ));
                    }
                }
                if end.is_some() && width.is_some() {
                    return Err((
                        "/period".to_owned(),
                        "give `end` or `width`, not both".to_owned(),
                    ));
                }
                if end.is_none() && width.is_none() && format != TimeFormat::Date {
                    return Err((
                        "/period".to_owned(),
                        "a bucket without `end` must name a day (`format: date`) or say its width (`width: 1d`); or give the path of the bucket's end".to_owned(),
                    ));
                }
                Period::Buckets {
                    start: self.value_path(start, "/period/start")?,
                    end: end
                        .as_deref()
                        .map(|end| self.value_path(end, "/period/end"))
                        .transpose()?,
                    format,
                }
            }
            PeriodExtension::Snapshot {
                snapshot,
                window_days,
            } => Period::Snapshot {
                label: snapshot.clone().into(),
                window_days: window_days
                    .as_deref()
                    .map(|path| self.value_path(path, "/period/window-days"))
                    .transpose()?,
            },
        })
    }

    fn metric(&self, name: &str, metric: &MetricExtension) -> Result<Metric, ReportError> {
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
                name.to_owned()
            }
        };
        let mut level = false;
        let (terms, unit, scale) = match metric {
            MetricExtension::Short(terms) => {
                (terms.terms(), Unit::Fixed(default_unit().into()), None)
            }
            MetricExtension::Full(full) => {
                let unit = match (&full.unit, &full.currency) {
                    (Some(_), Some(_)) => {
                        return Err((at, "give `unit` or `currency`, not both".to_owned()));
                    }
                    (Some(unit), None) => Unit::Fixed(unit.clone().into()),
                    (None, Some(currency)) => {
                        Unit::Currency(self.value_path(currency, &format!("{at}/currency"))?)
                    }
                    (None, None) => Unit::Fixed(default_unit().into()),
                };
                level = match full.kind.as_deref() {
                    None | Some("sum") => false,
                    Some("level") => true,
                    Some(other) => {
                        return Err((
                            format!("{at}/kind"),
                            format!(
                                "unknown kind `{other}`; expected `sum` (added up: tokens, spend) or `level` (the latest reading: a balance)"
                            ),
                        ));
                    }
                };
                (full.value.terms(), unit, scale(full.scale.as_ref(), &at)?)
            }
        };
        // Money needs its currency: read from the row, or fixed where the provider
        // never names it (OpenRouter's USD), as an ISO 4217 code.
        let iso_code = |unit: &str| unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase());
        let money = match &unit {
            Unit::Currency(_) => true,
            Unit::Fixed(unit) => iso_code(unit),
        };
        if name == "cost" && !money {
            return Err((
                at,
                "`cost` needs `currency` (the path of the amount's currency code) or a fixed `unit` that is an ISO 4217 code (`unit: USD`)".to_owned(),
            ));
        }
        let values = terms
            .iter()
            .map(|term| match term {
                TermExtension::Path(path) => Ok::<_, ReportError>(Term {
                    path: self.value_path(path, &format!("{at}/value"))?,
                    scale: None,
                }),
                TermExtension::Scaled {
                    path,
                    scale: factor,
                } => Ok(Term {
                    path: self.value_path(path, &format!("{at}/value"))?,
                    scale: self::scale(Some(factor), &format!("{at}/value"))?.map(Text::from),
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if values.is_empty() {
            return Err((at, "a metric needs at least one value path".to_owned()));
        }
        Ok(Metric {
            name: name.to_owned().into(),
            values: values.into(),
            unit,
            scale: scale.map(Text::from),
            level,
        })
    }
}

/// A metric's `scale`: a number, or a numeric string.
fn scale(scale: Option<&serde_json::Value>, at: &str) -> Result<Option<String>, ReportError> {
    match scale {
        None => Ok(None),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(serde_json::Value::String(s)) if s.parse::<f64>().is_ok() => Ok(Some(s.clone())),
        Some(other) => Err((
            format!("{at}/scale"),
            format!("`scale` must be a number, not {other}"),
        )),
    }
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
        .and_then(|(_, r)| refs::response(api, r))
        .and_then(refs::json_media)
}

/// The 2xx response's JSON example (`example`, or the first of `examples`), minified.
fn example(api: &OpenAPI, operation: &Operation) -> Option<String> {
    let media = success_media(api, operation)?;
    let value = media.example.clone().or_else(|| {
        media.examples.values().find_map(|example| match example {
            ReferenceOr::Item(example) => example.value.clone(),
            ReferenceOr::Reference { .. } => None,
        })
    })?;
    Some(value.to_string())
}
