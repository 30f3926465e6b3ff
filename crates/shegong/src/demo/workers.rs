//! Demo register of social workers: enough people to staff the purchased projects, and exactly
//! 194 who passed the national exam in 2022 (the review's figure). Names, ID numbers and phones
//! are generated (valid GB 11643 check characters; not real people).

use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Value};

use crate::platform::db::sql;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "马", "胡", "郭", "何", "高", "林",
    "沈", "顾", "陆", "钱", "蒋", "姚", "汤",
];
const GIVEN: &[&str] = &[
    "晓燕", "丽华", "志强", "建国", "静", "敏", "伟", "芳", "磊", "婷", "雪梅", "海涛", "佳怡", "子涵", "欣然", "文博",
    "思远", "雨桐", "浩然", "梦琪", "俊杰", "晨曦", "一鸣", "秀英", "玉兰", "春燕", "国平", "立新", "卫东", "红霞",
];

/// Those who passed the national exam in 2022 (the review's figure).
pub const EXAM_PASSES_2022: usize = 194;

/// (level, exam year) of each generated worker: 194 passes in 2022, the rest earlier.
fn qualification(i: usize) -> Option<(&'static str, i32)> {
    match i {
        0..=159 => Some(("assistant", 2022)),
        160..=189 => Some(("social_worker", 2022)),
        190..=193 => Some(("senior", 2022)),
        _ if i.is_multiple_of(7) => None,
        _ => Some(([("assistant", 0), ("social_worker", 1), ("senior", 2)][i % 3].0, 2012 + (i % 10) as i32)),
    }
}

/// One generated person (not a real one).
#[derive(Debug, Clone)]
pub struct DemoPerson {
    pub name: String,
    pub male: bool,
    pub birth: NaiveDate,
    pub id_number: String,
    pub phone: String,
    pub education: &'static str,
}

/// The `i`-th generated worker: the same every time.
pub fn person(i: usize) -> anyhow::Result<DemoPerson> {
    let male = i % 5 < 2;
    let year = 1968 + (i * 7 % 33) as i32;
    let birth = NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i * 3 % 28) as u32)
        .ok_or_else(|| anyhow::anyhow!("date"))?;
    // Sequence digits 15-17: digit 17 odd for men, even for women.
    let seq = ((i % 400) * 2 + usize::from(male)) as u32 + 100;
    let id = cncodes::IdNumber::complete(&format!("320583{}{seq:03}", birth.format("%Y%m%d")))
        .map_err(|e| anyhow::anyhow!("demo id: {e}"))?;
    Ok(DemoPerson {
        name: format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / SURNAMES.len() + i) % GIVEN.len()]),
        male,
        birth,
        id_number: id.as_str().to_string(),
        phone: format!("1{}{:09}", [3, 5, 8, 7, 9][i % 5], 100_000_000 + i * 7919 % 899_999_999),
        education: ["college", "bachelor", "bachelor", "master"][i % 4],
    })
}

/// Writes `260 × scale` workers; returns how many and how many passed in 2022.
pub async fn generate<C: ConnectionTrait>(c: &C, scale: u32) -> anyhow::Result<(usize, usize)> {
    let n = 260 * scale.max(1) as usize;
    let quals: Vec<(usize, &str, i32)> =
        (0..n).filter_map(|i| qualification(i % 260).map(|(level, y)| (i, level, y))).collect();
    let passes = quals.iter().filter(|q| q.2 == 2022).count();
    write(c, 0..n, &quals).await?;
    Ok((n, passes))
}

/// Social workers who joined the register in 2023 (written after the 2022 register).
pub const WORKERS_2023: usize = 240;
/// Of them, those who passed the national exam in 2023 (the 2023 figure; 194 in 2022).
pub const EXAM_PASSES_2023: usize = 221;
/// Of the 2023 passes, those at the intermediate level (社会工作师); the rest are assistants.
const INTERMEDIATE_2023: usize = 34;

