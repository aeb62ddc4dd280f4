//! A synthetic Jekyll news site, written from scratch and deterministic for a given seed:
//! Chinese and English posts, scraper HTML and Markdown bodies, ~2,000 categories with a
//! long-tailed (Zipf) distribution, dates over three years, an `old_post/` archive with some
//! duplicates of `_posts` names. Shared by `examples/gen_corpus.rs` and the benchmarks
//! (`#[path = "common/gen.rs"] mod corpus;`), so both run on a fresh clone.
//!
//! Sizes: about 1.8 KB per post on average (100,000 posts ≈ 180 MB), with a long tail of
//! posts of 20–60 KB.

#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// xorshift64* — tiny, fast, good enough for text.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 to spread small seeds; never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Words of category names with their pinyin: names are made of two or three of them.
const NAME_WORDS: &[(&str, &str)] = &[
    ("中国", "zhongguo"),
    ("证券", "zhengquan"),
    ("财经", "caijing"),
    ("金融", "jinrong"),
    ("经济", "jingji"),
    ("日报", "ribao"),
    ("新闻", "xinwen"),
    ("快讯", "kuaixun"),
    ("滚动", "gundong"),
    ("公告", "gonggao"),
    ("研报", "yanbao"),
    ("专栏", "zhuanlan"),
    ("观察", "guancha"),
    ("要闻", "yaowen"),
    ("市场", "shichang"),
    ("股市", "gushi"),
    ("基金", "jijin"),
    ("债券", "zhaiquan"),
    ("期货", "qihuo"),
    ("外汇", "waihui"),
    ("黄金", "huangjin"),
    ("银行", "yinhang"),
    ("保险", "baoxian"),
    ("信托", "xintuo"),
    ("理财", "licai"),
    ("科技", "keji"),
    ("汽车", "qiche"),
    ("地产", "dichan"),
    ("能源", "nengyuan"),
    ("医药", "yiyao"),
    ("消费", "xiaofei"),
    ("产业", "chanye"),
    ("公司", "gongsi"),
    ("上市", "shangshi"),
    ("港股", "ganggu"),
    ("美股", "meigu"),
    ("全球", "quanqiu"),
    ("宏观", "hongguan"),
    ("政策", "zhengce"),
    ("数据", "shuju"),
    ("东方", "dongfang"),
    ("南方", "nanfang"),
    ("北方", "beifang"),
    ("华夏", "huaxia"),
    ("时代", "shidai"),
    ("周刊", "zhoukan"),
    ("晚报", "wanbao"),
    ("商报", "shangbao"),
    ("网", "wang"),
    ("报", "bao"),
    ("在线", "zaixian"),
    ("视点", "shidian"),
    ("深度", "shendu"),
    ("独家", "dujia"),
    ("早班车", "zaobanche"),
    ("午评", "wuping"),
    ("收评", "shouping"),
    ("盘前", "panqian"),
    ("行业", "hangye"),
    ("创投", "chuangtou"),
    ("区块链", "qukuailian"),
    ("人工智能", "rengongzhineng"),
    ("新能源", "xinnengyuan"),
    ("半导体", "bandaoti"),
    ("光伏", "guangfu"),
    ("电池", "dianchi"),
    ("航运", "hangyun"),
    ("物流", "wuliu"),
    ("农业", "nongye"),
    ("化工", "huagong"),
    ("钢铁", "gangtie"),
    ("煤炭", "meitan"),
    ("有色", "youse"),
    ("建材", "jiancai"),
    ("传媒", "chuanmei"),
    ("游戏", "youxi"),
    ("教育", "jiaoyu"),
    ("旅游", "lvyou"),
    ("零售", "lingshou"),
    ("电商", "dianshang"),
    ("上海", "shanghai"),
    ("北京", "beijing"),
    ("深圳", "shenzhen"),
    ("广州", "guangzhou"),
    ("杭州", "hangzhou"),
    ("成都", "chengdu"),
    ("武汉", "wuhan"),
    ("香港", "xianggang"),
    ("环球", "huanqiu"),
    ("第一", "diyi"),
    ("每日", "meiri"),
    ("21世纪", "21shiji"),
    ("经济参考", "jingjicankao"),
    ("券商", "quanshang"),
    ("私募", "simu"),
    ("指数", "zhishu"),
    ("期权", "qiquan"),
    ("并购", "binggou"),
    ("IPO", "ipo"),
    ("ESG", "esg"),
];

