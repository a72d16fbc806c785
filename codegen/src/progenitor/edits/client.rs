//! progenitor's `Client` as UsageKit ships it: built only by the generated
//! `ClientBuilder`, sending through `usagekit_runtime::Runtime`, its raw error
//! private, a prelude with what a program needs.

use quote::quote;
use syn::{File, ImplItem, Item};

use super::{check, module_items};
use crate::items::ClientParts;

/// How UsageKit's builder fills progenitor's `Client`, and the hook progenitor
/// calls to send every request.
pub(super) fn constructor() -> ClientParts {
    ClientParts {
        construct: quote! {
            let (baseurl, client, inner) = self.0.build_parts()?;
            Ok(Client { baseurl, client, inner })
        },
        hooks: quote! {
            impl ClientHooks<usagekit_runtime::Runtime> for Client {
                async fn exec(
                    &self,
                    request: reqwest::Request,
                    _info: &OperationInfo,
                ) -> reqwest::Result<reqwest::Response> {
                    self.inner.execute(&self.client, request).await
                }
            }
        },
    }
}

/// `impl Client { fn new(…); fn new_with_client(…) }` loses both constructors.
pub(super) fn remove_constructors(file: &mut File) -> Result<(), String> {
    let mut removed = 0;
    for item in &mut file.items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            let before = imp.items.len();
            imp.items.retain(|item| {
                !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new" || f.sig.ident == "new_with_client")
            });
            removed += before - imp.items.len();
        }
    }
    file.items.retain(
        |item| !matches!(item, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()),
    );
    check("remove Client::new and Client::new_with_client", 2, removed)
}

/// `pub use progenitor_client::{…, Error, …}` becomes a private `use` of `Error`.
pub(super) fn privatise_raw_error(file: &mut File) -> Result<(), String> {
    let mut replaced = 0;
    for item in &mut file.items {
        if let Item::Use(use_item) = item
            && matches!(use_item.vis, syn::Visibility::Public(_))
            && matches!(&use_item.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
        {
            *item = syn::parse_quote! {
                #[allow(unused_imports)]
                pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
            };
            replaced += 1;
        }
    }
    check("make progenitor's Error private", 1, replaced)?;
    file.items.insert(
        0,
        syn::parse_quote! {
            /// progenitor's error, which `dispatch` returns and `send` converts.
            use progenitor_client::Error;
        },
    );
    Ok(())
}

/// progenitor's `prelude` holds only `Client`; a program also needs the builder,
/// the errors and the stream extension.
pub(super) fn replace_prelude(file: &mut File) -> Result<(), String> {
    let mut replaced = 0;
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "prelude"
        {
            *module = syn::parse_quote! {
                /// What a program using this client needs: `use <crate>::prelude::*;`.
                pub mod prelude {
                    pub use super::{Client, ClientBuilder};
                    pub use usagekit_runtime::{ApiError, Error, ErrorKind, TryStreamExt};
                }
            };
            replaced += 1;
        }
    }
    check("replace the prelude", 1, replaced)
}

/// `builder` imports `super::types`, unused when every type it names is a
/// replacement spelled `crate::types::…` (a spec whose only result is a union).
pub(super) fn allow_unused_types_import(file: &mut File) -> Result<(), String> {
    let mut marked = 0;
    for item in module_items(file, "builder")? {
        if let Item::Use(use_item) = item
            && matches!(&use_item.tree, syn::UseTree::Path(p)
                if p.ident == "super" && matches!(&*p.tree, syn::UseTree::Name(n) if n.ident == "types"))
        {
            use_item
                .attrs
                .push(syn::parse_quote!(#[allow(unused_imports)]));
            marked += 1;
        }
    }
    check("allow builder's unused `use super::types`", 1, marked)
}
