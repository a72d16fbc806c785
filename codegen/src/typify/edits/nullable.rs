//! Optional properties that may be `null`: `input` marked their keys, so typify's
//! field carries the mark in its serde rename. The mark comes off (the rename goes
//! when it only repeated the field's name), and absent and `null` come back as
//! they came: typify's `Option<T>` becomes the runtime's `Nullable<T>` (absent,
//! `null` or a value), in the struct and in its builder; a `T` that holds `null`
//! itself (a JSON value) stays `Option<T>` and reads a present `null` as `Some`. A
//! mark left anywhere is an error.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Field, Item, Meta, Token, Type};

use super::super::input::{NULLABLE_PRESENT, NULLABLE_WRAP};
use crate::semver::surface::first_generic_of;

const PRESENT: &str = "usagekit_runtime::__private::present";
const IS_ABSENT: &str = "usagekit_runtime::Nullable::is_absent";

/// Takes the mark off a field's rename: which mark it was, if any.
fn unmark(field: &mut Field) -> Option<&'static str> {
    let ident = field
        .ident
        .as_ref()
        .map(|ident| ident.to_string().trim_start_matches("r#").to_owned())?;
    let mut found = None;
    let mut emptied = None;
    for (index, attr) in field.attrs.iter_mut().enumerate() {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let mut kept: Punctuated<Meta, Token![,]> = Punctuated::new();
        for meta in metas {
            if let Meta::NameValue(pair) = &meta
                && pair.path.is_ident("rename")
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                }) = &pair.value
            {
                let name = name.value();
                let mark = [NULLABLE_WRAP, NULLABLE_PRESENT]
                    .into_iter()
                    .find(|mark| name.ends_with(mark));
                if let Some(mark) = mark {
                    found = Some(mark);
                    let wire = &name[..name.len() - mark.len()];
                    if wire != ident {
                        kept.push(syn::parse_quote!(rename = #wire));
                    }
                    continue;
                }
            }
            kept.push(meta);
        }
        if found.is_some() {
            if kept.is_empty() {
                emptied = Some(index);
            } else {
                *attr = syn::parse_quote!(#[serde(#kept)]);
            }
            break;
        }
    }
    if let Some(index) = emptied {
        field.attrs.remove(index);
    }
    found
}

/// Whether `ty` (the `T` of `Option<T>`) holds `null` itself.
fn holds_null(ty: &Type) -> bool {
    ty.to_token_stream().to_string().replace(' ', "") == "::serde_json::Value"
}

struct Fields {
    /// The struct being visited (`None` in an enum).
    current: Option<String>,
    found: usize,
    /// Per struct, its fields that became `Nullable<T>`.
    wrapped: BTreeMap<String, BTreeSet<String>>,
}

impl VisitMut for Fields {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.current = Some(item.ident.to_string());
        visit_mut::visit_item_struct_mut(self, item);
        self.current = None;
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.current = None;
        visit_mut::visit_item_enum_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut Field) {
        let Some(mark) = unmark(field) else { return };
        self.found += 1;
        let Some(inner) = first_generic_of(&field.ty, "Option").cloned() else {
            // typify gave the field a value of its own: nothing to keep apart.
            return;
        };
        if mark == NULLABLE_PRESENT || holds_null(&inner) {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(default, deserialize_with = #PRESENT)]));
            return;
        }
        field.ty = syn::parse_quote!(::usagekit_runtime::Nullable<#inner>);
        skip_when_absent(field);
        if let (Some(current), Some(ident)) = (&self.current, &field.ident) {
            self.wrapped
                .entry(current.clone())
                .or_default()
                .insert(ident.to_string());
        }
    }
}

/// typify's `skip_serializing_if = "Option::is_none"` becomes `Nullable::is_absent`,
/// with `default` for the absent field.
fn skip_when_absent(field: &mut Field) {
    for attr in field
        .attrs
        .iter_mut()
        .filter(|a| a.path().is_ident("serde"))
    {
        let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let metas: Punctuated<Meta, Token![,]> = metas
            .into_iter()
            .filter(|meta| {
                !meta.path().is_ident("skip_serializing_if") && !meta.path().is_ident("default")
            })
            .collect();
        *attr = if metas.is_empty() {
            syn::parse_quote!(#[serde(default, skip_serializing_if = #IS_ABSENT)])
        } else {
            syn::parse_quote!(#[serde(#metas, default, skip_serializing_if = #IS_ABSENT)])
        };
        return;
    }
    field
        .attrs
        .push(syn::parse_quote!(#[serde(default, skip_serializing_if = #IS_ABSENT)]));
}

/// `Option<T>` as `Nullable<T>` wherever a builder holds or takes the field:
/// `Result<Option<T>, String>` in its struct, `TryInto<Option<T>>` in its setter.
struct Builders<'w> {
    wrapped: &'w BTreeMap<String, BTreeSet<String>>,
    done: usize,
}

/// In `node`, the `Option<T>` that is the first argument of `outer<…>` becomes
/// `Nullable<T>`; whether one did.
fn nullable_argument_of(outer: &str, visit: impl FnOnce(&mut dyn VisitMut)) -> bool {
    struct Swap<'o> {
        outer: &'o str,
        done: bool,
    }
    impl VisitMut for Swap<'_> {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            if let (false, true) = (self.done, segment.ident == self.outer)
                && let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments
                && let Some(syn::GenericArgument::Type(inner)) = arguments.args.first_mut()
                && let Some(value) = first_generic_of(inner, "Option").cloned()
            {
                *inner = syn::parse_quote!(::usagekit_runtime::Nullable<#value>);
                self.done = true;
                return;
            }
            visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let mut swap = Swap { outer, done: false };
    visit(&mut swap);
    swap.done
}

impl VisitMut for Builders<'_> {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let Some(fields) = self.wrapped.get(&item.ident.to_string()) else {
            return;
        };
        for field in item.fields.iter_mut() {
            let named = field.ident.as_ref().map(ToString::to_string);
            if named.is_some_and(|name| fields.contains(&name))
                && nullable_argument_of("Result", |swap| swap.visit_type_mut(&mut field.ty))
            {
                self.done += 1;
            }
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let Type::Path(path) = &*item.self_ty else {
            return;
        };
        let name = path.path.segments.last().map(|s| s.ident.to_string());
        let Some(fields) = name.and_then(|name| self.wrapped.get(&name)) else {
            return;
        };
        if item.trait_.is_some() {
            return;
        }
        for impl_item in &mut item.items {
            if let syn::ImplItem::Fn(method) = impl_item
                && fields.contains(&method.sig.ident.to_string())
                && let Some(clause) = &mut method.sig.generics.where_clause
                && nullable_argument_of("TryInto", |swap| swap.visit_where_clause_mut(clause))
            {
                self.done += 1;
            }
        }
    }
}

/// Whether a string literal anywhere still carries a mark.
fn marks_left(items: &[Item]) -> usize {
    struct Find(usize);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            let value = lit.value();
            if value.contains(NULLABLE_WRAP) || value.contains(NULLABLE_PRESENT) {
                self.0 += 1;
            }
        }
    }
    let mut find = Find(0);
    for item in items {
        syn::visit::Visit::visit_item(&mut find, item);
    }
    find.0
}

