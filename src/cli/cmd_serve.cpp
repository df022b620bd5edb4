// bre serve: the HTTP server in the foreground until SIGINT or SIGTERM. The
// signals are blocked before any thread starts and taken with sigwait here,
// so a signal never lands in a worker and shutdown is an ordinary stop().
#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/connect/webhook.h"
#include "bre/core/error.h"
#include "bre/serve/server.h"
#include "command.h"

namespace bre::cli {

void register_serve(Declarer& root) {
  static std::string host = "127.0.0.1";
  static int port = 8000;
  root.command(
      "serve", "serve the HTTP API (for now: health and the QuickBooks webhook)",
      [](Declarer& d) {
        d.option("--host", &host, "address to listen on (default 127.0.0.1)");
        d.option("--port", &port, "TCP port (default 8000; 0 picks a free one, printed at start)");
        d.footer(
            "Routes: GET /v1/health, POST /v1/webhooks/quickbooks (register https://<your host>/v1/webhooks/quickbooks\n"
            "with Intuit, behind a TLS proxy). Environment: BRE_QBO_WEBHOOK_VERIFIER, the app's webhook verifier\n"
            "token; without it the webhook route answers 503. Notifications are queued in the workspace and\n"
            "fetched by the next 'bre ingest qbo'. Stops on SIGINT or SIGTERM.\n"
            "Example:\n"
            "  BRE_QBO_WEBHOOK_VERIFIER=... bre serve --host 127.0.0.1 --port 8000\n"
            "Exit codes: 66 no workspace, 69 the port cannot be bound.");
      },
      [](Context& ctx) {
        if (port < 0 || port > 65535) throw_usage(fmt::format("--port must be 0..65535, not {}", port));
        const char* token = std::getenv(connect::kQboVerifierEnv);
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

        serve::Server server({host, port, resolve_workspace_path(ctx.options().workspace), token ? token : ""},
                             ctx.log());
        const int bound = server.start();
        nlohmann::ordered_json out;
        out["status"] = "listening";
        out["host"] = host;
        out["port"] = bound;
        out["url"] = fmt::format("http://{}:{}", host, bound);
        out["qbo_webhook"] = token && *token ? "configured" : "not_configured";
        ctx.emit(out, [&](Format) {
          return fmt::format("Listening on http://{}:{} (stop with Ctrl-C)\n", host, bound);
        });
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.stop();
        ctx.log().info("serve", "stopped", {{"signal", sig}});
        return 0;
      });
}

}  // namespace bre::cli
