//! The character encoding of a CSV input, established from its bytes, not assumed.
//!
//! Regional and ministerial exports come in UTF-8 or in the Windows code page of the office
//! that saved them (ISO-8859-1 / Windows-1252, "Latin-1"). The pre-pass looks at every byte
//! of the file: a file that is valid UTF-8 throughout is UTF-8; one that is not, and holds no
//! UTF-8 sequence for an accented letter, is Latin-1 (Windows-1252 when it uses the bytes
//! 0x80–0x9F, where that code page puts `€`, `’`, `“`…); one that holds both (a file edited in
//! two programs) is refused, naming a line of each kind, because either reading would turn
//! half of its accented letters into garbage. UTF-16 is refused by its byte-order mark. The
//! encoding found is stated in the manifest (`codifica`), and Latin-1 chunks are transcoded to
//! UTF-8 before validation, so a communication reads the same in either encoding.
//! Decoding uses `encoding_rs` (WHATWG: the label `latin1` means Windows-1252, a superset of
//! ISO-8859-1's printable range).

use anyhow::{bail, Result};

/// The encoding of a text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    /// ISO-8859-1: no byte in 0x80–0x9F.
    Latin1,
    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F.
    Windows1252,
}

impl Encoding {
    /// The name stated in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Latin1 => "ISO-8859-1",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// The bytes that text transcoded by [`Encoding::to_utf8`] took in the source: one per
    /// character in the single-byte encodings (every UTF-8 byte that does not continue a
    /// character starts one).
    pub fn source_len(self, utf8: &[u8]) -> usize {
        match self {
            Encoding::Utf8 => utf8.len(),
            Encoding::Latin1 | Encoding::Windows1252 => utf8.iter().filter(|&&b| (b as i8) >= -0x40).count(),
        }
    }

    /// The bytes as UTF-8 (unchanged when they already are).
    pub fn to_utf8(self, bytes: Vec<u8>) -> Vec<u8> {
        match self {
            Encoding::Utf8 => bytes,
            Encoding::Latin1 | Encoding::Windows1252 => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
                text.into_owned().into_bytes()
            }
        }
    }
}

/// What the bytes of a file say about its encoding, gathered chunk by chunk.
#[derive(Debug, Clone, Default)]
pub struct EncodingEvidence {
    /// First line with a byte sequence that is not UTF-8.
    not_utf8: Option<u64>,
    /// First line with a UTF-8 sequence of a Latin letter (`à` = C3 A0 …).
    utf8_letter: Option<u64>,
    /// Whether a byte in 0x80–0x9F occurs (Windows-1252 rather than ISO-8859-1).
    c1: bool,
}

fn line_at(bytes: &[u8], pos: usize, first_line: u64) -> u64 {
    first_line + memchr::memchr_iter(b'\n', &bytes[..pos]).count() as u64
}

impl EncodingEvidence {
    /// Looks at a chunk of whole records starting at `first_line`; returns whether the chunk
    /// is UTF-8.
    pub fn observe(&mut self, bytes: &[u8], first_line: u64) -> bool {
        if bytes.is_ascii() {
            return true;
        }
        let utf8 = match std::str::from_utf8(bytes) {
            Ok(_) => true,
            Err(e) => {
                if self.not_utf8.is_none() {
                    self.not_utf8 = Some(line_at(bytes, e.valid_up_to(), first_line));
                }
                false
            }
        };
        if self.utf8_letter.is_none() {
            // C3 followed by a continuation byte: à è é ì ò ù … as UTF-8. In Latin-1 text it
            // would be "Ã" followed by a control or symbol byte, which no Italian text holds.
            if let Some(p) =
                memchr::memchr_iter(0xC3, bytes).find(|&p| bytes.get(p + 1).is_some_and(|b| (0x80..=0xBF).contains(b)))
            {
                self.utf8_letter = Some(line_at(bytes, p, first_line));
            }
        }
        // 0x80–0x9F say Windows-1252 only in text that is not UTF-8 (in UTF-8 they are
        // continuation bytes).
        if !utf8 && !self.c1 {
            self.c1 = bytes.iter().any(|b| (0x80..=0x9F).contains(b));
        }
        utf8
    }

    /// The encoding of the whole file, or why it has none.
    pub fn decide(&self) -> Result<Encoding> {
        match (self.not_utf8, self.utf8_letter) {
            (None, _) => Ok(Encoding::Utf8),
            (Some(bad), Some(good)) => bail!(
                "mixed encodings: line {bad} is not UTF-8, line {good} is UTF-8 (a file edited in two programs?): \
                 save it in one encoding, UTF-8 or Latin-1, and ingest it again"
            ),
            (Some(_), None) if self.c1 => Ok(Encoding::Windows1252),
            (Some(_), None) => Ok(Encoding::Latin1),
        }
    }
}

/// Refuses encodings the readers cannot take, by the file's first bytes.
pub fn check_start(head: &[u8]) -> Result<()> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        bail!(
            "line 1: the file is UTF-16 (byte-order mark {:02X} {:02X}): save it as UTF-8 or Latin-1",
            head[0],
            head[1]
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcoded_text_knows_its_size_in_the_source() {
        let latin1 = b"citt\xe0;\x80 euro;caff\xe8\n".to_vec();
        for enc in [Encoding::Latin1, Encoding::Windows1252] {
            let utf8 = enc.to_utf8(latin1.clone());
            assert!(utf8.len() > latin1.len());
            assert_eq!(enc.source_len(&utf8), latin1.len());
        }
        assert_eq!(Encoding::Utf8.source_len("città".as_bytes()), 6);
    }

    fn decide(chunks: &[&[u8]]) -> Result<Encoding> {
        let mut e = EncodingEvidence::default();
        let mut line = 2;
        for c in chunks {
            let _ = e.observe(c, line);
            line += memchr::memchr_iter(b'\n', c).count() as u64;
        }
        e.decide()
    }

    #[test]
    fn utf8_latin1_windows1252_and_mixed() {
        assert_eq!(
            decide(&[b"a;b\n", "città;perché\n".as_bytes()]).unwrap(),
            Encoding::Utf8
        );
        assert_eq!(decide(&[b"a;b\n", b"citt\xe0;perch\xe9\n"]).unwrap(), Encoding::Latin1);
        assert_eq!(decide(&[b"l\x92anno\n"]).unwrap(), Encoding::Windows1252);
        let err = decide(&[b"x\n", "città\n".as_bytes(), b"y\nperch\xe9\n"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 5 is not UTF-8, line 3 is UTF-8"), "{err}");
        assert_eq!(
            Encoding::Latin1.to_utf8(b"citt\xe0".to_vec()),
            "città".as_bytes(),
            "transcoded"
        );
        assert_eq!(
            Encoding::Windows1252.to_utf8(b"l\x92anno".to_vec()),
            "l’anno".as_bytes()
        );
        assert!(check_start(&[0xFF, 0xFE, b'a', 0]).is_err());
        assert!(check_start(b"a;b").is_ok());
    }
}
