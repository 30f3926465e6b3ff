//! Demo register of Kunshan's social organisations (about 1,500) with their Party organisations.
//!
//! The register is demo data for Kunshan 2022, not an official list: names are built from pools of
//! realistic fields, auspicious words (嘉名) and the places of the org-unit tree (see `kunshan.rs`),
//! so a name may coincide with a real organisation only by chance. Everything is derived from a
//! fixed seed with the demo's generator (`demo::rng`), so the same `scale` always gives the same
//! register; check characters come from `cncodes`, day arithmetic from chrono. Hash sets are used
//! for membership tests only, never iterated.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use crate::demo::rng::Rng;

/// A competent department (业务主管单位) on the industry Party-building committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeptSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// The Civil Affairs Bureau leads the committee.
    pub lead: bool,
}

const MZ: &str = "minzheng";
const JY: &str = "jiaoyu";
const WJ: &str = "weijian";
const WT: &str = "wenti";
const KJ: &str = "keji";
const RS: &str = "renshe";
const NY: &str = "nongye";
const SW: &str = "shangwu";
const GSL: &str = "gongshanglian";
const KX: &str = "kexie";

/// The competent departments (业务主管单位): 市民政局 (lead) + the 9 industry departments on the
/// industry Party-building committee (社会组织行业党建专委会).
pub const DEPARTMENTS: &[DeptSpec] = &[
    DeptSpec { code: MZ, name: "昆山市民政局", name_en: "Kunshan Civil Affairs Bureau", lead: true },
    DeptSpec { code: JY, name: "昆山市教育局", name_en: "Kunshan Education Bureau", lead: false },
    DeptSpec { code: WJ, name: "昆山市卫生健康委员会", name_en: "Kunshan Health Commission", lead: false },
    DeptSpec {
        code: WT,
        name: "昆山市文体广电和旅游局",
        name_en: "Kunshan Bureau of Culture, Sports, Radio, Television and Tourism",
        lead: false,
    },
    DeptSpec {
        code: KJ, name: "昆山市科学技术局", name_en: "Kunshan Science and Technology Bureau", lead: false
    },
    DeptSpec {
        code: RS,
        name: "昆山市人力资源和社会保障局",
        name_en: "Kunshan Human Resources and Social Security Bureau",
        lead: false,
    },
    DeptSpec {
        code: NY,
        name: "昆山市农业农村局",
        name_en: "Kunshan Agriculture and Rural Affairs Bureau",
        lead: false,
    },
    DeptSpec { code: SW, name: "昆山市商务局", name_en: "Kunshan Commerce Bureau", lead: false },
    DeptSpec {
        code: GSL,
        name: "昆山市工商业联合会",
        name_en: "Kunshan Federation of Industry and Commerce",
        lead: false,
    },
    DeptSpec {
        code: KX,
        name: "昆山市科学技术协会",
        name_en: "Kunshan Association for Science and Technology",
        lead: false,
    },
];

/// One registered social organisation (社会组织).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSpec {
    /// 统一社会信用代码 (GB 32100-2015), 18 characters.
    pub credit_code: String,
    pub name: String,
    /// "social_group" (社会团体) | "service_institution" (社会服务机构) | "foundation" (基金会).
    pub org_type: &'static str,
    /// None = city level (unit /320583/), else a district/town code of `kunshan::TOWNS`.
    pub town: Option<&'static str>,
    /// A `DEPARTMENTS` code.
    pub department: &'static str,
    pub registered_on: (i32, u32, u32),
    /// "normal" | "deregistered" | "revoked".
    pub status: &'static str,
    pub status_on: Option<(i32, u32, u32)>,
    /// Assessment grade (等级评估) and its year, e.g. ("4A", 2021).
    pub grade: Option<(&'static str, i32)>,
    pub address: String,
    pub legal_rep: String,
    pub contact_phone: String,
    /// A social-work agency (社工机构): a service institution whose name contains 社工/社会工作.
    pub is_agency: bool,
}

/// A Party organisation: an organisation's own (党委/党总支/党支部) or a joint branch (联合党支部).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgSpec {
    pub name: String,
    /// "committee" | "general_branch" | "branch" | "joint_branch".
    pub kind: &'static str,
    pub town: Option<&'static str>,
    pub members: i32,
    pub secretary: String,
    pub established_on: (i32, u32, u32),
    /// Indexes into `OrgRegister::orgs`: exactly one for an own Party organisation, 2..=12 of the
    /// same town for a joint branch.
    pub organisations: Vec<usize>,
    /// Takes part in the action plan 先锋引领2.0 (五争五引领).
    pub in_action_plan: bool,
}

/// A Party-building instructor (党建指导员) assigned to an organisation without a Party organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instructor {
    pub organisation: usize,
    pub name: String,
    pub assigned_on: (i32, u32, u32),
}

/// The generated register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRegister {
    pub orgs: Vec<OrgSpec>,
    pub party_orgs: Vec<PartyOrgSpec>,
    pub instructors: Vec<Instructor>,
}

type Date = (i32, u32, u32);

// ---------------------------------------------------------------------------------------------
// Small deterministic tools: dates, apportionment, Chinese numerals.
// ---------------------------------------------------------------------------------------------

/// A day as a number (days of the common era, chrono's count), for ranges of days.
fn day_number((y, m, d): Date) -> i64 {
    i64::from(NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date").num_days_from_ce())
}

/// The date of a [`day_number`].
fn date_of(z: i64) -> Date {
    let day = i32::try_from(z).ok().and_then(NaiveDate::from_num_days_from_ce_opt).expect("a demo day");
    (day.year(), day.month(), day.day())
}

fn rand_date(rng: &mut Rng, lo: i64, hi: i64) -> Date {
    date_of(rng.range(lo, hi))
}

/// A date in lo..=hi skewed towards the end (the later of two draws).
fn late_date(rng: &mut Rng, lo: i64, hi: i64) -> Date {
    let a = rng.range(lo, hi);
    let b = rng.range(lo, hi);
    date_of(a.max(b))
}

/// Splits `total` in proportion to `weights` (largest remainder, ties to the lower index).
fn apportion(total: usize, weights: &[u32]) -> Vec<usize> {
    let sum: u64 = weights.iter().map(|&w| w as u64).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<usize> = weights.iter().map(|&w| (total as u64 * w as u64 / sum) as usize).collect();
    let mut rest: Vec<(u64, usize)> =
        weights.iter().enumerate().map(|(i, &w)| (total as u64 * w as u64 % sum, i)).collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let missing = total - out.iter().sum::<usize>();
    for &(_, i) in rest.iter().take(missing) {
        out[i] += 1;
    }
    out
}

/// `round(n * pct / 100)`.
fn pct(n: usize, pct: usize) -> usize {
    (n * pct + 50) / 100
}

/// Chinese numeral for ordinals such as 第十二.
fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n % 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            match n % 10 {
                0 => "",
                r => D[r],
            }
        ),
        _ => {
            let (unit, size) = if n < 1000 { ("百", 100) } else { ("千", 1000) };
            let rest = n % size;
            let tail = if rest == 0 {
                String::new()
            } else if rest < size / 10 {
                format!("零{}", cn_number(rest))
            } else if rest < 20 {
                format!("一{}", cn_number(rest))
            } else {
                cn_number(rest)
            };
            format!("{}{}{}", cn_number(n / size), unit, tail)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Places: the city and its 11 districts/towns (codes as in `kunshan::TOWNS`).
// ---------------------------------------------------------------------------------------------

struct Town {
    code: &'static str,
    /// Prefix of registered names and addresses.
    prefix: &'static str,
    /// One of the three development zones (fewer farmers' associations).
    zone: bool,
    /// Relative size (share of the town-level organisations).
    weight: u32,
    /// Social-work agencies per unit of scale.
    agencies: usize,
    /// Town-level foundations per unit of scale.
    foundations: u32,
    roads: &'static [&'static str],
    /// Communities and villages (copied from `kunshan.rs`).
    places: &'static [&'static str],
}

const CITY_PREFIX: &str = "昆山市";
#[rustfmt::skip]
const CITY_ROADS: &[&str] = &[
    "前进西路", "前进中路", "人民南路", "人民北路", "柏庐南路", "柏庐北路", "马鞍山中路", "马鞍山西路", "亭林路",
    "朝阳西路", "朝阳东路", "萧林中路", "祖冲之南路", "长江中路", "黄河中路", "珠江中路", "震川西路", "同丰路",
    "娄江北路", "玉山路",
];

#[rustfmt::skip]
const TOWNS: [Town; 11] = [
    Town {
        code: "kaifaqu",
        prefix: "昆山开发区",
        zone: true,
        weight: 17,
        agencies: 7,
        foundations: 1,
        roads: &[
            "前进东路", "青阳南路", "长江南路", "黄河南路", "珠江南路", "嵩山路", "泰山路", "洞庭湖路", "太湖南路",
            "景王路", "东城大道", "夏驾河路", "章基路", "樾河路", "富春江路", "衡山路",
        ],
        places: P_KAIFAQU,
    },
    Town {
        code: "gaoxinqu",
        prefix: "昆山高新区",
        zone: true,
        weight: 16,
        agencies: 7,
        foundations: 1,
        roads: &[
            "前进西路", "马鞍山西路", "亭林路", "人民南路", "柏庐南路", "震川西路", "祖冲之南路", "江浦南路",
            "萧林西路", "北门路", "白塘路", "玉杨路", "同丰西路", "西街",
        ],
        places: P_GAOXINQU,
    },
    Town {
        code: "huaqiao",
        prefix: "昆山市花桥镇",
        zone: true,
        weight: 12,
        agencies: 5,
        foundations: 1,
        roads: &["花安路", "绿地大道", "光明路", "商银路", "曹安路", "徐公桥路", "鑫华路", "兆丰路", "金洋路", "沿沪大道", "花溪路"],
        places: P_HUAQIAO,
    },
    Town {
        code: "zhangpu",
        prefix: "昆山市张浦镇",
        zone: false,
        weight: 10,
        agencies: 4,
        foundations: 1,
        roads: &["振新东路", "振新西路", "银河路", "俱进路", "亲和路", "南港路", "新吴街", "滨江北路"],
        places: P_ZHANGPU,
    },
    Town {
        code: "zhoushi",
        prefix: "昆山市周市镇",
        zone: false,
        weight: 10,
        agencies: 4,
        foundations: 0,
        roads: &["青阳北路", "黄浦江北路", "长江北路", "横长泾路", "永平路", "新镇路", "陆杨路", "金茂路"],
        places: P_ZHOUSHI,
    },
    Town {
        code: "lujia",
        prefix: "昆山市陆家镇",
        zone: false,
        weight: 7,
        agencies: 3,
        foundations: 0,
        roads: &["菉溪路", "合丰路", "陆丰西路", "星圃路", "华阳路", "友谊路", "邹家角路"],
        places: P_LUJIA,
    },
    Town {
        code: "bacheng",
        prefix: "昆山市巴城镇",
        zone: false,
        weight: 8,
        agencies: 3,
        foundations: 0,
        roads: &["湖滨北路", "湖滨南路", "正仪路", "东平路", "学院路", "城北大道"],
        places: P_BACHENG,
    },
    Town {
        code: "qiandeng",
        prefix: "昆山市千灯镇",
        zone: false,
        weight: 7,
        agencies: 3,
        foundations: 1,
        roads: &["尚书路", "炎武路", "秦峰路", "少卿路", "淞南路", "千灯大道", "机场路"],
        places: P_QIANDENG,
    },
    Town {
        code: "dianshanhu",
        prefix: "昆山市淀山湖镇",
        zone: false,
        weight: 5,
        agencies: 2,
        foundations: 0,
        roads: &["曙光路", "振兴路", "淀兴路", "双马路", "新乐路", "兴湖路"],
        places: P_DIANSHANHU,
    },
    Town {
        code: "zhouzhuang",
        prefix: "昆山市周庄镇",
        zone: false,
        weight: 4,
        agencies: 2,
        foundations: 1,
        roads: &["全福路", "大桥路", "江湖路", "急水港路", "环镇北路"],
        places: P_ZHOUZHUANG,
    },
    Town {
        code: "jinxi",
        prefix: "昆山市锦溪镇",
        zone: false,
        weight: 4,
        agencies: 2,
        foundations: 0,
        roads: &["邵甸路", "长寿路", "锦周公路", "文昌路", "南前路"],
        places: P_JINXI,
    },
];

