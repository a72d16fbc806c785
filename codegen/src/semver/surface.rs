//! The public API of a generated module, read back from its code: the operations
//! with their parameters and results, and the types with their fields and
//! variants. `changes` compares two of these.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{ImplItem, Item};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// Client method → its operation.
    pub operations: BTreeMap<String, Operation>,
    pub structs: BTreeMap<String, Struct>,
    pub enums: BTreeMap<String, Enum>,
    /// Everything else users reach at the crate root: public items, the client's
    /// and its builder's other methods, and the traits they implement
    /// (`Client::base_url` → its signature).
    pub roots: BTreeMap<String, String>,
    /// `pub type A = B;` in `types`: A → the type it finally names.
    pub aliases: BTreeMap<String, String>,
}

impl Surface {
    /// Every type text with each of `aliases` as the type it names, so a field
    /// typed `Write` before and `Read` after (`type Write = Read`) compare equal.
    pub fn resolved(&self, aliases: &BTreeMap<String, String>) -> Self {
        let resolve = |text: &String| -> String {
            let mut out = String::new();
            let mut word = String::new();
            for c in text.chars().chain(std::iter::once(' ')) {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                out.push_str(aliases.get(&word).unwrap_or(&word));
                word.clear();
                out.push(c);
            }
            out.pop();
            out
        };
        let mut resolved = Self {
            operations: BTreeMap::new(),
            structs: self.structs.clone(),
            enums: self.enums.clone(),
            roots: self.roots.clone(),
            aliases: self.aliases.clone(),
        };
        for structure in resolved.structs.values_mut() {
            for ty in structure.fields.values_mut() {
                *ty = resolve(ty);
            }
        }
        for (name, operation) in &self.operations {
            let parameters = operation
                .parameters
                .iter()
                .map(|(setter, p)| {
                    let p = Parameter {
                        ty: resolve(&p.ty),
                        required: p.required,
                    };
                    (setter.clone(), p)
                })
                .collect();
            let operation = Operation {
                parameters,
                result: resolve(&operation.result),
            };
            resolved.operations.insert(name.clone(), operation);
        }
        resolved
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Operation {
    /// Setter → parameter.
    pub parameters: BTreeMap<String, Parameter>,
    /// What `send` returns: the body and the error type.
    pub result: String,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Parameter {
    pub ty: String,
    pub required: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Struct {
    /// Field → type.
    pub fields: BTreeMap<String, String>,
    pub non_exhaustive: bool,
    /// Has `builder()`.
    pub builder: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Enum {
    pub variants: BTreeSet<String>,
    pub non_exhaustive: bool,
}

/// Reads the surface of a generated `src/generated.rs`. (Long: one pass over the
/// file's items, then over the builders the client's methods name.)
pub fn read(code: &str) -> Result<Surface, String> {
    let file = syn::parse_file(code).map_err(|e| format!("cannot parse generated code: {e}"))?;
    let mut surface = Surface::default();
    let mut builders: BTreeMap<String, String> = BTreeMap::new();
    for item in &file.items {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() && type_name(&imp.self_ty) == "Client" => {
                for item in &imp.items {
                    if let ImplItem::Fn(method) = item
                        && matches!(method.vis, syn::Visibility::Public(_))
                        && let syn::ReturnType::Type(_, ty) = &method.sig.output
                        && let syn::Type::Path(path) = &**ty
                        && path.path.segments.len() == 2
                        && path.path.segments[0].ident == "builder"
                    {
                        builders.insert(
                            path.path.segments[1].ident.to_string(),
                            method.sig.ident.to_string(),
                        );
                    }
                }
            }
            Item::Mod(module) if module.ident == "types" => {
                read_types(module_items(module), &mut surface);
            }
            _ => {}
        }
        read_root(item, &mut surface.roots);
    }
    let builder_items = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(module) if module.ident == "builder" => Some(module_items(module)),
            _ => None,
        })
        .unwrap_or_default();
    for item in builder_items {
        match item {
            Item::Struct(builder) => {
                if let Some(method) = builders.get(&builder.ident.to_string()) {
                    let operation = surface.operations.entry(method.clone()).or_default();
                    for field in &builder.fields {
                        let Some(name) = &field.ident else { continue };
                        // The builder's client (`&'a Client`); parameters are values.
                        if matches!(field.ty, syn::Type::Reference(_)) {
                            continue;
                        }
                        // `Result<T, String>`: required; `Result<Option<T>, String>`: optional.
                        let value = first_generic(&field.ty).unwrap_or(&field.ty);
                        let (ty, required) = match first_generic_of(value, "Option") {
                            Some(inner) => (inner, false),
                            None => (value, true),
                        };
                        operation.parameters.insert(
                            name.to_string(),
                            Parameter {
                                ty: short_type(ty),
                                required,
                            },
                        );
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(method) = builders.get(&type_name(&imp.self_ty)) else {
                    continue;
                };
                for item in &imp.items {
                    if let ImplItem::Fn(send) = item
                        && send.sig.ident == "send"
                        && let syn::ReturnType::Type(_, ty) = &send.sig.output
                    {
                        // The whole `Result<T, Error<E>>`: a new error type breaks `match`es too.
                        surface.operations.entry(method.clone()).or_default().result =
                            short_type(ty);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(surface)
}

/// A root item users reach, other than the operations and `types`.
fn read_root(item: &Item, roots: &mut BTreeMap<String, String>) {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    let mut add = |name: String, shape: String| {
        roots.insert(name, shape);
    };
    match item {
        Item::Impl(imp) => {
            let on = type_name(&imp.self_ty);
            if let Some((path, _)) = &imp.trait_ {
                let name = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                add(format!("impl {name} for {on}"), String::new());
                return;
            }
            for item in &imp.items {
                if let ImplItem::Fn(method) = item
                    && public(&method.vis)
                {
                    let builder = matches!(&method.sig.output, syn::ReturnType::Type(_, ty)
                        if ty.to_token_stream().to_string().starts_with("builder ::"));
                    if !builder {
                        let mut sig = method.sig.clone();
                        sig.ident = syn::Ident::new("f", proc_macro2::Span::call_site());
                        add(
                            format!("{on}::{}", method.sig.ident),
                            short(sig.to_token_stream()),
                        );
                    }
                }
            }
        }
        Item::Struct(s) if public(&s.vis) => add(s.ident.to_string(), "struct".into()),
        Item::Enum(e) if public(&e.vis) => add(e.ident.to_string(), "enum".into()),
        Item::Trait(t) if public(&t.vis) => add(t.ident.to_string(), "trait".into()),
        Item::Fn(f) if public(&f.vis) => add(f.sig.ident.to_string(), "fn".into()),
        Item::Const(c) if public(&c.vis) => add(c.ident.to_string(), short(c.ty.to_token_stream())),
        Item::Static(s) if public(&s.vis) => {
            add(s.ident.to_string(), short(s.ty.to_token_stream()))
        }
        Item::Type(t) if public(&t.vis) => add(t.ident.to_string(), short(t.ty.to_token_stream())),
        Item::Mod(m) if public(&m.vis) => add(format!("mod {}", m.ident), String::new()),
        _ => {}
    }
}

/// Tokens as one line of text without the spaces `quote` puts everywhere.
fn short(tokens: proc_macro2::TokenStream) -> String {
    tokens
        .to_string()
        .replace(" :: ", "::")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace(" (", "(")
        .replace(" : ", ": ")
        .replace(" < ", "<")
        .replace(" >", ">")
}

fn read_types(items: &[Item], surface: &mut Surface) {
    let built: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && imp.items.iter().any(
                        |inner| matches!(inner, ImplItem::Fn(f) if f.sig.ident == "builder"),
                    ) =>
            {
                Some(type_name(&imp.self_ty))
            }
            _ => None,
        })
        .collect();
    for item in items {
        match item {
            Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                let fields = s
                    .fields
                    .iter()
                    .filter(|f| matches!(f.vis, syn::Visibility::Public(_)))
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), short_type(&f.ty))))
                    .collect();
                surface.structs.insert(
                    s.ident.to_string(),
                    Struct {
                        fields,
                        non_exhaustive: non_exhaustive(&s.attrs),
                        builder: built.contains(&s.ident.to_string()),
                    },
                );
            }
            Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                surface.enums.insert(
                    e.ident.to_string(),
                    Enum {
                        variants: e.variants.iter().map(|v| v.ident.to_string()).collect(),
                        non_exhaustive: non_exhaustive(&e.attrs),
                    },
                );
            }
            _ => {}
        }
    }
    // An alias (a copy of another shape, `typify/edits/dedup`) is that type under
    // its own name: the same fields or variants.
    let mut pending: Vec<(String, String)> = items
        .iter()
        .filter_map(|item| match item {
            Item::Type(alias) if matches!(alias.vis, syn::Visibility::Public(_)) => {
                Some((alias.ident.to_string(), type_name(&alias.ty)))
            }
            _ => None,
        })
        .collect();
    // Chains (`A = B`, `B = C`) resolve in as many rounds as they are long.
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|(alias, target)| {
            let target = surface.aliases.get(target).unwrap_or(target).clone();
            if let Some(found) = surface.structs.get(&target).cloned() {
                surface.aliases.insert(alias.clone(), target);
                surface.structs.insert(alias.clone(), found);
            } else if let Some(found) = surface.enums.get(&target).cloned() {
                surface.aliases.insert(alias.clone(), target);
                surface.enums.insert(alias.clone(), found);
            } else {
                return true;
            }
            false
        });
        if pending.len() == before {
            break;
        }
    }
}

