#pragma once
// The hisbridge API's handlers: parse and validate input, call the domain, render
// JSON. One object for the whole service, built by Routes.cpp and shared by
// all worker threads (it holds no per-request state). Methods are implemented
// in one file per resource (NoteHandlers.cpp, ...).
#include "domain/HisbridgeEnv.h"
#include "domain/Notes.h"
#include "core/http/Request.h"

namespace medbox::hisbridge {

class Handlers {
public:
    explicit Handlers(HisbridgeEnv& env) : notes_(env) {}

    // notes
    void listNotes(Request& rq, Reply& rp);
    void getNote(Request& rq, Reply& rp);
    void createNote(Request& rq, Reply& rp);

private:
    Notes notes_;
};

}  // namespace medbox::hisbridge
