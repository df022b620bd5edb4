// Parsing saved QBO response bodies. The envelope is walked with simdjson's
// on-demand API so each entity object's exact bytes can be kept (raw_json())
// for bronze; the object is then re-read into a JNode tree whose numbers are
// raw tokens, so no amount ever passes through a double.
#include <simdjson.h>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/json_text.h"
#include "bre/ingest/qbo.h"
#include "qbo_json.h"

namespace bre {

namespace od = simdjson::ondemand;
using qbo::JNode;

namespace qbo {

const JNode* JNode::get(std::string_view key) const {
  if (kind != Kind::object) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &items[i];
  return nullptr;
}

const JNode* at(const JNode* n, std::initializer_list<std::string_view> path) {
  for (std::string_view k : path) {
    if (!n) return nullptr;
    n = n->get(k);
  }
  return n;
}

std::string_view text_at(const JNode* n, std::initializer_list<std::string_view> path) {
  n = at(n, path);
  if (!n || (n->kind != JNode::Kind::string && n->kind != JNode::Kind::number)) return {};
  return n->text;
}

namespace {

constexpr int kMaxDepth = 64;

std::string_view trim_token(std::string_view t) {
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
    t.remove_suffix(1);
  return t;
}

bool build(od::value v, JNode& out, int depth, std::string* error) {
  if (depth > kMaxDepth) return *error = "nested too deeply", false;
  od::json_type type;
  if (v.type().get(type)) return *error = "malformed JSON", false;
  switch (type) {
    case od::json_type::object: {
      out.kind = JNode::Kind::object;
      od::object obj;
      if (v.get_object().get(obj)) return *error = "malformed JSON", false;
      for (auto field : obj) {
        std::string_view key;
        od::value child;
        if (field.unescaped_key().get(key) || field.value().get(child)) return *error = "malformed JSON", false;
        out.keys.emplace_back(key);
        out.items.emplace_back();
        if (!build(child, out.items.back(), depth + 1, error)) return false;
      }
      return true;
    }
    case od::json_type::array: {
      out.kind = JNode::Kind::array;
      od::array arr;
      if (v.get_array().get(arr)) return *error = "malformed JSON", false;
      for (auto element : arr) {
        od::value child;
        if (element.get(child)) return *error = "malformed JSON", false;
        out.items.emplace_back();
        if (!build(child, out.items.back(), depth + 1, error)) return false;
      }
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return *error = "malformed JSON string", false;
      out.kind = JNode::Kind::string;
      out.text = s;
      return true;
    }
    case od::json_type::number: {
      // The token as written, validated as a number but never converted.
      std::string_view token = trim_token(v.raw_json_token());
      od::number n;
      if (v.get_number().get(n)) return *error = "malformed number", false;
      out.kind = JNode::Kind::number;
      out.text = token;
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return *error = "malformed JSON", false;
      out.kind = JNode::Kind::boolean;
      out.text = b ? "true" : "false";
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) return *error = "malformed JSON", false;
      out.kind = JNode::Kind::null;
      return true;
    }
  }
  return *error = "malformed JSON", false;
}

}  // namespace

std::optional<JNode> parse_tree(std::string_view json, std::string* error) {
  od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  od::value root;
  if (parser.iterate(padded).get(doc) || doc.get_value().get(root)) {
    *error = "malformed JSON";
    return std::nullopt;
  }
  JNode out;
  if (!build(root, out, 0, error)) return std::nullopt;
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    *error = "trailing content after the JSON value";
    return std::nullopt;
  }
  return out;
}

std::optional<TimeMs> parse_qbo_time(std::string_view text) {
  if (text.size() == 10) return parse_date(text);
  return parse_iso8601(text);
}

}  // namespace qbo

std::string_view to_string(QboOperation op) {
  switch (op) {
    case QboOperation::Create: return "Create";
    case QboOperation::Update: return "Update";
    case QboOperation::Delete: return "Delete";
  }
  return "Update";
}

std::optional<QboOperation> parse_qbo_operation(std::string_view s) {
  if (s == "Create") return QboOperation::Create;
  if (s == "Update") return QboOperation::Update;
  if (s == "Delete") return QboOperation::Delete;
  return std::nullopt;
}

namespace {

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorKind::data_invalid, "QBO_RESPONSE_INVALID", what);
}

