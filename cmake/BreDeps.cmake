# Every third-party dependency comes from a Debian 12 package; nothing is vendored.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(CURL REQUIRED)
find_package(Eigen3 3.4 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(doctest 2.4 CONFIG REQUIRED)
find_package(rapidcheck CONFIG REQUIRED)
find_package(simdjson CONFIG REQUIRED)
# Howard Hinnant's date: IANA time zones (g++ 12 has no std::chrono::time_zone);
# Debian's build reads the tzdata package's /usr/share/zoneinfo.
find_package(date CONFIG REQUIRED)
# cpp-httplib ships compiled; its .pc carries the CPPHTTPLIB_*_SUPPORT defines the ABI needs.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
# cmark's CMake config needs /usr/bin/cmark; the .pc does not.
pkg_check_modules(CMARK REQUIRED IMPORTED_TARGET libcmark>=0.30)
find_path(HPDF_INCLUDE_DIR hpdf.h REQUIRED)
find_library(HPDF_LIBRARY NAMES hpdf REQUIRED)
if(NOT TARGET hpdf::hpdf)
  add_library(hpdf::hpdf UNKNOWN IMPORTED)
  set_target_properties(hpdf::hpdf PROPERTIES
    IMPORTED_LOCATION "${HPDF_LIBRARY}" INTERFACE_INCLUDE_DIRECTORIES "${HPDF_INCLUDE_DIR}")
endif()
include(doctest)
