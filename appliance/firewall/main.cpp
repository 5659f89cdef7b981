#include "src/Cli.h"

#include <exception>
#include <iostream>

// Thin main: all behaviour lives in the library, which the tests link.
int main(int argc, char** argv) {
    try {
        return medbox::firewall::runCli({argv + 1, argv + argc}, std::cout, std::cerr);
    } catch (const std::exception& e) {
        // Control-path failures (libnftables cannot start) end here, once.
        std::cerr << "medbox-firewall: " << e.what() << "\n";
        return medbox::firewall::kExitNftables;
    }
}
