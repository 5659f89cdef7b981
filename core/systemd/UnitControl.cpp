#include "core/systemd/UnitControl.h"

#include "core/systemd/Error.h"
#include "core/systemd/UnitName.h"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <system_error>
#include <utility>
#include <variant>

namespace medbox::systemd {

namespace {

constexpr const char* kDestination = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";
constexpr const char* kUnitInterface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceInterface = "org.freedesktop.systemd1.Service";
constexpr const char* kTimerInterface = "org.freedesktop.systemd1.Timer";
constexpr const char* kDefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";
const std::vector<std::string> kPatterns = {"medbox-*.service", "medbox-*.timer"};

// systemd reports "never"/"not accounted" as the all-ones value.
constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();

struct BusErrorHolder {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    BusErrorHolder() = default;
    BusErrorHolder(const BusErrorHolder&) = delete;
    BusErrorHolder& operator=(const BusErrorHolder&) = delete;
    ~BusErrorHolder() { sd_bus_error_free(&error); }
};

struct MessageHolder {
    sd_bus_message* message = nullptr;
    MessageHolder() = default;
    MessageHolder(const MessageHolder&) = delete;
    MessageHolder& operator=(const MessageHolder&) = delete;
    ~MessageHolder() { sd_bus_message_unref(message); }
};

struct SlotHolder {
    sd_bus_slot* slot = nullptr;
    SlotHolder() = default;
    SlotHolder(const SlotHolder&) = delete;
    SlotHolder& operator=(const SlotHolder&) = delete;
    ~SlotHolder() { sd_bus_slot_unref(slot); }
};

std::string errnoText(int negativeErrno) { return std::error_code(-negativeErrno, std::generic_category()).message(); }

bool hasName(const sd_bus_error& e, const char* name) { return sd_bus_error_has_name(&e, name) > 0; }

ErrorCode classify(const sd_bus_error& e, int r) {
    if (hasName(e, "org.freedesktop.systemd1.NoSuchUnit")) return ErrorCode::NoSuchUnit;
    if (hasName(e, "org.freedesktop.DBus.Error.AccessDenied") ||
        hasName(e, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired")) {
        return ErrorCode::AccessDenied;
    }
    if (hasName(e, "org.freedesktop.DBus.Error.NoReply") || hasName(e, "org.freedesktop.DBus.Error.Timeout") ||
        r == -ETIMEDOUT) {
        return ErrorCode::Timeout;
    }
    if (hasName(e, "org.freedesktop.DBus.Error.ServiceUnknown") ||
        hasName(e, "org.freedesktop.DBus.Error.NameHasNoOwner") || r == -ENOTCONN || r == -ECONNRESET) {
        return ErrorCode::NoBus;
    }
    if (r == -EACCES || r == -EPERM) return ErrorCode::AccessDenied;
    return ErrorCode::BusError;
}

[[noreturn]] void throwBusError(const std::string& what, const sd_bus_error& e, int r) {
    std::string detail = (e.message != nullptr && *e.message != '\0') ? e.message : errnoText(r);
    throw Error(classify(e, r), what + ": " + detail);
}

void check(int r, const std::string& what) {
    if (r < 0) throw Error(classify(SD_BUS_ERROR_NULL, r), what + ": " + errnoText(r));
}

std::string unitPath(const std::string& name) {
    char* path = nullptr;
    check(sd_bus_path_encode("/org/freedesktop/systemd1/unit", name.c_str(), &path), "cannot encode unit path");
    std::string result(path);
    std::free(path);
    return result;
}

// A D-Bus property value of the simple types systemd uses for what we read.
using Value = std::variant<std::monostate, std::string, std::uint64_t, std::uint32_t, std::int32_t, bool>;
using Properties = std::map<std::string, Value, std::less<>>;

Properties getAll(sd_bus* bus, const std::string& path, const char* interface) {
    BusErrorHolder err;
    MessageHolder reply;
    int r = sd_bus_call_method(bus, kDestination, path.c_str(), "org.freedesktop.DBus.Properties", "GetAll", &err.error,
                               &reply.message, "s", interface);
    if (r < 0) throwBusError(std::string("cannot read properties of ") + path, err.error, r);

    const std::string what = "cannot parse properties of " + path;
    sd_bus_message* m = reply.message;
    check(sd_bus_message_enter_container(m, 'a', "{sv}"), what);
    Properties props;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* name = nullptr;
        check(sd_bus_message_read(m, "s", &name), what);
        char type = 0;
        const char* contents = nullptr;
        check(sd_bus_message_peek_type(m, &type, &contents), what);
        std::string signature = contents != nullptr ? contents : "";
        Value value;
        if (signature == "s" || signature == "o") {
            const char* s = nullptr;
            check(sd_bus_message_read(m, "v", signature.c_str(), &s), what);
            value = std::string(s != nullptr ? s : "");
        } else if (signature == "t") {
            std::uint64_t v = 0;
            check(sd_bus_message_read(m, "v", "t", &v), what);
            value = v;
        } else if (signature == "u") {
            std::uint32_t v = 0;
            check(sd_bus_message_read(m, "v", "u", &v), what);
            value = v;
        } else if (signature == "i") {
            std::int32_t v = 0;
            check(sd_bus_message_read(m, "v", "i", &v), what);
            value = v;
        } else if (signature == "b") {
            int v = 0;
            check(sd_bus_message_read(m, "v", "b", &v), what);
            value = v != 0;
        } else {
            check(sd_bus_message_skip(m, "v"), what);
        }
        props.emplace(name, std::move(value));
        check(sd_bus_message_exit_container(m), what);
    }
    check(r, what);
    check(sd_bus_message_exit_container(m), what);
    return props;
}

std::string text(const Properties& p, std::string_view key) {
    auto it = p.find(key);
    if (it == p.end()) return {};
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
    return {};
}

std::optional<std::uint64_t> u64(const Properties& p, std::string_view key) {
    auto it = p.find(key);
    if (it == p.end()) return std::nullopt;
    if (const auto* v = std::get_if<std::uint64_t>(&it->second)) return *v;
    return std::nullopt;
}

std::optional<std::uint32_t> u32(const Properties& p, std::string_view key) {
    auto it = p.find(key);
    if (it == p.end()) return std::nullopt;
    if (const auto* v = std::get_if<std::uint32_t>(&it->second)) return *v;
    return std::nullopt;
}

std::optional<TimePoint> timestamp(const Properties& p, std::string_view key) {
    auto usec = u64(p, key);
    if (!usec || *usec == 0 || *usec == kInfinity) return std::nullopt;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(*usec)));
}

