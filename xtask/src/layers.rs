//! The crates whose modules must form a one-way pipeline: no module imports one
//! that (directly or not) imports it back.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// `module → modules it names with `use crate::…` or `crate::…::` paths`.
    fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
        let mut graph = BTreeMap::new();
        for entry in std::fs::read_dir(src).unwrap() {
            let path = entry.unwrap().path();
            let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if path.extension().is_none_or(|e| e != "rs") || module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Test modules may reach anywhere; only the shipped code is layered.
            let shipped = text.split("#[cfg(test)]").next().unwrap_or_default();
            let used: BTreeSet<String> = shipped
                .match_indices("crate::")
                .filter_map(|(at, _)| {
                    let rest = &shipped[at + "crate::".len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    (name != module && src.join(format!("{name}.rs")).is_file()).then_some(name)
                })
                .collect();
            graph.insert(module.to_owned(), used);
        }
        graph
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

    #[test]
    fn codegen_and_runtime_modules_import_one_way() {
        let root = crate::plan::workspace_root().unwrap();
        for src in ["codegen/src", "crates/usagekit-runtime/src"] {
            let graph = imports(&root.join(src));
            assert!(graph.len() > 5, "{src}: found only {graph:?}");
            if let Some(found) = cycle(&graph) {
                panic!("{src} has an import cycle: {found}");
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
}
