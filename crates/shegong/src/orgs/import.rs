//! Spreadsheet columns of the registry (export now; the same columns serve the import).

use crate::platform::xlsx::{ColKind, Column};

pub const TYPE_OPTIONS: &[(&str, &str)] =
    &[("social_group", "社会团体"), ("service_institution", "社会服务机构"), ("foundation", "基金会")];
pub const STATUS_OPTIONS: &[(&str, &str)] = &[("normal", "正常"), ("deregistered", "注销"), ("revoked", "撤销")];
pub const GRADE_OPTIONS: &[(&str, &str)] = &[("1A", "1A"), ("2A", "2A"), ("3A", "3A"), ("4A", "4A"), ("5A", "5A")];

pub const XLSX_COLUMNS: &[Column] = &[
    Column {
        key: "credit_code", zh: "统一社会信用代码", en: "Credit code", kind: ColKind::Code, required: true
    },
    Column { key: "name", zh: "名称", en: "Name", kind: ColKind::Text, required: true },
    Column { key: "org_type", zh: "类型", en: "Type", kind: ColKind::Enum(TYPE_OPTIONS), required: true },
    Column { key: "unit_path", zh: "所属单位路径", en: "Unit path", kind: ColKind::Text, required: true },
    Column {
        key: "department", zh: "业务主管单位", en: "Competent department", kind: ColKind::Text, required: false
    },
    Column { key: "registered_on", zh: "登记日期", en: "Registered on", kind: ColKind::Date, required: true },
    Column { key: "status", zh: "状态", en: "Status", kind: ColKind::Enum(STATUS_OPTIONS), required: false },
    Column { key: "grade", zh: "评估等级", en: "Grade", kind: ColKind::Enum(GRADE_OPTIONS), required: false },
    Column { key: "grade_year", zh: "评估年度", en: "Grade year", kind: ColKind::Integer, required: false },
    Column { key: "address", zh: "住所", en: "Address", kind: ColKind::Text, required: false },
    Column {
        key: "legal_rep", zh: "法定代表人", en: "Legal representative", kind: ColKind::Text, required: false
    },
    Column { key: "contact_phone", zh: "联系电话", en: "Contact phone", kind: ColKind::Code, required: false },
];
