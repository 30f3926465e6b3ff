//! Files told apart by their content, and bounds checked before anything is inflated.

use super::*;

#[test]
fn sniffing_by_content() {
    // Not a zip; a zip behind other bytes; a real xlsx.
    assert!(!sniff_xlsx(b"parent_path,code\n/320583,zhoushi\n"));
    assert!(!sniff_xlsx(b"PK\x03\x04 but nothing else"));
    let real = template(UNITS).unwrap();
    assert!(sniff_xlsx(&real));
    let mut prefixed = b"MZ".to_vec();
    prefixed.extend_from_slice(&real);
    assert!(!sniff_xlsx(&prefixed));
    assert_eq!(read(&prefixed, UNITS).unwrap_err(), vec![err(0, "", KEY_NOT_XLSX, "")]);
    // A zip without xl/workbook.xml; a zip with one that is not a workbook.
    let zip_of = |name: &str| {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file(name, opts).unwrap();
        w.write_all(b"<workbook/>").unwrap();
        w.finish().unwrap().into_inner()
    };
    let other = zip_of("word/document.xml");
    assert!(!sniff_xlsx(&other));
    assert_eq!(read(&other, UNITS).unwrap_err(), vec![err(0, "", KEY_NOT_XLSX, "")]);
    let fake = zip_of("xl/workbook.xml");
    assert!(sniff_xlsx(&fake));
    assert_eq!(read(&fake, UNITS).unwrap_err()[0].key, KEY_NOT_XLSX);
}

#[test]
fn declared_unpacked_size_is_bounded() {
    // A real xlsx whose central directory claims a 4 GB part: refused before anything is inflated.
    let mut bytes = template(UNITS).unwrap();
    let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").expect("central directory");
    bytes[cd + 24..cd + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert!(sniff_xlsx(&bytes));
    let e = read(&bytes, UNITS).unwrap_err();
    assert_eq!((e.len(), e[0].key.as_str()), (1, KEY_TOO_LARGE));
    // The detail in the reader's language only.
    assert_eq!(zh_en(&e[0].detail), ["解压后 > 256 MB", "> 256 MB unpacked"]);
}
