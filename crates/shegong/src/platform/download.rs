//! Downloads: the name a file is saved under (an ASCII name and the reader's, RFC 5987), the
//! response, and the web export of a kind of the registry (the exporter `shegong export` runs).

use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::platform::error::AppResult;
use crate::platform::web::{PageCtx, XLSX_TYPE};

/// The name a download is saved under: an ASCII name that every client reads (`filename=`) and
/// the name in the reader's language for the clients that read RFC 5987 (`filename*=UTF-8''…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pub ascii: String,
    pub local: String,
}

impl FileName {
    /// A file with a fixed ASCII name (`orgs-template.xlsx`) and its localised name.
    pub fn new(ascii: &str, local: &str) -> FileName {
        FileName { ascii: ascii_file_name(ascii), local: local.to_string() }
    }

    /// A stored file's own name (an attachment): the ASCII name made from it.
    pub fn stored(name: &str) -> FileName {
        FileName { ascii: ascii_file_name(name), local: name.to_string() }
    }

    /// An export: `{kind}-{unit code}-{year}.{ext}` in ASCII (`orgs-320583-2022.xlsx`), and
    /// `{title}-{unit name}-{year}.{ext}` in the reader's language (`社会组织-昆山市-2022.xlsx`).
    pub fn export(kind: &str, unit_code: &str, year: i32, title: &str, unit_name: &str, ext: &str) -> FileName {
        FileName {
            ascii: ascii_file_name(&format!("{kind}-{unit_code}-{year}.{ext}")),
            local: format!("{title}-{unit_name}-{year}.{ext}"),
        }
    }

    /// An export of what the signed-in user sees: named by their unit (its code is the last
    /// part of its path) in the page's language.
    pub fn export_of_user(c: &PageCtx, kind: &str, year: i32, title: &str, ext: &str) -> FileName {
        let code = c.user.as_ref().map(|u| unit_code_of(&u.unit_path)).unwrap_or_default();
        FileName::export(kind, code, year, title, c.unit_name(), ext)
    }
}

/// The code of a unit from its path (`/320583/zhoushi/` → `zhoushi`).
pub fn unit_code_of(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// A file name of ASCII letters, digits, `.`, `-` and `_` only (anything else becomes `_`).
fn ascii_file_name(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    if s.trim_matches(|c| c == '_' || c == '.').is_empty() {
        "download".into()
    } else {
        s
    }
}

/// RFC 5987 `value-chars`: `attr-char`s as they are, every other byte percent-encoded.
fn rfc5987(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Content-Disposition` of a download saved as `name`.
pub fn disposition(name: &FileName) -> String {
    format!("attachment; filename=\"{}\"; filename*=UTF-8''{}", name.ascii, rfc5987(&name.local))
}

/// A file download under `name` (see [`FileName`]).
pub fn download(bytes: Vec<u8>, name: &FileName, content_type: &'static str) -> Response {
    let mut resp = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// The web export of a kind of the registry: the exporter that `shegong export KIND FILE` runs,
/// given the reader's scope, rights and language, the list's filter (`filter`, the page's query
/// string, already checked by the page's extractors) and the record the page names (`parent`);
/// audited; saved as `{kind}-{unit code}-{year}.xlsx` (the reader's unit, the current year) with
/// the localised name `{title}-{unit}-{year}.xlsx`.
pub async fn export_download(
    st: &crate::platform::AppState,
    c: &PageCtx,
    auth: &crate::platform::access::Auth,
    exchange: &crate::platform::import::Exchange,
    filter: &str,
    parent: Option<i64>,
    title: &str,
) -> AppResult<Response> {
    use crate::platform::import::{ExportCtx, Format, Reader};
    let ctx =
        ExportCtx { db: &st.db, scope: &auth.scope, filter, parent, lang: c.lang, reader: Reader::User(&auth.access) };
    let out = exchange.export(&ctx, Format::Xlsx).await?;
    let tx = st.db.write().await?;
    crate::platform::audit::record(
        &*tx,
        &crate::platform::audit::Actor::user(auth, &c.ip),
        crate::platform::audit::Event::new("export", exchange.entity, "xlsx").unit(auth.unit_id).after(
            &serde_json::json!({"kind": exchange.kind, "rows": out.rows, "full": out.full, "filter": filter, "parent": parent}),
        ),
    )
    .await?;
    tx.commit().await?;
    let name = FileName::export_of_user(c, exchange.kind, crate::platform::period::this_year(), title, "xlsx");
    Ok(download(out.bytes, &name, XLSX_TYPE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_ascii_with_the_localised_name_encoded() {
        let n = FileName::export("orgs", "320583", 2022, "社会组织", "昆山市", "xlsx");
        assert_eq!(n.ascii, "orgs-320583-2022.xlsx");
        assert_eq!(
            disposition(&n),
            "attachment; filename=\"orgs-320583-2022.xlsx\"; filename*=UTF-8''%E7%A4%BE%E4%BC%9A%E7%BB%84%E7%BB%87-%E6%98%86%E5%B1%B1%E5%B8%82-2022.xlsx"
        );
        let odd = FileName::stored("a b\"c'*.pdf");
        assert_eq!(odd.ascii, "a_b_c__.pdf");
        assert!(disposition(&odd).ends_with("filename*=UTF-8''a%20b%22c%27%2A.pdf"));
        assert_eq!(FileName::stored("照片.jpg").ascii, "__.jpg");
        assert_eq!(FileName::stored("年报").ascii, "download");
        assert_eq!(unit_code_of("/320583/zhoushi/"), "zhoushi");
        assert_eq!(unit_code_of("/320583/"), "320583");
    }
}
