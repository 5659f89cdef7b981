#include "Status.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

namespace medbox::firewall {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::optional<ProfileStatus> parseStatus(const std::string& nftJson) {
    ProfileStatus status;
    try {
        Poco::JSON::Parser parser;
        const auto root = parser.parse(nftJson);
        if (root.type() != typeid(Object::Ptr)) return std::nullopt;
        const auto items = root.extract<Object::Ptr>()->getArray("nftables");
        if (!items) return std::nullopt;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const auto item = items->getObject(static_cast<unsigned>(i));
            if (!item) continue;
            if (const auto table = item->getObject("table"))
                status.comment = table->optValue<std::string>("comment", "");
            if (const auto counter = item->getObject("counter")) {
                const auto name = counter->optValue<std::string>("name", "");
                const auto packets = counter->optValue<Poco::UInt64>("packets", 0);
                if (name == "drop_input") status.dropInput = packets;
                if (name == "drop_forward") status.dropForward = packets;
                if (name == "drop_output") status.dropOutput = packets;
            }
        }
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    auto windows = parseOpenWindows(nftJson);
    if (!windows) return std::nullopt;
    status.windows = std::move(*windows);
    return status;
}

std::string tableComment(const std::string& nftText) {
    // The comment is the first statement inside the table block.
    const std::string marker = "{\n\tcomment \"";
    const auto start = nftText.find(marker);
    if (start == std::string::npos) return "";
    const auto from = start + marker.size();
    const auto end = nftText.find("\"\n", from);
    return end == std::string::npos ? "" : nftText.substr(from, end - from);
}

std::string formatStatus(const ProfileStatus& status) {
    std::string out = "profile: " + (status.comment.empty() ? std::string("(no comment)") : status.comment) + "\n";
    out += "dropped packets: input " + std::to_string(status.dropInput) + ", forward " +
           std::to_string(status.dropForward) + ", output " + std::to_string(status.dropOutput) + "\n";
    if (status.windows.empty()) return out + "vendor windows: none open\n";
    out += "vendor windows:\n";
    for (const auto& w : status.windows)
        out += "  " + w.network + "  closes in " + formatDuration(w.expiresSeconds) + " (opened for " +
               formatDuration(w.timeoutSeconds) + ")\n";
    return out;
}

}  // namespace medbox::firewall
