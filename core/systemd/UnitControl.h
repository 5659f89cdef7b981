#pragma once
// Control of medbox's own systemd units over the system bus (sd-bus, the
// org.freedesktop.systemd1 Manager/Unit/Service/Timer interfaces).
//
// Every entry point refuses names that are not medbox units (UnitName.h), and
// after loading a unit it checks that systemd's own Id for it is a medbox
// name too: an alias symlink "medbox-x.service -> ssh.service" is refused.
//
// Ownership and threads: one UnitControl owns one bus connection. sd-bus
// connections are not thread-safe, so an instance is used by one thread at a
// time (the console keeps one per request or guards it with a mutex). It lives
// as long as its owner needs the connection; it is movable, not copyable.
// Errors are thrown as medbox::systemd::Error; nothing is logged here.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sd_bus;

namespace medbox::systemd {

using TimePoint = std::chrono::system_clock::time_point;

struct UnitStatus {
    std::string name;  // systemd's Id, e.g. "medbox-booking.service"
    std::string description;
    std::string loadState;                     // loaded, not-found, masked, error, ...
    std::string activeState;                   // active, inactive, failed, activating, ...
    std::string subState;                      // running, dead, exited, waiting, ...
    std::string unitFileState;                 // enabled, disabled, static, ... (empty if unknown)
    std::string fragmentPath;                  // the unit file systemd loaded
    std::optional<TimePoint> activeSince;      // ActiveEnterTimestamp
    std::uint32_t mainPid = 0;                 // services only; 0 when none
    std::optional<std::uint64_t> memoryBytes;  // MemoryCurrent, when accounted
    std::optional<std::uint32_t> restarts;     // NRestarts (services)
    std::optional<TimePoint> nextElapse;       // timers: next trigger
    std::optional<TimePoint> lastTrigger;      // timers: last trigger
};

// One symlink created or removed by enable/disable, as systemd reports it.
struct FileChange {
    std::string type;         // "symlink" or "unlink"
    std::string path;         // the link
    std::string destination;  // what it points to (empty for unlink)
};

struct EnableResult {
    // False when the unit file has no [Install] section: nothing to enable.
    bool carriesInstallInfo = true;
    std::vector<FileChange> changes;
};

class UnitControl {
public:
    // How long start/stop/restart wait for their job to finish.
    static constexpr std::chrono::seconds kDefaultJobTimeout{120};

    // The system bus (honours DBUS_SYSTEM_BUS_ADDRESS). Throws Error(NoBus)
    // with an explanation when there is no bus or no systemd on it.
    static UnitControl connectSystem();
    // A bus at an explicit address such as "unix:path=/run/dbus/system_bus_socket".
    static UnitControl connectAddress(const std::string& address);

    UnitControl(UnitControl&& other) noexcept;
    UnitControl& operator=(UnitControl&& other) noexcept;
    UnitControl(const UnitControl&) = delete;
    UnitControl& operator=(const UnitControl&) = delete;
    ~UnitControl();

    // Every medbox service and timer systemd knows about (loaded, or installed
    // as a unit file), sorted by name. Aliases and bare templates are skipped.
    std::vector<UnitStatus> listUnits();
    // One unit. Throws Error(NoSuchUnit) when systemd has no such unit.
    UnitStatus status(std::string_view unit);

    // Queue the job and wait until systemd reports it finished; throws
    // Error(JobFailed) unless its result is "done" (or "skipped").
    void start(std::string_view unit, std::chrono::milliseconds timeout = kDefaultJobTimeout);
    void stop(std::string_view unit, std::chrono::milliseconds timeout = kDefaultJobTimeout);
    void restart(std::string_view unit, std::chrono::milliseconds timeout = kDefaultJobTimeout);

    // EnableUnitFiles/DisableUnitFiles followed by a daemon Reload, like
    // "systemctl enable|disable" (without --now).
    EnableResult enable(std::string_view unit);
    std::vector<FileChange> disable(std::string_view unit);

private:
    explicit UnitControl(sd_bus* bus) noexcept : bus_(bus) {}
    static UnitControl adopt(sd_bus* bus, int openResult, const std::string& address);

    // Validates the name, loads the unit and checks its Id; returns the Id.
    std::string requireOwnLoadedUnit(std::string_view unit);
    void runJob(const char* method, std::string_view unit, std::chrono::milliseconds timeout);
    UnitStatus readStatus(const std::string& name);

    sd_bus* bus_ = nullptr;
    bool subscribed_ = false;  // Manager.Subscribe done on this connection
};

}  // namespace medbox::systemd
