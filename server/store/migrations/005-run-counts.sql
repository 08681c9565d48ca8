-- Each run's counts kept on the run itself, updated in the transaction that commits each
-- result (LabStore.insertScenarioResult). Counting them from scenario_results reads one leaf
-- page per result: on a store of 500 full runs, listing the newest 100 took ~0.4 s and every
-- run (`report latest`) ~1.5 s (issue 17 item 10). Existing runs are counted once, here.
ALTER TABLE runs ADD COLUMN result_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN caught_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN leaked_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN unexpected_count INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET
  result_count = (SELECT COUNT(*) FROM scenario_results s WHERE s.run_id = runs.id),
  caught_count = (SELECT COUNT(*) FROM scenario_results s WHERE s.run_id = runs.id AND s.kind = 'attack' AND s.verdict = 'reject' AND s.error IS NULL),
  leaked_count = (SELECT COUNT(*) FROM scenario_results s WHERE s.run_id = runs.id AND s.leaked = 1),
  unexpected_count = (SELECT COUNT(*) FROM scenario_results s WHERE s.run_id = runs.id AND s.as_expected = 0);
