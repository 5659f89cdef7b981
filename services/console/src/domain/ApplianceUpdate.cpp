#include "domain/ApplianceUpdate.h"

#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "domain/ConsoleEnv.h"
#include "domain/SetupHelperClient.h"

#include <Poco/JSON/Parser.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace medbox::console {

namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

std::string toText(const Object::Ptr& o) {
    std::ostringstream s;
    o->stringify(s);
    return s.str();
}

int64_t fileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

RaucStatus readStatus(SetupHelper& helper) {
    const auto a = helper.call("update-status", new Object);
    return parseRaucStatus(a->getObject("status"));
}

}  // namespace

ApplianceUpdate::ApplianceUpdate(ConsoleEnv& env, std::shared_ptr<SetupHelper> helper,
                                 std::shared_ptr<SetupHelper> installer, std::string bundlePath, int64_t maxBundleBytes,
                                 std::string bootIdFile)
    : env_(env),
      helper_(std::move(helper)),
      installer_(std::move(installer)),
      bundle_(std::move(bundlePath)),
      part_(bundle_ + ".part"),
      lastFile_((fs::path(bundle_).parent_path() / "last-install.json").string()),
      maxBytes_(maxBundleBytes),
      bootIdFile_(std::move(bootIdFile)) {}

ApplianceUpdate::~ApplianceUpdate() {
    if (worker_.joinable()) worker_.join();
}

void ApplianceUpdate::audit(const std::string& actor, const std::string& action, const Object::Ptr& detail,
                            const std::string& outcome) {
    env_.db.write([&](db::Tx& tx) {
        env_.effects.auditIn(tx, {actor, action, "appliance:update", outcome, toText(detail)});
    });
}

std::string ApplianceUpdate::bootId() const {
    std::ifstream in(bootIdFile_);
    std::string id;
    std::getline(in, id);
    return id;
}

Object::Ptr ApplianceUpdate::lastInstall() const {
    std::ifstream in(lastFile_);
    if (!in) return {};
    try {
        return Poco::JSON::Parser().parse(in).extract<Object::Ptr>();
    } catch (const std::exception&) {
        return {};  // a damaged record: as if there were none
    }
}

void ApplianceUpdate::saveLastInstall(const Object::Ptr& record) const {
    const std::string tmp = lastFile_ + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        record->stringify(out);
        if (!out.flush()) throw AppError(Err::Unavailable, "cannot write " + tmp);
    }
    fs::rename(tmp, lastFile_);
}

Object::Ptr ApplianceUpdate::state() {
    Object::Ptr o = new Object;
    std::optional<RaucStatus> status;
    try {
        status = readStatus(*helper_);
        o->set("slots", toJson(*status));
    } catch (const AppError& e) {
        o->set("slotsError", std::string(e.what()));
    }
    std::lock_guard lock(mu_);
    Object::Ptr upload = new Object;
    upload->set("bundleBytes", fileSize(bundle_));
    upload->set("receivedBytes", fileSize(part_));
    upload->set("maxBytes", maxBytes_);
    o->set("upload", upload);
    Object::Ptr job = new Object;
    job->set("state", job_);
    job->set("error", jobError_);
    job->set("output", jobOutput_);
    job->set("startedAt", jobStartedAt_);
    job->set("finishedAt", jobFinishedAt_);
    job->set("by", jobBy_);
    o->set("install", job);

    // The last install and, once the machine booted again, how it went.
    std::string outcome = "none";
    if (auto last = lastInstall()) {
        const auto target = last->optValue<std::string>("slot", "");
        if (last->optValue<std::string>("bootId", "") == bootId()) {
            outcome = "waiting-reboot";
        } else if (status && status->booted == target) {
            const auto* slot = status->byBootname(target);
            outcome = slot && slot->bootStatus == "good" ? "new-slot-good" : "new-slot-unconfirmed";
        } else if (status) {
            outcome = "fell-back";
        } else {
            outcome = "unknown";  // RAUC cannot be asked: say nothing
        }
        // Audited once, by the first look after the reboot that settles it.
        if ((outcome == "new-slot-good" || outcome == "fell-back") && !last->optValue("reported", false)) {
            Object::Ptr d = new Object;
            d->set("slot", target);
            d->set("version", last->optValue<std::string>("version", ""));
            d->set("booted", status->booted);
            audit("system", "appliance.update_result", d, outcome == "new-slot-good" ? "ok" : "failed");
            last->set("reported", true);
            saveLastInstall(last);
        }
        last->set("outcome", outcome);
        last->remove("bootId");
        o->set("last", last);
    }
    o->set("outcome", outcome);
    return o;
}

