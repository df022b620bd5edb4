#include "qbo_emulator.h"

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "bre/connect/http.h"
#include "bre/core/time.h"

namespace bre::test {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Json = nlohmann::ordered_json;

const char* const kEntities[] = {"Customer", "Vendor", "Item", "Invoice", "Payment", "SalesReceipt", "CreditMemo",
                                 "RefundReceipt", "Estimate", "Bill", "BillPayment", "Purchase", "PurchaseOrder"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::int64_t updated_at(const Json& o) {
  if (!o.contains("MetaData") || !o["MetaData"].contains("LastUpdatedTime")) return 0;
  return parse_iso8601(o["MetaData"]["LastUpdatedTime"].get<std::string>()).value_or(0);
}

std::string fault(const std::string& type, const std::string& code, const std::string& message) {
  Json f;
  f["Fault"]["Error"] = Json::array({Json{{"Message", message}, {"Detail", message}, {"code", code}}});
  f["Fault"]["type"] = type;
  f["time"] = format_iso8601(now_ms());
  return f.dump();
}

}  // namespace

struct QboEmulator::Company {
  std::map<std::string, std::vector<Json>> objects;  // entity → objects in creation order
  struct Deletion {
    std::string entity, id;
    std::int64_t at;
  };
  std::vector<Deletion> deleted;

  Json* find(const std::string& entity, const std::string& id) {
    for (Json& o : objects[entity])
      if (o["Id"] == id) return &o;
    return nullptr;
  }
};

QboEmulator::QboEmulator(std::string fixtures_dir, std::string client_id, std::string client_secret)
    : fixtures_(std::move(fixtures_dir)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      server_(std::make_unique<httplib::Server>()),
      company_(std::make_unique<Company>()) {
  for (const char* entity : kEntities) {
    const std::string text = read_text(fixtures_ + "/query-" + entity + ".json");
    if (text.empty()) continue;
    const Json page = Json::parse(text);
    for (const Json& o : page["QueryResponse"][entity]) company_->objects[entity].push_back(o);
  }
  httplib::Server& s = *server_;

  s.Post("/oauth2/v1/tokens/bearer", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    ++token_requests_;
    if (req.get_header_value("Authorization") !=
        "Basic " + connect::base64_encode(client_id_ + ":" + client_secret_)) {
      res.status = 401;
      res.set_content(R"({"error":"invalid_client"})", "application/json");
      return;
    }
    const std::string grant = req.get_param_value("grant_type");
    if (grant == "authorization_code") {
      const std::string code = req.get_param_value("code");
      if (!codes_.erase(code)) {
        res.status = 400;
        res.set_content(read_text(fixtures_ + "/token-error-invalid-grant.json"), "application/json");
        return;
      }
    } else if (grant == "refresh_token") {
      ++refresh_requests_;
      const std::string rt = req.get_param_value("refresh_token");
      if (rt.empty() || rt != live_refresh_) {
        res.status = 400;
        res.set_content(read_text(fixtures_ + "/token-error-invalid-grant.json"), "application/json");
        return;
      }
      dead_refresh_.insert(rt);
    } else {
      res.status = 400;
      res.set_content(R"({"error":"unsupported_grant_type"})", "application/json");
      return;
    }
    ++serial_;
    auto body = nlohmann::ordered_json::parse(read_text(fixtures_ + "/token-response.json"));
    const std::string access = "EMU-ACCESS-" + std::to_string(serial_) + "-Zq7";
    live_refresh_ = "EMU-REFRESH-" + std::to_string(serial_) + "-Kx9";
    live_access_.insert(access);
    body["access_token"] = access;
    body["refresh_token"] = live_refresh_;
    res.set_content(body.dump(), "application/json");
  });

  s.Post("/v2/oauth2/tokens/revoke", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (req.get_header_value("Authorization") !=
        "Basic " + connect::base64_encode(client_id_ + ":" + client_secret_)) {
      res.status = 401;
      return;
    }
    const auto j = nlohmann::json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.contains("token")) {
      res.status = 400;
      return;
    }
    const std::string token = j["token"].get<std::string>();
    if (token == live_refresh_) live_refresh_.clear();
    live_access_.clear();
    ++revocations_;
    res.status = 200;
  });

  s.Get(R"(/v3/company/(\d+)/query)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (admit(req, res)) serve_query(req, res);
  });
  s.Get(R"(/v3/company/(\d+)/cdc)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (admit(req, res)) serve_cdc(req, res);
  });
  s.Post(R"(/v3/company/(\d+)/([a-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (admit(req, res)) serve_create(req, res);
  });
  s.Get(R"(/v3/company/(\d+)/([a-z]+)/([^/?]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (admit(req, res)) serve_read(req, res);
  });

  port_ = s.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

