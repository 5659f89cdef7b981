#pragma once
// What most console domain tests start from: a real console database (all
// migrations) in a temporary folder, a manual clock, an audit log and the
// ConsoleEnv over them; and errOf(), the Err an AppError carried.
#include "console/EmbeddedFiles.h"
#include "core/error/AppError.h"
#include "core/testing/TempDir.h"
#include "domain/ConsoleEnv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace medbox::console::testenv {

struct ConsoleTestEnv {
    explicit ConsoleTestEnv(ConsoleConfig config = {}) {
        db::Options o;
        o.path = (std::filesystem::path(tmp.path()) / "console.db").string();
        db = std::make_unique<db::Database>(o, db::migrationsFrom(console::embeddedFiles()));
        audit = std::make_unique<AuditLog>(clock, "");
        env = std::make_unique<ConsoleEnv>(*db, clock, *audit, std::move(config));
    }

    testutil::TempDir tmp;
    ManualClock clock;
    std::unique_ptr<db::Database> db;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<ConsoleEnv> env;
};

// The kind of the AppError `f` throws; a test failure when it throws none.
// `field` and `message`, when given, receive the error's field and text.
template <class F>
Err errOf(F&& f, std::string* field = nullptr, std::string* message = nullptr) {
    try {
        f();
    } catch (const AppError& e) {
        if (field) *field = e.field();
        if (message) *message = e.what();
        return e.err();
    }
    ADD_FAILURE() << "no AppError thrown";
    return Err::Internal;
}

}  // namespace medbox::console::testenv
