//! Writes the generated register (`demo::orgs`) into the database: departments, organisations
//! with their registration history, Party organisations and instructors.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::demo::orgs::{self, OrgRegister};
use crate::orgs::model::{OrgInput, OrgType};
use crate::orgs::store::{self, BulkOrg};
use crate::units::store as units;

fn date((y, m, d): (i32, u32, u32)) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("bad demo date {y}-{m}-{d}"))
}

/// What was loaded: (organisations, Party organisations, instructors).
pub async fn load<C: ConnectionTrait>(c: &C, scale: u32) -> anyhow::Result<(usize, usize, usize)> {
    let mut dept_ids = std::collections::HashMap::new();
    for (i, d) in orgs::DEPARTMENTS.iter().enumerate() {
        let id = store::insert_department(c, d.code, d.name, d.name_en, d.lead, i as i32).await?;
        dept_ids.insert(d.code, id);
    }
    let city = units::get_by_path(c, "/320583/").await?.ok_or_else(|| anyhow::anyhow!("city unit missing"))?.id;
    let mut town_ids = std::collections::HashMap::new();
    for t in crate::demo::kunshan::TOWNS {
        let id = units::get_by_path(c, &format!("/320583/{}/", t.code))
            .await?
            .ok_or_else(|| anyhow::anyhow!("town {} missing", t.code))?
            .id;
        town_ids.insert(t.code, id);
    }
    let unit_of = |town: Option<&str>| town.and_then(|t| town_ids.get(t).copied()).unwrap_or(city);
    let OrgRegister { orgs: specs, party_orgs, instructors } = orgs::generate(scale);
    let mut inputs = Vec::with_capacity(specs.len());
    for o in &specs {
        inputs.push(OrgInput {
            credit_code: cncodes::CreditCode::parse(&o.credit_code)?,
            name: o.name.clone(),
            org_type: OrgType::parse(o.org_type).ok_or_else(|| anyhow::anyhow!("bad demo type {}", o.org_type))?,
            department_id: dept_ids.get(o.department).copied(),
            unit_id: unit_of(o.town),
            registered_on: date(o.registered_on)?,
            grade: o.grade.map(|(g, _)| g.to_string()),
            grade_year: o.grade.map(|(_, y)| y),
            address: o.address.clone(),
            legal_rep: o.legal_rep.clone(),
            business_scope: String::new(),
            contact_phone: (!o.contact_phone.is_empty()).then(|| o.contact_phone.clone()),
            is_agency: o.is_agency,
        });
    }
    let mut bulk = Vec::with_capacity(specs.len());
    for (o, input) in specs.iter().zip(&inputs) {
        bulk.push(BulkOrg { input, status: o.status, status_on: o.status_on.map(date).transpose()? });
    }
    let ids = store::insert_many(c, &bulk).await?;
    let id_of = |i: usize| specs.get(i).and_then(|o| ids.get(&o.credit_code)).copied();
    for p in &party_orgs {
        let members: Vec<i64> = p.organisations.iter().filter_map(|i| id_of(*i)).collect();
        let pid = store::insert_party_org(
            c,
            unit_of(p.town),
            &p.name,
            p.kind,
            p.members,
            &p.secretary,
            date(p.established_on)?,
            p.in_action_plan,
            &[],
        )
        .await?;
        store::add_members(c, pid, &members).await?;
    }
    for i in &instructors {
        if let Some(org) = id_of(i.organisation) {
            store::insert_instructor(c, org, &i.name, date(i.assigned_on)?).await?;
        }
    }
    // Annual reports for 2022: most organisations due have submitted (in spring 2023), most
    // have been reviewed; a few have not submitted yet.
    let end = (2022, 12, 31);
    let mut rows: Vec<Vec<sea_orm::Value>> = Vec::new();
    let now = chrono::Utc::now();
    for (i, o) in specs.iter().enumerate() {
        let due = o.registered_on <= end && (o.status == "normal" || o.status_on.is_some_and(|d| d > end));
        let Some(org_id) = ids.get(&o.credit_code) else { continue };
        let h = o.credit_code.bytes().fold(7u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
        if !due || h % 100 < 8 {
            continue;
        }
        let own = party_orgs.iter().find(|p| p.organisations.contains(&i) && p.kind != "joint_branch");
        let joint = party_orgs.iter().find(|p| p.organisations.contains(&i) && p.kind == "joint_branch");
        let (party_status, members) = match (own, joint) {
            (Some(p), _) => ("own", p.members),
            (None, Some(p)) => ("joint", (p.members / p.organisations.len().max(1) as i32).max(1)),
            _ => ("none", 0),
        };
        let result: Option<&str> = match (h / 100) % 100 {
            0..=1 => Some("fail"),
            2..=8 => Some("basic_pass"),
            9..=12 => None,
            _ => Some("pass"),
        };
        let reasons = match result {
            Some("fail") => "未按章程开展活动，财务管理不规范",
            Some("basic_pass") => "内部治理制度需进一步完善",
            _ => "",
        };
        let submitted = date((2023, 3 + (h % 3) as u32, 1 + (h % 28) as u32))?;
        let reviewed = result.map(|_| submitted + chrono::Days::new(20 + h % 30));
        rows.push(vec![
            (*org_id).into(),
            2022.into(),
            submitted.into(),
            party_status.into(),
            members.into(),
            (if party_status == "none" { 0 } else { 4 + (h % 20) as i32 }).into(),
            result.map(str::to_string).into(),
            reasons.into(),
            reviewed.into(),
            now.into(),
            now.into(),
        ]);
    }
    for chunk in rows.chunks(200) {
        let marks = vec!["(?,?,?,?,?,?,'',?,?,?,?,?)"; chunk.len()].join(",");
        let vals: Vec<sea_orm::Value> = chunk.iter().flatten().cloned().collect();
        c.execute(crate::platform::db::sql(
            c.get_database_backend(),
            &format!(
                "INSERT INTO annual_reports (organisation_id, year, submitted_on, party_status, party_members, party_activities, summary, result, reasons, reviewed_on, created_at, updated_at) VALUES {marks}"
            ),
            vals,
        ))
        .await?;
    }
    Ok((specs.len(), party_orgs.len(), instructors.len()))
}