// ---------------------------------------------------------------------------------------------
// Word pools.
// ---------------------------------------------------------------------------------------------

/// Auspicious names (嘉名) for social-service institutions, agencies and charities.
#[rustfmt::skip]
const JIA_GEN: &[&str] = &[
    "阳光", "爱心", "益民", "和谐", "同心", "春晖", "启明", "向阳", "睦邻", "惠民", "善行", "恒爱", "仁和", "康乐",
    "福泽", "安心", "乐善", "众和", "泓德", "博爱", "馨语", "同行", "暖心", "致远", "明德", "德善", "为民", "邻里",
    "新航", "青禾", "橄榄", "蒲公英", "向日葵", "彩虹", "星光", "晨曦", "银杏", "木棉", "常青藤", "绿叶", "新芽",
    "萤火虫", "小橘灯", "微光", "益行", "善缘", "乐群", "睿智", "慧心", "恩泽", "仁爱", "和美", "和悦", "乐活",
    "悦享", "琼花", "并蒂莲", "鹿城", "娄江", "玉峰", "阳澄", "锦绣", "晨光", "同悦", "众益", "益心", "益家",
    "乐家", "家和", "友邻", "汇爱", "聚善", "尚善", "至善", "上善", "厚德", "立德", "弘毅", "笃行", "知行", "力行",
    "启航", "远航", "扬帆", "领航", "守望", "相伴", "心语", "心桥", "连心", "携手", "共享", "新希望", "希望",
    "追梦", "筑梦", "圆梦", "彩虹桥", "暖阳", "春风", "春雨", "润泽", "清源", "明心", "星辰", "繁星", "北斗",
    "方舟", "港湾", "绿洲", "蓝天", "白鸽", "红枫", "金秋", "常乐", "康宁", "宁馨", "怡心", "悦心", "乐享",
    "慈心", "慈航", "德馨", "惠邻", "邻家", "亲邻", "睦家", "佳和", "嘉禾", "芳草", "青苗", "种子", "同舟", "共筑",
    "众行", "合力", "点亮", "善美", "大爱", "博润", "益路", "益起来", "手牵手", "心连心",
];

/// Names for elderly-care institutions.
#[rustfmt::skip]
const JIA_ELD: &[&str] = &[
    "乐龄", "颐和", "颐康", "福寿", "长青", "松鹤", "夕阳红", "金色年华", "银龄", "康乐", "安康", "康宁", "怡心",
    "常乐", "永乐", "长乐", "寿康", "福泽", "椿萱", "孝亲", "慈心", "恩慈", "温馨", "和美", "馨园", "暖阳", "重阳",
    "南山", "乐寿", "颐乐", "康馨", "福康", "怡然", "晚晴", "桑榆", "仁寿", "如意", "吉祥",
];

/// Names for schools, kindergartens and training schools.
#[rustfmt::skip]
const JIA_EDU: &[&str] = &[
    "启蒙", "育才", "树人", "启智", "童心", "童梦", "小太阳", "小星星", "未来星", "新星", "明日", "晨星", "蓝天",
    "阳光", "彩虹", "春苗", "苗苗", "贝贝", "博雅", "博文", "明德", "文峰", "致远", "立人", "崇文", "尚德", "弘文",
    "培英", "英才", "鹿城", "娄江", "玉峰", "亭林", "震川", "柏庐", "炎武", "新蕾", "红缨", "金苹果", "七色花",
    "爱弥儿", "书香", "智慧树", "小天鹅", "翰林", "求真", "致知", "格致", "思源", "新世纪",
];

/// Names for hospitals and clinics.
#[rustfmt::skip]
const JIA_MED: &[&str] = &[
    "仁济", "康华", "博爱", "慈济", "瑞华", "福康", "济民", "德济", "惠康", "健民", "佑康", "宁康", "康馨", "颐康",
    "益寿", "永康", "嘉康", "康宁", "华康", "民康", "玉峰", "娄江", "鹿城", "阳澄", "仁和", "安康", "华美", "美华",
    "宝岛", "协和", "仁爱", "东方", "长寿", "益康", "圣爱", "济康", "德仁", "瑞康",
];

/// Names for nurseries (托育).
#[rustfmt::skip]
const JIA_BABY: &[&str] = &[
    "贝康", "童康", "宝贝", "萌宝", "爱婴", "贝贝", "乐乐", "小天使", "小脚丫", "小海豚", "小树苗", "小太阳",
    "小星星", "亲亲", "欢欢", "童乐", "童趣", "育婴", "贝乐", "蓓蕾", "小橡树",
];

/// Names for sports clubs and training centres.
#[rustfmt::skip]
const JIA_SPORT: &[&str] = &[
    "鹿城", "娄江", "玉峰", "阳澄", "腾飞", "飞跃", "超越", "雄鹰", "猎豹", "蓝鲸", "海豚", "雏鹰", "火炬", "追风",
    "奔腾", "逐浪", "凌云", "青云", "星火", "启明星", "飞翔", "冠军", "健将", "锐动", "跃动", "动力", "蛟龙",
    "飞鱼", "猛虎", "骏马",
];

/// Names for arts troupes, museums and academies.
#[rustfmt::skip]
const JIA_ART: &[&str] = &[
    "鹿城", "娄江", "玉峰", "亭林", "翰墨", "丹青", "墨香", "书香", "琴韵", "雅韵", "清音", "水磨", "百戏", "兰韵",
    "雅集", "乐府", "江南", "水乡", "吴韵", "昆韵", "梨园", "杏坛", "兰亭", "松风", "听雨", "澄湖", "半山", "琼花",
];

/// Names for science and technology service institutions.
#[rustfmt::skip]
const JIA_TECH: &[&str] = &[
    "创新", "智造", "睿思", "创想", "汇智", "慧谷", "智谷", "科创", "鹿城", "阳澄湖", "娄江", "玉峰", "祖冲之",
    "长三角", "沪昆", "精工", "华创", "先进", "未来", "前沿", "博睿", "致新", "启元", "融智",
];

/// Names for agricultural service institutions.
#[rustfmt::skip]
const JIA_AGRI: &[&str] = &[
    "绿野", "丰收", "田园", "禾丰", "稻香", "金穗", "丰谷", "绿源", "沃土", "阳澄湖", "淀湖", "水乡", "兴农", "惠农",
    "富农", "青田", "嘉禾", "谷丰",
];

/// Sports for city-level associations.
#[rustfmt::skip]
const SPORTS: &[&str] = &[
    "体育总会", "老年人体育协会", "篮球协会", "足球协会", "乒乓球协会", "羽毛球协会", "网球协会", "游泳协会",
    "围棋协会", "象棋协会", "桥牌协会", "武术协会", "太极拳协会", "健身气功协会", "门球协会", "钓鱼协会",
    "自行车运动协会", "登山户外运动协会", "跆拳道协会", "田径协会", "路跑协会", "排球协会", "台球协会",
    "体育舞蹈协会", "广场舞协会", "瑜伽协会", "信鸽协会", "风筝协会", "航空航天模型协会", "拔河协会", "柔力球协会",
    "空竹协会", "健美操协会", "击剑协会", "射箭协会", "马术协会", "飞镖协会", "攀岩协会", "皮划艇协会",
    "帆船帆板协会", "龙舟协会", "轮滑协会", "毽球协会", "国际象棋协会", "五子棋协会", "掼蛋协会", "保龄球协会",
    "高尔夫球协会", "棒垒球协会", "冰雪运动协会", "电子竞技协会", "无线电运动协会", "跳绳协会", "定向运动协会",
    "铁人三项协会", "赛艇协会", "拳击协会", "柔道协会", "空手道协会", "游泳救生协会", "健身协会", "排舞协会",
    "木兰拳协会", "陀螺协会", "气排球协会", "匹克球协会", "腰鼓协会", "舞龙舞狮协会",
];
#[rustfmt::skip]
const SPORTS_MOD_ITEMS: &[&str] = &[
    "篮球协会", "足球协会", "乒乓球协会", "羽毛球协会", "网球协会", "游泳协会", "围棋协会", "象棋协会", "武术协会",
    "太极拳协会", "田径协会", "排球协会", "体育舞蹈协会", "健身协会", "跳绳协会", "气排球协会", "门球协会",
];

/// Arts, letters and local culture.
#[rustfmt::skip]
const ARTS: &[&str] = &[
    "书法家协会", "美术家协会", "摄影家协会", "音乐家协会", "舞蹈家协会", "作家协会", "戏剧家协会", "曲艺家协会",
    "民间文艺家协会", "收藏家协会", "电影家协会", "电视艺术家协会", "网络作家协会", "诗词协会", "楹联协会",
    "灯谜协会", "集邮协会", "奇石协会", "茶文化研究会", "非物质文化遗产保护协会", "旅游协会", "民宿协会",
    "文化产业协会", "合唱协会", "民乐协会", "朗诵协会", "读书协会", "动漫协会", "昆曲研究会", "评弹研究会",
    "书画协会", "篆刻研究会", "剪纸协会", "顾炎武研究会", "归有光研究会", "朱柏庐研究会", "祖冲之研究会",
    "地方文化研究会", "红色文化研究会", "吴文化研究会", "昆石研究会", "琼花文化研究会", "并蒂莲文化研究会",
    "水乡文化研究会", "江南丝竹协会", "宣卷研究会", "锡剧研究会", "越剧协会", "京剧票友协会", "口琴协会",
    "古琴研究会", "钢琴协会", "手风琴协会", "萨克斯协会", "模特协会", "汉服文化协会", "陶艺协会", "插花艺术协会",
];
#[rustfmt::skip]
const ARTS_MOD_ITEMS: &[&str] =
    &["书法家协会", "美术家协会", "摄影家协会", "音乐家协会", "作家协会", "书画协会", "诗词协会", "合唱协会"];

/// Industries with an association at city level (商务局).
#[rustfmt::skip]
const INDUSTRIES: &[&str] = &[
    "餐饮", "物流", "汽车流通", "房地产", "连锁经营", "酒店", "美容美发", "家政服务", "婚庆", "烘焙", "二手车",
    "再生资源", "会展", "电子商务", "跨境电子商务", "服务外包", "粮食", "钢材贸易", "五金机电", "建材", "家具",
    "服装", "纺织", "食品", "包装", "印刷", "模具", "光电", "汽车零部件", "装饰装修", "供应链", "电线电缆",
    "精密机械", "新能源汽车", "智能制造", "机器人", "茶叶", "珠宝", "红木家具", "酒类流通", "眼镜", "商贸流通",
    "超市", "健身服务", "母婴用品", "冷链物流", "快递", "网络直播", "废旧金属", "汽车租赁", "洗染", "摄影服务",
];
const INDUSTRY_SUFFIXES: &[&str] = &["商会", "产业促进会", "产业联合会"];

