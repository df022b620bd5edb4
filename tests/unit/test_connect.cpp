#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "bre/connect/oauth.h"
#include "bre/connect/qbo_pull.h"
#include "bre/connect/token_vault.h"
#include "bre/core/error.h"
#include "connect_test_support.h"

using namespace bre;
using namespace bre::connect;
using namespace bre::test;


TEST_CASE("token vault: seal and open round trip with a fresh nonce each time") {
  TokenVault v(test_key(1));
  const std::string a = v.seal("{\"refresh_token\":\"secret\"}", "row");
  const std::string b = v.seal("{\"refresh_token\":\"secret\"}", "row");
  CHECK(a != b);
  CHECK(a.size() == 12 + 26 + 16);
  CHECK(v.open(a, "row") == "{\"refresh_token\":\"secret\"}");
  CHECK(a.find("secret") == std::string::npos);
}

TEST_CASE("token vault: a flipped byte, a wrong key or another row is refused") {
  TokenVault v(test_key(1));
  const std::string blob = v.seal("tokens", "row");
  for (std::size_t i : {std::size_t{0}, std::size_t{13}, blob.size() - 1}) {
    std::string t = blob;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    Error e = expect_error([&] { (void)v.open(t, "row"); });
    CHECK(e.kind() == ErrorKind::not_authorised);
    CHECK(e.code() == "TOKENS_UNREADABLE");
  }
  CHECK(expect_error([&] { (void)TokenVault(test_key(2)).open(blob, "row"); }).code() == "TOKENS_UNREADABLE");
  CHECK(expect_error([&] { (void)v.open(blob, "other-row"); }).code() == "TOKENS_UNREADABLE");
  CHECK(expect_error([&] { (void)v.open("short", "row"); }).code() == "TOKENS_UNREADABLE");
}

TEST_CASE("token vault: keys from BRE_SECRET_KEY in hex or base64") {
  TempDir dir;
  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  {
    EnvGuard g("BRE_SECRET_KEY", hex.c_str());
    CHECK(load_or_create_key(dir.file("ws.sqlite")) == test_key(0));
  }
  {
    EnvGuard g("BRE_SECRET_KEY", base64_encode(std::string(reinterpret_cast<const char*>(test_key(0).data()), 32)).c_str());
    CHECK(load_or_create_key(dir.file("ws.sqlite")) == test_key(0));
  }
  {
    EnvGuard g("BRE_SECRET_KEY", "not-a-key");
    CHECK(expect_error([&] { load_or_create_key(dir.file("ws.sqlite")); }).kind() == ErrorKind::usage);
  }
  CHECK_FALSE(std::filesystem::exists(dir.file("ws.sqlite.key")));
}

