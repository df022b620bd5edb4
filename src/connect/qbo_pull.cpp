// The pull: plan (full or CDC per entity type), fetch with every response
// committed as it arrives, then one ingest that also moves the bookmarks.
// See the header for the rules and docs/qbo-sync.md for why.
#include "bre/connect/qbo_pull.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bre/connect/webhook.h"
#include "bre/core/error.h"
#include "bre/core/names.h"
#include "bre/store/event_store.h"

namespace bre::connect {

namespace {

struct Plan {
  std::vector<std::string> full, cdc;
  std::optional<TimeMs> changed_since;
  int page_size = 1000;
  int cdc_limit = 1000;

  std::string to_json() const {
    nlohmann::ordered_json j{{"full", full}, {"cdc", cdc}, {"page_size", page_size}, {"cdc_limit", cdc_limit}};
    j["changed_since"] = changed_since ? nlohmann::ordered_json(*changed_since) : nlohmann::ordered_json();
    return j.dump();
  }
  static Plan from_json(const std::string& text) {
    const auto j = nlohmann::json::parse(text);
    Plan p;
    p.full = j.at("full").get<std::vector<std::string>>();
    p.cdc = j.at("cdc").get<std::vector<std::string>>();
    p.page_size = j.at("page_size").get<int>();
    p.cdc_limit = j.at("cdc_limit").get<int>();
    if (!j.at("changed_since").is_null()) p.changed_since = j.at("changed_since").get<TimeMs>();
    return p;
  }
};

// CDC wants a datetime with an offset; whole seconds, rounded down, so that
// `changedSince` never skips the boundary.
std::string cdc_datetime(TimeMs t) { return format_iso8601(t - ((t % 1000) + 1000) % 1000).substr(0, 19) + "+00:00"; }

std::optional<TimeMs> bookmark(Database& db, const std::string& realm, const std::string& entity) {
  Statement s = db.prepare("SELECT changed_since FROM qbo_sync_state WHERE realm_id = ? AND entity_type = ?");
  s.bind(1, realm).bind(2, entity);
  if (!s.step()) return std::nullopt;
  return s.int64(0);
}

Plan make_plan(Database& db, const std::string& realm, const QboApiIngestRequest& req, TimeMs now) {
  Plan p;
  p.page_size = std::clamp(req.pull.page_size, 1, 1000);
  p.cdc_limit = std::max(1, req.pull.cdc_object_limit);
  for (const std::string& e : req.pull.entities.empty() ? default_qbo_entities() : req.pull.entities) {
    const auto mark = bookmark(db, realm, e);
    if (choose_pull_kind(mark, now, req.full) == QboPullKind::full) {
      p.full.push_back(e);
    } else {
      p.cdc.push_back(e);
      p.changed_since = std::min(p.changed_since.value_or(*mark), *mark);
    }
  }
  return p;
}

// One pull's row in qbo_pulls and its saved responses.
class Pull {
 public:
  Pull(Workspace& ws, QboSession& session, const QboApiIngestRequest& req, QboPullReport& report)
      : db_(ws.db()), session_(session), report_(report) {
    const TimeMs now = now_ms();
    Transaction tx(db_);
    Statement running = db_.prepare(
        "SELECT pull_id, plan, started_at FROM qbo_pulls WHERE realm_id = ? AND status = 'running' "
        "ORDER BY started_at LIMIT 1");
    running.bind(1, session.realm_id());
    if (running.step()) {
      id_ = running.text(0);
      plan_ = Plan::from_json(running.text(1));
      started_at_ = running.int64(2);
      report_.resumed = true;
    } else {
      id_ = new_batch_id("pull");
      plan_ = make_plan(db_, session.realm_id(), req, now);
      started_at_ = now;
      Statement insert = db_.prepare(
          "INSERT INTO qbo_pulls(pull_id, realm_id, status, plan, started_at) VALUES(?,?,'running',?,?)");
      insert.bind(1, id_).bind(2, session.realm_id()).bind(3, plan_.to_json()).bind(4, now).run();
    }
    tx.commit();
    Statement saved = db_.prepare("SELECT request_key, object_count FROM qbo_pull_pages WHERE pull_id = ?");
    saved.bind(1, id_);
    while (saved.step()) saved_[saved.text(0)] = saved.int64(1);
    report_.pull_id = id_;
    report_.full_entities = plan_.full;
    report_.cdc_entities = plan_.cdc;
    report_.changed_since = plan_.changed_since;
  }

  const Plan& plan() const { return plan_; }
  const std::string& id() const { return id_; }
  TimeMs started_at() const { return started_at_; }
  std::int64_t saved_responses() const { return static_cast<std::int64_t>(saved_.size()); }