/// Common words of Chinese financial news, for sentences.
const ZH_WORDS: &str = "公司 市场 投资 发展 经济 企业 行业 产品 项目 政策 资金 银行 证券 基金 股票 指数 \
上涨 下跌 增长 同比 环比 营收 净利润 业绩 季度 年度 报告 公告 披露 股东 董事会 监管 部门 发布 通知 要求 \
推进 加快 改革 创新 科技 数字 平台 服务 消费 需求 供给 价格 成本 利润 规模 水平 能力 风险 机构 投资者 \
分析师 认为 表示 指出 预计 数据 显示 其中 此外 同时 目前 今年 去年 近日 以来 方面 领域 制造业 新能源 汽车 \
电池 光伏 芯片 半导体 医药 医疗 房地产 基建 出口 进口 贸易 美元 人民币 汇率 利率 债券 信托 保险 理财 \
收益 资产 负债 现金流 融资 并购 重组 上市 发行 募集 交易 成交额 成交量 板块 个股 龙头 涨停 跌停 北向资金 \
主力 外资 券商 研报 评级 目标价 估值 市盈率 增持 减持 回购 分红 股价 市值 总额 比例 合作 协议 签署 订单 \
合同 客户 用户 渠道 销售 市场份额 竞争 优势 战略 布局 转型 升级 产能 扩产 基地 工厂 供应链 原材料 钢材 \
煤炭 石油 天然气 电力 能源 碳中和 环保 绿色 农业 粮食 物流 航运 港口 机场 旅游 餐饮 零售 电商 互联网 \
人工智能 云计算 大数据 通信 网络 软件 硬件 手机 消费电子 家电 纺织 化工 材料 有色金属 黄金 期货 现货 库存 \
复苏 回暖 放缓 波动 压力 挑战 机遇 前景 信心 稳定 持续 明显 显著 进一步 有效 积极 重要 主要 全面 整体 \
部分 相关 有关 多家 多个 首次 再次 逐步 预期 超过 达到 实现 完成 保持 提升 降低 扩大 加强 支持 鼓励 优化 \
完善 落实 调整 关注 强调 透露 获悉 记者 采访 人士 专家 负责人 董事长 总经理 员工 地方 城市 地区 全国 全球 \
国际 海外 国内 上海 北京 深圳 广州 杭州 南京 成都 武汉 香港 的 了 在 是 和 与 对 将 已 也 并 但 而 从 \
为 以 由 按 较 约 逾 近 仍 又 更 最 不 没有 可以 应当 已经 正在 开始 继续 进行 通过 根据 关于 对于 由于 \
因此 所以 如果 虽然 但是 不过 而且 以及 或者 还是 这 该 此 各 每 其 之 等 个 家 只 项 次 位 年 月 日";

const ZH_COMPANY_HEAD: &[&str] = &[
    "云栖", "白鹭", "青山", "远航", "华岳", "东岭", "金川", "星河", "南湖", "北辰", "长风", "明远",
    "嘉禾", "天衡", "瑞丰", "安澜", "恒信", "博远", "新洲", "海纳", "汇通", "中科", "宏达", "万里",
];
const ZH_COMPANY_TAIL: &[&str] = &[
    "重工", "航运", "科技", "股份", "集团", "银行", "证券", "医药", "能源", "电子", "材料", "汽车",
    "控股", "物流", "食品", "光电", "智能", "环境", "传媒", "置业",
];