// Builds a method call whose arguments start with string arrays (sd-bus has
// no varargs form for "as").
struct CallBuilder {
    MessageHolder call;
    CallBuilder(sd_bus* bus, const char* method) {
        check(sd_bus_message_new_method_call(bus, &call.message, kDestination, kManagerPath, kManagerInterface, method),
              std::string("cannot create ") + method + " call");
    }
    void strings(const std::vector<std::string>& values) {
        std::vector<char*> raw;
        raw.reserve(values.size() + 1);
        for (const auto& v : values) raw.push_back(const_cast<char*>(v.c_str()));
        raw.push_back(nullptr);
        check(sd_bus_message_append_strv(call.message, raw.data()), "cannot build bus call");
    }
};

void callManager(sd_bus* bus, CallBuilder& builder, const char* method, MessageHolder& reply) {
    BusErrorHolder err;
    int r = sd_bus_call(bus, builder.call.message, 0, &err.error, &reply.message);
    if (r < 0) throwBusError(std::string(method) + " failed", err.error, r);
}

std::vector<FileChange> readChanges(sd_bus_message* m, const std::string& what) {
    std::vector<FileChange> changes;
    check(sd_bus_message_enter_container(m, 'a', "(sss)"), what);
    const char* type = nullptr;
    const char* path = nullptr;
    const char* destination = nullptr;
    int r = 0;
    while ((r = sd_bus_message_read(m, "(sss)", &type, &path, &destination)) > 0) {
        changes.push_back({type, path, destination});
    }
    check(r, what);
    check(sd_bus_message_exit_container(m), what);
    return changes;
}

