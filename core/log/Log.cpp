#include "core/log/Log.h"

#include "core/config/Settings.h"
#include "core/log/Mask.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>
#include <algorithm>
#include <cctype>
#include <map>

namespace medbox::log {

namespace {

// Scrubs ID-number-like and phone-number-like digit runs from every formatted
// line before it is written: a second line of defence behind masking at the
// call sites.
class MaskingChannel : public Poco::Channel {
public:
    explicit MaskingChannel(Poco::AutoPtr<Poco::Channel> next) : next_(std::move(next)) {}
    void log(const Poco::Message& msg) override {
        Poco::Message masked(msg);
        masked.setText(mask::scrub(msg.getText()));
        next_->log(masked);
    }
    void open() override { next_->open(); }
    void close() override { next_->close(); }

private:
    Poco::AutoPtr<Poco::Channel> next_;
};

int parseLevel(const std::string& level) {
    std::string l = level;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::map<std::string, int> levels = {
        {"trace", Poco::Message::PRIO_TRACE},       {"debug", Poco::Message::PRIO_DEBUG},
        {"info", Poco::Message::PRIO_INFORMATION},  {"information", Poco::Message::PRIO_INFORMATION},
        {"notice", Poco::Message::PRIO_NOTICE},     {"warning", Poco::Message::PRIO_WARNING},
        {"warn", Poco::Message::PRIO_WARNING},      {"error", Poco::Message::PRIO_ERROR},
        {"critical", Poco::Message::PRIO_CRITICAL}, {"fatal", Poco::Message::PRIO_FATAL},
    };
    auto it = levels.find(l);
    if (it == levels.end()) {
        throw ConfigError(
            "log.level: expected one of trace, debug, info, notice, warning, error, critical, fatal, got '" + level +
            "'");
    }
    return it->second;
}

}  // namespace

void setup(const std::string& level) {
    const int prio = parseLevel(level);
    Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
    formatter->setProperty("times", "UTC");                          // the Z in the pattern promises UTC
    Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel);  // std::clog: stderr, the journal under systemd
    Poco::AutoPtr<Poco::Channel> masking(new MaskingChannel(console));
    Poco::AutoPtr<Poco::FormattingChannel> formatting(new Poco::FormattingChannel(formatter, masking));
    // Root first: loggers created later copy it. Poco's static setters with
    // the empty name then reach every logger created before set-up (they skip
    // the root when it does not exist yet, hence both).
    Poco::Logger::root().setChannel(formatting);
    Poco::Logger::root().setLevel(prio);
    Poco::Logger::setChannel("", formatting);
    Poco::Logger::setLevel("", prio);
}

}  // namespace medbox::log
