//! What the CI steps learn from the tree: the library crates, the facade's features, which crates
//! have loom tests and which use `unsafe`. Read from the files, so a new crate or feature is
//! checked without editing the xtask.

use std::fs;
use std::path::{Path, PathBuf};

/// A library crate under `crates/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Crate {
    /// The package name from its `Cargo.toml`.
    pub(crate) name: String,
    pub(crate) dir: PathBuf,
}

/// Every `crates/*/Cargo.toml`, sorted by directory.
///
/// # Errors
///
/// `crates/` cannot be read, or a manifest has no `[package] name`.
pub(crate) fn crates(root: &Path) -> Result<Vec<Crate>, String> {
    let dir = root.join("crates");
    let entries =
        fs::read_dir(&dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    let mut crates = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?
            .path();
        let manifest = path.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = fs::read_to_string(&manifest)
            .map_err(|error| format!("cannot read {}: {error}", manifest.display()))?;
        let name = package_name(&text)
            .ok_or_else(|| format!("{} has no [package] name", manifest.display()))?;
        crates.push(Crate { name, dir: path });
    }
    crates.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(crates)
}

/// The lines of one `[table]` of a TOML text, comments removed. A line starting with `[` is a
/// table header unless it continues a multi-line array.
fn table<'a>(toml: &'a str, name: &str) -> Vec<&'a str> {
    let header = format!("[{name}]");
    let mut inside = false;
    let mut open_brackets = 0;
    let mut lines = Vec::new();
    for line in toml.lines() {
        let code = strip_comment(line).trim();
        if open_brackets == 0 && code.starts_with('[') {
            inside = code == header;
            continue;
        }
        open_brackets += bracket_balance(code);
        if inside && !code.is_empty() {
            lines.push(code);
        }
    }
    lines
}

/// Opened minus closed `[`, outside strings.
fn bracket_balance(code: &str) -> i32 {
    let mut in_string = false;
    let mut balance = 0;
    for c in code.chars() {
        match c {
            '"' => in_string = !in_string,
            '[' if !in_string => balance += 1,
            ']' if !in_string => balance -= 1,
            _ => {}
        }
    }
    balance
}

/// The line without its `#` comment (a `#` inside a string stays).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..at],
            _ => {}
        }
    }
    line
}

/// The quoted strings of a TOML text fragment, in order.
fn strings(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn package_name(toml: &str) -> Option<String> {
    table(toml, "package").into_iter().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "name").then(|| strings(value).into_iter().next())?
    })
}

/// The `[features]` of a manifest, each with what it turns on, in file order.
pub(crate) fn features(toml: &str) -> Vec<(String, Vec<String>)> {
    let mut features: Vec<(String, String)> = Vec::new();
    for line in table(toml, "features") {
        let key = line
            .split_once('=')
            .map(|(key, value)| (key.trim().trim_matches('"'), value))
            .filter(|(key, _)| {
                !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_alphanumeric() || "-_+.".contains(c))
            });
        match (key, features.last_mut()) {
            (Some((key, value)), _) => features.push((key.to_owned(), value.to_owned())),
            // The continuation of a multi-line array.
            (None, Some((_, value))) => value.push_str(line),
            (None, None) => {}
        }
    }
    features
        .into_iter()
        .map(|(name, value)| (name, strings(&value)))
        .collect()
}