fn module_items(module: &syn::ItemMod) -> &[Item] {
    module
        .content
        .as_ref()
        .map(|(_, items)| items.as_slice())
        .unwrap_or_default()
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `T` of `Outer<T, …>`.
fn first_generic(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// `T` of `Outer<T>` when the outer type is named `outer` (`Option`, `Vec`).
pub(crate) fn first_generic_of<'t>(ty: &'t syn::Type, outer: &str) -> Option<&'t syn::Type> {
    (type_name(ty) == outer)
        .then(|| first_generic(ty))
        .flatten()
}

/// A type as users read it: each path by its last segment (`Vec<MessagesGroupBy>`,
/// `DateTime<Utc>`), so moving a type between modules is not a change.
pub fn short_type(ty: &syn::Type) -> String {
    struct Shorten;
    impl syn::visit_mut::VisitMut for Shorten {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if let Some(last) = path.segments.pop() {
                path.segments.clear();
                path.segments.push(last);
            }
            path.leading_colon = None;
            syn::visit_mut::visit_path_mut(self, path);
        }
        fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
            lifetime.ident = syn::Ident::new("_", lifetime.ident.span());
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Shorten, &mut ty);
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
        .replace(" ,", ",")
        .replace(",>", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_types_keep_only_last_segments() {
        let ty: syn::Type =
            syn::parse_quote!(::std::vec::Vec<::chrono::DateTime<::chrono::offset::Utc>>);
        assert_eq!(short_type(&ty), "Vec<DateTime<Utc>>");
        let ty: syn::Type = syn::parse_quote!(ResponseValue<types::UsageResponse>);
        assert_eq!(short_type(&ty), "ResponseValue<UsageResponse>");
    }
}
