-- Thumbnails of photos (platform/images.rs): stored beside the original under their own SHA-256,
-- with their size and the photo's own size. Photos stored before this migration have none; their
-- thumbnail address serves the original.

ALTER TABLE attachments ADD COLUMN thumb_sha256 TEXT;
ALTER TABLE attachments ADD COLUMN thumb_size BIGINT;
ALTER TABLE attachments ADD COLUMN thumb_width BIGINT;
ALTER TABLE attachments ADD COLUMN thumb_height BIGINT;
ALTER TABLE attachments ADD COLUMN width BIGINT;
ALTER TABLE attachments ADD COLUMN height BIGINT;
CREATE INDEX attachments_sha256 ON attachments(sha256);
