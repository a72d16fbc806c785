//! UsageKit's own Rust, built with `quote!`: the client's construction and
//! credentials, each operation's `send` and `stream`, setters, the result and
//! error enums, discriminated unions, and `SERVICE` for tools.

mod client;
mod enums;
mod mapping;
mod paginate;
mod send;
mod service;
mod setters;

use proc_macro2::TokenStream;
use syn::Item;

use crate::analyze::Model;

pub use send::builder_methods;
pub use setters::{setter, setter_doc, text_setter};

/// What only the code generator of the client knows: how `ClientBuilder::build`
/// fills the `Client`, and the hook the client sends every request through.
pub struct ClientParts {
    pub construct: TokenStream,
    pub hooks: TokenStream,
}

/// Items beside the `Client`: its builder, provider facts, `from_env`, `SERVICE`.
pub fn client_items(model: &Model<'_>, parts: &ClientParts) -> Result<Vec<Item>, String> {
    parse_items(client::tokens(model, parts))
}

/// For the `types` module: discriminated unions, and the error and result enums of
/// operations whose statuses carry different bodies.
pub fn type_items(model: &Model<'_>) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for operation in &model.operations {
        if let Some(errors) = &operation.errors
            && let Some(name) = &errors.enum_name
        {
            items.extend(parse_items(enums::error_enum(
                operation,
                name,
                &errors.body_types(),
            ))?);
        }
    }
    for operation in &model.operations {
        if let Some(successes) = &operation.successes {
            items.extend(parse_items(enums::success_enum(operation, successes))?);
        }
    }
    for union in &model.unions {
        items.extend(parse_items(enums::union(union))?);
    }
    Ok(items)
}

fn parse_items(tokens: TokenStream) -> Result<Vec<Item>, String> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| format!("the generator built code that does not parse (a generator bug): {e}"))
}
