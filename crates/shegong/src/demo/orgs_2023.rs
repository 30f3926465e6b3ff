//! The registry's 2023 (demo data, for the year-on-year change): [`NEW_ORGS_2023`] social
//! organisations registered in 2023, and the Party coverage growing in the year:
//! [`NEW_PARTY_ORGS_2023`] branches set up in organisations that had none, and
//! [`NEW_INSTRUCTORS_2023`] Party-building instructors assigned to organisations with neither.
//! Written after the 2022 register (`demo::orgs`), which stays exactly as it is; one seeded
//! generator. Names are synthetic; credit codes are valid (GB 32100) and apart from 2022's (their
//! ninth character is 6, 2022's 4 or 5).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::demo::rng::Rng;
use crate::orgs::model::{OrgInput, OrgType};
use crate::orgs::store::{self, BulkOrg};
use crate::platform::db::sql;

/// Social organisations registered in 2023.
pub const NEW_ORGS_2023: usize = 58;
/// Party branches set up in 2023 in organisations registered by 2022 that had none.
pub const NEW_PARTY_ORGS_2023: usize = 14;
/// Party-building instructors assigned in 2023 to organisations with neither.
pub const NEW_INSTRUCTORS_2023: usize = 25;
const SEED: u64 = 0x3205_8320_2300_5EC0;

/// (type, competent department code, name pattern with `{}` for the place).
const KINDS: &[(OrgType, &str, &str)] = &[
    (OrgType::SocialGroup, "minzheng", "{}志愿服务协会"),
    (OrgType::SocialGroup, "wenti", "{}全民健身运动协会"),
    (OrgType::SocialGroup, "jiaoyu", "{}家庭教育促进会"),
    (OrgType::SocialGroup, "shangwu", "{}电子商务协会"),
    (OrgType::ServiceInstitution, "minzheng", "{}颐康居家养老服务中心"),
    (OrgType::ServiceInstitution, "minzheng", "{}邻里互助服务中心"),
    (OrgType::ServiceInstitution, "jiaoyu", "{}青少年成长服务中心"),
    (OrgType::ServiceInstitution, "weijian", "{}心理健康服务中心"),
    (OrgType::ServiceInstitution, "renshe", "{}职业技能培训学校"),
    (OrgType::Foundation, "minzheng", "{}慈善基金会"),
];

#[derive(FromQueryResult)]
struct Named {
    id: i64,
    name: String,
}

#[derive(FromQueryResult)]
struct Id {
    id: i64,
}

fn date(rng: &mut Rng, year: i32) -> anyhow::Result<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, 1, 3).ok_or_else(|| anyhow::anyhow!("date"))?;
    Ok(first + chrono::Duration::days(rng.range(0, 350)))
}

