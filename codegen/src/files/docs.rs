//! Doc comments as hand-written code has them: spec text copied into docs (by
//! typify, by UsageKit) is spaced like `/// Text`, one line an attribute, and a
//! bare URL is an autolink. (Spec text: matching nothing is fine.)

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, File, Item};

/// A string literal's value.
fn lit_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(value),
            ..
        }) => Some(value.value()),
        _ => None,
    }
}

/// Bare URLs in doc comments become autolinks.
pub(super) fn link_bare_urls(file: &mut File) {
    LinkBareUrls.visit_file_mut(file);
}

/// Every doc comment `/// Text`, one line an attribute.
pub(super) fn space(file: &mut File) {
    SpacedDocs.visit_file_mut(file);
}

/// Spec text such as `info.termsOfService` lands in doc comments;
/// a bare URL there is a rustdoc warning. Each becomes an autolink `<…>`.
/// (Spec text, not progenitor's shape: matching nothing is fine.)
struct LinkBareUrls;

impl VisitMut for LinkBareUrls {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::NameValue(doc) = &mut attr.meta
            && doc.path.is_ident("doc")
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &doc.value
            && let Some(linked) = linked(&text.value())
        {
            doc.value = syn::parse_quote!(#linked);
        }
    }
}

/// The text with every URL that stands alone as a word wrapped in `<…>`; `None`
/// when there is none. URLs already in `<…>`, `(…)` or backticks stay as they are.
fn linked(text: &str) -> Option<String> {
    let mut changed = false;
    let linked = text
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
                changed = true;
                format!("<{trimmed}>{}", &word[trimmed.len()..])
            } else {
                word.to_owned()
            }
        })
        .collect();
    changed.then_some(linked)
}

/// typify writes `///Text` and multi-line `/**…*/` docs; every doc
/// becomes `/// Text`, one line an attribute, like hand-written code.
struct SpacedDocs;

fn spaced_docs(attrs: &mut Vec<syn::Attribute>) {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let text = match &attr.meta {
            syn::Meta::NameValue(doc) if doc.path.is_ident("doc") => lit_str(&doc.value),
            _ => None,
        };
        let Some(text) = text else {
            out.push(attr);
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let unspaced = lines.iter().any(|l| !l.is_empty() && !l.starts_with(' '));
        if !unspaced && lines.len() <= 1 {
            out.push(attr);
            continue;
        }
        for line in lines {
            let line = if unspaced && !line.is_empty() {
                format!(" {line}")
            } else {
                line.to_owned()
            };
            let mut doc = attr.clone();
            doc.meta = syn::parse_quote!(doc = #line);
            out.push(doc);
        }
    }
    *attrs = out;
}

impl VisitMut for SpacedDocs {
    fn visit_item_mut(&mut self, item: &mut Item) {
        match item {
            Item::Struct(i) => spaced_docs(&mut i.attrs),
            Item::Enum(i) => spaced_docs(&mut i.attrs),
            Item::Fn(i) => spaced_docs(&mut i.attrs),
            Item::Impl(i) => spaced_docs(&mut i.attrs),
            Item::Mod(i) => spaced_docs(&mut i.attrs),
            Item::Type(i) => spaced_docs(&mut i.attrs),
            Item::Const(i) => spaced_docs(&mut i.attrs),
            Item::Static(i) => spaced_docs(&mut i.attrs),
            Item::Trait(i) => spaced_docs(&mut i.attrs),
            Item::Use(i) => spaced_docs(&mut i.attrs),
            _ => {}
        }
        visit_mut::visit_item_mut(self, item);
    }
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        spaced_docs(&mut f.attrs);
        visit_mut::visit_impl_item_fn_mut(self, f);
    }
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        spaced_docs(&mut field.attrs);
        visit_mut::visit_field_mut(self, field);
    }
    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        spaced_docs(&mut variant.attrs);
        visit_mut::visit_variant_mut(self, variant);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bare_urls_become_autolinks_and_others_stay() {
        use super::linked;
        assert_eq!(
            linked("See\n\nhttps://example.com/terms\n\nVersion: 1").as_deref(),
            Some("See\n\n<https://example.com/terms>\n\nVersion: 1")
        );
        assert_eq!(
            linked("a `https://x.io` and <https://y.io> and [z](https://z.io)"),
            None
        );
    }
}
