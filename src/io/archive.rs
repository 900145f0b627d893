//! Several files as one zip archive (entries stored, not compressed), written with the `zip`
//! crate: numpy's `.npz` is such a zip of `.npy` files, and a TensorBoard export is a zip of one
//! folder per run. Entries carry the zip format's earliest date (1980-01-01), so the same files
//! give the same bytes.
//!
//! Non-goals: reading archives, compression (the contents are mostly f32/f64 noise that deflate
//! barely shrinks).

use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip archive holding `files` (path inside the archive, contents) in the given order.
pub fn stored_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(files.iter().any(|(_, b)| b.len() >= u32::MAX as usize));
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .and_then(|()| zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| format!("cannot add {name} to the zip archive: {e}"))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| format!("cannot finish the zip archive: {e}"))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored entry's local header: signature PK\x03\x04, method 0 at offset 8, the CRC-32 of
    /// the contents at 14, both sizes at 18 and 22, the name at 30 and then the bytes as they are.
    #[test]
    fn entries_are_stored_verbatim() {
        let zip = stored_zip(&[("a.txt".into(), b"hello".to_vec())]).unwrap();
        assert_eq!(&zip[..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([zip[8], zip[9]]), 0);
        let crc = u32::from_le_bytes(zip[14..18].try_into().unwrap());
        assert_eq!(crc, crc32fast::hash(b"hello"));
        assert_eq!(u32::from_le_bytes(zip[18..22].try_into().unwrap()), 5);
        assert_eq!(u32::from_le_bytes(zip[22..26].try_into().unwrap()), 5);
        let name_len = u16::from_le_bytes([zip[26], zip[27]]) as usize;
        let extra_len = u16::from_le_bytes([zip[28], zip[29]]) as usize;
        assert_eq!(&zip[30..30 + name_len], b"a.txt");
        let data = 30 + name_len + extra_len;
        assert_eq!(&zip[data..data + 5], b"hello");
        // The end-of-central-directory record closes the archive and counts one entry.
        let eocd = zip.len() - 22;
        assert_eq!(&zip[eocd..eocd + 4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([zip[eocd + 10], zip[eocd + 11]]), 1);
    }
}