/// Hometowns of chambers of commerce (异地商会).
#[rustfmt::skip]
const HOMETOWNS: &[&str] = &[
    "温州", "浙江", "福建", "安徽", "河南", "江西", "湖北", "湖南", "四川", "重庆", "山东", "河北", "山西", "陕西",
    "甘肃", "广东", "广西", "贵州", "云南", "黑龙江", "吉林", "辽宁", "台州", "宁波", "泉州", "莆田", "晋江",
    "义乌", "绍兴", "金华", "丽水", "盐城", "南通", "宿迁", "徐州", "连云港", "淮安", "泰州", "扬州", "潮汕",
    "安庆", "六安", "阜阳", "信阳", "周口", "黄冈", "宜宾", "南充", "赣州", "上饶", "内蒙古", "新疆", "宁夏",
    "青海", "海南", "天津", "北京", "上海", "苏北", "常州",
];
const HOMETOWN_SUFFIXES: &[&str] = &["企业家联谊会", "企业家协会"];

/// Science disciplines (科协).
#[rustfmt::skip]
const DISCIPLINES: &[&str] = &[
    "机械工程", "电子", "计算机", "化学化工", "土木建筑", "环境科学", "气象", "水利", "园艺", "心理", "自动化",
    "汽车工程", "金属", "电机工程", "测绘", "地理", "人工智能", "光学", "生态", "材料", "仪器仪表", "通信", "物理",
    "数学", "硅酸盐", "力学", "城市规划", "风景园林",
];
const DISCIPLINE_SUFFIXES: &[&str] = &["研究会", "协会"];

// ---------------------------------------------------------------------------------------------
// Categories: type, competent department and how names are built.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Group,
    Service,
    Foundation,
}

impl Ty {
    fn code(self) -> &'static str {
        match self {
            Ty::Group => "social_group",
            Ty::Service => "service_institution",
            Ty::Foundation => "foundation",
        }
    }

    fn code_char(self) -> u8 {
        match self {
            Ty::Group => b'1',
            Ty::Service => b'2',
            Ty::Foundation => b'3',
        }
    }
}

/// Qualifiers put between the place prefix and a `mod_items` entry.
#[derive(Clone, Copy)]
enum Mods {
    None,
    List(&'static [&'static str]),
    /// The town's communities and villages.
    Places,
    /// The town's villages only.
    Villages,
    /// The list followed by the town's communities and villages.
    PlacesList(&'static [&'static str]),
}

struct Cat {
    ty: Ty,
    dept: &'static str,
    /// Weights at city level, in the three zones, in the eight towns.
    w: [u32; 3],
    /// Names tried first: prefix + stem + suffix, in a shuffled order.
    stems: &'static [&'static str],
    suffix: &'static str,
    /// Then prefix + qualifier + mod item.
    mods_city: Mods,
    mods_town: Mods,
    mod_items: &'static [&'static str],
    /// Social-work agencies (allocated by quota, not by weight).
    agency: bool,
    /// Relative chance of having an own Party organisation.
    party_w: u32,
    /// Earliest registration year.
    since: i32,
}

const fn cat(ty: Ty, dept: &'static str, w: [u32; 3]) -> Cat {
    Cat {
        ty,
        dept,
        w,
        stems: &[],
        suffix: "",
        mods_city: Mods::None,
        mods_town: Mods::None,
        mod_items: &[],
        agency: false,
        party_w: 1,
        since: 1995,
    }
}

