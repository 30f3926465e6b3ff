//! The events indicators (issue 15): honours awarded in a year and events held in any period, in
//! a unit subtree. The engine in `review/` reads them. Also the photos the annual review places
//! ([`photos_for_review`]).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde::Serialize;

use crate::events::store;
use crate::platform::access::Scope;
use crate::platform::error::{AppError, AppResult};
use crate::platform::figures::Measure;
use crate::platform::files::{self, Attachment};
use crate::platform::indicator::{Ask, BoxFuture, Indicator, IndicatorGroup};

pub fn indicators() -> Vec<IndicatorGroup> {
    vec![IndicatorGroup {
        name: "events",
        need: "events.read",
        indicators: vec![
            Indicator {
                key: "events.honours",
                label_key: "indicators.events.honours",
                definition_key: "indicators.def.events.honours",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: true,
                href: |a| format!("/honours?year={}{}", a.from.format("%Y"), a.unit_param()),
            },
            Indicator {
                key: "events.events",
                label_key: "indicators.events.events",
                definition_key: "indicators.def.events.events",
                unit_key: "figures.unit.count",
                measure: Measure::Count,
                annual: false,
                href: |a| format!("/events?{}{}", &a.period_param()[1..], a.unit_param()),
            },
        ],
        compute: values,
    }]
}

fn values<'a>(c: &'a DatabaseConnection, a: &'a Ask) -> BoxFuture<'a, Result<Vec<Option<i64>>, DbErr>> {
    Box::pin(async move {
        let (honours, events) =
            store::indicator_counts(c, &a.scope, &a.unit_path, a.whole_year(), a.from, a.to).await?;
        Ok(vec![honours, Some(events)])
    })
}

/// A photo for the annual review: the thumbnail's bytes (JPEG, at most
/// `platform::images::THUMB_SIDE` pixels a side; the original for photos stored before
/// thumbnails), its size, and a caption naming the record it shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPhoto {
    /// The attachment's id.
    pub id: i64,
    /// What the photo shows: `event`, `plan_activity` or `honour`.
    pub entity: String,
    pub entity_id: i64,
    /// The record's title and its date (events, activities) or year (honours), e.g.
    /// `社会组织党建工作推进会 2022-06-15`, `昆山市优秀社工 2022`: no words of either language, so
    /// the caption reads the same in a Chinese and an English review.
    pub caption: String,
    pub title: String,
    /// The date of an event or activity; none for an honour.
    pub taken_on: Option<NaiveDate>,
    /// The year of the record (the date's, or the honour's).
    pub year: i32,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub mime: String,
    /// The size of `bytes` in pixels (0 when unknown).
    pub width: u32,
    pub height: u32,
    /// The original photo, for HTML (served after the reader's own access check).
    pub src: String,
}

/// The photos of events, Party activities and honours in the unit subtree `unit_path` and inside
/// the scope, for the period `from..=to` (honours: the years it touches), in a stable order
/// (dated records by date, then honours by year, each in upload order); at most `limit`.
pub async fn photos_for_review<C: ConnectionTrait>(
    conn: &C,
    data_dir: &str,
    scope: &Scope,
    unit_path: &str,
    from: NaiveDate,
    to: NaiveDate,
    limit: u32,
) -> AppResult<Vec<ReviewPhoto>> {
    use chrono::Datelike;
    let rows = store::review_photos(conn, scope, unit_path, from, to, limit).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let a = Attachment {
            id: r.id,
            entity: r.entity.clone(),
            entity_id: r.entity_id,
            unit_id: r.unit_id,
            kind: r.kind,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            thumb_sha256: r.thumb_sha256,
            thumb_width: r.thumb_width,
            thumb_height: r.thumb_height,
            width: r.width,
            height: r.height,
        };
        let (bytes, mime) = files::read_thumb(data_dir, &a)
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("photo {} for the review: {e}", a.id)))?;
        let (width, height) = match (a.thumb_width, a.thumb_height) {
            (Some(w), Some(h)) if a.thumb_sha256.is_some() => (w, h),
            _ => (a.width.unwrap_or(0), a.height.unwrap_or(0)),
        };
        let year = r.held_on.map(|d| d.year()).unwrap_or(r.award_year as i32);
        let when = r.held_on.map(|d| d.to_string()).unwrap_or_else(|| year.to_string());
        out.push(ReviewPhoto {
            id: a.id,
            entity: r.entity,
            entity_id: r.entity_id,
            caption: format!("{} {when}", r.title),
            title: r.title,
            taken_on: r.held_on,
            year,
            bytes,
            mime,
            width: u32::try_from(width).unwrap_or(0),
            height: u32::try_from(height).unwrap_or(0),
            src: format!("/attachments/{}", a.id),
        });
    }
    Ok(out)
}