/// What the step wrote: (organisations, Party organisations, instructors).
pub async fn generate<C: ConnectionTrait>(c: &C) -> anyhow::Result<(usize, usize, usize)> {
    let b = c.get_database_backend();
    let mut rng = Rng::seeded(SEED);
    let towns = Named::find_by_statement(sql(
        b,
        "SELECT id, name FROM org_units WHERE depth = 1 ORDER BY sort_order, id",
        vec![],
    ))
    .all(c)
    .await?;
    if towns.is_empty() {
        anyhow::bail!("demo towns missing");
    }
    let taken: std::collections::HashSet<String> =
        Named::find_by_statement(sql(b, "SELECT id, name FROM organisations", vec![]))
            .all(c)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
    let mut dept_ids = std::collections::HashMap::new();
    for d in crate::demo::orgs::DEPARTMENTS {
        let id = Id::find_by_statement(sql(b, "SELECT id FROM departments WHERE code = ?", vec![d.code.into()]))
            .one(c)
            .await?;
        if let Some(id) = id {
            dept_ids.insert(d.code, id.id);
        }
    }
    // Every (kind, town) name in turn, skipping names the register already holds.
    let mut inputs = Vec::with_capacity(NEW_ORGS_2023);
    let mut codes = std::collections::HashSet::new();
    'names: for k in 0..KINDS.len() * towns.len() {
        if inputs.len() == NEW_ORGS_2023 {
            break 'names;
        }
        let (ty, dept, pattern) = KINDS[k % KINDS.len()];
        let town = &towns[(k * 7 + k / KINDS.len()) % towns.len()];
        let place = format!("昆山市{}", town.name.trim_start_matches("昆山").trim_end_matches('镇'));
        let name = pattern.replace("{}", &place);
        if taken.contains(&name) || inputs.iter().any(|i: &OrgInput| i.name == name) {
            continue;
        }
        let code = loop {
            let kind = match ty {
                OrgType::SocialGroup => '1',
                OrgType::ServiceInstitution => '2',
                OrgType::Foundation => '3',
            };
            let digits: String = (0..6).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let code = cncodes::CreditCode::complete(&format!("5{kind}320583MJ6{digits}"))
                .map_err(|e| anyhow::anyhow!("demo credit code: {e:?}"))?;
            if codes.insert(code.as_str().to_string()) {
                break code;
            }
        };
        inputs.push(OrgInput {
            credit_code: code,
            name,
            org_type: ty,
            department_id: dept_ids.get(dept).copied(),
            unit_id: town.id,
            registered_on: date(&mut rng, 2023)?,
            grade: None,
            grade_year: None,
            address: format!("{}人民路{}号", town.name, 100 + inputs.len()),
            legal_rep: crate::demo::orgs::person(&mut rng),
            business_scope: String::new(),
            contact_phone: Some(format!("0512-5{:07}", rng.range(0, 9_999_999))),
            is_agency: false,
        });
    }
    if inputs.len() != NEW_ORGS_2023 {
        anyhow::bail!("the 2023 register has {} names for {NEW_ORGS_2023}", inputs.len());
    }
    let bulk: Vec<BulkOrg> = inputs.iter().map(|input| BulkOrg { input, status: "normal", status_on: None }).collect();
    store::insert_many(c, &bulk).await?;
    // Coverage: organisations of 2022 still registered, without a Party organisation.
    let uncovered = Named::find_by_statement(sql(
        b,
        "SELECT o.id, o.name FROM organisations o WHERE o.status = 'normal' AND o.registered_on <= ? \
         AND NOT EXISTS (SELECT 1 FROM party_org_members m WHERE m.organisation_id = o.id) ORDER BY o.id",
        vec![NaiveDate::from_ymd_opt(2022, 12, 31).into()],
    ))
    .all(c)
    .await?;
    let mut picked: Vec<&Named> = Vec::new();
    for o in &uncovered {
        if picked.len() == NEW_PARTY_ORGS_2023 {
            break;
        }
        // Every fifth, so that the branches spread over the register.
        if o.id % 5 == 0 {
            picked.push(o);
        }
    }
    let unit_of = |id: i64| async move {
        Id::find_by_statement(sql(b, "SELECT unit_id AS id FROM organisations WHERE id = ?", vec![id.into()]))
            .one(c)
            .await
    };
    for o in &picked {
        let unit = unit_of(o.id).await?.map(|u| u.id).ok_or_else(|| anyhow::anyhow!("organisation {}", o.id))?;
        let name = format!("{}党支部", o.name);
        let secretary = crate::demo::orgs::person(&mut rng);
        let members = rng.range(3, 12) as i32;
        store::insert_party_org(c, unit, &name, "branch", members, &secretary, date(&mut rng, 2023)?, false, &[o.id])
            .await?;
    }
    let instructed = Id::find_by_statement(sql(
        b,
        "SELECT o.id FROM organisations o WHERE o.status = 'normal' AND o.registered_on <= ? \
         AND NOT EXISTS (SELECT 1 FROM party_org_members m WHERE m.organisation_id = o.id) \
         AND NOT EXISTS (SELECT 1 FROM party_instructors i WHERE i.organisation_id = o.id) ORDER BY o.id",
        vec![NaiveDate::from_ymd_opt(2022, 12, 31).into()],
    ))
    .all(c)
    .await?;
    let mut instructors = 0;
    for o in instructed.iter().step_by(2).take(NEW_INSTRUCTORS_2023) {
        let name = format!("{}（党建指导员）", crate::demo::orgs::person(&mut rng));
        store::insert_instructor(c, o.id, &name, date(&mut rng, 2023)?).await?;
        instructors += 1;
    }
    if picked.len() != NEW_PARTY_ORGS_2023 || instructors != NEW_INSTRUCTORS_2023 {
        anyhow::bail!("the 2023 coverage: {} branches, {instructors} instructors", picked.len());
    }
    Ok((inputs.len(), picked.len(), instructors))
}