  // The number of objects in the response to `key`: from the saved response
  // when an earlier run fetched it, else fetched, checked and saved now.
  std::int64_t fetch(const std::string& key, const std::string& path_and_query) {
    if (auto it = saved_.find(key); it != saved_.end()) {
      ++report_.responses_reused;
      return it->second;
    }
    const std::string body = session_.get(path_and_query);
    const QboPage page = parse_qbo_page(body);  // a Fault inside a 200 stops the pull here
    const auto n = static_cast<std::int64_t>(page.objects.size());
    Transaction tx(db_);
    Statement insert = db_.prepare(
        "INSERT OR IGNORE INTO qbo_pull_pages(pull_id, request_key, seq, object_count, body, fetched_at) "
        "VALUES(?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM qbo_pull_pages WHERE pull_id = ?1), ?3, ?4, ?5)");
    insert.bind(1, id_).bind(2, key).bind(3, n).bind(4, body).bind(5, now_ms()).run();
    if (page.time) {
      Statement t = db_.prepare("UPDATE qbo_pulls SET server_time = coalesce(server_time, ?) WHERE pull_id = ?");
      t.bind(1, *page.time).bind(2, id_).run();
    }
    tx.commit();
    saved_[key] = n;
    ++report_.requests_made;
    return n;
  }

  // Every saved response, in the order fetched.
  std::vector<QboPage> pages() {
    std::vector<QboPage> out;
    Statement s = db_.prepare("SELECT body FROM qbo_pull_pages WHERE pull_id = ? ORDER BY seq");
    s.bind(1, id_);
    while (s.step()) out.push_back(parse_qbo_page(s.text_view(0)));
    return out;
  }

  std::optional<TimeMs> server_time() {
    Statement s = db_.prepare("SELECT server_time FROM qbo_pulls WHERE pull_id = ?");
    s.bind(1, id_);
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return s.int64(0);
  }

