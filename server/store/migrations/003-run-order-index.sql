-- Runs are listed newest first (the dashboard's run list, `report latest`, the
-- store watcher's newest 20): an index lets SQLite read the first N in order
-- instead of sorting every run. Reads never depend on it being there (a store
-- opened read-only is not migrated), it only makes them cheaper.
-- Ascending: read backwards it gives started_at DESC, rowid DESC, the listing order with its
-- tie-break, with no sort.
CREATE INDEX runs_by_started ON runs(started_at);
