-- Each result as the dashboard reads it (server/api/dto.ts toResultDto), serialized once.
-- A full run's detail is ~3 MB of JSON built from ~3.7 MB of stored JSON: parsing and
-- reshaping it on every GET /api/runs/:id took 100-300 ms (issue 17 item 10). A result never
-- changes once committed, so its view is kept; `version` is the DTO shape it was built with
-- (a newer mitmlab rebuilds older views on first read).
CREATE TABLE result_views (
  result_id  INTEGER PRIMARY KEY REFERENCES scenario_results(id),
  version    INTEGER NOT NULL,
  json       TEXT NOT NULL
);
