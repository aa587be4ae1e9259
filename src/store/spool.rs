//! What an edition's briefs printed, kept on disk rather than in memory: `figures.json` is
//! read and written one brief at a time through an anonymous temporary file, so a build's
//! memory does not grow with the number of briefs in its edition (or in the previous one).

use crate::printed::BriefFigures;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// The most bytes of a `figures.json` read: far above any edition's (about 30 KB a brief),
/// which is read one brief at a time.
pub const FIGURES_BYTES: u64 = 1 << 30;

/// The figures of an edition's briefs, by name (`ca-fr`), each kept in a temporary file as
/// the text `figures.json` holds, with its hash.
#[derive(Debug)]
pub struct Spool {
    file: Mutex<File>,
    end: u64,
    slots: BTreeMap<String, Slot>,
}

/// Where a brief's figures are in the spool.
#[derive(Debug, Clone, PartialEq)]
struct Slot {
    offset: u64,
    len: u64,
    sha256: String,
    country: String,
    language: String,
    /// Read from a record of an earlier version (see [`BriefFigures::legacy`]).
    legacy: bool,
}

/// The head of a `figures.json`: its format and edition.
#[derive(Debug, Default)]
pub struct Head {
    pub format: Option<u32>,
    pub edition: Option<String>,
}

impl Spool {
    pub fn new() -> std::io::Result<Spool> {
        Ok(Spool {
            file: Mutex::new(tempfile::tempfile()?),
            end: 0,
            slots: BTreeMap::new(),
        })
    }

    /// Keeps `figures` as the brief `name`'s, replacing what it had; returns whether that
    /// changed anything.
    pub fn insert(&mut self, name: &str, figures: &BriefFigures) -> std::io::Result<bool> {
        let sha256 = super::figures_sha256(figures);
        if let Some(slot) = self.slots.get(name)
            && slot.sha256 == sha256
            && slot.legacy == figures.legacy
        {
            return Ok(false);
        }
        // As it stands in `figures.json`: pretty, each line below the first indented under
        // `"briefs"`. JSON strings hold no raw line break, so indenting lines is safe.
        let pretty = serde_json::to_string_pretty(figures).map_err(std::io::Error::other)?;
        let text = pretty.replace('\n', "\n    ");
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(self.end))?;
        file.write_all(text.as_bytes())?;
        let slot = Slot {
            offset: self.end,
            len: text.len() as u64,
            sha256,
            country: figures.country.clone(),
            language: figures.language.clone(),
            legacy: figures.legacy,
        };
        self.end += slot.len;
        self.slots.insert(name.to_string(), slot);
        Ok(true)
    }

    /// The figures of the brief `name`, if the edition has them.
    pub fn get(&self, name: &str) -> Option<std::io::Result<BriefFigures>> {
        let slot = self.slots.get(name)?;
        Some(self.text(slot).and_then(|text| {
            let mut figures: BriefFigures =
                serde_json::from_slice(&text).map_err(std::io::Error::other)?;
            figures.legacy = slot.legacy;
            Ok(figures)
        }))
    }

    /// The SHA-256 of what the edition records of the brief `name` ([`super::figures_sha256`]).
    pub fn sha256(&self, name: &str) -> Option<&str> {
        self.slots.get(name).map(|s| s.sha256.as_str())
    }

    /// The briefs, in name order, with their country and language as recorded.
    pub fn briefs(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.slots
            .iter()
            .map(|(name, s)| (name.as_str(), s.country.as_str(), s.language.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn text(&self, slot: &Slot) -> std::io::Result<Vec<u8>> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(slot.offset))?;
        let mut text = vec![0; slot.len as usize];
        file.read_exact(&mut text)?;
        Ok(text)
    }

    /// Writes the whole `figures.json` of `format` and `edition`, as
    /// `serde_json::to_string_pretty` would write it, with a final line break.
    pub fn write_json(
        &self,
        out: &mut dyn Write,
        format: u32,
        edition: &str,
    ) -> std::io::Result<()> {
        let edition = serde_json::to_string(edition).map_err(std::io::Error::other)?;
        write!(
            out,
            "{{\n  \"format\": {format},\n  \"edition\": {edition},\n  \"briefs\": {{"
        )?;
        for (i, (name, slot)) in self.slots.iter().enumerate() {
            let name = serde_json::to_string(name).map_err(std::io::Error::other)?;
            let separator = if i == 0 { "" } else { "," };
            write!(out, "{separator}\n    {name}: ")?;
            out.write_all(&self.text(slot)?)?;
        }
        if self.slots.is_empty() {
            out.write_all(b"}\n}\n")
        } else {
            out.write_all(b"\n  }\n}\n")
        }
    }

    /// Reads a `figures.json` one brief at a time: `None` when there is none. The error is
    /// the reason it cannot be read, for the caller to say what that means. The briefs of a
    /// format this version cannot read are skipped, for the caller to refuse the format.
    pub fn read(path: &Path) -> std::io::Result<Option<Result<(Head, Spool), String>>> {
        // Checked before it is opened: opening a FIFO put in its place would block.
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
            Ok(m) if !m.is_file() => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file (a pipe, socket, device or folder)",
                ));
            }
            Ok(_) => {}
        }
        let file = File::open(path)?;
        if !file.metadata()?.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        let mut reader = BufReader::new(file.take(FIGURES_BYTES));
        // A byte-order mark, as an editor may add.
        if reader.fill_buf()?.starts_with("\u{feff}".as_bytes()) {
            reader.consume(3);
        }
        if reader.fill_buf()?.is_empty() {
            return Ok(Some(Err("the file is empty".to_string())));
        }
        let mut spool = Spool::new()?;
        let mut json = serde_json::Deserializer::from_reader(reader);
        let head = FileSeed { spool: &mut spool }
            .deserialize(&mut json)
            .and_then(|head| json.end().map(|_| head));
        Ok(Some(match head {
            Ok(head) => Ok((head, spool)),
            Err(e) => Err(e.to_string()),
        }))
    }
}

