//! The kit's tests: real workbooks written with rust_xlsxwriter or saved by LibreOffice.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

use super::dates::{date_to_serial, serial_to_date};
use super::read::{allowed, header_score, map_header};
use super::*;
use crate::platform::i18n::{Detail, Lang};
use crate::platform::import::RowError;

mod labels;
mod sniff;

/// The reader with the cell problems as an error (the shape of the tests below; importers take
/// the sheet with its problems, see `Sheet::report`).
fn read(bytes: &[u8], columns: &[Column]) -> Result<Sheet, Vec<RowError>> {
    let sheet = super::read(bytes, columns)?;
    if sheet.errors.is_empty() {
        Ok(sheet)
    } else {
        Err(sheet.errors)
    }
}

const KINDS: &[Choice] = &[
    ("community", "社区", "Community"),
    ("village", "村", "Village"),
    ("town", "镇", "Town"),
    ("district", "区", "District"),
    ("other", "其他", "Other kind"),
];

/// The org-unit import.
const UNITS: &[Column] = &[
    Column { key: "parent_path", zh: "上级路径", en: "Parent path", kind: ColKind::Text, required: true },
    Column { key: "code", zh: "代码", en: "Code", kind: ColKind::Text, required: true },
    Column { key: "name", zh: "名称", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "name_en", zh: "英文名称", en: "English name", kind: ColKind::Text, required: false },
    Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(KINDS), required: true },
    Column {
        key: "division_code", zh: "行政区划代码", en: "Division code", kind: ColKind::Code, required: false
    },
    Column { key: "sort_order", zh: "排序", en: "Order", kind: ColKind::Integer, required: false },
    Column { key: "established", zh: "设立日期", en: "Established", kind: ColKind::Date, required: false },
];

/// One column of each kind, for the cell rules.
const ALL: &[Column] = &[
    Column { key: "text", zh: "文本", en: "Text", kind: ColKind::Text, required: true },
    Column { key: "n", zh: "数量", en: "Count", kind: ColKind::Integer, required: false },
    Column { key: "amount", zh: "金额", en: "Amount", kind: ColKind::Money, required: false },
    Column { key: "day", zh: "日期", en: "Date", kind: ColKind::Date, required: false },
    Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(KINDS), required: false },
    Column { key: "id", zh: "编号", en: "ID", kind: ColKind::Code, required: false },
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn err(row: usize, column: &str, key: &str, detail: &str) -> RowError {
    RowError::new(row, column, key, detail)
}

/// A test workbook: first sheet with the given header and raw rows.
#[derive(Clone, Copy)]
enum Raw<'a> {
    S(&'a str),
    N(f64),
    D(f64),
    B,
}

