//! Key files (`<id> <hex key>`, mode 0600) for the secrets a process may generate itself when the
//! configuration gives none: the audit key (`platform/audit/keys.rs`) and the personal-data vault
//! key (`platform/vault.rs`). One reader and one creator for both.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::platform::i18n::Msg;

/// Which key a file holds: the message keys of its problems (`cli.<name>.file`,
/// `cli.<name>.file_format`) and the name in the log.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub file_error: &'static str,
    pub format_error: &'static str,
    pub name: &'static str,
}

pub const AUDIT: Kind =
    Kind { file_error: "cli.audit_key.file", format_error: "cli.audit_key.file_format", name: "audit key" };
pub const PII: Kind =
    Kind { file_error: "cli.pii_key.file", format_error: "cli.pii_key.file_format", name: "personal-data key" };

fn file_error(kind: Kind, path: &Path, e: &std::io::Error) -> anyhow::Error {
    Msg::new(kind.file_error).arg("path", path.display().to_string()).arg("error", e.to_string()).into()
}

/// Reads `<id> <hex key>` from a key file; `None` when there is none. A file readable by others is
/// used, with a warning in the log.
pub fn read(kind: Kind, path: &Path) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(kind, path, &e)),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                tracing::warn!(file = %path.display(), key = kind.name, "the key file is readable by others; chmod 600 it");
            }
        }
    }
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(key), None) => Ok(Some((id.to_string(), crate::platform::audit::parse_key(key)?))),
        _ => Err(Msg::new(kind.format_error).arg("path", path.display().to_string()).into()),
    }
}

/// Creates a key file with a new random 32-byte key and a random id, readable by its owner only.
/// When another process created it first, its key is used.
pub fn create(kind: Kind, path: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let mut key = vec![0u8; 32];
    getrandom::getrandom(&mut key).map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
    let mut id_bytes = [0u8; 4];
    getrandom::getrandom(&mut id_bytes).map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
    let id = format!("file-{}", hex::encode(id_bytes));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(format!("{id} {}\n", hex::encode(&key)).as_bytes())?;
            f.sync_all()?;
            Ok((id, key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read(kind, path)?.ok_or_else(|| anyhow::anyhow!("{} file {} vanished", kind.name, path.display()))
        }
        Err(e) => Err(file_error(kind, path, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_keys_read_back_and_a_second_creator_gets_the_first_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("k.key");
        assert!(read(PII, &path).expect("read").is_none());
        let (id, key) = create(PII, &path).expect("create");
        assert_eq!(read(PII, &path).expect("read"), Some((id.clone(), key.clone())));
        assert_eq!(create(AUDIT, &path).expect("second"), (id, key), "the file another process made");
        std::fs::write(&path, "only-an-id\n").expect("write");
        assert!(read(PII, &path).is_err(), "a malformed file is an error");
    }
}