 private:
  Database& db_;
  QboSession& session_;
  QboPullReport& report_;
  std::string id_;
  Plan plan_;
  TimeMs started_at_ = 0;
  std::map<std::string, std::int64_t> saved_;
};

std::string query_path(const std::string& entity, std::int64_t start, int size) {
  return "query?query=" + url_encode(qbo_query_for(entity, start, size)) +
         "&minorversion=" + std::to_string(kQboMinorVersion);
}

void pull_in_full(Pull& pull, const std::string& entity) {
  const int size = pull.plan().page_size;
  for (std::int64_t start = 1;;) {
    const std::int64_t n = pull.fetch(fmt::format("query:{}:{}", entity, start), query_path(entity, start, size));
    if (n < size) return;
    start += n;
  }
}

std::int64_t cdc(Pull& pull, const std::vector<std::string>& entities, TimeMs since, const std::string& key) {
  std::string names;
  for (const std::string& e : entities) names += (names.empty() ? "" : ",") + e;
  return pull.fetch(key, "cdc?entities=" + url_encode(names) + "&changedSince=" + url_encode(cdc_datetime(since)) +
                             "&minorversion=" + std::to_string(kQboMinorVersion));
}

// Runs the plan; returns the entity types pulled in full (their absent ids are deletes).
std::set<std::string> run_plan(Pull& pull, const std::vector<QueuedQboChange>& queued) {
  const Plan& plan = pull.plan();
  std::vector<std::string> full = plan.full;
  if (!plan.cdc.empty()) {
    // CDC has no paging: at its cap ask type by type, and a type still at the
    // cap is pulled in full instead.
    if (cdc(pull, plan.cdc, *plan.changed_since, "cdc:all") >= plan.cdc_limit)
      for (const std::string& e : plan.cdc)
        if (cdc(pull, {e}, *plan.changed_since, "cdc:" + e) >= plan.cdc_limit) full.push_back(e);
  }
  for (const std::string& e : full) pull_in_full(pull, e);
  for (const QueuedQboChange& c : queued) {
    if (c.operation == "Delete") continue;  // recorded from the notification itself
    pull.fetch(fmt::format("read:{}:{}", c.entity_type, c.entity_id),
               ascii_lower(c.entity_type) + "/" + url_encode(c.entity_id) + "?minorversion=" + std::to_string(kQboMinorVersion));
  }
  return {full.begin(), full.end()};
}

// Ids this company's earlier pulls stored that a full pull no longer returned.
std::vector<QboObject> absent_from_full_pull(Database& db, const std::string& realm, const std::string& entity,
                                             const std::set<std::string>& returned, TimeMs when) {
  Statement s = db.prepare(
      "SELECT b.entity_id, max(b.operation = 'Delete') FROM bronze_qbo_raw b "
      "JOIN ingest_batches i ON i.batch_id = b.batch_id "
      "WHERE b.entity_type = ? AND i.source = 'qbo' AND i.inputs LIKE ? GROUP BY b.entity_id");
  s.bind(1, entity).bind(2, "%\"quickbooks:" + realm + "\"%");
  std::vector<QboObject> stubs;
  while (s.step())
    if (s.int64(1) == 0 && !returned.count(s.text(0))) stubs.push_back(qbo_delete_stub(entity, s.text(0), when));
  return stubs;
}

void save_bookmarks(Database& db, const std::string& realm, const Pull& pull, const std::set<std::string>& full,
                    TimeMs changed_since) {
  Statement s = db.prepare(
      "INSERT INTO qbo_sync_state(realm_id, entity_type, changed_since, last_pull_kind, last_pull_id, updated_at) "
      "VALUES(?,?,?,?,?,?) ON CONFLICT(realm_id, entity_type) DO UPDATE SET changed_since = excluded.changed_since, "
      "last_pull_kind = excluded.last_pull_kind, last_pull_id = excluded.last_pull_id, updated_at = excluded.updated_at");
  std::vector<std::string> all = pull.plan().full;
  all.insert(all.end(), pull.plan().cdc.begin(), pull.plan().cdc.end());
  for (const std::string& e : all) {
    s.bind(1, realm).bind(2, e).bind(3, changed_since).bind(4, full.count(e) ? "full" : "cdc");
    s.bind(5, pull.id()).bind(6, now_ms()).run();
  }
}

}  // namespace

QboPullKind choose_pull_kind(std::optional<TimeMs> bookmark, TimeMs now, bool force_full) {
  if (force_full || !bookmark) return QboPullKind::full;
  return *bookmark > now - kQboCdcLookBackMs + kQboCdcSafetyMs ? QboPullKind::cdc : QboPullKind::full;
}

IngestResult ingest_qbo_api(Workspace& ws, const QboApiIngestRequest& request, const Logger& log, RetryPolicy retry,
                            QboPullReport* report_out) {
  check_requested_currency(ws, request.currency);
  const TokenVault vault = TokenVault::for_workspace(ws.path());
  QboSession session(ws, vault, qbo_endpoints_from_env(), log, std::move(retry));
  const std::string realm = session.realm_id();
  QboPullReport report;
  Pull pull(ws, session, request, report);
  const std::vector<QueuedQboChange> queued = queued_qbo_changes(ws.db(), realm);
  report.webhook_changes = static_cast<std::int64_t>(queued.size());
  log.info("ingest", report.resumed ? "qbo_pull_resumed" : "qbo_pull_started",
           {{"pull_id", pull.id()}, {"full", static_cast<std::int64_t>(pull.plan().full.size())},
            {"cdc", static_cast<std::int64_t>(pull.plan().cdc.size())}, {"webhook_changes", report.webhook_changes}});

  std::set<std::string> full;
  try {
    ScopedTimer timer(log, "ingest", "qbo_api_pull");
    full = run_plan(pull, queued);
  } catch (const Error& e) {
    if (pull.saved_responses() == 0) throw;
    throw Error(e.kind(), e.code(),
                fmt::format("{}; the {} responses fetched so far are saved and the next 'bre ingest qbo' resumes "
                            "from there",
                            e.what(), pull.saved_responses()));
  }

  const TimeMs seen_at = pull.server_time().value_or(pull.started_at());
  QboObjectsBatch batch;
  batch.inputs = {"quickbooks:" + realm};
  batch.as_of = request.as_of;
  batch.currency = request.currency;
  std::map<std::string, std::set<std::string>> returned;
  for (QboPage& page : pull.pages()) {
    if (page.time) batch.newest_response = std::max(batch.newest_response.value_or(*page.time), *page.time);
    for (QboObject& o : page.objects) {
      if (o.operation != QboOperation::Delete) returned[o.entity_type].insert(o.id);
      batch.objects.push_back(std::move(o));
    }
  }
  for (const std::string& e : full)
    for (QboObject& stub : absent_from_full_pull(ws.db(), realm, e, returned[e], seen_at)) {
      ++report.deletes_inferred;
      batch.objects.push_back(std::move(stub));
    }
  std::vector<std::string> fetched_keys;
  for (const QueuedQboChange& c : queued) {
    fetched_keys.push_back(c.event_key);
    if (c.operation == "Delete") batch.objects.push_back(qbo_delete_stub(c.entity_type, c.entity_id, c.event_time.value_or(seen_at)));
  }
  // Changes made while this pull ran carry later times than the first
  // response, so bookmarking that time re-reads them next run.
  const TimeMs next_since = pull.server_time().value_or(pull.started_at() - kQboCdcSafetyMs / 12);
  batch.before_commit = [&](Database& db, const std::string& batch_id) {
    Statement done = db.prepare(
        "UPDATE qbo_pulls SET status = 'complete', finished_at = ?, batch_id = ? WHERE pull_id = ? AND status = 'running'");
    done.bind(1, now_ms()).bind(2, batch_id).bind(3, pull.id()).run();
    if (db.changes() == 0)
      throw Error(ErrorKind::temp_failure, "PULL_FINISHED_ELSEWHERE",
                  "another 'bre ingest qbo' finished this pull first; nothing more to do");
    save_bookmarks(db, realm, pull, full, next_since);
    Statement drop = db.prepare("DELETE FROM qbo_pull_pages WHERE pull_id = ?");
    drop.bind(1, pull.id()).run();
    mark_qbo_changes_fetched(db, fetched_keys, pull.id());
  };
  IngestResult result = ingest_qbo_objects(ws, std::move(batch), log);
  log.info("ingest", "qbo_api_pulled",
           {{"realm_id", realm}, {"pull_id", pull.id()}, {"requests", report.requests_made},
            {"responses_reused", report.responses_reused}, {"deletes_inferred", report.deletes_inferred},
            {"token_refreshes", session.refreshes()}});
  if (report_out) *report_out = std::move(report);
  return result;
}

}  // namespace bre::connect
