//! The three-tier platform of the 2022 review: the city general station, the 11 district/town
//! stations (each with its own Party branch and a Party-building instructor: "支部建在站上", 100%
//! coverage) and a sample of community/village rooms (the first three of every district/town,
//! 亭林 and 绣衣 among them) with mixed coverage. People are drawn from the demo register of
//! social workers of each district/town. Everything is derived from `kunshan.rs` by rule: no
//! randomness.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::demo::kunshan::{CITY, TOWNS};
use crate::platform::db::sql;
use crate::stations::model::StationInput;

/// How a planned station is covered by a Party organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyPlan {
    None,
    /// Its own branch, created at the station's unit: (name, members, secretary, established on).
    Own(String, i32, &'static str, (i32, u32, u32)),
    /// The branch of the district/town station above it (a joint branch for the rooms it serves).
    TownBranch,
}

/// One person at a planned station: the n-th social worker of the district/town (by id), or a
/// named person who is not in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Person {
    Worker(usize),
    Named(&'static str),
}

#[derive(Debug, Clone)]
pub struct DemoStation {
    pub path: String,
    pub tier: &'static str,
    pub name: String,
    /// The district/town code above (None for the city station).
    pub town: Option<&'static str>,
    pub address: String,
    pub opened_on: (i32, u32, u32),
    pub phone: String,
    pub party: PartyPlan,
    pub instructor: String,
    /// (person, post, from); the head's name is the station's person in charge.
    pub staff: Vec<(Person, &'static str, (i32, u32, u32))>,
}

impl DemoStation {
    pub fn org_covered(&self) -> bool {
        self.party != PartyPlan::None
    }
    pub fn work_covered(&self) -> bool {
        self.org_covered() || !self.instructor.is_empty()
    }
}

const INSTRUCTORS: &[&str] = &[
    "周建明",
    "顾卫东",
    "陆文华",
    "沈国平",
    "钱立新",
    "徐红英",
    "朱振华",
    "姚春林",
    "蒋志刚",
    "汤美芳",
    "吴海峰",
    "孙丽萍",
];
const SECRETARIES: &[&str] = &[
    "陈丽娟",
    "王志强",
    "张海燕",
    "李建华",
    "刘春梅",
    "杨晓东",
    "黄秀英",
    "赵国庆",
    "吴雪芬",
    "周德明",
    "徐桂芳",
    "朱永兴",
];
const VOLUNTEERS: &[&str] = &["钱小梅", "沈阿姨", "顾大伯", "陆晓雯", "许文杰", "金凤英", "邹海明", "严佳琪"];
const ROADS: &[&str] = &["人民路", "文化路", "建设路", "中心路", "长江路", "新华路"];
/// Rooms of these communities are honoured sites and have their own branch.
const HONOURED_ROOMS: &[(&str, &str)] = &[("gaoxinqu", "tinglin"), ("kaifaqu", "xiuyi")];

/// The planned stations, top down in tree order.
pub fn plan() -> Vec<DemoStation> {
    let mut out = vec![DemoStation {
        path: format!("/{}/", CITY.0),
        tier: "city",
        name: format!("{}社工总站", CITY.1),
        town: None,
        address: format!("{}前进西路1801号", CITY.1),
        opened_on: (2020, 12, 18),
        phone: "0512-57301801".into(),
        party: PartyPlan::Own(format!("{}社工总站党支部", CITY.1), 9, SECRETARIES[0], (2021, 7, 1)),
        instructor: INSTRUCTORS[0].into(),
        staff: vec![
            (Person::Named("顾建平"), "head", (2020, 12, 18)),
            (Person::Named("陆晓红"), "full_time", (2021, 1, 4)),
            (Person::Named("沈佳怡"), "full_time", (2021, 3, 1)),
        ],
    }];
    for (i, town) in TOWNS.iter().enumerate() {
        let name = format!("{}社工站", town.name);
        let n = i as u32;
        out.push(DemoStation {
            path: format!("/{}/{}/", CITY.0, town.code),
            tier: "town",
            party: PartyPlan::Own(
                format!("{name}党支部"),
                3 + (i % 5) as i32,
                SECRETARIES[(i + 1) % SECRETARIES.len()],
                (2022, 5, 16 + n),
            ),
            name,
            town: Some(town.code),
            address: format!("{}{}{}{}号", CITY.1, town.name, ROADS[i % ROADS.len()], 18 + i * 3),
            opened_on: (2021, 3 + n % 9, 1 + (n * 2) % 27),
            phone: format!("0512-5{:07}", 7_360_000 + i * 1013),
            instructor: INSTRUCTORS[(i + 1) % INSTRUCTORS.len()].into(),
            staff: vec![
                (Person::Worker(0), "head", (2021, 3 + n % 9, 1 + (n * 2) % 27)),
                (Person::Worker(1), "full_time", (2021, 6, 1)),
                (Person::Worker(2), "full_time", (2022, 1, 4)),
                (Person::Worker(3), "part_time", (2022, 3, 1)),
                (Person::Named(VOLUNTEERS[i % VOLUNTEERS.len()]), "volunteer", (2022, 4, 1)),
            ],
        });
        let mut rooms: Vec<(&str, &str)> = town.communities.iter().take(3).map(|c| (c.0, c.1)).collect();
        for (t, code) in HONOURED_ROOMS {
            if *t == town.code && !rooms.iter().any(|r| r.0 == *code) {
                if let Some(c) = town.communities.iter().find(|c| c.0 == *code) {
                    rooms.push((c.0, c.1));
                }
            }
        }
        for (j, (code, cname)) in rooms.iter().enumerate() {
            let room = format!("{cname}社工室");
            let honoured = HONOURED_ROOMS.contains(&(town.code, *code));
            let party = if honoured {
                PartyPlan::Own(format!("{room}党支部"), 3, SECRETARIES[(i + j + 5) % SECRETARIES.len()], (2022, 6, 1))
            } else if j % 3 == 1 {
                PartyPlan::TownBranch
            } else {
                PartyPlan::None
            };
            let instructor = if honoured || j % 3 == 0 {
                INSTRUCTORS[(i + j + 3) % INSTRUCTORS.len()].to_string()
            } else {
                String::new()
            };
            let mut staff = vec![(Person::Worker(4 + j), "full_time", (2022, 3 + j as u32, 10 + n))];
            if j % 2 == 0 {
                staff.push((Person::Named(VOLUNTEERS[(i + j + 1) % VOLUNTEERS.len()]), "volunteer", (2022, 5, 1)));
            }
            out.push(DemoStation {
                path: format!("/{}/{}/{}/", CITY.0, town.code, code),
                tier: "community",
                name: room,
                town: Some(town.code),
                address: format!("{}{}{}党群服务中心", CITY.1, town.name, cname),
                opened_on: (2022, 3 + j as u32, 10 + n),
                phone: format!("0512-5{:07}", 7_500_000 + i * 101 + j),
                party,
                instructor,
                staff,
            });
        }
    }
    out
}

/// What the generator wrote: (stations, people, Party branches created for stations).
pub async fn generate<C: ConnectionTrait>(c: &C) -> anyhow::Result<(usize, usize, usize)> {
    let b = c.get_database_backend();
    let date =
        |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("bad demo date"));
    #[derive(FromQueryResult)]
    struct W {
        id: i64,
        name: String,
    }
    let mut town_branch: Option<i64> = None;
    let (mut stations, mut people, mut branches) = (0, 0, 0);
    for s in plan() {
        let unit = crate::units::store::get_by_path(c, &s.path)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo unit {} missing", s.path))?;
        let workers: Vec<W> = match s.town {
            Some(t) => {
                W::find_by_statement(sql(
                    b,
                    "SELECT w.id, w.name FROM social_workers w JOIN org_units u ON u.id = w.unit_id WHERE u.path LIKE ? ORDER BY w.id",
                    vec![format!("/{}/{t}/%", CITY.0).into()],
                ))
                .all(c)
                .await?
            }
            None => vec![],
        };
        let party_org_id = match &s.party {
            PartyPlan::None => None,
            PartyPlan::TownBranch => town_branch,
            PartyPlan::Own(name, members, secretary, on) => {
                let id = crate::orgs::store::insert_party_org(
                    c,
                    unit.id,
                    name,
                    "branch",
                    *members,
                    secretary,
                    date(*on)?,
                    false,
                    &[],
                )
                .await?;
                branches += 1;
                Some(id)
            }
        };
        if s.tier == "town" {
            town_branch = party_org_id;
        }
        let mut staff = Vec::new();
        for (p, post, from) in &s.staff {
            let (worker_id, name) = match p {
                Person::Worker(k) => {
                    let w = workers.get(*k).ok_or_else(|| anyhow::anyhow!("too few demo workers for {}", s.name))?;
                    (Some(w.id), w.name.clone())
                }
                Person::Named(n) => (None, n.to_string()),
            };
            staff.push((worker_id, name, *post, date(*from)?));
        }
        let manager = staff.iter().find(|x| x.2 == "head").map(|x| x.1.clone()).unwrap_or_default();
        let input = StationInput {
            unit_id: unit.id,
            name: s.name.clone(),
            address: s.address.clone(),
            opened_on: Some(date(s.opened_on)?),
            manager,
            phone: Some(s.phone.clone()),
            description: String::new(),
            party_org_id,
            party_instructor: s.instructor.clone(),
        };
        let id = crate::stations::store::insert(c, &input, s.tier, None).await?;
        stations += 1;
        for (worker_id, name, post, from_on) in staff {
            let p = crate::stations::model::StaffInput {
                worker_id,
                name: if worker_id.is_some() { String::new() } else { name },
                post: post.to_string(),
                from_on,
            };
            crate::stations::store::insert_staff(c, id, &p).await?;
            people += 1;
        }
    }
    Ok((stations, people, branches))
}
