//! The crates a generated crate depends on, read from the code it contains.

use std::collections::BTreeSet;

use syn::visit::Visit;

/// The crates generated code may name, each a `[workspace.dependencies]` entry.
/// `usagekit-runtime`, `serde` and `serde_json` are always used.
/// (name in code, package name).
const KNOWN_CRATES: &[(&str, &str)] = &[
    ("base64", "base64"),
    ("chrono", "chrono"),
    ("regress", "regress"),
    ("reqwest", "reqwest"),
    ("rust_decimal", "rust_decimal"),
    ("serde", "serde"),
    ("serde_json", "serde_json"),
    ("usagekit_runtime", "usagekit-runtime"),
    ("uuid", "uuid"),
];

/// Roots of paths that are not crates: the language's and the module's own.
const NOT_CRATES: &[&str] = &[
    "std", "core", "alloc", "crate", "self", "super", "Self", "bool", "char", "str", "f32", "f64",
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

/// The first segments of the paths in some code, and the modules it declares.
#[derive(Default)]
pub(super) struct Roots {
    modules: BTreeSet<String>,
    pub(super) roots: BTreeSet<String>,
}
impl<'ast> Visit<'ast> for Roots {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.modules.insert(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
    }
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 || path.leading_colon.is_some() {
            self.roots.insert(path.segments[0].ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }
    // `<i64>::deserialize`, `<T as Trait>::f`: the path hangs off a type.
    fn visit_qself(&mut self, qself: &'ast syn::QSelf) {
        self.visit_type(&qself.ty);
    }
    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        match &expr.qself {
            Some(qself) => self.visit_qself(qself),
            None => self.visit_path(&expr.path),
        }
    }
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        match &ty.qself {
            Some(qself) => self.visit_qself(qself),
            None => self.visit_path(&ty.path),
        }
    }
    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        if let syn::UseTree::Path(path) = tree {
            self.roots.insert(path.ident.to_string());
        }
    }
}

/// The crates the generated code names, read from its syntax tree: the first
/// segment of every path of two or more segments that is not one of its modules
/// nor one of the generated `siblings` (the schemas crate's client).
pub(super) fn of(syntax: &syn::File, siblings: &[&str]) -> Result<BTreeSet<&'static str>, String> {
    let mut found = Roots::default();
    found.visit_file(syntax);
    // serde_json always: `lib.rs` re-exports it for the examples and for `Unknown` values.
    let mut crates: BTreeSet<&'static str> = ["serde", "serde_json", "usagekit-runtime"].into();
    for root in &found.roots {
        let local = NOT_CRATES.contains(&root.as_str())
            || siblings.contains(&root.as_str())
            || found.modules.contains(root)
            || root.starts_with(|c: char| c.is_uppercase());
        if local {
            continue;
        }
        let (_, package) = KNOWN_CRATES
            .iter()
            .find(|(name, _)| name == root)
            .ok_or_else(|| {
                let known: Vec<&str> = KNOWN_CRATES.iter().map(|(name, _)| *name).collect();
                format!("the generated code uses the crate `{root}`, which is not among the crates a generated client may depend on ({}); add it to `KNOWN_CRATES` in codegen/src/files/dependencies.rs and to `[workspace.dependencies]`", known.join(", "))
            })?;
        crates.insert(package);
    }
    Ok(crates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_come_from_the_paths_the_code_names() {
        let code: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod defaults { pub fn one() -> u64 { 1 } }
                pub struct A { at: ::chrono::DateTime<::chrono::Utc>, n: ::std::num::NonZeroU64 }
                fn f() { let _ = <i64>::deserialize; let _ = u64::try_from(1i64); defaults::one(); }
            }
            use uuid::Uuid;
        };
        let found: Vec<&str> = of(&code, &[]).unwrap().into_iter().collect();
        assert_eq!(
            found,
            ["chrono", "serde", "serde_json", "usagekit-runtime", "uuid"]
        );
        let unknown: syn::File = syn::parse_quote!(
            struct B {
                x: ::base32::Alphabet,
            }
        );
        let message = of(&unknown, &[]).unwrap_err();
        assert!(
            message.contains("`base32`") && message.contains("KNOWN_CRATES"),
            "{message}"
        );
    }
}
