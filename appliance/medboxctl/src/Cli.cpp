#include "Cli.h"

#include "HwCheck.h"
#include "HwInventory.h"
#include "HwProfile.h"
#include "StatusFormat.h"
#include "Update.h"

#include "core/systemd/Error.h"
#include "core/systemd/Journal.h"
#include "core/systemd/UnitControl.h"
#include "core/systemd/UnitName.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <stdexcept>

#ifndef MEDBOXCTL_VERSION
#define MEDBOXCTL_VERSION "dev"
#endif

namespace medbox::ctl {

namespace {

using systemd::ErrorCode;

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int code(ExitCode c) { return static_cast<int>(c); }

ExitCode exitCodeFor(ErrorCode e) {
    switch (e) {
        case ErrorCode::InvalidUnitName: return ExitCode::Refused;
        case ErrorCode::InvalidArgument: return ExitCode::Usage;
        case ErrorCode::NoBus: return ExitCode::NoBus;
        case ErrorCode::NoSuchUnit: return ExitCode::NoSuchUnit;
        case ErrorCode::AccessDenied:
        case ErrorCode::JobFailed:
        case ErrorCode::Timeout:
        case ErrorCode::BusError:
        case ErrorCode::JournalError: return ExitCode::Failed;
    }
    return ExitCode::Failed;
}

// Splits "cmd [options] [positional]" with options anywhere after the command.
struct Parsed {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;  // name -> value ("" for flags)
};

Parsed parse(const std::vector<std::string>& args, std::size_t from, const std::vector<std::string>& valued,
             const std::vector<std::string>& flags) {
    Parsed p;
    for (std::size_t i = from; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            p.positional.insert(p.positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        if (a.size() > 1 && a[0] == '-') {
            std::string name = a;
            std::optional<std::string> value;
            if (auto eq = a.find('='); eq != std::string::npos && a.starts_with("--")) {
                name = a.substr(0, eq);
                value = a.substr(eq + 1);
            }
            if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
                if (!value) {
                    if (i + 1 >= args.size()) throw UsageError("option " + name + " needs a value");
                    value = args[++i];
                }
                p.options.emplace_back(name, *value);
            } else if (std::find(flags.begin(), flags.end(), name) != flags.end() && !value) {
                p.options.emplace_back(name, "");
            } else {
                throw UsageError("unknown option " + name.substr(0, 40));
            }
            continue;
        }
        p.positional.push_back(a);
    }
    return p;
}

std::optional<std::string> option(const Parsed& p, std::initializer_list<const char*> names) {
    std::optional<std::string> v;
    for (const auto& [n, value] : p.options) {
        for (const char* want : names) {
            if (n == want) v = value;
        }
    }
    return v;
}

long number(const std::string& text, const std::string& what, long lo, long hi) {
    long v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || v < lo || v > hi) {
        throw UsageError(what + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    return v;
}

int cmdStatus(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Parsed p = parse(args, 1, {"--lines", "-n"}, {});
    if (p.positional.size() > 1) throw UsageError("status takes at most one unit");
    std::size_t lines = 10;
    if (auto n = option(p, {"--lines", "-n"})) {
        lines = static_cast<std::size_t>(number(*n, "--lines", 0, static_cast<long>(systemd::Journal::kMaxLines)));
    }
    std::optional<std::string> unit;
    // Validate before connecting: a refusal does not depend on the bus.
    if (!p.positional.empty()) unit = systemd::resolveMedboxUnit(p.positional[0]);

    auto control = systemd::UnitControl::connectSystem();
    if (!unit) {
        auto units = control.listUnits();
        if (units.empty()) {
            out << "no medbox units are installed\n";
        } else {
            out << formatUnitTable(units);
        }
        return code(ExitCode::Ok);
    }
    auto st = control.status(*unit);
    out << formatUnitDetail(st, std::chrono::system_clock::now());
    if (lines > 0) {
        try {
            auto journal = systemd::Journal::openSystem();
            auto entries = journal.lastLines(st.name, lines);
            out << "\nJournal (last " << lines << " lines):\n";
            out << (entries.empty() ? std::string("-- no entries --\n") : formatJournal(entries));
        } catch (const systemd::Error& e) {
            // The unit status is still worth showing; say why the log is missing.
            err << "medboxctl: warning: " << e.what() << "\n";
        }
    }
    return code(ExitCode::Ok);
}

void printChanges(const std::vector<systemd::FileChange>& changes, std::ostream& out) {
    for (const auto& c : changes) {
        if (c.type == "symlink") {
            out << "Created symlink " << escapeForTerminal(c.path) << " -> " << escapeForTerminal(c.destination)
                << "\n";
        } else if (c.type == "unlink") {
            out << "Removed " << escapeForTerminal(c.path) << "\n";
        } else {
            out << escapeForTerminal(c.type) << " " << escapeForTerminal(c.path) << "\n";
        }
    }
}

int cmdUnit(const std::string& verb, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    bool isJob = verb == "start" || verb == "stop" || verb == "restart";
    Parsed p = isJob ? parse(args, 1, {"--timeout"}, {}) : parse(args, 1, {}, {});
    if (p.positional.size() != 1) throw UsageError(verb + " takes exactly one unit");
    std::chrono::seconds timeout = systemd::UnitControl::kDefaultJobTimeout;
    if (auto t = option(p, {"--timeout"})) timeout = std::chrono::seconds(number(*t, "--timeout", 1, 3600));
    const std::string unit = systemd::resolveMedboxUnit(p.positional[0]);

    auto control = systemd::UnitControl::connectSystem();
    if (verb == "start") {
        control.start(unit, timeout);
        out << "started " << unit << "\n";
    } else if (verb == "stop") {
        control.stop(unit, timeout);
        out << "stopped " << unit << "\n";
    } else if (verb == "restart") {
        control.restart(unit, timeout);
        out << "restarted " << unit << "\n";
    } else if (verb == "enable") {
        auto result = control.enable(unit);
        printChanges(result.changes, out);
        if (!result.carriesInstallInfo) {
            err << "medboxctl: warning: " << unit << " has no [Install] section; there is nothing to enable\n";
        }
    } else {
        printChanges(control.disable(unit), out);
    }
    return code(ExitCode::Ok);
}

int cmdHw(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() < 2 || args[1] != "check")
        throw UsageError("the hw command is: hw check --profile NAME|FILE [--root DIR] [--json]");
    Parsed p = parse(args, 2, {"--profile", "--root"}, {"--json"});
    if (!p.positional.empty()) throw UsageError("unexpected argument " + p.positional[0].substr(0, 40));
    auto profileName = option(p, {"--profile"});
    if (!profileName || profileName->empty()) throw UsageError("hw check needs --profile NAME|FILE");
    std::string root = option(p, {"--root"}).value_or("/");
    bool json = option(p, {"--json"}).has_value();

    HwProfile profile;
    Inventory inventory;
    try {
        profile = findProfile(*profileName);
        inventory = readInventory(root);
    } catch (const std::exception& e) {
        err << "medboxctl: " << e.what() << "\n";
        return code(ExitCode::BadInput);
    }
    HwReport report = checkHardware(profile, inventory);
    out << (json ? formatReportJson(report) : formatReportText(report));
    return code(report.matches() ? ExitCode::Ok : ExitCode::Mismatch);
}

int cmdUpdate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Parsed p = parse(args, 1, {}, {});
    if (p.positional.size() != 1) throw UsageError("update takes exactly one bundle (FILE.raucb)");
    std::string bundle;
    try {
        bundle = checkBundlePath(p.positional[0]);
    } catch (const std::invalid_argument& e) {
        err << "medboxctl: " << escapeForTerminal(e.what()) << "\n";
        return code(ExitCode::BadInput);
    }
    int status = runRaucInstall(kRaucProgram, bundle, out);
    if (status != 0) {
        err << "medboxctl: rauc install failed (exit " << status
            << "); nothing changed: the running slot stays the one that boots\n";
        return code(ExitCode::Failed);
    }
    out << "Installed into the other slot. Reboot to start it (systemctl reboot); if its services do not\n"
           "become ready within 5 minutes it reboots into this slot again (docs/update.md).\n";
    return code(ExitCode::Ok);
}

}  // namespace

