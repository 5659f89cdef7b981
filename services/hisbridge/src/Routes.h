#pragma once
// The one place the hisbridge service's routes are registered (Routes.cpp).
#include "core/http/Router.h"

namespace medbox::hisbridge {

class HisbridgeEnv;
class Hl7Inbox;

// Registers every route with its Access; env and inbox (the quarantine
// applies corrected HL7 messages through it) live until exit.
void registerRoutes(Router& router, HisbridgeEnv& env, Hl7Inbox& inbox);

}  // namespace medbox::hisbridge
