//! Privacy: keyed pseudonyms for workers and employers.
//!
//! `id = HMAC-SHA256(key, domain ‖ normalised CF)`, truncated to 128 bits and written as 32
//! hex characters. The key never enters the lake: it comes from `OML_KEY` or a key file that
//! must live outside the lake. The lake records only a key fingerprint, so a run with a
//! different key (whose pseudonyms would not link to the earlier ones) is refused.
//!
//! Values in quarantine ([`shape`], [`shown`]): a quarantine excerpt or detail (CO `quarantena`,
//! `registri_quarantena`) shows a field's value only when it is *valid for its column* — a known
//! code of its code list, a well-formed date, a number, an enumerated value of the layout; the
//! validity check is the one the record's validation applies to that field. Any other value (a
//! name typed into `cittadinanza`, an address in a comune column, a birth date in a code field,
//! free text) is shown as its shape: letters `A`/`a` (case kept), digits `9`, whitespace and
//! punctuation kept, at most [`SHAPE_MAX_CHARS`] characters then `…`. `Mario Rossi` becomes
//! `Aaaaa Aaaaa`, `12/13/2023` becomes `99/99/9999`: enough to see the error, never the value.
//! Personal columns are `***` whatever their value, and `quality::mask_cf_patterns` stays the
//! last line of defence on the whole text.
//!
//! Coded fields of accepted records (`quality::codici`, the one predicate): a coded field that
//! no code list turns into a code keeps its value only when the value has the *shape of a code
//! of that field*; otherwise the field is stored empty (NULL), the record is still accepted, and
//! the dropping is counted as *valori non codificati scartati*, by field and by the value's
//! [`shape`], never the value (per file: `_manifest.json` `valori_non_codificati_scartati`, the
//! ingest report). The shape of a code, per field:
//! - CO `ccnl`: 1–6 ASCII letters or digits, at least one digit (ANPAL `TAB_CCNL` `001`, CNEL
//!   alphanumeric codes; DOMAIN.md §2.9);
//! - CO `qualifica_professionale`: ISTAT CP2011/CP2001 levels, `9`, `9.9`, … `9.9.9.9.9.99`
//!   (DOMAIN.md §2.7);
//! - CO `ente_previdenziale`: 1–4 ASCII letters or digits, at least one digit (`01`, `29`;
//!   DOMAIN.md §2.4);
//! - CO `causa_cessazione`: a code of `reference/oml/cause_cessazione.csv`, or two upper-case
//!   letters (the shape of that list's codes);
//! - DID `codice_sportello`: the general rule;
//! - CIG-worker `causale`: a wording of the list `CIG_CAUSALE` (`reference/oml/registri_codici.csv`,
//!   stored as the list writes it), else the general rule.
//!
//! The general rule: ASCII letters, digits and `.-/_` only (no whitespace), at least one digit,
//! at most 20 characters. For every field: never a value that reads as a date (`12/03/1985`,
//! `1985-03-12`, `12.3.85`, `12031985`) nor one holding a codice fiscale or partita IVA. So
//! `Mario Rossi`, `Via Roma 3` and a birth date typed into a coded column never reach the lake.
//! Every other column of `co_eventi`, `did_eventi`, `cig_lavoratori` and `mobilita_eventi` is a
//! code of a list, a date, a number, a flag, a pseudonym or a derived attribute; a Lombardia
//! wording that matches no code is a null code, counted in `etichette_non_abbinate` by its shape.

