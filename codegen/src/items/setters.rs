//! Parameter setters: typed ones for users, which take any iterable for lists and
//! name a value that does not convert, and `set_text` for tools.

use quote::{format_ident, quote};
use syn::ImplItem;

use crate::analyze::model::{OperationModel, ParameterLocation, ParameterModel};

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
                            .map_err(|_| usagekit_runtime::__private::invalid_value(#method, #wire, &shown, #expected))
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
                    .map_err(|_| usagekit_runtime::__private::invalid_value(#method, #wire, &shown, #expected));
                self
            }
        },
    }
}

/// What a parameter accepts, in words: `integer`, "one of `1d`, `1h`".
pub(super) fn expected(parameter: &ParameterModel) -> String {
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
                let values = usagekit_runtime::__private::text_values(params, &[#(#names),*]);
                if !values.is_empty() {
                    let parsed = values
                        .iter()
                        .map(|text| usagekit_runtime::__private::parse_text::<#item>(#method, #wire, text, #expected))
                        .collect::<Result<Vec<#item>, String>>()?;
                    builder = builder.#setter(parsed);
                }
            },
            None => quote! {
                if let Some(text) = usagekit_runtime::__private::text_value(#method, params, &[#(#names),*])? {
                    builder = builder.#setter(usagekit_runtime::__private::parse_text::<#target>(#method, #wire, text, #expected)?);
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
            usagekit_runtime::__private::check_param_names(#method, params, &[#(#known),*])?;
            #body
        }
    }
}

/// `U` of `Vec<U>`.
fn list_item(ty: &syn::Type) -> Option<syn::Type> {
    crate::semver::surface::first_generic_of(ty, "Vec").cloned()
}

/// The doc comment of a parameter's builder setter: the spec's description, then
/// where it goes, its type, whether it is required, its default and allowed values.
pub fn setter_doc(parameter: &ParameterModel) -> String {
    let mut facts = format!(
        "{} parameter `{}`: {}",
        heck::ToTitleCase::to_title_case(parameter.location.as_str()),
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
    if parameter.list && parameter.location == ParameterLocation::Header {
        facts.push_str(" Sent comma-joined.");
    }
    match &parameter.description {
        Some(description) => format!(" {}\n\n {facts}", description.trim().replace('\n', "\n ")),
        None => format!(" {facts}"),
    }
}
