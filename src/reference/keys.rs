//! Allocation-free lookups: the hash map type of every index, the probes the accessors use and
//! [`CodeList`], a list keyed by one code (with the dated lookup of [`CodeCheck`]).
//!
//! Reference lookups sit on the ingest hot path: FxHash instead of SipHash (keys are not
//! attacker-controlled, they are our own code lists), and the caller's `&str` is probed as it
//! is, trimmed, then upper-cased or zero-padded in a stack buffer, never in a new `String`.

use super::{Cittadinanza, CodeCheck, Comune, Tipologia, Validity};
use chrono::NaiveDate;

pub(super) type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

const KEY_BUF: usize = 32;

/// Looks `key` up trimmed; if absent and it contains lower-case ASCII, retries upper-cased
/// (in a stack buffer: no allocation).
pub(super) fn get_ci<'m, V>(map: &'m HashMap<String, V>, key: &str) -> Option<&'m V> {
    let key = key.trim();
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    if key.len() > KEY_BUF || !key.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut buf = [0u8; KEY_BUF];
    let upper = &mut buf[..key.len()];
    upper.copy_from_slice(key.as_bytes());
    upper.make_ascii_uppercase();
    std::str::from_utf8(upper).ok().and_then(|k| map.get(k))
}

/// Looks `key` up trimmed; if absent and it is all digits but shorter than `width`, retries
/// left-padded with zeros (`"47"` → `"047"`), in a stack buffer.
pub(super) fn get_padded<'m, V>(map: &'m HashMap<String, V>, key: &str, width: usize) -> Option<&'m V> {
    let key = key.trim();
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    if key.is_empty() || key.len() >= width || width > KEY_BUF || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut buf = [b'0'; KEY_BUF];
    buf[width - key.len()..width].copy_from_slice(key.as_bytes());
    std::str::from_utf8(&buf[..width]).ok().and_then(|k| map.get(k))
}

/// `item` as valid or not valid at `date`.
fn check<T>(item: T, validity: &Validity, date: NaiveDate) -> CodeCheck<T> {
    if validity.contains(date) {
        CodeCheck::Valid(item)
    } else {
        CodeCheck::NotValidAtDate(item)
    }
}

/// A list keyed by one code, probed without allocating: [`get_ci`] (trimmed, any case) or,
/// for numeric codes, [`get_padded`] (`"47"` → `"047"`).
pub(super) struct CodeList<T> {
    items: Vec<T>,
    by_code: HashMap<String, usize>,
    /// `Some(width)`: probe with [`get_padded`]; `None`: with [`get_ci`].
    padded: Option<usize>,
}

impl<T> CodeList<T> {
    /// `items` in table order (codes already checked unique), keyed by `code`, probed with
    /// [`get_ci`].
    pub(super) fn new(items: Vec<T>, code: impl Fn(&T) -> &str) -> CodeList<T> {
        let by_code = items
            .iter()
            .enumerate()
            .map(|(i, x)| (code(x).to_string(), i))
            .collect();
        CodeList {
            items,
            by_code,
            padded: None,
        }
    }

    /// The same, probed with [`get_padded`] to `width` digits.
    pub(super) fn padded(items: Vec<T>, width: usize, code: impl Fn(&T) -> &str) -> CodeList<T> {
        CodeList {
            padded: Some(width),
            ..CodeList::new(items, code)
        }
    }

    /// Position of the item with this code.
    pub(super) fn index_of(&self, code: &str) -> Option<usize> {
        match self.padded {
            None => get_ci(&self.by_code, code).copied(),
            Some(width) => get_padded(&self.by_code, code, width).copied(),
        }
    }

    /// The item with this code.
    pub(super) fn get(&self, code: &str) -> Option<&T> {
        self.index_of(code).map(|i| &self.items[i])
    }

    /// Every item, in table order (positions as in [`CodeList::index_of`]).
    pub(super) fn items(&self) -> &[T] {
        &self.items
    }
}

/// An item with a validity interval.
pub(super) trait Dated {
    fn validity(&self) -> &Validity;
}

impl<T: Dated> CodeList<T> {
    /// The item with this code, valid or not at `date`.
    pub(super) fn at(&self, code: &str, date: NaiveDate) -> CodeCheck<&T> {
        match self.get(code) {
            Some(x) => check(x, x.validity(), date),
            None => CodeCheck::Unknown,
        }
    }
}

macro_rules! dated {
    ($($t:ty),*) => {
        $(impl Dated for $t {
            fn validity(&self) -> &Validity {
                &self.validity
            }
        })*
    };
}
dated!(Comune, Tipologia, Cittadinanza);