QboEmulator::~QboEmulator() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string QboEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string QboEmulator::issue_code() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string code = "EMU-CODE-" + std::to_string(++serial_);
  codes_.insert(code);
  return code;
}

void QboEmulator::expire_access_tokens() {
  std::lock_guard<std::mutex> lock(mu_);
  live_access_.clear();
}

void QboEmulator::expire_after_queries(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  expire_countdown_ = n;
}

void QboEmulator::script(Scripted response) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back(std::move(response));
}

bool QboEmulator::admit(const httplib::Request& req, httplib::Response& res) {
  ++query_requests_;
  const std::string auth = req.get_header_value("Authorization");
  const std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : std::string();
  if (req.matches[1] != realm || !live_access_.count(token)) {
    res.status = 401;
    res.set_content(read_text(fixtures_ + "/error-401.xml"), "application/xml");
    return false;
  }
  if (!script_.empty()) {
    Scripted sc = script_.front();
    script_.pop_front();
    res.status = sc.status;
    if (!sc.retry_after.empty()) res.set_header("Retry-After", sc.retry_after);
    res.set_content(sc.body, sc.content_type.empty() ? "application/json" : sc.content_type);
    return false;
  }
  if (outage_countdown_ == 0 && outage_failures_ > 0) {
    --outage_failures_;
    res.status = outage_status_;
    res.set_content(fault("SERVICE", "10000", "An application error has occurred"), "application/json");
    return false;
  }
  if (req.get_param_value("minorversion") != "75") {
    res.status = 400;
    res.set_content(fault("ValidationFault", "2010", "minorversion"), "application/json");
    return false;
  }
  return true;
}

void QboEmulator::answer(httplib::Response& res, const std::string& json) {
  if (expire_countdown_ > 0 && --expire_countdown_ == 0) live_access_.clear();
  if (outage_countdown_ > 0) --outage_countdown_;
  res.set_content(json, "application/json");
}

void QboEmulator::serve_query(const httplib::Request& req, httplib::Response& res) {
  const std::string q = req.get_param_value("query");
  queries_.push_back(q);
  requests_.push_back("query " + q);
  std::smatch m;
  std::string entity;
  long start = 1, max = 100;
  if (std::regex_search(q, m, std::regex(R"(FROM\s+(\w+))", std::regex::icase))) entity = m[1];
  if (std::regex_search(q, m, std::regex(R"(STARTPOSITION\s+(\d+))", std::regex::icase))) start = std::stol(m[1]);
  if (std::regex_search(q, m, std::regex(R"(MAXRESULTS\s+(\d+))", std::regex::icase))) max = std::stol(m[1]);
  std::optional<std::int64_t> since;
  bool strictly_after = false;
  if (std::regex_search(q, m, std::regex(R"(LastUpdatedTime\s*(>=|>)\s*'([^']+)')", std::regex::icase))) {
    strictly_after = m[1] == ">";
    since = parse_iso8601(m[2].str());
  }
  const bool with_inactive = std::regex_search(q, std::regex(R"(Active\s+IN\s*\(\s*true\s*,\s*false\s*\))", std::regex::icase));
  std::vector<Json> rows;
  for (const Json& o : company_->objects[entity]) {
    if (!with_inactive && o.contains("Active") && o["Active"] == false) continue;
    const std::int64_t t = updated_at(o);
    if (since && (strictly_after ? t <= *since : t < *since)) continue;
    rows.push_back(o);
  }
  if (since) std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) { return updated_at(a) < updated_at(b); });
  Json out;
  out["QueryResponse"] = Json::object();
  Json slice = Json::array();
  for (long i = start - 1; i >= 0 && i < static_cast<long>(rows.size()) && i < start - 1 + max; ++i)
    slice.push_back(rows[static_cast<std::size_t>(i)]);
  if (!slice.empty()) {
    out["QueryResponse"][entity] = slice;
    out["QueryResponse"]["startPosition"] = start;
    out["QueryResponse"]["maxResults"] = slice.size();
  }
  out["time"] = now_text();
  answer(res, out.dump());
}

