//! Enum labels as a spreadsheet gives them back.

use super::*;

const KINDS: &[Choice] = &[("city", "市（县）", "City/county"), ("town", "镇", "Town")];
const ONE: &[Column] = &[Column { key: "kind", zh: "类型", en: "Kind", kind: ColKind::Enum(KINDS), required: true }];

// An export writes the label 市（县）; cells are cleaned on reading (full-width brackets become
// half-width), so the label must be compared cleaned too: the units export used to be refused
// with "市(县)" is not an allowed option.
#[test]
fn a_label_with_full_width_brackets_reads_back() {
    let bytes = write(ONE, &[vec![Cell::Enum("city")], vec![Cell::Text("市(县)".into())]]).unwrap();
    let sheet = read(&bytes, ONE).unwrap();
    assert_eq!(sheet.rows, vec![(2, vec![Cell::Enum("city")]), (3, vec![Cell::Enum("city")])]);
}

// The cells' problems come with the rows (the importer's rules still run over every row), and a
// report leaves out a rule's problem on a cell that already has one.
#[test]
fn cell_problems_come_with_the_rows() {
    let bytes = write(ONE, &[vec![Cell::Text("乡".into())], vec![Cell::Enum("town")]]).unwrap();
    let sheet = super::super::read(&bytes, ONE).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].1, vec![Cell::Empty]);
    assert_eq!(sheet.errors.iter().map(|e| (e.row, e.key.as_str())).collect::<Vec<_>>(), vec![(2, KEY_ENUM)]);
    let mut report = sheet.report(ONE);
    report.add(RowError::new(2, "kind", "units.error.kind", ""));
    report.add(RowError::new(3, "kind", "units.error.kind", ""));
    assert_eq!(
        report.errors.iter().map(|e| (e.row, e.key.as_str())).collect::<Vec<_>>(),
        vec![(2, KEY_ENUM), (3, "units.error.kind")]
    );
    assert!(!report.cell_ok(2, "kind") && report.cell_ok(3, "kind"));
}
