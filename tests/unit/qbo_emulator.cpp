#include "qbo_emulator.h"

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "bre/connect/http.h"

namespace bre::test {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

QboEmulator::QboEmulator(std::string fixtures_dir, std::string client_id, std::string client_secret)
    : fixtures_(std::move(fixtures_dir)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      server_(std::make_unique<httplib::Server>()) {
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
    ++query_requests_;
    const std::string auth = req.get_header_value("Authorization");
    const std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : std::string();
    if (req.matches[1] != realm || !live_access_.count(token)) {
      res.status = 401;
      res.set_content(read_text(fixtures_ + "/error-401.xml"), "application/xml");
      return;
    }
    if (!script_.empty()) {
      Scripted sc = script_.front();
      script_.pop_front();
      res.status = sc.status;
      if (!sc.retry_after.empty()) res.set_header("Retry-After", sc.retry_after);
      res.set_content(sc.body, sc.content_type.empty() ? "application/json" : sc.content_type);
      return;
    }
    if (req.get_param_value("minorversion") != "75") {
      res.status = 400;
      res.set_content(R"({"Fault":{"Error":[{"Message":"minorversion","code":"2010"}],"type":"ValidationFault"}})",
                      "application/json");
      return;
    }
    const std::string q = req.get_param_value("query");
    queries_.push_back(q);
    std::smatch m;
    const std::regex from(R"(FROM\s+(\w+))", std::regex::icase);
    const std::regex startpos(R"(STARTPOSITION\s+(\d+))", std::regex::icase);
    const std::regex maxres(R"(MAXRESULTS\s+(\d+))", std::regex::icase);
    std::string entity;
    long start = 1, max = 100;
    if (std::regex_search(q, m, from)) entity = m[1];
    if (std::regex_search(q, m, startpos)) start = std::stol(m[1]);
    if (std::regex_search(q, m, maxres)) max = std::stol(m[1]);
    nlohmann::ordered_json out;
    out["QueryResponse"] = nlohmann::ordered_json::object();
    out["time"] = "2026-06-15T08:00:00.000-07:00";
    const std::string text = read_text(fixtures_ + "/query-" + entity + ".json");
    if (!text.empty()) {
      auto page = nlohmann::ordered_json::parse(text);
      out["time"] = page["time"];
      const auto& all = page["QueryResponse"][entity];
      nlohmann::ordered_json slice = nlohmann::ordered_json::array();
      for (long i = start - 1; i >= 0 && i < static_cast<long>(all.size()) && i < start - 1 + max; ++i)
        slice.push_back(all[static_cast<std::size_t>(i)]);
      if (!slice.empty()) {
        out["QueryResponse"][entity] = slice;
        out["QueryResponse"]["startPosition"] = start;
        out["QueryResponse"]["maxResults"] = slice.size();
      }
    }
    if (expire_countdown_ > 0 && --expire_countdown_ == 0) live_access_.clear();
    res.set_content(out.dump(), "application/json");
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
