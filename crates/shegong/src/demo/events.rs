//! The 2022 events, documents and honours named in the source review (seed/000_…txt). Dates
//! within 2022 are placeholders where the review gives none; titles, levels and recipients are
//! the review's own. The 2023 lists ([`EVENTS_2023`], [`DOCUMENTS_2023`], [`HONOURS_2023`]) are
//! demo data of the same kinds, for the year-on-year change.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::events::model::{EventInput, HonourInput};
use crate::events::store;
use crate::units::store as units;

/// (unit path, kind, title, month, day, organisers, committee meeting)
type EventSpec = (&'static str, &'static str, &'static str, u32, u32, &'static str, bool);
/// (title, number, issuer, month, day, adopted at the committee meeting)
type DocumentSpec = (&'static str, &'static str, &'static str, u32, u32, bool);
/// (unit path, title, level, recipient kind, recipient)
type HonourSpec = (&'static str, &'static str, &'static str, &'static str, &'static str);

const EVENTS: &[EventSpec] = &[
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

const DOCUMENTS: &[DocumentSpec] = &[
    ("社会组织行业党建专业委员会工作职责", "", "昆山市社会组织行业党建专委会", 3, 15, true),
    ("社会组织党建行动计划方案", "", "昆山市社会组织行业党建专委会", 3, 15, true),
    ("关于开展“支部建在站上”专项行动的通知", "", "市民政局、市委组织部", 5, 10, false),
    ("昆山市区镇实施社会工作站购买服务管理办法", "", "市民政局", 2, 28, false),
    ("昆山市区镇社会工作站服务清单指引", "", "市民政局", 2, 28, false),
];

const HONOURS: &[HonourSpec] = &[
    ("/320583/gaoxinqu/tinglin/", "江苏省党建引领社会工作服务示范点", "provincial", "station", "高新区亭林社工站"),
    ("/320583/huaqiao/", "苏州市社会组织党建工作示范点", "suzhou", "station", "花桥经济开发区社会组织党群服务站"),
    ("/320583/huaqiao/", "苏州市优秀“红色社工站”", "suzhou", "station", "花桥社工站"),
    ("/320583/zhoushi/", "苏州市“红色社工站”", "suzhou", "station", "周市镇社工站"),
    ("/320583/zhouzhuang/", "苏州市“红色社工站”", "suzhou", "station", "周庄镇社工站"),
    ("/320583/kaifaqu/xiuyi/", "全国示范性老年友好型社区", "national", "unit", "开发区绣衣社区"),
];

/// The events of 2023 (demo data).
pub const EVENTS_2023: &[EventSpec] = &[
    ("/320583/", "meeting", "社会组织行业党建专委会2023年度工作推进会", 3, 9, "市民政局", true),
    ("/320583/", "ceremony", "第三届昆山市“最美社工”颁奖典礼", 3, 21, "市民政局、市慈善总会", false),
    ("/320583/", "training", "2023年社会工作者职业水平考试考前辅导培训班", 5, 20, "市民政局", false),
    ("/320583/", "launch", "昆山市“五社联动”社区治理创新项目启动会", 4, 12, "市民政局", false),
    ("/320583/zhangpu/", "training", "张浦镇社区（村）社工室督导能力提升培训", 6, 8, "张浦镇社工站", false),
    ("/320583/", "seminar", "昆山市区镇社会工作站建设现场推进会", 9, 14, "市民政局", false),
    (
        "/320583/huaqiao/",
        "meeting",
        "花桥经济开发区社会组织党建联席会议",
        11,
        2,
        "花桥经济开发区社会组织党群服务站",
        false,
    ),
];

/// The documents of 2023 (demo data).
pub const DOCUMENTS_2023: &[DocumentSpec] = &[
    ("社会组织行业党建专委会2023年工作要点", "", "昆山市社会组织行业党建专委会", 3, 9, true),
    ("昆山市区镇社会工作站服务清单指引（2023年版）", "", "市民政局", 2, 20, false),
    ("关于进一步加强社会工作人才队伍建设的实施意见", "", "市民政局、市人社局", 7, 1, false),
];

/// The station and community honours of 2023 (demo data; the talent selections add theirs).
pub const HONOURS_2023: &[HonourSpec] = &[
    ("/320583/zhangpu/", "苏州市“红色社工站”", "suzhou", "station", "张浦镇社工站"),
    ("/320583/lujia/", "苏州市“红色社工站”", "suzhou", "station", "陆家镇社工站"),
    ("/320583/kaifaqu/", "江苏省五星级社会工作服务站", "provincial", "station", "开发区社工站"),
    ("/320583/zhoushi/", "苏州市社会组织党建工作示范点", "suzhou", "station", "周市镇社会组织党群服务站"),
];

/// The event, document and honour lists of a year (none for years without demo data).
fn lists(year: i32) -> (&'static [EventSpec], &'static [DocumentSpec], &'static [HonourSpec]) {
    match year {
        2022 => (EVENTS, DOCUMENTS, HONOURS),
        2023 => (EVENTS_2023, DOCUMENTS_2023, HONOURS_2023),
        _ => (&[], &[], &[]),
    }
}

/// Writes the events, documents and honours of `year`; returns how many of each.
pub async fn generate<C: ConnectionTrait>(c: &C, year: i32) -> anyhow::Result<(usize, usize, usize)> {
    let (events, documents, honours) = lists(year);
    let date = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| anyhow::anyhow!("bad demo date"));
    let unit = |p: &'static str| async move {
        units::get_by_path(c, p).await?.map(|u| u.id).ok_or_else(|| anyhow::anyhow!("demo unit {p} missing"))
    };
    let mut committee_meeting = None;
    for (path, kind, title, m, d, organisers, committee) in events {
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
    for (title, number, issuer, m, d, adopted) in documents {
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
    for (path, title, level, kind, name) in honours {
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
    Ok((events.len(), documents.len(), honours.len()))
}