Object::Ptr ApplianceUpdate::receive(int64_t offset, const std::string& bytes) {
    std::lock_guard lock(mu_);
    if (job_ == "installing") throw AppError(Err::Conflict, "an update is being installed; upload after it ends");
    if (bytes.empty()) throw AppError(Err::InvalidField, "the piece is empty");
    if (offset + static_cast<int64_t>(bytes.size()) > maxBytes_)
        throw AppError(Err::PayloadTooLarge, "a bundle may have at most " + std::to_string(maxBytes_) + " bytes");
    std::error_code ec;
    fs::create_directories(fs::path(part_).parent_path(), ec);
    int flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW;
    if (offset == 0) {
        flags |= O_CREAT | O_TRUNC;
    } else if (const auto have = fileSize(part_); have != offset) {
        throw AppError(Err::Conflict, "the upload has " + std::to_string(std::max<int64_t>(have, 0)) +
                                          " bytes; send the piece at that offset (or start again at 0)");
    }
    const int fd = ::open(part_.c_str(), flags, 0600);
    if (fd < 0) throw AppError(Err::Unavailable, "cannot write the upload: " + std::string(std::strerror(errno)));
    const bool ok = ::pwrite(fd, bytes.data(), bytes.size(), offset) == static_cast<ssize_t>(bytes.size());
    const int err = errno;
    ::close(fd);
    if (!ok) throw AppError(Err::Unavailable, "cannot write the upload: " + std::string(std::strerror(err)));
    Object::Ptr o = new Object;
    o->set("receivedBytes", offset + static_cast<int64_t>(bytes.size()));
    return o;
}

Object::Ptr ApplianceUpdate::finishUpload(const std::string& username, int64_t size) {
    std::lock_guard lock(mu_);
    if (job_ == "installing") throw AppError(Err::Conflict, "an update is being installed");
    const auto have = fileSize(part_);
    if (have <= 0 || have != size)
        throw AppError(Err::Conflict, "the upload has " + std::to_string(std::max<int64_t>(have, 0)) + " bytes, not " +
                                          std::to_string(size));
    fs::rename(part_, bundle_);
    Object::Ptr d = new Object;
    d->set("bytes", size);
    audit("staff:" + username, "appliance.update_upload", d);
    Object::Ptr o = new Object;
    o->set("bundleBytes", size);
    return o;
}

Object::Ptr ApplianceUpdate::install(const std::string& username) {
    std::lock_guard lock(mu_);
    if (job_ == "installing") throw AppError(Err::Conflict, "an update is already being installed");
    if (fileSize(bundle_) <= 0) throw AppError(Err::Conflict, "upload a bundle first");
    const auto status = readStatus(*helper_);
    const auto* booted = status.bootedSlot();
    const auto* other = status.otherSlot();
    if (!booted || !other) throw AppError(Err::Conflict, "RAUC names no booted slot and other slot to install into");
    if (worker_.joinable()) worker_.join();  // the last install's thread has ended (job_ is not installing)
    job_ = "installing";
    jobError_.clear();
    jobOutput_.clear();
    jobStartedAt_ = isoUtc(env_.now());
    jobFinishedAt_.clear();
    jobBy_ = username;
    Object::Ptr d = new Object;
    d->set("slot", other->bootname);
    d->set("bytes", fileSize(bundle_));
    audit("staff:" + username, "appliance.update_install", d, "started");
    worker_ = std::thread(
        [this, username, to = other->bootname, from = booted->bootname] { runInstall(username, to, from); });
    Object::Ptr o = new Object;
    o->set("state", job_);
    o->set("slot", other->bootname);
    return o;
}

void ApplianceUpdate::runInstall(const std::string& username, const std::string& targetSlot,
                                 const std::string& fromSlot) {
    Object::Ptr d = new Object;
    d->set("slot", targetSlot);
    std::string state = "installed", error, output;
    try {
        output = installer_->call("update-install", new Object)->optValue<std::string>("output", "");
        const auto after = readStatus(*helper_);
        const auto* slot = after.byBootname(targetSlot);
        Object::Ptr record = new Object;
        record->set("slot", targetSlot);
        record->set("from", fromSlot);
        record->set("version", slot ? slot->version : std::string());
        record->set("bundleHash", slot ? slot->bundleHash : std::string());
        record->set("at", isoUtc(env_.now()));
        record->set("by", username);
        record->set("bootId", bootId());
        saveLastInstall(record);
        d->set("version", record->getValue<std::string>("version"));
        d->set("bundleHash", record->getValue<std::string>("bundleHash"));
    } catch (const std::exception& e) {
        state = "failed";
        error = e.what();
        d->set("error", error.substr(0, 500));
    }
    // The bundle is spent either way: installed, or refused by RAUC.
    std::error_code ec;
    fs::remove(bundle_, ec);
    try {
        audit("staff:" + username, "appliance.update_install", d, state == "installed" ? "ok" : "failed");
    } catch (const std::exception&) {
        // The database refused the row: the page still shows the result.
    }
    std::lock_guard lock(mu_);
    job_ = state;
    jobError_ = error;
    jobOutput_ = output;
    jobFinishedAt_ = isoUtc(env_.now());
}

Object::Ptr ApplianceUpdate::reboot(const std::string& username) {
    const auto last = lastInstall();
    {
        std::lock_guard lock(mu_);
        if (job_ == "installing") throw AppError(Err::Conflict, "an update is being installed");
        if (!last || last->optValue<std::string>("bootId", "") != bootId())
            throw AppError(Err::Conflict, "no update was installed since this boot");
    }
    Object::Ptr d = new Object;
    d->set("slot", last->optValue<std::string>("slot", ""));
    d->set("version", last->optValue<std::string>("version", ""));
    // Audited before the call: the machine goes down with it.
    audit("staff:" + username, "appliance.update_reboot", d);
    helper_->call("update-reboot", new Object);
    Object::Ptr o = new Object;
    o->set("rebooting", true);
    return o;
}

}  // namespace medbox::console
