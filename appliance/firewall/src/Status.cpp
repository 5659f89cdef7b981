#include "Status.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>
#include <string_view>

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
                for (const auto& [prefix, in] : {std::pair{"drop_in_", true}, std::pair{"drop_out_", false}}) {
                    if (!name.starts_with(prefix)) continue;
                    const auto zone = name.substr(std::string_view(prefix).size());
                    auto it = std::find_if(status.zones.begin(), status.zones.end(),
                                           [&](const auto& z) { return z.zone == zone; });
                    if (it == status.zones.end()) it = status.zones.insert(status.zones.end(), {zone, 0, 0});
                    (in ? it->in : it->out) = packets;
                }
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
    for (const auto& z : status.zones)
        out += "  zone " + z.zone + ": in " + std::to_string(z.in) + ", out " + std::to_string(z.out) + "\n";
    if (status.windows.empty()) return out + "vendor windows: none open\n";
    out += "vendor windows:\n";
    for (const auto& w : status.windows)
        out += "  " + w.network + "  closes in " + formatDuration(w.expiresSeconds) + " (opened for " +
               formatDuration(w.timeoutSeconds) + ")\n";
    return out;
}

std::string formatStatusJson(const ProfileStatus& status) {
    Object o;
    o.set("comment", status.comment);
    Object::Ptr drops = new Object;
    drops->set("input", status.dropInput);
    drops->set("forward", status.dropForward);
    drops->set("output", status.dropOutput);
    o.set("drops", drops);
    Array::Ptr zones = new Array;
    for (const auto& z : status.zones) {
        Object::Ptr j = new Object;
        j->set("zone", z.zone);
        j->set("in", z.in);
        j->set("out", z.out);
        zones->add(j);
    }
    o.set("zones", zones);
    Array::Ptr windows = new Array;
    for (const auto& w : status.windows) {
        Object::Ptr j = new Object;
        j->set("network", w.network);
        j->set("timeoutSeconds", w.timeoutSeconds);
        j->set("expiresSeconds", w.expiresSeconds);
        windows->add(j);
    }
    o.set("windows", windows);
    std::ostringstream text;
    o.stringify(text);
    return text.str() + "\n";
}

}  // namespace medbox::firewall
