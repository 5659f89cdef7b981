#pragma once
// The one place the booking service's routes are registered (Routes.cpp).
#include "core/http/Router.h"

namespace medbox::booking {

class BookingEnv;

// Registers every route with its Access; env lives until exit.
void registerRoutes(Router& router, BookingEnv& env);

}  // namespace medbox::booking
