#include "domain/Units.h"

#include "core/error/AppError.h"
#include "core/log/Mask.h"
#include "core/systemd/Error.h"
#include "core/systemd/UnitName.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace medbox::console {

namespace {

using systemd::ErrorCode;

// The real backend: core/systemd, one bus connection (or journal handle) per
// call, so concurrent requests never share an sd-bus object.
class SystemBackend final : public UnitBackend {
public:
    std::vector<systemd::UnitStatus> list() override { return systemd::UnitControl::connectSystem().listUnits(); }

    systemd::UnitStatus status(const std::string& unit) override {
        return systemd::UnitControl::connectSystem().status(unit);
    }

    void run(UnitVerb verb, const std::string& unit, std::chrono::milliseconds timeout) override {
        auto control = systemd::UnitControl::connectSystem();
        switch (verb) {
            case UnitVerb::Start: control.start(unit, timeout); return;
            case UnitVerb::Stop: control.stop(unit, timeout); return;
            case UnitVerb::Restart: control.restart(unit, timeout); return;
        }
    }

    JournalResult journal(const systemd::JournalQuery& query) override {
        auto journal = systemd::Journal::openSystem();
        JournalResult result;
        result.page = journal.read(query);
        if (result.page.lines.empty()) result.readable = journal.usageBytes() > 0;
        return result;
    }
};

// Printable ASCII of what the caller sent, for audit rows and messages (the
// name may be anything a URL segment can carry).
std::string printable(const std::string& s) {
    constexpr std::size_t kMax = 100;
    std::string out;
    for (char c : s.substr(0, kMax)) {
        auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7f) ? c : '?';
    }
    if (s.size() > kMax) out += "...";
    return out;
}

std::string detailJson(const std::string& requested, const std::string& reason, const std::string& error) {
    Poco::JSON::Object o;
    o.set("requested", printable(requested));
    if (!reason.empty()) o.set("reason", reason);
    if (!error.empty()) {
        std::string cut = error;
        if (cut.size() > 300) {
            cut.resize(300);
            cut += "...";
        }
        o.set("error", cut);
    }
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

AppError toAppError(const systemd::Error& e) {
    const std::string what = e.what();
    switch (e.code()) {
        case ErrorCode::InvalidUnitName: return AppError(Err::Forbidden, what);
        case ErrorCode::InvalidArgument: return AppError(Err::InvalidField, what);
        case ErrorCode::NoBus: return AppError(Err::Unavailable, "systemd is not reachable: " + what);
        case ErrorCode::NoSuchUnit: return AppError(Err::NotFound, what);
        case ErrorCode::AccessDenied:
            return AppError(Err::UnitFailed, "systemd refused the console: " + what +
                                                 " (the polkit rule 50-medbox-console.rules admits only start, stop "
                                                 "and restart of medbox services; see docs/console.md)");
        case ErrorCode::JobFailed: return AppError(Err::UnitFailed, what);
        case ErrorCode::Timeout: return AppError(Err::UnitTimeout, what);
        case ErrorCode::BusError:
        case ErrorCode::JournalError: return AppError(Err::UnitFailed, what);
    }
    return AppError(Err::UnitFailed, what);
}

const char* outcomeOf(Err err) { return (err == Err::Forbidden || err == Err::Conflict) ? "denied" : "failed"; }

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t validSequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    if (b(1) < lo || b(1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k) {
        if (b(k) < 0x80 || b(k) > 0xBF) return 0;
    }
    return len;
}

}  // namespace

const char* verbName(UnitVerb verb) {
    switch (verb) {
        case UnitVerb::Start: return "start";
        case UnitVerb::Stop: return "stop";
        case UnitVerb::Restart: return "restart";
    }
    return "?";
}

std::unique_ptr<UnitBackend> systemBackend() { return std::make_unique<SystemBackend>(); }

std::string displayText(std::string_view raw) {
    std::string valid;
    valid.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        const std::size_t n = validSequence(raw, i);
        if (n == 0) {
            valid += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
        } else {
            valid.append(raw.substr(i, n));
            i += n;
        }
    }
    return mask::scrub(valid);
}

Units::Units(ConsoleEnv& env, std::unique_ptr<UnitBackend> backend, pid_t ownPid)
    : env_(env), backend_(std::move(backend)), ownPid_(ownPid) {}

