//! Photos in the annual review (issue 15, item 8): `photo()` places the photos of the year's
//! events, Party activities and honours of the subtree, the thumbnail on the page and the
//! original in Word and the PDF, each with its caption; never a photo outside the reader's scope.

use std::sync::Arc;

use axum::http::StatusCode;
use render::Block;
use sea_orm::{ConnectionTrait, Statement};
use shegong::platform::access::Scope;
use shegong::platform::i18n::Lang;
use shegong::platform::AppState;
use shegong::review::templates::document::{review_document, run_live, Subject};
use shegong::review::templates::{render as run_template, Facts, PhotoItem};

use crate::both_backends;
use crate::helpers::{jpeg, TestApp};

/// The demo's photo: its attachment id and caption (the event's title and date), read back.
async fn demo_photo(app: &TestApp) -> (i64, String) {
    let title = shegong::demo::photos::PHOTO_EVENT;
    let q = format!(
        "SELECT a.id FROM attachments a JOIN events e ON e.id = a.entity_id WHERE a.entity = 'event' AND e.title = '{title}'"
    );
    let id = app.scalar(&q).await;
    let on = app
        .text(&format!(
            "SELECT CAST(e.held_on AS TEXT) FROM events e JOIN attachments a ON a.entity_id = e.id WHERE a.id = {id}"
        ))
        .await;
    (id, format!("{title} {}", &on[..10]))
}

/// The Kunshan 2022 review the demo writes.
async fn kunshan_review(app: &TestApp) -> i64 {
    app.scalar("SELECT MIN(id) FROM reviews WHERE unit_id = (SELECT id FROM org_units WHERE parent_id IS NULL) AND year = 2022")
        .await
}

/// The images of a document: (thumbnail address, caption, bytes).
fn images(blocks: &[Block]) -> Vec<(String, String, Vec<u8>)> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Image(i) => {
                Some((i.src.clone().unwrap_or_default(), i.caption.clone().unwrap_or_default(), i.bytes.clone()))
            }
            _ => None,
        })
        .collect()
}

// The default template places the demo's photo: its thumbnail and caption on the review's page,
// the thumbnail served to the reader.
both_backends!(the_default_review_shows_the_demo_photo, |mut app: TestApp| async move {
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM attachments WHERE kind = 'photo'").await,
        shegong::demo::photos::PHOTOS as i64
    );
    let (photo, caption) = demo_photo(&app).await;
    app.login_ok("bureau").await;
    let id = kunshan_review(&app).await;
    let page = app.get(&format!("/review/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let img = format!("<img src=\"/attachments/{photo}/thumb\" alt=\"{caption}\">");
    assert!(page.body.contains(&img), "{img} in the review");
    assert!(page.body.contains(&format!("<figcaption>{caption}</figcaption>")));
    let (status, thumb) = app.get_bytes(&format!("/attachments/{photo}/thumb")).await;
    assert_eq!(status, StatusCode::OK);
    let t = image::load_from_memory(&thumb).expect("a thumbnail");
    assert_eq!(t.width(), shegong::platform::images::THUMB_SIDE);
    // The event's own page shows it too.
    let event = app.scalar(&format!("SELECT entity_id FROM attachments WHERE id = {photo}")).await;
    assert!(app.get(&format!("/events/{event}")).await.body.contains(&format!("/attachments/{photo}/thumb")));
});

