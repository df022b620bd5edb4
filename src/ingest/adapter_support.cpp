#include "adapter_support.h"

#include <algorithm>
#include <cctype>

#include "bre/core/hash.h"
#include "bre/core/json_text.h"

namespace bre::adapter_support {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool has_columns(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
  return std::all_of(names.begin(), names.end(), [&](std::string_view n) {
    return std::find(header.begin(), header.end(), n) != header.end();
  });
}

std::string slug(std::string_view text) {
  std::string out;
  bool dash = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) && c < 0x80) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      dash = true;
    }
  }
  return out.empty() ? "h" + short_hash(text) : out;
}

std::string short_hash(std::string_view text) { return sha256_hex(text).substr(0, 16); }

std::uint64_t hash_u64(std::string_view text) { return std::stoull(short_hash(text), nullptr, 16); }

std::optional<std::int64_t> parse_integral(std::string_view text) {
  text = trim(text);
  // Scaled by 1 digit so "725.0" passes and "725.5" leaves a remainder.
  DecimalParse p = parse_decimal_minor(text, 1);
  if (!p.minor || *p.minor % 10 != 0) return std::nullopt;
  return *p.minor / 10;
}

DecimalParse parse_money_rounded(std::string_view text, int minor_digits) {
  constexpr int kExtra = 7;
  constexpr std::int64_t kScale = 10'000'000;
  DecimalParse fine = parse_decimal_minor(trim(text), minor_digits + kExtra);
  if (!fine.minor) return fine;
  const std::int64_t v = *fine.minor;
  std::int64_t q = v / kScale, r = v % kScale;  // truncates toward zero
  const std::int64_t twice = 2 * (r < 0 ? -r : r);
  if (twice > kScale || (twice == kScale && q % 2 != 0)) q += v < 0 ? -1 : 1;
  DecimalParse out;
  out.minor = q;
  return out;
}


void add_flag(std::vector<std::string>& flags, std::string flag) {
  if (std::find(flags.begin(), flags.end(), flag) == flags.end()) flags.push_back(std::move(flag));
}

CanonicalEvent make_event(const Adapter& adapter, EventType type, std::string_view source_entity_id,
                          EntityType entity_type, std::string entity_id, TimeMs event_time,
                          std::string_view discriminator) {
  CanonicalEvent e;
  e.event_type = type;
  e.source = std::string(adapter.source());
  e.mapping_version = adapter.mapping_version();
  e.source_entity_id = std::string(source_entity_id);
  e.event_id = derive_event_id(e.source, e.source_entity_id, type, e.mapping_version, discriminator);
  e.entity_type = entity_type;
  e.entity_id = std::move(entity_id);
  e.event_time = event_time;
  return e;
}

std::optional<std::int64_t> FirstSeen::repeat_of(const std::string& id, std::int64_t line) {
  auto [it, inserted] = lines_.emplace(id, line);
  if (inserted) return std::nullopt;
  return it->second;
}

void EntitySink::add(ReferenceEntity e) {
  if (seen_.insert(e.kind + '\x1f' + e.entity_id).second) ctx_.entity(std::move(e));
}

}  // namespace bre::adapter_support
