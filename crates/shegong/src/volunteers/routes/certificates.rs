//! Certificates (志愿服务记录证明): issued by a unit for a volunteer and a period from the
//! confirmed records in its subtree, as an immutable numbered snapshot with a check code; a
//! printable A4 page; and the public `/verify` (number and check code), which shows the name
//! partly masked, the hours, the issuer and the date, never the ID number.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::orgs::model::parse_date;
use crate::platform::access::{Auth, Need, Routes};
use crate::platform::audit::{self, Actor, Event};
use crate::platform::error::{AppError, AppResult};
use crate::platform::time::today;
use crate::platform::web::{
    download, render, render_status, see_other, set_flash, FileName, FormErrors, PageCtx, Problems,
};
use crate::platform::AppState;
use crate::volunteers::model::{name_masked, new_code};
use crate::volunteers::routes::public::{limited, too_many};
use crate::volunteers::store::{self, CertificateRow, NewCertificate, Snapshot};

pub fn routes() -> Routes {
    Routes::new()
        .get("/volunteers/certificates/new", Need::Perm("volunteers.write"), cert_new)
        .post("/volunteers/certificates", Need::Perm("volunteers.write"), cert_issue)
        .with("id", &crate::volunteers::CERTIFICATE)
        .get("/volunteers/certificates/{id}", Need::Perm("volunteers.read"), cert_page)
        .get("/volunteers/certificates/{id}/pdf", Need::Perm("volunteers.read"), cert_pdf)
        .get("/verify", Need::Public, verify)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CertForm {
    #[serde(default)]
    volunteer_no: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    period_from: String,
    #[serde(default)]
    period_to: String,
    #[serde(default)]
    person_in_charge: String,
    #[serde(default)]
    handler: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    remarks: String,
}

#[derive(Template)]
#[template(path = "volunteers/certificate_form.html")]
struct CertFormPage {
    c: PageCtx,
    f: CertForm,
    errors: FormErrors,
    units: std::sync::Arc<Vec<crate::units::UnitOption>>,
}

impl CertFormPage {
    fn indent(&self, d: &i32) -> String {
        "　".repeat((*d).max(0) as usize)
    }
}

async fn cert_new(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Query(f): Query<CertForm>,
) -> AppResult<Response> {
    let units = crate::units::picker(&st, &auth).await?;
    let f = CertForm { unit_id: auth.unit_id.to_string(), ..f };
    render(&CertFormPage { c, f, errors: FormErrors::default(), units })
}

/// Issues a certificate: the issuing unit inside the caller's scope, a period up to today, and
/// confirmed service of the volunteer in the unit's subtree in that period.
async fn cert_issue(
    State(st): State<AppState>,
    c: PageCtx,
    auth: Auth,
    Form(f): Form<CertForm>,
) -> AppResult<Response> {
    let db = &st.db.conn;
    let mut errs = Problems::default();
    let v = store::volunteer_by_no(db, &f.volunteer_no).await?;
    if v.is_none() {
        errs.push(("volunteer_no", "volunteers.error.volunteer_no", String::new()));
    }
    let unit = match f.unit_id.trim().parse::<i64>() {
        Ok(id) => crate::units::get_scoped(db, &auth.scope, id).await?,
        Err(_) => None,
    };
    if unit.is_none() {
        errs.push(("unit_id", "orgs.error.unit", String::new()));
    }
    let from = parse_date(&f.period_from);
    let to = parse_date(&f.period_to).filter(|t| *t <= today());
    match (from, to) {
        (None, _) => errs.push(("period_from", "volunteers.error.date", f.period_from.trim())),
        (_, None) => errs.push(("period_to", "volunteers.error.date", f.period_to.trim())),
        (Some(a), Some(b)) if b < a => errs.push(("period_to", "volunteers.error.period", String::new())),
        _ => {}
    }
    let text = |s: &str, n: usize| s.trim().chars().take(n).collect::<String>();
    let (person_in_charge, handler, contact, remarks) =
        (text(&f.person_in_charge, 30), text(&f.handler, 30), text(&f.contact, 50), text(&f.remarks, 200));
    if person_in_charge.is_empty() || handler.is_empty() || contact.is_empty() {
        errs.push(("handler", "volunteers.error.cert_people", String::new()));
    }
    let mut lines = Vec::new();
    if let (Some(v), Some(u), Some(a), Some(b)) = (&v, &unit, from, to) {
        lines = store::service_lines(db, v.id, &u.path, a, b).await?;
        if errs.is_empty() && lines.iter().map(|l| l.minutes).sum::<i64>() <= 0 {
            errs.push(("period_from", "volunteers.error.no_service", String::new()));
        }
    }
    let ready = match (v, unit, from, to) {
        (Some(v), Some(u), Some(a), Some(b)) if errs.is_empty() => Some((v, u, a, b)),
        _ => None,
    };
    let Some((v, unit, period_from, period_to)) = ready else {
        let errors = FormErrors::from_problems(&c, errs);
        let units = crate::units::picker(&st, &auth).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &CertFormPage { c, f, errors, units });
    };
    let issued_on = today();
    let number = format!("VC{}{}", issued_on.format("%Y%m%d"), crate::platform::web::random_token(4)?.to_uppercase());
    let snapshot = Snapshot {
        name: v.name.clone(),
        id_type: v.id_type.clone(),
        id_masked: v.id_masked.clone(),
        volunteer_no: v.volunteer_no.clone(),
        minutes: lines.iter().map(|l| l.minutes).sum(),
        lines,
        issuer: unit.name.clone(),
        person_in_charge,
        handler,
        contact,
        remarks,
        period_from,
        period_to,
    };
    let cert =
        NewCertificate { number, check_code: new_code()?, volunteer_id: v.id, unit_id: unit.id, snapshot, issued_on };
    let tx = st.db.write().await?;
    let id = store::insert_certificate(&*tx, &cert, Some(auth.id)).await?;
    audit::record(
        &*tx,
        &Actor::user(&auth, &c.ip),
        Event::new("issue", "volunteer_certificate", id).unit(unit.id).after(&serde_json::json!({
            "number": cert.number, "volunteer": cert.snapshot.volunteer_no, "minutes": cert.snapshot.minutes,
            "period": [cert.snapshot.period_from, cert.snapshot.period_to],
        })),
    )
    .await?;
    set_flash(&*tx, auth.session_id, Some("volunteers.cert_issued")).await?;
    tx.commit().await?;
    Ok(see_other(&format!("/volunteers/certificates/{id}")))
}

