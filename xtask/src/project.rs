//! Where things are: the project root and cargo's target directory.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::cmd::Cmd;

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn root() -> &'static Path {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir)
}

/// Cargo's target directory for the workspace, honouring `CARGO_TARGET_DIR` and cargo config
/// (asked of `cargo metadata`); `<root>/target` if cargo cannot tell.
pub(crate) fn target_dir() -> &'static Path {
    static TARGET: OnceLock<PathBuf> = OnceLock::new();
    TARGET.get_or_init(|| {
        Cmd::cargo(["metadata", "--format-version", "1", "--no-deps"])
            .probe()
            .and_then(|json| json_string_field(&json, "target_directory"))
            .map_or_else(|| root().join("target"), PathBuf::from)
    })
}

/// The value of the first `"field": "string"` of a JSON text (enough for `cargo metadata`'s
/// top-level `target_directory`, which cargo prints once, and without a JSON dependency).
fn json_string_field(json: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\":");
    let at = json.find(&key)? + key.len();
    let mut chars = json[at..].trim_start().chars();
    if chars.next()? != '"' {
        return None;
    }
    let mut value = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                'b' => value.push('\u{8}'),
                'f' => value.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_json_string_field() {
        let json = r#"{"packages":[],"target_directory":"/w/t \"x\"\\y\u00e9","version":1}"#;
        assert_eq!(
            json_string_field(json, "target_directory").as_deref(),
            Some("/w/t \"x\"\\yé")
        );
        assert_eq!(json_string_field(json, "version"), None);
        assert_eq!(json_string_field(json, "missing"), None);
    }

    #[test]
    fn the_root_holds_the_workspace_manifest() {
        assert!(root().join("Cargo.toml").is_file());
        assert!(root().join("xtask").is_dir());
    }
}
