// Shared by the connector tests: an emulator-backed connected workspace,
// environment overrides that undo themselves, and error expectations.
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "bre/connect/oauth.h"
#include "bre/connect/token_vault.h"
#include "bre/core/error.h"
#include "qbo_emulator.h"
#include "test_support.h"

namespace bre::test {

using namespace bre::connect;

class EnvGuard {
 public:
  EnvGuard(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~EnvGuard() {
    if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string fixtures_dir() { return std::string(BRE_SOURCE_DIR) + "/../shared/fixtures/qbo"; }

inline Key test_key(unsigned char seed) {
  Key k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(seed + i);
  return k;
}

template <class F>
Error expect_error(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected a bre::Error");
  return Error(ErrorKind::internal, "NONE", "none");
}

inline const char* kClientId = "emu-client";
inline const char* kClientSecret = "emu-secret-Qw3";

// A workspace connected to a fresh emulator, with the env pointing at it.
struct Connected {
  TempDir dir;
  QboEmulator emu{fixtures_dir(), kClientId, kClientSecret};
  EnvGuard oauth{"BRE_QBO_OAUTH_BASE", emu.base_url().c_str()};
  EnvGuard api{"BRE_QBO_API_BASE", emu.base_url().c_str()};
  EnvGuard key{"BRE_SECRET_KEY", nullptr};
  std::unique_ptr<Workspace> ws = Workspace::open(dir.file("ws.sqlite"), true);
  TokenVault vault = TokenVault::for_workspace(dir.file("ws.sqlite"));
  QboEndpoints ep = qbo_endpoints_from_env();
  OAuthClient client{kClientId, kClientSecret, "https://example.test/callback"};
  std::string log_text;
  Logger log{LogLevel::debug, "run-test", [this](const std::string& l) { log_text += l + "\n"; }};

  void connect() {
    const std::string state = new_oauth_state();
    const std::string code = emu.issue_code();
    complete_qbo_connect(*ws, vault, ep, client, state,
                         client.redirect_uri + "?code=" + code + "&state=" + state + "&realmId=" + emu.realm, log);
  }
  RetryPolicy fast() {
    RetryPolicy p;
    p.base_delay_ms = 1;
    p.max_delay_ms = 5;
    p.sleep = [this](long ms) { sleeps.push_back(ms); };
    return p;
  }
  std::vector<long> sleeps;
};


}  // namespace bre::test
