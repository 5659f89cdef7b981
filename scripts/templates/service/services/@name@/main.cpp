// The @name@ service binary: all logic lives in @name@_lib (src/).
#include "@Name@App.h"
#include <Poco/Util/ServerApplication.h>

POCO_SERVER_MAIN(medbox::@name@::@Name@App)