const EN_WORDS: &str = "the a of to in and for on with at by from as is are was were be has have \
said says will would could may market markets stock stocks shares bond bonds yield yields rate rates \
central bank banks investors analysts company companies profit profits revenue growth quarter year \
month week data report reports index indexes trading traders price prices oil gas energy demand supply \
export exports import imports economy economic policy inflation dollar yuan currency exchange fund funds \
capital debt credit loan loans property developers sales consumer consumers retail factory output \
manufacturing services sector sectors technology chip chips electric vehicle vehicles battery solar \
power coal steel copper gold shipping freight port global china chinese shanghai shenzhen hong kong \
rose fell gained dropped climbed slipped jumped eased steady higher lower record first since after \
before amid while despite according expected forecast estimate estimates outlook risk risks pressure \
recovery slowdown stimulus support new more than about percent billion million earnings dividend \
buyback merger deal agreement orders contract plan plans board chief executive officer statement";

const EN_NAMES: &[&str] = &[
    "Northwind Motors",
    "Harbor Freight Lines",
    "Silverlake Capital",
    "Eastgate Securities",
    "Bluepeak Energy",
    "Redwood Semiconductor",
    "Lakeside Bank",
    "Crescent Pharma",
];

const INFO_KEYS: &[&str] = &[
    "券商", "理财", "基金", "债券", "期货", "黄金", "外汇", "融资", "信托", "保险",
];

/// One category: the pinyin slug written in `categories:` and the Chinese name in `tags:`.
#[derive(Clone, Debug)]
pub struct Category {
    pub slug: String,
    pub name: String,
}

/// Where a post's file goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// `_posts/` only.
    Posts,
    /// `old_post/` only.
    Old,
    /// Both: the copy in `old_post/` has the same name (a duplicate the loader drops).
    Both,
}

/// One generated post.
#[derive(Clone, Debug)]
pub struct GenPost {
    /// `YYYY-MM-DD-<18 digits>.md`
    pub name: String,
    pub placement: Placement,
    /// The file's text (front matter and body).
    pub text: String,
}

/// What `write_site` wrote.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub posts: usize,
    pub files: usize,
    pub bytes: u64,
    pub duplicates: usize,
    pub largest: usize,
}

pub const CATEGORIES: usize = 2000;
/// Exponent of the Zipf law of category sizes.
const ZIPF_S: f64 = 1.05;
/// Days the posts are spread over (from 2022-01-01).
const SPAN_DAYS: i64 = 3 * 365;

/// The site: its categories and how posts fall into them. Post `i` is a pure function of
/// (seed, n, i), so posts can be generated in parallel and in any order.
pub struct Site {
    pub seed: u64,
    pub n: usize,
    pub categories: Vec<Category>,
    cdf: Vec<f64>,
    zh: Vec<&'static str>,
    en: Vec<&'static str>,
}

impl Site {
    pub fn new(n: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0xC0FF_EE00);
        let mut seen = HashSet::new();
        let mut categories = Vec::with_capacity(CATEGORIES);
        while categories.len() < CATEGORIES {
            let one = |rng: &mut Rng| {
                let k = if rng.chance(0.6) { 2 } else { 3 };
                let (mut name, mut slug) = (String::new(), String::new());
                for _ in 0..k {
                    let (w, p) = rng.pick(NAME_WORDS);
                    name.push_str(w);
                    slug.push_str(p);
                }
                (name, slug)
            };
            let (mut name, mut slug) = one(&mut rng);
            if rng.chance(0.08) {
                // `zhongguozhengquanbao·zhongzhengwang` 中国证券报·中证网
                let (n2, s2) = one(&mut rng);
                name = format!("{name}·{n2}");
                slug = format!("{slug}·{s2}");
            }
            if rng.chance(0.3) {
                let (w, p) = rng.pick(&[
                    ("新闻", "xinwen"),
                    ("快讯", "kuaixun"),
                    ("滚动新闻", "gundongxinwen"),
                    ("公告", "gonggao"),
                ]);
                name.push_str(w);
                slug.push_str(p);
            }
            if seen.insert(slug.clone()) {
                categories.push(Category { slug, name });
            }
        }
        let mut cdf = Vec::with_capacity(CATEGORIES);
        let mut total = 0.0;
        for k in 0..CATEGORIES {
            total += 1.0 / ((k + 1) as f64).powf(ZIPF_S);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Site {
            seed,
            n,
            categories,
            cdf,
            zh: ZH_WORDS.split_whitespace().collect(),
            en: EN_WORDS.split_whitespace().collect(),
        }
    }

