#include "bre/core/names.h"

#include <cctype>

namespace bre {

std::string title_case(std::string_view snake_name) {
  std::string out;
  bool start = true;
  for (char c : snake_name) {
    if (c == '_') {
      out += ' ';
      start = true;
    } else {
      out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      start = false;
    }
  }
  return out;
}

}  // namespace bre
