#include "SetupGate.h"

#include "core/error/AppError.h"
#include "domain/SetupWizard.h"

#include <atomic>
#include <memory>

namespace medbox::console {

Handler untilSetupDone(ConsoleEnv& env, Handler handler) {
    // Once seen completed it stays so (the wizard never re-arms): no
    // database read per request after that.
    auto done = std::make_shared<std::atomic<bool>>(false);
    return [&env, handler = std::move(handler), done](Request& rq, Reply& rp) {
        if (!done->load(std::memory_order_relaxed)) {
            if (SetupWizard::pending(env))
                throw AppError(Err::Conflict,
                               "this appliance is not set up yet: an admin must finish the setup wizard "
                               "(/setup.html) first");
            done->store(true, std::memory_order_relaxed);
        }
        handler(rq, rp);
    };
}

}  // namespace medbox::console
