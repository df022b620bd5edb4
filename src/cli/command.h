// What a subcommand file sees of the command line: a Declarer to state its
// options (so CLI11's heavy header stays in main.cpp alone) and a Context to
// reach the workspace, the output and the logger.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bre/core/dependency_graphs.h"
#include "bre/core/log.h"
#include "bre/store/workspace.h"

namespace bre::cli {

enum class Format { table, json, jsonl, md, pdf, svg };
std::string_view to_string(Format f);

struct GlobalOptions {
  std::string workspace;
  std::string format;  // empty: table on a terminal, json otherwise
  std::string config;
  std::string log_level = "warn";
  bool quiet = false;
};

class Context {
 public:
  Context(GlobalOptions g, std::string command_path, Logger log);
  ~Context();

  const GlobalOptions& options() const { return options_; }
  const std::string& command_path() const { return command_path_; }
  const Logger& log() const { return log_; }
  Format format() const { return format_; }
  void set_format(Format f) { format_ = f; }

  // --config FILE (JSON), loaded on first use; empty object without --config.
  const nlohmann::ordered_json& config();
  // A string setting from the config file, or "" when absent.
  std::string config_string(const std::string& key);
  // The metric and incident graphs: the config file's, else the defaults.
  const DependencyGraphs& graphs();

  // Opens (and migrates) the workspace on first use; create for `bre init`.
  Workspace& workspace(bool create = false);
  bool workspace_open() const { return workspace_ != nullptr; }

  // Writes data to stdout in the chosen format. `table` and `md` use the
  // renderer when given, else a generic rendering of the JSON.
  using Renderer = std::function<std::string(Format)>;
  void emit(const nlohmann::ordered_json& data, const Renderer& render = {}) const;
  void progress(const std::string& message) const;  // stderr, unless --quiet

 private:
  GlobalOptions options_;
  std::string command_path_;
  Logger log_;
  Format format_ = Format::json;
  std::unique_ptr<Workspace> workspace_;
  std::unique_ptr<nlohmann::ordered_json> config_;
  std::unique_ptr<DependencyGraphs> graphs_;
};

using RunFn = std::function<int(Context&)>;

// Implemented over CLI11 in main.cpp.
class Declarer {
 public:
  virtual ~Declarer() = default;
  // A subcommand; `declare` states its options; `run` is null for a group
  // (like `ingest`) whose subcommands do the work.
  virtual void command(const std::string& name, const std::string& summary,
                       const std::function<void(Declarer&)>& declare, RunFn run) = 0;
  virtual void option(const std::string& names, std::string* target, const std::string& help,
                      const std::vector<std::string>& choices = {}) = 0;
  virtual void option(const std::string& names, int* target, const std::string& help) = 0;
  // A repeatable option: each occurrence adds one value.
  virtual void option(const std::string& names, std::vector<std::string>* target, const std::string& help) = 0;
  virtual void flag(const std::string& names, bool* target, const std::string& help) = 0;
  virtual void positionals(const std::string& name, std::vector<std::string>* target, const std::string& help,
                           bool required) = 0;
  virtual void positional(const std::string& name, std::string* target, const std::string& help, bool required) = 0;
  // The --format values this command accepts, shown in its --help.
  virtual void formats(const std::vector<Format>& accepted) = 0;
  // Extra text at the end of --help: examples, exit codes.
  virtual void footer(const std::string& text) = 0;
};

// One per file in src/cli/: registers the command and its subcommands.
void register_init(Declarer& root);
void register_ingest(Declarer& root);
void register_quality(Declarer& root);
void register_seed(Declarer& root);
void register_connect(Declarer& root);
void register_state(Declarer& root);
void register_detect(Declarer& root);
void register_correlate(Declarer& root);
void register_config(Declarer& root);
void register_rca(Declarer& root);
void register_serve(Declarer& root);
void register_impact(Declarer& root);
void register_simulate(Declarer& root);
void register_compare(Declarer& root);
void register_postmortem(Declarer& root);
void register_demo(Declarer& root);
void register_monitor(Declarer& root);
void register_eval(Declarer& root);
void register_model(Declarer& root);

}  // namespace bre::cli
