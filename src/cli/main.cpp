// The `bre` executable: parses the command line with CLI11 (this file is the
// only one that includes it), runs the chosen subcommand, and turns a
// bre::Error into the one-line message, the JSON error object and the exit
// code of cli.md §2.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "bre/core/error.h"
#include "bre/core/error_json.h"
#include "bre/core/time.h"
#include "command.h"

namespace bre::cli {

namespace {

struct CommandInfo {
  RunFn run;
  std::vector<Format> formats;
  std::string path;
};

class Cli11Declarer : public Declarer {
 public:
  Cli11Declarer(CLI::App* app, std::map<CLI::App*, CommandInfo>* registry, std::string path)
      : app_(app), registry_(registry), path_(std::move(path)) {}

  void command(const std::string& name, const std::string& summary, const std::function<void(Declarer&)>& declare,
               RunFn run) override {
    CLI::App* sub = app_->add_subcommand(name, summary);
    sub->fallthrough();
    const std::string path = path_.empty() ? name : path_ + " " + name;
    (*registry_)[sub] = CommandInfo{std::move(run), {Format::table, Format::json, Format::jsonl, Format::md}, path};
    Cli11Declarer child(sub, registry_, path);
    if (declare) declare(child);
    if (!(*registry_)[sub].run) sub->require_subcommand(1);
  }
  void option(const std::string& names, std::string* target, const std::string& help,
              const std::vector<std::string>& choices) override {
    CLI::Option* o = app_->add_option(names, *target, help);
    if (!choices.empty()) o->check(CLI::IsMember(choices));
  }
  void option(const std::string& names, int* target, const std::string& help) override {
    app_->add_option(names, *target, help);
  }
  void option(const std::string& names, std::vector<std::string>* target, const std::string& help) override {
    app_->add_option(names, *target, help)->take_last()->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  }
  void flag(const std::string& names, bool* target, const std::string& help) override {
    app_->add_flag(names, *target, help);
  }
  void positionals(const std::string& name, std::vector<std::string>* target, const std::string& help,
                   bool required) override {
    CLI::Option* o = app_->add_option(name, *target, help);
    if (required) o->required();
  }
  void positional(const std::string& name, std::string* target, const std::string& help, bool required) override {
    CLI::Option* o = app_->add_option(name, *target, help);
    if (required) o->required();
  }
  void formats(const std::vector<Format>& accepted) override { (*registry_)[app_].formats = accepted; }
  void footer(const std::string& text) override {
    const std::string existing = app_->get_footer();
    app_->footer(existing.empty() ? text : existing + "\n\n" + text);
  }

 private:
  CLI::App* app_;
  std::map<CLI::App*, CommandInfo>* registry_;
  std::string path_;
};

CLI::App* deepest_selected(CLI::App* app) {
  for (CLI::App* sub : app->get_subcommands()) return deepest_selected(sub);
  return app;
}

void print_error(const std::string& command, const Error& e, std::optional<Format> format) {
  std::string line = "bre: " + (command.empty() ? std::string() : command + ": ") + e.what();
  if (!e.where().empty()) line += " (" + e.where() + ")";
  std::fprintf(stderr, "%s\n", line.c_str());
  for (const Problem& p : e.problems())
    std::fprintf(stderr, "bre: %s: %s\n", command.c_str(), p.to_string().c_str());
  if (format == Format::json || format == Format::jsonl)
    std::printf("%s\n", error_json(e, now_ms(), {}, format == Format::json ? 2 : -1).c_str());
}

// The first argument that is not a global option or its value: the command.
std::optional<std::string> first_command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--workspace" || a == "--format" || a == "--config" || a == "--log-level") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    return std::string(a);
  }
  return std::nullopt;
}

std::optional<Format> parse_format(const std::string& s) {
  for (Format f : {Format::table, Format::json, Format::jsonl, Format::md, Format::pdf, Format::svg})
    if (to_string(f) == s) return f;
  return std::nullopt;
}

}  // namespace

