-- What the proxy read on each connection, mitmweb style (issue 18 item 5): every request and response
-- with headers and decoded bodies, kept apart from connections.record_json so that listing a run's
-- connections does not drag the bodies along. One row per connection that carried any flow.
CREATE TABLE proxy_flows (
  id                 INTEGER PRIMARY KEY,
  result_id          INTEGER NOT NULL REFERENCES scenario_results(id),
  -- connections.ordinal of the connection the flows were read on
  connection_ordinal INTEGER NOT NULL,
  -- JSON array of ProxyFlow (server/proxy/proxy-flow.ts), in the order the requests arrived
  flows_json         TEXT NOT NULL,
  -- flows past the per-connection cap: counted, not kept
  not_listed         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX proxy_flows_by_result ON proxy_flows(result_id, connection_ordinal);