    fn category(&self, rng: &mut Rng) -> &Category {
        let u = rng.unit();
        let k = self.cdf.partition_point(|&c| c < u);
        &self.categories[k.min(CATEGORIES - 1)]
    }

    /// Post `i` of `n`: dated in order over three years (newest last), sized from a long-
    /// tailed distribution.
    pub fn post(&self, i: usize) -> GenPost {
        let mut rng = Rng::new(self.seed.wrapping_mul(0x1000_0000_01B3) ^ i as u64);
        let cat = self.category(&mut rng).clone();
        // Seconds since 2022-01-01 00:00 local time, evenly spread with jitter.
        let span = SPAN_DAYS * 86400;
        let step = (span / self.n.max(1) as i64).max(1);
        let t = (i as i64 * span / self.n.max(1) as i64 + rng.below(step as usize) as i64)
            .min(span - 1);
        let (y, mo, d) = civil_from_days(days_from_civil(2022, 1, 1) + t / 86400);
        let (h, mi, s) = (t % 86400 / 3600, t % 3600 / 60, t % 60);
        let name = format!(
            "{y:04}-{mo:02}-{d:02}-{y:04}{mo:02}{d:02}{:03}{i:07}.md",
            rng.below(1000)
        );
        let placement = match rng.unit() {
            u if u < 0.12 => Placement::Old,
            u if u < 0.20 => Placement::Both,
            _ => Placement::Posts,
        };
        let english = rng.chance(0.1);
        let title = if english {
            self.en_title(&mut rng)
        } else {
            self.zh_title(&mut rng)
        };
        let mut text = String::with_capacity(2048);
        text.push_str("---\nlayout: post\n");
        if english || title.contains(':') || rng.chance(0.9) {
            let _ = writeln!(text, "title: \"{title}\"");
        } else {
            let _ = writeln!(text, "title: {title}");
        }
        let zone = if rng.chance(0.6) { " +0800" } else { "" };
        let _ = writeln!(
            text,
            "date: {y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{zone}"
        );
        let _ = writeln!(text, "categories: {}\ntags: {}\n---", cat.slug, cat.name);
        let target = body_size(&mut rng);
        self.body(&mut rng, target, english, &mut text);
        let _ = write!(
            text,
            "\n[返回{}](//example.com/category/{}.html)｜[返回首页](//example.com/)\n",
            cat.name, cat.slug
        );
        GenPost {
            name,
            placement,
            text,
        }
    }

    /// A post whose body is about `bytes` long, for render benchmarks.
    pub fn post_of_size(&self, i: usize, bytes: usize) -> GenPost {
        let mut p = self.post(i);
        let mut rng = Rng::new(self.seed ^ bytes as u64);
        let head_end = p
            .text
            .match_indices("---\n")
            .nth(1)
            .map_or(0, |(at, _)| at + 4);
        p.text.truncate(head_end);
        self.body(&mut rng, bytes, false, &mut p.text);
        p
    }

    /// A post made the way a scraper that appends articles makes a huge one: the bodies
    /// of posts 0, 1, … one after another (scraped HTML and Markdown, each with its source
    /// as an autolink or not and its links back to its section) until it is about `bytes`
    /// long. Harder than [`Self::post_of_size`], whose body is all of one kind.
    pub fn appended_post(&self, bytes: usize) -> GenPost {
        let body_start = |t: &str| t.match_indices("---\n").nth(1).map_or(0, |(at, _)| at + 4);
        let mut p = self.post(0);
        p.text.truncate(body_start(&p.text));
        let mut i = 0;
        while p.text.len() < bytes {
            let q = self.post(i);
            p.text.push_str(&q.text[body_start(&q.text)..]);
            p.text.push('\n');
            i += 1;
        }
        p
    }

    fn zh_words(&self, rng: &mut Rng, n: usize, out: &mut String) {
        for _ in 0..n {
            out.push_str(rng.pick(&self.zh));
        }
    }

