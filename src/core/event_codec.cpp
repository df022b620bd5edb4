#include "bre/core/event_codec.h"

#include <simdjson.h>

#include <algorithm>
#include <fmt/format.h>

#include "bre/core/json_text.h"
#include "bre/core/money.h"

namespace bre {

namespace od = simdjson::ondemand;

namespace {

constexpr int kMaxDepth = 32;

// After the root object was consumed, anything still in bounds is trailing junk.
bool at_document_end(od::document& doc) {
  const char* location;
  return doc.current_location().get(location) != simdjson::SUCCESS;
}

std::string_view trim_token(std::string_view t) {
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
    t.remove_suffix(1);
  return t;
}

// append_json_string() with a fast path for the common case: plain ASCII with
// nothing to escape is copied as is (same bytes as the general writer).
void append_string(std::string& out, std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      append_json_string(out, s);
      return;
    }
  }
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

// Writes v canonically into out; returns false with *error set on bad JSON.
// `keys` is a stack of the keys of the objects being written (each object's
// above the size it found), one vector reused for every value: no allocation
// per object.
bool write_canonical(od::value v, std::string& out, int depth, std::string* error,
                     std::vector<std::string_view>& keys) {
  if (depth > kMaxDepth) {
    *error = "nested deeper than 32 levels";
    return false;
  }
  od::json_type type;
  if (v.type().get(type)) {
    *error = "malformed JSON";
    return false;
  }
  switch (type) {
    case od::json_type::object: {
      od::object obj;
      if (v.get_object().get(obj)) {
        *error = "malformed JSON";
        return false;
      }
      // Unescaped keys stay valid in the parser's buffer for the whole document.
      const std::size_t first_key = keys.size();
      out.push_back('{');
      bool first = true;
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) {
          *error = "malformed JSON";
          return false;
        }
        if (std::find(keys.begin() + static_cast<std::ptrdiff_t>(first_key), keys.end(), key) != keys.end()) {
          *error = fmt::format("duplicate key '{}'", key);
          return false;
        }
        keys.push_back(key);
        if (!first) out.push_back(',');
        first = false;
        append_string(out, key);
        out.push_back(':');
        od::value child;
        if (field.value().get(child)) {
          *error = "malformed JSON";
          return false;
        }
        if (!write_canonical(child, out, depth + 1, error, keys)) return false;
      }
      keys.resize(first_key);
      out.push_back('}');
      return true;
    }
    case od::json_type::array: {
      od::array arr;
      if (v.get_array().get(arr)) {
        *error = "malformed JSON";
        return false;
      }
      out.push_back('[');
      bool first = true;
      for (auto element : arr) {
        od::value child;
        if (element.get(child)) {
          *error = "malformed JSON";
          return false;
        }
        if (!first) out.push_back(',');
        first = false;
        if (!write_canonical(child, out, depth + 1, error, keys)) return false;
      }
      out.push_back(']');
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) {
        *error = "malformed JSON string";
        return false;
      }
      append_string(out, s);
      return true;
    }
    case od::json_type::number: {
      std::string_view token = trim_token(v.raw_json_token());
      od::number n;
      if (v.get_number().get(n)) {
        *error = "malformed number";
        return false;
      }
      out.append(token);
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) {
        *error = "malformed JSON";
        return false;
      }
      out += b ? "true" : "false";
      return true;
    }
    case od::json_type::null: {
      // type() only looked at the first byte: "nope" is typed null too. The
      // result must be checked, not converted (that throws on such atoms).
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) {
        *error = "malformed JSON";
        return false;
      }
      out += "null";
      return true;
    }
  }
  *error = "malformed JSON";
  return false;
}

// A value at depth 1, with this thread's key stack.
bool write_canonical(od::value v, std::string& out, std::string* error) {
  thread_local std::vector<std::string_view> keys;
  keys.clear();
  return write_canonical(v, out, 1, error, keys);
}

}  // namespace