fn book(header: &[&str], rows: &[Vec<Raw>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy/m/d");
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v {
                Raw::S(s) => ws.write_string(r, c, *s).unwrap(),
                Raw::N(f) => ws.write_number(r, c, *f).unwrap(),
                Raw::D(f) => ws.write_number_with_format(r, c, *f, &date).unwrap(),
                Raw::B => ws,
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

fn all_header() -> Vec<String> {
    ALL.iter().map(|c| c.header()).collect()
}

/// Reads one row through the ALL columns; the text column is filled in.
fn one(cells: &[Raw]) -> Result<Vec<Cell>, Vec<RowError>> {
    let header = all_header();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut row = vec![Raw::S("x")];
    row.extend_from_slice(cells);
    let sheet = read(&book(&header, &[row]), ALL)?;
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].0, 2);
    Ok(sheet.rows[0].1.clone())
}

/// A detail as a Chinese and an English reader see it.
fn zh_en(d: &Detail) -> [String; 2] {
    [d.render(Lang::Zh), d.render(Lang::En)]
}

fn one_err(cells: &[Raw]) -> (String, String, Detail) {
    let e = one(cells).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    (e[0].column.clone(), e[0].key.clone(), e[0].detail.clone())
}

#[test]
fn every_key_is_in_the_locales() {
    for key in [
        KEY_NOT_XLSX,
        KEY_TOO_LARGE,
        KEY_TOO_MANY_ROWS,
        KEY_MISSING_COLUMN,
        KEY_UNREADABLE,
        KEY_REQUIRED,
        KEY_INTEGER,
        KEY_MONEY,
        KEY_DATE,
        KEY_ENUM,
        KEY_CODE_AS_NUMBER,
        KEY_MONEY_TOO_LARGE,
    ] {
        assert!(crate::platform::i18n::has_key(key), "{key}");
    }
}

#[test]
fn libreoffice_file_with_errors() {
    let bytes = include_bytes!("../../../tests/fixtures/units-libreoffice.xlsx");
    assert!(sniff_xlsx(bytes));
    let errors = read(bytes, UNITS).unwrap_err();
    assert_eq!(
        errors,
        vec![
            err(
                6,
                "行政区划代码",
                KEY_CODE_AS_NUMBER,
                // LibreOffice stored 3.20583199001011E+017: the last 3 digits are gone.
                "320583199001011000"
            ),
            RowError::new(9, "类型", KEY_ENUM, allowed("乡村".into(), KINDS)),
            err(10, "名称", KEY_REQUIRED, ""),
            err(11, "排序", KEY_INTEGER, "abc"),
        ]
    );
}

#[test]
fn libreoffice_file_values() {
    // The same file through columns that accept its bad cells, to check the parsed values.
    const KINDS_AND_RURAL: &[Choice] = &[
        ("community", "社区", "Community"),
        ("village", "村", "Village"),
        ("town", "镇", "Town"),
        ("rural", "乡村", "Rural"),
    ];
    let mut cols = UNITS.to_vec();
    cols[2].required = false; // name
    cols[4].kind = ColKind::Enum(KINDS_AND_RURAL);
    cols[5].kind = ColKind::Text; // division code
    cols[6].kind = ColKind::Text; // sort order
    let bytes = include_bytes!("../../../tests/fixtures/units-libreoffice.xlsx");
    let sheet = read(bytes, &cols).unwrap();
    let e = Cell::Empty;
    let row = |path: &str, code: &str, name: Cell, en: Cell, kind: &'static str| {
        vec![t(path), t(code), name, en, Cell::Enum(kind)]
    };
    let with = |mut v: Vec<Cell>, rest: [Cell; 3]| {
        v.extend(rest);
        v
    };
    let expected = vec![
        (
            2,
            with(
                row("/320583", "zhoushi", t("周市镇"), t("Zhoushi Town"), "town"),
                [t("320583102"), t("1"), Cell::Date(d(2001, 1, 1))],
            ),
        ),
        (
            3,
            with(
                row("/320583/zhoushi", "shibei", t("市北社区"), t("Shibei Community"), "community"),
                [e.clone(), t("2"), e.clone()],
            ),
        ),
        (
            4,
            // "ｌｕｊｉａ \u{3000}", "陆家镇\u{3000}", " 镇 " are cleaned.
            with(row("/320583", "lujia", t("陆家镇"), e.clone(), "town"), [e.clone(), e.clone(), e.clone()]),
        ),
        (
            5,
            with(
                row("/320583/zhoushi", "dongshi", t("东市村"), e.clone(), "village"),
                // A number cell; a date cell (serial 44562).
                [t("320583102"), t("3"), Cell::Date(d(2022, 1, 1))],
            ),
        ),
        (
            6,
            with(
                row("/320583/zhoushi", "xishi", t("西市村"), e.clone(), "village"),
                [t("320583199001011000"), e.clone(), e.clone()],
            ),
        ),
        (
            7,
            with(
                row("/320583/zhoushi", "nanshi", t("南市社区"), e.clone(), "community"),
                // Text "2022年6月1日".
                [e.clone(), e.clone(), Cell::Date(d(2022, 6, 1))],
            ),
        ),
        // Row 8 holds only blanks and is skipped.
        (
            9,
            with(
                row("/320583/zhoushi", "beishi", t("北市社区"), e.clone(), "rural"),
                [e.clone(), e.clone(), e.clone()],
            ),
        ),
        (
            10,
            with(
                row("/320583/zhoushi", "zhongshi", e.clone(), e.clone(), "community"),
                [e.clone(), e.clone(), e.clone()],
            ),
        ),
        (
            11,
            with(
                row("/320583/zhoushi", "xinshi", t("新市社区"), e.clone(), "community"),
                [e.clone(), t("abc"), e.clone()],
            ),
        ),
    ];
    assert_eq!(sheet.rows, expected);
}

