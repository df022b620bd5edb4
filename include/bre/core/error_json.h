// The one error object of docs/errors.md, shared by the CLI (`--format json`)
// and the HTTP server, so both spell errors the same way:
// {"error":{"code","message","details"?,"request_id"?,"timestamp"}}.
#pragma once
#include <string>
#include <string_view>

#include "bre/core/error.h"
#include "bre/core/time.h"

namespace bre {

// `indent` < 0 gives one line; `request_id` is left out when empty.
std::string error_json(const Error& e, TimeMs now, std::string_view request_id = {}, int indent = -1);

}  // namespace bre