/// Every marked field kept apart from absent, their builders along. `marked`: how
/// many properties `input` marked; typify must have kept at least one of them
/// when there were any, and left no mark behind.
pub(super) fn apply(items: &mut [Item], marked: usize) -> Result<usize, String> {
    let mut fields = Fields {
        current: None,
        found: 0,
        wrapped: BTreeMap::new(),
    };
    for item in items.iter_mut() {
        match item {
            Item::Struct(_) | Item::Enum(_) => fields.visit_item_mut(item),
            _ => {}
        }
    }
    let mut builders = Builders {
        wrapped: &fields.wrapped,
        done: 0,
    };
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && module.ident == "builder"
            && let Some((_, content)) = &mut module.content
        {
            for inner in content.iter_mut() {
                builders.visit_item_mut(inner);
            }
        }
    }
    let left = marks_left(items);
    // Each wrapped field has a builder field and a setter, when typify made a builder.
    let wrapped: usize = fields.wrapped.values().map(BTreeSet::len).sum();
    let builders_ok = builders.done == 0 || builders.done == 2 * wrapped;
    if left > 0 || (marked > 0 && fields.found == 0) || !builders_ok {
        return Err(format!(
            "edit `nullable fields` expected {marked} marked place(s) in typify's output, found {}, changed {} of their builders' {} places, and {left} left",
            fields.found,
            builders.done,
            2 * wrapped
        ));
    }
    Ok(fields.found)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn marked_fields_keep_absent_and_null_apart_in_the_struct_and_its_builder() {
        let mut items: Vec<Item> = vec![
            syn::parse_quote! {
                pub struct Row {
                    #[serde(rename = "model~?", skip_serializing_if = "::std::option::Option::is_none")]
                    pub model: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "userId~?", skip_serializing_if = "::std::option::Option::is_none")]
                    pub user_id: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "extra~*", skip_serializing_if = "::std::option::Option::is_none")]
                    pub extra: ::std::option::Option<Extra>,
                    pub plain: ::std::option::Option<i64>,
                }
            },
            syn::parse_quote! {
                pub mod builder {
                    pub struct Row {
                        model: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                        user_id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                        plain: ::std::result::Result<::std::option::Option<i64>, ::std::string::String>,
                    }
                    impl Row {
                        pub fn model<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                        {
                            self
                        }
                        pub fn user_id<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                        {
                            self
                        }
                        pub fn plain<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<i64>>,
                        {
                            self
                        }
                    }
                }
            },
        ];
        assert_eq!(apply(&mut items, 3).unwrap(), 3);
        let code: String = items.iter().map(|item| quote!(#item).to_string()).collect();
        assert!(!code.contains('~'), "{code}");
        // The rename that only repeated the field's name is gone; the real one stays.
        assert!(!code.contains("rename = \"model\""), "{code}");
        assert!(code.contains("rename = \"userId\""), "{code}");
        // Struct, builder field and setter: twice each.
        assert_eq!(
            code.matches("Nullable < :: std :: string :: String >")
                .count(),
            6,
            "{code}"
        );
        assert!(
            code.contains("Option < Extra >") && code.contains("present"),
            "{code}"
        );
        assert!(
            code.contains("Option < i64 >") && !code.contains("Nullable < i64 >"),
            "{code}"
        );
        let mut left: Vec<Item> = vec![syn::parse_quote! {
            pub enum Kind { #[serde(rename = "a~?")] A }
        }];
        assert!(apply(&mut left, 1).unwrap_err().contains("nullable fields"));
    }
}
