#include "ConsoleApp.h"

POCO_SERVER_MAIN(medbox::console::ConsoleApp)
