//! Writing: the blank template (data sheet and instructions sheet) and exports with the same
//! header.

use anyhow::Context;
use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet};

use super::dates::date_to_serial;
use super::{Cell, ColKind, Column, DATA_SHEET, HELP_SHEET, MAX_INT_AS_NUMBER, MAX_ROWS};

const DATE_FORMAT: &str = "yyyy-mm-dd";
const MONEY_FORMAT: &str = "#,##0.00";
/// Write fen as a number only while yuan keep every digit in an f64 (and in Excel).
const MAX_FEN_AS_NUMBER: i64 = 100_000_000_000_000;

/// Approximate display width of a text, in Excel character units (CJK characters are wide).
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.1 }).sum()
}

fn kind_name(kind: ColKind) -> &'static str {
    match kind {
        ColKind::Text => "文本 / Text",
        ColKind::Integer => "整数 / Whole number",
        ColKind::Money => "金额（元） / Amount (yuan)",
        ColKind::Date => "日期 / Date",
        ColKind::Enum(_) => "选项 / Choice",
        ColKind::Code => "代码（文本） / Code (text)",
    }
}

fn kind_notes(kind: ColKind) -> String {
    match kind {
        ColKind::Text => String::new(),
        // The type says "whole number"; an example belongs to the column (a year is not 12).
        ColKind::Integer => String::new(),
        ColKind::Money => {
            "以元为单位，最多两位小数，如 1300000.50 / in yuan, at most 2 decimals, e.g. 1300000.50".into()
        }
        ColKind::Date => "如 2022-06-01、2022/6/1、2022年6月1日、20220601 / e.g. 2022-06-01, 2022/6/1, 20220601".into(),
        ColKind::Enum(options) => {
            // The labels a user picks from the drop-down (the internal codes stay internal).
            let list: Vec<&str> = options.iter().map(|(_, zh, _)| *zh).collect();
            format!("从下拉列表选择 / pick from the list: {}", list.join("、"))
        }
        ColKind::Code => {
            "请按文本填写，不要输入为数字（长代码会丢失位数） / enter as text, not as a number (long codes lose digits)"
                .into()
        }
    }
}

