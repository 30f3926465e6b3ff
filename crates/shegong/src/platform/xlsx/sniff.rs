//! Content sniffing: is an upload an xlsx (a zip holding `xl/workbook.xml`), and how large does
//! its central directory say it unpacks to. The zip structure is read by the `zip` crate (the
//! one calamine reads the workbook with), from the central directory only: nothing is inflated.

use std::io::Cursor;

/// What the zip central directory says.
pub(super) struct ZipInfo {
    pub has_workbook: bool,
    /// Sum of the declared unpacked sizes (saturating).
    pub unpacked: u64,
}

/// The central directory of `b`; `None` if this is not a readable zip. The bytes must start
/// with a local file header (`PK\x03\x04`), as every xlsx does: a zip behind other data (a
/// self-extracting archive, a renamed file with a zip appended) is not an upload we read.
pub(super) fn zip_info(b: &[u8]) -> Option<ZipInfo> {
    if !b.starts_with(b"PK\x03\x04") {
        return None;
    }
    let archive = zip::ZipArchive::new(Cursor::new(b)).ok()?;
    let mut info = ZipInfo { has_workbook: false, unpacked: 0 };
    for i in 0..archive.len() {
        // Central-directory data only: the local headers and contents are not read.
        let entry = archive.by_index_data(i).ok()?;
        if entry.name_raw() == b"xl/workbook.xml" {
            info.has_workbook = true;
        }
        info.unpacked = info.unpacked.saturating_add(entry.size());
    }
    Some(info)
}

/// Checks the bytes are an xlsx (zip magic `PK\x03\x04` and an `xl/workbook.xml` part): the type
/// comes from the content, not the file name.
pub fn sniff_xlsx(bytes: &[u8]) -> bool {
    zip_info(bytes).is_some_and(|z| z.has_workbook)
}
