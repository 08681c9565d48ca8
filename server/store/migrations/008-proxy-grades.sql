-- Interception products graded by `mitmlab grade-proxy` (issue 21; rubric in server/grade-proxy/grade-rubric.ts).
-- One row per report card; the checks behind the grade one row each, so a product's history per check is a query.
CREATE TABLE proxy_grades (
  id               TEXT PRIMARY KEY,
  product_id       TEXT NOT NULL,
  description      TEXT NOT NULL,
  graded_at        TEXT NOT NULL,
  grade            TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'F')),
  -- 0 when the control upstream was not relayed: the product did not work in the lab
  control_relayed  INTEGER NOT NULL,
  -- JSON array of the check ids that set the grade
  decided_by_json  TEXT NOT NULL,
  -- the whole ProxyReportCard (evidence per defect: the chain the client received, the upstream hello)
  card_json        TEXT NOT NULL
);
CREATE INDEX proxy_grades_by_product ON proxy_grades(product_id, graded_at);

CREATE TABLE proxy_grade_checks (
  grade_id   TEXT NOT NULL REFERENCES proxy_grades(id) ON DELETE CASCADE,
  ordinal    INTEGER NOT NULL,
  check_id   TEXT NOT NULL,
  result     TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'info', 'n/a')),
  -- the best grade still possible when this check fails; NULL for measured-only rows
  cap        TEXT CHECK (cap IS NULL OR cap IN ('A', 'B', 'C', 'F')),
  evidence   TEXT NOT NULL,
  PRIMARY KEY (grade_id, ordinal)
);