std::string Units::resolve(const std::string& requested) {
    try {
        return systemd::resolveMedboxUnit(requested);
    } catch (const systemd::Error& e) {
        throw AppError(Err::Forbidden, e.what());
    }
}

std::vector<systemd::UnitStatus> Units::list() {
    try {
        return backend_->list();
    } catch (const systemd::Error& e) {
        throw toAppError(e);
    }
}

UnitDetail Units::get(const std::string& requested, std::size_t lines) {
    const std::string unit = resolve(requested);
    if (lines < 1 || lines > kMaxJournalLines) {
        throw AppError(Err::InvalidField, "lines: between 1 and " + std::to_string(kMaxJournalLines), "lines");
    }
    UnitDetail d;
    try {
        d.status = backend_->status(unit);
    } catch (const systemd::Error& e) {
        throw toAppError(e);
    }
    // The status is worth showing without the journal (as medboxctl does).
    systemd::JournalQuery query;
    query.unit = d.status.name;
    query.limit = lines;
    try {
        auto j = readJournal(query);
        d.journal = std::move(j.page.lines);
        d.journalError = std::move(j.journalError);
    } catch (const systemd::Error& e) {
        d.journalError = e.what();
    }
    return d;
}

UnitJournal Units::journal(const std::string& requested, systemd::JournalQuery query) {
    query.unit = resolve(requested);
    try {
        return readJournal(query);
    } catch (const systemd::Error& e) {
        if (e.code() == ErrorCode::InvalidArgument) throw toAppError(e);
        UnitJournal j;
        j.journalError = e.what();
        return j;
    }
}

UnitJournal Units::readJournal(const systemd::JournalQuery& query) {
    auto result = backend_->journal(query);
    for (auto& line : result.page.lines) {
        line.identifier = displayText(line.identifier);
        line.message = displayText(line.message);
    }
    UnitJournal j{std::move(result.page), {}};
    if (!result.readable) {
        j.journalError =
            "no journal file is readable by the console (it needs group systemd-journal; see docs/console.md)";
    }
    return j;
}

systemd::UnitStatus Units::act(const std::string& actor, UnitVerb verb, const std::string& requested) {
    std::string unit;
    const bool harmsSelf = verb != UnitVerb::Start;
    const auto refuseSelf = [&] {
        throw AppError(Err::Conflict, std::string("the console does not ") + verbName(verb) + " its own unit (" +
                                          kOwnUnit + "): it would cut this request off; use medboxctl " +
                                          verbName(verb) + " console as root on the appliance");
    };
    try {
        unit = resolve(requested);
        if (harmsSelf && isSelf(unit)) refuseSelf();
        // By systemd's Id and main PID too: an alias of the console's unit
        // (medbox-x.service -> medbox-console.service) must not stop it either.
        const auto before = backend_->status(unit);
        if (harmsSelf &&
            (isSelf(before.name) || (before.mainPid != 0 && before.mainPid == static_cast<std::uint32_t>(ownPid_)))) {
            refuseSelf();
        }
        backend_->run(verb, unit, kJobTimeout);
    } catch (const AppError& e) {
        const char* reason = e.err() == Err::Forbidden ? "not-a-medbox-unit" : e.err() == Err::Conflict ? "self" : "";
        record(actor, verb, unit, requested, outcomeOf(e.err()), reason, e.what());
        throw;
    } catch (const systemd::Error& e) {
        const AppError api = toAppError(e);
        record(actor, verb, unit, requested, outcomeOf(api.err()), std::string(systemd::errorCodeName(e.code())),
               e.what());
        throw api;
    }
    // The job is done: record that before anything else can fail.
    record(actor, verb, unit, requested, "ok", "", "");
    try {
        return backend_->status(unit);
    } catch (const systemd::Error& e) {
        throw toAppError(e);
    }
}

void Units::record(const std::string& actor, UnitVerb verb, const std::string& unit, const std::string& requested,
                   const std::string& outcome, const std::string& reason, const std::string& error) {
    const std::string target = unit.empty() ? "unit:?" : "unit:" + unit;
    const std::string detail = detailJson(requested, reason, error);
    env_.db.write([&](db::Tx& tx) {
        env_.effects.auditIn(tx, {actor, std::string("unit.") + verbName(verb), target, outcome, detail});
    });
}

}  // namespace medbox::console
