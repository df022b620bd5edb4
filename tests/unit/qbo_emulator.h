// An in-process QuickBooks Online emulator for tests: the OAuth token and
// revoke endpoints and the query endpoint, serving the fixture pages of
// ../shared/fixtures/qbo with STARTPOSITION/MAXRESULTS paging. Listens on
// 127.0.0.1 at an ephemeral port. Production code reaches it only through
// BRE_QBO_OAUTH_BASE / BRE_QBO_API_BASE.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace bre::test {

class QboEmulator {
 public:
  struct Scripted {
    int status;
    std::string body;
    std::string content_type;
    std::string retry_after;
  };

  QboEmulator(std::string fixtures_dir, std::string client_id, std::string client_secret);
  ~QboEmulator();
  QboEmulator(const QboEmulator&) = delete;
  QboEmulator& operator=(const QboEmulator&) = delete;

  std::string base_url() const;
  const std::string realm = "9341452718330095";

  std::string issue_code();                 // a one-time authorization code
  void expire_access_tokens();              // every issued access token now gets 401
  void expire_after_queries(int n);         // ... after n more successful queries
  void script(Scripted response);           // the next query request answers this
  std::string fixture(const std::string& name) const;

  // Observations.
  int token_requests() const;
  int refresh_requests() const;
  int query_requests() const;
  int revocations() const;
  std::string latest_refresh_token() const;
  std::vector<std::string> queries() const;  // decoded query statements, in order

 private:
  std::string fixtures_;
  std::string client_id_, client_secret_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  int serial_ = 0;
  std::set<std::string> codes_;
  std::set<std::string> live_access_;
  std::string live_refresh_;
  std::set<std::string> dead_refresh_;
  int expire_countdown_ = -1;
  std::deque<Scripted> script_;
  int token_requests_ = 0, refresh_requests_ = 0, query_requests_ = 0, revocations_ = 0;
  std::vector<std::string> queries_;
};

}  // namespace bre::test