#[test]
fn libreoffice_good_file() {
    let bytes = include_bytes!("../../../tests/fixtures/units-good-libreoffice.xlsx");
    let sheet = read(bytes, UNITS).unwrap();
    assert_eq!(
        sheet.rows,
        vec![
            (
                2,
                vec![
                    t("/320583"),
                    t("zhoushi"),
                    t("周市镇"),
                    t("Zhoushi Town"),
                    Cell::Enum("town"),
                    // A number cell in LibreOffice.
                    t("320583102"),
                    Cell::Int(1),
                    // A date cell.
                    Cell::Date(d(2001, 1, 1)),
                ]
            ),
            (
                3,
                vec![
                    t("/320583/zhoushi"),
                    t("shibei"),
                    t("市北社区"),
                    t("Shibei Community"),
                    Cell::Enum("community"),
                    t("320583102001"),
                    Cell::Int(2),
                    Cell::Date(d(2022, 6, 1)),
                ]
            ),
            (
                4,
                vec![
                    t("/320583/zhoushi"),
                    t("dongshi"),
                    t("东市村"),
                    Cell::Empty,
                    Cell::Enum("village"),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]
            ),
        ]
    );
}

#[test]
fn file_level_errors() {
    // Too large: decided before anything is parsed.
    let big = vec![0u8; MAX_BYTES + 1];
    assert_eq!(read(&big, UNITS).unwrap_err(), vec![err(0, "", KEY_TOO_LARGE, "> 10 MB")]);
    // A text file renamed to .xlsx, an empty file, a zip without a workbook.
    let csv = "parent_path,code,name\n/320583,zhoushi,周市镇\n".as_bytes();
    assert!(!sniff_xlsx(csv));
    assert_eq!(read(csv, UNITS).unwrap_err(), vec![err(0, "", KEY_NOT_XLSX, "")]);
    assert_eq!(read(b"", UNITS).unwrap_err()[0].key, KEY_NOT_XLSX);
    let mut not_book = include_bytes!("../../../tests/fixtures/units-good-libreoffice.xlsx").to_vec();
    assert!(sniff_xlsx(&not_book));
    // Rename the part in the local header and the central directory.
    while let Some(i) = not_book.windows(15).position(|w| w == b"xl/workbook.xml") {
        not_book[i + 3] = b'W';
    }
    assert!(!sniff_xlsx(&not_book));
    assert_eq!(read(&not_book, UNITS).unwrap_err()[0].key, KEY_NOT_XLSX);
}

#[test]
fn damaged_files_do_not_panic() {
    let good = include_bytes!("../../../tests/fixtures/units-libreoffice.xlsx");
    for len in (0..good.len()).step_by(37) {
        let e = read(&good[..len], UNITS).unwrap_err();
        assert_eq!(e[0].row, 0);
    }
    for i in 0..good.len() {
        let mut bad = good.to_vec();
        bad[i] ^= 0x5A;
        // Any outcome but a panic.
        let _ = read(&bad, UNITS);
        let _ = sniff_xlsx(&bad);
    }
}

#[test]
fn too_many_rows() {
    const ONE: &[Column] = &[Column { key: "n", zh: "名称", en: "Name", kind: ColKind::Text, required: true }];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "名称").unwrap();
    for r in 1..=MAX_ROWS as u32 {
        ws.write_number(r, 0, r).unwrap();
    }
    let exactly = wb.save_to_buffer().unwrap();
    assert_eq!(read(&exactly, ONE).unwrap().rows.len(), MAX_ROWS);
    ws_add_row(&mut wb);
    let over = wb.save_to_buffer().unwrap();
    assert_eq!(read(&over, ONE).unwrap_err(), vec![err(0, "", KEY_TOO_MANY_ROWS, "> 50000")]);

    fn ws_add_row(wb: &mut Workbook) {
        let ws = wb.worksheet_from_index(0).unwrap();
        ws.write_string(MAX_ROWS as u32 + 5, 0, "one more").unwrap();
    }
}