std::optional<std::string> canonical_json_object(std::string_view json, std::string* error) {
  std::string err;
  if (!error) error = &err;
  od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  if (parser.iterate(padded).get(doc)) {
    *error = "malformed JSON";
    return std::nullopt;
  }
  od::json_type type;
  if (doc.type().get(type) || type != od::json_type::object) {
    *error = "must be a JSON object";
    return std::nullopt;
  }
  od::object obj;
  if (doc.get_object().get(obj)) {
    *error = "malformed JSON";
    return std::nullopt;
  }
  // Re-enter through the value interface so one writer handles all depths.
  std::string out;
  out.push_back('{');
  std::vector<std::string> keys;
  bool first = true;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) {
      *error = "malformed JSON";
      return std::nullopt;
    }
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      *error = fmt::format("duplicate key '{}'", key);
      return std::nullopt;
    }
    keys.emplace_back(key);
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, key);
    out.push_back(':');
    od::value child;
    if (field.value().get(child) || !write_canonical(child, out, error)) return std::nullopt;
  }
  out.push_back('}');
  if (!at_document_end(doc)) {
    *error = "trailing content after the JSON object";
    return std::nullopt;
  }
  return out;
}

std::string encode_event(const CanonicalEvent& e) {
  std::string out;
  out.reserve(256 + e.attributes.size() + e.related_entity_ids.size());
  out += "{\"event_id\":";
  append_json_string(out, e.event_id);
  out += ",\"event_type\":\"";
  out += to_string(e.event_type);
  out += "\",\"event_time\":\"";
  out += format_iso8601(e.event_time);
  out += "\",\"ingested_at\":\"";
  out += format_iso8601(e.ingested_at);
  out += "\",\"source\":";
  append_json_string(out, e.source);
  out += ",\"source_entity_id\":";
  append_json_string(out, e.source_entity_id);
  out += ",\"entity_type\":\"";
  out += to_string(e.entity_type);
  out += "\",\"entity_id\":";
  append_json_string(out, e.entity_id);
  out += ",\"related_entity_ids\":";
  out += e.related_entity_ids;
  out += ",\"amount\":";
  if (e.amount_minor) {
    out += format_minor(*e.amount_minor, currency_minor_digits(e.currency).value_or(2));
  } else {
    out += "null";
  }
  out += ",\"currency\":";
  if (e.currency.empty()) out += "null";
  else append_json_string(out, e.currency);
  out += ",\"attributes\":";
  out += e.attributes;
  out += ",\"data_quality_flags\":[";
  for (std::size_t i = 0; i < e.data_quality_flags.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, e.data_quality_flags[i]);
  }
  out += "],\"schema_version\":\"";
  out += kCanonicalSchemaVersion;
  out += "\",\"mapping_version\":";
  out += std::to_string(e.mapping_version);
  out += "}";
  return out;
}

namespace {

bool valid_date_or_timestamp(std::string_view s) {
  return parse_date(s).has_value() || parse_iso8601(s).has_value();
}

void check_attributes(const CanonicalEvent& e, std::vector<Problem>& problems) {
  const EventContract& c = contract(e.event_type);
  if (c.required.empty()) return;
  // One parser and padded buffer per thread: allocating them per event was a
  // measurable share of the ingest hot path.
  thread_local od::parser parser;
  thread_local std::string padded;
  padded.assign(e.attributes);
  padded.resize(e.attributes.size() + simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  od::object obj;
  if (parser.iterate(padded.data(), e.attributes.size(), padded.size()).get(doc) || doc.get_object().get(obj)) {
    problems.push_back({"", 0, "attributes", "must be a JSON object"});
    return;
  }
  std::vector<bool> seen(c.required.size(), false);
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) break;
    for (std::size_t i = 0; i < c.required.size(); ++i) {
      if (c.required[i].name != key) continue;
      seen[i] = true;
      const auto name = [&] { return fmt::format("attributes.{}", key); };
      od::value v;
      if (field.value().get(v)) break;
      switch (c.required[i].kind) {
        case AttrKind::nonneg_number: {
          double d;
          if (v.get_double().get(d)) problems.push_back({"", 0, name(), "must be a number"});
          else if (d < 0) problems.push_back({"", 0, name(), "must not be negative"});
          break;
        }
        case AttrKind::score_1_to_5: {
          std::int64_t k;
          if (v.get_int64().get(k) || k < 1 || k > 5)
            problems.push_back({"", 0, name(), "must be an integer from 1 to 5"});
          break;
        }
        case AttrKind::date: {
          std::string_view s;
          if (v.get_string().get(s) || !valid_date_or_timestamp(s))
            problems.push_back({"", 0, name(), "must be a date (YYYY-MM-DD) or an ISO-8601 timestamp"});
          break;
        }
        case AttrKind::text: {
          std::string_view s;
          if (v.get_string().get(s)) problems.push_back({"", 0, name(), "must be a string"});
          break;
        }
      }
    }
  }
  for (std::size_t i = 0; i < c.required.size(); ++i)
    if (!seen[i])
      problems.push_back({"", 0, fmt::format("attributes.{}", c.required[i].name),
                          fmt::format("required for {} events", to_string(e.event_type))});
}

