//! The core's modules depend on each other without a cycle: each protocol step can be read, and
//! tested, on top of the ones it builds on. Edges are the `crate::<module>` paths in code (doc
//! comments and test modules left out); `wasm` is the layer above everything and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_core_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in all {
        let rel = f.strip_prefix(&src).unwrap().with_extension("");
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        if top == "wasm" || top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let name: String = line[i + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit()).collect();
                if !name.is_empty() && name != top {
                    edges.entry(top.clone()).or_default().insert(name);
                }
            }
        }
    }
    assert!(edges.len() > 10, "the scan found the modules: {edges:?}");
    // Depth-first search for a path back to its start.
    fn back(edges: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>) -> Option<Vec<String>> {
        let last = path.last().unwrap().clone();
        for next in edges.get(&last).into_iter().flatten() {
            if let Some(i) = path.iter().position(|p| p == next) {
                let mut cycle = path[i..].to_vec();
                cycle.push(next.clone());
                return Some(cycle);
            }
            path.push(next.clone());
            if let Some(c) = back(edges, path) {
                return Some(c);
            }
            path.pop();
        }
        None
    }
    for m in edges.keys() {
        if let Some(cycle) = back(&edges, &mut vec![m.clone()]) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}