#[rustfmt::skip]
const CATS: &[Cat] = &[
    // ----- 社会团体 -----
    Cat {
        stems: INDUSTRIES,
        suffix: "行业协会",
        mods_city: Mods::List(INDUSTRIES),
        mod_items: INDUSTRY_SUFFIXES,
        party_w: 2,
        ..cat(Ty::Group, SW, [18, 0, 0])
    },
    Cat {
        stems: HOMETOWNS,
        suffix: "商会",
        mods_city: Mods::List(HOMETOWNS),
        mod_items: HOMETOWN_SUFFIXES,
        party_w: 3,
        since: 2003,
        ..cat(Ty::Group, GSL, [12, 0, 0])
    },
    Cat {
        stems: &[
            "民营企业家协会", "青年企业家协会", "女企业家协会", "个体劳动者协会", "私营企业协会", "光彩事业促进会",
            "新生代企业家联谊会", "小微企业发展促进会", "台资企业协会", "港澳企业家联谊会", "民营经济研究会",
        ],
        mods_city: Mods::List(&["青年", "女", "新生代", "民营", "小微", "外贸", "制造业", "服务业"]),
        mod_items: &["企业家协会", "企业家联谊会", "企业发展促进会"],
        party_w: 2,
        ..cat(Ty::Group, GSL, [3, 0, 0])
    },
    Cat {
        stems: DISCIPLINES,
        suffix: "学会",
        mods_city: Mods::List(DISCIPLINES),
        mod_items: DISCIPLINE_SUFFIXES,
        ..cat(Ty::Group, KX, [8, 0, 0])
    },
    Cat {
        stems: &[
            "科普志愿者协会", "青少年科技教育协会", "老科学技术工作者协会", "发明协会", "科技工作者协会",
            "天文爱好者协会", "科普作家协会", "女科技工作者协会", "青年科技工作者协会", "工程师协会",
            "科学技术普及协会",
        ],
        mods_city: Mods::List(&["青年", "女", "企业", "高校", "归国"]),
        mod_items: &["科技工作者协会", "工程师联谊会"],
        ..cat(Ty::Group, KX, [3, 0, 0])
    },
    Cat {
        stems: &[
            "高新技术企业协会", "科技企业孵化器协会", "知识产权协会", "产学研合作促进会", "软件行业协会",
            "技术转移协会", "创新创业促进会", "科技金融促进会", "众创空间协会", "工业互联网协会", "大数据产业协会",
            "数字经济促进会", "两岸科技交流协会", "生物医药产业协会", "半导体产业协会", "智能传感产业协会",
        ],
        mods_city: Mods::List(&["智能", "数字", "绿色", "生物", "新材料", "氢能", "光伏"]),
        mod_items: &["产业创新促进会", "技术协会", "科技创新联合会"],
        ..cat(Ty::Group, KJ, [5, 0, 0])
    },
    Cat {
        stems: ARTS,
        mods_city: Mods::List(&["青年", "老年", "女", "职工"]),
        mod_items: ARTS_MOD_ITEMS,
        ..cat(Ty::Group, WT, [17, 0, 0])
    },
    Cat {
        stems: SPORTS,
        mods_city: Mods::List(&["青少年", "老年人", "职工", "企业", "校园"]),
        mod_items: SPORTS_MOD_ITEMS,
        ..cat(Ty::Group, WT, [22, 0, 0])
    },
    Cat {
        stems: &[
            "教育学会", "民办教育协会", "家庭教育研究会", "学前教育研究会", "职业教育协会", "校外教育培训行业协会",
            "陶行知研究会", "语言文字学会", "教师书画协会", "国际教育交流协会", "老教师协会", "教育督导学会",
            "心理健康教育研究会", "科学教育研究会", "美育研究会", "家长学校研究会",
        ],
        mods_city: Mods::List(&["青少年", "中小学", "幼儿", "教师", "社区"]),
        mod_items: &["心理健康教育研究会", "体育教育协会", "艺术教育协会", "科技教育协会"],
        ..cat(Ty::Group, JY, [6, 0, 0])
    },
    Cat {
        stems: &[
            "医学会", "医师协会", "医院协会", "护理学会", "药学会", "中医药学会", "预防医学会", "健康促进会",
            "计划生育协会", "营养学会", "康复医学会", "抗癌协会", "心理卫生协会", "托育服务协会", "社会办医协会",
            "乡村医生协会", "健康管理协会", "针灸学会", "全科医学会", "无偿献血志愿者协会", "医学美容学会",
        ],
        mods_city: Mods::List(&["中医", "社区", "妇幼", "老年", "儿童", "职工"]),
        mod_items: &["健康促进会", "保健协会", "医学研究会"],
        ..cat(Ty::Group, WJ, [8, 0, 0])
    },
    Cat {
        stems: &[
            "人力资源服务行业协会", "职业培训协会", "企业人力资源管理协会", "技能人才发展促进会", "劳动关系协会",
            "就业创业促进会", "人才交流协会", "劳务派遣行业协会", "高层次人才联谊会", "技工教育协会",
            "职业技能鉴定协会", "留学人员联谊会",
        ],
        mods_city: Mods::List(&["企业", "青年", "新市民", "技能", "大学生", "外来务工人员"]),
        mod_items: &["就业创业促进会", "人才发展促进会", "职业发展协会"],
        ..cat(Ty::Group, RS, [4, 0, 0])
    },
    Cat {
        stems: &[
            "农学会", "水产行业协会", "花卉协会", "家庭农场协会", "农民专业合作社联合会", "蔬菜协会", "生态农业协会",
            "农产品流通协会", "畜牧兽医学会", "农业机械化协会", "稻米产业协会", "休闲农业与乡村旅游协会", "蜂业协会",
            "植物保护学会", "阳澄湖大闸蟹行业协会", "葡萄协会", "食用菌协会", "农村经纪人协会", "农业品牌促进会",
            "苗木协会",
        ],
        mods_city: Mods::List(&["生态", "绿色", "特色", "设施", "现代", "都市"]),
        mod_items: &["农业协会", "种植协会", "农业发展促进会"],
        ..cat(Ty::Group, NY, [5, 0, 0])
    },
    Cat {
        stems: &[
            "老年人协会", "社区服务协会", "殡葬协会", "地名文化研究会", "婚姻家庭研究会", "盲人协会", "聋人协会",
            "肢残人协会", "精神残疾人及亲友协会", "智力残疾人及亲友协会", "公益慈善联合会", "义工联合会",
            "社区社会组织联合会", "助残志愿者协会", "社会组织党建研究会", "慈善义工协会", "邻里文化研究会",
            "社会福利协会", "城乡社区治理研究会", "老龄事业发展促进会", "家庭服务业协会", "救助志愿者协会",
            "巾帼志愿者协会", "青年志愿者协会", "孝老爱亲协会", "社会组织联合会", "公益创投促进会",
            "社会工作督导协会",
        ],
        mods_city: Mods::List(&["巾帼", "青年", "老年", "退休职工", "社区", "企业", "邻里", "大学生"]),
        mod_items: &["志愿者协会", "志愿服务协会", "公益联合会", "互助协会"],
        party_w: 2,
        ..cat(Ty::Group, MZ, [14, 0, 0])
    },
    // town-level social groups
    Cat {
        stems: &[
            "老年人协会", "志愿者协会", "慈善义工协会", "社会组织联合会", "社区社会组织联合会", "邻里互助协会",
            "孝老爱亲协会", "巾帼志愿者协会", "青年志愿者协会", "助残协会", "平安志愿者协会", "新市民服务协会",
        ],
        mods_town: Mods::Places,
        mod_items: &["老年人协会", "老年人协会", "志愿服务协会", "睦邻互助会", "社会组织联合会"],
        ..cat(Ty::Group, MZ, [0, 22, 22])
    },
    Cat {
        stems: &[
            "书画协会", "摄影协会", "舞蹈协会", "戏曲协会", "民乐协会", "合唱协会", "诗词协会", "收藏协会", "文学协会",
            "腰鼓协会", "太极拳协会", "健身气功协会", "门球协会", "钓鱼协会", "篮球协会", "足球协会", "乒乓球协会",
            "羽毛球协会", "象棋协会", "围棋协会", "掼蛋协会", "广场舞协会", "排舞协会", "柔力球协会",
            "自行车运动协会", "户外运动协会", "游泳协会", "网球协会", "龙舟协会", "拔河协会", "健身协会", "体育协会",
            "老年人体育协会", "跳绳协会", "空竹协会", "旅游协会",
        ],
        mods_town: Mods::PlacesList(&["老年", "职工", "青少年"]),
        mod_items: &[
            "书画协会", "舞蹈协会", "门球协会", "太极拳协会", "篮球协会", "乒乓球协会", "广场舞协会", "合唱协会",
            "摄影协会", "戏曲协会",
        ],
        ..cat(Ty::Group, WT, [0, 20, 20])
    },
    Cat {
        stems: &[
            "商会", "企业家协会", "青年企业家协会", "女企业家协会", "个体私营企业协会", "民营企业协会",
            "新生代企业家联谊会",
        ],
        mods_town: Mods::List(&["五金机电", "建材", "服装", "汽配", "电子", "家具", "餐饮", "物流", "装饰"]),
        mod_items: &["商会"],
        party_w: 3,
        ..cat(Ty::Group, GSL, [0, 5, 4])
    },
    Cat {
        stems: &[
            "外商投资企业协会", "商业联合会", "餐饮行业协会", "物流协会", "电子商务协会", "商贸流通协会",
            "酒店行业协会", "美容美发协会", "家政服务协会",
        ],
        mods_town: Mods::List(&["餐饮", "物流", "电子商务", "商贸", "酒店", "美容美发", "家政", "汽车服务", "超市"]),
        mod_items: &["行业协会"],
        party_w: 2,
        ..cat(Ty::Group, SW, [0, 5, 3])
    },
    Cat {
        stems: &[
            "家庭农场协会", "水产养殖协会", "蔬菜协会", "花卉苗木协会", "农机协会", "稻米协会", "葡萄协会",
            "农民专业合作社联合会", "农产品经纪人协会", "生态农业协会", "休闲农业协会", "蟹业协会", "食用菌协会",
            "蜂业协会",
        ],
        mods_town: Mods::Villages,
        mod_items: &["水产养殖协会", "蔬菜协会", "家庭农场协会", "稻米协会"],
        ..cat(Ty::Group, NY, [0, 1, 7])
    },
    Cat {
        stems: &["计划生育协会", "健康促进会", "乡村医生协会", "献血志愿者协会", "健康养生协会", "母婴健康协会"],
        mods_town: Mods::Places,
        mod_items: &["计划生育协会"],
        ..cat(Ty::Group, WJ, [0, 4, 4])
    },
    Cat {
        stems: &["教育学会", "家庭教育指导协会", "教育发展促进会", "老教师协会", "书香校园促进会", "青少年校外教育协会"],
        ..cat(Ty::Group, JY, [0, 2, 2])
    },
    Cat {
        stems: &["人力资源服务协会", "就业创业促进会", "新市民就业服务协会", "职业技能协会"],
        ..cat(Ty::Group, RS, [0, 1, 1])
    },
    Cat { stems: &["科普协会", "老科技工作者协会", "科普志愿者协会", "农村科技协会"], ..cat(Ty::Group, KX, [0, 1, 1]) },
    // ----- 社会服务机构 -----
    Cat {
        mods_city: Mods::List(JIA_GEN),
        mods_town: Mods::List(JIA_GEN),
        mod_items: &[
            "社会工作服务中心", "社会工作服务中心", "社会工作服务中心", "社工服务社", "社会工作事务所",
            "社会工作服务社", "社会工作发展中心",
        ],
        agency: true,
        party_w: 6,
        since: 2008,
        ..cat(Ty::Service, MZ, [0, 0, 0])
    },
    Cat {
        mods_city: Mods::List(JIA_ELD),
        mods_town: Mods::PlacesList(JIA_ELD),
        mod_items: &[
            "养老服务中心", "居家养老服务中心", "颐养院", "老年公寓", "日间照料中心", "护养中心", "居家养老服务社",
        ],
        ..cat(Ty::Service, MZ, [6, 10, 12])
    },
    Cat {
        mods_city: Mods::List(JIA_GEN),
        mods_town: Mods::PlacesList(JIA_GEN),
        mod_items: &[
            "青少年服务中心", "家庭服务中心", "儿童发展中心", "公益服务中心", "志愿服务中心", "社区服务中心",
            "助残服务中心", "心理咨询服务中心", "公益发展中心", "邻里服务中心", "婚姻家庭服务中心", "慈善服务中心",
            "残疾人托养中心", "社区发展中心", "社会组织服务中心",
        ],
        ..cat(Ty::Service, MZ, [14, 14, 12])
    },
    Cat {
        mods_city: Mods::List(JIA_EDU),
        mods_town: Mods::List(JIA_EDU),
        mod_items: &[
            "幼儿园", "幼儿园", "幼儿园", "实验幼儿园", "双语幼儿园", "艺术培训学校", "外语培训学校", "科技培训学校",
            "实验学校", "外国语学校", "艺术学校", "美术培训学校", "音乐培训学校", "舞蹈培训学校", "书画培训学校",
        ],
        party_w: 3,
        ..cat(Ty::Service, JY, [26, 28, 24])
    },
    Cat {
        mods_city: Mods::List(JIA_MED),
        mods_town: Mods::List(JIA_MED),
        mod_items: &[
            "医院", "护理院", "康复医院", "中医医院", "门诊部", "中医门诊部", "口腔门诊部", "康复中心", "老年护理院",
        ],
        party_w: 3,
        ..cat(Ty::Service, WJ, [7, 7, 6])
    },
    Cat {
        mods_city: Mods::List(JIA_BABY),
        mods_town: Mods::List(JIA_BABY),
        mod_items: &["托育中心", "托育园", "婴幼儿照护中心"],
        since: 2012,
        ..cat(Ty::Service, WJ, [3, 3, 2])
    },
    Cat {
        mods_city: Mods::List(JIA_SPORT),
        mods_town: Mods::List(JIA_SPORT),
        mod_items: &[
            "体育俱乐部", "足球俱乐部", "篮球俱乐部", "游泳俱乐部", "围棋俱乐部", "网球俱乐部", "体育培训中心",
            "青少年体育俱乐部", "乒乓球俱乐部", "羽毛球俱乐部", "跆拳道俱乐部", "武术馆",
        ],
        ..cat(Ty::Service, WT, [7, 6, 6])
    },
    Cat {
        mods_city: Mods::List(JIA_ART),
        mods_town: Mods::List(JIA_ART),
        mod_items: &["文化艺术中心", "艺术团", "博物馆", "美术馆", "书院", "昆曲传习所", "书画院", "民俗博物馆"],
        ..cat(Ty::Service, WT, [5, 4, 4])
    },
    Cat {
        mods_city: Mods::List(JIA_GEN),
        mods_town: Mods::List(JIA_GEN),
        mod_items: &["职业培训学校", "职业技能培训中心", "创业服务中心", "技工培训学校", "家政服务培训学校"],
        ..cat(Ty::Service, RS, [6, 6, 4])
    },
    Cat {
        mods_city: Mods::List(JIA_TECH),
        mods_town: Mods::List(JIA_TECH),
        mod_items: &["科技服务中心", "产业技术研究院", "技术转移服务中心", "创新创业服务中心", "科技企业孵化中心"],
        since: 2000,
        ..cat(Ty::Service, KJ, [3, 3, 1])
    },
    Cat {
        mods_city: Mods::List(JIA_TECH),
        mods_town: Mods::List(JIA_TECH),
        mod_items: &["科普教育中心", "青少年科技活动中心", "科学技术研究所", "科技咨询服务中心"],
        ..cat(Ty::Service, KX, [2, 1, 1])
    },
    Cat {
        mods_city: Mods::List(JIA_AGRI),
        mods_town: Mods::List(JIA_AGRI),
        mod_items: &["农业技术服务中心", "农业科技服务中心", "农村发展研究中心", "生态农业研究所"],
        ..cat(Ty::Service, NY, [1, 0, 3])
    },
    // ----- 基金会 -----
    Cat {
        stems: &[
            "见义勇为基金会", "青少年发展基金会", "老年事业发展基金会", "妇女儿童发展基金会", "残疾人福利基金会",
            "社会工作发展基金会", "扶贫济困基金会", "社区发展基金会",
        ],
        mods_city: Mods::List(JIA_GEN),
        mod_items: &["公益基金会", "慈善基金会", "爱心基金会"],
        party_w: 2,
        since: 2004,
        ..cat(Ty::Foundation, MZ, [10, 0, 0])
    },
    Cat {
        stems: &["奖学助学基金会", "顾炎武教育基金会", "学前教育发展基金会", "职业教育发展基金会"],
        mods_city: Mods::List(JIA_EDU),
        mod_items: &["教育基金会", "助学基金会"],
        party_w: 2,
        since: 2004,
        ..cat(Ty::Foundation, JY, [5, 0, 0])
    },
    Cat {
        stems: &["文化发展基金会", "体育发展基金会", "昆曲发展基金会"],
        mods_city: Mods::List(JIA_ART),
        mod_items: &["文化基金会", "艺术基金会"],
        party_w: 2,
        since: 2004,
        ..cat(Ty::Foundation, WT, [3, 0, 0])
    },
    Cat {
        stems: &["医学发展基金会", "健康促进基金会"],
        mods_city: Mods::List(JIA_MED),
        mod_items: &["医疗救助基金会", "健康基金会"],
        party_w: 2,
        since: 2004,
        ..cat(Ty::Foundation, WJ, [2, 0, 0])
    },
    Cat {
        stems: &["科技创新基金会"],
        mods_city: Mods::List(JIA_TECH),
        mod_items: &["科技基金会"],
        since: 2004,
        ..cat(Ty::Foundation, KJ, [1, 0, 0])
    },
    Cat {
        stems: &["乡村振兴基金会"],
        mods_city: Mods::List(JIA_AGRI),
        mod_items: &["乡村发展基金会"],
        since: 2004,
        ..cat(Ty::Foundation, NY, [1, 0, 0])
    },
    Cat {
        stems: &["人才发展基金会"],
        mods_city: Mods::List(JIA_GEN),
        mod_items: &["人才基金会"],
        since: 2004,
        ..cat(Ty::Foundation, RS, [1, 0, 0])
    },
    Cat {
        stems: &["光彩事业基金会"],
        mods_city: Mods::List(JIA_GEN),
        mod_items: &["公益基金会"],
        since: 2004,
        ..cat(Ty::Foundation, GSL, [1, 0, 0])
    },
    Cat {
        stems: &["慈善基金会", "公益基金会"],
        mods_town: Mods::List(JIA_GEN),
        mod_items: &["公益基金会", "慈善基金会"],
        party_w: 2,
        since: 2004,
        ..cat(Ty::Foundation, MZ, [0, 1, 1])
    },
    Cat {
        stems: &["教育基金会", "教育发展基金会"],
        mods_town: Mods::List(JIA_EDU),
        mod_items: &["教育基金会"],
        party_w: 2,
        since: 2004,
        ..cat(Ty::Foundation, JY, [0, 1, 1])
    },
];

