#include "VendorWindow.h"

#include "RulesetBuilder.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

namespace medbox::firewall {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string_view windowSet(Family family) { return family == Family::Ipv4 ? kWindowSet4 : kWindowSet6; }

namespace {

std::string element(const Cidr& network) {
    return std::string(kTableFamily) + " " + std::string(kTableName) + " " + std::string(windowSet(network.family)) +
           " { " + network.text();
}

Object::Ptr asObject(const Var& v) { return v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : nullptr; }

Array::Ptr asArray(const Var& v) { return v.type() == typeid(Array::Ptr) ? v.extract<Array::Ptr>() : nullptr; }

// An element value is a plain address, {"prefix": {"addr", "len"}} or
// {"range": [from, to]}.
std::string valueText(const Var& value) {
    if (value.isString()) return value.extract<std::string>();
    const auto o = asObject(value);
    if (!o) return "?";
    if (const auto prefix = o->getObject("prefix"))
        return prefix->optValue<std::string>("addr", "?") + "/" + std::to_string(prefix->optValue<int>("len", 0));
    if (const auto range = o->getArray("range"); range && range->size() == 2)
        return range->get(0).toString() + "-" + range->get(1).toString();
    return "?";
}

}  // namespace

std::string openWindowCommand(const Cidr& network, long seconds) {
    return "add element " + element(network) + " timeout " + std::to_string(seconds) + "s }";
}

std::string closeWindowCommand(const Cidr& network) { return "delete element " + element(network) + " }"; }

std::optional<std::vector<OpenWindow>> parseOpenWindows(const std::string& nftJson) {
    std::vector<OpenWindow> windows;
    try {
        Poco::JSON::Parser parser;
        const auto root = asObject(parser.parse(nftJson));
        const auto items = root ? asArray(root->get("nftables")) : nullptr;
        if (!items) return std::nullopt;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const auto item = asObject(items->get(static_cast<unsigned>(i)));
            const auto set = item ? item->getObject("set") : nullptr;
            const auto elems = set ? set->getArray("elem") : nullptr;
            if (!elems) continue;
            for (std::size_t j = 0; j < elems->size(); ++j) {
                const auto entry = elems->get(static_cast<unsigned>(j));
                OpenWindow w;
                const auto wrapper = asObject(entry);
                const auto elem = wrapper ? wrapper->getObject("elem") : nullptr;
                if (elem) {
                    w.network = valueText(elem->get("val"));
                    w.timeoutSeconds = elem->optValue<long>("timeout", 0);
                    w.expiresSeconds = elem->optValue<long>("expires", 0);
                } else {
                    w.network = valueText(entry);
                }
                windows.push_back(std::move(w));
            }
        }
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    return windows;
}

std::string formatDuration(long seconds) {
    const long h = seconds / 3600;
    const long m = seconds % 3600 / 60;
    const long s = seconds % 60;
    std::string out;
    if (h) out += std::to_string(h) + "h";
    if (h || m) out += std::to_string(m) + "m";
    return out + std::to_string(s) + "s";
}

}  // namespace medbox::firewall