// The top-level fields of a canonical record. A record names each at most
// once: a bit per field tells a repeat without comparing names.
enum class RecordField : std::uint8_t {
  event_id, event_type, event_time, ingested_at, source, source_entity_id, entity_type, entity_id,
  related_entity_ids, attributes, amount, currency, data_quality_flags, schema_version, mapping_version,
  unknown
};
constexpr std::uint32_t field_bit(RecordField f) { return 1u << static_cast<unsigned>(f); }

// One comparison of the whole name at most: the length picks the candidates.
RecordField record_field(std::string_view key) {
  using F = RecordField;
  auto is = [&key](std::string_view name, F f) { return key == name ? f : F::unknown; };
  switch (key.size()) {
    case 6: return key[0] == 's' ? is("source", F::source) : is("amount", F::amount);
    case 8: return key[0] == 'e' ? is("event_id", F::event_id) : is("currency", F::currency);
    case 9: return is("entity_id", F::entity_id);
    case 10:
      if (key[0] == 'a') return is("attributes", F::attributes);
      return key[7] == 'y' ? is("event_type", F::event_type) : is("event_time", F::event_time);
    case 11: return key[0] == 'i' ? is("ingested_at", F::ingested_at) : is("entity_type", F::entity_type);
    case 14: return is("schema_version", F::schema_version);
    case 15: return is("mapping_version", F::mapping_version);
    case 16: return is("source_entity_id", F::source_entity_id);
    case 18:
      return key[0] == 'r' ? is("related_entity_ids", F::related_entity_ids)
                           : is("data_quality_flags", F::data_quality_flags);
    default: return F::unknown;
  }
}

}  // namespace

std::vector<Problem> validate_event(const CanonicalEvent& e) {
  std::vector<Problem> p;
  auto need = [&](const std::string& value, const char* field) {
    if (value.empty()) p.push_back({"", 0, field, "must not be empty"});
    else if (!valid_utf8(value)) p.push_back({"", 0, field, "is not valid UTF-8"});
  };
  need(e.event_id, "event_id");
  need(e.source, "source");
  need(e.source_entity_id, "source_entity_id");
  need(e.entity_id, "entity_id");
  const EventContract& c = contract(e.event_type);
  if (e.amount_minor) {
    if (*e.amount_minor < 0) p.push_back({"", 0, "amount", "must not be negative (direction is in the event type)"});
    if (e.currency.empty()) p.push_back({"", 0, "currency", "required when an amount is given"});
  } else if (c.amount_required) {
    p.push_back({"", 0, "amount", fmt::format("required for {} events", to_string(e.event_type))});
  }
  if (!e.currency.empty() && !currency_minor_digits(e.currency))
    p.push_back({"", 0, "currency", fmt::format("unknown ISO 4217 currency code '{}'", e.currency)});
  // Years outside 1900..2199 are typos, not history.
  if (e.event_time < -2208988800000LL || e.event_time >= 7258118400000LL)
    p.push_back({"", 0, "event_time", "outside the plausible range 1900..2199"});
  if (e.mapping_version < 1) p.push_back({"", 0, "mapping_version", "must be a positive integer"});
  check_attributes(e, p);
  return p;
}

struct EventDecoder::Impl {
  od::parser parser;
  std::string scratch;
  std::vector<std::string_view> unknown_keys;  // of the record being decoded, reused
};

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;

