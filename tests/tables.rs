//! Tables: laid out by display width with CJK cells, cells wrapped by our wrapper (kinsoku
//! holds inside cells), never wider than the pane, stacked when even that is too narrow.

use kanbao::render::html::{self, Block};
use kanbao::render::theme::Theme;
use kanbao::render::width::{AmbiguousWidth, str_width};
use kanbao::render::{line_text, markdown, table, wrap};

const CJK_TABLE: &str = "\
| 项目 | 2026年三季度 | 2025年三季度 | 同比 |
|:-----|------------:|------------:|-----:|
| 营业收入（亿元） | 18.62 | 15.40 | +20.9% |
| 归母净利润（亿元） | 2.31 | 1.87 | +23.5% |
| 毛利率 | 31.4% | 29.8% | +1.6个百分点 |
| 说明 | 公司表示，“新产线”将于明年投产。 | 无 | 《年报》第三节 |
";

const N: AmbiguousWidth = AmbiguousWidth::Narrow;
const W: AmbiguousWidth = AmbiguousWidth::Wide;

/// The rows of every table of `md` laid out at `width`, and the document's links.
fn tables(md: &str, width: usize) -> (Vec<Vec<String>>, Vec<String>) {
    tables_measured(md, width, N)
}

/// [`tables`], with ambiguous characters measured as `amb` says.
fn tables_measured(md: &str, width: usize, amb: AmbiguousWidth) -> (Vec<Vec<String>>, Vec<String>) {
    let theme = Theme::default();
    let doc = html::parse(&markdown::to_html(md), &theme, amb);
    let mut out = Vec::new();
    for b in &doc.blocks() {
        if let Block::Table { rows, hang } = b {
            let mut lines = Vec::new();
            table::layout(rows, hang, width, &theme, amb, &mut lines);
            out.push(lines.iter().map(line_text).collect());
        }
    }
    (out, doc.links.to_vec())
}

/// Display columns of the border characters in `row`.
fn borders(row: &str) -> Vec<usize> {
    let mut col = 0;
    let mut out = Vec::new();
    for c in row.chars() {
        if "│┌┬┐├┼┤└┴┘".contains(c) {
            out.push(col);
        }
        col += str_width(c.encode_utf8(&mut [0; 4]), N);
    }
    out
}

/// The cell texts of a boxed row (between the bars), or the row itself.
fn cells(row: &str) -> Vec<String> {
    if row.starts_with('│') {
        row.trim_matches('│')
            .split('│')
            .map(|c| c.trim().to_string())
            .collect()
    } else {
        vec![row.trim().to_string()]
    }
}

fn assert_clean(rows: &[String], width: usize, amb: AmbiguousWidth) {
    for row in rows {
        assert!(str_width(row, amb) <= width, "over {width}: {row:?}");
        for cell in cells(row) {
            if let Some(c) = cell.chars().next() {
                assert!(!wrap::is_no_start(c), "kinsoku head at {width}: {row:?}");
            }
            if let Some(c) = cell.chars().next_back() {
                assert!(!wrap::is_no_end(c), "kinsoku tail at {width}: {row:?}");
            }
        }
    }
}

#[test]
fn cjk_table_lines_up_at_every_width() {
    for width in [20, 24, 33, 40, 60, 80] {
        let (t, _) = tables(CJK_TABLE, width);
        let rows = &t[0];
        assert_clean(rows, width, N);
        if rows[0].starts_with('┌') {
            // Boxed: every row as wide as the others, borders at the rule's columns.
            let w = str_width(&rows[0], N);
            let cols = borders(&rows[0]);
            for row in rows {
                assert_eq!(str_width(row, N), w, "at {width}: {row:?}");
                assert_eq!(borders(row), cols, "at {width}: {row:?}");
            }
        } else {
            // Stacked: `header: value` records between rules.
            assert!(width < 33, "stacked at {width}");
            assert!(
                rows.iter().any(|r| r.starts_with("同比: +20.9%")),
                "{rows:#?}"
            );
        }
        let all = rows.join("\n");
        for cell in ["18.62", "2.31", "31.4%", "+23.5%"] {
            assert!(all.contains(cell), "{cell} missing at {width}");
        }
    }
    // Wide enough (without the long row): one row per record, numbers right-aligned.
    let short: String = CJK_TABLE
        .lines()
        .take(5)
        .map(|l| format!("{l}\n"))
        .collect();
    let (t, _) = tables(&short, 80);
    assert!(
        t[0].iter().any(|r| r.contains("│ 营业收入（亿元）   │")),
        "{:#?}",
        t[0]
    );
    assert!(
        t[0].iter().any(|r| r.contains("│        18.62 │")),
        "{:#?}",
        t[0]
    );
    // Boxed at 33 and 40 too.
    for width in [33, 40] {
        assert!(tables(CJK_TABLE, width).0[0][0].starts_with('┌'));
    }
}

