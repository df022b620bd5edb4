// An in-process QuickBooks Online emulator for tests, on 127.0.0.1 at an
// ephemeral port. It speaks the documented wire format: the OAuth token and
// revoke endpoints, and for one company creates (honouring `requestid`), the query endpoint (STARTPOSITION /
// MAXRESULTS paging, `MetaData.LastUpdatedTime` filters, inactive name-list
// records hidden unless `Active IN (true,false)`), single reads, and CDC
// (30-day look-back, at most N objects per response across all types,
// deletes as stubs after the active objects). The company starts as the
// fixture pages of ../shared/fixtures/qbo and can be changed while the test
// runs. Production code reaches it only through BRE_QBO_OAUTH_BASE /
// BRE_QBO_API_BASE.
#pragma once
#include <cstdint>
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
class Request;
class Response;
}  // namespace httplib

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
  void expire_after_queries(int n);         // ... after n more successful data requests
  void script(Scripted response);           // the next data request answers this
  // After `ok` more successful data requests, the next `failures` answer `status`.
  void outage_after(int ok, int failures, int status);
  std::string fixture(const std::string& name) const;

  // The company. Changes are stamped with the emulator clock (the real
  // clock unless set) and bump SyncToken, as QBO does.
  void set_clock(std::int64_t utc_ms);
  std::int64_t clock() const;
  // Creates (no "Id" or an unknown one) or replaces the object; returns its Id.
  std::string put(const std::string& entity, const std::string& object_json);
  void remove(const std::string& entity, const std::string& id);
  // Voids a transaction in place: amounts to zero, PrivateNote "Voided".
  void void_transaction(const std::string& entity, const std::string& id);
  void set_cdc_limit(int objects);
  void clear_company();  // no objects at all (for pushes)

  // Observations.
  int token_requests() const;
  int refresh_requests() const;
  int query_requests() const;  // every data request (query, read, CDC)
  int revocations() const;
  std::string latest_refresh_token() const;
  std::vector<std::string> queries() const;   // decoded query statements, in order
  // "query <stmt>", "cdc <entities> <since>", "read <entity>/<id>", "create <entity>"
  std::vector<std::string> requests() const;

 private:
  bool admit(const httplib::Request& req, httplib::Response& res);  // auth, scripts, outages
  void answer(httplib::Response& res, const std::string& json);     // counts a success
  void serve_query(const httplib::Request& req, httplib::Response& res);
  void serve_cdc(const httplib::Request& req, httplib::Response& res);
  void serve_read(const httplib::Request& req, httplib::Response& res);
  void serve_create(const httplib::Request& req, httplib::Response& res);
  std::string now_text() const;

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
  int outage_countdown_ = -1, outage_failures_ = 0, outage_status_ = 500;
  std::deque<Scripted> script_;
  int token_requests_ = 0, refresh_requests_ = 0, query_requests_ = 0, revocations_ = 0;
  std::vector<std::string> queries_, requests_;

  struct Company;
  std::unique_ptr<Company> company_;
  std::int64_t clock_ = 0;  // 0: the real clock
  int cdc_limit_ = 1000;
  std::map<std::string, std::string> created_by_request_;  // requestid → Id
};

}  // namespace bre::test
