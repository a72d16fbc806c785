//! Responses stay readable as providers grow: enums responses carry keep values
//! the spec does not list, and what users only receive is `#[non_exhaustive]`.

use std::collections::BTreeSet;

use syn::Item;

use super::Graph;

/// String enums that responses can contain get an `Unknown(String)` variant and a
/// decoder that keeps values the spec does not list, so a provider adding one does
/// not fail every page. `FromStr`/`TryFrom` stay strict: values a user passes to a
/// request are checked against the spec. Enums only requests use are untouched.
pub(super) fn apply(
    items: &mut Vec<Item>,
    roots: &BTreeSet<String>,
    request_roots: &BTreeSet<String>,
) {
    let graph = Graph::new(items);
    let reachable = graph.reach(roots);
    let in_requests = graph.reach(request_roots);

    // What providers add most, fields and values, stays additive for users: every
    // enum, and every struct users only receive, is `#[non_exhaustive]`. Structs a
    // request carries stay buildable with a literal.
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) => e.attrs.push(syn::parse_quote!(#[non_exhaustive])),
            Item::Struct(s)
                if reachable.contains(&s.ident.to_string())
                    && !in_requests.contains(&s.ident.to_string()) =>
            {
                s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            }
            _ => {}
        }
    }

    let mut opened = Vec::new();
    for item in items.iter_mut() {
        if let Item::Enum(e) = item
            && reachable.contains(&e.ident.to_string())
            && let Some(values) = string_enum_values(e)
        {
            opened.push(open_enum(e, &values));
        }
    }
    // Replace typify's `Display` (its `match` would miss the new variant) and add
    // the decoder.
    let names: BTreeSet<String> = opened.iter().map(|(name, _)| name.to_string()).collect();
    items.retain(|item| {
        let Item::Impl(imp) = item else { return true };
        let is_display = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|segment| segment.ident == "Display");
        let self_name = match &*imp.self_ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        !(is_display && self_name.is_some_and(|name| names.contains(&name)))
    });
    for (_, impls) in opened {
        items.extend(impls);
    }
}

/// `(variant, wire value)` of an enum whose variants are all unit variants.
fn string_enum_values(e: &syn::ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    e.variants
        .iter()
        .map(|variant| {
            if !matches!(variant.fields, syn::Fields::Unit) {
                return None;
            }
            let mut wire = variant.ident.to_string();
            for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        let value: syn::LitStr = meta.value()?.parse()?;
                        wire = value.value();
                    }
                    Ok(())
                });
            }
            Some((variant.ident.clone(), wire))
        })
        .collect()
}

/// Adds the unknown variant and drops `Copy` and the derived `Deserialize`; returns
/// the enum's name and the impls that replace them.
fn open_enum(e: &mut syn::ItemEnum, values: &[(syn::Ident, String)]) -> (syn::Ident, Vec<Item>) {
    let taken: BTreeSet<String> = values.iter().map(|(v, _)| v.to_string()).collect();
    // `Unknown`, or `Unknown2`, `Unknown3`, … if the spec already has that value.
    let unknown = syn::Ident::new(
        &crate::naming::first_free("Unknown", |name| taken.contains(name)),
        proc_macro2::Span::call_site(),
    );
    for attr in &mut e.attrs {
        if attr.path().is_ident("derive")
            && let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
        {
            let kept = paths.into_iter().filter(|path| {
                let last = path.segments.last().map(|s| s.ident.to_string());
                !matches!(last.as_deref(), Some("Copy" | "Deserialize"))
            });
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    e.variants.push(syn::parse_quote! {
        /// A value this client does not know yet, kept as the server sent it.
        #[serde(untagged)]
        #unknown(::std::string::String)
    });
    let ty = &e.ident;
    let variants: Vec<&syn::Ident> = values.iter().map(|(v, _)| v).collect();
    let wires: Vec<&String> = values.iter().map(|(_, w)| w).collect();
    let impls = vec![
        syn::parse_quote! {
            impl ::std::fmt::Display for #ty {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(Self::#variants => f.write_str(#wires),)*
                        Self::#unknown(value) => f.write_str(value),
                    }
                }
            }
        },
        syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ty {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    usagekit_runtime::__private::deserialize_open_enum(
                        deserializer,
                        |value| match value {
                            #(#wires => Some(Self::#variants),)*
                            _ => None,
                        },
                        Self::#unknown,
                    )
                }
            }
        },
    ];
    (ty.clone(), impls)
}
