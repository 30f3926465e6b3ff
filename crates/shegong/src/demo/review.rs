//! The 2022 annual reviews of the demo: Kunshan's and 周市's, drafts from the built-in
//! template (Chinese), so that the review pages open on something and the record-level access
//! matrix has a review inside and outside each limited scope.

use sea_orm::ConnectionTrait;

use crate::review::store::{ensure_defaults, insert_review, latest_template, NewReview, DEFAULT_TEMPLATE};

pub async fn generate<C: ConnectionTrait>(c: &C) -> anyhow::Result<usize> {
    ensure_defaults(c).await?;
    let zh = latest_template(c, DEFAULT_TEMPLATE, "zh").await?.ok_or_else(|| anyhow::anyhow!("default template"))?;
    let mut n = 0;
    for (path, title) in
        [("/320583/", "2022，昆山市社会组织这一年"), ("/320583/zhoushi/", "2022，周市镇社会组织这一年")]
    {
        let Some(unit) = crate::units::store::get_by_path(c, path).await? else { continue };
        let r = NewReview { unit_id: unit.id, year: 2022, template_id: zh.id, lang: "zh".into(), title: title.into() };
        insert_review(c, &r, None).await?;
        n += 1;
    }
    Ok(n)
}
