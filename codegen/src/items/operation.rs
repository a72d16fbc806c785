//! Each operation as users call it: a `Client` method that returns a builder,
//! the builder's fields, its constructor (a required parameter not yet set is an
//! error that names its setter), setters, and the request it sends.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::analyze::model::{
    BodyKind, OperationModel, ParameterLocation, ParameterModel, ParameterStyle,
};
use crate::typify::OperationTypes;

/// Whether the builder needs the parameter before it sends: a path parameter, or
/// a required one without a default the client could send.
pub(super) fn builder_required(parameter: &ParameterModel, nullable: bool) -> bool {
    !nullable
        && (parameter.location == ParameterLocation::Path
            || (parameter.required && parameter.default.is_none()))
}

/// A parameter's builder field: `Result<T, String>` when required,
/// `Result<Option<T>, String>` otherwise (the error is a setter's message).
pub(super) fn field_type(target: &syn::Type, required: bool) -> TokenStream {
    if required {
        quote!(Result<#target, String>)
    } else {
        quote!(Result<Option<#target>, String>)
    }
}

fn ident(name: &str) -> syn::Ident {
    format_ident!("{name}")
}

/// `Client::<method>()`: starts the operation's builder.
pub(super) fn client_method(operation: &OperationModel) -> TokenStream {
    let method = ident(&operation.method);
    let builder = ident(&crate::naming::builder_name(&operation.method));
    let mut doc = Vec::new();
    if let Some(summary) = &operation.summary {
        doc.push(summary.trim().to_owned());
    }
    if let Some(description) = &operation.description {
        doc.push(description.trim().to_owned());
    }
    doc.push(format!(
        "Sends `{} {}`; set parameters on the builder, then `.send().await`.",
        operation.http_method, operation.path
    ));
    let doc = doc.join("\n\n");
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> builder::#builder<'_> {
            builder::#builder::new(self)
        }
    }
}

