// Shared helpers for unit tests: temporary directories and real data paths.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace bre {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("bre-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

// ../shared/data as CI lays it out, or $BRE_SHARED_DATA.
inline std::string shared_data_dir() {
  if (const char* env = std::getenv("BRE_SHARED_DATA"); env && *env) return env;
  return std::string(BRE_SOURCE_DIR) + "/../shared/data";
}

}  // namespace bre
