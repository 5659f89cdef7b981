#include "domain/RaucStatus.h"

#include "core/error/AppError.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {

using Poco::JSON::Object;

// A string member, or "" when absent, null or not a string.
std::string text(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || !o->get(key).isString()) return {};
    return o->getValue<std::string>(key);
}

Object::Ptr child(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).type() != typeid(Object::Ptr)) return {};
    return o->getObject(key);
}

[[noreturn]] void notRauc(const std::string& why) {
    throw AppError(Err::UnitFailed, "rauc status answered an unexpected shape: " + why);
}

}  // namespace

const RaucSlot* RaucStatus::bootedSlot() const {
    for (const auto& s : slots)
        if (s.booted) return &s;
    return nullptr;
}

const RaucSlot* RaucStatus::otherSlot() const {
    const auto* b = bootedSlot();
    if (!b) return nullptr;
    for (const auto& s : slots)
        if (&s != b) return &s;
    return nullptr;
}

const RaucSlot* RaucStatus::byBootname(const std::string& bootname) const {
    for (const auto& s : slots)
        if (s.bootname == bootname) return &s;
    return nullptr;
}

RaucStatus parseRaucStatus(const Object::Ptr& o) {
    if (!o) notRauc("no object");
    RaucStatus st;
    st.compatible = text(o, "compatible");
    st.booted = text(o, "booted");
    st.bootPrimary = text(o, "boot_primary");
    if (!o->has("slots") || !o->getArray("slots")) notRauc("no slots array");
    const auto slots = o->getArray("slots");
    // Each element is {"<slot name>": {...}} (RAUC 1.8's JSON).
    for (size_t i = 0; i < slots->size(); ++i) {
        const auto entry = slots->getObject(static_cast<unsigned>(i));
        if (!entry || entry->size() != 1) notRauc("a slots element is not {name: slot}");
        const auto& [name, value] = *entry->begin();
        if (value.type() != typeid(Object::Ptr)) notRauc("slot " + name + " is not an object");
        const auto s = value.extract<Object::Ptr>();
        if (text(s, "class") != "rootfs") continue;
        RaucSlot slot;
        slot.name = name;
        slot.bootname = text(s, "bootname");
        slot.device = text(s, "device");
        slot.state = text(s, "state");
        slot.bootStatus = text(s, "boot_status");
        const auto status = child(s, "slot_status");
        slot.version = text(child(status, "bundle"), "version");
        slot.bundleHash = text(child(status, "bundle"), "hash");
        slot.installedAt = text(child(status, "installed"), "timestamp");
        slot.activatedAt = text(child(status, "activated"), "timestamp");
        // RAUC names the running slot by its state; "booted" at the top is
        // the bootname (some versions print a device there).
        slot.booted = slot.state == "booted";
        slot.primary = !st.bootPrimary.empty() && st.bootPrimary == name;
        st.slots.push_back(std::move(slot));
    }
    if (st.slots.empty()) notRauc("no rootfs slot");
    if (const auto* b = st.bootedSlot()) st.booted = b->bootname;
    return st;
}

Object::Ptr toJson(const RaucStatus& st) {
    Object::Ptr o = new Object;
    o->set("compatible", st.compatible);
    o->set("booted", st.booted);
    o->set("bootPrimary", st.bootPrimary);
    Poco::JSON::Array::Ptr slots = new Poco::JSON::Array;
    for (const auto& s : st.slots) {
        Object::Ptr j = new Object;
        j->set("name", s.name);
        j->set("bootname", s.bootname);
        j->set("device", s.device);
        j->set("state", s.state);
        j->set("bootStatus", s.bootStatus);
        j->set("version", s.version);
        j->set("bundleHash", s.bundleHash);
        j->set("installedAt", s.installedAt);
        j->set("activatedAt", s.activatedAt);
        j->set("booted", s.booted);
        j->set("primary", s.primary);
        slots->add(j);
    }
    o->set("slots", slots);
    return o;
}

}  // namespace medbox::console
