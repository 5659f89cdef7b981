#pragma once
// Masking of personal data for logs and list views. Logs never show a full ID
// number, phone number or name; the masking channel (Log.h) also scrubs any
// digit run that looks like one, as a second line of defence.
#include <string>
#include <string_view>

namespace medbox::mask {

std::string idNumber(std::string_view id);  // 110101199003071234 -> 110***********1234
std::string phone(std::string_view phone);  // 13812345678 -> 138****5678
std::string name(std::string_view name);    // 张三丰 -> 张**  (UTF-8 aware)
// Replaces ID-number-like and mobile-number-like digit runs inside free text.
std::string scrub(std::string_view text);

}  // namespace medbox::mask