struct JobWaiter {
    std::string jobPath;
    std::string result;
    bool finished = false;
};

int onJobRemoved(sd_bus_message* m, void* userdata, sd_bus_error* /*retError*/) {
    auto* waiter = static_cast<JobWaiter*>(userdata);
    std::uint32_t id = 0;
    const char* path = nullptr;
    const char* unit = nullptr;
    const char* result = nullptr;
    if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
    if (!waiter->finished && path != nullptr && waiter->jobPath == path) {
        waiter->result = result != nullptr ? result : "";
        waiter->finished = true;
    }
    return 0;
}

std::string verbFor(const char* method) {
    std::string m(method);
    if (m == "StartUnit") return "start";
    if (m == "StopUnit") return "stop";
    if (m == "RestartUnit") return "restart";
    return m;
}

}  // namespace

UnitControl UnitControl::connectSystem() {
    sd_bus* bus = nullptr;
    int r = sd_bus_open_system(&bus);
    const char* env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    return adopt(bus, r, env != nullptr && *env != '\0' ? env : kDefaultSystemBus);
}

UnitControl UnitControl::connectAddress(const std::string& address) {
    sd_bus* bus = nullptr;
    int r = sd_bus_new(&bus);
    if (r >= 0) r = sd_bus_set_address(bus, address.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
    if (r >= 0) r = sd_bus_start(bus);
    return adopt(bus, r, address);
}

UnitControl UnitControl::adopt(sd_bus* bus, int openResult, const std::string& address) {
    if (openResult < 0) {
        sd_bus_unref(bus);
        throw Error(ErrorCode::NoBus, "cannot connect to the system bus at " + address + ": " + errnoText(openResult) +
                                          " (systemd must be running as PID 1 with D-Bus; units can only be managed "
                                          "on a booted appliance or container)");
    }
    UnitControl control(bus);
    // Connecting only proves a socket exists; ask systemd itself so "no
    // systemd on this bus" fails here with a clear message, not later.
    BusErrorHolder err;
    char* version = nullptr;
    int r = sd_bus_get_property_string(bus, kDestination, kManagerPath, kManagerInterface, "Version", &err.error,
                                       &version);
    std::free(version);
    if (r < 0) {
        std::string detail = (err.error.message != nullptr) ? err.error.message : errnoText(r);
        throw Error(ErrorCode::NoBus,
                    "connected to the system bus at " + address + " but systemd does not answer on it: " + detail);
    }
    return control;
}

UnitControl::UnitControl(UnitControl&& other) noexcept
    : bus_(std::exchange(other.bus_, nullptr)), subscribed_(other.subscribed_) {}

UnitControl& UnitControl::operator=(UnitControl&& other) noexcept {
    if (this != &other) {
        sd_bus_flush_close_unref(bus_);
        bus_ = std::exchange(other.bus_, nullptr);
        subscribed_ = other.subscribed_;
    }
    return *this;
}

UnitControl::~UnitControl() { sd_bus_flush_close_unref(bus_); }

UnitStatus UnitControl::readStatus(const std::string& name) {
    const std::string path = unitPath(name);
    Properties unit = getAll(bus_, path, kUnitInterface);
    UnitStatus st;
    st.name = text(unit, "Id");
    st.description = text(unit, "Description");
    st.loadState = text(unit, "LoadState");
    st.activeState = text(unit, "ActiveState");
    st.subState = text(unit, "SubState");
    st.unitFileState = text(unit, "UnitFileState");
    st.fragmentPath = text(unit, "FragmentPath");
    st.activeSince = timestamp(unit, "ActiveEnterTimestamp");
    if (st.name.empty()) st.name = name;

    if (name.ends_with(".service")) {
        Properties service = getAll(bus_, path, kServiceInterface);
        st.mainPid = u32(service, "MainPID").value_or(0);
        if (auto mem = u64(service, "MemoryCurrent"); mem && *mem != kInfinity) st.memoryBytes = *mem;
        st.restarts = u32(service, "NRestarts");
    } else if (name.ends_with(".timer")) {
        Properties timer = getAll(bus_, path, kTimerInterface);
        st.nextElapse = timestamp(timer, "NextElapseUSecRealtime");
        st.lastTrigger = timestamp(timer, "LastTriggerUSec");
    }
    return st;
}

std::vector<UnitStatus> UnitControl::listUnits() {
    std::set<std::string> names;
    {
        CallBuilder call(bus_, "ListUnitsByPatterns");
        call.strings({});
        call.strings(kPatterns);
        MessageHolder reply;
        callManager(bus_, call, "ListUnitsByPatterns", reply);
        const std::string what = "cannot parse the unit list";
        check(sd_bus_message_enter_container(reply.message, 'a', "(ssssssouso)"), what);
        const char *id, *description, *load, *active, *sub, *following, *objectPath, *jobType, *jobPath;
        std::uint32_t jobId = 0;
        int r = 0;
        while ((r = sd_bus_message_read(reply.message, "(ssssssouso)", &id, &description, &load, &active, &sub,
                                        &following, &objectPath, &jobId, &jobType, &jobPath)) > 0) {
            names.insert(id);
        }
        check(r, what);
    }
    {
        // Installed but never loaded units (e.g. disabled ones) are not in the
        // list above; the unit files show them.
        CallBuilder call(bus_, "ListUnitFilesByPatterns");
        call.strings({});
        call.strings(kPatterns);
        MessageHolder reply;
        callManager(bus_, call, "ListUnitFilesByPatterns", reply);
        const std::string what = "cannot parse the unit file list";
        check(sd_bus_message_enter_container(reply.message, 'a', "(ss)"), what);
        const char* path = nullptr;
        const char* state = nullptr;
        int r = 0;
        while ((r = sd_bus_message_read(reply.message, "(ss)", &path, &state)) > 0) {
            std::string_view p(path);
            auto slash = p.rfind('/');
            names.emplace(slash == std::string_view::npos ? p : p.substr(slash + 1));
        }
        check(r, what);
    }

    std::vector<UnitStatus> units;
    for (const auto& name : names) {
        if (!isMedboxUnitName(name)) continue;  // e.g. the template file "medbox-x@.service"
        UnitStatus st = readStatus(name);
        // An alias is shown under its real name (if that is ours), never twice.
        if (st.name != name || st.loadState == "not-found") continue;
        units.push_back(std::move(st));
    }
    return units;
}

std::string UnitControl::requireOwnLoadedUnit(std::string_view unit) {
    requireMedboxUnitName(unit);
    const std::string name(unit);
    Properties props = getAll(bus_, unitPath(name), kUnitInterface);
    std::string id = text(props, "Id");
    if (id.empty()) id = name;
    if (!isMedboxUnitName(id)) {
        throw Error(ErrorCode::InvalidUnitName, "\"" + name + "\" is an alias of \"" + id +
                                                    "\", which is not a medbox unit; refusing to manage it");
    }
    if (text(props, "LoadState") == "not-found" && text(props, "ActiveState") == "inactive") {
        throw Error(ErrorCode::NoSuchUnit, "unit " + name + " not found (no unit file is installed for it)");
    }
    return id;
}

UnitStatus UnitControl::status(std::string_view unit) {
    const std::string id = requireOwnLoadedUnit(unit);
    return readStatus(id);
}

void UnitControl::runJob(const char* method, std::string_view unit, std::chrono::milliseconds timeout) {
    const std::string id = requireOwnLoadedUnit(unit);
    const std::string verb = verbFor(method);

    JobWaiter waiter;
    SlotHolder slot;
    // The match must exist before the job is queued, or a fast job's
    // JobRemoved could be missed.
    check(sd_bus_match_signal(bus_, &slot.slot, kDestination, kManagerPath, kManagerInterface, "JobRemoved",
                              onJobRemoved, &waiter),
          "cannot watch for job completion");
    if (!subscribed_) {
        // systemd emits JobRemoved only while some client is subscribed.
        BusErrorHolder err;
        int r = sd_bus_call_method(bus_, kDestination, kManagerPath, kManagerInterface, "Subscribe", &err.error,
                                   nullptr, "");
        if (r < 0 && !hasName(err.error, "org.freedesktop.systemd1.AlreadySubscribed")) {
            throwBusError("cannot subscribe to systemd signals", err.error, r);
        }
        subscribed_ = true;
    }

    {
        BusErrorHolder err;
        MessageHolder reply;
        int r = sd_bus_call_method(bus_, kDestination, kManagerPath, kManagerInterface, method, &err.error,
                                   &reply.message, "ss", id.c_str(), "replace");
        if (r < 0) throwBusError("cannot " + verb + " " + id, err.error, r);
        const char* job = nullptr;
        check(sd_bus_message_read(reply.message, "o", &job), "cannot parse the " + verb + " job");
        waiter.jobPath = job;
    }

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!waiter.finished) {
        int r = sd_bus_process(bus_, nullptr);
        check(r, "lost the bus while waiting for the " + verb + " job of " + id);
        if (r > 0) continue;
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw Error(ErrorCode::Timeout, "timed out after " + std::to_string(timeout.count() / 1000) +
                                                " s waiting for the " + verb + " job of " + id +
                                                " (systemd keeps running it)");
        }
        r = sd_bus_wait(bus_, static_cast<std::uint64_t>(left.count()));
        if (r < 0 && r != -EINTR) check(r, "lost the bus while waiting for the " + verb + " job of " + id);
    }
    if (waiter.result != "done" && waiter.result != "skipped") {
        throw Error(ErrorCode::JobFailed,
                    "cannot " + verb + " " + id + ": the job ended with result \"" + waiter.result + "\"");
    }
}