/// Organisations written by name (the register's best-known members).
struct Anchor {
    name: &'static str,
    ty: Ty,
    dept: &'static str,
    agency: bool,
    registered_on: Date,
    party: Option<&'static str>,
    grade: Option<(&'static str, i32)>,
}

const ANCHORS: &[Anchor] = &[
    Anchor {
        name: "昆山市慈善总会",
        ty: Ty::Group,
        dept: MZ,
        agency: false,
        registered_on: (2001, 3, 16),
        party: Some("branch"),
        grade: Some(("5A", 2019)),
    },
    Anchor {
        name: "昆山市社会工作协会",
        ty: Ty::Group,
        dept: MZ,
        agency: false,
        registered_on: (2012, 5, 8),
        party: Some("branch"),
        grade: Some(("5A", 2020)),
    },
    Anchor {
        name: "昆山市社会组织促进会",
        ty: Ty::Group,
        dept: MZ,
        agency: false,
        registered_on: (2015, 11, 20),
        party: Some("general_branch"),
        grade: Some(("4A", 2021)),
    },
    Anchor {
        name: "昆山市志愿者协会",
        ty: Ty::Group,
        dept: MZ,
        agency: false,
        registered_on: (2008, 4, 25),
        party: Some("branch"),
        grade: None,
    },
    Anchor {
        name: "昆山市养老服务业协会",
        ty: Ty::Group,
        dept: MZ,
        agency: false,
        registered_on: (2016, 9, 12),
        party: None,
        grade: Some(("3A", 2022)),
    },
    Anchor {
        name: "昆山市电子信息行业协会",
        ty: Ty::Group,
        dept: SW,
        agency: false,
        registered_on: (2004, 7, 6),
        party: Some("committee"),
        grade: Some(("5A", 2018)),
    },
    Anchor {
        name: "昆山市温州商会",
        ty: Ty::Group,
        dept: GSL,
        agency: false,
        registered_on: (2005, 5, 18),
        party: Some("general_branch"),
        grade: Some(("4A", 2020)),
    },
    Anchor {
        name: "昆山市慈善基金会",
        ty: Ty::Foundation,
        dept: MZ,
        agency: false,
        registered_on: (2006, 12, 1),
        party: Some("branch"),
        grade: Some(("4A", 2019)),
    },
    Anchor {
        name: "昆山市教育发展基金会",
        ty: Ty::Foundation,
        dept: JY,
        agency: false,
        registered_on: (2009, 9, 10),
        party: None,
        grade: Some(("3A", 2020)),
    },
    Anchor {
        name: "昆山市仁济医院",
        ty: Ty::Service,
        dept: WJ,
        agency: false,
        registered_on: (2003, 10, 28),
        party: Some("committee"),
        grade: Some(("5A", 2021)),
    },
    Anchor {
        name: "昆山市鹿城实验学校",
        ty: Ty::Service,
        dept: JY,
        agency: false,
        registered_on: (2002, 8, 20),
        party: Some("committee"),
        grade: Some(("5A", 2019)),
    },
    Anchor {
        name: "昆山市阳光社会工作服务中心",
        ty: Ty::Service,
        dept: MZ,
        agency: true,
        registered_on: (2011, 6, 15),
        party: Some("branch"),
        grade: Some(("5A", 2021)),
    },
];

// ---------------------------------------------------------------------------------------------
// People and contacts.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const SURNAMES: &[(&str, u32)] = &[
    ("王", 60), ("张", 50), ("陈", 55), ("李", 40), ("刘", 30), ("周", 35), ("徐", 35), ("朱", 35), ("沈", 35),
    ("顾", 40), ("陆", 35), ("吴", 35), ("钱", 20), ("孙", 25), ("杨", 25), ("黄", 20), ("蒋", 15), ("许", 15),
    ("姚", 15), ("金", 15), ("戴", 12), ("唐", 12), ("范", 12), ("胡", 15), ("陶", 10), ("邹", 10), ("曹", 12),
    ("高", 12), ("马", 10), ("薛", 8), ("宋", 8), ("郁", 8), ("殷", 8), ("潘", 10), ("汤", 8), ("俞", 8), ("缪", 6),
    ("季", 8), ("夏", 8), ("赵", 20), ("郑", 10), ("何", 10), ("谢", 8), ("邱", 6), ("蔡", 8), ("龚", 6), ("秦", 6),
    ("卢", 6), ("严", 6), ("袁", 6), ("庄", 5), ("葛", 5), ("倪", 5), ("管", 4), ("瞿", 4), ("浦", 4),
];
/// Given names (two characters), men's and women's, across generations.
#[rustfmt::skip]
const GIVEN_M: &[&str] = &[
    "建国", "建华", "国平", "志明", "明华", "海峰", "永明", "卫东", "建军", "晓东", "俊杰", "浩然", "子轩", "宇航",
    "文杰", "振华", "立新", "春华", "忠良", "荣华", "雪峰", "志强", "国强", "建平", "文斌", "海涛", "晓峰", "建明",
    "建新", "国华", "伟民", "卫国", "金龙", "正兴", "学军", "永刚", "新华", "红兵", "志刚", "建林", "家俊", "宏伟",
    "一鸣", "思远", "子涵", "浩宇", "天宇", "俊豪", "明轩", "嘉诚", "雨泽", "晨阳", "志远", "振宇", "耀华", "德明",
    "庆华", "兴国", "福根", "金根", "荣根", "林生", "春林", "海明",
];
#[rustfmt::skip]
const GIVEN_F: &[&str] = &[
    "秀英", "桂英", "丽华", "美华", "红梅", "雪梅", "晓燕", "丽娟", "海燕", "春燕", "玉兰", "玉梅", "佳怡", "欣怡",
    "思雨", "雨婷", "晓雯", "晓婷", "婷婷", "丹丹", "莉莉", "佳琪", "梦婷", "慧敏", "丽萍", "凤英", "金凤", "月芳",
    "美玲", "文静", "雅琴", "海英", "晓红", "丽芳", "琴芳", "秀珍", "菊芳", "彩英", "建英", "红英", "雪芳", "静怡",
    "诗涵", "雨欣", "梓涵", "可欣", "心怡", "晓琳", "敏华", "燕萍", "亚萍", "美娟", "春梅", "小红", "晓丽", "雯雯",
    "洁琼", "慧琳", "婉婷", "思佳",
];
/// Given names of one character.
#[rustfmt::skip]
const GIVEN_1: &[&str] = &[
    "伟", "敏", "静", "勇", "军", "磊", "强", "斌", "杰", "峰", "涛", "刚", "明", "浩", "宇", "鑫", "凯", "健", "亮",
    "芳", "娟", "婷", "雯", "洁", "颖", "慧", "琳", "丽", "萍", "红", "琴", "霞", "艳", "燕", "华", "平", "英", "蕾",
];

pub(crate) fn person(rng: &mut Rng) -> String {
    let weights: Vec<u32> = SURNAMES.iter().map(|s| s.1).collect();
    let surname = SURNAMES[rng.weighted(&weights)].0;
    let given = match rng.below(8) {
        0 | 1 => rng.pick(GIVEN_1),
        2..=4 => rng.pick(GIVEN_M),
        _ => rng.pick(GIVEN_F),
    };
    format!("{surname}{given}")
}

#[rustfmt::skip]
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "157", "158", "159",
    "180", "181", "182", "183", "186", "187", "188", "189", "177", "173", "199", "198",
];

fn phone(rng: &mut Rng) -> String {
    if rng.chance(3, 5) {
        format!("{}{:08}", rng.pick(MOBILE_PREFIXES), rng.range(0, 99_999_999))
    } else {
        format!("0512-5{}{:06}", rng.pick(&[7, 7, 7, 5, 5, 0]), rng.range(0, 999_999))
    }
}

fn address(rng: &mut Rng, town: Option<&Town>) -> String {
    let (prefix, road, max) = match town {
        None => (CITY_PREFIX, rng.pick(CITY_ROADS), 1999),
        Some(t) => (t.prefix, rng.pick(t.roads), 899),
    };
    let no = rng.range(1, max);
    match rng.below(10) {
        0 | 1 => format!("{prefix}{road}{no}号{}楼", rng.range(2, 6)),
        2 => format!("{prefix}{road}{no}号{}室", rng.range(1, 6) * 100 + rng.range(1, 12)),
        _ => format!("{prefix}{road}{no}号"),
    }
}

// ---------------------------------------------------------------------------------------------
// Names.
// ---------------------------------------------------------------------------------------------

/// True if qualifier + item would read badly ("邻里邻里服务中心", "同心心理…", "…社区社区…").
fn awkward(qualifier: &str, item: &str) -> bool {
    let q: Vec<char> = qualifier.chars().collect();
    let Some(&last) = q.last() else { return false };
    item.starts_with(last) || q.windows(2).any(|w| item.contains(&w.iter().collect::<String>()))
}

/// Encodes a counter as one or more auspicious words (the last-resort distinguishing word).
fn jia_words(mut c: usize) -> String {
    let mut s = String::new();
    loop {
        s.push_str(JIA_GEN[c % JIA_GEN.len()]);
        c /= JIA_GEN.len();
        if c == 0 {
            return s;
        }
        c -= 1;
    }
}

/// Draws unique names for one category in one place.
struct Namer<'a> {
    prefix: &'a str,
    stems: Vec<&'static str>,
    suffix: &'static str,
    next_stem: usize,
    mods: Vec<&'static str>,
    items: &'static [&'static str],
    next_combo: usize,
    next_fallback: usize,
}

impl<'a> Namer<'a> {
    fn new(rng: &mut Rng, cat: &Cat, town: Option<&'a Town>) -> Self {
        let mut stems = cat.stems.to_vec();
        rng.shuffle(&mut stems);
        let mods_spec = if town.is_some() { cat.mods_town } else { cat.mods_city };
        let places: &[&'static str] = town.map(|t| t.places).unwrap_or(&[]);
        let mods: Vec<&'static str> = match mods_spec {
            Mods::None => Vec::new(),
            Mods::List(l) => l.to_vec(),
            Mods::Places => places.to_vec(),
            Mods::Villages => places.iter().copied().filter(|p| p.ends_with('村')).collect(),
            Mods::PlacesList(l) => l.iter().chain(places.iter()).copied().collect(),
        };
        Namer {
            prefix: town.map(|t| t.prefix).unwrap_or(CITY_PREFIX),
            stems,
            suffix: cat.suffix,
            next_stem: 0,
            mods,
            items: cat.mod_items,
            next_combo: 0,
            next_fallback: 0,
        }
    }

