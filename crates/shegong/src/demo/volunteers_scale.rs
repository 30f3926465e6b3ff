//! Province-scale volunteer data for benchmarks (`shegong demo --scale N`, alias
//! `--volunteer-records N`): N service records on top of the demo, written in batches (one
//! transaction each) through the same store function that keeps the summary and its roll-ups
//! ([`crate::volunteers::store::insert_records`]). Volunteers are clearly synthetic
//! (规模测试志愿者000001…, 198 phones, valid ID numbers born in 1960), each serving in one
//! community; records are spread evenly over the days of 2018–2023 and written in day order (as
//! records arrive in life, and so that a batch touches the summary rows of a few days, not of
//! all six years), any volunteer, any service type. One seeded generator (`demo::rng`): the same
//! N gives the same data.

use chrono::{Duration, NaiveDate};

use crate::demo::rng::Rng;
use crate::platform::access::Scope;
use crate::platform::audit::{self, Actor, Event};
use crate::platform::db::Db;
use crate::volunteers::model::{IdDocument, SignupInput};
use crate::volunteers::store;

/// Records per transaction.
pub const BATCH: usize = 50_000;
const SEED: u64 = 0x5CA1_E000_2018_2023;

/// What the generator wrote.
#[derive(Debug, Default, serde::Serialize)]
pub struct ScaleReport {
    pub volunteers: usize,
    pub records: u64,
    pub person_times: i64,
    pub minutes: i64,
}

/// Volunteers for `n` records: about fifty records each, at least 100 and at most 200,000.
pub fn volunteers_for(n: u64) -> usize {
    (n / 50).clamp(100, 200_000) as usize
}

/// A synthetic scale volunteer `j` (a valid ID number unique for every j below 20,000,000).
pub fn scale_volunteer(j: usize) -> anyhow::Result<SignupInput> {
    let birth =
        NaiveDate::from_ymd_opt(1960, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))? + Duration::days((j / 1000) as i64);
    let id = cncodes::IdNumber::complete(&format!("320583{}{:03}", birth.format("%Y%m%d"), j % 1000))
        .map_err(|e| anyhow::anyhow!("scale id: {e}"))?;
    Ok(SignupInput {
        name: format!("规模测试志愿者{:06}", j + 1),
        id: IdDocument { id_type: "resident", number: id.as_str().to_string() },
        phone: format!("198{:08}", j),
        unit_id: None,
        skills: String::new(),
        availability: String::new(),
    })
}

/// Writes the volunteers and `n` records; `progress` hears the records written so far.
pub async fn generate(db: &Db, n: u64, progress: impl Fn(u64)) -> anyhow::Result<ScaleReport> {
    let mut rng = Rng::seeded(SEED);
    let vault = crate::platform::vault::vault()?;
    let communities: Vec<i64> = crate::units::options(&db.conn, &Scope::all())
        .await?
        .into_iter()
        .filter(|u| u.depth == 2)
        .map(|u| u.id)
        .collect();
    if communities.is_empty() {
        anyhow::bail!("no communities: write the demo first");
    }
    let types: Vec<i64> = store::service_types(&db.conn).await?.into_iter().map(|t| t.id).collect();
    let mut report = ScaleReport { volunteers: volunteers_for(n), ..ScaleReport::default() };
    // Volunteers, in batches; the code is one for all (nobody signs in as them).
    let code = crate::volunteers::model::new_code()?;
    let mut ids: Vec<(i64, i64)> = Vec::with_capacity(report.volunteers);
    for chunk in (0..report.volunteers).collect::<Vec<_>>().chunks(10_000) {
        let mut people = Vec::with_capacity(chunk.len());
        for &j in chunk {
            let unit = communities[j % communities.len()];
            people.push(crate::volunteers::model::protect(&vault, unit, &scale_volunteer(j)?, &code)?);
        }
        let tx = db.write().await?;
        let new = store::insert_volunteers(&*tx, &people).await?;
        tx.commit().await?;
        ids.extend(new.into_iter().zip(people.iter().map(|p| p.unit_id)));
    }
    let first = NaiveDate::from_ymd_opt(2018, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let days = (NaiveDate::from_ymd_opt(2023, 12, 31).ok_or_else(|| anyhow::anyhow!("date"))? - first).num_days() + 1;
    let mut written = 0u64;
    while written < n {
        let size = (n - written).min(BATCH as u64) as usize;
        let mut rows = Vec::with_capacity(size);
        for i in written..written + size as u64 {
            let (volunteer_id, unit_id) = ids[rng.below(ids.len())];
            let r = store::NewRecord {
                volunteer_id,
                campaign_id: None,
                assignment_id: None,
                unit_id,
                // Record i of n falls on day i·days/n: every day of the six years, in order.
                service_date: first + Duration::days((u128::from(i) * days as u128 / u128::from(n)) as i64),
                service_type_id: types[rng.below(types.len())],
                minutes: 15 * rng.range(4, 32) as i32,
                person_times: rng.range(1, 40) as i32,
                source: "import".into(),
                status: "confirmed".into(),
                content: String::new(),
            };
            report.person_times += i64::from(r.person_times);
            report.minutes += i64::from(r.minutes);
            rows.push(r);
        }
        let tx = db.write().await?;
        if !db.is_postgres() {
            // A page cache of 1 GiB for this connection (the default is 2 MiB): the indexes of
            // ten million records stay in memory while they grow.
            sea_orm::ConnectionTrait::execute_unprepared(&*tx, "PRAGMA cache_size = -1048576").await?;
        }
        store::insert_records(&*tx, &rows, None).await?;
        tx.commit().await?;
        written += size as u64;
        progress(written);
    }
    report.records = written;
    let tx = db.write().await?;
    audit::record(&*tx, &Actor::system("demo"), Event::new("demo_generate", "volunteer_records", "").after(&report))
        .await?;
    tx.commit().await?;
    db.analyze(&[
        "volunteer_records",
        "volunteer_summary",
        "volunteer_day_volunteers",
        "volunteer_unit_weeks",
        "volunteer_period_volunteers",
    ])
    .await?;
    Ok(report)
}
