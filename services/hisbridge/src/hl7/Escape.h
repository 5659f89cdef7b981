#pragma once
// HL7 v2 escape sequences (v2.5.1 2.7): \F\ \S\ \T\ \R\ \E\ stand for the
// message's own delimiters, \Xhh..\ for bytes given in hexadecimal. Any
// other sequence (formatting \H\ \N\ \.br\, character set switches
// \Cxxyy\ and \Mxxyyzz\, local \Zxx\), a malformed \Xhh\ and an escape character with no
// closing one are kept exactly as received: v2.5.1 lets a receiver ignore
// what it does not support, and keeping them loses nothing.
#include "hl7/Message.h"
#include <string>
#include <string_view>

namespace medbox::hisbridge::hl7 {

std::string unescape(std::string_view raw, const Delimiters& d);
// Escapes every delimiter in text so that it can be placed in one leaf.
// Line ends are written as \X0D\ and \X0A\: they would end the segment.
std::string escape(std::string_view text, const Delimiters& d);

}  // namespace medbox::hisbridge::hl7