    fn company(rng: &mut Rng) -> String {
        format!("{}{}", rng.pick(ZH_COMPANY_HEAD), rng.pick(ZH_COMPANY_TAIL))
    }

    fn zh_title(&self, rng: &mut Rng) -> String {
        let mut t = String::new();
        match rng.below(4) {
            0 => {
                t.push_str(&Self::company(rng));
                t.push('：');
                let k = rng.range(4, 8);
                self.zh_words(rng, k, &mut t);
            }
            1 => {
                let k = rng.range(3, 6);
                self.zh_words(rng, k, &mut t);
                t.push(' ');
                let k = rng.range(3, 6);
                self.zh_words(rng, k, &mut t);
            }
            2 => {
                let k = rng.range(2, 4);
                self.zh_words(rng, k, &mut t);
                t.push('“');
                self.zh_words(rng, 2, &mut t);
                t.push('”');
                let k = rng.range(2, 4);
                self.zh_words(rng, k, &mut t);
            }
            _ => {
                let _ = write!(t, "{}月{}日", rng.range(1, 12), rng.range(1, 28));
                let k = rng.range(4, 9);
                self.zh_words(rng, k, &mut t);
                if rng.chance(0.3) {
                    t.push('？');
                }
            }
        }
        t
    }

    fn en_title(&self, rng: &mut Rng) -> String {
        let mut t = String::new();
        t.push_str(rng.pick(EN_NAMES));
        t.push_str(": ");
        let n = rng.range(4, 9);
        for k in 0..n {
            let w = rng.pick(&self.en);
            if k == 0 {
                capitalize(w, &mut t);
            } else {
                t.push(' ');
                t.push_str(w);
            }
        }
        t
    }

    /// A Chinese sentence: clauses separated by `，`, with numbers, names, quotes and
    /// parentheses.
    fn zh_sentence(&self, rng: &mut Rng, out: &mut String) {
        let clauses = rng.range(2, 5);
        for c in 0..clauses {
            if c > 0 {
                out.push(if rng.chance(0.08) { '；' } else { '，' });
            }
            match rng.below(10) {
                0 => {
                    let _ = write!(out, "{}月{}日", rng.range(1, 12), rng.range(1, 28));
                }
                1 => {
                    let code = 600000 + rng.below(4000);
                    let _ = write!(out, "{}（{code}）", Self::company(rng));
                }
                2 => {
                    let _ = write!(out, "{}.{}%", rng.below(60), rng.below(100));
                }
                3 => {
                    let _ = write!(out, "{}.{}亿元", rng.range(1, 999), rng.below(10));
                }
                _ => {}
            }
            if rng.chance(0.1) {
                out.push('“');
                let k = rng.range(2, 4);
                self.zh_words(rng, k, out);
                out.push('”');
            } else {
                let k = rng.range(3, 8);
                self.zh_words(rng, k, out);
            }
            if rng.chance(0.05) {
                out.push('（');
                let k = rng.range(1, 3);
                self.zh_words(rng, k, out);
                out.push('）');
            }
        }
        out.push(if rng.chance(0.03) { '！' } else { '。' });
    }

    fn zh_paragraph(&self, rng: &mut Rng, out: &mut String) {
        for _ in 0..rng.range(1, 4) {
            self.zh_sentence(rng, out);
        }
    }

    fn en_sentence(&self, rng: &mut Rng, out: &mut String) {
        let n = rng.range(8, 20);
        for k in 0..n {
            let w = rng.pick(&self.en);
            if k == 0 {
                capitalize(w, out);
            } else {
                out.push(' ');
                if rng.chance(0.04) {
                    let _ = write!(out, "{}.{}%", rng.below(20), rng.below(10));
                } else {
                    out.push_str(w);
                }
                if k + 1 < n && rng.chance(0.06) {
                    out.push(',');
                }
            }
        }
        out.push('.');
    }

    fn en_paragraph(&self, rng: &mut Rng, out: &mut String) {
        for s in 0..rng.range(2, 4) {
            if s > 0 {
                out.push(' ');
            }
            self.en_sentence(rng, out);
        }
    }