use anyhow::{Context, Result};
use hmac::{KeyInit, Mac};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// What is wrong with the key a command was given: typed, so that the CLI gives it its own exit
/// code (5) and a script can tell a missing key from a broken file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no pseudonymisation key: set OML_KEY (e.g. `export OML_KEY=$(openssl rand -hex 32)`) or pass --key-file PATH \
         (a file outside the lake). The key must stay the same for every run on a lake, and outside the repository."
    )]
    Missing,
    #[error("the key is too short ({0} characters): use at least 32 random bytes, e.g. 64 hex characters from `openssl rand -hex 32`")]
    TooShort(usize),
    #[error("the key file {} is inside the lake {}: keep it outside, the lake is shared with researchers", .key.display(), .lake.display())]
    InsideLake { key: PathBuf, lake: PathBuf },
    #[error(
        "this lake was built with another pseudonymisation key (fingerprint {lake}, yours {yours}): \
         pseudonyms would not link across runs. Use the lake's key, or a new lake."
    )]
    Mismatch { lake: String, yours: String },
}

impl KeyError {
    /// The process exit code the CLI gives a key error.
    pub fn exit_code(&self) -> i32 {
        5
    }
}

/// Where the key came from (reported to the user, never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
}

/// A secret key of at least 32 bytes.
#[derive(Clone)]
pub struct Key {
    bytes: Vec<u8>,
    pub source: KeySource,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({:?}, fingerprint {})", self.source, self.fingerprint())
    }
}

fn decode_key(text: &str) -> Result<Vec<u8>> {
    let t = text.trim();
    if t.len() == 64 && t.bytes().all(|c| c.is_ascii_hexdigit()) {
        return hex::decode(t).context("key is not valid hex");
    }
    if t.len() < 32 {
        return Err(KeyError::TooShort(t.len()).into());
    }
    Ok(t.as_bytes().to_vec())
}

impl Key {
    /// From raw text (64 hex characters, or any secret of ≥ 32 bytes).
    pub fn from_text(text: &str, source: KeySource) -> Result<Key> {
        Ok(Key {
            bytes: decode_key(text)?,
            source,
        })
    }

    /// Resolves the key: an explicit key file, else `OML_KEY`, else `OML_KEY_FILE`. Refuses a
    /// key file inside the lake folder.
    pub fn resolve(key_file: Option<&Path>, lake: &Path) -> Result<Key> {
        let from_file = |p: &Path| -> Result<Key> {
            let abs_key = std::fs::canonicalize(p).with_context(|| format!("key file {} not found", p.display()))?;
            if let Ok(abs_lake) = std::fs::canonicalize(lake) {
                if abs_key.starts_with(&abs_lake) {
                    return Err(KeyError::InsideLake {
                        key: p.to_path_buf(),
                        lake: lake.to_path_buf(),
                    }
                    .into());
                }
            }
            let text = std::fs::read_to_string(p).with_context(|| format!("reading key file {}", p.display()))?;
            Key::from_text(&text, KeySource::File(p.to_path_buf()))
        };
        if let Some(p) = key_file {
            return from_file(p);
        }
        if let Ok(v) = std::env::var("OML_KEY") {
            if !v.trim().is_empty() {
                return Key::from_text(&v, KeySource::Env);
            }
        }
        if let Ok(p) = std::env::var("OML_KEY_FILE") {
            if !p.trim().is_empty() {
                return from_file(Path::new(p.trim()));
            }
        }
        Err(KeyError::Missing.into())
    }

    /// Refuses a key whose fingerprint is not the one a lake was built with.
    pub fn check_against(&self, lake_fingerprint: Option<&str>) -> Result<(), KeyError> {
        let yours = self.fingerprint();
        match lake_fingerprint {
            Some(fp) if fp != yours => Err(KeyError::Mismatch {
                lake: fp.to_string(),
                yours,
            }),
            _ => Ok(()),
        }
    }

