//! Writing results: atomically, so a failed or interrupted build never leaves a broken or
//! partial PDF in place of a good one.

use crate::error::{IoResultExt, Result};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into
/// place only once complete and flushed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, false, |out| out.write_all(bytes))
}

/// Like [`write_atomic`], the content written by `write` as it goes (a record too large to
/// hold in memory). With `leave_same`, a file that holds that content already is left alone
/// (its time unchanged).
pub fn write_atomic_with(
    path: &Path,
    leave_same: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).io("create", dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".marketbrief-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .io("create a temporary file in", dir)?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut out)
            .and_then(|_| out.flush())
            .io("write", path)?;
    }
    if leave_same && same_content(tmp.path(), path) {
        return Ok(());
    }
    tmp.as_file().sync_all().io("write", path)?;
    // Temporary files are private; the result should be as readable as the file it
    // replaces, or as an ordinary new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .io("set the permissions of", path)?;
    }
    tmp.persist(path).map_err(|e| e.error).io("replace", path)?;
    Ok(())
}

/// Whether the files at `a` and `b` hold the same bytes (false when either cannot be read).
fn same_content(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(a), Ok(b)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    match (a.metadata(), b.metadata()) {
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => {}
        _ => return false,
    }
    let (mut a, mut b) = (std::io::BufReader::new(a), std::io::BufReader::new(b));
    let (mut x, mut y) = ([0u8; 8192], [0u8; 8192]);
    loop {
        let n = match a.read(&mut x) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return true;
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

/// Removes the temporary files that builds killed mid-write left in `dir`. Only under the
/// edition's lock: no other build is writing there then.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".marketbrief-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Checks that a name from the data or the command line can be used in a file name as it
/// is: letters, digits, `-` and `_`, so that it cannot reach outside its folder.
/// A terminal stream that a reader may close (`marketbrief mail | head -1`): what cannot be
/// printed any more is dropped, and the work goes on to its end instead of stopping
/// halfway, its record incomplete.
pub struct IgnoreClosed<W>(pub W);

impl<W: std::io::Write> std::io::Write for IgnoreClosed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// Opens a lock file for `File::lock`, never truncating it and refusing a symbolic link:
/// the lock must not empty or touch a file it points to.
pub fn open_lock(path: &Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other(format!(
            "{} is a symbolic link, not a lock file: remove it",
            path.display()
        )));
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

pub fn plain_name(name: &str) -> Result<String, String> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(name.to_string())
    } else {
        Err(format!(
            "expected a plain name (letters, digits, - and _, at most 64), found `{name}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_of_killed_builds_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".marketbrief-abc123.tmp"), b"half a PDF").unwrap();
        std::fs::write(dir.path().join("ca-fr.pdf"), b"a PDF").unwrap();
        remove_stale_temporaries(dir.path());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["ca-fr.pdf"]);
    }

    #[test]
    fn names_from_data_cannot_leave_their_folder() {
        for good in ["comext-goods", "north_america", "de2"] {
            assert_eq!(plain_name(good).as_deref(), Ok(good));
        }
        for bad in [
            "",
            "../../x",
            "a/b",
            "..",
            "-rf",
            "x y",
            "é",
            &"a".repeat(65),
        ] {
            assert!(plain_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.pdf");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let entries: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(entries.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644, "readable like an ordinary file");
        }
    }

    #[test]
    fn a_lock_never_empties_a_file_and_refuses_links() {
        let dir = tempfile::tempdir().unwrap();
        let precious = dir.path().join("precious.txt");
        std::fs::write(&precious, "precious").unwrap();
        let lock = dir.path().join(".lock");
        std::os::unix::fs::symlink(&precious, &lock).unwrap();
        assert!(open_lock(&lock).is_err());
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious");
        let plain = dir.path().join(".other.lock");
        std::fs::write(&plain, "x").unwrap();
        open_lock(&plain).unwrap().lock().unwrap();
        assert_eq!(std::fs::read_to_string(&plain).unwrap(), "x");
    }
}
