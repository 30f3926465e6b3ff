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

/// A photo for the annual review: its attachment (pages show its thumbnail, documents its
/// original) and a caption naming the record it shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPhoto {
    pub attachment: Attachment,
    /// The record's title and its date (events, activities) or year (honours), e.g.
    /// `社会组织党建工作推进会 2022-06-15`, `昆山市优秀社工 2022`: no words of either language, so
    /// the caption reads the same in a Chinese and an English review.
    pub caption: String,
    pub title: String,
    /// The date of an event or activity; none for an honour.
    pub taken_on: Option<NaiveDate>,
    /// The year of the record (the date's, or the honour's).
    pub year: i32,
}

/// The photos of events, Party activities and honours in the unit subtree `unit_path` and inside
/// the scope, for the period `from..=to` (honours: the years it touches), in a stable order
/// (dated records by date, then honours by year, each in upload order); at most `limit`.
pub async fn photos_for_review<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    unit_path: &str,
    from: NaiveDate,
    to: NaiveDate,
    limit: u32,
) -> AppResult<Vec<ReviewPhoto>> {
    use chrono::Datelike;
    let rows = store::review_photos(conn, scope, unit_path, from, to, limit).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let year = r.held_on.map(|d| d.year()).unwrap_or(r.award_year as i32);
            let when = r.held_on.map(|d| d.to_string()).unwrap_or_else(|| year.to_string());
            ReviewPhoto {
                attachment: r.attachment,
                caption: format!("{} {when}", r.title),
                title: r.title,
                taken_on: r.held_on,
                year,
            }
        })
        .collect())
}

/// The stored original of a review photo and its content type (what Word and the PDF embed).
pub async fn review_photo_bytes(data_dir: &str, a: &Attachment) -> AppResult<(Vec<u8>, String)> {
    let bytes = files::read(data_dir, a)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("photo {} for the review: {e}", a.id)))?;
    Ok((bytes, a.content_type.clone()))
}
