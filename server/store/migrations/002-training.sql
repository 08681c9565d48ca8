-- Training mode: each prediction a trainee made, graded against a live run of the scenario.
CREATE TABLE training_answers (
  id            INTEGER PRIMARY KEY,
  trainee       TEXT NOT NULL,
  session_id    TEXT NOT NULL,
  scenario_id   TEXT NOT NULL,
  -- a step id, or NONE for "nothing catches it"
  predicted     TEXT NOT NULL,
  actual        TEXT NOT NULL,
  correct       INTEGER NOT NULL,
  answered_at   TEXT NOT NULL
);
CREATE INDEX training_answers_by_trainee ON training_answers(trainee, answered_at);
