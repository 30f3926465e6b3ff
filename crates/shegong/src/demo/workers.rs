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

/// (level, exam year) of each generated worker: 194 passes in 2022, the rest earlier.
fn qualification(i: usize) -> Option<(&'static str, i32)> {
    match i {
        0..=159 => Some(("assistant", 2022)),
        160..=189 => Some(("social_worker", 2022)),
        190..=193 => Some(("senior", 2022)),
        _ if i % 7 == 0 => None,
        _ => Some(([("assistant", 0), ("social_worker", 1), ("senior", 2)][i % 3].0, 2012 + (i % 10) as i32)),
    }
}

/// Writes `260 × scale` workers; returns how many and how many passed in 2022.
pub async fn generate<C: ConnectionTrait>(c: &C, scale: u32) -> anyhow::Result<(usize, usize)> {
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
    let n = 260 * scale.max(1) as usize;
    let now = Utc::now();
    let mut passes = 0;
    let mut workers: Vec<Vec<Value>> = Vec::with_capacity(n);
    let mut quals: Vec<(usize, &str, i32)> = Vec::new();
    for i in 0..n {
        let male = i % 5 < 2;
        let year = 1968 + (i * 7 % 33) as i32;
        let birth = NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i * 3 % 28) as u32)
            .ok_or_else(|| anyhow::anyhow!("date"))?;
        // Sequence digits 15-17: digit 17 odd for men, even for women.
        let seq = ((i % 400) * 2 + usize::from(male)) as u32 + 100;
        let id = cncodes::IdNumber::complete(&format!("320583{}{seq:03}", birth.format("%Y%m%d")))
            .map_err(|e| anyhow::anyhow!("demo id: {e}"))?;
        let name = format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / SURNAMES.len() + i) % GIVEN.len()]);
        let phone = format!("1{}{:09}", [3, 5, 8, 7, 9][i % 5], 100_000_000 + i * 7919 % 899_999_999);
        workers.push(vec![
            units[i % units.len()].into(),
            name.into(),
            (if male { "male" } else { "female" }).into(),
            birth.into(),
            id.as_str().to_string().into(),
            phone.into(),
            ["college", "bachelor", "bachelor", "master"][i % 4].into(),
            now.into(),
            now.into(),
        ]);
        if let Some((level, y)) = qualification(i % 260) {
            if y == 2022 {
                passes += 1;
            }
            quals.push((i, level, y));
        }
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
    Ok((n, passes))
}
