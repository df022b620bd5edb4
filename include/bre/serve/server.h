// `bre serve`: the HTTP shell over the library. For now two routes:
//   GET  /v1/health                 status, version, schema version
//   POST /v1/webhooks/quickbooks    Intuit webhook deliveries (handle_qbo_webhook)
// Errors use the one error object of docs/errors.md plus request_id; every
// response carries X-Request-ID (the client's, when sane, else a new one).
// cpp-httplib stays inside server.cpp.
#pragma once
#include <memory>
#include <string>

#include "bre/core/log.h"

namespace bre::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;                 // 0: an ephemeral port, see Server::port()
  std::string workspace_path;      // must exist; opened per request
  std::string qbo_verifier_token;  // empty: the webhook route answers 503
};

class Server {
 public:
  Server(ServerOptions options, Logger log);
  ~Server();  // stops and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens (and migrates) the workspace once, binds, then serves on a
  // background thread; returns the bound port. A missing workspace throws its
  // usual error; a port that cannot be bound is Error(unavailable, LISTEN_FAILED).
  int start();
  // Stops accepting, finishes the requests in flight and joins. Idempotent.
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bre::serve
