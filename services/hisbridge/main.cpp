// The hisbridge service binary: all logic lives in hisbridge_lib (src/).
#include "HisbridgeApp.h"
#include <Poco/Util/ServerApplication.h>

POCO_SERVER_MAIN(medbox::hisbridge::HisbridgeApp)