/// Where ambiguous characters (`“ ”`, box drawing) are two columns wide, the table is boxed
/// with `+ - |`, and the rows holding `“新产线”` still line up, measured that way.
#[test]
fn cjk_table_lines_up_with_wide_ambiguous_characters() {
    let columns = |row: &str, marks: &str| {
        let mut col = 0;
        let mut out = Vec::new();
        for c in row.chars() {
            if marks.contains(c) {
                out.push(col);
            }
            col += str_width(c.encode_utf8(&mut [0; 4]), W);
        }
        out
    };
    for width in [20, 24, 33, 40, 60, 80] {
        let (t, _) = tables_measured(CJK_TABLE, width, W);
        let rows = &t[0];
        assert_clean(rows, width, W);
        let all = rows.join("\n");
        assert!(
            !all.contains(['┌', '│', '─', '┼']),
            "box drawing at {width}: {all}"
        );
        assert!(all.contains('“') && all.contains('”'), "at {width}: {all}");
        if rows[0].starts_with('+') {
            let w = str_width(&rows[0], W);
            let bars = columns(&rows[0], "+");
            for row in rows {
                assert_eq!(str_width(row, W), w, "at {width}: {row:?}");
                if row.starts_with('|') {
                    assert_eq!(columns(row, "|"), bars, "at {width}: {row:?}");
                }
            }
        } else {
            assert!(width < 33, "stacked at {width}");
        }
    }
}

#[test]
fn a_table_wider_than_the_pane_wraps_its_cells_or_stacks() {
    let md = "\
| Company | Comment |
|---|---|
| Northwind Motors | The chief financial officer said deliveries would recover in the fourth quarter. |
| 云栖重工 | 海外订单占比首次超过一半，在手订单可排产至2028年上半年。 |
";
    for width in [1, 5, 12, 20, 33, 40, 60] {
        let (t, _) = tables(md, width);
        assert_clean(&t[0], width, N);
        let words: String = t[0].join(" ");
        if width >= 20 {
            for w in ["Northwind", "deliveries", "recover", "quarter."] {
                assert!(words.contains(w), "{w} cut at {width}: {:#?}", t[0]);
            }
        }
    }
    let (t, _) = tables(md, 40);
    assert!(t[0].len() > 6 && t[0][0].starts_with('┌'), "{:#?}", t[0]);
}

#[test]
fn links_in_cells_are_numbered_in_document_order() {
    let md = "\
See [before](http://a.example/).

| 名称 | 链接 |
|---|---|
| 看报 | [主页](http://b.example/) 与 [文档](http://c.example/) |

And [after](http://d.example/).
";
    let (t, links) = tables(md, 40);
    assert_eq!(
        links,
        [
            "http://a.example/",
            "http://b.example/",
            "http://c.example/",
            "http://d.example/"
        ]
    );
    let all = t[0].join("\n");
    assert!(all.contains("主页[2]") && all.contains("文档[3]"), "{all}");
    let theme = Theme::default();
    let doc = html::parse(&markdown::to_html(md), &theme, N);
    let last = *doc.blocks().last().unwrap();
    let Block::Text { spans, .. } = last else {
        panic!("{last:?}")
    };
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    assert_eq!(text, "And after[4].");
}
