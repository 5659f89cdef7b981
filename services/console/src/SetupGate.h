#pragma once
// The setup wizard's gate (docs/console.md, "Setup wizard"): until the
// wizard is completed, a change route wrapped here answers 409
// setup_required instead of running. Reads go on (the wizard's pages and the
// overview need them); sign-in, the password change and TOTP enrolment are
// never wrapped (the wizard's first step needs them).
#include "core/http/Router.h"

namespace medbox::console {

class ConsoleEnv;

Handler untilSetupDone(ConsoleEnv& env, Handler handler);

}  // namespace medbox::console