    /// Creates a new random key file (used by `oml demo`), readable by the owner only.
    pub fn create_file(path: &Path) -> Result<Key> {
        let mut bytes = [0u8; 32];
        let mut f = std::fs::File::open("/dev/urandom").context("opening /dev/urandom")?;
        std::io::Read::read_exact(&mut f, &mut bytes).context("reading /dev/urandom")?;
        let text = hex::encode(bytes);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, format!("{text}\n")).with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
        Key::from_text(&text, KeySource::File(path.to_path_buf()))
    }

    /// The secret of the cell-key method's record keys (`sdc::CellKeySalt`): derived from the key
    /// in its own domain, so it tells nothing about the pseudonyms.
    pub fn cell_key_salt(&self) -> [u8; 16] {
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        m.update(b"oml-cell-key-record-keys");
        let mut out = [0u8; 16];
        out.copy_from_slice(&m.finalize().into_bytes()[..16]);
        out
    }

    /// A public fingerprint of the key (stored in the manifest): 16 hex characters.
    pub fn fingerprint(&self) -> String {
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        m.update(b"oml-key-fingerprint");
        hex::encode(&m.finalize().into_bytes()[..8])
    }
}

/// Computes pseudonyms, with a cache: a province has far fewer workers than communications.
pub struct Pseudonymizer {
    base: HmacSha256,
    worker: HmacSha256,
    employer: HmacSha256,
    cache_w: FxHashMap<u128, [u8; 16]>,
    cache_e: FxHashMap<u128, [u8; 16]>,
}

/// Entries kept per cache before it is cleared (bounded memory whatever the input size).
const CACHE_LIMIT: usize = 1 << 20;

impl Pseudonymizer {
    pub fn new(key: &Key) -> Pseudonymizer {
        let base = <HmacSha256 as KeyInit>::new_from_slice(&key.bytes).expect("HMAC takes any key length");
        let mut worker = base.clone();
        worker.update(b"lavoratore:");
        let mut employer = base.clone();
        employer.update(b"datore:");
        Pseudonymizer {
            base,
            worker,
            employer,
            cache_w: FxHashMap::default(),
            cache_e: FxHashMap::default(),
        }
    }

    fn compute(mac: &HmacSha256, cf: &str) -> [u8; 16] {
        let mut m = mac.clone();
        m.update(cf.as_bytes());
        let out = m.finalize().into_bytes();
        let mut id = [0u8; 16];
        id.copy_from_slice(&out[..16]);
        id
    }

    /// The cache is keyed by a 128-bit hash of the CF (no allocation, no string compare; a
    /// collision between two of a few million CFs has probability ~1e-26).
    fn cached(cache: &mut FxHashMap<u128, [u8; 16]>, mac: &HmacSha256, cf: &str) -> [u8; 16] {
        let k = xxhash_rust::xxh3::xxh3_128(cf.as_bytes());
        if let Some(v) = cache.get(&k) {
            return *v;
        }
        let v = Pseudonymizer::compute(mac, cf);
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(k, v);
        v
    }

    /// Pseudonym of a worker (normalised, de-omocoded CF).
    pub fn worker(&mut self, cf: &str) -> [u8; 16] {
        Pseudonymizer::cached(&mut self.cache_w, &self.worker, cf)
    }

    /// Pseudonym of an employer (normalised CF or partita IVA).
    pub fn employer(&mut self, cf: &str) -> [u8; 16] {
        Pseudonymizer::cached(&mut self.cache_e, &self.employer, cf)
    }

    /// Pseudonym of another identifier (a DID, a mobility pratica, a CIG authorisation, the
    /// content of a record) in its own `domain`, so that it links across loads but never equals
    /// a worker's or an employer's pseudonym of the same text.
    pub fn identifier(&self, domain: &str, value: &str) -> [u8; 16] {
        let mut m = self.base.clone();
        m.update(domain.as_bytes());
        m.update(b":");
        Pseudonymizer::compute(&m, value)
    }
}

/// Writes a pseudonym as 32 lower-case hex characters into `out` (no allocation).
pub fn id_hex(id: &[u8; 16], out: &mut [u8; 32]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in id.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
}

/// Characters of a value's [`shape`] kept before it is cut with `…`.
pub const SHAPE_MAX_CHARS: usize = 40;

