//! The code UsageKit adds to progenitor's: construction and credentials, the
//! runtime hook, typed errors and pagination per operation, discriminated unions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{ImplItem, Item};
use usagekit_report::{Dimension, TimeFormat};

use crate::context::Context;
use crate::model::{OperationModel, PageStyle, Pagination, ParameterModel, SuccessModel, Union};
use crate::report::{MetricModel, PeriodModel, ReportModel, UnitModel, ValuePath};

/// Items beside progenitor's `Client`: its builder, provider facts, `from_env`.
pub fn client_items(context: &Context<'_>) -> Result<Vec<Item>, String> {
    parse_items(client_tokens(context))
}

/// The discriminated unions, and one error enum for each operation whose error
/// statuses carry different bodies, for progenitor's `types` module.
pub fn union_items(context: &Context<'_>) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for operation in &context.operations {
        if let Some(errors) = &operation.errors
            && let Some(name) = &errors.enum_name
        {
            items.extend(parse_items(error_enum_tokens(
                operation,
                name,
                &errors.body_types(),
            ))?);
        }
    }
    for operation in &context.operations {
        if let Some(successes) = &operation.successes {
            items.extend(parse_items(success_enum_tokens(operation, successes))?);
        }
    }
    for union in &context.unions {
        items.extend(parse_items(union_tokens(union))?);
    }
    Ok(items)
}

/// `enum ReposMergeResponse { Created(Commit), NoContent }`: the result of an
/// operation whose success statuses carry different bodies, decoded by status.
fn success_enum_tokens(operation: &OperationModel, successes: &SuccessModel) -> TokenStream {
    let ty = format_ident!("{}", successes.enum_name);
    let doc = format!(
        "What `{}()` returns, by status: its success statuses carry different bodies.",
        operation.method
    );
    let mut seen = Vec::new();
    let variants = successes
        .variants
        .iter()
        .filter_map(|((low, high), variant, body)| {
            if seen.contains(variant) {
                return None;
            }
            seen.push(variant.clone());
            let name = format_ident!("{variant}");
            let status = if low == high {
                format!("`{low}`")
            } else {
                format!("`{low}`–`{high}`")
            };
            Some(match body {
                Some(body) => {
                    let doc = format!("{status}: the body documented as [`{body}`].");
                    let body = format_ident!("{body}");
                    quote! {
                        #[doc = #doc]
                        #name(#body)
                    }
                }
                None => {
                    let doc = format!("{status}: no body.");
                    quote! {
                        #[doc = #doc]
                        #name
                    }
                }
            })
        });
    body_enum(&doc, &ty, variants)
}

/// An enum of bodies (one per status, or per kind), serialized as the body itself.
fn body_enum(
    doc: &str,
    ty: &syn::Ident,
    variants: impl IntoIterator<Item = TokenStream>,
) -> TokenStream {
    let variants = variants.into_iter();
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #ty {
            #(#variants,)*
        }
    }
}