void UnitControl::start(std::string_view unit, std::chrono::milliseconds timeout) {
    runJob("StartUnit", unit, timeout);
}

void UnitControl::stop(std::string_view unit, std::chrono::milliseconds timeout) { runJob("StopUnit", unit, timeout); }

void UnitControl::restart(std::string_view unit, std::chrono::milliseconds timeout) {
    runJob("RestartUnit", unit, timeout);
}

EnableResult UnitControl::enable(std::string_view unit) {
    const std::string id = requireOwnLoadedUnit(unit);
    EnableResult result;
    {
        CallBuilder call(bus_, "EnableUnitFiles");
        call.strings({id});
        check(sd_bus_message_append(call.call.message, "bb", 0, 0), "cannot build EnableUnitFiles call");
        MessageHolder reply;
        callManager(bus_, call, "EnableUnitFiles", reply);
        int carries = 0;
        check(sd_bus_message_read(reply.message, "b", &carries), "cannot parse the EnableUnitFiles reply");
        result.carriesInstallInfo = carries != 0;
        result.changes = readChanges(reply.message, "cannot parse the EnableUnitFiles reply");
    }
    BusErrorHolder err;
    int r = sd_bus_call_method(bus_, kDestination, kManagerPath, kManagerInterface, "Reload", &err.error, nullptr, "");
    if (r < 0) throwBusError("enabled " + id + " but the daemon reload failed", err.error, r);
    return result;
}

std::vector<FileChange> UnitControl::disable(std::string_view unit) {
    const std::string id = requireOwnLoadedUnit(unit);
    std::vector<FileChange> changes;
    {
        CallBuilder call(bus_, "DisableUnitFiles");
        call.strings({id});
        check(sd_bus_message_append(call.call.message, "b", 0), "cannot build DisableUnitFiles call");
        MessageHolder reply;
        callManager(bus_, call, "DisableUnitFiles", reply);
        changes = readChanges(reply.message, "cannot parse the DisableUnitFiles reply");
    }
    BusErrorHolder err;
    int r = sd_bus_call_method(bus_, kDestination, kManagerPath, kManagerInterface, "Reload", &err.error, nullptr, "");
    if (r < 0) throwBusError("disabled " + id + " but the daemon reload failed", err.error, r);
    return changes;
}

}  // namespace medbox::systemd