int run_main(int argc, char** argv) {
  CLI::App app{"bre: the Business Reliability Engine. SRE for a small business's operations.", "bre"};
  app.set_version_flag("--version", std::string("bre ") + BRE_VERSION);
  app.require_subcommand(1);
  GlobalOptions g;
  app.add_option("--workspace", g.workspace, "workspace file (default: $BRE_WORKSPACE, else ./bre.sqlite)");
  app.add_option("--format", g.format, "output format (default: table on a terminal, json otherwise)")
      ->check(CLI::IsMember({"table", "json", "jsonl", "md", "pdf", "svg"}));  // each command says which it takes
  app.add_option("--config", g.config, "configuration file (JSON)");
  app.add_option("--log-level", g.log_level, "stderr log level")->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_flag("--quiet", g.quiet, "only errors on stderr");
  app.footer(
      "Exit codes: 0 ok, 1 internal error, 2 usage, 65 invalid input data (nothing written), 66 input or workspace "
      "missing, 69 remote unavailable, 73 workspace cannot be created, 74 I/O error, 75 retry later, 77 not "
      "authorised.\nRun 'bre help COMMAND' for a command's options; 'man bre' for the manual.");

  std::map<CLI::App*, CommandInfo> registry;
  Cli11Declarer root(&app, &registry, "");
  register_init(root);
  register_ingest(root);
  register_quality(root);
  register_seed(root);
  register_connect(root);
  register_state(root);
  register_detect(root);
  register_correlate(root);
  register_config(root);
  register_rca(root);
  register_serve(root);
  register_impact(root);
  register_simulate(root);
  register_compare(root);
  register_postmortem(root);
  register_demo(root);
  register_monitor(root);
  register_eval(root);
  register_model(root);

  // Every runnable command's --help says which formats it takes.
  for (auto& [sub, info] : registry) {
    if (!info.run) continue;
    std::string list;
    for (Format f : info.formats) list += (list.empty() ? "" : "|") + std::string(to_string(f));
    sub->footer("Formats: --format " + list + "\n\n" + sub->get_footer());
  }

  std::vector<std::string> help_topic;
  root.command("help", "show help for a command: bre help ingest file", [&](Declarer& d) {
    d.positionals("command", &help_topic, "command path", false);
  }, [&](Context&) {
    CLI::App* target = &app;
    for (const std::string& name : help_topic) {
      CLI::App* next = nullptr;
      try {
        next = target->get_subcommand(name);
      } catch (const CLI::OptionNotFound&) {
      }
      if (!next) throw Error(ErrorKind::usage, "UNKNOWN_COMMAND", "no such command: " + name);
      target = next;
    }
    // App::help() on the root would describe the selected `help` subcommand itself.
    std::printf("%s", target->get_formatter()->make_help(target, target == &app ? "bre" : target->get_name(),
                                                         CLI::AppFormatMode::Normal).c_str());
    return 0;
  });
  registry.at(app.get_subcommand("help")).formats = {Format::table, Format::json, Format::jsonl, Format::md};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    // Same shape as every other error: the command, the JSON object when asked for.
    auto it = registry.find(deepest_selected(&app));
    const std::string path = it == registry.end() ? std::string() : it->second.path;
    std::string message = e.what();
    if (path.empty()) {
      if (auto word = first_command_word(argc, argv)) {
        auto subs = app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == *word; });
        if (subs.empty()) message = "unknown command '" + *word + "'";
      }
    }
    message += path.empty() ? "; see 'bre --help'" : "; see 'bre help " + path + "'";
    print_error(path, Error(ErrorKind::usage, "USAGE", message), parse_format(g.format));
    return 2;
  }

  CLI::App* selected = deepest_selected(&app);
  const CommandInfo& info = registry.at(selected);
  std::optional<Format> format;
  if (!g.format.empty()) format = parse_format(g.format);
  try {
    const auto level = parse_log_level(g.quiet ? "error" : g.log_level).value_or(LogLevel::warn);
    Logger log(level, new_run_id(), [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
    Context ctx(g, info.path, log);
    if (!g.config.empty()) ctx.config();  // a bad --config fails every command, not only those that read it
    Format chosen = format.value_or(isatty(STDOUT_FILENO) ? Format::table : Format::json);
    if (std::find(info.formats.begin(), info.formats.end(), chosen) == info.formats.end()) {
      if (format) {
        std::string list;
        for (Format f : info.formats) list += (list.empty() ? "" : ", ") + std::string(to_string(f));
        throw Error(ErrorKind::usage, "UNSUPPORTED_FORMAT",
                    "--format " + g.format + " is not available for this command (accepted: " + list + ")");
      }
      chosen = info.formats.front();
    }
    ctx.set_format(chosen);
    format = chosen;
    return info.run(ctx);
  } catch (const Error& e) {
    print_error(info.path, e, format);
    return exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    print_error(info.path, Error(ErrorKind::internal, "OUT_OF_MEMORY", "out of memory"), format);
    return 1;
  } catch (const std::exception& e) {
    print_error(info.path, Error(ErrorKind::internal, "INTERNAL", std::string("internal error: ") + e.what()), format);
    return 1;
  }
}

}  // namespace bre::cli

int main(int argc, char** argv) { return bre::cli::run_main(argc, argv); }