/// The decoder `complete_by_status` calls: the variant for each documented status.
fn success_decoder(successes: &SuccessModel) -> TokenStream {
    let ty = format_ident!("{}", successes.enum_name);
    let arms = successes.variants.iter().map(|((low, high), variant, body)| {
        let pattern = if low == high {
            quote!(#low)
        } else {
            quote!(#low..=#high)
        };
        let variant = format_ident!("{variant}");
        match body {
            Some(_) => quote!(#pattern => Some(usagekit_runtime::decode_json(body).map(types::#ty::#variant)),),
            None => quote!(#pattern => Some(Ok(types::#ty::#variant)),),
        }
    });
    quote! {
        |status, body| match status {
            #(#arms)*
            _ => None,
        }
    }
}

fn parse_items(tokens: TokenStream) -> Result<Vec<Item>, String> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| format!("the generator built code that does not parse (a generator bug): {e}"))
}

fn client_tokens(context: &Context<'_>) -> TokenStream {
    let settings = context.settings;
    let name = &settings.name;
    let base_url = &context.default_base_url;
    let base_url_env = settings.base_url_env();

    let mut specs = Vec::new();
    let mut setters = Vec::new();
    let mut env_vars = vec![format!("`{base_url_env}` (optional)")];
    for credential in &context.credentials {
        // Lints and settings validation guarantee an entry per scheme.
        let Some(chosen) = settings.credentials.get(&credential.scheme) else {
            continue;
        };
        let scheme = &credential.scheme;
        let setter = format_ident!("{}", chosen.setter);
        let setter_name = &chosen.setter;
        let env = &chosen.env;
        let placement = match &credential.header {
            None => quote!(usagekit_runtime::Placement::Bearer),
            Some(header) => quote!(usagekit_runtime::Placement::Header(#header)),
        };
        specs.push(quote! {
            usagekit_runtime::CredentialSpec {
                scheme: #scheme,
                setter: #setter_name,
                env: #env,
                placement: #placement,
            }
        });
        let wire = match &credential.header {
            None => "`Authorization: Bearer …`".to_owned(),
            Some(header) => format!("the `{header}` header"),
        };
        let mut doc = format!(
            "Sets the `{scheme}` credential, sent as {wire}. Read from `{env}` by `from_env`."
        );
        if let Some(description) = &credential.description {
            doc = format!("{description}\n\n{doc}");
        }
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(self, value: impl Into<usagekit_runtime::Secret>) -> Self {
                Self(self.0.credential(#scheme, value))
            }
        });
        env_vars.push(format!("`{env}`"));
    }
    let from_env_doc = format!(
        "A client configured from the environment: {}.",
        env_vars.join(", ")
    );
    let builder_doc =
        format!("Starts configuring a client. The base URL defaults to `{base_url}`.");
    let retry_statuses = settings.retry_statuses.as_ref().map_or_else(
        || quote!(usagekit_runtime::DEFAULT_RETRY_STATUSES),
        |statuses| quote!(&[#(#statuses),*]),
    );
    let retry_doc = match &settings.retry_statuses {
        None => "The HTTP statuses that are retried (default: \
                 [`usagekit_runtime::DEFAULT_RETRY_STATUSES`])."
            .to_owned(),
        Some(statuses) => format!(
            "The HTTP statuses that are retried (default for {name}: {}).",
            statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let default_headers = settings.default_headers.iter().map(|(name, value)| {
        let name = name.to_ascii_lowercase();
        quote!((#name, #value))
    });

    let service = service_tokens(context);
    quote! {
        #service

        static PROVIDER: usagekit_runtime::ProviderInfo = usagekit_runtime::ProviderInfo {
            name: #name,
            default_base_url: #base_url,
            base_url_env: #base_url_env,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            credentials: &[#(#specs),*],
            retry_statuses: #retry_statuses,
            default_headers: &[#(#default_headers),*],
        };

        impl ClientHooks<usagekit_runtime::Runtime> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request).await
            }
        }

        impl Client {
            #[doc = #builder_doc]
            pub fn builder() -> ClientBuilder {
                ClientBuilder(usagekit_runtime::ClientBuilder::new(&PROVIDER))
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, usagekit_runtime::ConfigError> {
                Self::builder().from_env()?.build()
            }
        }

        /// Configures a [`Client`]; see [`Client::builder`].
        #[derive(Debug, Clone)]
        #[must_use]
        pub struct ClientBuilder(usagekit_runtime::ClientBuilder);

        impl ClientBuilder {
            #[doc = #from_env_doc]
            pub fn from_env(self) -> Result<Self, usagekit_runtime::ConfigError> {
                self.0.from_env().map(Self)
            }

            /// The server to call, e.g. a proxy or a local test server.
            pub fn base_url(self, url: impl Into<String>) -> Self {
                Self(self.0.base_url(url))
            }

            #(#setters)*

            /// Time allowed for one attempt (default 60 s).
            pub fn timeout(self, timeout: std::time::Duration) -> Self {
                Self(self.0.timeout(timeout))
            }

            /// Time allowed to connect (default 10 s).
            pub fn connect_timeout(self, timeout: std::time::Duration) -> Self {
                Self(self.0.connect_timeout(timeout))
            }

            /// Retries after a transient failure (default 2; 0 turns retries off).
            pub fn max_retries(self, retries: u32) -> Self {
                Self(self.0.max_retries(retries))
            }

            /// Time allowed for a whole call, retries and waits included (default 300 s).
            pub fn deadline(self, deadline: std::time::Duration) -> Self {
                Self(self.0.deadline(deadline))
            }

            /// Backoff and `Retry-After` handling in full. `max_retries` and `deadline`
            /// win over the policy's own, whichever is called first.
            pub fn retry_policy(self, policy: usagekit_runtime::RetryPolicy) -> Self {
                Self(self.0.retry_policy(policy))
            }

            #[doc = #retry_doc]
            pub fn retry_statuses(self, statuses: impl IntoIterator<Item = u16>) -> Self {
                Self(self.0.retry_statuses(statuses))
            }

            /// Ends every `stream()` with a pagination error after this many pages
            /// (default: no limit; a cursor the server already gave always ends it).
            pub fn max_pages(self, pages: u64) -> Self {
                Self(self.0.max_pages(pages))
            }

            /// Sends `name: value` with every request, replacing a default header of
            /// the same name. Treated as sensitive: never logged, never sent to
            /// another origin.
            pub fn header(self, name: impl Into<String>, value: impl Into<usagekit_runtime::Secret>) -> Self {
                Self(self.0.header(name, value))
            }

            /// Replaces the default `User-Agent` (`<crate>/<version>`).
            pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
                Self(self.0.user_agent(user_agent))
            }

            /// Checks the configuration and builds the client.
            pub fn build(self) -> Result<Client, usagekit_runtime::ConfigError> {
                let (baseurl, client, inner) = self.0.build_parts()?;
                Ok(Client { baseurl, client, inner })
            }
        }
    }
}

/// `send`, and for paginated operations `stream` and `collect_all`.
/// `success` is what `dispatch` returns (progenitor's `ResponseValue<T>`), `body` its `T`.
/// `SERVICE` (the crate described for tools: operations, report mappings) and the
/// client driven by operationId and text parameters.
fn service_tokens(context: &Context<'_>) -> TokenStream {
    let key = &context.settings.key;
    let name = &context.settings.name;
    let mut seen: Vec<&str> = Vec::new();
    let arms = context.operations.iter().map(|operation| {
        let method = format_ident!("{}", operation.method);
        let names: Vec<&str> = [operation.id.as_str(), operation.method.as_str()]
            .into_iter()
            .filter(|name| {
                let fresh = !seen.contains(name);
                seen.push(name);
                fresh
            })
            .collect();
        if operation.takes_body {
            let message = format!("`{}` takes a request body: call it from Rust", operation.id);
            quote!(#(#names)|* => Err(#message.to_owned()),)
        } else {
            quote! {
                #(#names)|* => Ok(usagekit_runtime::dynamic::boxed_pages(
                    self.#method().set_text(params)?.json_pages(),
                )),
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    // Every operation takes a body: no arm reads the parameters.
    let unused = context
        .operations
        .iter()
        .all(|operation| operation.takes_body)
        .then(|| quote!(let _ = params;));
    let operations = context.operations.iter().map(|operation| {
        let id = &operation.id;
        let method = &operation.method;
        let http_method = &operation.http_method;
        let path = &operation.path;
        let summary = match &operation.summary {
            Some(summary) => quote!(Some(#summary)),
            None => quote!(None),
        };
        let paginated = operation.pagination.is_some();
        let takes_body = operation.takes_body;
        let parameters = operation.parameters.iter().map(|parameter| {
            let name = &parameter.name;
            let setter = &parameter.setter;
            let location = parameter.location;
            let required = parameter.required && parameter.default.is_none();
            let list = parameter.list;
            let schema = expected(parameter);
            quote! {
                usagekit_runtime::dynamic::ParameterSpec {
                    name: #name,
                    setter: #setter,
                    location: #location,
                    required: #required,
                    list: #list,
                    schema: #schema,
                }
            }
        });
        quote! {
            usagekit_runtime::dynamic::OperationSpec {
                id: #id,
                method: #method,
                http_method: #http_method,
                path: #path,
                summary: #summary,
                parameters: &[#(#parameters),*],
                paginated: #paginated,
                takes_body: #takes_body,
            }
        }
    });
    let reports = context
        .reports
        .iter()
        .map(|(id, report, example)| report_tokens(id, report, example.as_deref()));
    let unknown = format!("{name} has no operation `{{other}}`");
    quote! {
        impl usagekit_runtime::dynamic::DynamicClient for Client {
            fn call<'a>(
                &'a self,
                operation: &str,
                params: &[(String, String)],
            ) -> Result<usagekit_runtime::dynamic::JsonPages<'a>, String> {
                #unused
                match operation {
                    #(#arms)*
                    other => Err(format!(#unknown)),
                }
            }
        }

        /// This crate described for tools that choose the operation at run time (the
        /// `usagekit` command): its operations, how its responses map to usage records
        /// (the spec's `x-usagekit-report`), and a client that takes text parameters.
        pub static SERVICE: usagekit_runtime::dynamic::Service = usagekit_runtime::dynamic::Service {
            key: #key,
            crate_name: env!("CARGO_PKG_NAME"),
            info: &PROVIDER,
            operations: &[#(#operations),*],
            reports: &[#(#reports),*],
            connect: |builder| {
                let client = ClientBuilder(builder).build()?;
                Ok(Box::new(client) as Box<dyn usagekit_runtime::dynamic::DynamicClient>)
            },
        };
    }
}

fn path_tokens(path: &ValuePath) -> TokenStream {
    let level = path.level;
    let keys = &path.keys;
    quote!(usagekit_runtime::report::Path { level: #level, keys: &[#(#keys),*] })
}

fn time_format_tokens(format: TimeFormat) -> TokenStream {
    match format {
        TimeFormat::UnixSeconds => quote!(usagekit_runtime::report::TimeFormat::UnixSeconds),
        TimeFormat::DateTime => quote!(usagekit_runtime::report::TimeFormat::DateTime),
        TimeFormat::Date => quote!(usagekit_runtime::report::TimeFormat::Date),
    }
}

fn dimension_tokens(dimension: Dimension) -> TokenStream {
    match dimension {
        Dimension::Provider => quote!(usagekit_runtime::report::Dimension::Provider),
        Dimension::Model => quote!(usagekit_runtime::report::Dimension::Model),
        Dimension::Project => quote!(usagekit_runtime::report::Dimension::Project),
        Dimension::ApiKey => quote!(usagekit_runtime::report::Dimension::ApiKey),
    }
}

fn option_tokens<T>(value: Option<T>, tokens: impl FnOnce(T) -> TokenStream) -> TokenStream {
    match value {
        Some(value) => {
            let inner = tokens(value);
            quote!(Some(#inner))
        }
        None => quote!(None),
    }
}

/// A `usagekit_runtime::report::ReportSpec` literal.
fn report_tokens(operation: &str, report: &ReportModel, example: Option<&str>) -> TokenStream {
    let request = &report.request;
    let time_param = |(param, format): &(String, TimeFormat)| {
        let format = time_format_tokens(*format);
        quote!(usagekit_runtime::report::TimeParam { param: #param, format: #format })
    };
    let start = option_tokens(request.start.as_ref(), time_param);
    let end = option_tokens(request.end.as_ref(), time_param);
    let bucket_width = option_tokens(
        request.bucket_width.as_ref(),
        |(param, day)| quote!((#param, #day)),
    );
    let group_by = option_tokens(request.group_by.as_ref(), |(param, values)| {
        let values = values.iter().map(|(dimension, value)| {
            let dimension = dimension_tokens(*dimension);
            quote!((#dimension, #value))
        });
        quote!(usagekit_runtime::report::GroupBy { param: #param, values: &[#(#values),*] })
    });
    let params = request
        .params
        .iter()
        .map(|(name, value)| quote!((#name, #value)));
    let rows = report.rows.iter().map(|keys| quote!(&[#(#keys),*]));
    let filters = report.filters.iter().map(|(path, wanted)| {
        let path = path_tokens(path);
        quote!((#path, #wanted))
    });
    let period = match &report.period {
        PeriodModel::Buckets { start, end, format } => {
            let (start, end, format) = (
                path_tokens(start),
                path_tokens(end),
                time_format_tokens(*format),
            );
            quote!(usagekit_runtime::report::Period::Buckets { start: #start, end: #end, format: #format })
        }
        PeriodModel::Range => quote!(usagekit_runtime::report::Period::Range),
        PeriodModel::Snapshot { label, window_days } => {
            let window_days = option_tokens(window_days.as_ref(), path_tokens);
            quote!(usagekit_runtime::report::Period::Snapshot { label: #label, window_days: #window_days })
        }
    };
    let dimensions = report.dimensions.iter().map(|(dimension, path)| {
        let (dimension, path) = (dimension_tokens(*dimension), path_tokens(path));
        quote!((#dimension, #path))
    });
    let metrics = report.metrics.iter().map(|MetricModel { name, values, unit, scale }| {
        let values = values.iter().map(path_tokens);
        let unit = match unit {
            UnitModel::Fixed(unit) => quote!(usagekit_runtime::report::Unit::Fixed(#unit)),
            UnitModel::Currency(path) => {
                let path = path_tokens(path);
                quote!(usagekit_runtime::report::Unit::Currency(#path))
            }
        };
        let scale = option_tokens(scale.as_ref(), |scale| quote!(#scale));
        quote! {
            usagekit_runtime::report::Metric { name: #name, values: &[#(#values),*], unit: #unit, scale: #scale }
        }
    });
    let example = option_tokens(example, |example| quote!(#example));
    quote! {
        usagekit_runtime::report::ReportSpec {
            operation: #operation,
            request: usagekit_runtime::report::ReportRequest {
                start: #start,
                end: #end,
                bucket_width: #bucket_width,
                group_by: #group_by,
                params: &[#(#params),*],
            },
            rows: &[#(#rows),*],
            filters: &[#(#filters),*],
            period: #period,
            dimensions: &[#(#dimensions),*],
            metrics: &[#(#metrics),*],
            example: #example,
        }
    }
}

pub fn builder_methods(
    operation: &OperationModel,
    success: &syn::Type,
    body: &syn::Type,
) -> Vec<ImplItem> {
    let id = &operation.id;
    let (error_type, decode, pointers) = match &operation.errors {
        None => (quote!(()), quote!(|_, _| None), Vec::new()),
        Some(errors) => {
            let ty = format_ident!("{}", errors.type_name);
            let mut arms: Vec<TokenStream> = errors
                .bodies
                .iter()
                .map(|(range, body)| {
                    let pattern = match range {
                        Some((low, high)) if low == high => quote!(#low),
                        Some((low, high)) => quote!(#low..=#high),
                        None => quote!(_),
                    };
                    let decoded = match &errors.enum_name {
                        Some(_) => {
                            let variant = format_ident!("{body}");
                            quote!(usagekit_runtime::decode_error_json(body).map(types::#ty::#variant))
                        }
                        None => quote!(usagekit_runtime::decode_error_json(body)),
                    };
                    quote!(#pattern => Some(#decoded),)
                })
                .collect();
            if errors.bodies.iter().all(|(range, _)| range.is_some()) {
                arms.push(quote!(_ => None,));
            }
            let decode = quote! {
                |status, body| match status {
                    #(#arms)*
                }
            };
            (quote!(types::#ty), decode, errors.message_pointers.clone())
        }
    };
    let send_doc = format!(
        "Sends `{} {}` and decodes the result. Errors name the operation (`{id}`), the status and the decoded error body.",
        operation.http_method, operation.path
    );
    let with_response_doc = format!(
        "Like [`send`](Self::send), keeping the response's status and headers: `{} {}`.",
        operation.http_method, operation.path
    );
    let with_response: ImplItem = match &operation.successes {
        // Decoded by status: progenitor hands over the raw body.
        Some(successes) => {
            let ty = format_ident!("{}", successes.enum_name);
            let decode_success = success_decoder(successes);
            syn::parse_quote! {
                #[doc = #with_response_doc]
                pub async fn send_with_response(
                    self,
                ) -> Result<ResponseValue<types::#ty>, usagekit_runtime::Error<#error_type>> {
                    usagekit_runtime::complete_by_status(
                        #id,
                        self.dispatch(),
                        #decode_success,
                        #decode,
                        &[#(#pointers),*],
                    )
                    .await
                }
            }
        }
        None => syn::parse_quote! {
            #[doc = #with_response_doc]
            pub async fn send_with_response(self) -> Result<#success, usagekit_runtime::Error<#error_type>> {
                usagekit_runtime::complete(
                    #id,
                    self.dispatch(),
                    #decode,
                    &[#(#pointers),*],
                )
                .await
            }
        },
    };
    let body = match &operation.successes {
        Some(successes) => {
            let ty = format_ident!("{}", successes.enum_name);
            syn::parse_quote!(types::#ty)
        }
        None => body.clone(),
    };
    let mut items: Vec<ImplItem> = vec![
        syn::parse_quote! {
            #[doc = #send_doc]
            pub async fn send(self) -> Result<#body, usagekit_runtime::Error<#error_type>> {
                self.send_with_response().await.map(ResponseValue::into_inner)
            }
        },
        with_response,
    ];

    if let Some(pagination) = &operation.pagination {
        let item = format_ident!("{}", pagination.item_type);
        let fetch = page_fetch(pagination, id, false);
        let json_fetch = page_fetch(pagination, id, true);
        let follows = match &pagination.style {
            PageStyle::Cursor { next_cursor_field } => format!("Follows `{next_cursor_field}`"),
            PageStyle::AfterLastId { item_id_field } => format!(
                "Sends the last item's `{item_id_field}` as `{}`",
                pagination.cursor_setter
            ),
            PageStyle::PageNumber { first, .. } => format!(
                "Counts `{}` up from {first} (a page set on the builder is replaced)",
                pagination.cursor_setter
            ),
        };
        let stream_doc = format!(
            "Every `{}` of every page, fetching the next page only when this one is used up. \
             {follows} until the server says there is no more.",
            pagination.item_type
        );
        items.push(syn::parse_quote! {
            #[doc = #stream_doc]
            pub fn stream(
                self,
            ) -> impl usagekit_runtime::Stream<Item = Result<types::#item, usagekit_runtime::Error<#error_type>>>
                   + Send + Unpin + 'a {
                let max_pages = self.client.inner.max_pages();
                usagekit_runtime::paginate(#id, max_pages, self, #fetch)
            }
        });
        items.push(syn::parse_quote! {
            /// Every item of every page, in one `Vec`. Prefer `stream` for long ranges.
            pub async fn collect_all(self) -> Result<Vec<types::#item>, usagekit_runtime::Error<#error_type>> {
                usagekit_runtime::collect_all(self.stream()).await
            }
        });
        if !operation.takes_body {
            items.push(syn::parse_quote! {
            /// Every page as the JSON the server sent (each still decoded and checked).
            pub(crate) fn json_pages(
                self,
            ) -> impl usagekit_runtime::Stream<Item = Result<usagekit_runtime::serde_json::Value, usagekit_runtime::Error<#error_type>>>
                   + Send + 'a {
                let max_pages = self.client.inner.max_pages();
                usagekit_runtime::paginate(#id, max_pages, self, #json_fetch)
            }
        });
        }
    } else if !operation.takes_body {
        items.push(syn::parse_quote! {
            /// The response as the JSON the server sent (still decoded and checked).
            pub(crate) fn json_pages(
                self,
            ) -> impl usagekit_runtime::Stream<Item = Result<usagekit_runtime::serde_json::Value, usagekit_runtime::Error<#error_type>>>
                   + Send + 'a {
                usagekit_runtime::dynamic::single_page(async move {
                    let (result, raw) = usagekit_runtime::capturing(self.send()).await;
                    result?;
                    usagekit_runtime::dynamic::raw_json(#id, raw)
                })
            }
        });
    }
    items
}

/// The closure `paginate` calls for a page: sends the request with the cursor and
/// reads where the next page starts. `json`: the page's item is the whole page as
/// the server sent it, for tools.
fn page_fetch(pagination: &Pagination, id: &str, json: bool) -> TokenStream {
    let setter = format_ident!("{}", pagination.cursor_setter);
    let items_field = format_ident!("{}", pagination.items_field);
    let has_more = match &pagination.has_more_field {
        Some(field) => {
            let field = format_ident!("{field}");
            quote!(usagekit_runtime::HasMore::into_has_more(page.#field))
        }
        None => quote!(None),
    };
    let (send, items) = if json {
        (
            quote! {
                let (page, raw) = usagekit_runtime::capturing(request.send()).await;
                let page = page?;
                let json = usagekit_runtime::dynamic::raw_json(#id, raw)?;
            },
            quote!(vec![json]),
        )
    } else {
        (
            quote!(let page = request.send().await?;),
            quote!(page.#items_field),
        )
    };
    let next_cursor = match &pagination.style {
        PageStyle::Cursor { next_cursor_field } => {
            let field = format_ident!("{next_cursor_field}");
            quote!(usagekit_runtime::Cursor::into_cursor(page.#field))
        }
        PageStyle::AfterLastId { item_id_field } => {
            let field = format_ident!("{item_id_field}");
            quote! {
                page.#items_field
                    .last()
                    .and_then(|item| usagekit_runtime::Cursor::into_cursor(item.#field.clone()))
            }
        }
        PageStyle::PageNumber { .. } => quote!(),
    };
    match &pagination.style {
        PageStyle::Cursor { .. } | PageStyle::AfterLastId { .. } => quote! {
            |request: Self, cursor| async move {
                // The first page is the request as built; later ones carry the cursor.
                let request = match cursor {
                    Some(cursor) => request.#setter(cursor),
                    None => request,
                };
                #send
                Ok(usagekit_runtime::Page {
                    next_cursor: #next_cursor,
                    has_more: #has_more,
                    items: #items,
                })
            }
        },
        PageStyle::PageNumber {
            first,
            total_pages_field,
        } => {
            let within_total = match total_pages_field {
                Some(total) => {
                    let total = format_ident!("{total}");
                    quote! {
                        && usagekit_runtime::Cursor::into_cursor(page.#total)
                            .is_none_or(|total| u64::try_from(total).is_ok_and(|total| number < total))
                    }
                }
                None => quote!(),
            };
            quote! {
                |request: Self, number: Option<u64>| async move {
                    let number = number.unwrap_or(#first);
                    let request = request.#setter(number);
                    #send
                    Ok(usagekit_runtime::Page {
                        next_cursor: (!page.#items_field.is_empty() #within_total)
                            .then(|| number + 1),
                        has_more: #has_more,
                        items: #items,
                    })
                }
            }
        }
    }
}

fn union_tokens(union: &Union) -> TokenStream {
    let ty = format_ident!("{}", union.type_name);
    let property = &union.property;
    let doc = union
        .description
        .clone()
        .unwrap_or_else(|| format!("One of several kinds, told apart by its `{property}` field."));
    let doc = format!(
        "{doc}\n\nDecoded by its `{property}` field; a kind this client does not know is kept as [`{}::Unknown`].",
        union.type_name
    );
    let variants = union.variants.iter().map(|(tag, variant, description)| {
        let variant = format_ident!("{variant}");
        let doc = match description {
            Some(description) => format!("`{property}: \"{tag}\"`. {description}"),
            None => format!("`{property}: \"{tag}\"`."),
        };
        quote! {
            #[doc = #doc]
            #variant(#variant)
        }
    });
    let arms = union.variants.iter().map(|(tag, variant, _)| {
        let variant = format_ident!("{variant}");
        quote! { Some(#tag) => object.decode().map(Self::#variant), }
    });
    let tags = union.variants.iter().map(|(tag, variant, _)| {
        let variant = format_ident!("{variant}");
        quote! { Self::#variant(_) => Some(#tag), }
    });
    let tag_doc = format!("The value of the `{property}` field.");
    let unknown = quote! {
        /// A kind this client does not know yet, kept as it came.
        Unknown(::serde_json::Value)
    };
    let body_enum = body_enum(&doc, &ty, variants.chain([unknown]));
    quote! {
        #body_enum

        impl #ty {
            #[doc = #tag_doc]
            pub fn tag(&self) -> Option<&str> {
                match self {
                    #(#tags)*
                    Self::Unknown(value) => value.get(#property).and_then(::serde_json::Value::as_str),
                }
            }
        }

        impl usagekit_runtime::TaggedUnion for #ty {
            const TAG: &'static str = #property;

            fn decode_variant<'de, A: ::serde::de::MapAccess<'de>>(
                tag: Option<&str>,
                object: usagekit_runtime::TaggedObject<'_, 'de, A>,
            ) -> Result<Self, A::Error> {
                match tag {
                    #(#arms)*
                    _ => object.decode().map(Self::Unknown),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                usagekit_runtime::deserialize_tagged(deserializer)
            }
        }
    }
}

/// The doc comment of a parameter's builder setter: the spec's description, then
/// where it goes, its type, whether it is required, its default and allowed values.
/// A parameter's builder setter. Lists take anything iterable whose items convert
/// (`["model", "batch"]`, `vec!["gpt-4o"]`, a `Vec<String>`); a value that does not
/// convert is reported by `send` with the call, the parameter, the value and what
/// the spec allows.
pub fn setter(
    operation: &OperationModel,
    parameter: &ParameterModel,
    target: &syn::Type,
    optional: bool,
) -> syn::ImplItemFn {
    let name = format_ident!("{}", parameter.setter);
    let method = format!("{}()", operation.method);
    let wire = &parameter.name;
    let expected = expected(parameter);
    let store = if optional {
        quote!(.map(Some))
    } else {
        quote!()
    };
    match list_item(target) {
        Some(item) => syn::parse_quote! {
            pub fn #name<I>(mut self, values: I) -> Self
            where
                I: IntoIterator,
                I::Item: TryInto<#item> + std::fmt::Debug,
            {
                self.#name = values
                    .into_iter()
                    .map(|value| {
                        let shown = format!("{value:?}");
                        value
                            .try_into()
                            .map_err(|_| usagekit_runtime::invalid_value(#method, #wire, &shown, #expected))
                    })
                    .collect::<Result<#target, String>>()
                    #store;
                self
            }
        },
        None => syn::parse_quote! {
            pub fn #name<V>(mut self, value: V) -> Self
            where
                V: TryInto<#target> + std::fmt::Debug,
            {
                let shown = format!("{value:?}");
                self.#name = value
                    .try_into()
                    #store
                    .map_err(|_| usagekit_runtime::invalid_value(#method, #wire, &shown, #expected));
                self
            }
        },
    }
}

/// What a parameter accepts, in words: `integer`, "one of `1d`, `1h`".
fn expected(parameter: &ParameterModel) -> String {
    if parameter.allowed.is_empty() {
        parameter.schema.clone()
    } else {
        let allowed: Vec<String> = parameter.allowed.iter().map(|v| format!("`{v}`")).collect();
        format!("one of {}", allowed.join(", "))
    }
}

/// `set_text`: a builder's parameters from text, by wire or setter name, for tools
/// (`usagekit call`). Values parse into each setter's own type.
pub fn text_setter(
    operation: &OperationModel,
    targets: &[(&ParameterModel, syn::Type)],
) -> ImplItem {
    let method = format!("{}()", operation.method);
    let known: Vec<&str> = targets
        .iter()
        .map(|(parameter, _)| parameter.name.as_str())
        .collect();
    let statements = targets.iter().map(|(parameter, target)| {
        let setter = format_ident!("{}", parameter.setter);
        let wire = &parameter.name;
        let mut names = vec![wire.as_str()];
        if parameter.setter != *wire {
            names.push(&parameter.setter);
        }
        let expected = expected(parameter);
        match list_item(target) {
            Some(item) => quote! {
                let values = usagekit_runtime::dynamic::text_values(params, &[#(#names),*]);
                if !values.is_empty() {
                    let parsed = values
                        .iter()
                        .map(|text| usagekit_runtime::dynamic::parse_text::<#item>(#method, #wire, text, #expected))
                        .collect::<Result<Vec<#item>, String>>()?;
                    builder = builder.#setter(parsed);
                }
            },
            None => quote! {
                if let Some(text) = usagekit_runtime::dynamic::text_value(#method, params, &[#(#names),*])? {
                    builder = builder.#setter(usagekit_runtime::dynamic::parse_text::<#target>(#method, #wire, text, #expected)?);
                }
            },
        }
    });
    let body = if targets.is_empty() {
        quote!(Ok(self))
    } else {
        quote! {
            let mut builder = self;
            #(#statements)*
            Ok(builder)
        }
    };
    syn::parse_quote! {
        /// Sets parameters from text, by wire or setter name (tools call operations this way).
        pub(crate) fn set_text(self, params: &[(String, String)]) -> Result<Self, String> {
            usagekit_runtime::dynamic::check_param_names(#method, params, &[#(#known),*])?;
            #body
        }
    }
}

/// `enum UsageCostsError { NotFound(NotFound), Validation(Validation) }`: the error
/// body of an operation whose statuses carry different schemas, decoded by status.
fn error_enum_tokens(operation: &OperationModel, name: &str, bodies: &[&str]) -> TokenStream {
    let ty = format_ident!("{name}");
    let doc = format!(
        "The error body of `{}()`, by status: each documented error status has its own schema.",
        operation.method
    );
    let variants = bodies.iter().map(|body| {
        let variant = format_ident!("{body}");
        let doc = format!("The body documented as [`{body}`].");
        quote! {
            #[doc = #doc]
            #variant(#variant)
        }
    });
    body_enum(&doc, &ty, variants)
}

/// `U` of `Vec<U>`.
fn list_item(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(item) => Some(item.clone()),
            _ => None,
        },
        _ => None,
    }
}

pub fn setter_doc(parameter: &ParameterModel) -> String {
    let mut facts = format!(
        "{} parameter `{}`: {}",
        heck::ToTitleCase::to_title_case(parameter.location),
        parameter.name,
        parameter.schema
    );
    if !parameter.allowed.is_empty() {
        let allowed: Vec<String> = parameter.allowed.iter().map(|v| format!("`{v}`")).collect();
        facts.push_str(&format!(", one of {}", allowed.join(", ")));
    }
    match &parameter.default {
        Some(default) if parameter.sends_default() => facts.push_str(&format!(
            ". Optional: the client sends `{}` when it is not set.",
            default.trim_matches('"')
        )),
        Some(default) => facts.push_str(&format!(
            ". Optional. The server's default: `{}`.",
            default.trim_matches('"')
        )),
        None if parameter.required => facts.push_str(". Required: `send` fails without it."),
        None => facts.push_str(". Optional."),
    }
    if parameter.list && parameter.location == "header" {
        facts.push_str(" Sent comma-joined.");
    }
    match &parameter.description {
        Some(description) => format!(" {}\n\n {facts}", description.trim().replace('\n', "\n ")),
        None => format!(" {facts}"),
    }
}
