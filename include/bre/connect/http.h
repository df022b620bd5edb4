// A small blocking HTTP client over libcurl: one request, a timeout, no
// proxy, and the status, headers (lower-cased names) and body back.
// Transport failures throw Error(unavailable); HTTP statuses are returned.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bre::connect {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 120'000;
  long connect_timeout_ms = 10'000;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
  std::string header(const std::string& lower_name) const;
  // Retry-After in seconds (delta-seconds form only), when present.
  std::optional<long> retry_after_s() const;
};

HttpResponse http_send(const HttpRequest& request);

std::string url_encode(std::string_view s);
std::string url_decode(std::string_view s);
std::string base64_encode(std::string_view bytes);

}  // namespace bre::connect
