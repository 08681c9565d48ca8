-- The lab's record: runs, one result per scenario and client, every step,
-- every connection the proxy saw, and a log of events.
CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  -- running | passed | failed | cancelled | aborted (the process died mid-run)
  status        TEXT NOT NULL,
  trigger       TEXT NOT NULL,
  options_json  TEXT NOT NULL,
  pid           INTEGER NOT NULL,
  hostname      TEXT NOT NULL,
  scenario_count INTEGER NOT NULL
);

CREATE TABLE scenario_results (
  id                INTEGER PRIMARY KEY,
  run_id            TEXT NOT NULL REFERENCES runs(id),
  ordinal           INTEGER NOT NULL,
  scenario_id       TEXT NOT NULL,
  client_id         TEXT NOT NULL,
  kind              TEXT NOT NULL,
  expected_verdict  TEXT NOT NULL,
  expected_step     TEXT,
  expected_code     TEXT,
  verdict           TEXT NOT NULL,
  catching_step     TEXT,
  code              TEXT,
  node_authorized   INTEGER,
  node_error        TEXT,
  leaked            INTEGER NOT NULL,
  as_expected       INTEGER NOT NULL,
  error             TEXT,
  started_at        TEXT NOT NULL,
  duration_ms       REAL NOT NULL,
  detail_json       TEXT NOT NULL,
  UNIQUE (run_id, scenario_id, client_id)
);
CREATE INDEX scenario_results_by_run ON scenario_results(run_id, ordinal);

CREATE TABLE step_results (
  id          INTEGER PRIMARY KEY,
  result_id   INTEGER NOT NULL REFERENCES scenario_results(id),
  ordinal     INTEGER NOT NULL,
  step        TEXT NOT NULL,
  status      TEXT NOT NULL,
  code        TEXT,
  message     TEXT NOT NULL,
  detail_json TEXT
);
CREATE INDEX step_results_by_result ON step_results(result_id, ordinal);

CREATE TABLE connections (
  id                 INTEGER PRIMARY KEY,
  result_id          INTEGER NOT NULL REFERENCES scenario_results(id),
  ordinal            INTEGER NOT NULL,
  record_json        TEXT NOT NULL
);
CREATE INDEX connections_by_result ON connections(result_id, ordinal);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  run_id      TEXT REFERENCES runs(id),
  scenario_id TEXT,
  at          TEXT NOT NULL,
  level       TEXT NOT NULL,
  source      TEXT NOT NULL,
  type        TEXT NOT NULL,
  message     TEXT NOT NULL,
  data_json   TEXT
);
CREATE INDEX events_by_run ON events(run_id, id);
