//! The 2022 events, documents and honours named in the source review (seed/000_…txt). Dates
//! within 2022 are placeholders where the review gives none; titles, levels and recipients are
//! the review's own.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::events::model::{EventInput, HonourInput};
use crate::events::store;
use crate::units::store as units;

/// (unit path, kind, title, month, day, organisers, committee meeting)
const EVENTS: &[(&str, &str, &str, u32, u32, &str, bool)] = &[
    ("/320583/", "meeting", "社会组织行业党建专委会座谈会", 3, 15, "市民政局", true),
    (
        "/320583/",
        "launch",
        "昆山市社会组织先锋引领2.0行动计划启动仪式",
        4,
        20,
        "市委“两新”工委、市社会组织行业党建专委会、市民政局",
        false,
    ),
    ("/320583/", "training", "昆山市社区（村）社工室建设专题培训班", 6, 16, "市民政局", false),
    (
        "/320583/",
        "ceremony",
        "第二届昆山市“最美社工”表彰活动暨“社会工作人才发展专项基金”成立仪式",
        3,
        18,
        "市民政局、市慈善总会",
        false,
    ),
    ("/320583/", "seminar", "“社会工作参与公共卫生事件应急管理的昆山模式”研讨会", 11, 10, "市民政局", false),
];

/// (title, number, issuer, month, day, adopted at the committee meeting)
const DOCUMENTS: &[(&str, &str, &str, u32, u32, bool)] = &[
    ("社会组织行业党建专业委员会工作职责", "", "昆山市社会组织行业党建专委会", 3, 15, true),
    ("社会组织党建行动计划方案", "", "昆山市社会组织行业党建专委会", 3, 15, true),
    ("关于开展“支部建在站上”专项行动的通知", "", "市民政局、市委组织部", 5, 10, false),
    ("昆山市区镇实施社会工作站购买服务管理办法", "", "市民政局", 2, 28, false),
    ("昆山市区镇社会工作站服务清单指引", "", "市民政局", 2, 28, false),
];

/// (unit path, title, level, recipient kind, recipient)
const HONOURS: &[(&str, &str, &str, &str, &str)] = &[
    ("/320583/gaoxinqu/tinglin/", "江苏省党建引领社会工作服务示范点", "provincial", "station", "高新区亭林社工站"),
    ("/320583/huaqiao/", "苏州市社会组织党建工作示范点", "suzhou", "station", "花桥经济开发区社会组织党群服务站"),
    ("/320583/huaqiao/", "苏州市优秀“红色社工站”", "suzhou", "station", "花桥社工站"),
    ("/320583/zhoushi/", "苏州市“红色社工站”", "suzhou", "station", "周市镇社工站"),
    ("/320583/zhouzhuang/", "苏州市“红色社工站”", "suzhou", "station", "周庄镇社工站"),
    ("/320583/kaifaqu/xiuyi/", "全国示范性老年友好型社区", "national", "unit", "开发区绣衣社区"),
];

pub async fn generate<C: ConnectionTrait>(c: &C, year: i32) -> anyhow::Result<(usize, usize, usize)> {
    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| anyhow::anyhow!("bad demo date"));
    let unit = |p: &'static str| async move {
        units::get_by_path(c, p).await?.map(|u| u.id).ok_or_else(|| anyhow::anyhow!("demo unit {p} missing"))
    };
    let mut committee_meeting = None;
    for (path, kind, title, m, d, organisers, committee) in EVENTS {
        let input = EventInput {
            unit_id: unit(path).await?,
            kind: kind.to_string(),
            title: title.to_string(),
            held_on: date(*m, *d)?,
            organisers: organisers.to_string(),
            summary: String::new(),
            attendees: 0,
            hours_tenths: 0,
            committee: *committee,
        };
        let id = store::insert_event(c, &input, None).await?;
        if *committee {
            committee_meeting = Some(id);
        }
    }
    let city = unit("/320583/").await?;
    for (title, number, issuer, m, d, adopted) in DOCUMENTS {
        store::insert_document(
            c,
            city,
            title,
            number,
            issuer,
            date(*m, *d)?,
            if *adopted { committee_meeting } else { None },
            None,
        )
        .await?;
    }
    for (path, title, level, kind, name) in HONOURS {
        let input = HonourInput {
            unit_id: unit(path).await?,
            title: title.to_string(),
            level: level.to_string(),
            year,
            awardee_kind: kind.to_string(),
            awardee_name: name.to_string(),
            awarding_body: String::new(),
        };
        store::insert_honour(c, &input, None, None).await?;
    }
    Ok((EVENTS.len(), DOCUMENTS.len(), HONOURS.len()))
}
