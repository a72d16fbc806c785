//! The hand-written crates' modules form one-way layers: at every level of a
//! crate's module tree, sibling modules import each other in one direction only
//! (a parent may use its children and a child its parent: that is one module's
//! facade). codegen's top level also follows the way a spec travels.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use syn::visit::Visit;

    /// A module path from the crate root: `["analyze", "model"]`.
    type Module = Vec<String>;

    /// Every module of the crate under `src`, with the file that holds it.
    fn modules(src: &Path) -> BTreeMap<Module, std::path::PathBuf> {
        let mut found = BTreeMap::new();
        let mut pending = vec![(src.to_path_buf(), Vec::new())];
        while let Some((dir, prefix)) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    let mut module = prefix.clone();
                    module.push(name);
                    pending.push((path, module));
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let module = match name.as_str() {
                        "mod" | "lib" | "main" => prefix.clone(),
                        _ => [prefix.clone(), vec![name]].concat(),
                    };
                    found.insert(module, path);
                }
            }
        }
        found
    }

    /// The paths a file names, outside `#[cfg(test)]` items.
    #[derive(Default)]
    struct Paths(Vec<Vec<String>>);

    fn is_test(attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(|attr| {
            attr.path().is_ident("cfg")
                && attr
                    .parse_args::<syn::Meta>()
                    .is_ok_and(|meta| meta.path().is_ident("test"))
        })
    }

    fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, into: &mut Vec<Vec<String>>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                use_paths(&path.tree, prefix, into);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                into.push([prefix.clone(), vec![name.ident.to_string()]].concat())
            }
            syn::UseTree::Rename(rename) => {
                into.push([prefix.clone(), vec![rename.ident.to_string()]].concat())
            }
            syn::UseTree::Glob(_) => into.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    use_paths(tree, prefix, into);
                }
            }
        }
    }

    impl<'ast> Visit<'ast> for Paths {
        fn visit_item(&mut self, item: &'ast syn::Item) {
            let attrs: &[syn::Attribute] = match item {
                syn::Item::Mod(m) => &m.attrs,
                syn::Item::Fn(f) => &f.attrs,
                syn::Item::Impl(i) => &i.attrs,
                syn::Item::Use(u) => &u.attrs,
                syn::Item::Const(c) => &c.attrs,
                syn::Item::Struct(s) => &s.attrs,
                _ => &[],
            };
            if !is_test(attrs) {
                syn::visit::visit_item(self, item);
            }
        }
        fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
            use_paths(&item.tree, &mut Vec::new(), &mut self.0);
        }
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path.segments.len() > 1 {
                self.0
                    .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
            }
            syn::visit::visit_path(self, path);
        }
    }

    /// The module a path written in `module` names, if it is one of the crate's.
    fn target(
        module: &Module,
        path: &[String],
        known: &BTreeMap<Module, std::path::PathBuf>,
    ) -> Option<Module> {
        let (mut base, rest): (Module, &[String]) = match path.first()?.as_str() {
            "crate" => (Vec::new(), &path[1..]),
            "self" => (module.clone(), &path[1..]),
            "super" => {
                let supers = path.iter().take_while(|s| *s == "super").count();
                let mut base = module.clone();
                base.truncate(base.len().checked_sub(supers)?);
                (base, &path[supers..])
            }
            // A child module named from its parent.
            first if known.contains_key(&[module.clone(), vec![first.to_owned()]].concat()) => {
                (module.clone(), path)
            }
            _ => return None,
        };
        let mut best = None;
        for segment in rest {
            base.push(segment.clone());
            if known.contains_key(&base) {
                best = Some(base.clone());
            } else {
                break;
            }
        }
        best
    }

    /// For every directory module: its children, and which import which.
    type Levels = BTreeMap<Module, BTreeMap<String, BTreeSet<String>>>;

    fn levels(src: &Path) -> Levels {
        let known = modules(src);
        let mut levels: Levels = BTreeMap::new();
        for (module, file) in &known {
            let text = std::fs::read_to_string(file).unwrap();
            let syntax =
                syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let mut paths = Paths::default();
            paths.visit_file(&syntax);
            for path in &paths.0 {
                let Some(to) = target(module, path, &known) else {
                    continue;
                };
                // The two sibling modules under the deepest common parent.
                let common = module.iter().zip(&to).take_while(|(a, b)| a == b).count();
                if common == module.len() || common == to.len() {
                    continue; // a module and its own ancestor or descendant
                }
                levels
                    .entry(module[..common].to_vec())
                    .or_default()
                    .entry(module[common].clone())
                    .or_default()
                    .insert(to[common].clone());
            }
        }
        levels
    }

    /// A cycle, as `a → b → a`, if the graph has one.
    fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
        fn visit(
            node: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) -> Option<String> {
            if let Some(start) = path.iter().position(|n| n == node) {
                let mut found = path[start..].to_vec();
                found.push(node.to_owned());
                return Some(found.join(" → "));
            }
            if done.contains(node) {
                return None;
            }
            path.push(node.to_owned());
            for next in graph.get(node).into_iter().flatten() {
                if let Some(found) = visit(next, graph, path, done) {
                    return Some(found);
                }
            }
            path.pop();
            done.insert(node.to_owned());
            None
        }
        let mut done = BTreeSet::new();
        graph
            .keys()
            .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
    }

    /// Every hand-written crate: no level of any has an import cycle.
    #[test]
    fn every_hand_written_crate_imports_one_way_at_every_level() {
        let root = crate::plan::workspace_root().unwrap();
        for src in [
            "codegen/src",
            "crates/usagekit-runtime/src",
            "crates/usagekit-report/src",
            "crates/usagekit/src",
            "xtask/src",
        ] {
            assert!(
                modules(&root.join(src)).len() > 1,
                "{src}: found no modules"
            );
            let levels = levels(&root.join(src));
            for (parent, graph) in &levels {
                if let Some(found) = cycle(graph) {
                    panic!(
                        "{src} has an import cycle under `{}`: {found}",
                        parent.join("::")
                    );
                }
            }
        }
    }

    /// codegen's stages import only the stages before them, and the shared
    /// modules (diagnostics, settings, names) nothing of the stages.
    #[test]
    fn codegen_stages_import_only_earlier_stages() {
        const ORDER: &[&str] = &[
            "diagnostic",
            "naming",
            "semver",
            "settings",
            "spec",
            "analyze",
            "typify",
            "items",
            "files",
        ];
        let root = crate::plan::workspace_root().unwrap();
        let levels = levels(&root.join("codegen/src"));
        let top = &levels[&Vec::new()];
        for (from, targets) in top {
            let rank = |name: &str| {
                ORDER
                    .iter()
                    .position(|n| *n == name)
                    .unwrap_or_else(|| panic!("codegen module `{name}` is not in ORDER"))
            };
            for to in targets {
                assert!(
                    rank(to) < rank(from),
                    "codegen `{from}` imports `{to}`, which comes after it"
                );
            }
        }
    }

    #[test]
    fn a_cycle_is_found_and_named() {
        let graph = BTreeMap::from([
            ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
            ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
            ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
        ]);
        assert_eq!(cycle(&graph).as_deref(), Some("a → b → c → a"));
        let acyclic = BTreeMap::from([("a".to_owned(), BTreeSet::from(["b".to_owned()]))]);
        assert_eq!(cycle(&acyclic), None);
    }

    #[test]
    fn paths_resolve_to_sibling_modules() {
        let known: BTreeMap<Module, std::path::PathBuf> = [
            vec![],
            vec!["spec".to_owned()],
            vec!["spec".to_owned(), "refs".to_owned()],
            vec!["analyze".to_owned()],
            vec!["analyze".to_owned(), "model".to_owned()],
        ]
        .into_iter()
        .map(|m| (m, std::path::PathBuf::new()))
        .collect();
        let here = vec!["analyze".to_owned(), "model".to_owned()];
        let path = |text: &str| text.split("::").map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            target(&here, &path("crate::spec::refs::schema"), &known),
            Some(path("spec::refs"))
        );
        assert_eq!(
            target(&here, &path("super::model::Model"), &known),
            Some(path("analyze::model"))
        );
        assert_eq!(target(&here, &path("serde::Deserialize"), &known), None);
        let facade = vec!["spec".to_owned()];
        assert_eq!(
            target(&facade, &path("refs::schema"), &known),
            Some(path("spec::refs"))
        );
    }
}
