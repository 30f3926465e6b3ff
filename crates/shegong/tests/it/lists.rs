//! What every list page offers: paging with first/last, a page-size choice and a jump to a page
//! that keep the list's sort, search and filters.

use axum::http::StatusCode;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(lists_offer_page_size_and_a_jump_that_keep_the_filters, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let total = app.scalar("SELECT COUNT(*) FROM organisations WHERE status = 'normal'").await;
    let r = app.get("/orgs?status=normal&per_page=50&page=2&sort=name&dir=desc").await;
    assert_eq!(r.status, StatusCode::OK);
    let pager = r.body.split(r#"<nav class="pager""#).nth(1).expect("a pager").split("</nav>").next().expect("pager");
    let pages = (total + 49) / 50;
    assert!(pager.contains(&format!(r#"max="{pages}""#)), "the jump is bounded by the page count {pages}");
    assert!(pager.contains(r#"name="page" min="1""#) && pager.contains(r#"value="2""#));
    assert!(pager.contains(r#"<option value="50" selected>"#), "the current page size is chosen");
    for (k, v) in [("sort", "name"), ("dir", "desc"), ("status", "normal")] {
        assert!(pager.contains(&format!(r#"<input type="hidden" name="{k}" value="{v}">"#)), "{k} is carried");
    }
    assert!(!pager.contains(r#"type="hidden" name="page""#) && !pager.contains(r#"type="hidden" name="per_page""#));
    assert!(pager.contains(r#"rel="first""#) && pager.contains(r#"rel="last""#));
    // The jump itself: page 3 of 50 keeps the filter.
    let r = app.get("/orgs?sort=name&dir=desc&status=normal&page=3&per_page=50").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"value="3""#));
});
