#pragma once
// The staff directory (通讯录; docs/console.md, "Staff directory"): every
// signed-in member of staff finds colleagues by name, department, title,
// skill or extension; admins edit the entries, each change audited
// ("user.directory", the names of the changed fields in the detail).
// Disabled accounts are not listed. Thread-safe (the database only).
#include "domain/ConsoleEnv.h"
#include "store/DirectoryStore.h"
#include <string>
#include <vector>

namespace medbox::console {

class Directory {
public:
    static constexpr int kMaxPage = 200;
    static constexpr std::size_t kMaxQueryChars = 64;

    explicit Directory(ConsoleEnv& env) : env_(env) {}

    struct Page {
        std::vector<DirectoryEntry> entries;
        bool more = false;  // a next page exists (offset + entries.size())
    };
    // AppError(InvalidField) for a query that is not short valid text.
    Page search(const std::string& text, const std::string& department, int offset, int limit) const;
    std::vector<std::string> departments() const;

    // The entry of one account (404 when there is no such account).
    DirectoryEntry get(int64_t userId) const;
    // Replaces the entry's fields; trims spaces; AppError(InvalidField)
    // naming the field: department and title 0..64 characters, skills 0..500,
    // extension 0..20 of digits, '-', '#', '*'.
    DirectoryEntry update(const std::string& actor, int64_t userId, DirectoryFields fields);

private:
    ConsoleEnv& env_;
};

}  // namespace medbox::console