void QboEmulator::serve_cdc(const httplib::Request& req, httplib::Response& res) {
  const std::string names = req.get_param_value("entities");
  const std::string since_text = req.get_param_value("changedSince");
  requests_.push_back("cdc " + names + " " + since_text);
  const auto since = parse_iso8601(since_text);
  if (!since || *since < clock() - 30LL * 24 * 3600 * 1000) {
    res.status = 400;
    res.set_content(fault("ValidationFault", "2030", "changedSince must be within the last 30 days"), "application/json");
    return;
  }
  Json groups = Json::array();
  int budget = cdc_limit_;
  std::stringstream list(names);
  for (std::string entity; std::getline(list, entity, ',') && budget > 0;) {
    std::vector<Json> changed;
    for (const Json& o : company_->objects[entity])
      if (updated_at(o) >= *since) changed.push_back(o);
    std::stable_sort(changed.begin(), changed.end(), [](const Json& a, const Json& b) { return updated_at(a) < updated_at(b); });
    for (const auto& d : company_->deleted)
      if (d.entity == entity && d.at >= *since)
        changed.push_back(Json{{"domain", "QBO"}, {"status", "Deleted"}, {"Id", d.id},
                               {"MetaData", {{"LastUpdatedTime", format_iso8601(d.at)}}}});
    if (changed.empty()) continue;
    if (static_cast<int>(changed.size()) > budget) changed.resize(static_cast<std::size_t>(budget));
    budget -= static_cast<int>(changed.size());
    Json group;
    group[entity] = changed;
    group["startPosition"] = 1;
    group["maxResults"] = changed.size();
    groups.push_back(group);
  }
  if (groups.empty()) groups.push_back(Json::object());
  Json out;
  out["CDCResponse"] = Json::array({Json{{"QueryResponse", groups}}});
  out["time"] = now_text();
  answer(res, out.dump());
}

void QboEmulator::serve_read(const httplib::Request& req, httplib::Response& res) {
  const std::string kind = req.matches[2], id = req.matches[3];
  requests_.push_back("read " + kind + "/" + id);
  for (auto& [entity, list] : company_->objects) {
    if (lower(entity) != kind) continue;
    if (const Json* o = company_->find(entity, id)) {
      Json out;
      out[entity] = *o;
      out["time"] = now_text();
      answer(res, out.dump());
      return;
    }
  }
  res.status = 400;
  res.set_content(fault("ValidationFault", "610", "Object Not Found"), "application/json");
}

