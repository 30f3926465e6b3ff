//! The demo's photo: one picture drawn here (deterministic: the same bytes every run) and
//! attached, like an upload, to the 2022 launch ceremony, so that the default review template
//! places a photo and the event's page shows one.

use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::platform::db::sql;
use crate::platform::files::{self, Owner, Upload};

/// The event of 2022 the photo is attached to (one of `demo::events`' titles).
pub const PHOTO_EVENT: &str = "昆山市社会组织先锋引领2.0行动计划启动仪式";
/// How many photos the demo attaches.
pub const PHOTOS: usize = 1;
/// The picture's size in pixels.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 420;

/// A stage with a red backdrop, a gold band and rows of seats: a JPEG of [`WIDTH`] × [`HEIGHT`],
/// drawn once per process (every test database gets the same bytes).
pub fn picture() -> anyhow::Result<Vec<u8>> {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    if let Some(b) = BYTES.get() {
        return Ok(b.clone());
    }
    let b = draw()?;
    Ok(BYTES.get_or_init(|| b).clone())
}

fn draw() -> anyhow::Result<Vec<u8>> {
    let img = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f64 / WIDTH as f64, y as f64 / HEIGHT as f64);
        if fy < 0.08 {
            // The ceiling, lit from the middle.
            let l = 60.0 + 80.0 * (1.0 - (fx - 0.5).abs() * 2.0);
            image::Rgb([l as u8, l as u8, (l + 20.0) as u8])
        } else if fy < 0.55 {
            if (0.30..0.36).contains(&fy) && (0.12..0.88).contains(&fx) {
                image::Rgb([236, 190, 72])
            } else {
                // The backdrop: red, darker towards its edges.
                let shade = 1.0 - 0.35 * (fx - 0.5).abs() * 2.0;
                image::Rgb([(190.0 * shade) as u8, (32.0 * shade) as u8, (28.0 * shade) as u8])
            }
        } else if fy < 0.62 {
            image::Rgb([92, 60, 40])
        } else {
            // Rows of seats, each a band of round backs.
            let row = ((fy - 0.62) / 0.095) as u32;
            let cx = ((fx * 24.0 + row as f64 * 0.5) % 1.0 - 0.5).abs();
            let cy = (((fy - 0.62) / 0.095) % 1.0 - 0.45).abs();
            if cx * cx + cy * cy < 0.12 {
                image::Rgb([38 + (row * 6) as u8, 52 + (row * 5) as u8, 88])
            } else {
                image::Rgb([214, 206, 196])
            }
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
    Ok(out)
}

#[derive(FromQueryResult)]
struct EventRow {
    id: i64,
    unit_id: i64,
}

/// Attaches the picture to [`PHOTO_EVENT`] (its bytes and thumbnail under `data_dir`, as an
/// upload is stored); how many photos were attached.
pub async fn generate<C: ConnectionTrait>(c: &C, data_dir: &str) -> anyhow::Result<usize> {
    let Some(e) = EventRow::find_by_statement(sql(
        c.get_database_backend(),
        "SELECT id, unit_id FROM events WHERE title = ? ORDER BY held_on, id",
        vec![PHOTO_EVENT.into()],
    ))
    .one(c)
    .await?
    else {
        anyhow::bail!("demo event {PHOTO_EVENT} missing");
    };
    let up = Upload::check(picture()?, "launch.jpg".into(), true).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    files::store(c, data_dir, &Owner { entity: "event", id: e.id, unit: e.unit_id }, &up, None).await?;
    Ok(PHOTOS)
}