#[test]
fn missing_required_columns() {
    let bytes = book(&["代码 / Code", "名称", "Parent Path", "remarks"], &[]);
    let e = read(&bytes, UNITS).unwrap_err(); // The missing column is named in the reader's language.
    assert_eq!(e, vec![RowError::new(1, "类型", KEY_MISSING_COLUMN, Detail::Label { zh: "类型", en: "Kind" })]);
    // An empty sheet misses every required column.
    let empty = book(&[], &[]);
    let e = read(&empty, UNITS).unwrap_err();
    let keys: Vec<(usize, &str, &str)> = e.iter().map(|e| (e.row, e.column.as_str(), e.key.as_str())).collect();
    assert_eq!(
        keys,
        vec![
            (1, "上级路径", KEY_MISSING_COLUMN),
            (1, "代码", KEY_MISSING_COLUMN),
            (1, "名称", KEY_MISSING_COLUMN),
            (1, "类型", KEY_MISSING_COLUMN),
        ]
    );
    // Missing optional columns are fine, and read as empty.
    let bytes = book(
        &["parent_path", "CODE", "名称", "类型 / Kind"],
        &[vec![Raw::S("/a"), Raw::S("b"), Raw::S("c"), Raw::S("区")]],
    );
    let sheet = read(&bytes, UNITS).unwrap();
    assert_eq!(
        sheet.rows,
        vec![(
            2,
            vec![t("/a"), t("b"), t("c"), Cell::Empty, Cell::Enum("district"), Cell::Empty, Cell::Empty, Cell::Empty]
        )]
    );
}

#[test]
fn header_matching() {
    let col = UNITS[5];
    for h in [
        "division_code",
        "行政区划代码",
        "Division code",
        "DIVISION CODE",
        "行政区划代码 / Division code",
        "行政区划代码/division code",
        "行政区划代码 /",
        "x / Division Code",
    ] {
        assert!(header_score(&col, h) > 0, "{h}");
    }
    for h in ["division", "代码", "Code", "行政区划", "代码 / Code"] {
        assert_eq!(header_score(&col, h), 0, "{h}");
    }
    // A loose match does not take the header of another column.
    let cols = [
        Column { key: "a", zh: "名称", en: "Short name", kind: ColKind::Text, required: true },
        Column { key: "b", zh: "全称", en: "Name", kind: ColKind::Text, required: true },
    ];
    let header = [(0, "全称 / Name".to_string()), (1, "名称 / Short Name".to_string())];
    let map = map_header(&header, &cols, 1).unwrap();
    assert_eq!((map[&0], map[&1]), (1, 0));
    // Header cells are cleaned (full-width, U+3000) and the header may start lower down.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(2, 1, "\u{3000}上级路径 ").unwrap();
    ws.write_string(2, 2, "ｃｏｄｅ").unwrap();
    ws.write_string(2, 3, "名称 / Name").unwrap();
    ws.write_string(2, 4, "kind").unwrap();
    for (c, v) in [(1, "/a"), (2, "b"), (3, "c"), (4, "社区")] {
        ws.write_string(3, c, v).unwrap();
    }
    let sheet = read(&wb.save_to_buffer().unwrap(), UNITS).unwrap();
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].0, 4);
    assert_eq!(sheet.rows[0].1[4], Cell::Enum("community"));
}

#[test]
fn strings_are_cleaned_and_blank_rows_skipped() {
    let header = all_header();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = book(
        &header,
        &[
            vec![Raw::S("\u{3000}ＡＢ１２ ")],
            vec![Raw::S("  "), Raw::S("\u{3000}"), Raw::B, Raw::S("")],
            vec![],
            vec![Raw::S("x"), Raw::B, Raw::B, Raw::B, Raw::B, Raw::S(" ｓｚ０１ ")],
        ],
    );
    let sheet = read(&bytes, ALL).unwrap();
    let e = Cell::Empty;
    assert_eq!(
        sheet.rows,
        vec![
            (2, vec![t("AB12"), e.clone(), e.clone(), e.clone(), e.clone(), e.clone()]),
            (5, vec![t("x"), e.clone(), e.clone(), e.clone(), e.clone(), t("SZ01")]),
        ]
    );
}

