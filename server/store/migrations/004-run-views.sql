-- A finished run as the dashboard reads it (GET /api/runs/:id: the RunDetailDto built by
-- server/api/dto.ts), serialized once and gzipped (RFC 1952). A full run's detail is ~3 MB of
-- JSON built from ~3.7 MB of stored JSON: parsing and reshaping it on every GET took 100-300 ms
-- (issue 17 item 10), and even reading it back as text crossed ~750 pages. A finished run never
-- changes, so its view is built once; `version` is the DTO shape it was built with (a newer
-- mitmlab rebuilds older views on first read).
CREATE TABLE run_views (
  run_id       TEXT PRIMARY KEY REFERENCES runs(id),
  version      INTEGER NOT NULL,
  detail_gzip  BLOB NOT NULL
);
