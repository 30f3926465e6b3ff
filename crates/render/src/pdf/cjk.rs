//! Whitespace in text runs normalised for typst: a run of spaces or newlines between two CJK
//! characters is removed (typst, like a browser, would print it as a space: typst issue #792,
//! "a newline between two Chinese characters prints as a space"); any other run of whitespace
//! becomes one space, and the text is trimmed at both ends of the paragraph. The boundaries of
//! inline runs (a figure between two texts) are looked across.

use crate::chart::is_wide;

/// `s` normalised on its own (a heading, a table cell, a caption).
pub fn normalize(s: &str) -> String {
    normalize_runs(&[s]).pop().unwrap_or_default()
}

/// The runs of one paragraph normalised together: each output is the matching run's text
/// (possibly empty), whitespace judged by the characters around it across run boundaries.
pub fn normalize_runs(runs: &[&str]) -> Vec<String> {
    let chars: Vec<(usize, char)> = runs.iter().enumerate().flat_map(|(i, r)| r.chars().map(move |c| (i, c))).collect();
    let mut out: Vec<String> = vec![String::new(); runs.len()];
    let mut k = 0;
    while k < chars.len() {
        let (run, c) = chars[k];
        if !c.is_whitespace() {
            out[run].push(c);
            k += 1;
            continue;
        }
        let start = k;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        let before = start.checked_sub(1).map(|i| chars[i].1);
        let after = chars.get(k).map(|&(_, c)| c);
        match (before, after) {
            (Some(b), Some(a)) if !(is_wide(b) && is_wide(a)) => out[run].push(' '),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_space_is_left_between_chinese_characters() {
        assert_eq!(normalize("社会\n工作"), "社会工作");
        assert_eq!(normalize("社会 \r\n\t 工作。\n下一句"), "社会工作。下一句");
        assert_eq!(normalize("全年 35 个项目"), "全年 35 个项目", "a space beside a digit stays");
        assert_eq!(normalize("Kunshan\nsocial   work"), "Kunshan social work", "Latin words keep one space");
        assert_eq!(normalize("  \n周市镇\n "), "周市镇", "trimmed");
        assert_eq!(normalize("（一）\n培优赋能"), "（一）培优赋能", "full-width punctuation counts as CJK");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n "), "");
    }

    #[test]
    fn runs_are_judged_across_their_boundaries() {
        assert_eq!(normalize_runs(&["全年实施\n", "35", " 个，"]), vec!["全年实施 ", "35", " 个，"]);
        assert_eq!(normalize_runs(&["党建\n", "引领", "\n工作"]), vec!["党建", "引领", "工作"]);
        assert_eq!(normalize_runs(&["a ", " ", " b"]), vec!["a ", "", "b"]);
        assert_eq!(normalize_runs(&[]), Vec::<String>::new());
    }
}