#[derive(Template)]
#[template(path = "volunteers/certificate.html")]
struct CertPage {
    c: PageCtx,
    k: CertificateRow,
}

/// The printable A4 certificate (with its check code, for the holder).
async fn cert_page(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let k = store::certificate(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    render(&CertPage { c, k })
}

/// The certificate as PDF: the page's content as a `render::Document`, typeset by
/// `render::pdf` (same access as the page; a read, not audited, like the page).
async fn cert_pdf(State(st): State<AppState>, c: PageCtx, Path(id): Path<i64>) -> AppResult<Response> {
    let k = store::certificate(&st.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let doc = certificate_document(&c, &k);
    let fonts = st.config.fonts();
    let pdf = tokio::task::spawn_blocking(move || ::render::pdf::render(&doc, &fonts))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("certificate pdf task: {e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("certificate pdf: {e}")))?;
    let name = FileName::new(
        &format!("certificate-{}.pdf", k.number),
        &format!("{}-{}.pdf", c.t("volunteers.cert.title"), k.number),
    );
    Ok(download(pdf, &name, "application/pdf"))
}

/// The certificate's fields in the page's order, as a document of one table.
fn certificate_document(c: &PageCtx, k: &CertificateRow) -> ::render::Document {
    let period =
        c.tf("volunteers.period_value", &[("from", &k.s.period_from.to_string()), ("to", &k.s.period_to.to_string())]);
    let content =
        k.s.lines
            .iter()
            .map(|l| format!("{}{}", c.pick(&l.name, &l.name_en), c.paren(l.hours())))
            .collect::<Vec<_>>()
            .join(c.t("common.list_separator"));
    let rows = [
        ("volunteers.name", k.s.name.clone()),
        ("volunteers.id_type_label", c.t(k.id_type_key().as_str()).to_string()),
        ("volunteers.id_number", k.s.id_masked.clone()),
        ("volunteers.volunteer_no", k.s.volunteer_no.clone()),
        ("volunteers.period", period),
        ("volunteers.hours", k.hours()),
        ("volunteers.cert.content", content),
        ("volunteers.cert.issuer", k.s.issuer.clone()),
        ("volunteers.cert.person_in_charge", k.s.person_in_charge.clone()),
        ("volunteers.cert.handler", k.s.handler.clone()),
        ("volunteers.contact", k.s.contact.clone()),
        ("volunteers.cert.issued_on", k.issued_on.to_string()),
        ("volunteers.cert.remarks", k.s.remarks.clone()),
        ("volunteers.cert.check_code", k.check_code.clone()),
    ];
    ::render::Document {
        title: c.t("volunteers.cert.title").to_string(),
        subtitle: Some(format!("{} {}", c.t("volunteers.cert.number"), k.number)),
        lang: if c.lang == crate::platform::i18n::Lang::En { ::render::Lang::En } else { ::render::Lang::Zh },
        blocks: vec![
            ::render::Block::Table(::render::Table {
                caption: None,
                header: Vec::new(),
                rows: rows.into_iter().map(|(key, v)| vec![c.t(key).to_string(), v]).collect(),
                numeric: Vec::new(),
            }),
            ::render::Block::Paragraph { text: vec![::render::Inline::text(c.t("volunteers.cert.verify_hint"))] },
        ],
    }
}

#[derive(Debug, Default, Deserialize)]
struct VerifyQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "volunteers/verify.html")]
struct VerifyPage {
    c: PageCtx,
    q: VerifyQuery,
    /// The certificate found: (masked name, hours, issuer, issue date, number).
    found: Option<(String, String, String, String, String)>,
    error: String,
}

/// Anyone checks a certificate by number and check code (counted against the limit of
/// `/verify` per address, `verify_address`). One answer for an unknown number and a wrong code.
async fn verify(State(st): State<AppState>, c: PageCtx, Query(q): Query<VerifyQuery>) -> AppResult<Response> {
    if q.number.trim().is_empty() && q.code.trim().is_empty() {
        return render(&VerifyPage { c, q, found: None, error: String::new() });
    }
    if let Some(retry) = limited(&st, "verify_address", &c.ip).await? {
        let error = c.t("volunteers.error.rate").to_string();
        return too_many(render(&VerifyPage { c, q, found: None, error }), retry);
    }
    let code = crate::volunteers::model::normalise_code(&q.code);
    let k = store::certificate_by_number(&st.db.conn, &q.number)
        .await?
        .filter(|k| crate::platform::secret::eq(&k.check_code, &code));
    match k {
        Some(k) => {
            let found = Some((
                name_masked(&k.s.name),
                k.hours(),
                k.s.issuer.clone(),
                k.issued_on.to_string(),
                k.number.clone(),
            ));
            render(&VerifyPage { c, q, found, error: String::new() })
        }
        None => {
            let error = c.t("volunteers.verify.not_found").to_string();
            render_status(StatusCode::NOT_FOUND, &VerifyPage { c, q, found: None, error })
        }
    }
}
