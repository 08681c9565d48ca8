-- Training mode (issue 18): a quiz sitting the trainee can leave and resume after a reload or a server restart.
-- The questions are fixed when the sitting starts (family, count, order); answers stay in training_answers.
CREATE TABLE training_sessions (
  id                 TEXT PRIMARY KEY,
  trainee            TEXT NOT NULL,
  family             TEXT NOT NULL,
  -- JSON array of scenario ids, in the order they are asked
  scenario_ids_json  TEXT NOT NULL,
  -- how many questions were answered: the next one asked is scenario_ids[position]
  position           INTEGER NOT NULL DEFAULT 0,
  correct            INTEGER NOT NULL DEFAULT 0,
  started_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX training_sessions_by_trainee ON training_sessions(trainee, updated_at);