/// The shape of a value, for a quarantine excerpt or detail (module doc): upper-case letters
/// `A`, other letters `a`, digits `9`, anything else (whitespace, punctuation) kept; cut after
/// [`SHAPE_MAX_CHARS`] characters with `…`.
pub fn shape(v: &str) -> String {
    let mut out = String::with_capacity(v.len().min(4 * SHAPE_MAX_CHARS));
    for (i, c) in v.chars().enumerate() {
        if i == SHAPE_MAX_CHARS {
            out.push('…');
            break;
        }
        out.push(if c.is_uppercase() {
            'A'
        } else if c.is_alphabetic() {
            'a'
        } else if c.is_numeric() {
            '9'
        } else {
            c
        });
    }
    out
}

/// A value as a quarantine excerpt or detail may show it: itself when `valid` for its column,
/// else its [`shape`].
pub fn shown(v: &str, valid: bool) -> Cow<'_, str> {
    if valid {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(shape(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_not_valid_for_its_column_shows_only_its_shape() {
        assert_eq!(shape("Mario Rossi"), "Aaaaa Aaaaa");
        assert_eq!(shape("12/13/2023"), "99/99/9999");
        assert_eq!(shape("Via Roma 3, int. 2"), "Aaa Aaaa 9, aaa. 9");
        assert_eq!(shape("Nicolò D'Àlema"), "Aaaaaa A'Aaaaa");
        assert_eq!(shape(""), "");
        let long = "x".repeat(SHAPE_MAX_CHARS + 5);
        assert_eq!(shape(&long), format!("{}…", "a".repeat(SHAPE_MAX_CHARS)));
        assert_eq!(shape(&"y".repeat(SHAPE_MAX_CHARS)), "a".repeat(SHAPE_MAX_CHARS));
        assert_eq!(shown("000", true), "000");
        assert_eq!(shown("Mario", false), "Aaaaa");
    }

    fn key(t: &str) -> Key {
        Key::from_text(t, KeySource::Env).unwrap()
    }

    #[test]
    fn pseudonyms_are_keyed_stable_and_domain_separated() {
        let k1 = key(&"a1".repeat(32));
        let k2 = key(&"b2".repeat(32));
        let mut p1 = Pseudonymizer::new(&k1);
        let mut p1b = Pseudonymizer::new(&k1);
        let mut p2 = Pseudonymizer::new(&k2);
        let cf = "RSSMRA85T10A562S";
        assert_eq!(p1.worker(cf), p1b.worker(cf));
        assert_eq!(p1.worker(cf), p1.worker(cf)); // cached path
        assert_ne!(p1.worker(cf), p2.worker(cf));
        assert_ne!(p1.worker(cf), p1.employer(cf));
        let mut h = [0u8; 32];
        id_hex(&p1.worker(cf), &mut h);
        assert_eq!(std::str::from_utf8(&h).unwrap(), hex::encode(p1.worker(cf)));
        assert_ne!(k1.fingerprint(), k2.fingerprint());
        assert_eq!(k1.fingerprint().len(), 16);
    }

    #[test]
    fn short_keys_are_refused_and_key_is_never_printed() {
        assert!(Key::from_text("short", KeySource::Env).is_err());
        let k = key(&"c3".repeat(32));
        assert!(!format!("{k:?}").contains("c3c3"));
    }

    #[test]
    fn key_file_inside_the_lake_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lake = dir.path().join("lake");
        std::fs::create_dir_all(&lake).unwrap();
        let inside = lake.join("k.key");
        Key::create_file(&inside).unwrap();
        let err = Key::resolve(Some(&inside), &lake).unwrap_err().to_string();
        assert!(err.contains("inside the lake"), "{err}");
        let outside = dir.path().join("k.key");
        Key::create_file(&outside).unwrap();
        assert!(Key::resolve(Some(&outside), &lake).is_ok());
    }
}
