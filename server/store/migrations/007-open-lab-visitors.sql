-- Issue 20, the open lab: clients that visit the lab on their own (a trainee's browser, a phone).
-- A visitor is one source address with one ClientHello fingerprint (JA4; JA3 kept beside it);
-- each self-test visit is a run of its own (runs.trigger = 'open-lab'), so its report card,
-- exports and replays are those of any run.
CREATE TABLE open_visitors (
  id TEXT PRIMARY KEY,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  address TEXT NOT NULL,
  ja4 TEXT,
  ja3 TEXT,
  user_agent TEXT,
  connection_count INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX open_visitors_last_seen ON open_visitors (last_seen);

CREATE TABLE open_visits (
  token TEXT PRIMARY KEY,
  visitor_id TEXT NOT NULL REFERENCES open_visitors (id) ON DELETE CASCADE,
  run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
  scheme TEXT NOT NULL CHECK (scheme IN ('https', 'http')),
  user_agent TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);

CREATE INDEX open_visits_visitor ON open_visits (visitor_id, started_at);
