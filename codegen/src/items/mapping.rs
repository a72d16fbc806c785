//! The spec's `x-usagekit-report` mappings as a Rust literal of the one mapping
//! type, `usagekit_report::ReportSpec`, with its text borrowed from the binary.

use proc_macro2::TokenStream;
use quote::quote;
use usagekit_report::{
    Dimension, GroupBy, Metric, Path, Period, ReportSpec, Term, Text, TimeFormat, TimeParam, Unit,
};

/// The module that holds the mappings, and what `SERVICE.reports` names.
pub(super) fn statics(reports: &[ReportSpec]) -> (TokenStream, TokenStream) {
    if reports.is_empty() {
        return (quote!(), quote!(&[]));
    }
    let reports = reports.iter().map(spec);
    let module = quote! {
        /// The spec's `x-usagekit-report` mappings, for [`SERVICE`].
        mod report_mappings {
            use usagekit_runtime::report::*;

            pub(super) static REPORTS: &[ReportSpec] = &[#(#reports),*];
        }
    };
    (module, quote!(report_mappings::REPORTS))
}

fn text(text: &Text) -> TokenStream {
    let text: &str = text;
    quote!(Text::Borrowed(#text))
}

fn option<T>(value: Option<&T>, tokens: impl FnOnce(&T) -> TokenStream) -> TokenStream {
    match value {
        Some(value) => {
            let inner = tokens(value);
            quote!(Some(#inner))
        }
        None => quote!(None),
    }
}

fn list(items: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let items = items.into_iter();
    quote!(List::Borrowed(&[#(#items),*]))
}

fn path(path: &Path) -> TokenStream {
    let level = path.level;
    let keys = list(path.keys.iter().map(text));
    quote!(Path { level: #level, keys: #keys })
}

fn time_format(format: TimeFormat) -> TokenStream {
    match format {
        TimeFormat::UnixSeconds => quote!(TimeFormat::UnixSeconds),
        TimeFormat::DateTime => quote!(TimeFormat::DateTime),
        TimeFormat::Date => quote!(TimeFormat::Date),
    }
}

fn dimension(dimension: Dimension) -> TokenStream {
    match dimension {
        Dimension::Provider => quote!(Dimension::Provider),
        Dimension::Model => quote!(Dimension::Model),
        Dimension::Project => quote!(Dimension::Project),
        Dimension::ApiKey => quote!(Dimension::ApiKey),
        Dimension::Upstream => quote!(Dimension::Upstream),
    }
}

fn pair(a: &Text, b: &Text) -> TokenStream {
    let (a, b) = (text(a), text(b));
    quote!((#a, #b))
}

fn period(period: &Period) -> TokenStream {
    match period {
        Period::Buckets { start, end, format } => {
            let (start, end, format) = (
                path(start),
                option(end.as_ref(), path),
                time_format(*format),
            );
            quote!(Period::Buckets { start: #start, end: #end, format: #format })
        }
        Period::Range => quote!(Period::Range),
        Period::Snapshot { label, window_days } => {
            let label = text(label);
            let window_days = option(window_days.as_ref(), path);
            quote!(Period::Snapshot { label: #label, window_days: #window_days })
        }
    }
}

fn metric(metric: &Metric) -> TokenStream {
    let name = text(&metric.name);
    let values = list(metric.values.iter().map(|term: &Term| {
        let (at, scale) = (path(&term.path), option(term.scale.as_ref(), text));
        quote!(Term { path: #at, scale: #scale })
    }));
    let unit = match &metric.unit {
        Unit::Fixed(unit) => {
            let unit = text(unit);
            quote!(Unit::Fixed(#unit))
        }
        Unit::Currency(at) => {
            let at = path(at);
            quote!(Unit::Currency(#at))
        }
    };
    let scale = option(metric.scale.as_ref(), text);
    let level = metric.level;
    quote!(Metric { name: #name, values: #values, unit: #unit, scale: #scale, level: #level })
}

/// A `ReportSpec` literal.
fn spec(spec: &ReportSpec) -> TokenStream {
    let request = &spec.request;
    let time_param = |param: &TimeParam| {
        let (name, format) = (text(&param.param), time_format(param.format));
        quote!(TimeParam { param: #name, format: #format })
    };
    let start = option(request.start.as_ref(), time_param);
    let end = option(request.end.as_ref(), time_param);
    let bucket_width = option(request.bucket_width.as_ref(), |(param, day)| {
        pair(param, day)
    });
    let hour_width = option(request.hour_width.as_ref(), text);
    let hour_params = list(
        request
            .hour_params
            .iter()
            .map(|(name, value)| pair(name, value)),
    );
    let group_by = option(request.group_by.as_ref(), |group_by: &GroupBy| {
        let param = text(&group_by.param);
        let values = list(group_by.values.iter().map(|(d, value)| {
            let (d, value) = (dimension(*d), text(value));
            quote!((#d, #value))
        }));
        quote!(GroupBy { param: #param, values: #values })
    });
    let params = list(request.params.iter().map(|(name, value)| pair(name, value)));
    let in_body = request.in_body;
    let body_arrays = list(request.body_arrays.iter().map(text));
    let body_cursor = option(request.body_cursor.as_ref(), |(member, at)| {
        let (member, at) = (text(member), path(at));
        quote!((#member, #at))
    });
    let replaces = list(spec.replaces.iter().map(text));
    let operation = text(&spec.operation);
    let rows = list(spec.rows.iter().map(|keys| list(keys.iter().map(text))));
    let filters = list(spec.filters.iter().map(|(at, wanted)| {
        let (at, wanted) = (path(at), text(wanted));
        quote!((#at, #wanted))
    }));
    let period = period(&spec.period);
    let dimensions = list(spec.dimensions.iter().map(|(d, at)| {
        let (d, at) = (dimension(*d), path(at));
        quote!((#d, #at))
    }));
    let metrics = list(spec.metrics.iter().map(metric));
    let example = option(spec.example.as_ref(), text);
    quote! {
        ReportSpec {
            operation: #operation,
            request: ReportRequest {
                start: #start,
                end: #end,
                bucket_width: #bucket_width,
                hour_width: #hour_width,
                hour_params: #hour_params,
                group_by: #group_by,
                params: #params,
                in_body: #in_body,
                body_arrays: #body_arrays,
                body_cursor: #body_cursor,
            },
            rows: #rows,
            filters: #filters,
            period: #period,
            dimensions: #dimensions,
            metrics: #metrics,
            example: #example,
            replaces: #replaces,
        }
    }
}
