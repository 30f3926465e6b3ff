//! The one chart component: a [`Chart`] drawn as SVG with an explicit CJK font stack (the same
//! SVG on pages, in the PDF, and rasterised to PNG for Word).
//!
//! Skeleton: the renderer branch replaces this with the bar, line, donut and heat drawings.

use crate::html::escape;
use crate::model::Chart;

/// The chart as a standalone SVG element.
pub fn svg(c: &Chart) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 640 40\" font-family=\"Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif\"><title>{}</title></svg>",
        escape(&c.title)
    )
}