/// Writes the [`WORKERS_2023`] workers hired in 2023 after the `260 × scale` of 2022; returns
/// how many and how many passed the exam in 2023.
pub async fn generate_2023<C: ConnectionTrait>(c: &C, scale: u32) -> anyhow::Result<(usize, usize)> {
    let first = 260 * scale.max(1) as usize;
    let quals: Vec<(usize, &str, i32)> = (0..EXAM_PASSES_2023)
        .map(|k| {
            (first + k, if k < EXAM_PASSES_2023 - INTERMEDIATE_2023 { "assistant" } else { "social_worker" }, 2023)
        })
        .collect();
    write(c, first..first + WORKERS_2023, &quals).await?;
    Ok((WORKERS_2023, quals.len()))
}

/// Writes the generated workers `range` (by index) and the qualifications `(index, level, exam
/// year)` of some of them.
async fn write<C: ConnectionTrait>(
    c: &C,
    range: std::ops::Range<usize>,
    quals: &[(usize, &str, i32)],
) -> anyhow::Result<()> {
    let b = c.get_database_backend();
    let mut units = Vec::new();
    for t in crate::demo::kunshan::TOWNS {
        if let Some(u) = crate::units::store::get_by_path(c, &format!("/320583/{}/", t.code)).await? {
            units.push(u.id);
        }
    }
    if units.is_empty() {
        anyhow::bail!("demo towns missing");
    }
    let now = Utc::now();
    let mut workers: Vec<Vec<Value>> = Vec::with_capacity(range.len());
    for i in range.clone() {
        let p = person(i)?;
        workers.push(vec![
            units[i % units.len()].into(),
            p.name.into(),
            (if p.male { "male" } else { "female" }).into(),
            p.birth.into(),
            p.id_number.into(),
            p.phone.into(),
            p.education.into(),
            now.into(),
            now.into(),
        ]);
    }
    for chunk in workers.chunks(200) {
        let marks = vec!["(?,?,?,?,?,?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk.iter().flatten().cloned().collect();
        c.execute(sql(b, &format!("INSERT INTO social_workers (unit_id, name, gender, birth_date, id_number, phone, education, created_at, updated_at) VALUES {marks}"), vals)).await?;
    }
    #[derive(sea_orm::FromQueryResult)]
    struct IdRow {
        id: i64,
    }
    // The register's workers in order: the generated ones are its first rows.
    let ids: Vec<i64> = <IdRow as sea_orm::FromQueryResult>::find_by_statement(sql(
        b,
        "SELECT id FROM social_workers ORDER BY id",
        vec![],
    ))
    .all(c)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    if ids.len() < range.end {
        anyhow::bail!("demo workers: {} rows for {} generated", ids.len(), range.end);
    }
    for chunk in quals.chunks(300) {
        let marks = vec!["(?,?,?,?,?)"; chunk.len()].join(",");
        let mut vals: Vec<Value> = Vec::new();
        for (i, level, y) in chunk {
            let Some(wid) = ids.get(*i) else { continue };
            vals.extend([
                Value::from(*wid),
                Value::from(*level),
                Value::from(*y),
                Value::from(format!("{y}{:06}", i + 1)),
                Value::from(now),
            ]);
        }
        c.execute(sql(
            b,
            &format!(
                "INSERT INTO qualifications (worker_id, level, exam_year, certificate_no, created_at) VALUES {marks}"
            ),
            vals,
        ))
        .await?;
    }
    Ok(())
}

/// A selection programme: (title, level, edition, winners).
pub type Programme = (&'static str, &'static str, i32, usize);

/// The 2022 programmes of the review with their published winners: 5 city "最美社工" (2nd
/// edition), 4 high-level talents (2nd edition), 1 provincial "最美社工", 17 Suzhou "红色社工".
pub const PROGRAMMES_2022: [Programme; 4] = [
    ("昆山市“最美社工”", "city", 2, 5),
    ("昆山高层次社会工作人才", "city", 2, 4),
    ("江苏省“最美社工”", "provincial", 1, 1),
    ("苏州市“红色社工”", "suzhou", 1, 17),
];

/// The 2023 programmes (demo figures): 6 city "最美社工" (3rd edition), 3 high-level talents
/// (3rd edition), 2 provincial "最美社工", 14 Suzhou "红色社工" (2nd edition).
pub const PROGRAMMES_2023: [Programme; 4] = [
    ("昆山市“最美社工”", "city", 3, 6),
    ("昆山高层次社会工作人才", "city", 3, 3),
    ("江苏省“最美社工”", "provincial", 2, 2),
    ("苏州市“红色社工”", "suzhou", 2, 14),
];
/// The workers selected in 2023.
pub const AWARDS_2023: usize = winners(&PROGRAMMES_2023);

/// The winners of a year's programmes.
pub const fn winners(p: &[Programme]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < p.len() {
        n += p[i].3;
        i += 1;
    }
    n
}

/// The 2022 programmes with their winners, drawn from the register; each programme also has
/// nominees who were not selected.
pub async fn selections<C: ConnectionTrait>(c: &C, city: i64) -> anyhow::Result<usize> {
    selections_of(c, city, 2022, &PROGRAMMES_2022, 0, 7).await
}

/// The 2023 programmes with their winners (other people than 2022's first).
pub async fn selections_2023<C: ConnectionTrait>(c: &C, city: i64) -> anyhow::Result<usize> {
    selections_of(c, city, 2023, &PROGRAMMES_2023, 3, 11).await
}

/// Winners are drawn from the register (every `stride`-th worker from `start`); each programme
/// also has nominees who were not selected. Each winner is an honour of the year.
async fn selections_of<C: ConnectionTrait>(
    c: &C,
    city: i64,
    year: i32,
    programmes: &[Programme],
    start: usize,
    stride: usize,
) -> anyhow::Result<usize> {
    let b = c.get_database_backend();
    #[derive(sea_orm::FromQueryResult)]
    struct W {
        id: i64,
        unit_id: i64,
        name: String,
    }
    let workers = <W as sea_orm::FromQueryResult>::find_by_statement(sql(
        b,
        "SELECT id, unit_id, name FROM social_workers ORDER BY id",
        vec![],
    ))
    .all(c)
    .await?;
    let mut next = start;
    let mut winners_total = 0;
    for &(title, level, edition, winners) in programmes {
        let p = crate::talent::store::insert_programme(
            c,
            city,
            title,
            level,
            edition,
            year,
            winners as i32,
            "published",
            None,
        )
        .await?;
        let nominees = winners + winners.div_ceil(2) + 1;
        for k in 0..nominees {
            let Some(w) = workers.get(next % workers.len().max(1)) else { break };
            next += stride;
            let nid = crate::talent::store::nominate(c, p, w.id, w.unit_id, "", None).await?;
            let selected = k < winners;
            c.execute(sql(
                b,
                "UPDATE nominations SET status = ? WHERE id = ?",
                vec![(if selected { "selected" } else { "not_selected" }).into(), nid.into()],
            ))
            .await?;
            if selected {
                let honour = crate::events::model::HonourInput {
                    unit_id: w.unit_id,
                    title: title.to_string(),
                    level: level.to_string(),
                    year,
                    awardee_kind: "person".into(),
                    awardee_name: w.name.clone(),
                    awarding_body: String::new(),
                };
                crate::events::store::insert_honour(c, &honour, None, None).await?;
                winners_total += 1;
            }
        }
    }
    Ok(winners_total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_of_both_years_are_distinct() {
        let ids: std::collections::HashSet<String> =
            (0..260 + WORKERS_2023).map(|i| person(i).expect("person").id_number).collect();
        assert_eq!(ids.len(), 260 + WORKERS_2023, "ID numbers are unique");
        const { assert!(EXAM_PASSES_2023 <= WORKERS_2023) };
        assert_eq!((0..260).filter(|i| qualification(*i).is_some_and(|q| q.1 == 2022)).count(), EXAM_PASSES_2022);
        assert_eq!(winners(&PROGRAMMES_2022), 27);
        assert_eq!(AWARDS_2023, 25);
    }
}
