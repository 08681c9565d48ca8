-- A finished run's results as the dashboard reads them (server/api/dto.ts toResultDto), one
-- UTF-8 JSON array per run. A full run's detail is ~3 MB of JSON built from ~3.7 MB of stored
-- JSON: parsing and reshaping it on every GET /api/runs/:id took 100-300 ms (issue 17 item 10).
-- A finished run never changes, so its view is built once; `version` is the DTO shape it was
-- built with (a newer mitmlab rebuilds older views on first read).
CREATE TABLE run_views (
  run_id        TEXT PRIMARY KEY REFERENCES runs(id),
  version       INTEGER NOT NULL,
  results_json  BLOB NOT NULL
);
