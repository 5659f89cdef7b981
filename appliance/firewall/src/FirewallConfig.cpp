#include "FirewallConfig.h"

#include "ConfigReader.h"
#include "Services.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <map>
#include <set>

namespace medbox::firewall {

using Poco::JSON::Object;

namespace {

// Deeper than any valid profile (4 levels); bounds the parser's recursion on
// hostile input.
constexpr std::size_t kMaxJsonDepth = 16;

bool isValidPeerName(std::string_view name) {
    if (name.empty() || name.size() > 32) return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

class ConfigParser {
public:
    explicit ConfigParser(std::vector<ConfigError>& errors) : reader_(errors) {}

    FirewallConfig parse(const Object& root) {
        reader_.rejectUnknownKeys(root, "",
                                  {"model", "interfaces", "dmz", "lan", "gap", "management", "ha", "vendor",
                                   "mllp_port", "his_port"});
        parseModel(root);
        config_.mllpPort = listenerPort(root, "mllp_port", "mllp", kMllpPort);
        config_.hisPort = listenerPort(root, "his_port", "his", kHisPort);
        if (config_.hisPort == config_.mllpPort)
            reader_.fail("his_port", "port " + std::to_string(config_.hisPort) + " is mllp_port's too");
        parseInterfaces(root);
        config_.dmz.portalFrom = anyAddress();
        if (root.has("dmz"))
            if (auto o = reader_.object(root.get("dmz"), "dmz")) parseDmz(*o);
        parseModelZone(root);
        parseManagement(root);
        parseHa(root);
        parseVendor(root);
        return config_;
    }

private:
    // hisbridge's listeners' ports follow its settings (hisbridge.mllp.port,
    // hisbridge.his.port); neither may be another listener's.
    std::uint16_t listenerPort(const Object& root, const std::string& key, std::string_view service,
                               std::uint16_t def) {
        if (!root.has(key)) return def;
        const auto port = reader_.port(root.get(key), key);
        if (!port) return def;
        for (const auto& s : allServices())
            if (s.name != service && s.port == *port && s.protocol == Protocol::Tcp) {
                reader_.fail(key, "port " + std::to_string(*port) + " is " + std::string(s.name) + "'s");
                return def;
            }
        return *port;
    }

    void parseModel(const Object& root) {
        if (!root.has("model")) return reader_.fail("model", "required (\"frontend\" or \"gap\")");
        const auto name = reader_.string(root.get("model"), "model");
        if (!name) return;
        if (*name == "frontend")
            config_.model = Model::Frontend;
        else if (*name == "gap")
            config_.model = Model::Gap;
        else
            return reader_.fail("model", "unknown model '" + *name + "' (expected \"frontend\" or \"gap\")");
        modelKnown_ = true;
    }

    // Which interface keys each zone needs is decided by the model and by the
    // presence of the optional zones; a mismatch in either direction is an
    // error, because a silently ignored NIC is a NIC left unprotected.
    void parseInterfaces(const Object& root) {
        if (!root.has("interfaces")) return reader_.fail("interfaces", "required");
        const auto o = reader_.object(root.get("interfaces"), "interfaces");
        if (!o) return;
        reader_.rejectUnknownKeys(*o, "interfaces", {"dmz", "lan", "gap", "management", "ha", "vendor"});
        auto& i = config_.interfaces;
        const bool frontend = modelKnown_ && config_.model == Model::Frontend;
        const bool gap = modelKnown_ && config_.model == Model::Gap;
        interfaceKey(*o, "dmz", i.dmz, true, "every model");
        interfaceKey(*o, "management", i.management, true, "every model");
        interfaceKey(*o, "lan", i.lan, frontend, "model \"frontend\"", gap);
        interfaceKey(*o, "gap", i.gap, gap, "model \"gap\"", frontend);
        interfaceKey(*o, "ha", i.ha, root.has("ha"), "the \"ha\" zone", !root.has("ha"));
        interfaceKey(*o, "vendor", i.vendor, root.has("vendor"), "the \"vendor\" zone", !root.has("vendor"));

        std::map<std::string, std::string> seen;  // interface name -> first key using it
        for (const auto* key : {"dmz", "lan", "gap", "management", "ha", "vendor"}) {
            if (!o->has(key) || !o->get(key).isString()) continue;
            const auto name = o->getValue<std::string>(key);
            const auto [it, inserted] = seen.emplace(name, childPath("interfaces", key));
            if (!inserted)
                reader_.fail(childPath("interfaces", key), "interface '" + name + "' is already used by " + it->second +
                                                               "; each zone needs its own NIC");
        }
    }

    void interfaceKey(const Object& o, const char* key, std::string& out, bool required, const char* neededBy,
                      bool forbidden = false) {
        const auto path = childPath("interfaces", key);
        if (!o.has(key)) {
            if (required) reader_.fail(path, std::string("missing interface, required by ") + neededBy);
            return;
        }
        if (forbidden) {
            reader_.fail(path, std::string("not used: only needed by ") + neededBy);
            return;
        }
        const auto name = reader_.string(o.get(key), path);
        if (!name) return;
        if (!isValidInterfaceName(*name)) {
            reader_.fail(path, "'" + *name + "' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)");
            return;
        }
        out = *name;
    }

    void parseDmz(const Object& o) {
        reader_.rejectUnknownKeys(o, "dmz", {"portal_from", "outbound"});
        if (o.has("portal_from")) {
            config_.dmz.portalFrom = reader_.cidrs(o.get("portal_from"), "dmz.portal_from");
            if (config_.dmz.portalFrom.empty())
                reader_.fail("dmz.portal_from", "must not be empty: the DMZ exists to serve the portal");
        }
        if (o.has("outbound")) config_.dmz.outbound = peers(o.get("outbound"), "dmz.outbound", false);
    }

    void parseModelZone(const Object& root) {
        if (!modelKnown_) return;
        const bool frontend = config_.model == Model::Frontend;
        const char* mine = frontend ? "lan" : "gap";
        const char* other = frontend ? "gap" : "lan";
        if (root.has(other))
            reader_.fail(other, std::string("not allowed for model \"") + std::string(modelName(config_.model)) + "\"");
        if (!root.has(mine))
            return reader_.fail(mine,
                                std::string("required for model \"") + std::string(modelName(config_.model)) + "\"");
        const auto o = reader_.object(root.get(mine), mine);
        if (!o) return;
        if (frontend)
            parseLan(*o);
        else
            parseGap(*o);
    }

    void parseLan(const Object& o) {
        reader_.rejectUnknownKeys(o, "lan", {"peers", "staff"});
        LanZone lan;
        if (o.has("peers")) lan.peers = peers(o.get("peers"), "lan.peers", true);
        if (o.has("staff")) lan.staff = reader_.cidrs(o.get("staff"), "lan.staff");
        config_.lan = std::move(lan);
    }

    void parseGap(const Object& o) {
        reader_.rejectUnknownKeys(o, "gap", {"device", "tcp", "udp", "inbound"});
        GapZone gap;
        gap.device.name = "gap-device";
        if (!o.has("device"))
            reader_.fail("gap.device", "required: the address of the gap device");
        else if (auto a = reader_.host(o.get("device"), "gap.device"))
            gap.device.address = *a;
        peerPorts(o, "gap", gap.device, true);
        config_.gap = std::move(gap);
    }

    void parseManagement(const Object& root) {
        if (!root.has("management")) return reader_.fail("management", "required");
        const auto o = reader_.object(root.get("management"), "management");
        if (!o) return;
        reader_.rejectUnknownKeys(*o, "management", {"admin_subnets"});
        if (!o->has("admin_subnets"))
            return reader_.fail("management.admin_subnets", "required: the networks administrators work from");
        config_.management.adminSubnets = reader_.cidrs(o->get("admin_subnets"), "management.admin_subnets");
        if (config_.management.adminSubnets.empty() && o->get("admin_subnets").type() == typeid(Poco::JSON::Array::Ptr))
            reader_.fail("management.admin_subnets", "must not be empty");
    }

    void parseHa(const Object& root) {
        if (!root.has("ha")) return;
        const auto o = reader_.object(root.get("ha"), "ha");
        if (!o) return;
        reader_.rejectUnknownKeys(*o, "ha", {"peer"});
        if (!o->has("peer")) return reader_.fail("ha.peer", "required: the address of the other node");
        if (auto a = reader_.host(o->get("peer"), "ha.peer")) config_.ha = HaZone{*a};
    }

    void parseVendor(const Object& root) {
        if (!root.has("vendor")) return;
        const auto o = reader_.object(root.get("vendor"), "vendor");
        if (!o) return;
        reader_.rejectUnknownKeys(*o, "vendor", {"endpoint", "endpoint_from"});
        VendorZone vendor;
        if (o->has("endpoint")) {
            if (auto e = reader_.string(o->get("endpoint"), "vendor.endpoint")) {
                if (*e == "dmz" || *e == "management")
                    vendor.endpoint = *e;
                else
                    reader_.fail("vendor.endpoint", "must be \"dmz\" or \"management\", not '" + *e + "'");
            }
        }
        vendor.endpointFrom = o->has("endpoint_from") ? reader_.cidrs(o->get("endpoint_from"), "vendor.endpoint_from")
                                                      : anyAddress();
        config_.vendor = std::move(vendor);
    }

    std::vector<Peer> peers(const Poco::Dynamic::Var& value, const std::string& path, bool allowInbound) {
        std::vector<Peer> out;
        const auto list = reader_.array(value, path);
        if (!list) return out;
        std::set<std::string> names;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto p = indexPath(path, i);
            const auto o = reader_.object(list->get(static_cast<unsigned>(i)), p);
            if (!o) continue;
            if (allowInbound)
                reader_.rejectUnknownKeys(*o, p, {"name", "address", "tcp", "udp", "inbound"});
            else
                reader_.rejectUnknownKeys(*o, p, {"name", "address", "tcp", "udp"});
            Peer peer;
            if (!o->has("name")) {
                reader_.fail(childPath(p, "name"), "required");
            } else if (auto n = reader_.string(o->get("name"), childPath(p, "name"))) {
                if (!isValidPeerName(*n))
                    reader_.fail(childPath(p, "name"), "'" + *n + "' must be 1-32 of a-z 0-9 -");
                else if (!names.insert(*n).second)
                    reader_.fail(childPath(p, "name"), "'" + *n + "' is used twice");
                peer.name = *n;
            }
            if (!o->has("address"))
                reader_.fail(childPath(p, "address"), "required");
            else if (auto a = reader_.cidr(o->get("address"), childPath(p, "address")))
                peer.address = *a;
            peerPorts(*o, p, peer, allowInbound);
            out.push_back(std::move(peer));
        }
        return out;
    }

    void peerPorts(const Object& o, const std::string& path, Peer& peer, bool allowInbound) {
        if (o.has("tcp")) peer.tcp = reader_.ports(o.get("tcp"), childPath(path, "tcp"));
        if (o.has("udp")) peer.udp = reader_.ports(o.get("udp"), childPath(path, "udp"));
        if (!allowInbound || !o.has("inbound")) return;
        const auto inboundPath = childPath(path, "inbound");
        const auto names = reader_.strings(o.get("inbound"), inboundPath);
        for (std::size_t i = 0; i < names.size(); ++i) {
            const auto service = findService(names[i]);
            if (!service)
                reader_.fail(indexPath(inboundPath, i), "unknown service '" + names[i] + "'");
            else if (!service->lanFacing)
                reader_.fail(indexPath(inboundPath, i),
                             "service '" + names[i] + "' is not LAN-facing (allowed: mllp, his, servicedesk)");
            else
                peer.inbound.push_back(names[i]);
        }
    }

    static std::vector<Cidr> anyAddress() {
        std::string unused;
        return {*parseCidr("0.0.0.0/0", unused), *parseCidr("::/0", unused)};
    }

    ConfigReader reader_;
    FirewallConfig config_;
    bool modelKnown_ = false;
};

}  // namespace

std::string_view modelName(Model model) { return model == Model::Frontend ? "frontend" : "gap"; }

ConfigResult parseFirewallConfig(std::string_view json) {
    ConfigResult result;
    if (json.size() > kMaxConfigBytes) {
        result.errors.push_back({"", "file larger than " + std::to_string(kMaxConfigBytes) + " bytes"});
        return result;
    }
    Poco::Dynamic::Var root;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxJsonDepth);
        root = parser.parse(std::string(json));
    } catch (const Poco::Exception& e) {
        // The JSON parser is the one piece here that throws on bad bytes;
        // turn it into an ordinary error.
        std::string message = e.displayText();
        // The parser quotes the offending byte raw; keep the message printable.
        for (auto& c : message)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
        result.errors.push_back({"", "not valid JSON: " + message});
        return result;
    }
    ConfigReader reader(result.errors);
    const auto object = reader.object(root, "");
    if (!object) return result;
    ConfigParser parser(result.errors);
    auto config = parser.parse(*object);
    if (!result.errors.empty()) return result;

    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(json.data(), static_cast<unsigned>(json.size()));
    config.digest = Poco::DigestEngine::digestToHex(sha.digest());
    result.config = std::move(config);
    return result;
}

ConfigResult loadFirewallConfig(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {std::nullopt, {{"", "cannot read " + path}}};
    std::string text;
    text.resize(kMaxConfigBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parseFirewallConfig(text);
}

}  // namespace medbox::firewall
