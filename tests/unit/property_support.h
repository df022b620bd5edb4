// RapidCheck helpers shared by the property tests.
#pragma once
#include <rapidcheck.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <utility>

namespace bre_test {

// rc::check with at most `max_cases` cases, for the expensive properties
// (whole scans, PDFs of tens of milliseconds); RC_PARAMS can still lower it
// and sets the seed.
template <typename Testable>
bool check_cases(const std::string& description, int max_cases, Testable&& testable) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, max_cases);
  std::cerr << "\n- " << description << "\n";
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = description;
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  rc::detail::printResultMessage(result, std::cerr);
  std::cerr << "\n";
  return result.template is<rc::detail::SuccessResult>();
}

}  // namespace bre_test
