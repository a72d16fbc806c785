//! Enums of bodies: an operation's result when its success statuses carry
//! different bodies, its error when its error statuses do, and discriminated
//! unions decoded by their tag.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::analyze::model::{OperationModel, SuccessModel, SuccessVariant, Union, UnionVariant};

/// `enum ReposMergeResponse { Created(Commit), NoContent }`: the result of an
/// operation whose success statuses carry different bodies, decoded by status.
pub(super) fn success_enum(operation: &OperationModel, successes: &SuccessModel) -> TokenStream {
    let ty = format_ident!("{}", successes.enum_name);
    let doc = format!(
        "What `{}()` returns, by status: its success statuses carry different bodies.",
        operation.method
    );
    let mut seen = Vec::new();
    let variants = successes.variants.iter().filter_map(
        |SuccessVariant {
             statuses,
             variant,
             body,
         }| {
            let (low, high) = (statuses.low, statuses.high);
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
        },
    );
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
pub(super) fn success_decoder(successes: &SuccessModel) -> TokenStream {
    let ty = format_ident!("{}", successes.enum_name);
    let arms = successes.variants.iter().map(|SuccessVariant { statuses, variant, body }| {
        let (low, high) = (&statuses.low, &statuses.high);
        let pattern = if low == high {
            quote!(#low)
        } else {
            quote!(#low..=#high)
        };
        let variant = format_ident!("{variant}");
        match body {
            Some(_) => quote!(#pattern => Some(usagekit_runtime::__private::json(&body).map(types::#ty::#variant)),),
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

/// A discriminated union, decoded in one pass by its tag, unknown kinds kept.
/// (Long: one `quote!` block, the enum and its serde impls as they read.)
pub(super) fn union(union: &Union) -> TokenStream {
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
    let variants = union.variants.iter().map(
        |UnionVariant {
             tag,
             type_name,
             description,
         }| {
            let variant = format_ident!("{type_name}");
            let doc = match description {
                Some(description) => format!("`{property}: \"{tag}\"`. {description}"),
                None => format!("`{property}: \"{tag}\"`."),
            };
            quote! {
                #[doc = #doc]
                #variant(#variant)
            }
        },
    );
    let arms = union
        .variants
        .iter()
        .map(|UnionVariant { tag, type_name, .. }| {
            let variant = format_ident!("{type_name}");
            quote! { Some(#tag) => object.decode().map(Self::#variant), }
        });
    let tags = union
        .variants
        .iter()
        .map(|UnionVariant { tag, type_name, .. }| {
            let variant = format_ident!("{type_name}");
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

        impl usagekit_runtime::__private::TaggedUnion for #ty {
            const TAG: &'static str = #property;

            fn decode_variant<'de, A: ::serde::de::MapAccess<'de>>(
                tag: Option<&str>,
                object: usagekit_runtime::__private::TaggedObject<'_, 'de, A>,
            ) -> Result<Self, A::Error> {
                match tag {
                    #(#arms)*
                    _ => object.decode().map(Self::Unknown),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                usagekit_runtime::__private::deserialize_tagged(deserializer)
            }
        }
    }
}

/// `enum UsageCostsError { NotFound(NotFound), Validation(Validation) }`: the error
/// body of an operation whose statuses carry different schemas, decoded by status.
pub(super) fn error_enum(operation: &OperationModel, name: &str, bodies: &[&str]) -> TokenStream {
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