/// The builder struct and its constructor.
pub(super) fn builder_struct(
    operation: &OperationModel,
    types: &OperationTypes,
    client_parameters: &std::collections::BTreeMap<String, String>,
) -> TokenStream {
    let builder = ident(&crate::naming::builder_name(&operation.method));
    let doc = format!(
        "Builder for [`Client::{method}`]\n\n[`Client::{method}`]: super::Client::{method}",
        method = operation.method
    );
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for (parameter, (target, nullable)) in operation.parameters.iter().zip(&types.parameters) {
        let name = ident(&parameter.setter);
        let required = builder_required(parameter, *nullable);
        let ty = field_type(target, required);
        fields.push(quote!(#name: #ty));
        let init = if required {
            let once = client_parameters
                .get(&parameter.name)
                .map_or(String::new(), |env| {
                    format!(
                        ", or once for the client with `ClientBuilder::{}(…)` or `{env}`",
                        crate::naming::method_name(&parameter.name)
                    )
                });
            let message = format!(
                "`{}()` needs the {} parameter `{}`: set it with `.{}(…)`{once}",
                operation.method,
                parameter.location.as_str(),
                parameter.name,
                parameter.setter
            );
            quote!(Err(#message.to_string()))
        } else {
            quote!(Ok(None))
        };
        // A client-wide parameter: the client's value unless the call sets one.
        let init = if client_parameters.contains_key(&parameter.name) {
            let (method, wire) = (&operation.method, &parameter.name);
            let expected = super::setters::expected(parameter);
            let some = (!required).then(|| quote!(.map(Some)));
            quote! {
                match client.runtime.parameter(#wire) {
                    Some(text) => usagekit_runtime::dynamic::parse_text::<#target>(#method, #wire, text, #expected)#some,
                    None => #init,
                }
            }
        } else {
            init
        };
        inits.push(quote!(#name: #init));
    }
    if let Some(body) = &types.body {
        let ty = body.builder.as_ref().unwrap_or(&body.ty);
        fields.push(quote!(body: Result<#ty, String>));
        let init = if body.builder.is_some() {
            quote!(Ok(::std::default::Default::default()))
        } else {
            let message = format!(
                "`{}()` needs a request body: set it with `.body(…)`",
                operation.method
            );
            quote!(Err(#message.to_string()))
        };
        inits.push(quote!(body: #init));
    } else if operation.body.is_some() {
        // A body sent as it is: text or bytes.
        let ty = raw_body_type(operation);
        let message = format!(
            "`{}()` needs a request body: set it with `.body(…)`",
            operation.method
        );
        fields.push(quote!(body: Result<#ty, String>));
        inits.push(quote!(body: Err(#message.to_string())));
    }
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #builder<'a> {
            __client: &'a super::Client,
            #(#fields,)*
        }

        impl<'a> #builder<'a> {
            pub(crate) fn new(client: &'a super::Client) -> Self {
                Self {
                    __client: client,
                    #(#inits,)*
                }
            }
        }
    }
}

/// The type of a body sent as it is.
fn raw_body_type(operation: &OperationModel) -> TokenStream {
    match operation.body.as_ref().map(|b| &b.kind) {
        Some(BodyKind::Text) => quote!(::std::string::String),
        _ => quote!(usagekit_runtime::__private::Bytes),
    }
}

/// `body` (and `body_map` for a struct body): the request body's setters.
pub(super) fn body_setters(operation: &OperationModel, types: &OperationTypes) -> TokenStream {
    let Some(model) = &operation.body else {
        return quote!();
    };
    let description = model
        .description
        .as_deref()
        .map(|d| format!("{}\n\n", d.trim()))
        .unwrap_or_default();
    let need = if model.required {
        "Required"
    } else {
        "Optional"
    };
    let doc = format!(
        "{description}The request body, sent as `{}`. {need}.",
        model.content_type
    );
    match &types.body {
        Some(body) => {
            let ty = &body.ty;
            let name = quote!(#ty).to_string().replace(' ', "");
            let map = body.builder.as_ref().map(|builder| {
                quote! {
                    /// Changes the request body with its builder's setters.
                    pub fn body_map<F>(mut self, f: F) -> Self
                    where
                        F: std::ops::FnOnce(#builder) -> #builder,
                    {
                        self.body = self.body.map(f);
                        self
                    }
                }
            });
            // Tools set a JSON body from a value (`DynamicClient::call_with_body`).
            let json = operation.callable_with_json_body().then(|| {
                quote! {
                    #[doc(hidden)]
                    pub fn set_json_body(self, value: serde_json::Value) -> Result<Self, String> {
                        let body: #ty = serde_json::from_value(value).map_err(|e| {
                            format!("the request body does not fit `{}`: {e}", #name)
                        })?;
                        Ok(self.body(body))
                    }
                }
            });
            let store = if body.builder.is_some() {
                quote!(.map(From::from))
            } else {
                quote!()
            };
            quote! {
                #[doc = #doc]
                pub fn body<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                    <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
                {
                    self.body = value
                        .try_into()
                        #store
                        .map_err(|s| format!("conversion to `{}` for body failed: {}", #name, s));
                    self
                }

                #map

                #json
            }
        }
        None => {
            let ty = raw_body_type(operation);
            quote! {
                #[doc = #doc]
                pub fn body(mut self, value: impl Into<#ty>) -> Self {
                    self.body = Ok(value.into());
                    self
                }
            }
        }
    }
}

fn style(style: ParameterStyle) -> TokenStream {
    match style {
        ParameterStyle::Form => quote!(Style::Form),
        ParameterStyle::Simple => quote!(Style::Simple),
        ParameterStyle::Label => quote!(Style::Label),
        ParameterStyle::Matrix => quote!(Style::Matrix),
        ParameterStyle::SpaceDelimited => quote!(Style::SpaceDelimited),
        ParameterStyle::PipeDelimited => quote!(Style::PipeDelimited),
        ParameterStyle::DeepObject => quote!(Style::DeepObject),
    }
}

/// `format!("/things/{}", path_param("id", …)?)`: the path with its parameters.
fn path(operation: &OperationModel) -> TokenStream {
    let mut template = String::new();
    let mut arguments = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        template.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        template.push_str("{}");
        let name = &rest[start + 1..start + end];
        match operation
            .parameters
            .iter()
            .find(|p| p.location == ParameterLocation::Path && p.name == name)
        {
            Some(parameter) => {
                let field = ident(&parameter.setter);
                let style = style(parameter.style);
                let explode = parameter.explode;
                arguments.push(quote! {
                    path_param(#name, self.#field.as_ref().map_err(Clone::clone)?, #style, #explode)?
                });
            }
            // A template name no parameter fills stays as it is (a lint says so).
            None => arguments.push(quote!(#name)),
        }
        rest = &rest[start + end + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if arguments.is_empty() {
        quote!(Ok(#template.to_owned()))
    } else {
        quote!((|| Ok::<_, String>(format!(#template, #(#arguments),*)))())
    }
}

/// `request(self)`: the operation's request, parameters and body encoded.
pub(super) fn request(
    operation: &OperationModel,
    types: &OperationTypes,
    security: &[Vec<String>],
    fixed_headers: Option<&std::collections::BTreeMap<String, String>>,
) -> TokenStream {
    let id = &operation.id;
    let http_method = &operation.http_method;
    let path = path(operation);
    let mut calls = Vec::new();
    for (name, value) in fixed_headers.into_iter().flatten() {
        calls.push(quote!(.fixed_header(#name, #value)));
    }
    for parameter in &operation.parameters {
        let field = ident(&parameter.setter);
        let name = &parameter.name;
        let value = match &parameter.default {
            Some(json) if parameter.sends_default() => {
                quote!(&self.#field.map(|value| value.or_else(|| spec_default(#json))))
            }
            _ => quote!(&self.#field),
        };
        let explode = parameter.explode;
        calls.push(match parameter.location {
            ParameterLocation::Path => continue,
            ParameterLocation::Query => {
                let style = style(parameter.style);
                quote!(.query(#name, #value, #style, #explode))
            }
            ParameterLocation::Header => quote!(.header(#name, #value, #explode)),
            ParameterLocation::Cookie => quote!(.cookie(#name, #value, #explode)),
        });
    }
    if let Some(body) = &operation.body {
        let content_type = &body.content_type;
        let value = match types.body.as_ref().map(|b| (&b.ty, &b.builder)) {
            Some((ty, Some(_))) => quote! {
                &self.body.and_then(|body| #ty::try_from(body).map_err(|e| e.to_string()))
            },
            _ => quote!(&self.body),
        };
        calls.push(match &body.kind {
            BodyKind::Json => quote!(.json(#value, #content_type)),
            BodyKind::Form(encodings) => {
                let encodings = encodings.iter().map(|(name, s, explode)| {
                    let s = style(*s);
                    quote!((#name, #s, #explode))
                });
                quote!(.form(#value, &[#(#encodings),*]))
            }
            BodyKind::Multipart(encodings) => {
                let encodings = encodings.iter().map(|(name, kind)| quote!((#name, #kind)));
                quote!(.multipart(#value, &[#(#encodings),*]))
            }
            BodyKind::Text | BodyKind::Bytes => quote!(.raw(#value, #content_type)),
        });
    }
    if let Some(accept) = super::send::accept(operation) {
        calls.push(quote!(.accept(#accept)));
    }
    if !security.is_empty() {
        let alternatives = security.iter().map(|schemes| quote!(&[#(#schemes),*]));
        calls.push(quote!(.security(&[#(#alternatives),*])));
    }
    quote! {
        /// The request as the spec describes it.
        fn request(self) -> usagekit_runtime::__private::Request {
            #[allow(unused_imports)]
            use usagekit_runtime::__private::{Request, Style, path_param, spec_default};
            Request::new(#id, #http_method, #path)
                #(#calls)*
        }
    }
}