void QboEmulator::serve_create(const httplib::Request& req, httplib::Response& res) {
  const std::string kind = req.matches[2];
  requests_.push_back("create " + kind);
  std::string entity;
  for (const char* e : kEntities)
    if (lower(e) == kind) entity = e;
  const auto body = Json::parse(req.body, nullptr, false);
  if (entity.empty() || body.is_discarded() || !body.is_object() || body.contains("Id")) {
    res.status = 400;
    res.set_content(fault("ValidationFault", "2020", "Required param missing, need to supply the required value"),
                    "application/json");
    return;
  }
  // QBO's requestid: a repeated create answers with the object made the first time.
  const std::string rid = req.get_param_value("requestid");
  std::string id;
  if (auto it = created_by_request_.find(rid); !rid.empty() && it != created_by_request_.end()) {
    id = it->second;
  } else {
    Json o = body;
    long next = 1;
    for (const Json& x : company_->objects[entity]) next = std::max(next, std::stol(x["Id"].get<std::string>()) + 1);
    o["Id"] = std::to_string(next);
    o["SyncToken"] = "0";
    o["MetaData"] = {{"CreateTime", now_text()}, {"LastUpdatedTime", now_text()}};
    company_->objects[entity].push_back(o);
    id = o["Id"].get<std::string>();
    if (!rid.empty()) created_by_request_[rid] = id;
  }
  Json out;
  out[entity] = *company_->find(entity, id);
  out["time"] = now_text();
  answer(res, out.dump());
}

std::string QboEmulator::now_text() const { return format_iso8601(clock()); }

void QboEmulator::set_clock(std::int64_t utc_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  clock_ = utc_ms;
}

std::int64_t QboEmulator::clock() const { return clock_ ? clock_ : now_ms(); }

std::string QboEmulator::put(const std::string& entity, const std::string& object_json) {
  std::lock_guard<std::mutex> lock(mu_);
  Json o = Json::parse(object_json);
  auto& list = company_->objects[entity];
  Json* old = o.contains("Id") ? company_->find(entity, o["Id"].get<std::string>()) : nullptr;
  if (!o.contains("Id")) {
    long next = 1;
    for (const Json& x : list) next = std::max(next, std::stol(x["Id"].get<std::string>()) + 1);
    o["Id"] = std::to_string(next);
  }
  o["SyncToken"] = old ? std::to_string(std::stol((*old)["SyncToken"].get<std::string>()) + 1) : std::string("0");
  o["MetaData"]["LastUpdatedTime"] = now_text();
  if (!o["MetaData"].contains("CreateTime")) o["MetaData"]["CreateTime"] = now_text();
  if (old) *old = o;
  else list.push_back(o);
  return o["Id"].get<std::string>();
}

void QboEmulator::remove(const std::string& entity, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& list = company_->objects[entity];
  list.erase(std::remove_if(list.begin(), list.end(), [&](const Json& o) { return o["Id"] == id; }), list.end());
  company_->deleted.push_back({entity, id, clock()});
}

void QboEmulator::void_transaction(const std::string& entity, const std::string& id) {
  Json o;
  {
    std::lock_guard<std::mutex> lock(mu_);
    o = *company_->find(entity, id);
  }
  for (const char* field : {"TotalAmt", "Balance"})
    if (o.contains(field)) o[field] = 0;
  if (o.contains("Line"))
    for (Json& line : o["Line"]) line["Amount"] = 0;
  o["PrivateNote"] = "Voided";
  put(entity, o.dump());
}

void QboEmulator::clear_company() {
  std::lock_guard<std::mutex> lock(mu_);
  company_->objects.clear();
  company_->deleted.clear();
}

void QboEmulator::set_cdc_limit(int objects) {
  std::lock_guard<std::mutex> lock(mu_);
  cdc_limit_ = objects;
}

void QboEmulator::outage_after(int ok, int failures, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  outage_countdown_ = ok;
  outage_failures_ = failures;
  outage_status_ = status;
}

std::vector<std::string> QboEmulator::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::string QboEmulator::fixture(const std::string& name) const { return read_text(fixtures_ + "/" + name); }

int QboEmulator::token_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return token_requests_;
}
int QboEmulator::refresh_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refresh_requests_;
}
int QboEmulator::query_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return query_requests_;
}
int QboEmulator::revocations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revocations_;
}
std::string QboEmulator::latest_refresh_token() const {
  std::lock_guard<std::mutex> lock(mu_);
  return live_refresh_;
}
std::vector<std::string> QboEmulator::queries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queries_;
}

}  // namespace bre::test
