#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

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
