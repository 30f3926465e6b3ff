-- The hotline (issue 14): the rota is the one source of "on duty". Migration 0024's minimal
-- `hotline_duty` table (a supervisor on duty from a time to a time, in a position) is folded into
-- the roster's rota (`hotline_shifts`, migration 0023) and dropped. Escalations go to the
-- supervisor of the shift at the time, and are handed on along the rota (hotline/store/escalations.rs).
--
-- Meaning kept: every duty row becomes one shift per China-time day it covers (shifts never cross
-- midnight): on its first day from its start minute, on its last day up to its end minute, and
-- whole days (00:00–24:00) between; the supervisor is their roster entry, made here (named as
-- their account, in its unit) when they had none, and marked as a supervisor. Duty rows at the
-- same time keep their order (`position`, then id) as the order of the shifts' ids, which is
-- the rota's order for shifts starting at the same minute.

UPDATE hotline_counsellors SET is_supervisor = TRUE WHERE user_id IN (SELECT supervisor_id FROM hotline_duty);
INSERT INTO hotline_counsellors (unit_id, user_id, name, is_supervisor, joined_on, active, version, created_at, updated_at)
SELECT u.unit_id, u.id, u.display_name, TRUE, CURRENT_DATE, TRUE, 1, u.created_at, u.created_at FROM users u
WHERE u.id IN (SELECT supervisor_id FROM hotline_duty)
  AND NOT EXISTS (SELECT 1 FROM hotline_counsellors k WHERE k.user_id = u.id);

-- backend: sqlite
WITH RECURSIVE d(id, position, supervisor_id, ls, le, day) AS (
    SELECT h.id, h.position, h.supervisor_id, datetime(h.starts_at, '+8 hours'), datetime(h.ends_at, '+8 hours'),
           date(h.starts_at, '+8 hours')
    FROM hotline_duty h WHERE julianday(h.ends_at) > julianday(h.starts_at)
    UNION ALL
    SELECT id, position, supervisor_id, ls, le, date(day, '+1 day') FROM d WHERE date(day, '+1 day') <= date(le)
)
INSERT INTO hotline_shifts (unit_id, day, start_minute, end_minute, supervisor_id, version, created_at, updated_at)
SELECT x.unit_id, x.day, x.s, x.e, x.sup, 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM (
    SELECT k.unit_id AS unit_id, d.day AS day,
           CASE WHEN d.day = date(d.ls)
                THEN CAST(strftime('%H', d.ls) AS INTEGER) * 60 + CAST(strftime('%M', d.ls) AS INTEGER) ELSE 0 END AS s,
           CASE WHEN d.day = date(d.le)
                THEN CAST(strftime('%H', d.le) AS INTEGER) * 60 + CAST(strftime('%M', d.le) AS INTEGER) ELSE 1440 END AS e,
           k.id AS sup, d.position AS pos, d.id AS did
    FROM d JOIN hotline_counsellors k ON k.user_id = d.supervisor_id
) x
WHERE x.e > x.s
ORDER BY x.day, x.pos, x.did;

-- backend: postgres
WITH RECURSIVE d AS (
    SELECT h.id, h.position, h.supervisor_id,
           (h.starts_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS ls,
           (h.ends_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS le,
           CAST((h.starts_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE) AS day
    FROM hotline_duty h WHERE h.ends_at > h.starts_at
    UNION ALL
    SELECT id, position, supervisor_id, ls, le, day + 1 FROM d WHERE day + 1 <= CAST(le AS DATE)
)
INSERT INTO hotline_shifts (unit_id, day, start_minute, end_minute, supervisor_id, version, created_at, updated_at)
SELECT x.unit_id, x.day, x.s, x.e, x.sup, 1, NOW(), NOW()
FROM (
    SELECT k.unit_id AS unit_id, d.day AS day,
           CASE WHEN d.day = CAST(d.ls AS DATE)
                THEN CAST(EXTRACT(HOUR FROM d.ls) AS INTEGER) * 60 + CAST(EXTRACT(MINUTE FROM d.ls) AS INTEGER) ELSE 0 END AS s,
           CASE WHEN d.day = CAST(d.le AS DATE)
                THEN CAST(EXTRACT(HOUR FROM d.le) AS INTEGER) * 60 + CAST(EXTRACT(MINUTE FROM d.le) AS INTEGER) ELSE 1440 END AS e,
           k.id AS sup, d.position AS pos, d.id AS did
    FROM d JOIN hotline_counsellors k ON k.user_id = d.supervisor_id
) x
WHERE x.e > x.s
ORDER BY x.day, x.pos, x.did;

-- backend: all
DROP TABLE hotline_duty;