TEST_CASE("token vault: the key file is created 0600 and a wider mode is refused") {
  TempDir dir;
  EnvGuard g("BRE_SECRET_KEY", nullptr);
  const std::string ws = dir.file("ws.sqlite");
  const Key k = load_or_create_key(ws);
  struct stat st{};
  REQUIRE(::stat(key_file_path(ws).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(load_or_create_key(ws) == k);  // stable
  ::chmod(key_file_path(ws).c_str(), 0644);
  Error e = expect_error([&] { load_or_create_key(ws); });
  CHECK(e.kind() == ErrorKind::not_authorised);
  CHECK(e.code() == "KEY_FILE_PERMISSIONS");
}

TEST_CASE("token vault: the workspace file never holds a plaintext token") {
  TempDir dir;
  EnvGuard g("BRE_SECRET_KEY", nullptr);
  const std::string path = dir.file("ws.sqlite");
  const std::string access = "PLAINTEXT-ACCESS-7f3a9c", refresh = "PLAINTEXT-REFRESH-2b8d41";
  {
    auto ws = Workspace::open(path, true);
    TokenVault v = TokenVault::for_workspace(path);
    TokenSet t{access, refresh, 1000, 2000, "PLAINTEXT-SECRET-55"};
    save_connection(ws->db(), v, {"quickbooks:1", "quickbooks", "1", "connected", "{}", 1}, t);
    TokenSet back = load_tokens(ws->db(), v, "quickbooks:1");
    CHECK(back.access_token == access);
    CHECK(back.refresh_token == refresh);
    CHECK(back.client_secret == "PLAINTEXT-SECRET-55");
    // Rotation overwrites in place.
    t.refresh_token = "PLAINTEXT-REFRESH-rotated";
    save_connection(ws->db(), v, {"quickbooks:1", "quickbooks", "1", "connected", "{}", 2}, t);
    CHECK(load_tokens(ws->db(), v, "quickbooks:1").refresh_token == "PLAINTEXT-REFRESH-rotated");
    Statement s = ws->db().prepare("SELECT typeof(encrypted_tokens) FROM connections");
    REQUIRE(s.step());
    CHECK(s.text(0) == "blob");
  }
  for (const std::string& f : {path, path + "-wal", path + "-journal"}) {
    const std::string bytes = slurp(f);
    CHECK_MESSAGE(bytes.find("PLAINTEXT-") == std::string::npos, f);
  }
}

TEST_CASE("oauth: the authorization URL and the pasted redirect") {
  EnvGuard a("BRE_QBO_OAUTH_BASE", nullptr), b("BRE_QBO_API_BASE", nullptr);
  QboEndpoints prod;
  {
    EnvGuard e("INTUIT_ENV", nullptr);
    prod = qbo_endpoints_from_env();
    CHECK(prod.api_base == "https://quickbooks.api.intuit.com");
    CHECK(prod.token_url == "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer");
  }
  {
    EnvGuard e("INTUIT_ENV", "sandbox");
    CHECK(qbo_endpoints_from_env().api_base == "https://sandbox-quickbooks.api.intuit.com");
  }
  const std::string state = new_oauth_state();
  CHECK(state.size() == 64);
  CHECK(state != new_oauth_state());
  const std::string url = authorization_url(prod, {"cid", "sec", "https://x.example/cb"}, state);
  CHECK(url.rfind("https://appcenter.intuit.com/connect/oauth2?", 0) == 0);
  CHECK(url.find("client_id=cid") != std::string::npos);
  CHECK(url.find("response_type=code") != std::string::npos);
  CHECK(url.find("scope=com.intuit.quickbooks.accounting") != std::string::npos);
  CHECK(url.find("redirect_uri=https%3A%2F%2Fx.example%2Fcb") != std::string::npos);
  CHECK(url.find("state=" + state) != std::string::npos);
  CHECK(url.find("sec") == std::string::npos);

  RedirectResult r = parse_redirect("https://x.example/cb?code=AB%2Fc&state=" + state + "&realmId=9341452718330095\n", state);
  CHECK(r.code == "AB/c");
  CHECK(r.realm_id == "9341452718330095");
  Error e = expect_error([&] { parse_redirect("https://x.example/cb?code=AB&state=forged&realmId=1", state); });
  CHECK(e.kind() == ErrorKind::not_authorised);
  CHECK(e.code() == "STATE_MISMATCH");
  CHECK(std::string(e.what()).find("AB") == std::string::npos);
  CHECK(expect_error([&] { parse_redirect("https://x.example/cb?code=AB&realmId=1", state); }).code() == "STATE_MISMATCH");
  CHECK(expect_error([&] { parse_redirect("https://x.example/cb?error=access_denied&state=" + state, state); }).code() ==
        "ACCESS_DENIED");
}

TEST_CASE("oauth: code exchange against the emulator stores encrypted tokens") {
  Connected c;
  c.connect();
  auto conn = find_connection(c.ws->db(), "quickbooks");
  REQUIRE(conn);
  CHECK(conn->realm_id == c.emu.realm);
  CHECK(conn->status == "connected");
  CHECK(conn->payload.find("access_expires_at") != std::string::npos);
  CHECK(conn->payload.find("EMU-") == std::string::npos);
  const TokenSet t = load_tokens(c.ws->db(), c.vault, conn->connection_id);
  CHECK(t.refresh_token == c.emu.latest_refresh_token());
  CHECK(t.access_expires_at > now_ms() + 3000'000);
  // The code was used once; using it again is refused.
  CHECK(c.emu.token_requests() == 1);
  const std::string state = new_oauth_state();
  Error e = expect_error([&] {
    complete_qbo_connect(*c.ws, c.vault, c.ep, c.client, state, "https://e/cb?code=EMU-CODE-1&state=" + state + "&realmId=1",
                         c.log);
  });
  CHECK(e.code() == "INVALID_GRANT");
  // A wrong client secret is not authorised either.
  OAuthClient bad = c.client;
  bad.client_secret = "wrong";
  CHECK(expect_error([&] { exchange_code(c.ep, bad, c.emu.issue_code()); }).kind() == ErrorKind::not_authorised);
  // A state mismatch never reaches the token endpoint.
  const int before = c.emu.token_requests();
  CHECK(expect_error([&] {
          complete_qbo_connect(*c.ws, c.vault, c.ep, c.client, state,
                               "https://e/cb?code=" + c.emu.issue_code() + "&state=other&realmId=1", c.log);
        }).code() == "STATE_MISMATCH");
  CHECK(c.emu.token_requests() == before);
}

TEST_CASE("qbo session: a 401 mid-pull refreshes once, saves the rotated token and continues") {
  Connected c;
  c.connect();
  const std::string first_refresh = c.emu.latest_refresh_token();
  c.emu.expire_after_queries(2);  // two pages succeed, then the token dies
  QboApiIngestRequest req;
  req.pull = {{"Customer", "Vendor", "Item", "Invoice"}, 2};
  const IngestResult r = ingest_qbo_api(*c.ws, req, c.log, c.fast());
  CHECK(r.records == 3 + 2 + 4 + 3);
  std::vector<std::string> pages;
  for (const std::string& q : c.emu.queries()) pages.push_back(q.substr(14, q.find(' ', 14) - 14) + "@" + q.substr(q.find("STARTPOSITION ") + 14, 1));
  CHECK(pages == std::vector<std::string>{"Customer@1", "Customer@3", "Vendor@1", "Vendor@3", "Item@1", "Item@3",
                                          "Item@5", "Invoice@1", "Invoice@3"});
  CHECK(c.log_text.find("\"token_refreshes\":1") != std::string::npos);
  CHECK(c.emu.refresh_requests() == 1);
  // The rotated refresh token is what the workspace holds now; the old one is dead.
  auto conn = find_connection(c.ws->db(), "quickbooks");
  const TokenSet stored = load_tokens(c.ws->db(), c.vault, conn->connection_id);
  CHECK(stored.refresh_token == c.emu.latest_refresh_token());
  CHECK(stored.refresh_token != first_refresh);
  CHECK(expect_error([&] { refresh_grant(c.ep, kClientId, kClientSecret, first_refresh); }).code() == "INVALID_GRANT");
  // Queries: paging, minorversion and the active filter on name lists.
  const auto q = c.emu.queries();
  REQUIRE(!q.empty());
  CHECK(q.front() == "SELECT * FROM Customer WHERE Active IN (true,false) STARTPOSITION 1 MAXRESULTS 2");
  CHECK(std::find(q.begin(), q.end(), "SELECT * FROM Invoice STARTPOSITION 3 MAXRESULTS 2") != q.end());
  // Tokens never reach the log.
  CHECK(c.log_text.find("qbo_token_refreshed") != std::string::npos);
  CHECK(c.log_text.find("EMU-ACCESS") == std::string::npos);
  CHECK(c.log_text.find("EMU-REFRESH") == std::string::npos);
  CHECK(c.log_text.find(kClientSecret) == std::string::npos);
}

TEST_CASE("qbo session: a second process reuses a refresh done meanwhile instead of burning the token") {
  Connected c;
  c.connect();
  auto other_ws = Workspace::open(c.dir.file("ws.sqlite"), false);  // another process's handle
  QboSession a(*c.ws, c.vault, c.ep, c.log, c.fast());
  QboSession b(*other_ws, c.vault, c.ep, c.log, c.fast());
  const std::string q = "query?query=" + url_encode(qbo_query_for("Invoice", 1, 10)) + "&minorversion=75";
  c.emu.expire_access_tokens();
  CHECK_NOTHROW(a.get(q));  // refreshes
  CHECK_NOTHROW(b.get(q));  // 401 with its old token: picks up a's tokens, no second refresh
  CHECK(c.emu.refresh_requests() == 1);
  CHECK(a.refreshes() == 1);
  CHECK(b.refreshes() == 0);
  CHECK(find_connection(other_ws->db(), "quickbooks")->status == "connected");
}

TEST_CASE("qbo session: a refused refresh marks the connection stale") {
  Connected c;
  c.connect();
  // Another client burns the stored refresh token.
  auto conn = find_connection(c.ws->db(), "quickbooks");
  const TokenSet t = load_tokens(c.ws->db(), c.vault, conn->connection_id);
  refresh_grant(c.ep, kClientId, kClientSecret, t.refresh_token);
  c.emu.expire_access_tokens();
  QboSession s(*c.ws, c.vault, c.ep, c.log, c.fast());
  Error e = expect_error([&] { s.get("query?query=SELECT%20*%20FROM%20Invoice&minorversion=75"); });
  CHECK(e.kind() == ErrorKind::not_authorised);
  CHECK(e.code() == "INVALID_GRANT");
  CHECK(find_connection(c.ws->db(), "quickbooks")->status == "stale");
  CHECK(expect_error([&] { QboSession again(*c.ws, c.vault, c.ep, c.log); }).code() == "RECONNECT_REQUIRED");
  for (const std::string& text : {std::string(e.what()), c.log_text}) {
    CHECK(text.find("EMU-ACCESS") == std::string::npos);
    CHECK(text.find("EMU-REFRESH") == std::string::npos);
  }
}

TEST_CASE("qbo session: 429 with Retry-After and 500 are retried, persistent throttling is exit 75") {
  Connected c;
  c.connect();
  QboSession s(*c.ws, c.vault, c.ep, c.log, c.fast());
  c.emu.script({429, c.emu.fixture("error-429.xml"), "application/xml", "2"});
  c.emu.script({500, "{}", "", ""});
  const std::string body = s.get("query?query=" + url_encode(qbo_query_for("Invoice", 1, 10)) + "&minorversion=75");
  CHECK(body.find("\"Invoice\"") != std::string::npos);
  REQUIRE(c.sleeps.size() == 2);
  CHECK(c.sleeps[0] == 5);  // Retry-After (2 s) capped by the test's max delay
  CHECK(c.sleeps[1] <= 5);
  for (int i = 0; i < 5; ++i) c.emu.script({429, c.emu.fixture("error-429.xml"), "application/xml", "1"});
  Error e = expect_error([&] { s.get("query?query=x&minorversion=75"); });
  CHECK(e.kind() == ErrorKind::temp_failure);
  CHECK(exit_code(e.kind()) == 75);
  CHECK(std::string(e.what()).find("3001") != std::string::npos);
  // A 401 even after a refresh: reconnect required, with the XML fault code.
  c.emu.script({401, c.emu.fixture("error-401.xml"), "application/xml", ""});
  c.emu.script({401, c.emu.fixture("error-401.xml"), "application/xml", ""});
  Error r = expect_error([&] { s.get("query?query=x&minorversion=75"); });
  CHECK(r.code() == "RECONNECT_REQUIRED");
  CHECK(std::string(r.what()).find("fault code 100") != std::string::npos);
  CHECK(c.log_text.find("EMU-ACCESS") == std::string::npos);
}

TEST_CASE("qbo session: an unreachable API is exit 69") {
  TempDir dir;
  EnvGuard k("BRE_SECRET_KEY", nullptr);
  EnvGuard a("BRE_QBO_API_BASE", "http://127.0.0.1:1");
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  TokenVault v = TokenVault::for_workspace(dir.file("ws.sqlite"));
  save_connection(ws->db(), v, {"quickbooks:1", "quickbooks", "1", "connected", "{}", 1},
                  {"a", "r", now_ms() + 3600'000, 0, "s"});
  RetryPolicy p;
  p.max_attempts = 2;
  p.base_delay_ms = 1;
  p.sleep = [](long) {};
  Logger log;
  QboSession s(*ws, v, qbo_endpoints_from_env(), log, p);
  Error e = expect_error([&] { s.get("query?query=x"); });
  CHECK(exit_code(e.kind()) == 69);
}

TEST_CASE("ingest qbo from the API: the same bronze and events as the saved pages, despite 401, 429 and 500") {
  Connected c;
  c.connect();
  c.emu.script({429, c.emu.fixture("error-429.xml"), "application/xml", "1"});
  c.emu.script({500, "{}", "", ""});
  c.emu.expire_after_queries(5);
  QboApiIngestRequest req{{{}, 2}, *parse_date("2026-06-15"), ""};
  IngestResult first = ingest_qbo_api(*c.ws, req, c.log, c.fast());
  // The numbers of `bre ingest qbo --from-dir` over the same fixture pages (test_qbo_mapping.cpp).
  CHECK(first.bronze_inserted == 24);
  CHECK(first.events_inserted == 18);
  CHECK(first.entities == 9);
  CHECK(c.ws->db().query_int("SELECT sum(amount_minor) FROM events WHERE event_type = 'payment_received'") == 51000);
  CHECK(c.emu.refresh_requests() == 1);
  CHECK(c.sleeps.size() == 2);
  IngestResult second = ingest_qbo_api(*c.ws, req, c.log, c.fast());
  CHECK(second.bronze_inserted == 0);
  CHECK(second.events_inserted == 0);
  CHECK(c.log_text.find("EMU-ACCESS") == std::string::npos);
  CHECK(c.log_text.find("EMU-REFRESH") == std::string::npos);
}

TEST_CASE("ingest qbo from the API: a failed pull writes nothing") {
  Connected c;
  c.connect();
  RetryPolicy p = c.fast();
  p.max_attempts = 1;
  c.emu.expire_after_queries(3);
  for (int i = 0; i < 3; ++i) c.emu.script({200, "{}", "", ""});  // not a query page
  Error e = expect_error([&] { ingest_qbo_api(*c.ws, {{{"Invoice"}, 2}, std::nullopt, ""}, c.log, p); });
  CHECK(e.kind() == ErrorKind::data_invalid);
  CHECK(c.ws->db().query_int("SELECT count(*) FROM bronze_qbo_raw") == 0);
}

namespace {

std::string bre_binary() {
  if (const char* b = std::getenv("BRE_BIN"); b && *b) return b;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "bre").string();
}

struct CliRun {
  int status = -1;
  std::string out, err;
};

// Runs bre with args; `answer` sees stderr line by line and may return the
// one line to write to standard input (then stdin is closed).
CliRun run_bre(const std::vector<std::string>& args,
               const std::function<std::optional<std::string>(const std::string&)>& answer = {}) {
  int in[2], out[2], err[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  REQUIRE(::pipe(err) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    std::vector<char*> argv;
    std::string bin = bre_binary();
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  CliRun r;
  FILE* e = ::fdopen(err[0], "r");
  char line[8192];
  bool answered = !answer;
  if (answered) ::close(in[1]);
  while (std::fgets(line, sizeof line, e)) {
    r.err += line;
    if (!answered) {
      if (auto reply = answer(line)) {
        const std::string text = *reply + "\n";
        CHECK(::write(in[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(in[1]);
        answered = true;
      }
    }
  }
  std::fclose(e);
  if (!answered) ::close(in[1]);
  ssize_t n;
  while ((n = ::read(out[0], line, sizeof line)) > 0) r.out.append(line, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("cli: bre connect quickbooks, status, ingest qbo and disconnect against the emulator") {
  TempDir dir;
  QboEmulator emu(fixtures_dir(), kClientId, kClientSecret);
  EnvGuard oauth("BRE_QBO_OAUTH_BASE", emu.base_url().c_str());
  EnvGuard api("BRE_QBO_API_BASE", emu.base_url().c_str());
  EnvGuard key("BRE_SECRET_KEY", nullptr);
  EnvGuard secret("BRE_QBO_CLIENT_SECRET", kClientSecret);
  const std::string ws = dir.file("ws.sqlite");
  REQUIRE(run_bre({"--workspace", ws, "init", "--currency", "USD"}).status == 0);
  const std::string code = emu.issue_code();
  std::string all_output;
  CliRun c = run_bre({"--workspace", ws, "--log-level", "debug", "--format", "json", "connect", "quickbooks",
                      "--client-id", kClientId, "--redirect-uri", "https://e.example/cb", "--no-browser"},
                     [&](const std::string& line) -> std::optional<std::string> {
                       const auto p = line.find("&state=");
                       if (p == std::string::npos) return std::nullopt;
                       std::string state = line.substr(p + 7);
                       while (!state.empty() && (state.back() == '\n' || state.back() == '\r')) state.pop_back();
                       return "https://e.example/cb?code=" + code + "&state=" + state + "&realmId=" + emu.realm;
                     });
  CHECK_MESSAGE(c.status == 0, c.err);
  CHECK(c.out.find("\"status\": \"connected\"") != std::string::npos);
  all_output += c.out + c.err;

  CliRun st = run_bre({"--workspace", ws, "--format", "json", "connect", "status"});
  CHECK(st.status == 0);
  CHECK(st.out.find(emu.realm) != std::string::npos);
  CHECK(st.out.find("access_expires_at") != std::string::npos);
  all_output += st.out + st.err;

  emu.expire_access_tokens();  // the pull must refresh first
  CliRun in = run_bre({"--workspace", ws, "--log-level", "debug", "--format", "json", "ingest", "qbo", "--as-of",
                       "2026-06-15"});
  CHECK_MESSAGE(in.status == 0, in.err);
  CHECK(in.out.find("\"events_inserted\": 18") != std::string::npos);
  CHECK(in.err.find("qbo_token_refreshed") != std::string::npos);
  all_output += in.out + in.err;

  // The second run asks CDC for what changed: one new invoice, one deleted.
  emu.remove("Invoice", "1042");
  CliRun inc = run_bre({"--workspace", ws, "--format", "json", "ingest", "qbo", "--as-of", "2026-06-15"});
  CHECK_MESSAGE(inc.status == 0, inc.err);
  CHECK(inc.out.find("\"full\": []") != std::string::npos);
  CHECK(inc.out.find("\"requests\": 1,") != std::string::npos);
  CHECK(inc.out.find("\"events_superseded\": 0") == std::string::npos);
  CliRun full = run_bre({"--workspace", ws, "--format", "table", "ingest", "qbo", "--full", "--as-of", "2026-06-15"});
  CHECK_MESSAGE(full.status == 0, full.err);
  CHECK(full.out.find("13 in full, 0 by CDC") != std::string::npos);
  all_output += inc.out + inc.err + full.out + full.err;

  CliRun d = run_bre({"--workspace", ws, "--format", "json", "connect", "disconnect"});
  CHECK(d.status == 0);
  CHECK(d.out.find("\"revoked\": true") != std::string::npos);
  CHECK(emu.revocations() == 1);
  all_output += d.out + d.err;

  CliRun again = run_bre({"--workspace", ws, "--format", "json", "ingest", "qbo"});
  CHECK(again.status == 77);
  all_output += again.out + again.err;

  CHECK(all_output.find("EMU-ACCESS") == std::string::npos);
  CHECK(all_output.find("EMU-REFRESH") == std::string::npos);
  CHECK(all_output.find(code) == std::string::npos);
  CHECK(all_output.find(kClientSecret) == std::string::npos);
  const std::string bytes = slurp(ws) + slurp(ws + "-wal");
  CHECK(bytes.find("EMU-") == std::string::npos);
}
