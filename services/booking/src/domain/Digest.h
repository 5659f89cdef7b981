#pragma once
// SHA-256 as lower-case hex (ETags, photo versions).
#include <string>
#include <string_view>

namespace medbox::booking {

std::string sha256Hex(std::string_view bytes);

}  // namespace medbox::booking