    fn next(&mut self, rng: &mut Rng, used: &mut HashSet<String>) -> String {
        let prefix = self.prefix;
        // 1. the plain names, in shuffled order
        while self.next_stem < self.stems.len() {
            let name = format!("{prefix}{}{}", self.stems[self.next_stem], self.suffix);
            self.next_stem += 1;
            if used.insert(name.clone()) {
                return name;
            }
        }
        if !self.mods.is_empty() && !self.items.is_empty() {
            // 2. random qualified names
            for _ in 0..40 {
                let (m, i) = (rng.pick(&self.mods), rng.pick(self.items));
                if awkward(m, i) {
                    continue;
                }
                let name = format!("{prefix}{m}{i}");
                if used.insert(name.clone()) {
                    return name;
                }
            }
            // 3. every qualified name, in order
            while self.next_combo < self.mods.len() * self.items.len() {
                let (m, i) =
                    (self.mods[self.next_combo / self.items.len()], self.items[self.next_combo % self.items.len()]);
                self.next_combo += 1;
                if awkward(m, i) {
                    continue;
                }
                let name = format!("{prefix}{m}{i}");
                if used.insert(name.clone()) {
                    return name;
                }
            }
        }
        // 4. a distinguishing auspicious word (never a bare number)
        loop {
            let c = self.next_fallback;
            self.next_fallback += 1;
            let tail = if self.items.is_empty() {
                format!("{}{}", self.stems[c % self.stems.len()], self.suffix)
            } else {
                self.items[c % self.items.len()].to_string()
            };
            let per_word = if self.items.is_empty() { self.stems.len() } else { self.items.len() };
            let word = jia_words(c / per_word);
            if awkward(&word, &tail) {
                continue;
            }
            let name = format!("{prefix}{word}{tail}");
            if used.insert(name.clone()) {
                return name;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------------

/// An organisation before dates and codes are drawn.
struct Draft {
    name: String,
    ty: Ty,
    dept: &'static str,
    town: Option<usize>,
    agency: bool,
    party_w: u32,
    since: i32,
    anchor: Option<&'static Anchor>,
}

/// Extra facts about a generated organisation used while building Party organisations.
struct Meta {
    town: Option<usize>,
    party_w: u32,
    anchor: Option<&'static Anchor>,
}

const SEED: u64 = 0x3205_8320_2200_5EC0;
const FIRST_DAY: Date = (1995, 1, 1);
const LAST_DAY: Date = (2022, 12, 31);
/// Organisations registered after this day are too new for a Party organisation in 2022.
const PARTY_CUTOFF: Date = (2022, 9, 30);
const INSTRUCTOR_CUTOFF: Date = (2022, 11, 30);

fn year_weight(y: i32) -> u32 {
    match y {
        ..=1999 => 2,
        2000..=2004 => 3,
        2005..=2009 => 5,
        2010..=2013 => 8,
        2014..=2016 => 11,
        2017..=2019 => 12,
        _ => 9,
    }
}

fn registration_date(rng: &mut Rng, since: i32, until: i32) -> Date {
    let years: Vec<i32> = (since.max(FIRST_DAY.0)..=until).collect();
    let weights: Vec<u32> = years.iter().map(|&y| year_weight(y)).collect();
    let y = years[rng.weighted(&weights)];
    rand_date(rng, day_number((y, 1, 1)), day_number((y, 12, 31)))
}

fn credit_code(rng: &mut Rng, ty: Ty, used: &mut HashSet<String>) -> String {
    loop {
        let mut s: Vec<u8> = vec![b'5', ty.code_char()];
        s.extend_from_slice(b"320583MJ");
        s.push(rng.pick(b"5555555544"));
        for _ in 0..6 {
            s.push(b'0' + rng.below(10) as u8);
        }
        let first17 = String::from_utf8(s).expect("ascii");
        let code = cncodes::CreditCode::complete(&first17).expect("alphabet characters only").as_str().to_string();
        if used.insert(code.clone()) {
            return code;
        }
    }
}

/// Picks `n` distinct entries of `cands` with the given weights (without replacement).
fn weighted_sample(rng: &mut Rng, cands: &[usize], weights: &[u32], n: usize) -> Vec<usize> {
    let mut c = cands.to_vec();
    let mut w = weights.to_vec();
    let mut out = Vec::new();
    while out.len() < n && !c.is_empty() {
        let i = rng.weighted(&w);
        out.push(c.swap_remove(i));
        w.swap_remove(i);
    }
    out
}

/// Splits m organisations into groups of 2..=12 (mostly 5..=9).
fn group_sizes(rng: &mut Rng, m: usize) -> Vec<usize> {
    if m < 2 {
        return Vec::new();
    }
    let k = ((m + 3) / 7).max(1);
    let mut sizes: Vec<usize> = (0..k).map(|i| m / k + usize::from(i < m % k)).collect();
    for i in 0..k.saturating_sub(1) {
        let d = rng.below(3);
        if sizes[i] >= 3 + d && sizes[i + 1] + d <= 12 {
            sizes[i] -= d;
            sizes[i + 1] += d;
        }
    }
    sizes
}

/// `scale` multiplies the number of organisations (1 → exactly 1,500). Same output for the same scale, always.
pub fn generate(scale: u32) -> OrgRegister {
    let s = scale as usize;
    let mut rng = Rng::seeded(SEED);
    let mut names: HashSet<String> = HashSet::new();
    let mut drafts: Vec<Draft> = Vec::new();

    // ----- who: names, types, departments, places -----
    let anchors: &'static [Anchor] = if s > 0 { ANCHORS } else { &[] };
    for a in anchors {
        names.insert(a.name.to_string());
        drafts.push(Draft {
            name: a.name.to_string(),
            ty: a.ty,
            dept: a.dept,
            town: None,
            agency: a.agency,
            party_w: 1,
            since: 1995,
            anchor: Some(a),
        });
    }
    let anchored = |ty: Ty| anchors.iter().filter(|a| a.ty == ty).count();
    let town_w: Vec<u32> = TOWNS.iter().map(|t| t.weight).collect();
    let town_groups = apportion(569 * s, &town_w);
    let town_services = apportion(475 * s, &town_w);
    for bucket in 0..=TOWNS.len() {
        let town = bucket.checked_sub(1).map(|i| &TOWNS[i]);
        let level = match town {
            None => 0,
            Some(t) if t.zone => 1,
            Some(_) => 2,
        };
        let (groups, services, foundations, agencies) = match town {
            None => (
                (256 * s).saturating_sub(anchored(Ty::Group)),
                (170 * s).saturating_sub(anchored(Ty::Service)),
                (24 * s).saturating_sub(anchored(Ty::Foundation)),
                (16 * s).saturating_sub(anchors.iter().filter(|a| a.agency).count()),
            ),
            Some(t) => (town_groups[bucket - 1], town_services[bucket - 1], t.foundations as usize * s, t.agencies * s),
        };
        for (ty, total) in [(Ty::Group, groups), (Ty::Service, services), (Ty::Foundation, foundations)] {
            let cats: Vec<&Cat> = CATS.iter().filter(|c| c.ty == ty).collect();
            let reserved = if ty == Ty::Service { agencies.min(total) } else { 0 };
            let weights: Vec<u32> = cats.iter().map(|c| if c.agency { 0 } else { c.w[level] }).collect();
            let mut counts = apportion(total - reserved, &weights);
            for (i, c) in cats.iter().enumerate() {
                if c.agency {
                    counts[i] += reserved;
                }
            }
            for (c, &n) in cats.iter().zip(&counts) {
                if n == 0 {
                    continue;
                }
                let mut namer = Namer::new(&mut rng, c, town);
                for _ in 0..n {
                    let name = namer.next(&mut rng, &mut names);
                    drafts.push(Draft {
                        name,
                        ty,
                        dept: c.dept,
                        town: town.map(|_| bucket - 1),
                        agency: c.agency,
                        party_w: c.party_w,
                        since: c.since,
                        anchor: None,
                    });
                }
            }
        }
    }

    // ----- status -----
    let n = drafts.len();
    let mut status: Vec<&'static str> = vec!["normal"; n];
    let mut closable: Vec<usize> =
        (0..n).filter(|&i| drafts[i].anchor.is_none() && !drafts[i].agency && drafts[i].ty != Ty::Foundation).collect();
    rng.shuffle(&mut closable);
    let (dereg, revoked) = (pct(n, 4), pct(n, 1));
    for (k, &i) in closable.iter().take(dereg + revoked).enumerate() {
        status[i] = if k < dereg { "deregistered" } else { "revoked" };
    }

    // ----- dates, codes, contacts, grades -----
    let mut codes: HashSet<String> = HashSet::new();
    let mut rows: Vec<(OrgSpec, Meta)> = Vec::with_capacity(n);
    for (i, d) in drafts.into_iter().enumerate() {
        let closed = status[i] != "normal";
        let registered_on = match d.anchor {
            Some(a) => a.registered_on,
            None => registration_date(&mut rng, d.since, if closed { 2017 } else { 2022 }),
        };
        let status_on = closed.then(|| rand_date(&mut rng, day_number((2018, 1, 1)), day_number(LAST_DAY)));
        let town = d.town.map(|t| &TOWNS[t]);
        let org = OrgSpec {
            credit_code: credit_code(&mut rng, d.ty, &mut codes),
            name: d.name,
            org_type: d.ty.code(),
            town: town.map(|t| t.code),
            department: d.dept,
            registered_on,
            status: status[i],
            status_on,
            grade: d.anchor.and_then(|a| a.grade),
            address: address(&mut rng, town),
            legal_rep: person(&mut rng),
            contact_phone: phone(&mut rng),
            is_agency: d.agency,
        };
        rows.push((org, Meta { town: d.town, party_w: d.party_w, anchor: d.anchor }));
    }
    let graded_target = pct(n, 15).saturating_sub(rows.iter().filter(|r| r.0.grade.is_some()).count());
    let gradable: Vec<usize> = (0..n)
        .filter(|&i| rows[i].0.status == "normal" && rows[i].0.grade.is_none() && rows[i].0.registered_on.0 <= 2020)
        .collect();
    let gw: Vec<u32> =
        gradable.iter().map(|&i| if rows[i].0.is_agency { 4 } else { rows[i].1.party_w.min(2) }).collect();
    for i in weighted_sample(&mut rng, &gradable, &gw, graded_target) {
        let level = ["1A", "2A", "3A", "4A", "5A"][rng.weighted(&[3, 10, 42, 33, 12])];
        let year = rng.range((rows[i].0.registered_on.0 + 2).max(2016) as i64, 2022) as i32;
        rows[i].0.grade = Some((level, year));
    }
    rows.sort_by(|a, b| a.0.registered_on.cmp(&b.0.registered_on).then_with(|| a.0.credit_code.cmp(&b.0.credit_code)));
    let (orgs, meta): (Vec<OrgSpec>, Vec<Meta>) = rows.into_iter().unzip();

    // ----- own Party organisations -----
    let eligible =
        |i: usize, cutoff: Date| orgs[i].status == "normal" && day_number(orgs[i].registered_on) <= day_number(cutoff);
    let normal = orgs.iter().filter(|o| o.status == "normal").count();
    let mut party_orgs: Vec<PartyOrgSpec> = Vec::new();
    let mut covered = vec![false; n];
    let mut own: Vec<(usize, &'static str)> =
        (0..n).filter_map(|i| meta[i].anchor.and_then(|a| a.party).map(|k| (i, k))).collect();
    let cands: Vec<usize> = (0..n).filter(|&i| eligible(i, PARTY_CUTOFF) && own.iter().all(|o| o.0 != i)).collect();
    let weights: Vec<u32> = cands.iter().map(|&i| meta[i].party_w).collect();
    let mut picks = weighted_sample(&mut rng, &cands, &weights, pct(normal, 12).saturating_sub(own.len()));
    let mut big: Vec<usize> = picks.iter().copied().filter(|&i| meta[i].party_w >= 3).collect();
    rng.shuffle(&mut big);
    let general: HashSet<usize> = big.into_iter().take(pct(picks.len(), 7)).collect();
    picks.sort_unstable();
    own.extend(picks.iter().map(|&i| (i, if general.contains(&i) { "general_branch" } else { "branch" })));
    own.sort_unstable();
    let end = day_number(LAST_DAY);
    for &(i, kind) in &own {
        let o = &orgs[i];
        let (suffix, members) = match kind {
            "committee" => ("党委", rng.range(48, 60)),
            "general_branch" => ("党总支", rng.range(22, 45)),
            _ if meta[i].anchor.is_some() => ("党支部", rng.range(9, 25)),
            _ => {
                let hi = rng.range(6, 18);
                ("党支部", rng.range(3, hi))
            }
        };
        let lo = (day_number(o.registered_on) + 60).max(day_number((2010, 1, 1)));
        party_orgs.push(PartyOrgSpec {
            name: format!("{}{}", o.name, suffix),
            kind,
            town: o.town,
            members: members as i32,
            secretary: if rng.chance(2, 5) { o.legal_rep.clone() } else { person(&mut rng) },
            established_on: late_date(&mut rng, lo, end),
            organisations: vec![i],
            in_action_plan: false,
        });
        covered[i] = true;
    }

    // ----- joint branches -----
    let joint_target = pct(normal, 68).saturating_sub(own.len());
    let pools: Vec<Vec<usize>> = (0..=TOWNS.len())
        .map(|b| {
            let town = b.checked_sub(1);
            (0..n).filter(|&i| meta[i].town == town && !covered[i] && eligible(i, PARTY_CUTOFF)).collect()
        })
        .collect();
    let pool_w: Vec<u32> = pools.iter().map(|p| p.len() as u32).collect();
    let per_bucket = apportion(joint_target, &pool_w);
    for (b, pool) in pools.iter().enumerate() {
        let town = b.checked_sub(1).map(|t| &TOWNS[t]);
        // (label, organisations to group)
        let mut lots: Vec<(&str, Vec<usize>)> = Vec::new();
        match town {
            Some(_) => {
                let mut p = pool.clone();
                rng.shuffle(&mut p);
                p.truncate(per_bucket[b]);
                lots.push(("", p));
            }
            None => {
                let by_dept: Vec<Vec<usize>> = DEPARTMENTS
                    .iter()
                    .map(|d| pool.iter().copied().filter(|&i| orgs[i].department == d.code).collect())
                    .collect();
                let w: Vec<u32> = by_dept.iter().map(|v| v.len() as u32).collect();
                let counts = apportion(per_bucket[b], &w);
                for ((d, mut p), &m) in DEPARTMENTS.iter().zip(by_dept).zip(&counts) {
                    let m = if m == 1 && p.len() >= 2 { 2 } else { m };
                    rng.shuffle(&mut p);
                    p.truncate(m);
                    lots.push((dept_label(d.code), p));
                }
            }
        }
        for (label, lot) in lots {
            let sizes = group_sizes(&mut rng, lot.len());
            let mut at = 0;
            for (g, &size) in sizes.iter().enumerate() {
                let mut members: Vec<usize> = lot[at..at + size].to_vec();
                at += size;
                members.sort_unstable();
                let ordinal = if sizes.len() == 1 { String::new() } else { format!("第{}", cn_number(g + 1)) };
                let name = match town {
                    Some(t) => format!("{}社会组织{ordinal}联合党支部", t.prefix),
                    None => format!("{CITY_PREFIX}{label}{ordinal}联合党支部"),
                };
                let latest = members.iter().map(|&i| day_number(orgs[i].registered_on)).max().unwrap_or(0);
                let lo = (latest + 30).max(day_number((2016, 1, 1)));
                for &i in &members {
                    covered[i] = true;
                }
                party_orgs.push(PartyOrgSpec {
                    name,
                    kind: "joint_branch",
                    town: town.map(|t| t.code),
                    members: (size as i64 * rng.range(2, 4) + rng.range(2, 8)).clamp(5, 60) as i32,
                    secretary: person(&mut rng),
                    established_on: late_date(&mut rng, lo, end),
                    organisations: members,
                    in_action_plan: false,
                });
            }
        }
    }

    // ----- 先锋引领2.0 五争五引领 -----
    let total = party_orgs.len();
    let wanted = (total * 2).div_ceil(5).max(108).min(total);
    let mut order: Vec<usize> = (0..total).collect();
    rng.shuffle(&mut order);
    let first = |p: &PartyOrgSpec| {
        p.kind == "committee"
            || p.kind == "general_branch"
            || p.organisations.iter().any(|&i| meta[i].anchor.is_some() || orgs[i].is_agency)
    };
    order.sort_by_key(|&k| !first(&party_orgs[k]));
    for &k in order.iter().take(wanted) {
        party_orgs[k].in_action_plan = true;
    }

    // ----- Party-building instructors -----
    let covered_n = covered.iter().filter(|&&c| c).count();
    let need = pct(normal, 89).saturating_sub(covered_n);
    let mut cands: Vec<usize> = (0..n).filter(|&i| !covered[i] && eligible(i, INSTRUCTOR_CUTOFF)).collect();
    rng.shuffle(&mut cands);
    cands.truncate(need);
    cands.sort_unstable();
    let mut instructors = Vec::with_capacity(cands.len());
    let mut people: Vec<Vec<String>> = vec![Vec::new(); TOWNS.len() + 1];
    let mut load = vec![0usize; TOWNS.len() + 1];
    for &i in &cands {
        let b = meta[i].town.map(|t| t + 1).unwrap_or(0);
        // each instructor looks after about six organisations of one place
        if load[b] >= 6 * people[b].len() {
            people[b].push(person(&mut rng));
        }
        load[b] += 1;
        let name = people[b][rng.below(people[b].len())].clone();
        let lo = (day_number(orgs[i].registered_on) + 15).max(day_number((2017, 3, 1)));
        instructors.push(Instructor { organisation: i, name, assigned_on: late_date(&mut rng, lo, end) });
    }

    OrgRegister { orgs, party_orgs, instructors }
}

/// The group name of a competent department's joint branches at city level.
fn dept_label(code: &str) -> &'static str {
    match code {
        MZ => "社会服务类社会组织",
        JY => "教育类社会组织",
        WJ => "卫生健康类社会组织",
        WT => "文体旅游类社会组织",
        KJ => "科技服务类社会组织",
        RS => "人力资源服务类社会组织",
        NY => "农业农村类社会组织",
        SW => "行业协会",
        GSL => "商会",
        _ => "学会类社会组织",
    }
}

// Communities and villages of each district/town, as in `kunshan.rs`.
#[rustfmt::skip]
const P_KAIFAQU: &[&str] = &["绣衣社区", "蓬朗社区", "蓬曦社区", "蓬青社区", "兵希社区", "中华园社区", "夏东社区", "夏驾社区", "东城社区", "朝阳社区", "青阳港社区", "光明社区", "世茂社区", "东塘社区", "长江社区", "黄河社区", "珠江社区", "嵩山社区", "泰山社区", "洞庭社区", "景王社区", "章基社区", "前进社区", "新城社区", "樾河社区", "盛希社区", "澜溪社区", "虹桥社区", "新河村", "双联村", "赵塘村", "姚家村", "星浜村", "石湾村"];
#[rustfmt::skip]
const P_GAOXINQU: &[&str] = &["亭林社区", "震川社区", "城北社区", "星虹社区", "新阳社区", "马鞍山社区", "同心社区", "北门社区", "东门社区", "西塘社区", "玉龙社区", "城西社区", "城南社区", "萧林社区", "鹿城社区", "人民社区", "娄江社区", "玉峰社区", "青阳社区", "玉山社区", "半山桥社区", "正阳社区", "白塘社区", "迎宾社区", "西街社区", "汉浦社区", "五联村", "南渔村", "大渔村", "共青村", "泾河村", "江浦村", "新乐村", "大公村", "杜桥村", "赵厍村", "广福村", "唐龙村", "庙灯村", "新江村"];
#[rustfmt::skip]
const P_HUAQIAO: &[&str] = &["花溪社区", "花桥社区", "曹安社区", "兆丰社区", "金洋社区", "徐公桥社区", "商务城社区", "天福社区", "吴淞江社区", "沁园社区", "金城社区", "沪滨社区", "鑫华社区", "润和社区", "恒泰社区", "蓝湾社区", "龙湖社区", "逸仙社区", "鼎丰社区", "集善村", "顺杨村", "横泾村", "新生村", "东风村", "金湾村", "塘湾村", "陈墅村", "王巷村", "蒲泾村", "幸福村"];
#[rustfmt::skip]
const P_ZHANGPU: &[&str] = &["张浦社区", "花园社区", "振苏社区", "南港社区", "大市社区", "新巷社区", "新吴社区", "大直社区", "周巷社区", "亲和社区", "锦和社区", "江北社区", "金华村", "七桥村", "赵陵村", "吴加村", "三家村", "新塘村", "星金村", "新龙村", "白米村", "林庄村", "安头村", "姜杭村", "尚明甸村", "南姚村", "大市村", "南吉山村", "港浦村", "俱巷村", "商秧村", "逸泾村"];
#[rustfmt::skip]
const P_ZHOUSHI: &[&str] = &["周市社区", "陆杨社区", "长泾社区", "鑫茂社区", "华城美地社区", "柏庐社区", "春晖社区", "尚城社区", "银杏社区", "黄浦社区", "群星社区", "嘉和社区", "珠泾村", "许家村", "永共村", "陆桥村", "新镇村", "东方村", "朱家湾村", "平庄村", "新瑭村", "东明村", "市北村", "横娄村", "斜塘村", "小泾村", "野马渡村", "宋家港村", "古塘村", "创乐村", "黄泥泾村", "环娄村"];
#[rustfmt::skip]
const P_LUJIA: &[&str] = &["陆家社区", "菉溪社区", "友谊社区", "陆丰社区", "华阳社区", "浦江社区", "佳苑社区", "紫竹社区", "明珠社区", "童泾社区", "邹家角村", "合丰村", "神童泾村", "夏桥村", "星圃村", "车塘村", "泗桥村", "孔巷村", "陈巷村", "蒋巷村", "联合村", "双泾村", "曹家浜村", "泾北村", "新泾村", "吴家浜村", "蔡泾村", "严家村"];
#[rustfmt::skip]
const P_BACHENG: &[&str] = &["巴城社区", "石牌社区", "正仪社区", "湖滨社区", "梅园社区", "阳澄湖社区", "湖畔社区", "临湖社区", "绰墩山村", "武神潭村", "东阳澄湖村", "龙潭村", "红杨村", "凤凰村", "金湖村", "新开河村", "西浦村", "茆沙村", "永丰村", "双庄村", "大泾村", "北荡村", "秦庄村", "郁家村", "联民村", "新南村", "前进村", "东窑村", "南溪村", "罗桥村", "桃源村", "小湾村"];
#[rustfmt::skip]
const P_QIANDENG: &[&str] = &["千灯社区", "石浦社区", "炎武社区", "淞南社区", "尚书社区", "玉溪社区", "延福社区", "金桥社区", "歇马桥村", "大潭村", "吴家桥村", "陶家桥村", "少卿村", "秦峰村", "支浦村", "大唐村", "善浦村", "季广村", "恒升村", "秦望村", "李家浜村", "凌家村", "姜巷村", "新华村", "马桥村", "杨家村", "三桥村", "民主村", "东泾村", "康家村"];
#[rustfmt::skip]
const P_DIANSHANHU: &[&str] = &["淀山湖社区", "曙光社区", "香馨社区", "晨曦社区", "淀东社区", "北苑社区", "永新村", "杨湘泾村", "安上村", "民和村", "度城村", "晟泰村", "金家庄村", "红星村", "双护村", "六如墩村", "东南村", "永勤村", "群益村", "新联村", "周家泾村", "荡南村", "永和村", "马家浜村"];
#[rustfmt::skip]
const P_ZHOUZHUANG: &[&str] = &["周庄社区", "贞丰社区", "富安社区", "全福社区", "双桥社区", "祁浜村", "东浜村", "双庙村", "龙亭村", "蚬江村", "江湾村", "全旺村", "急水港村", "太史淀村", "澄湖村", "南湖村", "天花荡村", "三珠浜村", "渔业村", "复兴村", "东庄村", "北港村"];
#[rustfmt::skip]
const P_JINXI: &[&str] = &["锦溪社区", "干家甸社区", "陈墓社区", "普庆社区", "五保湖社区", "长云村", "袁甸村", "陆泾村", "朱浜村", "三联村", "狭港村", "南前村", "卫星村", "顾家浜村", "周家浜村", "联湖村", "张家厍村", "阮家浜村", "北管泾村", "虬泽村", "盛塘村", "马援庄村", "红霞村", "计家墩村", "孟子浜村", "北联村"];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    fn valid_code(code: &str) -> bool {
        cncodes::CreditCode::parse(code).is_ok_and(|c| c.as_str() == code)
    }

    fn valid_date((y, m, d): Date) -> bool {
        NaiveDate::from_ymd_opt(y, m, d).is_some()
    }

    fn party_of(r: &OrgRegister) -> Vec<Option<usize>> {
        let mut of = vec![None; r.orgs.len()];
        for (k, p) in r.party_orgs.iter().enumerate() {
            for &i in &p.organisations {
                assert!(of[i].is_none(), "{} is in two Party organisations", r.orgs[i].name);
                of[i] = Some(k);
            }
        }
        of
    }

    /// (normal, organisation-covered, work-covered)
    fn coverage(r: &OrgRegister) -> (usize, usize, usize) {
        let of = party_of(r);
        let instructed: HashSet<usize> = r.instructors.iter().map(|x| x.organisation).collect();
        let normal: Vec<usize> = (0..r.orgs.len()).filter(|&i| r.orgs[i].status == "normal").collect();
        let org = normal.iter().filter(|&&i| of[i].is_some()).count();
        let work = normal.iter().filter(|&&i| of[i].is_some() || instructed.contains(&i)).count();
        (normal.len(), org, work)
    }

    #[test]
    fn check_character_matches_known_codes() {
        // Known valid codes of the GB 32100 form.
        assert!(valid_code("91350100M000100Y43"));
        assert!(!valid_code("91350100M000100Y44"));
        assert_eq!(cn_number(1), "一");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(40), "四十");
        assert_eq!(cn_number(105), "一百零五");
        assert_eq!(cn_number(110), "一百一十");
        assert_eq!(date_of(day_number((2020, 2, 29))), (2020, 2, 29));
        assert_eq!(day_number((2021, 1, 1)) - day_number((2020, 1, 1)), 366);
        assert_eq!(date_of(day_number((2022, 2, 28)) + 1), (2022, 3, 1));
    }

    #[test]
    fn departments() {
        assert_eq!(DEPARTMENTS.len(), 10);
        assert_eq!(DEPARTMENTS.iter().filter(|d| d.lead).count(), 1);
        assert_eq!(DEPARTMENTS[0].code, "minzheng");
        assert!(DEPARTMENTS[0].lead);
        let mut seen = HashSet::new();
        for d in DEPARTMENTS {
            assert!(seen.insert(d.code));
            assert!(!d.code.is_empty() && d.code.bytes().all(|b| b.is_ascii_lowercase()), "{}", d.code);
            assert!(d.name.starts_with("昆山市") && !d.name_en.is_empty());
        }
    }

    #[test]
    fn counts_and_uniqueness() {
        for (scale, n) in [(1, 1500), (2, 3000)] {
            let r = generate(scale);
            assert_eq!(r.orgs.len(), n);
            let codes: HashSet<&str> = r.orgs.iter().map(|o| o.credit_code.as_str()).collect();
            let names: HashSet<&str> = r.orgs.iter().map(|o| o.name.as_str()).collect();
            assert_eq!(codes.len(), n, "codes unique at scale {scale}");
            assert_eq!(names.len(), n, "names unique at scale {scale}");
            let pnames: HashSet<&str> = r.party_orgs.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(pnames.len(), r.party_orgs.len(), "Party organisation names unique");
        }
        assert!(generate(0).orgs.is_empty());
    }

    #[test]
    fn type_distribution() {
        let r = generate(1);
        let count = |t: &str| r.orgs.iter().filter(|o| o.org_type == t).count();
        let (g, s, f) = (count("social_group"), count("service_institution"), count("foundation"));
        assert_eq!(g + s + f, 1500);
        assert!((780..=870).contains(&g), "social groups {g}");
        assert!((600..=690).contains(&s), "service institutions {s}");
        assert!((20..=45).contains(&f), "foundations {f}");
        assert!(r.orgs.iter().any(|o| o.name == "昆山市慈善基金会"));
        let city_f = r.orgs.iter().filter(|o| o.org_type == "foundation" && o.town.is_none()).count();
        assert!(city_f * 3 > f * 2, "foundations mostly city level");
        let city = r.orgs.iter().filter(|o| o.town.is_none()).count();
        assert!((400..=500).contains(&city), "city level {city}");
        for t in TOWNS.iter() {
            assert!(r.orgs.iter().filter(|o| o.town == Some(t.code)).count() >= 30, "{}", t.code);
        }
        let closed = |st: &str| r.orgs.iter().filter(|o| o.status == st).count();
        assert_eq!(closed("deregistered"), 60);
        assert_eq!(closed("revoked"), 15);
        let graded = r.orgs.iter().filter(|o| o.grade.is_some()).count();
        assert!((200..=250).contains(&graded), "graded {graded}");
    }

    #[test]
    fn codes_are_valid_and_typed() {
        for o in &generate(1).orgs {
            let c = o.credit_code.as_bytes();
            assert!(valid_code(&o.credit_code), "{}", o.credit_code);
            assert_eq!(c[0], b'5');
            let t = match o.org_type {
                "social_group" => b'1',
                "service_institution" => b'2',
                "foundation" => b'3',
                other => panic!("bad type {other}"),
            };
            assert_eq!(c[1], t, "{} {}", o.credit_code, o.org_type);
            assert_eq!(&o.credit_code[2..8], "320583");
            assert_eq!(&o.credit_code[8..10], "MJ");
            assert!(c[8..17].iter().all(|b| cncodes::CREDIT_ALPHABET.as_bytes().contains(b)));
            // every single-character change is detected
            for pos in 0..18 {
                for &alt in cncodes::CREDIT_ALPHABET.as_bytes() {
                    if alt == c[pos] {
                        continue;
                    }
                    let mut m = c.to_vec();
                    m[pos] = alt;
                    assert!(!valid_code(std::str::from_utf8(&m).unwrap()), "{} at {pos}", o.credit_code);
                }
            }
        }
    }

    #[test]
    fn fields_are_plausible() {
        let r = generate(1);
        let depts: HashSet<&str> = DEPARTMENTS.iter().map(|d| d.code).collect();
        let towns: HashSet<&str> = TOWNS.iter().map(|t| t.code).collect();
        for o in &r.orgs {
            assert!(depts.contains(o.department), "{}", o.department);
            assert!(o.town.is_none_or(|t| towns.contains(t)));
            assert!(o.name.starts_with("昆山"), "{}", o.name);
            assert!(!o.name.chars().any(|c| c.is_ascii_digit()), "{}", o.name);
            let rep = o.legal_rep.chars().count();
            assert!((2..=3).contains(&rep), "{}", o.legal_rep);
            let p = &o.contact_phone;
            let mobile = p.len() == 11
                && p.bytes().all(|b| b.is_ascii_digit())
                && ["13", "15", "17", "18", "19"].iter().any(|x| p.starts_with(x));
            let landline = p.len() == 13 && p.starts_with("0512-5") && p[5..].bytes().all(|b| b.is_ascii_digit());
            assert!(mobile || landline, "{p}");
            assert!(o.address.starts_with("昆山") && o.address.contains('号'), "{}", o.address);
            let named = o.name.contains("社工") || o.name.contains("社会工作");
            assert_eq!(o.is_agency, o.org_type == "service_institution" && named, "{}", o.name);
            if let Some((g, y)) = o.grade {
                assert!(["1A", "2A", "3A", "4A", "5A"].contains(&g));
                assert!((2016..=2022).contains(&y) && y >= o.registered_on.0);
            }
            match o.org_type {
                "foundation" => assert!(o.name.ends_with("基金会"), "{}", o.name),
                "social_group" => assert!(!o.name.ends_with("基金会"), "{}", o.name),
                _ => {}
            }
            if o.town.is_some() {
                assert!(!o.name.starts_with("昆山市") || o.name.contains('镇'), "{}", o.name);
            }
        }
        // the department fits the domain
        for o in &r.orgs {
            let n = &o.name;
            if o.org_type == "service_institution" && (n.ends_with("幼儿园") || n.ends_with("学校")) {
                assert!(o.department == "jiaoyu" || o.department == "renshe", "{n}");
            }
            if n.ends_with("医院") || n.ends_with("门诊部") || n.ends_with("护理院") {
                assert_eq!(o.department, "weijian", "{n}");
            }
            if n.ends_with("商会") {
                assert!(o.department == "gongshanglian" || o.department == "shangwu", "{n}");
            }
            if o.is_agency {
                assert_eq!(o.department, "minzheng", "{n}");
            }
        }
    }

    #[test]
    fn dates_are_valid_and_ordered() {
        let r = generate(1);
        let (first, last) = (day_number(FIRST_DAY), day_number(LAST_DAY));
        for o in &r.orgs {
            assert!(valid_date(o.registered_on));
            let reg = day_number(o.registered_on);
            assert!(first <= reg && reg <= last, "{:?}", o.registered_on);
            match (o.status, o.status_on) {
                ("normal", None) => {}
                ("deregistered" | "revoked", Some(d)) => {
                    assert!(valid_date(d));
                    assert!((2018..=2022).contains(&d.0) && day_number(d) > reg, "{} {:?}", o.name, d);
                }
                other => panic!("bad status {other:?}"),
            }
        }
        for p in &r.party_orgs {
            assert!(valid_date(p.established_on));
            let est = day_number(p.established_on);
            assert!(est <= last, "{} {:?}", p.name, p.established_on);
            for &i in &p.organisations {
                assert!(est > day_number(r.orgs[i].registered_on), "{}", p.name);
            }
        }
        for x in &r.instructors {
            assert!(valid_date(x.assigned_on));
            let d = day_number(x.assigned_on);
            assert!(d > day_number(r.orgs[x.organisation].registered_on) && d <= last);
        }
        // the register is sorted by registration date
        assert!(r.orgs.windows(2).all(|w| w[0].registered_on <= w[1].registered_on));
    }

    #[test]
    fn party_organisations() {
        for scale in [1, 2] {
            let r = generate(scale);
            let of = party_of(&r);
            let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
            for p in &r.party_orgs {
                *kinds.entry(p.kind).or_default() += 1;
                assert!((3..=60).contains(&p.members), "{} {}", p.name, p.members);
                let pc = p.secretary.chars().count();
                assert!((2..=3).contains(&pc));
                for &i in &p.organisations {
                    assert_eq!(r.orgs[i].status, "normal", "{} has a Party organisation", r.orgs[i].name);
                }
                match p.kind {
                    "committee" | "general_branch" | "branch" => {
                        assert_eq!(p.organisations.len(), 1, "{}", p.name);
                        let o = &r.orgs[p.organisations[0]];
                        assert!(p.name.starts_with(&o.name), "{}", p.name);
                        assert_eq!(p.town, o.town);
                    }
                    "joint_branch" => {
                        assert!((2..=12).contains(&p.organisations.len()), "{} {}", p.name, p.organisations.len());
                        assert!(p.organisations.iter().all(|&i| r.orgs[i].town == p.town), "{}", p.name);
                        assert!(p.name.ends_with("联合党支部"));
                    }
                    other => panic!("bad kind {other}"),
                }
            }
            assert!((2..=3 * scale as usize).contains(&kinds["committee"]));
            assert!(kinds["general_branch"] >= 5 && kinds["branch"] > kinds["general_branch"]);
            let in_plan = r.party_orgs.iter().filter(|p| p.in_action_plan).count();
            assert!(in_plan >= 105, "in action plan {in_plan}");
            // own Party organisations for roughly 12% of normal organisations
            let normal = r.orgs.iter().filter(|o| o.status == "normal").count();
            let own = r.party_orgs.iter().filter(|p| p.kind != "joint_branch").count();
            assert!(own * 100 >= normal * 10 && own * 100 <= normal * 14, "own {own} of {normal}");
            // instructors only where there is no Party organisation, one per organisation
            let mut seen = HashSet::new();
            for x in &r.instructors {
                assert!(seen.insert(x.organisation));
                assert!(of[x.organisation].is_none());
                assert_eq!(r.orgs[x.organisation].status, "normal");
                assert!((2..=3).contains(&x.name.chars().count()));
            }
        }
    }

    #[test]
    fn coverage_rates() {
        for scale in [1, 2] {
            let r = generate(scale);
            let (normal, org, work) = coverage(&r);
            assert!(org * 100 >= normal * 60 && org * 100 <= normal * 75, "organisation coverage {org}/{normal}");
            assert!(work * 100 >= normal * 85 && work * 100 <= normal * 95, "work coverage {work}/{normal}");
        }
    }

    #[test]
    fn agencies_spread_over_the_towns() {
        let r = generate(1);
        let agencies: Vec<&OrgSpec> = r.orgs.iter().filter(|o| o.is_agency).collect();
        assert!(agencies.len() >= 30, "{}", agencies.len());
        for t in TOWNS.iter() {
            assert!(agencies.iter().filter(|o| o.town == Some(t.code)).count() >= 2, "{}", t.code);
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(generate(1), generate(1));
        assert_eq!(generate(2), generate(2));
        assert_ne!(generate(1).orgs[0..10], generate(2).orgs[0..10]);
    }
}
