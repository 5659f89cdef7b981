// medboxctl: the appliance's command-line tool. All logic is in src/ (tested).
#include "Cli.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return medbox::ctl::run(args, std::cout, std::cerr);
}
