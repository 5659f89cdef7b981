#pragma once
// Table staff_directory (migrations/0005) joined with users: the staff
// directory's rows.
#include "core/db/Database.h"
#include <cstdint>
#include <string>
#include <vector>

namespace medbox::console {

struct DirectoryFields {
    std::string department, title, skills, extension;
};

struct DirectoryEntry {
    int64_t userId = 0;
    std::string username, displayName;
    DirectoryFields fields;
};

namespace store {

void saveDirectoryFields(db::Connection& c, int64_t userId, const DirectoryFields& f, int64_t nowMs);
DirectoryFields directoryFields(db::Connection& c, int64_t userId);
// Enabled accounts whose name, user name, department, title, skills or
// extension contain `text` (case-insensitive for ASCII; empty: all), and
// whose department is `department` when it is not empty; ordered by
// department, then display name, then id; `offset` rows skipped.
std::vector<DirectoryEntry> searchDirectory(db::Connection& c, const std::string& text, const std::string& department,
                                            int offset, int limit);
// The departments in use, sorted, for the directory's filter.
std::vector<std::string> directoryDepartments(db::Connection& c);

}  // namespace store

}  // namespace medbox::console