#[test]
fn required_cells() {
    let header = all_header();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = book(&header, &[vec![Raw::S("\u{3000}"), Raw::N(3.0)]]);
    assert_eq!(read(&bytes, ALL).unwrap_err(), vec![err(2, "文本", KEY_REQUIRED, "")]);
}

#[test]
fn integer_cells() {
    let b = Raw::B;
    assert_eq!(one(&[Raw::N(12.0)]).unwrap()[1], Cell::Int(12));
    assert_eq!(one(&[Raw::N(-3.0)]).unwrap()[1], Cell::Int(-3));
    assert_eq!(one(&[Raw::S("12")]).unwrap()[1], Cell::Int(12));
    assert_eq!(one(&[Raw::S(" １２ ")]).unwrap()[1], Cell::Int(12));
    assert_eq!(one(&[b]).unwrap()[1], Cell::Empty);
    for (raw, shown) in [
        (Raw::N(1.5), "1.5"),
        (Raw::S("abc"), "abc"),
        (Raw::S("12.0"), "12.0"),
        (Raw::S("1,200"), "1,200"),
        (Raw::N(1e300), "1e300"),
    ] {
        assert_eq!(one_err(&[raw]), ("数量".into(), KEY_INTEGER.into(), shown.into()));
    }
}

#[test]
fn money_cells() {
    let fen = |raw: Raw| one(&[Raw::B, raw]).unwrap()[2].clone();
    assert_eq!(fen(Raw::S("1,300,000.50")), Cell::Fen(130_000_050));
    assert_eq!(fen(Raw::N(1_300_000.5)), Cell::Fen(130_000_050));
    assert_eq!(fen(Raw::S("¥1300000")), Cell::Fen(130_000_000));
    assert_eq!(fen(Raw::S("￥1,300,000.5元")), Cell::Fen(130_000_050));
    assert_eq!(fen(Raw::S("１３００.０５")), Cell::Fen(130_005));
    assert_eq!(fen(Raw::N(0.07)), Cell::Fen(7));
    assert_eq!(fen(Raw::N(19.99)), Cell::Fen(1999));
    assert_eq!(fen(Raw::S("12.500")), Cell::Fen(1250));
    // The largest amount below the ceiling, as a float: still exact to the fen.
    assert_eq!(fen(Raw::N(9_999_999_999.99)), Cell::Fen(999_999_999_999));
    for (raw, shown) in [
        (Raw::S("1.234"), "1.234"),
        (Raw::N(1.234), "1.234"),
        // Float arithmetic residue is not silently rounded.
        (Raw::N(0.1 + 0.2), "0.30000000000000004"),
        (Raw::S("1,30"), "1,30"),
        (Raw::S("12."), "12."),
        (Raw::S(".5"), ".5"),
        (Raw::S("abc"), "abc"),
        (Raw::S("1.2.3"), "1.2.3"),
        (Raw::N(-12.3), "-12.3"),
        (Raw::S("-¥12.30"), "-¥12.30"),
        (Raw::D(44562.0), "2022-01-01"),
    ] {
        assert_eq!(one_err(&[Raw::B, raw]), ("金额".into(), KEY_MONEY.into(), shown.into()));
    }
    // Above the ceiling of one amount (10,000,000,000 yuan by default), however written.
    assert_eq!(fen(Raw::S("10,000,000,000")), Cell::Fen(1_000_000_000_000));
    for (raw, shown) in [
        (Raw::S("10000000000.01"), "10000000000.01"),
        (Raw::N(10_000_000_001.0), "10000000001"),
        (Raw::S("92,233,720,368,547,758.07"), "92,233,720,368,547,758.07"),
        (Raw::S("99999999999999999999"), "99999999999999999999"),
        (Raw::N(1e300), "1e300"),
    ] {
        assert_eq!(one_err(&[Raw::B, raw]), ("金额".into(), KEY_MONEY_TOO_LARGE.into(), shown.into()));
    }
}

