#include "core/audit/AnchorWriter.h"

#include "core/util/Files.h"

#include <Poco/Logger.h>

namespace medbox {

namespace {
// After a failed write (a read-only or full disk) the next try waits this long.
constexpr auto kRetryPause = std::chrono::seconds(1);
}  // namespace

AnchorWriter::AnchorWriter(std::string path, std::chrono::milliseconds pause)
    : path_(std::move(path)), pause_(pause), thread_([this] { loop(); }) {}

AnchorWriter::~AnchorWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_one();
    thread_.join();
}

void AnchorWriter::advance(int64_t seq, const std::string& hash) {
    std::lock_guard lock(mutex_);
    if (seq <= wanted_) return;  // concurrent commits end in any order; the head only moves forward
    wanted_ = seq;
    hash_ = hash;
    if (idle_) work_.notify_one();  // otherwise the thread is writing or pausing and sees it next
}

void AnchorWriter::flush() {
    std::unique_lock lock(mutex_);
    const int64_t target = wanted_;
    ++flushing_;
    work_.notify_one();  // cut a pause short
    written_.wait(lock, [&] { return tried_ >= target; });
    --flushing_;
}

void AnchorWriter::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        idle_ = true;
        work_.wait(lock, [&] { return stopping_ || wanted_ > done_; });
        idle_ = false;
        if (wanted_ <= done_ || (stopping_ && failing_ && tried_ >= wanted_)) return;
        const int64_t seq = wanted_;
        const std::string line = std::to_string(seq) + " " + hash_ + "\n";
        lock.unlock();
        std::string error;
        try {
            // Not fsync'ed: the database commit is the durable record, and an
            // anchor lost in a power cut only lags behind.
            files::writeAtomically(path_, line, 0644, false);
        } catch (const std::exception& e) {
            error = e.what();
        }
        lock.lock();
        tried_ = seq;
        if (error.empty()) {
            done_ = seq;
            writes_++;
            if (failing_)
                Poco::Logger::get("audit").information("audit anchor written again (row %s)", std::to_string(seq));
            failing_ = false;
        } else if (!failing_) {
            failing_ = true;
            Poco::Logger::get("audit").error("audit anchor not updated to row %s: %s; retrying", std::to_string(seq),
                                             error);
        }
        written_.notify_all();
        if (!stopping_ && flushing_ == 0) {
            work_.wait_for(lock, failing_ ? std::chrono::milliseconds(kRetryPause) : pause_,
                           [&] { return stopping_ || flushing_ > 0; });
        }
    }
}

}  // namespace medbox