DecodeResult EventDecoder::decode(std::string_view json, const DecodeDefaults& defaults) {
  DecodeResult r;
  auto fail = [&](std::string field, std::string reason) { r.problems.push_back({"", 0, std::move(field), std::move(reason)}); };
  // Same rules as valid_utf8() (no overlongs, surrogates or code points past
  // U+10FFFF), checked with SIMD.
  if (!simdjson::validate_utf8(json)) {
    fail("", "not valid UTF-8");
    return r;
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; copy into a padded scratch buffer.
  impl_->scratch.assign(json);
  impl_->scratch.resize(json.size() + simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  od::object obj;
  if (auto err = impl_->parser.iterate(impl_->scratch.data(), json.size(), impl_->scratch.size()).get(doc)) {
    fail("", fmt::format("malformed JSON ({})", simdjson::error_message(err)));
    return r;
  }
  if (auto err = doc.get_object().get(obj)) {
    fail("", err == simdjson::INCORRECT_TYPE ? std::string("not a JSON object")
                                              : fmt::format("malformed JSON ({})", simdjson::error_message(err)));
    return r;
  }

  CanonicalEvent e;
  bool have_id = false, have_ingested = false;
  std::string_view event_time_text;  // as written, for the derived id
  std::string amount_text;
  std::uint32_t seen_fields = 0;  // field_bit of each known field seen
  std::vector<std::string_view>& unknown_keys = impl_->unknown_keys;
  unknown_keys.clear();
  bool malformed = false;

  auto get_string = [&](od::value& v, std::string_view field, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s)) {
      fail(std::string(field), "must be a string");
      return false;
    }
    out.assign(s);
    return true;
  };
  auto get_string_view = [&](od::value& v, std::string_view field, std::string_view& out) {
    if (v.get_string().get(out)) {
      fail(std::string(field), "must be a string");
      return false;
    }
    return true;
  };
  auto get_time = [&](od::value& v, std::string_view field, TimeMs& out, std::string_view* text = nullptr) {
    std::string_view s;
    if (!get_string_view(v, field, s)) return false;
    auto t = parse_iso8601(s);
    if (!t) {
      fail(std::string(field), fmt::format("'{}' is not an ISO-8601 timestamp with a zone (e.g. 2024-03-01T09:30:00Z)", s));
      return false;
    }
    out = *t;
    if (text) *text = s;
    return true;
  };
  auto get_object_text = [&](od::value& v, std::string_view field, std::string& out) {
    od::json_type type;
    if (v.type().get(type) || type != od::json_type::object) {
      fail(std::string(field), "must be a JSON object");
      return false;
    }
    std::string error;
    out.clear();
    if (!write_canonical(v, out, &error)) {
      fail(std::string(field), error);
      // Duplicate keys and depth are the record's fault; broken syntax ends the parse.
      malformed = error.rfind("malformed", 0) == 0;
      return false;
    }
    return true;
  };

  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) {
      malformed = true;
      break;
    }
    const RecordField field_name = record_field(key);
    if (field_name == RecordField::unknown
            ? std::find(unknown_keys.begin(), unknown_keys.end(), key) != unknown_keys.end()
            : (seen_fields & field_bit(field_name)) != 0) {
      fail(std::string(key), "appears twice");
      continue;
    }
    od::value v;
    if (field.value().get(v)) {
      malformed = true;
      break;
    }
    bool is_null = false;
    {
      od::json_type type;
      if (v.type().get(type)) {
        malformed = true;
        break;
      }
      is_null = type == od::json_type::null;
      // type() only looked at the first byte; a skipped "nope" must not pass for null.
      if (is_null && trim_token(v.raw_json_token()) != "null") {
        malformed = true;
        break;
      }
    }
    switch (field_name) {
    case RecordField::event_id: {
      have_id = !is_null && get_string(v, key, e.event_id);
      break;
    }
    case RecordField::event_type: {
      std::string_view s;
      if (get_string_view(v, key, s)) {
        if (auto t = parse_event_type(s)) {
          e.event_type = *t;
        } else {
          fail("event_type", fmt::format("unknown event type '{}'", s));
        }
      }
      break;
    }
    case RecordField::event_time: {
      get_time(v, key, e.event_time, &event_time_text);
      break;
    }
    case RecordField::ingested_at: {
      if (!is_null) have_ingested = get_time(v, key, e.ingested_at);
      break;
    }
    case RecordField::source: {
      get_string(v, key, e.source);
      break;
    }
    case RecordField::source_entity_id: {
      get_string(v, key, e.source_entity_id);
      break;
    }
    case RecordField::entity_type: {
      std::string_view s;
      if (get_string_view(v, key, s)) {
        if (auto t = parse_entity_type(s)) {
          e.entity_type = *t;
        } else {
          fail("entity_type", fmt::format("unknown entity type '{}'", s));
        }
      }
      break;
    }
    case RecordField::entity_id: {
      get_string(v, key, e.entity_id);
      break;
    }
    case RecordField::related_entity_ids: {
      if (!is_null) get_object_text(v, key, e.related_entity_ids);
      break;
    }
    case RecordField::attributes: {
      if (!is_null) get_object_text(v, key, e.attributes);
      break;
    }
    case RecordField::amount: {
      if (!is_null) {
        od::json_type type;
        if (v.type().get(type) || type != od::json_type::number) {
          fail("amount", "must be a JSON number");
        } else {
          amount_text.assign(trim_token(v.raw_json_token()));
          od::number n;
          if (v.get_number().get(n)) fail("amount", "malformed number");
        }
      }
      break;
    }
    case RecordField::currency: {
      if (!is_null) get_string(v, key, e.currency);
      break;
    }
    case RecordField::data_quality_flags: {
      od::array arr;
      if (v.get_array().get(arr)) {
        fail("data_quality_flags", "must be an array of strings");
      } else {
        for (auto item : arr) {
          std::string_view s;
          if (item.get_string().get(s)) {
            fail("data_quality_flags", "must be an array of strings");
            break;
          }
          e.data_quality_flags.emplace_back(s);
        }
      }
      break;
    }
    case RecordField::schema_version: {
      std::string_view s;
      if (get_string_view(v, key, s) && s != kCanonicalSchemaVersion)
        fail("schema_version", fmt::format("'{}' is not supported (expected {})", s, kCanonicalSchemaVersion));
      break;
    }
    case RecordField::mapping_version: {
      std::int64_t m;
      if (v.get_int64().get(m) || m < 1 || m > 1000000) fail("mapping_version", "must be a positive integer");
      else e.mapping_version = static_cast<int>(m);
      break;
    }
    case RecordField::unknown:
      fail(std::string(key), "unknown field");
      break;
    }
    if (field_name == RecordField::unknown) unknown_keys.push_back(key);
    else seen_fields |= field_bit(field_name);
  }
  if (malformed) {
    r.problems.clear();
    fail("", "malformed JSON");
    return r;
  }
  if (!at_document_end(doc)) {
    fail("", "trailing content after the JSON object");
    return r;
  }
  // A field that was present but bad is already reported; only report absence here.
  for (std::string_view required : {"event_type", "event_time", "source", "source_entity_id", "entity_type", "entity_id"})
    if ((seen_fields & field_bit(record_field(required))) == 0) fail(std::string(required), "missing");
  if (!r.problems.empty()) return r;

  if (!amount_text.empty()) {
    if (e.currency.empty()) e.currency = defaults.currency;
    if (e.currency.empty()) {
      fail("currency", "required when an amount is given (no workspace currency is set yet)");
      return r;
    }
    auto digits = currency_minor_digits(e.currency);
    if (!digits) {
      fail("currency", fmt::format("unknown ISO 4217 currency code '{}'", e.currency));
      return r;
    }
    DecimalParse amount = parse_decimal_minor(amount_text, *digits);
    if (!amount.minor) {
      fail("amount", fmt::format("'{}': {}", amount_text, amount.error));
      return r;
    }
    e.amount_minor = amount.minor;
  }
  if (!have_ingested) e.ingested_at = defaults.ingested_at;
  if (!have_id) {
    // The discriminator is format_iso8601(event_time). A timestamp written as
    // YYYY-MM-DDTHH:MM:SSZ (20 characters, parsed fine above) already is that
    // text, so it is used as written instead of formatted again.
    const bool canonical_text = event_time_text.size() == 20 && event_time_text.back() == 'Z';
    e.event_id = derive_event_id(e.source, e.source_entity_id, e.event_type, e.mapping_version,
                                 canonical_text ? std::string(event_time_text) : format_iso8601(e.event_time));
  }
  r.problems = validate_event(e);
  if (r.problems.empty()) r.event = std::move(e);
  return r;
}

}  // namespace bre