#[test]
fn date_cells() {
    let day = |raw: Raw| one(&[Raw::B, Raw::B, raw]).unwrap()[3].clone();
    assert_eq!(day(Raw::D(44562.0)), Cell::Date(d(2022, 1, 1)));
    assert_eq!(day(Raw::D(44562.75)), Cell::Date(d(2022, 1, 1)));
    // A serial number in a cell without a date format.
    assert_eq!(day(Raw::N(44562.0)), Cell::Date(d(2022, 1, 1)));
    assert_eq!(day(Raw::D(1.0)), Cell::Date(d(1900, 1, 1)));
    assert_eq!(day(Raw::D(59.0)), Cell::Date(d(1900, 2, 28)));
    assert_eq!(day(Raw::D(61.0)), Cell::Date(d(1900, 3, 1)));
    for s in ["2022-06-01", "2022/6/1", "2022.6.1", "2022年6月1日", "20220601", "２０２２-０６-０１"] {
        assert_eq!(day(Raw::S(s)), Cell::Date(d(2022, 6, 1)), "{s}");
    }
    assert_eq!(day(Raw::N(20_220_601.0)), Cell::Date(d(2022, 6, 1)));
    for (raw, shown) in [
        // The fictitious 1900-02-29.
        (Raw::D(60.0), "60"),
        (Raw::N(0.0), "0"),
        (Raw::N(44562.5), "44562.5"),
        (Raw::N(-1.0), "-1"),
        (Raw::S("2022-02-30"), "2022-02-30"),
        (Raw::S("2022-13-01"), "2022-13-01"),
        (Raw::S("22-6-1"), "22-6-1"),
        (Raw::S("2022-6"), "2022-6"),
        (Raw::S("2022-06/01"), "2022-06/01"),
        (Raw::S("20221301"), "20221301"),
        (Raw::S("明天"), "明天"),
    ] {
        assert_eq!(one_err(&[Raw::B, Raw::B, raw]), ("日期".into(), KEY_DATE.into(), shown.into()));
    }
}

#[test]
fn serial_numbers() {
    assert_eq!(serial_to_date(44562.0, false), Some(d(2022, 1, 1)));
    assert_eq!(serial_to_date(60.0, false), None);
    assert_eq!(serial_to_date(2_958_465.0, false), Some(d(9999, 12, 31)));
    assert_eq!(serial_to_date(2_958_466.0, false), None);
    assert_eq!(serial_to_date(f64::NAN, false), None);
    assert_eq!(serial_to_date(0.0, true), Some(d(1904, 1, 1)));
    assert_eq!(serial_to_date(43100.0, true), Some(d(2022, 1, 1)));
    assert_eq!(date_to_serial(d(1899, 12, 31)), None);
    assert_eq!(date_to_serial(d(10000, 1, 1)), None);
    let mut day = d(1900, 1, 1);
    while day < d(1901, 1, 1) {
        let s = date_to_serial(day).unwrap();
        assert_ne!(s, 60);
        assert_eq!(serial_to_date(s as f64, false), Some(day));
        day = day.succ_opt().unwrap();
    }
    assert_eq!(date_to_serial(d(2022, 1, 1)), Some(44562));
}

#[test]
fn enum_cells() {
    let kind = |raw: Raw| one(&[Raw::B, Raw::B, Raw::B, raw]).unwrap()[4].clone();
    assert_eq!(kind(Raw::S("社区")), Cell::Enum("community"));
    assert_eq!(kind(Raw::S("village")), Cell::Enum("village"));
    assert_eq!(kind(Raw::S("Town")), Cell::Enum("town"));
    assert_eq!(kind(Raw::S(" 区\u{3000}")), Cell::Enum("district"));
    // The English label is accepted too (an English message names it).
    assert_eq!(kind(Raw::S("other KIND")), Cell::Enum("other"));
    // One language per message: the labels in the reader's language, never the internal codes.
    let (column, key, d) = one_err(&[Raw::B, Raw::B, Raw::B, Raw::S("街道")]);
    assert_eq!((column.as_str(), key.as_str()), ("类型", KEY_ENUM));
    assert_eq!(
        zh_en(&d),
        ["街道；可选：社区、村、镇、区、其他", "街道; allowed: Community, Village, Town, District, Other kind"]
    );
}

