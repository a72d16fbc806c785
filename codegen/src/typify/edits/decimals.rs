//! Exact decimals: `typify/input.rs` types `format: decimal` as one of two marker
//! paths, by how the spec writes the value (a JSON number or a string). A field of
//! a marker type, plain or optional, gets the runtime's serde functions that read
//! the digits from the JSON text and write the same shape back; then every marker
//! becomes `rust_decimal::Decimal`. A marker left anywhere is an error.

use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Field, Fields, Item, Type};

use super::super::input::{DECIMAL_NUMBER as NUMBER, DECIMAL_STRING as STRING};
use crate::semver::surface::first_generic_of;

/// The last two segments of a type's path, joined (`rust_decimal::DecimalNumber`).
fn tail(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    (segments.len() >= 2).then(|| segments[segments.len() - 2..].join("::"))
}

/// The runtime's serde module for a field of this type, if it holds a marker:
/// plain, `Option` (optional or nullable) or `Nullable` (both).
fn module_for(ty: &Type) -> Option<&'static str> {
    let (inner, options) = match (
        first_generic_of(ty, "Option"),
        first_generic_of(ty, "Nullable"),
    ) {
        (Some(inner), _) => (inner, 1),
        (None, Some(inner)) => (inner, 2),
        (None, None) => (ty, 0),
    };
    let number = match tail(inner)?.as_str() {
        NUMBER => true,
        STRING => false,
        _ => return None,
    };
    Some(match (number, options) {
        (true, 0) => "usagekit_runtime::__private::decimal::number",
        (true, 1) => "usagekit_runtime::__private::decimal::number_option",
        (true, _) => "usagekit_runtime::__private::decimal::number_nullable",
        (false, 0) => "usagekit_runtime::__private::decimal::string",
        (false, 1) => "usagekit_runtime::__private::decimal::string_option",
        (false, _) => "usagekit_runtime::__private::decimal::string_nullable",
    })
}

/// Gives `field` the runtime's functions; another `deserialize_with` (typify's for
/// a required nullable field, `present` for an optional one) goes, since the
/// runtime's read `null` too. A field that may be absent defaults to `None`.
fn annotate(field: &mut Field) -> bool {
    let Some(module) = module_for(&field.ty) else {
        return false;
    };
    let text = |attr: &syn::Attribute| quote!(#attr).to_string();
    field
        .attrs
        .retain(|attr| !(attr.path().is_ident("serde") && text(attr).contains("deserialize_with")));
    let serde = |needle: &str| {
        field
            .attrs
            .iter()
            .any(|attr| attr.path().is_ident("serde") && text(attr).contains(needle))
    };
    let optional = serde("skip_serializing_if") && !serde("default");
    field.attrs.push(if optional {
        syn::parse_quote!(#[serde(default, with = #module)])
    } else {
        syn::parse_quote!(#[serde(with = #module)])
    });
    true
}

struct Unmark {
    found: usize,
}

impl VisitMut for Unmark {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if matches!(tail(ty).as_deref(), Some(NUMBER | STRING)) {
            self.found += 1;
            *ty = syn::parse_quote!(::rust_decimal::Decimal);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// A type outside `types` (an operation's parameter, body or result) unmarked.
pub fn unmark(ty: &mut Type) {
    Unmark { found: 0 }.visit_type_mut(ty);
}

/// Annotates the fields of the `types` structs, then unmarks every type. When the
/// spec marked decimals (`expected`), typify must have used the markers: otherwise
/// money would silently be something else.
pub fn apply(items: &mut [Item], expected: bool) -> Result<usize, String> {
    let mut annotated = 0;
    for item in items.iter_mut() {
        if let Item::Struct(s) = item {
            let fields: Vec<&mut Field> = match &mut s.fields {
                Fields::Named(named) => named.named.iter_mut().collect(),
                Fields::Unnamed(unnamed) => unnamed.unnamed.iter_mut().collect(),
                Fields::Unit => Vec::new(),
            };
            annotated += fields
                .into_iter()
                .map(annotate)
                .filter(|done| *done)
                .count();
        }
    }
    let mut unmark = Unmark { found: 0 };
    for item in items.iter_mut() {
        unmark.visit_item_mut(item);
    }
    if expected && unmark.found == 0 {
        return Err("edit `exact decimals` found no decimal type in typify's output, though the spec has `format: decimal`".to_owned());
    }
    Ok(annotated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_get_the_runtime_functions_and_markers_go() {
        let mut items: Vec<Item> = vec![
            syn::parse_quote! {
                pub struct Amount {
                    pub value: ::rust_decimal::DecimalNumber,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub text: ::std::option::Option<::rust_decimal::DecimalString>,
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub nullable: ::std::option::Option<::rust_decimal::DecimalNumber>,
                    pub list: ::std::vec::Vec<::rust_decimal::DecimalNumber>,
                }
            },
            syn::parse_quote! {
                impl Amount {
                    fn make(value: ::rust_decimal::DecimalString) {}
                }
            },
        ];
        assert_eq!(apply(&mut items, true).unwrap(), 3);
        let code = items
            .iter()
            .map(|item| quote!(#item).to_string())
            .collect::<String>();
        assert!(
            !code.contains("DecimalNumber") && !code.contains("DecimalString"),
            "{code}"
        );
        assert!(code.contains("decimal::number_option"), "{code}");
        assert!(code.contains("decimal::string_option"), "{code}");
        assert!(!code.contains("deserialize_with"), "{code}");
        assert!(
            code.contains("Vec < :: rust_decimal :: Decimal >"),
            "{code}"
        );
        let mut none: Vec<Item> = vec![syn::parse_quote!(
            pub struct Plain {
                pub value: f64,
            }
        )];
        assert!(
            apply(&mut none, true)
                .unwrap_err()
                .contains("exact decimals")
        );
        assert_eq!(apply(&mut none, false).unwrap(), 0);
    }
}
