//! Photos on events, Party activities and honours: real JPEG and PNG uploads get a thumbnail
//! stored beside them, served after the same access check as the original; photos whose declared
//! size is too large, and files that are not photos, are refused with a message and write
//! nothing; removing a photo is confirmed, audited and scoped; the annual review's selection.

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use shegong::platform::i18n::{t, Lang};

use crate::both_backends;
use crate::helpers::{jpeg, png, png_declaring, TestApp};

/// The path of stored bytes under the data directory (as `platform/files.rs` lays them out).
fn stored(app: &TestApp, sha: &str) -> std::path::PathBuf {
    std::path::Path::new(&app.config.data_dir).join("attachments").join(&sha[..2]).join(sha)
}

async fn sha_of(app: &TestApp, column: &str, id: i64) -> String {
    app.text(&format!("SELECT {column} FROM attachments WHERE id = {id}")).await
}

fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a decodable image");
    (img.width(), img.height())
}

/// The first honour outside 周市 (the station manager's scope).
async fn city_honour(app: &TestApp) -> i64 {
    app.scalar("SELECT MIN(h.id) FROM honours h JOIN org_units u ON u.id = h.unit_id WHERE u.path NOT LIKE '/320583/zhoushi/%'")
        .await
}

both_backends!(honour_photos_get_thumbnails_and_can_be_removed, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let honour = city_honour(&app).await;
    let big_png = png(800, 600);
    let big_jpeg = jpeg(1200, 900);
    for (name, bytes) in [("证书.png", &big_png), ("颁奖.jpg", &big_jpeg)] {
        let r = app.upload(&format!("/honours/{honour}/photos"), name, bytes).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
        assert_eq!(r.location(), format!("/honours/{honour}"));
    }
    let ids: Vec<i64> = {
        let q = format!("SELECT id FROM attachments WHERE entity = 'honour' AND entity_id = {honour} ORDER BY id");
        let conn = &app.db.conn;
        conn.query_all(Statement::from_string(conn.get_database_backend(), q))
            .await
            .expect("ids")
            .iter()
            .map(|r| r.try_get_by_index::<i64>(0).expect("id"))
            .collect()
    };
    assert_eq!(ids.len(), 2);
    for (id, original, ctype) in [(ids[0], &big_png, "image/png"), (ids[1], &big_jpeg, "image/jpeg")] {
        // The original comes back as it was sent, with its own type.
        let (s, bytes) = app.get_bytes(&format!("/attachments/{id}")).await;
        assert_eq!((s, bytes.as_slice()), (StatusCode::OK, original.as_slice()));
        let r = app.get(&format!("/attachments/{id}")).await;
        assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some(ctype));
        // The thumbnail: a JPEG at most 320 px a side, the same shape, smaller than the original.
        let r = app.get(&format!("/attachments/{id}/thumb")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("image/jpeg"));
        let (s, thumb) = app.get_bytes(&format!("/attachments/{id}/thumb")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        assert!(thumb.len() < original.len(), "thumbnail {} bytes, original {}", thumb.len(), original.len());
        let (w, h) = decoded_size(&thumb);
        let (ow, oh) = decoded_size(original);
        assert_eq!(w.max(h), shegong::platform::images::THUMB_SIDE);
        assert_eq!(u64::from(w) * u64::from(oh), u64::from(h) * u64::from(ow), "aspect kept");
        // What the row says matches what is served, and the thumbnail has its own stored file.
        let row_w = app.scalar(&format!("SELECT thumb_width FROM attachments WHERE id = {id}")).await;
        let row_size = app.scalar(&format!("SELECT thumb_size FROM attachments WHERE id = {id}")).await;
        assert_eq!((row_w, row_size), (i64::from(w), thumb.len() as i64));
        assert!(stored(&app, &sha_of(&app, "thumb_sha256", id).await).exists());
    }
    // The honour's page shows the thumbnails, each linking to its original, and a confirmed
    // delete per photo; the list of events shows thumbnails too.
    let page = app.get(&format!("/honours/{honour}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for id in &ids {
        assert!(page.body.contains(&format!("<a href=\"/attachments/{id}\"><img src=\"/attachments/{id}/thumb\"")));
        assert!(page.body.contains(&format!("action=\"/honours/{honour}/photos/{id}/delete\"")));
    }
    assert!(page.body.contains(&format!("data-confirm=\"{}\"", t(Lang::Zh, "files.confirm_delete_photo"))));
    assert!(page.body.contains(&format!("action=\"/honours/{honour}/photos\"")), "the upload form");

    // Removing the PNG: the row and both stored files go, the audit log keeps what it was.
    let (sha, thumb_sha) = (sha_of(&app, "sha256", ids[0]).await, sha_of(&app, "thumb_sha256", ids[0]).await);
    let r = app.post(&format!("/honours/{honour}/photos/{}/delete", ids[0]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM attachments WHERE id = {}", ids[0])).await, 0);
    assert!(!stored(&app, &sha).exists() && !stored(&app, &thumb_sha).exists(), "the bytes are removed");
    let audit = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'detach' AND entity = 'honour' AND entity_id = '{honour}' AND before_json LIKE '%{sha}%'"
        ))
        .await;
    assert_eq!(audit, 1, "the removal is audited with the photo as it was");
    assert!(app.get(&format!("/honours/{honour}")).await.body.contains(t(Lang::Zh, "files.photo_deleted")));
    assert_eq!(app.get(&format!("/attachments/{}", ids[0])).await.status, StatusCode::NOT_FOUND);
    // The same photo uploaded twice shares its bytes: removing one keeps the other's file.
    let twice = jpeg(500, 500);
    for _ in 0..2 {
        assert_eq!(
            app.upload(&format!("/honours/{honour}/photos"), "a.jpg", &twice).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let last = app.scalar("SELECT MAX(id) FROM attachments").await;
    let r = app.post(&format!("/honours/{honour}/photos/{last}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (s, bytes) = app.get_bytes(&format!("/attachments/{}/thumb", last - 1)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!bytes.is_empty());

    // A photo of the honour cannot be removed through an event (or another honour) that
    // happens to carry the same id: 404, nothing removed.
    let other_event = app.scalar(&format!("SELECT COUNT(*) FROM events WHERE id = {honour}")).await;
    if other_event == 1 {
        let r = app.post(&format!("/events/{honour}/photos/{}/delete", ids[1]), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let other_honour = app.scalar(&format!("SELECT MIN(id) FROM honours WHERE id <> {honour}")).await;
    let r = app.post(&format!("/honours/{other_honour}/photos/{}/delete", ids[1]), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM attachments WHERE id = {}", ids[1])).await, 1);

    // Outside the scope: 周市's station manager gets 404 for the original, the thumbnail and the
    // removal, and the honour's page does not open.
    app.logout().await;
    app.login_ok("station").await;
    for path in
        [format!("/attachments/{}", ids[1]), format!("/attachments/{}/thumb", ids[1]), format!("/honours/{honour}")]
    {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = app.post(&format!("/honours/{honour}/photos/{}/delete", ids[1]), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM attachments WHERE id = {}", ids[1])).await, 1);
});

both_backends!(refused_photos_say_why_and_write_nothing, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let honour = city_honour(&app).await;
    let event = app.scalar("SELECT MIN(id) FROM events").await;
    let before =
        (app.scalar("SELECT COUNT(*) FROM attachments").await, app.scalar("SELECT COUNT(*) FROM audit_log").await);
    let files_before = count_files(&app);
    let mut truncated = png(64, 64);
    truncated.truncate(60);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // Not a photo by content, whatever the name says.
        ("a.jpg", b"<html><script>alert(1)</script></html>".to_vec(), "files.error.not_photo"),
        // Declared 20,000 × 20,000: refused on the header, before any decoding.
        ("bomb.png", png_declaring(20_000, 20_000), "files.error.image_too_big"),
        // 7,000 × 7,000 (49 megapixels): each side allowed, the whole too large.
        ("wide.png", png_declaring(7_000, 7_000), "files.error.image_too_big"),
        // A PNG cut short: cannot be read.
        ("cut.png", truncated, "files.error.bad_image"),
    ];
    for (name, bytes, key) in &cases {
        for path in [format!("/honours/{honour}/photos"), format!("/events/{event}/photos")] {
            let r = app.upload(&path, name, bytes).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path} {name}");
            assert!(r.body.contains(t(Lang::Zh, key)), "{path} {name}: says {key}: {}", r.body);
        }
    }
    let after =
        (app.scalar("SELECT COUNT(*) FROM attachments").await, app.scalar("SELECT COUNT(*) FROM audit_log").await);
    assert_eq!(before, after, "no row and no audit entry for a refused photo");
    assert_eq!(files_before, count_files(&app), "no stored file for a refused photo");
    // The reader's language: the English message on an English page.
    app.get(&format!("/lang/{}?next=/", Lang::En.code())).await;
    let r = app.upload(&format!("/honours/{honour}/photos"), "bomb.png", &png_declaring(20_000, 20_000)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(t(Lang::En, "files.error.image_too_big")), "{}", r.body);
    // A photo at the limits is taken.
    let r = app.upload(&format!("/honours/{honour}/photos"), "ok.png", &png(2_000, 20)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
});

fn count_files(app: &TestApp) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        match std::fs::read_dir(p) {
            Ok(rd) => rd.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum(),
            Err(_) => 0,
        }
    }
    walk(&std::path::Path::new(&app.config.data_dir).join("attachments"))
}

both_backends!(activity_and_event_photos_share_the_partial_and_removal, |mut app: TestApp| async move {
    app.login_ok("bureau").await;
    let event = app.scalar("SELECT MIN(id) FROM events").await;
    let activity = app.scalar("SELECT MIN(id) FROM plan_activities").await;
    let station = app.scalar("SELECT MIN(id) FROM stations").await;
    for (base, page) in [
        (format!("/events/{event}/photos"), format!("/events/{event}")),
        (format!("/party/activities/{activity}/photos"), format!("/party/activities/{activity}")),
        (format!("/stations/{station}/photos"), format!("/stations/{station}")),
    ] {
        let r = app.upload(&base, "p.jpg", &jpeg(640, 480)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{base}: {}", r.body);
        let id = app.scalar("SELECT MAX(id) FROM attachments").await;
        let body = app.get(&page).await.body;
        assert!(body.contains(&format!("<img src=\"/attachments/{id}/thumb\"")), "{page} shows the thumbnail");
        assert!(body.contains(&format!("action=\"{base}/{id}/delete\"")), "{page} offers the removal");
        let audits = app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'detach'").await;
        assert_eq!(app.post(&format!("{base}/{id}/delete"), &[]).await.status, StatusCode::SEE_OTHER, "{base}");
        assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM attachments WHERE id = {id}")).await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'detach'").await, audits + 1);
    }
    // Readers see photos without the removal buttons.
    let r = app.upload(&format!("/events/{event}/photos"), "p.png", &png(300, 200)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = app.scalar("SELECT MAX(id) FROM attachments").await;
    app.logout().await;
    app.login_ok("leader").await;
    let body = app.get(&format!("/events/{event}")).await.body;
    assert!(body.contains(&format!("/attachments/{id}/thumb")));
    assert!(!body.contains("/delete\""), "no removal for a reader");
    assert_eq!(app.post(&format!("/events/{event}/photos/{id}/delete"), &[]).await.status, StatusCode::FORBIDDEN);
});

both_backends!(the_review_gets_the_photos_of_a_subtree_and_period, |mut app: TestApp| async move {
    use chrono::NaiveDate;
    app.login_ok("bureau").await;
    // 周市 with a 2022 activity and honour from the demo, and two of the city's 2022 events
    // moved into it (the demo's events are the city's); photos that must not be chosen: the
    // city's own 2022 event, and a 周市 event moved to 2019.
    let in_2022 = |col: &str| format!("{col} >= '2022-01-01' AND {col} <= '2022-12-31'");
    let town = "/320583/zhoushi/".to_string();
    let town_id = app.unit_id(&town).await;
    let inside = format!("u.path LIKE '{town}%'");
    let event = app.scalar(&format!("SELECT MIN(e.id) FROM events e WHERE {}", in_2022("e.held_on"))).await;
    let old_event =
        app.scalar(&format!("SELECT MIN(e.id) FROM events e WHERE e.id > {event} AND {}", in_2022("e.held_on"))).await;
    let far_event = app
        .scalar(&format!("SELECT MAX(e.id) FROM events e WHERE e.id > {old_event} AND {}", in_2022("e.held_on")))
        .await;
    assert!(event > 0 && old_event > event && far_event > old_event, "three 2022 events in the demo");
    app.exec(&format!("UPDATE events SET unit_id = {town_id} WHERE id IN ({event}, {old_event})")).await;
    app.exec(&format!("UPDATE events SET held_on = '2019-05-01' WHERE id = {old_event}")).await;
    let activity = app
        .scalar(&format!(
            "SELECT MIN(p.id) FROM plan_activities p JOIN org_units u ON u.id = p.unit_id WHERE {inside} AND {}",
            in_2022("p.held_on")
        ))
        .await;
    let honour = app
        .scalar(&format!(
            "SELECT MIN(h.id) FROM honours h JOIN org_units u ON u.id = h.unit_id WHERE {inside} AND h.year = 2022"
        ))
        .await;
    let mut uploaded = std::collections::BTreeMap::new();
    for (path, entity) in [
        (format!("/honours/{honour}/photos"), "honour"),
        (format!("/party/activities/{activity}/photos"), "plan_activity"),
        (format!("/events/{event}/photos"), "event"),
        (format!("/events/{far_event}/photos"), "far"),
        (format!("/events/{old_event}/photos"), "old"),
    ] {
        let r = app.upload(&path, "p.jpg", &jpeg(900, 600)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
        uploaded.insert(entity, app.scalar("SELECT MAX(id) FROM attachments").await);
    }
    let (from, to) =
        (NaiveDate::from_ymd_opt(2022, 1, 1).expect("date"), NaiveDate::from_ymd_opt(2022, 12, 31).expect("date"));
    let all = shegong::platform::access::Scope::all();
    let got = shegong::events::photos_for_review(&app.db.conn, &all, &town, from, to, 50).await.expect("photos");
    // Exactly the town's three photos of 2022: dated ones by date, then the honour.
    let date_of = |table: &str, id: i64| format!("SELECT CAST(held_on AS TEXT) FROM {table} WHERE id = {id}");
    let mut dated = [
        (app.text(&date_of("events", event)).await, uploaded["event"], "events", event),
        (app.text(&date_of("plan_activities", activity)).await, uploaded["plan_activity"], "plan_activities", activity),
    ];
    dated.sort();
    let want: Vec<i64> = dated.iter().map(|d| d.1).chain([uploaded["honour"]]).collect();
    assert_eq!(got.iter().map(|p| p.attachment.id).collect::<Vec<_>>(), want);
    for (p, (on, _, table, id)) in got.iter().zip(dated.iter()) {
        let title = app.text(&format!("SELECT title FROM {table} WHERE id = {id}")).await;
        assert_eq!(p.caption, format!("{title} {}", &on[..10]));
        assert_eq!(p.taken_on.map(|d| d.to_string()), Some(on[..10].to_string()));
    }
    let honour_title = app.text(&format!("SELECT title FROM honours WHERE id = {honour}")).await;
    assert_eq!(got[2].caption, format!("{honour_title} 2022"));
    assert_eq!((got[2].taken_on, got[2].year), (None, 2022));
    for p in &got {
        let a = &p.attachment;
        // Pages show the thumbnail; documents embed the original.
        assert_eq!(a.thumb_src(), format!("/attachments/{}/thumb", a.id));
        let (thumb, mime) = shegong::platform::files::read_thumb(&app.config.data_dir, a).await.expect("thumb");
        assert_eq!(mime, "image/jpeg");
        let thumb_sha = app.text(&format!("SELECT thumb_sha256 FROM attachments WHERE id = {}", a.id)).await;
        assert_eq!(std::fs::read(stored(&app, &thumb_sha)).expect("thumb file"), thumb);
        assert_eq!(decoded_size(&thumb).0, shegong::platform::images::THUMB_SIDE);
        let (original, mime) =
            shegong::events::review_photo_bytes(&app.config.data_dir, a).await.expect("the original");
        assert_eq!(mime, "image/jpeg");
        assert_eq!(decoded_size(&original), (900, 600), "the original, not the thumbnail");
    }
    // The limit, and the same order every time.
    let two = shegong::events::photos_for_review(&app.db.conn, &all, &town, from, to, 2).await.expect("photos");
    assert_eq!(two.iter().map(|p| p.attachment.id).collect::<Vec<_>>(), want[..2].to_vec());
    // The scope: the station manager of 周市, asking for the whole city, gets exactly the 2022
    // photos above whose records lie in 周市 (counted by a raw query), never another town's.
    let (uid, upath) = {
        let conn = &app.db.conn;
        let r = conn
            .query_one(Statement::from_string(
                conn.get_database_backend(),
                "SELECT u.id, o.path FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'station'"
                    .to_string(),
            ))
            .await
            .expect("user")
            .expect("row");
        (r.try_get::<i64>("", "id").expect("id"), r.try_get::<String>("", "path").expect("path"))
    };
    let (_, _, scope) = shegong::auth::store::load_access(&app.db.conn, uid, &upath).await.expect("access");
    let mine =
        shegong::events::photos_for_review(&app.db.conn, &scope, "/320583/", from, to, 50).await.expect("photos");
    let raw = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM attachments a JOIN org_units u ON u.id = a.unit_id WHERE u.path LIKE '{upath}%' AND a.id IN ({}, {}, {}, {})",
            uploaded["event"], uploaded["plan_activity"], uploaded["honour"], uploaded["far"]
        ))
        .await;
    assert_eq!(mine.len() as i64, raw);
    for p in &mine {
        let path = app
            .text(&format!(
                "SELECT u.path FROM attachments a JOIN org_units u ON u.id = a.unit_id WHERE a.id = {}",
                p.attachment.id
            ))
            .await;
        assert!(path.starts_with(&upath), "photo {} of {path} is outside {upath}", p.attachment.id);
    }
});