#[test]
fn code_cells() {
    let code = |raw: Raw| one(&[Raw::B, Raw::B, Raw::B, Raw::B, raw]).unwrap()[5].clone();
    assert_eq!(code(Raw::S("91320583mA1x")), t("91320583MA1X"));
    assert_eq!(code(Raw::S("0012")), t("0012"));
    assert_eq!(code(Raw::S("320583199001011234")), t("320583199001011234"));
    assert_eq!(code(Raw::N(320_583_102.0)), t("320583102"));
    assert_eq!(code(Raw::N(999_999_999_999_999.0)), t("999999999999999"));
    for (raw, shown) in [
        (Raw::N(1e15), "1000000000000000"),
        (Raw::N(320_583_199_001_011_234.0), "320583199001011260"),
        (Raw::D(44562.0), "2022-01-01"),
    ] {
        assert_eq!(
            one_err(&[Raw::B, Raw::B, Raw::B, Raw::B, raw]),
            ("编号".into(), KEY_CODE_AS_NUMBER.into(), shown.into())
        );
    }
}

#[test]
fn all_errors_are_reported() {
    let header = all_header();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let bytes = book(
        &header,
        &[
            vec![Raw::S("ok"), Raw::S("x"), Raw::S("y"), Raw::S("z"), Raw::S("w"), Raw::N(1e16)],
            vec![Raw::S("ok")],
            vec![Raw::B, Raw::N(0.5)],
        ],
    );
    let e: Vec<(usize, String, String)> =
        read(&bytes, ALL).unwrap_err().into_iter().map(|e| (e.row, e.column, e.key)).collect();
    let s = |r: usize, c: &str, k: &str| (r, c.to_string(), k.to_string());
    assert_eq!(
        e,
        vec![
            s(2, "数量", KEY_INTEGER),
            s(2, "金额", KEY_MONEY),
            s(2, "日期", KEY_DATE),
            s(2, "类型", KEY_ENUM),
            s(2, "编号", KEY_CODE_AS_NUMBER),
            s(4, "文本", KEY_REQUIRED),
            s(4, "数量", KEY_INTEGER),
        ]
    );
}

#[test]
fn template_reads_back_empty() {
    let bytes = template(UNITS).unwrap();
    assert!(sniff_xlsx(&bytes));
    assert_eq!(read(&bytes, UNITS).unwrap(), Sheet::default());
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec![DATA_SHEET, HELP_SHEET]);
    let data = wb.worksheet_range(DATA_SHEET).unwrap();
    let header: Vec<String> = data.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[0], "上级路径 / Parent path");
    assert_eq!(header[7], "设立日期 / Established");
    let help = wb.worksheet_range(HELP_SHEET).unwrap();
    let text: Vec<String> = help.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.contains(&"类型 / Kind".to_string()));
    // The labels a user picks, not the internal codes.
    assert!(text.iter().any(|c| c.contains("社区、村、镇")));
    assert!(!text.iter().any(|c| c.contains("(community)")));
    assert!(text.contains(&"是 / Yes".to_string()));
}

#[test]
fn write_reads_back_the_same_cells() {
    let rows = vec![
        vec![
            t("周市镇"),
            Cell::Int(12),
            Cell::Fen(130_000_050),
            Cell::Date(d(2022, 1, 1)),
            Cell::Enum("village"),
            t("0320583102"),
        ],
        vec![
            t("x"),
            Cell::Int(-9_007_199_254_740_993),
            Cell::Fen(7),
            Cell::Date(d(1900, 2, 28)),
            Cell::Empty,
            t("320583199001011234"),
        ],
        vec![
            t("y"),
            Cell::Empty,
            Cell::Fen(1_000_000_000_000),
            Cell::Date(d(1899, 6, 1)),
            Cell::Enum("other"),
            Cell::Empty,
        ],
        vec![t("z"), Cell::Int(0), Cell::Fen(1), Cell::Date(d(1900, 3, 1))],
    ];
    let bytes = write(ALL, &rows).unwrap();
    let sheet = read(&bytes, ALL).unwrap();
    let mut expected: Vec<(usize, Vec<Cell>)> = (2..).zip(rows).collect();
    expected[3].1.extend([Cell::Empty, Cell::Empty]);
    assert_eq!(sheet.rows, expected);
    // Exported dates are date cells, money is a number, codes are text.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    let range = wb.worksheet_range(DATA_SHEET).unwrap();
    assert!(matches!(range.get_value((1, 3)), Some(Data::DateTime(_))));
    assert_eq!(range.get_value((1, 2)), Some(&Data::Float(1_300_000.5)));
    assert_eq!(range.get_value((1, 4)), Some(&Data::String("村".into())));
    assert_eq!(range.get_value((1, 5)), Some(&Data::String("0320583102".into())));
}

