// Numbered schema migrations. Append new ones; never edit a released one.
#include "bre/store/migrations.h"

#include <string>

namespace bre {

namespace {

// Version 1: every layer of the pipeline. Later stages keep their structured
// results as JSON payloads next to the columns they are queried by.
constexpr const char* kV1 = R"SQL(
CREATE TABLE settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE ingest_batches(
  batch_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  inputs TEXT NOT NULL,              -- JSON array of file names
  mapping_version INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  total_records INTEGER NOT NULL DEFAULT 0,
  valid_records INTEGER NOT NULL DEFAULT 0,
  rejected_records INTEGER NOT NULL DEFAULT 0,
  events_inserted INTEGER NOT NULL DEFAULT 0,
  events_duplicate INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT 'ingest' -- ingest | replay
);

CREATE TABLE bronze_qbo_raw(
  raw_id INTEGER PRIMARY KEY,
  entity_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'qbo',
  operation TEXT NOT NULL,
  sync_token TEXT NOT NULL DEFAULT '',
  raw_payload TEXT NOT NULL,
  ingested_at INTEGER NOT NULL,
  webhook_event_id TEXT,
  api_version TEXT,
  schema_version TEXT NOT NULL DEFAULT 'bronze_v1',
  batch_id TEXT NOT NULL REFERENCES ingest_batches(batch_id),
  UNIQUE(entity_type, entity_id, sync_token, operation)
);

CREATE TABLE bronze_supplemental_raw(
  raw_id INTEGER PRIMARY KEY,
  upload_id TEXT NOT NULL REFERENCES ingest_batches(batch_id),
  source TEXT NOT NULL,
  record_kind TEXT NOT NULL,          -- e.g. olist 'orders', 'reviews'
  file_name TEXT NOT NULL,
  record_line INTEGER NOT NULL,
  record_key TEXT NOT NULL,           -- sha256 of source, kind and payload
  raw_payload TEXT NOT NULL,          -- one source record as a JSON object
  ingested_at INTEGER NOT NULL,
  schema_version TEXT NOT NULL DEFAULT 'bronze_v1',
  UNIQUE(source, record_key)
);

CREATE TABLE events(
  event_id TEXT PRIMARY KEY,
  event_type TEXT NOT NULL,
  event_time INTEGER NOT NULL,        -- UTC ms
  ingested_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_entity_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  related_entity_ids TEXT NOT NULL,   -- canonical JSON object
  amount_minor INTEGER,
  currency TEXT,
  attributes TEXT NOT NULL,           -- canonical JSON object
  data_quality_flags TEXT NOT NULL,   -- JSON array
  schema_version TEXT NOT NULL,
  mapping_version INTEGER NOT NULL,
  batch_id TEXT NOT NULL REFERENCES ingest_batches(batch_id)
);

-- A replay under a newer mapping supersedes events instead of touching them.
CREATE TABLE superseded_events(
  event_id TEXT PRIMARY KEY REFERENCES events(event_id),
  superseded_by_batch TEXT NOT NULL REFERENCES ingest_batches(batch_id)
);

CREATE VIEW live_events AS
  SELECT e.* FROM events e WHERE NOT EXISTS (SELECT 1 FROM superseded_events s WHERE s.event_id = e.event_id);

CREATE TABLE entities(
  kind TEXT NOT NULL,                 -- customer | vendor | product | seller | category | carrier
  entity_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  category TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  source TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(kind, entity_id)
);

CREATE TABLE quality_reports(
  batch_id TEXT PRIMARY KEY REFERENCES ingest_batches(batch_id),
  source TEXT NOT NULL,
  overall_quality_score REAL NOT NULL,
  report TEXT NOT NULL,               -- DataQualityReport JSON
  created_at INTEGER NOT NULL
);

CREATE TABLE metric_quality_weights(
  batch_id TEXT NOT NULL REFERENCES ingest_batches(batch_id),
  metric TEXT NOT NULL,
  weight REAL NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY(batch_id, metric)
);

CREATE TABLE rejected_records(
  reject_id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES ingest_batches(batch_id),
  file_name TEXT NOT NULL,
  record_line INTEGER NOT NULL,
  field TEXT NOT NULL,
  reason TEXT NOT NULL,
  raw_record TEXT NOT NULL
);

CREATE TABLE runs(
  run_id TEXT PRIMARY KEY,
  command TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL,
  manifest TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE metrics_daily(
  metric TEXT NOT NULL,
  day TEXT NOT NULL,
  value REAL,                          -- NULL when the ratio is undefined
  metric_schema_version INTEGER NOT NULL,
  evidence TEXT NOT NULL DEFAULT '{}', -- event ids or a query key behind the value
  run_id TEXT,
  PRIMARY KEY(metric, day)
);

CREATE TABLE metrics_weekly(
  metric TEXT NOT NULL,
  week_start TEXT NOT NULL,
  value REAL,
  metric_schema_version INTEGER NOT NULL,
  run_id TEXT,
  PRIMARY KEY(metric, week_start)
);

CREATE TABLE incidents(
  incident_id TEXT PRIMARY KEY,
  incident_type TEXT NOT NULL,
  severity TEXT NOT NULL,
  confidence TEXT NOT NULL,
  state TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  detected_at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  run_id TEXT
);

CREATE TABLE incident_feedback(
  feedback_id INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents(incident_id),
  kind TEXT NOT NULL,                  -- status | label
  value TEXT NOT NULL,
  note TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE cascades(
  cascade_id TEXT PRIMARY KEY,
  root_incident_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  run_id TEXT
);

CREATE TABLE causal_chains(
  incident_id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  run_id TEXT
);

CREATE TABLE blast_radius(
  incident_id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  run_id TEXT
);

CREATE TABLE postmortems(
  postmortem_id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  run_id TEXT
);

CREATE TABLE monitors(
  monitor_id TEXT PRIMARY KEY,
  metric TEXT NOT NULL,
  condition TEXT NOT NULL,
  threshold REAL NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  source_incident_id TEXT,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE monitor_alerts(
  alert_id TEXT PRIMARY KEY,
  monitor_id TEXT NOT NULL REFERENCES monitors(monitor_id),
  fired_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  payload TEXT NOT NULL
);

CREATE TABLE scenarios(
  scenario_id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE comparisons(
  comparison_id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE connections(
  connection_id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  realm_id TEXT,
  status TEXT NOT NULL,
  encrypted_tokens BLOB,
  payload TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);

CREATE TABLE models(
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  params TEXT NOT NULL,
  training_window TEXT NOT NULL,
  metrics TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY(name, version)
);

-- The event log and raw layers are immutable: the database itself refuses edits.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable: the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable: the event log is append-only'); END;
CREATE TRIGGER superseded_no_update BEFORE UPDATE ON superseded_events
  BEGIN SELECT RAISE(ABORT, 'superseded_events is append-only'); END;
CREATE TRIGGER superseded_no_delete BEFORE DELETE ON superseded_events
  BEGIN SELECT RAISE(ABORT, 'superseded_events is append-only'); END;
CREATE TRIGGER bronze_qbo_no_update BEFORE UPDATE ON bronze_qbo_raw
  BEGIN SELECT RAISE(ABORT, 'bronze_qbo_raw is append-only'); END;
CREATE TRIGGER bronze_qbo_no_delete BEFORE DELETE ON bronze_qbo_raw
  BEGIN SELECT RAISE(ABORT, 'bronze_qbo_raw is append-only'); END;
CREATE TRIGGER bronze_supp_no_update BEFORE UPDATE ON bronze_supplemental_raw
  BEGIN SELECT RAISE(ABORT, 'bronze_supplemental_raw is append-only'); END;
CREATE TRIGGER bronze_supp_no_delete BEFORE DELETE ON bronze_supplemental_raw
  BEGIN SELECT RAISE(ABORT, 'bronze_supplemental_raw is append-only'); END;
)SQL";


// v2: what an incremental QuickBooks pull needs to carry between runs.
constexpr const char* kV2 = R"SQL(
-- Per realm and entity type, the point the next incremental pull asks
-- changes from (`>=`, so boundary rows are re-read; bronze dedupes them).
CREATE TABLE qbo_sync_state(
  realm_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  changed_since INTEGER NOT NULL,     -- UTC ms
  last_pull_kind TEXT NOT NULL,       -- full | cdc
  last_pull_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(realm_id, entity_type)
);

-- A pull keeps every fetched response here, committed page by page, so an
-- interrupted pull resumes where it stopped; the rows are dropped once the
-- pull is ingested.
CREATE TABLE qbo_pulls(
  pull_id TEXT PRIMARY KEY,
  realm_id TEXT NOT NULL,
  status TEXT NOT NULL,               -- running | complete
  plan TEXT NOT NULL,                 -- JSON: the requests of this pull
  server_time INTEGER,                -- envelope time of the first response
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  batch_id TEXT
);
CREATE TABLE qbo_pull_pages(
  pull_id TEXT NOT NULL REFERENCES qbo_pulls(pull_id),
  request_key TEXT NOT NULL,          -- e.g. query:Invoice:1001, cdc:Invoice,Payment, read:Invoice:130
  seq INTEGER NOT NULL,
  object_count INTEGER NOT NULL,
  body TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  PRIMARY KEY(pull_id, request_key)
);

-- Webhook notifications, deduplicated by event key, waiting to be fetched.
CREATE TABLE qbo_webhook_events(
  event_key TEXT PRIMARY KEY,         -- CloudEvents id; legacy: realm|entity|id|operation|lastUpdated
  realm_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  operation TEXT NOT NULL,            -- Create | Update | Delete | Merge | Void | Emailed | ...
  deleted_id TEXT,                    -- Merge: the record merged away
  event_time INTEGER,                 -- UTC ms, when the notification carried one
  format TEXT NOT NULL,               -- legacy | cloudevents
  received_at INTEGER NOT NULL,
  fetched_by_pull TEXT                -- the pull that fetched the change; NULL while queued
);
CREATE INDEX idx_qbo_webhook_queue ON qbo_webhook_events(realm_id, fetched_by_pull);
)SQL";

// v3: the event log shaped for bulk appends. Until v2, event_id was the TEXT
// PRIMARY KEY, whose implicit index can never be dropped, so every load paid a
// random-order B-tree insert per event into it. Now the rows keep their rowid
// (append order) and event_id gets an ordinary UNIQUE index, which a large
// load drops and rebuilds in one sort like the other event indexes (see
// event_index_sql). The columns, their order, the view and the triggers are
// unchanged. Two secondary indexes go: idx_events_time (nothing queries time
// alone; (event_type, event_time) serves the typed windows the metric stages
// read) and idx_events_source (only replay filters by source, once per replay,
// which a table scan serves). Workspace::open runs migrations with foreign
// keys off and checks them before committing, as SQLite's table-rebuild
// procedure asks: superseded_events references events(event_id).
constexpr const char* kV3 = R"SQL(
DROP VIEW live_events;
DROP INDEX IF EXISTS idx_events_time;
DROP INDEX IF EXISTS idx_events_type_time;
DROP INDEX IF EXISTS idx_events_source;

CREATE TABLE events_v3(
  event_id TEXT NOT NULL,             -- unique: idx_events_id
  event_type TEXT NOT NULL,
  event_time INTEGER NOT NULL,        -- UTC ms
  ingested_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_entity_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  related_entity_ids TEXT NOT NULL,   -- canonical JSON object
  amount_minor INTEGER,
  currency TEXT,
  attributes TEXT NOT NULL,           -- canonical JSON object
  data_quality_flags TEXT NOT NULL,   -- JSON array
  schema_version TEXT NOT NULL,
  mapping_version INTEGER NOT NULL,
  batch_id TEXT NOT NULL REFERENCES ingest_batches(batch_id)
);
INSERT INTO events_v3 SELECT * FROM events ORDER BY rowid;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
CREATE UNIQUE INDEX idx_events_id ON events(event_id);
CREATE INDEX idx_events_type_time ON events(event_type, event_time);

CREATE VIEW live_events AS
  SELECT e.* FROM events e WHERE NOT EXISTS (SELECT 1 FROM superseded_events s WHERE s.event_id = e.event_id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable: the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable: the event log is append-only'); END;
)SQL";

// v4: what the monitor runtime keeps between runs. Each monitor remembers the
// last data day it was evaluated on, so the next run (a daily cron or a
// backfill) starts the day after; each alert carries its episode's first day
// to list alerts in data order. Alert statuses are active | acknowledged |
// dismissed (docs/monitors.md); the runtime always writes one, so the v1
// column default ('open') is never used.
constexpr const char* kV4 = R"SQL(
ALTER TABLE monitors ADD COLUMN last_evaluated_day TEXT;
ALTER TABLE monitor_alerts ADD COLUMN day TEXT;
CREATE INDEX idx_monitor_alerts_monitor_day ON monitor_alerts(monitor_id, day);
)SQL";

// v5: layer 2's remembered verdicts (detect/forest_verdicts.h), keyed by a
// hash of the forest's input window and parameters, so a scan refits only the
// windows whose content changed. A cache: dropping its rows changes no result.
constexpr const char* kV5 = R"SQL(
CREATE TABLE forest_verdicts(
  key TEXT PRIMARY KEY,     -- sha256 of version, parameters, seed and the window's values
  flagged INTEGER NOT NULL  -- 1: the window's last day is an outlier
) WITHOUT ROWID;
)SQL";

// v6: configured currency rates (cli.md §4a: an event in another currency is
// rejected "unless a rate is configured"). One row per foreign currency and
// first day of validity; a rate holds until the next row of its currency.
// The rate is exact decimal text, never a REAL: home-currency units one unit
// of `currency` buys.
constexpr const char* kV6 = R"SQL(
CREATE TABLE currency_rates(
  currency TEXT NOT NULL,             -- ISO 4217, never the home currency
  valid_from TEXT NOT NULL,           -- YYYY-MM-DD (UTC day); 0001-01-01: always
  rate TEXT NOT NULL,                 -- positive decimal, e.g. 1.0835
  updated_at INTEGER NOT NULL,        -- UTC ms
  PRIMARY KEY(currency, valid_from)
) WITHOUT ROWID;
)SQL";

// v7: a counter of writes to what the scan's stages read besides the event
// log, so a scan can tell that nothing it depends on changed since the last
// one and keep that scan's results (scan/scan_reuse.h). The event log needs no
// trigger: it is append-only, so its last rowids say whether it grew. Every
// other table a stage from detect to postmortems reads bumps the counter on
// any insert, update or delete, whoever writes it (ingest, build-state,
// detect, rca, incidents status/label, monitor set/disable, config set, a
// later bre version's command): a missed writer cannot make a stale reuse.
// Left out: the monitor runtime's own columns (last_evaluated_day) and alerts,
// which no stage before the monitor run reads, and the scan's own record of
// what it read (the settings key scan_reuse_inputs).
std::string v7_sql() {
  std::string sql =
      "CREATE TABLE scan_input_changes(\n"
      "  id INTEGER PRIMARY KEY CHECK(id = 1),\n"
      "  writes INTEGER NOT NULL            -- bumped by the triggers below\n"
      ");\n"
      "INSERT INTO scan_input_changes(id, writes) VALUES(1, 0);\n";
  const auto trigger = [&](const std::string& name, const std::string& on, const std::string& when) {
    sql += "CREATE TRIGGER scan_input_" + name + " AFTER " + on + when +
           " BEGIN UPDATE scan_input_changes SET writes = writes + 1; END;\n";
  };
  for (const char* table : {"entities", "ingest_batches", "metric_quality_weights", "metrics_daily", "metrics_weekly",
                            "incidents", "incident_feedback", "cascades", "causal_chains", "blast_radius",
                            "postmortems", "currency_rates"}) {
    const std::string t = table;
    trigger(t + "_insert", "INSERT ON " + t, "");
    trigger(t + "_update", "UPDATE ON " + t, "");
    trigger(t + "_delete", "DELETE ON " + t, "");
  }
  trigger("settings_insert", "INSERT ON settings", " WHEN NEW.key <> 'scan_reuse_inputs'");
  trigger("settings_update", "UPDATE ON settings", " WHEN NEW.key <> 'scan_reuse_inputs'");
  trigger("settings_delete", "DELETE ON settings", " WHEN OLD.key <> 'scan_reuse_inputs'");
  trigger("monitors_insert", "INSERT ON monitors", "");
  trigger("monitors_update",
          "UPDATE OF monitor_id, metric, condition, threshold, enabled, source_incident_id, payload, created_at ON monitors",
          "");
  trigger("monitors_delete", "DELETE ON monitors", "");
  return sql;
}

// v8: the state builder's running totals as of the last build (one row: the
// bytes of state/state_accumulator.h's save(), and the event log's end they
// cover), so an incremental build-state reads only the events added since.
// A cache: dropping the row makes the next build read the whole log again.
constexpr const char* kV8 = R"SQL(
CREATE TABLE state_snapshot(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  events_rowid INTEGER NOT NULL,      -- the last events rowid folded in
  superseded_rowid INTEGER NOT NULL,  -- the last superseded_events rowid when it was taken
  config TEXT NOT NULL,               -- what else the totals depend on: metric schema, time zone, currency digits
  data BLOB NOT NULL
);
)SQL";

// v9: the blast-radius facts as of the last scan (store/blast_facts.cpp), so
// the next scan reads only the events added since. Part 0 is a header (format,
// time zone and currency, the event log end covered); parts 1.. hold the
// records, a few MB each. A cache: deleting the rows makes the next load read
// the whole log.
constexpr const char* kV9 = R"SQL(
CREATE TABLE blast_facts_snapshot(
  part INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);
)SQL";