/// The facade's features worth building alone: all but `default` and the aliases, the features
/// that only turn on other features (like `full`), which add no code of their own.
pub(crate) fn single_features(toml: &str) -> Vec<String> {
    let features = features(toml);
    let names: Vec<&str> = features.iter().map(|(name, _)| name.as_str()).collect();
    features
        .iter()
        .filter(|(name, enables)| {
            let alias = !enables.is_empty() && enables.iter().all(|e| names.contains(&e.as_str()));
            name != "default" && !alias
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// The crates with loom tests (`tests/loom_*.rs`).
pub(crate) fn with_loom_tests(crates: &[Crate]) -> Vec<&Crate> {
    crates
        .iter()
        .filter(|krate| {
            fs::read_dir(krate.dir.join("tests")).is_ok_and(|entries| {
                entries.flatten().any(|entry| {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with("loom_") && name.ends_with(".rs")
                })
            })
        })
        .collect()
}

/// The crates whose `src/` has `unsafe` code (comments, strings and `unsafe_code` lint names
/// do not count).
pub(crate) fn with_unsafe(crates: &[Crate]) -> Vec<&Crate> {
    crates
        .iter()
        .filter(|krate| {
            rust_files(&krate.dir.join("src"))
                .iter()
                .any(|file| fs::read_to_string(file).is_ok_and(|source| uses_unsafe(&source)))
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files
}

/// Whether Rust source has the keyword `unsafe` as code: a small lexer that skips comments,
/// string, raw string and char literals, and reads identifiers whole (`unsafe_code` is not it).
pub(crate) fn uses_unsafe(source: &str) -> bool {
    let text: Vec<char> = source.chars().collect();
    let at = |i: usize| text.get(i).copied();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c == '/' && at(i + 1) == Some('/') {
            while i < text.len() && text[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == Some('*') {
            let mut depth = 1;
            i += 2;
            while i < text.len() && depth > 0 {
                if text[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if text[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&text, i + 1);
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if at(i + 1) == Some('\\') {
                i += 2;
                while i < text.len() && text[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == Some('\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < text.len() && (text[i].is_alphanumeric() || text[i] == '_') {
                i += 1;
            }
            let word: String = text[start..i].iter().collect();
            match (word.as_str(), at(i)) {
                ("unsafe", _) => return true,
                ("b" | "c", Some('"')) => i = skip_string(&text, i + 1),
                ("r" | "br" | "cr", Some('"' | '#')) => i = skip_raw_string(&text, i),
                _ => {}
            }
        } else {
            i += 1;
        }
    }
    false
}

/// From just after an opening `"`, past the closing one (escapes skipped).
fn skip_string(text: &[char], mut i: usize) -> usize {
    while i < text.len() {
        match text[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// From the `#`s or `"` after `r`, past the raw string; a raw identifier (`r#name`) is left for
/// the lexer to read as an identifier.
fn skip_raw_string(text: &[char], start: usize) -> usize {
    let mut i = start;
    while text.get(i) == Some(&'#') {
        i += 1;
    }
    let hashes = i - start;
    if text.get(i) != Some(&'"') {
        return start + hashes;
    }
    i += 1;
    while i < text.len() {
        if text[i] == '"' && (1..=hashes).all(|k| text.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unsafe_code_only() {
        assert!(uses_unsafe("fn f() { unsafe { g() } }"));
        assert!(uses_unsafe("unsafe impl Send for X {}"));
        assert!(uses_unsafe("let c = '\\''; unsafe fn f() {}"));
        assert!(uses_unsafe("fn f<'a>(x: &'a u8) { unsafe {} }"));
        assert!(!uses_unsafe(
            "#![forbid(unsafe_code)]\n#![deny(unsafe_op_in_unsafe_fn)]"
        ));
        assert!(!uses_unsafe(
            "// unsafe here\n/* unsafe /* nested unsafe */ still */ fn f() {}"
        ));
        assert!(!uses_unsafe("/// Never unsafe.\nfn f() {}"));
        assert!(!uses_unsafe(r#"const S: &str = "unsafe \" unsafe";"#));
        assert!(!uses_unsafe(
            r###"const S: &str = r##"unsafe "# unsafe"##;"###
        ));
        assert!(!uses_unsafe(
            r#"const B: &[u8] = b"unsafe"; let c = '"'; let r#unsafe_x = 1;"#
        ));
        assert!(!uses_unsafe("fn not_unsafe() {} struct Unsafe;"));
    }

    #[test]
    fn reads_features_and_skips_aliases() {
        let toml = r#"
[package]
name = "corio" # the facade

[features]
default = ["runtime", "sync", "channel"]
## Everything corio has.
full = ["runtime", "sync", "channel", "reactor", "time", "executor"]
runtime = ["dep:corio-runtime", "executor", "time", "reactor"]
executor = ["dep:corio-executor"]
time = [
    "dep:corio-time", # timers
]
reactor = ["dep:corio-reactor"]
sync = ["dep:corio-sync"]
channel = ["dep:corio-channel"]
extra = []

[dependencies]
corio-time = { workspace = true, optional = true }
"#;
        assert_eq!(package_name(toml).as_deref(), Some("corio"));
        // A line starting with '[' inside a multi-line array is not a table header.
        let nested = "[features]\na = [\n[\"x\"],\n]\nb = [\"dep:b\"]\n[dependencies]\nc = []\n";
        assert_eq!(features(nested).len(), 2);
        let features = features(toml);
        assert_eq!(
            features[4],
            ("time".to_owned(), vec!["dep:corio-time".to_owned()])
        );
        assert_eq!(
            single_features(toml),
            [
                "runtime", "executor", "time", "reactor", "sync", "channel", "extra"
            ]
        );
    }

    #[test]
    fn discovers_the_workspace_crates() {
        let root = crate::project::root();
        let crates = crates(root).unwrap();
        assert!(crates.iter().any(|krate| krate.name == "corio"));
        assert!(
            crates
                .iter()
                .all(|krate| krate.dir.starts_with(root.join("crates")))
        );
        let facade = fs::read_to_string(root.join("crates/corio/Cargo.toml")).unwrap();
        assert!(single_features(&facade).contains(&"runtime".to_owned()));
    }
}