/// Sets up the data sheet: name, bold frozen header, column formats and widths, drop-downs.
fn data_sheet(ws: &mut Worksheet, columns: &[Column]) -> anyhow::Result<()> {
    ws.set_name(DATA_SHEET)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let last_row = u32::try_from(MAX_ROWS).context("row limit")?;
    for (i, col) in columns.iter().enumerate() {
        let c = u16::try_from(i).context("too many columns")?;
        let header = col.header();
        ws.write_string_with_format(0, c, &header, &bold)?;
        ws.set_column_width(c, (text_width(&header) + 2.0).clamp(10.0, 40.0))?;
        match col.kind {
            ColKind::Text | ColKind::Code => {
                ws.set_column_format(c, &text)?;
            }
            ColKind::Date => {
                ws.set_column_format(c, &date)?;
            }
            ColKind::Money => {
                ws.set_column_format(c, &money)?;
            }
            ColKind::Enum(options) => {
                let labels: Vec<&str> = options.iter().map(|(_, zh, _)| *zh).collect();
                // Excel limits an inline list to 255 characters; longer lists go without a
                // drop-down (the instructions sheet lists the values).
                if let Ok(dv) = DataValidation::new().allow_list_strings(&labels) {
                    ws.add_data_validation(1, c, last_row, c, &dv)?;
                }
            }
            ColKind::Integer => {}
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The blank template: the data sheet with its header, and the instructions sheet.
pub fn template(columns: &[Column]) -> anyhow::Result<Vec<u8>> {
    template_with(columns, &[], &[])
}

/// The name of the sheet listing the units the uploader may name.
pub const UNITS_SHEET: &str = "单位";

/// What a column asks for, for the instructions sheet: column key, Chinese, English.
pub type ColumnHelp = (&'static str, &'static str, &'static str);

/// The template with what each column asks for (`help`, shown in both languages on the
/// instructions sheet before the format) and, when the file names units, a sheet of the units in
/// the uploader's scope (`units`: path, name, code).
pub fn template_with(columns: &[Column], help: &[ColumnHelp], units: &[[String; 3]]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    data_sheet(wb.add_worksheet(), columns)?;

    let ws = wb.add_worksheet();
    ws.set_name(HELP_SHEET)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.write_string_with_format(
        0,
        0,
        "填写说明：第一行是列标题，请勿修改；从第二行起每行一条记录；只读取第一个工作表。",
        &bold,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Instructions: row 1 holds the column headings, do not change them; enter one record per row from row 2; only the first sheet is read.",
        &bold,
    )?;
    let heads =
        ["列 / Column", "必填 / Required", "类型 / Type", "填写什么 / What to enter", "取值与格式 / Values and format"];
    for (c, h) in (0u16..).zip(heads) {
        ws.write_string_with_format(3, c, h, &bold)?;
    }
    for (r, col) in (4u32..).zip(columns) {
        ws.write_string(r, 0, col.header())?;
        ws.write_string(r, 1, if col.required { "是 / Yes" } else { "否 / No" })?;
        ws.write_string(r, 2, kind_name(col.kind))?;
        let what =
            help.iter().find(|(k, _, _)| *k == col.key).map_or(String::new(), |(_, zh, en)| format!("{zh} / {en}"));
        ws.write_string_with_format(r, 3, what, &wrap)?;
        ws.write_string_with_format(r, 4, kind_notes(col.kind), &wrap)?;
    }
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 26)?;
    ws.set_column_width(3, 60)?;
    ws.set_column_width(4, 60)?;
    if !units.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(UNITS_SHEET)?;
        for (c, h) in (0u16..).zip(["路径 / Path", "名称 / Name", "代码 / Code"]) {
            ws.write_string_with_format(0, c, h, &bold)?;
        }
        for (r, unit) in (1u32..).zip(units) {
            for (c, v) in (0u16..).zip(unit) {
                ws.write_string(r, c, v)?;
            }
        }
        ws.set_column_width(0, 40)?;
        ws.set_column_width(1, 30)?;
        ws.set_column_width(2, 20)?;
        ws.set_freeze_panes(1, 0)?;
    }
    wb.save_to_buffer().context("writing the xlsx template")
}

/// The export: the template's data sheet with the given rows (cells in the order of `columns`).
pub fn write(columns: &[Column], rows: &[Vec<Cell>]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    data_sheet(ws, columns)?;
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    for (r, row) in (1u32..).zip(rows) {
        for (i, (col, cell)) in columns.iter().zip(row).enumerate() {
            let c = u16::try_from(i).context("too many columns")?;
            let as_text = matches!(col.kind, ColKind::Text | ColKind::Code);
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &text)?;
                }
                Cell::Int(v) if as_text || v.unsigned_abs() > MAX_INT_AS_NUMBER as u64 => {
                    ws.write_string_with_format(r, c, v.to_string(), &text)?;
                }
                Cell::Int(v) => {
                    // Exact: |v| <= 2^53.
                    ws.write_number(r, c, *v as f64)?;
                }
                Cell::Fen(f) if f.unsigned_abs() < MAX_FEN_AS_NUMBER as u64 => {
                    // The division is correctly rounded, so the f64 is the nearest to the exact
                    // yuan amount and reads back to the same fen.
                    ws.write_number_with_format(r, c, *f as f64 / 100.0, &money)?;
                }
                Cell::Fen(f) => {
                    ws.write_string_with_format(r, c, fen_to_yuan_text(*f), &text)?;
                }
                Cell::Date(d) => match date_to_serial(*d) {
                    Some(serial) if !as_text => {
                        ws.write_number_with_format(r, c, serial as f64, &date)?;
                    }
                    _ => {
                        ws.write_string_with_format(r, c, d.format("%Y-%m-%d").to_string(), &text)?;
                    }
                },
                Cell::Enum(code) => {
                    let label = match col.kind {
                        ColKind::Enum(options) => {
                            options.iter().find(|(c, _, _)| c == code).map_or(*code, |(_, zh, _)| *zh)
                        }
                        _ => *code,
                    };
                    ws.write_string(r, c, label)?;
                }
            }
        }
    }
    wb.save_to_buffer().context("writing the xlsx export")
}

fn fen_to_yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}
