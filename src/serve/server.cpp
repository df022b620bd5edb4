// cpp-httplib's threaded server (a pool of workers). Each request opens its
// own workspace connection: SQLite connections are not shared between
// threads, and WAL + BEGIN IMMEDIATE + the 5 s busy timeout serialise the
// writers of concurrent deliveries.
#include "bre/serve/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fmt/format.h>
#include <map>
#include <random>
#include <thread>

#include "bre/connect/webhook.h"
#include "bre/core/error.h"
#include "bre/core/names.h"
#include "bre/core/error_json.h"
#include "bre/core/json_text.h"
#include "bre/store/workspace.h"

namespace bre::serve {

namespace {

constexpr std::size_t kMaxBody = 10 * 1024 * 1024;  // Intuit sends up to ~1 MB
constexpr const char* kJson = "application/json";

// A client's id is echoed only when it is short and plain, so it cannot
// smuggle anything into logs or headers.
std::string request_id_for(const httplib::Request& req) {
  const std::string given = req.get_header_value("X-Request-ID");
  const bool sane = !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
  if (sane) return given;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("req_{:016x}", rng());
}

std::map<std::string, std::string> lower_case_headers(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : req.headers) {
    out[ascii_lower(name)] = value;
  }
  return out;
}

void send_error(httplib::Response& res, const Error& e, const std::string& request_id) {
  res.status = http_status(e.kind());
  res.set_content(error_json(e, now_ms(), request_id), kJson);
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Logger log;
  httplib::Server http;
  std::thread thread;
  int port = 0;

  // Runs one route: request id, error mapping and one log line per request.
  template <class Fn>
  void guarded(const httplib::Request& req, httplib::Response& res, Fn&& fn) {
    const auto started = std::chrono::steady_clock::now();
    const std::string rid = request_id_for(req);
    Logger rlog = log;
    rlog.set_request_id(rid);
    res.set_header("X-Request-ID", rid);
    res.status = 200;  // httplib fills it in only after we log
    try {
      fn(rlog, rid);
    } catch (const Error& e) {
      send_error(res, e, rid);
    } catch (const std::bad_alloc&) {
      send_error(res, Error(ErrorKind::internal, "OUT_OF_MEMORY", "out of memory"), rid);
    } catch (const std::exception& e) {
      send_error(res, Error(ErrorKind::internal, "INTERNAL", std::string("internal error: ") + e.what()), rid);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    rlog.log(res.status >= 500 ? LogLevel::error : LogLevel::info, "serve", "http_request",
             {{"method", req.method}, {"path", req.path}, {"status", res.status}}, ms);
  }

  std::unique_ptr<Workspace> workspace() const { return Workspace::open(options.workspace_path, false); }

  void routes() {
    http.Get("/v1/health", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res, [&](const Logger&, const std::string& rid) {
        auto ws = workspace();  // proves the workspace is reachable
        JsonObjectWriter w;
        w.string("status", "ok")
            .string("version", BRE_VERSION)
            .integer("schema_version", ws->db().query_int("PRAGMA user_version"))
            .string("qbo_webhook", options.qbo_verifier_token.empty() ? "not_configured" : "configured")
            .string("request_id", rid);
        res.set_content(w.str(), kJson);
      });
    });
    // The raw body as received: the signature covers these exact bytes.
    http.Post("/v1/webhooks/quickbooks", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res, [&](const Logger& rlog, const std::string& rid) {
        auto ws = workspace();
        const connect::WebhookResult r = connect::handle_qbo_webhook(
            *ws, options.qbo_verifier_token, lower_case_headers(req), req.body, now_ms(), rlog, rid);
        res.status = r.http_status;
        res.set_content(r.body, kJson);
      });
    });
    // Unknown paths and methods, and httplib's own refusals (413, 400): the
    // same error object. Responses our routes already wrote pass through.
    const httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req,
                                                                 httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      const std::string rid = request_id_for(req);
      res.set_header("X-Request-ID", rid);
      const Error e = res.status == 404
                          ? Error(ErrorKind::not_found, "ENDPOINT_NOT_FOUND",
                                  fmt::format("no such endpoint: {} {}", req.method, req.path))
                          : Error(ErrorKind::usage, "BAD_REQUEST", fmt::format("request refused (HTTP {})", res.status));
      const int status = res.status;
      res.set_content(error_json(e, now_ms(), rid), kJson);
      res.status = status;
      log.info("serve", "http_request", {{"method", req.method}, {"path", req.path}, {"status", status}});
      return httplib::Server::HandlerResponse::Handled;
    };
    http.set_error_handler(on_error);
  }
};

Server::Server(ServerOptions options, Logger log) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->log = std::move(log);
}

Server::~Server() { stop(); }

int Server::start() {
  Impl& s = *impl_;
  s.workspace();  // migrate once, before any worker runs; refuse a missing workspace
  if (s.options.qbo_verifier_token.empty())
    s.log.warn("serve", "qbo_webhook_not_configured",
               {{"env", connect::kQboVerifierEnv}, {"effect", "POST /v1/webhooks/quickbooks answers 503"}});
  s.routes();
  s.http.set_payload_max_length(kMaxBody);
  // httplib's default adds SO_REUSEPORT, which would let a second `bre serve`
  // share the port silently; SO_REUSEADDR alone still allows a quick restart.
  s.http.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.http.set_read_timeout(10, 0);
  if (s.options.port == 0) {
    s.port = s.http.bind_to_any_port(s.options.host);
  } else {
    s.port = s.http.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0)
    throw Error(ErrorKind::unavailable, "LISTEN_FAILED", "cannot listen (address in use or not local?)",
                fmt::format("{}:{}", s.options.host, s.options.port));
  s.thread = std::thread([&s] { s.http.listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready(): poll until the loop runs.
  while (!s.http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.log.info("serve", "listening", {{"host", s.options.host}, {"port", s.port}});
  return s.port;
}

void Server::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->http.stop();
  impl_->thread.join();
}

int Server::port() const { return impl_->port; }

}  // namespace bre::serve