// Id, SyncToken, status and MetaData of one entity object, from its own text.
QboObject make_object(std::string entity_type, std::string_view raw) {
  std::string error;
  auto tree = qbo::parse_tree(raw, &error);
  if (!tree || !tree->is_object()) invalid(fmt::format("{} object: {}", entity_type, error.empty() ? "not an object" : error));
  QboObject o;
  o.entity_type = std::move(entity_type);
  o.id = qbo::text_at(&*tree, {"Id"});
  if (o.id.empty()) invalid(fmt::format("{} object without an Id", o.entity_type));
  o.sync_token = qbo::text_at(&*tree, {"SyncToken"});
  const bool deleted = qbo::text_at(&*tree, {"status"}) == "Deleted";
  // Without a recorded webhook operation, SyncToken 0 is the version QBO created.
  o.operation = deleted ? QboOperation::Delete : o.sync_token == "0" ? QboOperation::Create : QboOperation::Update;
  if (auto t = qbo::parse_qbo_time(qbo::text_at(&*tree, {"MetaData", "LastUpdatedTime"}))) o.last_updated = *t;
  o.payload.assign(raw);
  return o;
}

std::optional<std::int64_t> int_field(od::value v) {
  std::int64_t n;
  if (v.get_int64().get(n)) return std::nullopt;
  return n;
}

// One QueryResponse object: entity arrays plus paging numbers.
void read_query_response(od::object qr, QboPage& page) {
  for (auto field : qr) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) invalid("malformed QueryResponse");
    if (key == "startPosition") page.start_position = int_field(value);
    else if (key == "maxResults") page.max_results = int_field(value);
    else if (key == "totalCount") page.total_count = int_field(value);
    else {
      od::array arr;
      if (value.get_array().get(arr)) invalid(fmt::format("QueryResponse.{} is not an array", key));
      const std::string entity(key);
      for (auto element : arr) {
        od::object obj;
        std::string_view raw;
        if (element.get_object().get(obj) || obj.raw_json().get(raw)) invalid(fmt::format("malformed {} object", entity));
        page.objects.push_back(make_object(entity, raw));
      }
    }
  }
}

}  // namespace

QboPage parse_qbo_page(std::string_view json) {
  od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  od::object root;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(root)) invalid("not a JSON object");
  QboPage page;
  bool recognised = false;
  try {
    for (auto field : root) {
      std::string_view key;
      od::value value;
      if (field.unescaped_key().get(key) || field.value().get(value)) invalid("malformed JSON");
      if (key == "time") {
        std::string_view t;
        if (value.get_string().get(t) || !(page.time = qbo::parse_qbo_time(t))) invalid("bad envelope time");
      } else if (key == "QueryResponse") {
        od::object qr;
        if (value.get_object().get(qr)) invalid("QueryResponse is not an object");
        read_query_response(qr, page);
        recognised = true;
      } else if (key == "CDCResponse") {
        // [{"QueryResponse":[{"Customer":[...]},{"Invoice":[...]}]}]
        od::array cdc;
        if (value.get_array().get(cdc)) invalid("CDCResponse is not an array");
        for (auto entry : cdc) {
          od::object e;
          od::array groups;
          if (entry.get_object().get(e) || e["QueryResponse"].get_array().get(groups))
            invalid("CDCResponse entry without a QueryResponse array");
          for (auto group : groups) {
            od::object g;
            if (group.get_object().get(g)) invalid("CDC QueryResponse group is not an object");
            read_query_response(g, page);
          }
        }
        recognised = true;
      } else if (key == "Fault" || key == "fault") {
        invalid("the response is an API fault, not data");
      } else if (!key.empty() && key[0] >= 'A' && key[0] <= 'Z') {
        // Single read: {"Invoice":{...},"time":...}
        od::object obj;
        std::string_view raw;
        if (value.get_object().get(obj) || obj.raw_json().get(raw)) invalid(fmt::format("{} is not an object", key));
        page.objects.push_back(make_object(std::string(key), raw));
        recognised = true;
      }
    }
  } catch (const simdjson::simdjson_error&) {
    invalid("malformed JSON");
  }
  if (!recognised) invalid("not a QBO query, read or CDC response");
  return page;
}

QboObject qbo_object_from_bronze(std::string entity_type, std::string sync_token, std::string_view operation,
                                 std::string payload) {
  QboObject o = make_object(std::move(entity_type), payload);
  o.sync_token = std::move(sync_token);
  if (auto op = parse_qbo_operation(operation)) o.operation = *op;
  return o;
}

}  // namespace bre

namespace bre {

QboObject qbo_delete_stub(std::string entity_type, std::string id, TimeMs seen_missing_at) {
  const std::string payload = fmt::format(R"({{"domain":"QBO","status":"Deleted","Id":{},"MetaData":{{"LastUpdatedTime":{}}}}})",
                                          json_string(id), json_string(format_iso8601(seen_missing_at)));
  return make_object(std::move(entity_type), payload);
}

}  // namespace bre