    /// Appends blocks until the body is about `target` bytes long.
    fn body(&self, rng: &mut Rng, target: usize, english: bool, out: &mut String) {
        let start = out.len();
        // Scraped HTML (as the eastmoney scraper writes), or Markdown.
        let html = !english && rng.chance(0.45);
        out.push('\n');
        if html && rng.chance(0.5) {
            out.push_str("> ");
            self.zh_paragraph(rng, out);
            out.push_str("\n\n");
        }
        let mut first = true;
        while out.len() - start < target || first {
            first = false;
            if html {
                self.html_block(rng, out);
            } else {
                self.md_block(rng, english, out);
            }
        }
        if rng.chance(0.5) {
            let _ = write!(
                out,
                "\n<http://finance.example.com/news/{},{}.html>\n",
                1300 + rng.below(400),
                202_112_082_206_000_000u64 + rng.below(999_999) as u64
            );
        }
    }

    fn html_block(&self, rng: &mut Rng, out: &mut String) {
        match rng.below(20) {
            0 => {
                let code = 600000 + rng.below(4000);
                let _ = writeln!(
                    out,
                    "<!-- EM_StockImg_Start -->\n<center><img alt=\"K图 {code}_0\" \
                     src=\"//image.example.com/k/{code}.png\" /></center>\n<!-- EM_StockImg_End -->"
                );
            }
            1 => {
                out.push_str(" <p><strong>");
                let k = rng.range(4, 8);
                self.zh_words(rng, k, out);
                out.push_str(" </strong></p>\n");
            }
            2 => {
                out.push_str(" <p>");
                self.en_paragraph(rng, out);
                out.push_str("</p>\n");
            }
            3 => {
                out.push_str(" <p><!-- 编辑：");
                out.push_str(rng.pick(ZH_COMPANY_HEAD));
                out.push_str(" --></p>\n");
            }
            _ => {
                out.push_str(" <p>");
                let sentences = rng.range(1, 4);
                for _ in 0..sentences {
                    if rng.chance(0.25) {
                        let key = rng.pick(INFO_KEYS);
                        let _ = write!(
                            out,
                            "<span id=\"Info.{}\"><a href=\"http://data.example.com/{}/\" \
                             class=\"infokey\">{key}</a></span>",
                            3000 + rng.below(999),
                            rng.below(100)
                        );
                    }
                    if rng.chance(0.1) {
                        out.push_str("<strong>");
                        self.zh_sentence(rng, out);
                        out.push_str("</strong>");
                    } else {
                        self.zh_sentence(rng, out);
                    }
                }
                out.push_str("</p>\n");
            }
        }
    }

    fn md_block(&self, rng: &mut Rng, english: bool, out: &mut String) {
        let para = |rng: &mut Rng, out: &mut String| {
            if english || rng.chance(0.06) {
                self.en_paragraph(rng, out)
            } else {
                self.zh_paragraph(rng, out)
            }
        };
        match rng.below(24) {
            0 => {
                out.push_str("## ");
                let k = rng.range(3, 6);
                self.zh_words(rng, k, out);
                out.push_str("\n\n");
            }
            1 => {
                for k in 1..=rng.range(2, 5) {
                    if rng.chance(0.5) {
                        let _ = write!(out, "{k}. ");
                    } else {
                        out.push_str("- ");
                    }
                    let k = rng.range(3, 10);
                    self.zh_words(rng, k, out);
                    out.push_str("。\n");
                }
                out.push('\n');
            }
            2 => {
                out.push_str("> ");
                para(rng, out);
                out.push_str("\n\n");
            }
            3 => {
                let _ = write!(
                    out,
                    "![图片](//image.example.com/{}/{}.jpg)\n\n图片来源：",
                    rng.range(2019, 2024),
                    rng.next_u64() % 1_000_000_000
                );
                self.zh_words(rng, 2, out);
                out.push_str("\n\n");
            }
            4 => {
                para(rng, out);
                let _ = write!(
                    out,
                    "详见[{}](https://www.example.com/a/{}.html)。\n\n",
                    Self::company(rng),
                    rng.next_u64() % 100_000_000
                );
            }
            5 if rng.chance(0.3) => {
                out.push_str("| 项目 | 本期 | 上期 |\n|---|---:|---:|\n");
                for _ in 0..rng.range(2, 6) {
                    out.push_str("| ");
                    self.zh_words(rng, 2, out);
                    let _ = writeln!(
                        out,
                        " | {}.{} | {}.{} |",
                        rng.below(999),
                        rng.below(100),
                        rng.below(999),
                        rng.below(100)
                    );
                }
                out.push('\n');
            }
            6 => {
                // Hard-wrapped Chinese lines, as some editors write them.
                for _ in 0..rng.range(2, 4) {
                    self.zh_sentence(rng, out);
                    out.push('\n');
                }
                out.push('\n');
            }
            _ => {
                para(rng, out);
                out.push_str("\n\n");
            }
        }
    }

