//! Keys, row hashes and checkpoint lines (the chain against a database: tests/it/audit_log.rs).

use sha2::{Digest, Sha256};

use super::chain::{keyed_hash, legacy_hash, Content};
use super::checkpoints::checkpoint_line;
use super::*;
use crate::platform::config::Config;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn keys() -> Keys {
    Keys::new("k1", &parse_key(KEY).expect("hex")).expect("keys")
}

#[test]
fn keys_are_hex_or_base64_and_long_enough() {
    let hex_key = parse_key(KEY).expect("hex");
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&hex_key);
    assert_eq!(parse_key(&b64).expect("base64"), hex_key);
    assert!(Keys::new("k1", &hex_key[..31]).is_err(), "31 bytes are too short");
    assert!(Keys::new("bad id", &hex_key).is_err());
    assert!(parse_key("not a key!").is_err());
    let dbg = format!("{:?}", keys());
    assert!(dbg.contains("k1") && !dbg.contains("0011223344"), "{dbg}");
}

#[test]
fn a_retired_id_given_twice_must_be_the_same_key() {
    let k = keys();
    let same = parse_key(KEY).expect("hex");
    assert!(k.clone().retire("k1", &same).is_ok());
    assert!(k.retire("k1", &[7u8; 32]).is_err());
}

#[test]
fn a_key_file_is_created_once_owner_only_and_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = Config { data_dir: dir.path().join("data").to_string_lossy().to_string(), ..Config::default() };
    assert!(Keys::from_config(&cfg, false).is_err(), "no key and no file: refused when not allowed to create");
    let (k1, o1) = Keys::from_config(&cfg, true).expect("generate");
    assert_eq!(o1, KeyOrigin::Generated(cfg.audit_key_file()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cfg.audit_key_file()).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (k2, o2) = Keys::from_config(&cfg, true).expect("reuse");
    assert_eq!(o2, KeyOrigin::File(cfg.audit_key_file()));
    assert_eq!(k1.signing.fingerprint, k2.signing.fingerprint);
    assert_eq!(k1.signing_id(), k2.signing_id());
    // A configured key signs from now on; the file's key still verifies its rows.
    let mut cfg = cfg;
    cfg.audit.key = Some(crate::platform::config::Secret::new(KEY));
    let (k3, o3) = Keys::from_config(&cfg, true).expect("configured");
    assert_eq!((o3, k3.signing_id()), (KeyOrigin::Config, "k1"));
    assert!(k3.get(k1.signing_id()).is_some());
}

#[test]
fn checkpoint_lines_verify_and_edits_do_not() {
    let k = keys();
    let h = "ab".repeat(32);
    let text = format!(
        "{}{}",
        checkpoint_line(&k.signing, 5, &h, "2025-01-01T00:00:00.000000Z"),
        checkpoint_line(&k.signing, 9, &h, "2025-01-01T00:05:00.000000Z")
    );
    let (good, problems) = parse_checkpoints(&text, &k);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(good.iter().map(|c| (c.line, c.seq)).collect::<Vec<_>>(), vec![(1, 5), (2, 9)]);
    // Moving a checkpoint back (seq 9 → 4) breaks its MAC.
    let edited = text.replace(" 9 ", " 4 ");
    let (good, problems) = parse_checkpoints(&edited, &k);
    assert_eq!(good.len(), 1);
    assert!(problems[0].to_string().contains("line 2"), "{problems:?}");
    // Under another key nothing verifies; an unfinished last line is not read.
    let other = Keys::new("k1", &[9u8; 32]).expect("other");
    assert_eq!(parse_checkpoints(&text, &other).1.len(), 2);
    let unfinished = format!("{text}v1 12 {h}");
    assert_eq!(parse_checkpoints(&unfinished, &k).0.len(), 2);
}

#[test]
fn keyed_hashes_differ_by_key_and_legacy_hashes_are_unchanged() {
    let c = Content {
        prev: GENESIS,
        seq: 1,
        at: "2025-01-01T00:00:00.000000Z",
        actor_id: Some(3),
        actor: "admin",
        ip: "127.0.0.1",
        action: "create",
        entity: "org_unit",
        entity_id: "7",
        unit_id: None,
        before: None,
        after: Some("{}"),
    };
    let other = Keys::new("k1", &[9u8; 32]).expect("other");
    assert_ne!(keyed_hash(&keys().signing, &c), keyed_hash(&other.signing, &c));
    assert_ne!(keyed_hash(&keys().signing, &c), legacy_hash(&c));
    // The legacy form is the SHA-256 chain written before keys existed.
    let mut h = Sha256::new();
    for p in [GENESIS, "1", c.at, "3", "admin", "127.0.0.1", "create", "org_unit", "7", "", "\u{0}", "{}"] {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    assert_eq!(legacy_hash(&c), hex::encode(h.finalize()));
}