std::string usage() {
    return "usage: medboxctl COMMAND ...\n"
           "\n"
           "Units (only medbox-*.service and medbox-*.timer; \"booking\" means medbox-booking.service):\n"
           "  status [UNIT] [--lines N]   table of all medbox units, or one unit with its last N (10) journal lines\n"
           "  start UNIT [--timeout SEC]  start and wait for the job (default 120 s)\n"
           "  stop UNIT [--timeout SEC]\n"
           "  restart UNIT [--timeout SEC]\n"
           "  enable UNIT                 enable the unit file (does not start it)\n"
           "  disable UNIT\n"
           "\n"
           "Hardware:\n"
           "  hw check --profile NAME|FILE [--root DIR] [--json]\n"
           "                              compare this machine (or a tree at DIR) with a hwprofiles/ profile\n"
           "\n"
           "Updates (docs/update.md):\n"
           "  update FILE.raucb           install a signed update bundle into the other root slot (rauc install)\n"
           "\n"
           "Exit codes: 0 ok, 1 hardware mismatch, 2 usage, 3 refused (not a medbox unit), 4 no system bus,\n"
           "            5 no such unit, 6 operation failed, 7 unusable profile, root or bundle\n";
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.empty()) throw UsageError("missing command");
        const std::string& cmd = args[0];
        if (cmd == "-h" || cmd == "--help" || cmd == "help") {
            out << usage();
            return code(ExitCode::Ok);
        }
        if (cmd == "--version") {
            out << "medboxctl " << MEDBOXCTL_VERSION << "\n";
            return code(ExitCode::Ok);
        }
        if (cmd == "status") return cmdStatus(args, out, err);
        if (cmd == "start" || cmd == "stop" || cmd == "restart" || cmd == "enable" || cmd == "disable") {
            return cmdUnit(cmd, args, out, err);
        }
        if (cmd == "hw") return cmdHw(args, out, err);
        if (cmd == "update") return cmdUpdate(args, out, err);
        throw UsageError("unknown command " + escapeForTerminal(cmd.substr(0, 40)));
    } catch (const UsageError& e) {
        err << "medboxctl: " << escapeForTerminal(e.what()) << "\n\n" << usage();
        return code(ExitCode::Usage);
    } catch (const systemd::Error& e) {
        err << "medboxctl: " << escapeForTerminal(e.what()) << "\n";
        return code(exitCodeFor(e.code()));
    } catch (const std::exception& e) {
        err << "medboxctl: " << escapeForTerminal(e.what()) << "\n";
        return code(ExitCode::Failed);
    }
}

}  // namespace medbox::ctl