    /// Writes the site under `out` (`_posts/` and `old_post/`) using all cores.
    pub fn write(&self, out: &Path) -> io::Result<Stats> {
        let posts_dir = out.join("_posts");
        let old_dir = out.join("old_post");
        std::fs::create_dir_all(&posts_dir)?;
        std::fs::create_dir_all(&old_dir)?;
        std::fs::write(
            out.join("_config.yml"),
            "title: 看报示例站\nurl: //example.com\n",
        )?;
        let per_post: Vec<io::Result<Stats>> = (0..self.n)
            .into_par_iter()
            .map(|i| {
                let p = self.post(i);
                let mut s = Stats {
                    posts: 1,
                    largest: p.text.len(),
                    ..Stats::default()
                };
                let mut put = |dir: &PathBuf, text: &str| -> io::Result<()> {
                    std::fs::write(dir.join(&p.name), text)?;
                    s.files += 1;
                    s.bytes += text.len() as u64;
                    Ok(())
                };
                match p.placement {
                    Placement::Posts => put(&posts_dir, &p.text)?,
                    Placement::Old => put(&old_dir, &p.text)?,
                    Placement::Both => {
                        put(&posts_dir, &p.text)?;
                        // The archive copy links back relatively, as older builds did.
                        let old = p.text.replace("(//example.com/category/", "(../category/");
                        put(&old_dir, &old)?;
                        s.duplicates += 1;
                    }
                }
                Ok(s)
            })
            .collect();
        let mut total = Stats::default();
        for s in per_post {
            let s = s?;
            total.posts += s.posts;
            total.files += s.files;
            total.bytes += s.bytes;
            total.duplicates += s.duplicates;
            total.largest = total.largest.max(s.largest);
        }
        Ok(total)
    }
}

/// Body bytes: mostly a few hundred bytes to a few KB, a few long articles of 20–60 KB.
fn body_size(rng: &mut Rng) -> usize {
    if rng.chance(0.003) {
        return rng.range(20_000, 60_000);
    }
    // Exponential with a floor: short news items dominate.
    let e = -(1.0 - rng.unit()).ln();
    (120.0 + 880.0 * e).min(16_000.0) as usize
}

fn capitalize(w: &str, out: &mut String) {
    let mut cs = w.chars();
    if let Some(c) = cs.next() {
        out.extend(c.to_uppercase());
        out.push_str(cs.as_str());
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The posts of a site parsed as kanbao parses them, without touching the disk (the
/// duplicates in `old_post/` are left out, as the loader drops them).
pub fn posts(n: usize, seed: u64) -> Vec<kanbao::post::Post> {
    let site = Site::new(n, seed);
    (0..n)
        .into_par_iter()
        .map(|i| {
            let p = site.post(i);
            let dir = if p.placement == Placement::Old {
                "old_post"
            } else {
                "_posts"
            };
            let path = PathBuf::from(format!("site/{dir}/{}", p.name));
            let mut w = Vec::new();
            kanbao::loader::parse_post(&path, &p.text, &[], &mut w)
        })
        .collect()
}

/// A fresh, empty folder under the system's temp dir (removed by `TempDir`'s drop).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("kanbao-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
