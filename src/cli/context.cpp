#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "bre/core/business_time.h"
#include "bre/core/error.h"
#include "bre/ingest/input.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

std::string_view to_string(Format f) {
  switch (f) {
    case Format::table: return "table";
    case Format::json: return "json";
    case Format::jsonl: return "jsonl";
    case Format::md: return "md";
    case Format::pdf: return "pdf";
    case Format::svg: return "svg";
  }
  return "json";
}

Context::Context(GlobalOptions g, std::string command_path, Logger log)
    : options_(std::move(g)), command_path_(std::move(command_path)), log_(std::move(log)) {}
Context::~Context() = default;

namespace {
// Keys the configuration file may hold today; later stages add theirs.
const std::vector<std::string> kConfigKeys = {"currency", "timezone", "dependency_graph", "incident_graph"};
bool is_graph_key(const std::string& key) { return key == "dependency_graph" || key == "incident_graph"; }
bool names_a_time_zone(const std::string& zone) {
  try {
    BusinessTime{zone};
    return true;
  } catch (const Error&) {
    return false;
  }
}
}  // namespace

const nlohmann::ordered_json& Context::config() {
  if (!config_) {
    config_ = std::make_unique<nlohmann::ordered_json>(nlohmann::ordered_json::object());
    if (!options_.config.empty()) {
      std::string text = read_whole_input(options_.config);
      auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        throw Error(ErrorKind::data_invalid, "CONFIG_INVALID", "configuration must be a JSON object", options_.config);
      std::vector<Problem> problems;
      for (auto& [key, value] : parsed.items()) {
        if (std::find(kConfigKeys.begin(), kConfigKeys.end(), key) == kConfigKeys.end())
          problems.push_back({options_.config, 0, key,
                              "unknown configuration key (known: currency, timezone, dependency_graph, incident_graph)"});
        else if (is_graph_key(key) && !value.is_object())
          problems.push_back({options_.config, 0, key, "must be an object (docs/bre-rca.md)"});
        else if (!is_graph_key(key) && !value.is_string())
          problems.push_back({options_.config, 0, key, "must be a string"});
        else if (key == "timezone" && !names_a_time_zone(value.get<std::string>()))
          problems.push_back({options_.config, 0, key, "unknown time zone '" + value.get<std::string>() +
                                                           "' (an IANA name such as America/New_York)"});
      }
      if (!problems.empty())
        throw Error(ErrorKind::data_invalid, "CONFIG_INVALID", "invalid configuration", std::move(problems));
      *config_ = std::move(parsed);
    }
  }
  return *config_;
}

const DependencyGraphs& Context::graphs() {
  if (!graphs_)
    graphs_ = std::make_unique<DependencyGraphs>(load_dependency_graphs(config(), options_.config));
  return *graphs_;
}

std::string Context::config_string(const std::string& key) {
  const auto& c = config();
  return c.contains(key) ? c[key].get<std::string>() : std::string();
}

Workspace& Context::workspace(bool create) {
  if (!workspace_) {
    MigrationReport report;
    workspace_ = Workspace::open(resolve_workspace_path(options_.workspace), create, &report);
    if (report.from_version != report.to_version)
      log_.info("store", report.created ? "workspace_created" : "workspace_migrated",
                {{"path", workspace_->path()}, {"from_version", report.from_version},
                 {"to_version", report.to_version}});
  }
  return *workspace_;
}

void Context::emit(const nlohmann::ordered_json& data, const Renderer& render) const {
  std::string out;
  switch (format_) {
    case Format::json: out = data.dump(2) + "\n"; break;
    case Format::jsonl:
      if (data.is_array())
        for (const auto& item : data) out += item.dump() + "\n";
      else
        out = data.dump() + "\n";
      break;
    case Format::table:
    case Format::md: out = render ? render(format_) : render_generic(data, format_ == Format::md); break;
    default: out = data.dump(2) + "\n"; break;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

void Context::progress(const std::string& message) const {
  if (options_.quiet) return;
  std::fprintf(stderr, "%s\n", message.c_str());
}

}  // namespace bre::cli
