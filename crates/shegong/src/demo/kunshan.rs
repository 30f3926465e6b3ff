//! Kunshan's org-unit tree for the demo data: the city, its 11 district/town units and their communities (社区) and villages (村).
//! Names are those of real places where known; the data is demo data, not an official register.

/// One community or village: (code, Chinese name, kind) where kind is "community" or "village".
pub type Community = (&'static str, &'static str, &'static str);

pub struct TownSpec {
    /// URL-safe code, lowercase ASCII letters, digits and '-' only (no '_').
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// "district" for the three zones, "town" for the eight towns.
    pub kind: &'static str,
    /// 9-digit township-level division code if you know it, else "".
    pub division_code: &'static str,
    pub communities: &'static [Community],
}

pub const CITY: (&str, &str, &str) = ("320583", "昆山市", "Kunshan City");

const KAIFAQU: &[Community] = &[
    ("xiuyi", "绣衣社区", "community"),
    ("penglang", "蓬朗社区", "community"),
    ("pengxi", "蓬曦社区", "community"),
    ("pengqing", "蓬青社区", "community"),
    ("bingxi", "兵希社区", "community"),
    ("zhonghuayuan", "中华园社区", "community"),
    ("xiadong", "夏东社区", "community"),
    ("xiajia", "夏驾社区", "community"),
    ("dongcheng", "东城社区", "community"),
    ("chaoyang", "朝阳社区", "community"),
    ("qingyanggang", "青阳港社区", "community"),
    ("guangming", "光明社区", "community"),
    ("shimao", "世茂社区", "community"),
    ("dongtang", "东塘社区", "community"),
    ("changjiang", "长江社区", "community"),
    ("huanghe", "黄河社区", "community"),
    ("zhujiang", "珠江社区", "community"),
    ("songshan", "嵩山社区", "community"),
    ("taishan", "泰山社区", "community"),
    ("dongting", "洞庭社区", "community"),
    ("jingwang", "景王社区", "community"),
    ("zhangji", "章基社区", "community"),
    ("qianjin", "前进社区", "community"),
    ("xincheng", "新城社区", "community"),
    ("yuehe", "樾河社区", "community"),
    ("shengxi", "盛希社区", "community"),
    ("lanxi", "澜溪社区", "community"),
    ("hongqiao", "虹桥社区", "community"),
    ("xinhe", "新河村", "village"),
    ("shuanglian", "双联村", "village"),
    ("zhaotang", "赵塘村", "village"),
    ("yaojia", "姚家村", "village"),
    ("xingbang", "星浜村", "village"),
    ("shiwan", "石湾村", "village"),
];

const GAOXINQU: &[Community] = &[
    ("tinglin", "亭林社区", "community"),
    ("zhenchuan", "震川社区", "community"),
    ("chengbei", "城北社区", "community"),
    ("xinghong", "星虹社区", "community"),
    ("xinyang", "新阳社区", "community"),
    ("maanshan", "马鞍山社区", "community"),
    ("tongxin", "同心社区", "community"),
    ("beimen", "北门社区", "community"),
    ("dongmen", "东门社区", "community"),
    ("xitang", "西塘社区", "community"),
    ("yulong", "玉龙社区", "community"),
    ("chengxi", "城西社区", "community"),
    ("chengnan", "城南社区", "community"),
    ("xiaolin", "萧林社区", "community"),
    ("lucheng", "鹿城社区", "community"),
    ("renmin", "人民社区", "community"),
    ("loujiang", "娄江社区", "community"),
    ("yufeng", "玉峰社区", "community"),
    ("qingyang", "青阳社区", "community"),
    ("yushan", "玉山社区", "community"),
    ("banshanqiao", "半山桥社区", "community"),
    ("zhengyang", "正阳社区", "community"),
    ("baitang", "白塘社区", "community"),
    ("yingbin", "迎宾社区", "community"),
    ("xijie", "西街社区", "community"),
    ("hanpu", "汉浦社区", "community"),
    ("wulian", "五联村", "village"),
    ("nanyu", "南渔村", "village"),
    ("dayu", "大渔村", "village"),
    ("gongqing", "共青村", "village"),
    ("jinghe", "泾河村", "village"),
    ("jiangpu", "江浦村", "village"),
    ("xinle", "新乐村", "village"),
    ("dagong", "大公村", "village"),
    ("duqiao", "杜桥村", "village"),
    ("zhaoshe", "赵厍村", "village"),
    ("guangfu", "广福村", "village"),
    ("tanglong", "唐龙村", "village"),
    ("miaodeng", "庙灯村", "village"),
    ("xinjiang", "新江村", "village"),
];

const HUAQIAO: &[Community] = &[
    ("huaxi", "花溪社区", "community"),
    ("huaqiao", "花桥社区", "community"),
    ("caoan", "曹安社区", "community"),
    ("zhaofeng", "兆丰社区", "community"),
    ("jinyang", "金洋社区", "community"),
    ("xugongqiao", "徐公桥社区", "community"),
    ("shangwucheng", "商务城社区", "community"),
    ("tianfu", "天福社区", "community"),
    ("wusongjiang", "吴淞江社区", "community"),
    ("qinyuan", "沁园社区", "community"),
    ("jincheng", "金城社区", "community"),
    ("hubin", "沪滨社区", "community"),
    ("xinhua", "鑫华社区", "community"),
    ("runhe", "润和社区", "community"),
    ("hengtai", "恒泰社区", "community"),
    ("lanwan", "蓝湾社区", "community"),
    ("longhu", "龙湖社区", "community"),
    ("yixian", "逸仙社区", "community"),
    ("dingfeng", "鼎丰社区", "community"),
    ("jishan", "集善村", "village"),
    ("shunyang", "顺杨村", "village"),
    ("hengjing", "横泾村", "village"),
    ("xinsheng", "新生村", "village"),
    ("dongfeng", "东风村", "village"),
    ("jinwan", "金湾村", "village"),
    ("tangwan", "塘湾村", "village"),
    ("chenshu", "陈墅村", "village"),
    ("wangxiang", "王巷村", "village"),
    ("pujing", "蒲泾村", "village"),
    ("xingfu", "幸福村", "village"),
];

const ZHANGPU: &[Community] = &[
    ("zhangpu", "张浦社区", "community"),
    ("huayuan", "花园社区", "community"),
    ("zhensu", "振苏社区", "community"),
    ("nangang", "南港社区", "community"),
    ("dashi", "大市社区", "community"),
    ("xinxiang", "新巷社区", "community"),
    ("xinwu", "新吴社区", "community"),
    ("dazhi", "大直社区", "community"),
    ("zhouxiang", "周巷社区", "community"),
    ("qinhe", "亲和社区", "community"),
    ("jinhe", "锦和社区", "community"),
    ("jiangbei", "江北社区", "community"),
    ("jinhua", "金华村", "village"),
    ("qiqiao", "七桥村", "village"),
    ("zhaoling", "赵陵村", "village"),
    ("wujia", "吴加村", "village"),
    ("sanjia", "三家村", "village"),
    ("xintang", "新塘村", "village"),
    ("xingjin", "星金村", "village"),
    ("xinlong", "新龙村", "village"),
    ("baimi", "白米村", "village"),
    ("linzhuang", "林庄村", "village"),
    ("antou", "安头村", "village"),
    ("jianghang", "姜杭村", "village"),
    ("shangmingdian", "尚明甸村", "village"),
    ("nanyao", "南姚村", "village"),
    ("dashi-2", "大市村", "village"),
    ("nanjishan", "南吉山村", "village"),
    ("gangpu", "港浦村", "village"),
    ("juxiang", "俱巷村", "village"),
    ("shangyang", "商秧村", "village"),
    ("yijing", "逸泾村", "village"),
];

const ZHOUSHI: &[Community] = &[
    ("zhoushi", "周市社区", "community"),
    ("luyang", "陆杨社区", "community"),
    ("changjing", "长泾社区", "community"),
    ("xinmao", "鑫茂社区", "community"),
    ("huachengmeidi", "华城美地社区", "community"),
    ("bailu", "柏庐社区", "community"),
    ("chunhui", "春晖社区", "community"),
    ("shangcheng", "尚城社区", "community"),
    ("yinxing", "银杏社区", "community"),
    ("huangpu", "黄浦社区", "community"),
    ("qunxing", "群星社区", "community"),
    ("jiahe", "嘉和社区", "community"),
    ("zhujing", "珠泾村", "village"),
    ("xujia", "许家村", "village"),
    ("yonggong", "永共村", "village"),
    ("luqiao", "陆桥村", "village"),
    ("xinzhen", "新镇村", "village"),
    ("dongfang", "东方村", "village"),
    ("zhujiawan", "朱家湾村", "village"),
    ("pingzhuang", "平庄村", "village"),
    ("xintang", "新瑭村", "village"),
    ("dongming", "东明村", "village"),
    ("shibei", "市北村", "village"),
    ("henglou", "横娄村", "village"),
    ("xietang", "斜塘村", "village"),
    ("xiaojing", "小泾村", "village"),
    ("yemadu", "野马渡村", "village"),
    ("songjiagang", "宋家港村", "village"),
    ("gutang", "古塘村", "village"),
    ("chuangle", "创乐村", "village"),
    ("huangnijing", "黄泥泾村", "village"),
    ("huanlou", "环娄村", "village"),
];

const LUJIA: &[Community] = &[
    ("lujia", "陆家社区", "community"),
    ("luxi", "菉溪社区", "community"),
    ("youyi", "友谊社区", "community"),
    ("lufeng", "陆丰社区", "community"),
    ("huayang", "华阳社区", "community"),
    ("pujiang", "浦江社区", "community"),
    ("jiayuan", "佳苑社区", "community"),
    ("zizhu", "紫竹社区", "community"),
    ("mingzhu", "明珠社区", "community"),
    ("tongjing", "童泾社区", "community"),
    ("zoujiajiao", "邹家角村", "village"),
    ("hefeng", "合丰村", "village"),
    ("shentongjing", "神童泾村", "village"),
    ("xiaqiao", "夏桥村", "village"),
    ("xingpu", "星圃村", "village"),
    ("chetang", "车塘村", "village"),
    ("siqiao", "泗桥村", "village"),
    ("kongxiang", "孔巷村", "village"),
    ("chenxiang", "陈巷村", "village"),
    ("jiangxiang", "蒋巷村", "village"),
    ("lianhe", "联合村", "village"),
    ("shuangjing", "双泾村", "village"),
    ("caojiabang", "曹家浜村", "village"),
    ("jingbei", "泾北村", "village"),
    ("xinjing", "新泾村", "village"),
    ("wujiabang", "吴家浜村", "village"),
    ("caijing", "蔡泾村", "village"),
    ("yanjia", "严家村", "village"),
];

const BACHENG: &[Community] = &[
    ("bacheng", "巴城社区", "community"),
    ("shipai", "石牌社区", "community"),
    ("zhengyi", "正仪社区", "community"),
    ("hubin", "湖滨社区", "community"),
    ("meiyuan", "梅园社区", "community"),
    ("yangchenghu", "阳澄湖社区", "community"),
    ("hupan", "湖畔社区", "community"),
    ("linhu", "临湖社区", "community"),
    ("chuodunshan", "绰墩山村", "village"),
    ("wushentan", "武神潭村", "village"),
    ("dongyangchenghu", "东阳澄湖村", "village"),
    ("longtan", "龙潭村", "village"),
    ("hongyang", "红杨村", "village"),
    ("fenghuang", "凤凰村", "village"),
    ("jinhu", "金湖村", "village"),
    ("xinkaihe", "新开河村", "village"),
    ("xipu", "西浦村", "village"),
    ("maosha", "茆沙村", "village"),
    ("yongfeng", "永丰村", "village"),
    ("shuangzhuang", "双庄村", "village"),
    ("dajing", "大泾村", "village"),
    ("beidang", "北荡村", "village"),
    ("qinzhuang", "秦庄村", "village"),
    ("yujia", "郁家村", "village"),
    ("lianmin", "联民村", "village"),
    ("xinnan", "新南村", "village"),
    ("qianjin", "前进村", "village"),
    ("dongyao", "东窑村", "village"),
    ("nanxi", "南溪村", "village"),
    ("luoqiao", "罗桥村", "village"),
    ("taoyuan", "桃源村", "village"),
    ("xiaowan", "小湾村", "village"),
];

const QIANDENG: &[Community] = &[
    ("qiandeng", "千灯社区", "community"),
    ("shipu", "石浦社区", "community"),
    ("yanwu", "炎武社区", "community"),
    ("songnan", "淞南社区", "community"),
    ("shangshu", "尚书社区", "community"),
    ("yuxi", "玉溪社区", "community"),
    ("yanfu", "延福社区", "community"),
    ("jinqiao", "金桥社区", "community"),
    ("xiemaqiao", "歇马桥村", "village"),
    ("datan", "大潭村", "village"),
    ("wujiaqiao", "吴家桥村", "village"),
    ("taojiaqiao", "陶家桥村", "village"),
    ("shaoqing", "少卿村", "village"),
    ("qinfeng", "秦峰村", "village"),
    ("zhipu", "支浦村", "village"),
    ("datang", "大唐村", "village"),
    ("shanpu", "善浦村", "village"),
    ("jiguang", "季广村", "village"),
    ("hengsheng", "恒升村", "village"),
    ("qinwang", "秦望村", "village"),
    ("lijiabang", "李家浜村", "village"),
    ("lingjia", "凌家村", "village"),
    ("jiangxiang", "姜巷村", "village"),
    ("xinhua", "新华村", "village"),
    ("maqiao", "马桥村", "village"),
    ("yangjia", "杨家村", "village"),
    ("sanqiao", "三桥村", "village"),
    ("minzhu", "民主村", "village"),
    ("dongjing", "东泾村", "village"),
    ("kangjia", "康家村", "village"),
];

const DIANSHANHU: &[Community] = &[
    ("dianshanhu", "淀山湖社区", "community"),
    ("shuguang", "曙光社区", "community"),
    ("xiangxin", "香馨社区", "community"),
    ("chenxi", "晨曦社区", "community"),
    ("diandong", "淀东社区", "community"),
    ("beiyuan", "北苑社区", "community"),
    ("yongxin", "永新村", "village"),
    ("yangxiangjing", "杨湘泾村", "village"),
    ("anshang", "安上村", "village"),
    ("minhe", "民和村", "village"),
    ("ducheng", "度城村", "village"),
    ("shengtai", "晟泰村", "village"),
    ("jinjiazhuang", "金家庄村", "village"),
    ("hongxing", "红星村", "village"),
    ("shuanghu", "双护村", "village"),
    ("liurudun", "六如墩村", "village"),
    ("dongnan", "东南村", "village"),
    ("yongqin", "永勤村", "village"),
    ("qunyi", "群益村", "village"),
    ("xinlian", "新联村", "village"),
    ("zhoujiajing", "周家泾村", "village"),
    ("dangnan", "荡南村", "village"),
    ("yonghe", "永和村", "village"),
    ("majiabang", "马家浜村", "village"),
];

const ZHOUZHUANG: &[Community] = &[
    ("zhouzhuang", "周庄社区", "community"),
    ("zhenfeng", "贞丰社区", "community"),
    ("fuan", "富安社区", "community"),
    ("quanfu", "全福社区", "community"),
    ("shuangqiao", "双桥社区", "community"),
    ("qibang", "祁浜村", "village"),
    ("dongbang", "东浜村", "village"),
    ("shuangmiao", "双庙村", "village"),
    ("longting", "龙亭村", "village"),
    ("xianjiang", "蚬江村", "village"),
    ("jiangwan", "江湾村", "village"),
    ("quanwang", "全旺村", "village"),
    ("jishuigang", "急水港村", "village"),
    ("taishidian", "太史淀村", "village"),
    ("chenghu", "澄湖村", "village"),
    ("nanhu", "南湖村", "village"),
    ("tianhuadang", "天花荡村", "village"),
    ("sanzhubang", "三珠浜村", "village"),
    ("yuye", "渔业村", "village"),
    ("fuxing", "复兴村", "village"),
    ("dongzhuang", "东庄村", "village"),
    ("beigang", "北港村", "village"),
];

const JINXI: &[Community] = &[
    ("jinxi", "锦溪社区", "community"),
    ("ganjiadian", "干家甸社区", "community"),
    ("chenmu", "陈墓社区", "community"),
    ("puqing", "普庆社区", "community"),
    ("wubaohu", "五保湖社区", "community"),
    ("changyun", "长云村", "village"),
    ("yuandian", "袁甸村", "village"),
    ("lujing", "陆泾村", "village"),
    ("zhubang", "朱浜村", "village"),
    ("sanlian", "三联村", "village"),
    ("xiagang", "狭港村", "village"),
    ("nanqian", "南前村", "village"),
    ("weixing", "卫星村", "village"),
    ("gujiabang", "顾家浜村", "village"),
    ("zhoujiabang", "周家浜村", "village"),
    ("lianhu", "联湖村", "village"),
    ("zhangjiashe", "张家厍村", "village"),
    ("ruanjiabang", "阮家浜村", "village"),
    ("beiguanjing", "北管泾村", "village"),
    ("qiuze", "虬泽村", "village"),
    ("shengtang", "盛塘村", "village"),
    ("mayuanzhuang", "马援庄村", "village"),
    ("hongxia", "红霞村", "village"),
    ("jijiadun", "计家墩村", "village"),
    ("mengzibang", "孟子浜村", "village"),
    ("beilian", "北联村", "village"),
];

pub const TOWNS: &[TownSpec] = &[
    TownSpec {
        code: "kaifaqu",
        name: "昆山开发区",
        name_en: "Kunshan Economic and Technological Development Zone",
        kind: "district",
        division_code: "320583400",
        communities: KAIFAQU,
    },
    TownSpec {
        code: "gaoxinqu",
        name: "昆山高新区",
        name_en: "Kunshan Hi-tech Industrial Development Zone",
        kind: "district",
        division_code: "320583100",
        communities: GAOXINQU,
    },
    TownSpec {
        code: "huaqiao",
        name: "花桥经济开发区",
        name_en: "Huaqiao Economic Development Zone",
        kind: "district",
        division_code: "320583104",
        communities: HUAQIAO,
    },
    TownSpec {
        code: "zhangpu",
        name: "张浦镇",
        name_en: "Zhangpu Town",
        kind: "town",
        division_code: "320583106",
        communities: ZHANGPU,
    },
    TownSpec {
        code: "zhoushi",
        name: "周市镇",
        name_en: "Zhoushi Town",
        kind: "town",
        division_code: "320583102",
        communities: ZHOUSHI,
    },
    TownSpec {
        code: "lujia",
        name: "陆家镇",
        name_en: "Lujia Town",
        kind: "town",
        division_code: "320583103",
        communities: LUJIA,
    },
    TownSpec {
        code: "bacheng",
        name: "巴城镇",
        name_en: "Bacheng Town",
        kind: "town",
        division_code: "320583101",
        communities: BACHENG,
    },
    TownSpec {
        code: "qiandeng",
        name: "千灯镇",
        name_en: "Qiandeng Town",
        kind: "town",
        division_code: "320583108",
        communities: QIANDENG,
    },
    TownSpec {
        code: "dianshanhu",
        name: "淀山湖镇",
        name_en: "Dianshanhu Town",
        kind: "town",
        division_code: "320583105",
        communities: DIANSHANHU,
    },
    TownSpec {
        code: "zhouzhuang",
        name: "周庄镇",
        name_en: "Zhouzhuang Town",
        kind: "town",
        division_code: "320583107",
        communities: ZHOUZHUANG,
    },
    TownSpec {
        code: "jinxi",
        name: "锦溪镇",
        name_en: "Jinxi Town",
        kind: "town",
        division_code: "320583109",
        communities: JINXI,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn code_is_valid(code: &str) -> bool {
        !code.is_empty()
            && !code.starts_with('-')
            && !code.ends_with('-')
            && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }

    #[test]
    fn city_is_kunshan() {
        assert_eq!(CITY, ("320583", "昆山市", "Kunshan City"));
    }

    #[test]
    fn eleven_towns_in_order() {
        let codes: Vec<&str> = TOWNS.iter().map(|t| t.code).collect();
        assert_eq!(
            codes,
            [
                "kaifaqu",
                "gaoxinqu",
                "huaqiao",
                "zhangpu",
                "zhoushi",
                "lujia",
                "bacheng",
                "qiandeng",
                "dianshanhu",
                "zhouzhuang",
                "jinxi",
            ]
        );
        assert_eq!(TOWNS.len(), 11);
    }

    #[test]
    fn town_fields_are_valid() {
        let mut seen = HashSet::new();
        for (i, t) in TOWNS.iter().enumerate() {
            assert!(code_is_valid(t.code), "bad town code {:?}", t.code);
            assert!(seen.insert(t.code), "duplicate town code {:?}", t.code);
            let expected_kind = if i < 3 { "district" } else { "town" };
            assert_eq!(t.kind, expected_kind, "kind of {}", t.code);
            assert!(!t.name.is_empty() && !t.name_en.is_empty());
            assert!(
                t.division_code.is_empty()
                    || (t.division_code.len() == 9
                        && t.division_code.starts_with(CITY.0)
                        && t.division_code.bytes().all(|b| b.is_ascii_digit())),
                "bad division code for {}",
                t.code
            );
        }
    }

    #[test]
    fn community_codes_valid_and_unique_per_town() {
        for t in TOWNS {
            let mut seen = HashSet::new();
            for (code, _, _) in t.communities {
                assert!(code_is_valid(code), "bad code {:?} in {}", code, t.code);
                assert!(seen.insert(*code), "duplicate code {:?} in {}", code, t.code);
            }
        }
    }

    #[test]
    fn community_names_unique_per_town_and_kinds_match() {
        for t in TOWNS {
            let mut seen = HashSet::new();
            for (code, name, kind) in t.communities {
                assert!(seen.insert(*name), "duplicate name {} in {}", name, t.code);
                match *kind {
                    "community" => assert!(name.ends_with("社区"), "{} ({})", name, code),
                    "village" => assert!(name.ends_with("村"), "{} ({})", name, code),
                    other => panic!("bad kind {:?} for {} in {}", other, code, t.code),
                }
            }
        }
    }

    #[test]
    fn community_counts() {
        for t in TOWNS {
            let n = t.communities.len();
            assert!((20..=45).contains(&n), "{} has {} entries", t.code, n);
        }
        let total: usize = TOWNS.iter().map(|t| t.communities.len()).sum();
        assert!((250..=450).contains(&total), "total {}", total);
    }

    #[test]
    fn required_entries_present() {
        let kaifaqu = TOWNS.iter().find(|t| t.code == "kaifaqu").unwrap();
        assert!(kaifaqu.communities.contains(&("xiuyi", "绣衣社区", "community")));

        let gaoxinqu = TOWNS.iter().find(|t| t.code == "gaoxinqu").unwrap();
        let tinglin = gaoxinqu.communities.iter().find(|c| c.0 == "tinglin").expect("tinglin under gaoxinqu");
        assert!(tinglin.1.contains("亭林"));
    }
}