// v10: what each stored causal chain was computed from (store/chain_store.h
// ChainBasis), so a scan keeps the chains whose inputs did not change. Null
// for chains stored before: they are recomputed once.
constexpr const char* kV10 = R"SQL(
ALTER TABLE causal_chains ADD COLUMN basis TEXT;
)SQL";

// v11: detection's scores and BOCPD runs as of the last detection
// (detect/score_memo.h), so the next one scores only the days whose values
// changed; and each vendor's daily spend in minor units up to an event log
// end (store/entity_facts.cpp), so the spend-drift rule reads only the events
// stored since; the evidence of each incident with the log end it read
// (store/incident_store.cpp); and the times of the events the postmortems'
// timelines place (an event's time never changes). Caches: deleting a row
// makes the next run start over.
constexpr const char* kV11 = R"SQL(
CREATE TABLE score_memo(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  data BLOB NOT NULL
);
CREATE TABLE spend_snapshot(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  events_rowid INTEGER NOT NULL,      -- the last events rowid folded in
  superseded_rowid INTEGER NOT NULL,  -- the last superseded_events rowid when it was taken
  config TEXT NOT NULL,               -- format and time zone
  data BLOB NOT NULL
);
CREATE TABLE event_time_memo(
  id INTEGER PRIMARY KEY CHECK(id = 1),
  data BLOB NOT NULL                  -- event id → event_time of the events the last postmortems placed
);
CREATE TABLE evidence_memo(
  query TEXT PRIMARY KEY,             -- the evidence query and its time range
  events_rowid INTEGER NOT NULL,      -- the event log end it read
  superseded_rowid INTEGER NOT NULL,
  ids TEXT NOT NULL,                  -- JSON array: the first kMaxEvidenceIds event ids
  count INTEGER NOT NULL
);
)SQL";

}  // namespace

const std::vector<const char*>& migrations() {
  static const std::string v7 = v7_sql();
  static const std::vector<const char*> all = {kV1, kV2, kV3, kV4, kV5, kV6, v7.c_str(), kV8, kV9, kV10, kV11};
  return all;
}

// Event indexes are dropped before large bulk loads and rebuilt after: one
// sort each is several times faster than maintaining them row by row.
const char* event_index_sql() {
  return "CREATE UNIQUE INDEX IF NOT EXISTS idx_events_id ON events(event_id);"
         "CREATE INDEX IF NOT EXISTS idx_events_type_time ON events(event_type, event_time);";
}
const char* drop_event_index_sql() { return "DROP INDEX IF EXISTS idx_events_type_time;"; }
const char* drop_event_id_index_sql() { return "DROP INDEX IF EXISTS idx_events_id;"; }

}  // namespace bre