// `photo()` places the next photo not yet placed, `photo(n)` the n-th, `kind=` one kind; the
// caption can be replaced (and stays text); an unknown kind is an error that names it.
#[test]
fn photo_places_the_photos_in_order() {
    let item = |id: i64, entity: &str| PhotoItem {
        id,
        entity: entity.into(),
        caption: format!("照片{id}"),
        thumb: format!("/attachments/{id}/thumb"),
    };
    let mut f = Facts { lang: Lang::Zh, year: 2022, period: "2022".into(), ..Facts::default() };
    f.lists.photos = vec![item(7, "event"), item(8, "plan_activity"), item(9, "honour")];
    let f = Arc::new(f);
    let srcs = |source: &str| -> Vec<(String, String)> {
        let r = run_template(source, f.clone()).expect("renders");
        images(&r.blocks).into_iter().map(|(s, c, _)| (s, c)).collect()
    };
    let all = srcs("{{ photo() }}\n\n{{ photo() }}\n\n{{ photo() }}\n\n{{ photo() }}");
    assert_eq!(
        all.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        f.lists.photos.iter().map(|p| p.thumb.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(all[0].1, "照片7", "the record's caption");
    assert_eq!(srcs("{{ photo(2) }}"), vec![(f.lists.photos[1].thumb.clone(), "照片8".into())]);
    assert_eq!(srcs("{{ photo(kind=\"honour\") }}")[0].0, f.lists.photos[2].thumb);
    assert_eq!(srcs("{{ photo(kind=\"activity\") }}")[0].0, f.lists.photos[1].thumb);
    assert!(srcs("{{ photo(4) }}{{ photo(0) }}{{ photo(-1) }}").is_empty(), "no such photo: nothing placed");
    // After photo(1), photo() goes on with the next one.
    let next = srcs("{{ photo(1) }}\n\n{{ photo() }}");
    assert_eq!(next[1].0, f.lists.photos[1].thumb);
    let custom = srcs("{{ photo(caption=\"<b>颁奖</b>\\n# 标题\") }}");
    assert_eq!(custom[0].1, "<b>颁奖</b>\n# 标题");
    let r = run_template("{{ photo(caption=\"<script>x</script>\") }}", f.clone()).expect("renders");
    let html = render::html::render(&render::Document {
        title: "t".into(),
        subtitle: None,
        lang: render::Lang::Zh,
        blocks: r.blocks,
    });
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
    let e = run_template("a\n{{ photo(kind=\"selfie\") }}", f.clone()).expect_err("unknown kind");
    assert_eq!((e.line, e.key), (Some(2), "review.error.photo_kind"));
    assert!(e.message(Lang::En).contains("selfie"));
    // No photos (another year): nothing placed, no error.
    let none = Arc::new(Facts { lang: Lang::Zh, year: 2021, ..Facts::default() });
    assert!(images(&run_template("{{ photo() }}", none).expect("renders").blocks).is_empty());
}

// A reader is never shown a photo outside their scope: the station manager of 周市 asking for the
// city's 2022 photos gets the 周市 honour's photo and not the city's event photo (live and from a
// published review's snapshot alike), where the whole city's reader gets both.
both_backends!(a_photo_outside_the_scope_is_never_placed, |mut app: TestApp| async move {
    let (city_photo, _) = demo_photo(&app).await;
    let honour = app
        .scalar("SELECT MIN(h.id) FROM honours h JOIN org_units u ON u.id = h.unit_id WHERE u.path LIKE '/320583/zhoushi/%' AND h.year = 2022")
        .await;
    app.login_ok("bureau").await;
    let r = app.upload(&format!("/honours/{honour}/photos"), "zhoushi.jpg", &jpeg(400, 300)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let zhoushi_photo = app.scalar("SELECT MAX(id) FROM attachments").await;
    let scope = {
        let conn = &app.db.conn;
        let row = conn
            .query_one(Statement::from_string(
                conn.get_database_backend(),
                "SELECT u.id, o.path FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'station'"
                    .to_string(),
            ))
            .await
            .expect("user")
            .expect("row");
        let (uid, path): (i64, String) = (row.try_get("", "id").expect("id"), row.try_get("", "path").expect("path"));
        shegong::auth::store::load_access(conn, uid, &path).await.expect("access").2
    };
    // By a raw query, the station's photos are that one: no other photo lies in 周市.
    let in_zhoushi = app
        .scalar("SELECT COUNT(*) FROM attachments a JOIN org_units u ON u.id = a.unit_id WHERE a.kind = 'photo' AND u.path LIKE '/320583/zhoushi/%'")
        .await;
    assert_eq!(in_zhoushi, 1);
    let st = AppState::new(app.db.clone(), app.config.clone(), None);
    let source = "{{ photo() }}\n\n{{ photo() }}\n\n{{ photo() }}";
    let city = app.unit_id("/320583/").await;
    let subject = |scope: Scope| Subject {
        unit_id: city,
        unit_path: "/320583/".into(),
        unit_name: "昆山市".into(),
        unit_name_en: String::new(),
        year: 2022,
        lang: Lang::Zh,
        scope,
    };
    let placed = |blocks: &[Block]| -> Vec<String> { images(blocks).into_iter().map(|x| x.0).collect() };
    let (all, _, _) = run_live(&st, &subject(Scope::all()), source).await.expect("live").expect("renders");
    let mut everyone = placed(&all.blocks);
    everyone.sort();
    let mut want = vec![format!("/attachments/{city_photo}/thumb"), format!("/attachments/{zhoushi_photo}/thumb")];
    want.sort();
    assert_eq!(everyone, want, "the whole city's reader: both");
    let (mine, _, _) = run_live(&st, &subject(scope.clone()), source).await.expect("live").expect("renders");
    assert_eq!(placed(&mine.blocks), vec![format!("/attachments/{zhoushi_photo}/thumb")], "the station: 周市's only");
    // A published review froze both photos; the station's reading of it still shows only its own,
    // and its Word file embeds no other photo's bytes.
    let id = kunshan_review(&app).await;
    let version = app.scalar(&format!("SELECT version FROM reviews WHERE id = {id}")).await.to_string();
    assert_eq!(app.post(&format!("/review/{id}/submit"), &[("version", &version)]).await.status, StatusCode::SEE_OTHER);
    let version = app.scalar(&format!("SELECT version FROM reviews WHERE id = {id}")).await.to_string();
    let r = app.post(&format!("/review/{id}/publish"), &[("version", &version)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.text(&format!("SELECT state FROM reviews WHERE id = {id}")).await, "published");
    let row = shegong::review::store::review(&app.db.conn, &Scope::all(), id).await.expect("read").expect("review");
    let (doc, _) = review_document(&st, &row, &Scope::all(), true).await.expect("document").expect("renders");
    assert_eq!(placed(&doc.blocks), vec![format!("/attachments/{city_photo}/thumb")], "the template's one photo");
    assert!(images(&doc.blocks).iter().all(|i| !i.2.is_empty()), "originals read for Word and the PDF");
    // The default template asks for an event's photo; the station's only photo is an honour's, so
    // its reading places none, and never the city's.
    let (doc, _) = review_document(&st, &row, &scope, true).await.expect("document").expect("renders");
    assert!(placed(&doc.blocks).is_empty(), "never the city's photo: {:?}", placed(&doc.blocks));
});

// Word embeds the original photo (an image part of the photo's own size, read back from the
// zip) with its caption; the PDF still renders and carries the caption.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn word_and_pdf_embed_the_photo() {
    let mut app = TestApp::sqlite().await;
    let (_, caption) = demo_photo(&app).await;
    app.login_ok("bureau").await;
    let id = kunshan_review(&app).await;
    let (status, bytes) = app.get_bytes(&format!("/review/{id}/docx")).await;
    assert_eq!(status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let media: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/media/") && !n.ends_with('/'))
        .map(|n| n.into_owned())
        .collect();
    let mut sizes = Vec::new();
    for name in &media {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).expect("part"), &mut b).expect("read");
        let img = image::load_from_memory(&b).unwrap_or_else(|e| panic!("{name}: {e}"));
        sizes.push((img.width(), img.height()));
    }
    let want = (shegong::demo::photos::WIDTH, shegong::demo::photos::HEIGHT);
    assert!(sizes.contains(&want), "the original photo {want:?} among {sizes:?}");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").expect("document.xml"), &mut xml).expect("xml");
    assert!(xml.contains(&caption), "the caption");
    let (status, pdf) = app.get_bytes(&format!("/review/{id}/pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("review.pdf");
    std::fs::write(&file, &pdf).expect("pdf");
    let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout).replace(['\n', ' '], "");
    assert!(text.contains(&caption.replace(' ', "")), "the caption in the PDF");
}