struct FileSeed<'s> {
    spool: &'s mut Spool,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = Head;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Head, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = Head;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a figures file: an object with `edition` and `briefs`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
        let mut head = Head::default();
        let mut briefs = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => head.format = Some(map.next_value()?),
                "edition" => head.edition = Some(map.next_value()?),
                "briefs" => {
                    briefs = true;
                    // A newer format is refused by the caller, never misread here.
                    if head.format.is_some_and(|f| f > super::FORMAT) {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        map.next_value_seed(BriefsSeed {
                            spool: &mut *self.spool,
                        })?;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if head.edition.is_none() {
            return Err(serde::de::Error::missing_field("edition"));
        }
        if !briefs {
            return Err(serde::de::Error::missing_field("briefs"));
        }
        Ok(head)
    }
}

struct BriefsSeed<'s> {
    spool: &'s mut Spool,
}

impl<'de> DeserializeSeed<'de> for BriefsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BriefsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the figures of each brief, by name")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some((name, figures)) = map.next_entry::<String, BriefFigures>()? {
            self.spool
                .insert(&name, &figures)
                .map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(country: &str, n: usize) -> BriefFigures {
        let text = format!(
            r#"{{"country":"{country}","language":"fr","figures":[{}]}}"#,
            (0..n)
                .map(|i| format!(
                    r#"{{"id":"key/x{i}","part":"key_figure","label":"É \"x\"\n","period":"2024","value":{i}.5,"printed":"{i},5","illustrative":false,"rows":[]}}"#
                ))
                .collect::<Vec<_>>()
                .join(",")
        );
        serde_json::from_str(&text).unwrap()
    }

    /// The file the spool writes is the one `serde_json::to_string_pretty` wrote before,
    /// byte for byte, and reads back to the same figures.
    #[test]
    fn the_spool_writes_figures_json_as_serde_did() {
        for briefs in [
            vec![],
            vec![("ca-fr", figures("CA", 2))],
            vec![
                ("ca-fr", figures("CA", 2)),
                ("jp-fr", figures("JP", 0)),
                ("us-fr", figures("US", 3)),
            ],
        ] {
            let mut spool = Spool::new().unwrap();
            for (name, f) in briefs.iter().rev() {
                assert!(spool.insert(name, f).unwrap());
                assert!(!spool.insert(name, f).unwrap(), "unchanged");
            }
            let mut written = Vec::new();
            spool.write_json(&mut written, 2, "2025-Q3").unwrap();
            #[derive(serde::Serialize)]
            struct File<'a> {
                format: u32,
                edition: &'a str,
                briefs: BTreeMap<&'a str, &'a BriefFigures>,
            }
            let expected = serde_json::to_string_pretty(&File {
                format: 2,
                edition: "2025-Q3",
                briefs: briefs.iter().map(|(n, f)| (*n, f)).collect(),
            })
            .unwrap()
                + "\n";
            assert_eq!(String::from_utf8(written.clone()).unwrap(), expected);

            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("figures.json");
            std::fs::write(&path, &written).unwrap();
            let (head, read) = Spool::read(&path).unwrap().unwrap().unwrap();
            assert_eq!(
                (head.format, head.edition.as_deref()),
                (Some(2), Some("2025-Q3"))
            );
            for (name, f) in &briefs {
                assert_eq!(&read.get(name).unwrap().unwrap(), f);
                assert_eq!(read.sha256(name), spool.sha256(name));
            }
            assert_eq!(read.briefs().count(), briefs.len());
        }
    }

    #[test]
    fn a_broken_figures_file_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("figures.json");
        for (text, why) in [
            ("", "empty"),
            ("\u{feff}", "empty"),
            ("[]", "a figures file"),
            (r#"{"edition":"2025-Q3"}"#, "briefs"),
            (r#"{"edition":"2025-Q3","briefs":{}} x"#, "trailing"),
            (
                r#"{"edition":"2025-Q3","briefs":{"ca-fr":{"country":1}}}"#,
                "line 1",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let error = Spool::read(&path).unwrap().unwrap().err().unwrap();
            assert!(error.contains(why), "{text}: {error}");
        }
        assert!(
            Spool::read(&dir.path().join("none.json"))
                .unwrap()
                .is_none()
        );
        // A FIFO in its place is refused, not opened (opening it would wait for a writer).
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo.json");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert!(Spool::read(&fifo).is_err());
            }
        }
    }
}