#[test]
fn any_sum_is_written_exactly_but_only_amounts_read_back() {
    // Sums and balances may be negative or beyond one amount's ceiling: written exactly (as
    // text beyond the digits of an f64), refused when read as an amount.
    let rows =
        vec![vec![t("x"), Cell::Empty, Cell::Fen(-7)], vec![t("y"), Cell::Empty, Cell::Fen(9_223_372_036_854_775_807)]];
    let bytes = write(ALL, &rows).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    let range = wb.worksheet_range(DATA_SHEET).unwrap();
    assert_eq!(range.get_value((1, 2)), Some(&Data::Float(-0.07)));
    assert_eq!(range.get_value((2, 2)), Some(&Data::String("92233720368547758.07".into())));
    let errors = read(&bytes, ALL).unwrap_err();
    assert_eq!(
        errors,
        vec![err(2, "金额", KEY_MONEY, "-0.07"), err(3, "金额", KEY_MONEY_TOO_LARGE, "92233720368547758.07"),]
    );
}

/// The verdict of an amount: fen, or the locale key of the refusal.
fn form_verdict(text: &str) -> Result<i64, String> {
    crate::platform::money::Amount::parse_yuan(text).map(|a| a.fen()).map_err(|e| e.key(KEY_MONEY).to_string())
}

#[test]
fn a_money_cell_and_a_form_field_agree() {
    // Every input typed into a form (or sent to the API) and into a text cell of an import gets
    // the same verdict; a number cell gets the verdict of the text it shows.
    let texts = [
        "-5",
        "1e3",
        "1,300,000.50",
        "0.001",
        "10,000,000,000.01",
        "10000000001",
        "99999999999999999999",
        "１２３",
        "１，３００．５０",
        "￥12.5元",
        "¥1,300,000",
        " 12 ",
        "12.500",
        "1,30",
        ".5",
        "abc",
        "0",
    ];
    let numbers: [(f64, &str); 8] = [
        (-5.0, "-5"),
        (1e3, "1000"),
        (1_300_000.5, "1300000.5"),
        (0.001, "0.001"),
        (10_000_000_000.01, "10000000000.01"),
        (0.07, "0.07"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123.0, "123"),
    ];
    // Each input alone in a real workbook, through the import reader.
    let cell_verdict = |raw: Raw| match one(&[Raw::B, raw]) {
        Ok(cells) => Ok(cells[2].fen().expect("a money cell")),
        Err(e) => Err(e[0].key.clone()),
    };
    for t in texts {
        assert_eq!(cell_verdict(Raw::S(t)), form_verdict(t), "text cell {t:?} vs form");
    }
    for (f, shown) in numbers {
        assert_eq!(cell_verdict(Raw::N(f)), form_verdict(shown), "number cell {f} vs form {shown:?}");
    }
    // The verdicts themselves, for the record.
    assert_eq!(form_verdict("-5"), Err(KEY_MONEY.into()));
    assert_eq!(form_verdict("1e3"), Err(KEY_MONEY.into()));
    assert_eq!(form_verdict("1,300,000.50"), Ok(130_000_050));
    assert_eq!(form_verdict("0.001"), Err(KEY_MONEY.into()));
    assert_eq!(form_verdict("10,000,000,000.01"), Err(KEY_MONEY_TOO_LARGE.into()));
    assert_eq!(form_verdict("１２３"), Ok(12_300));
}
