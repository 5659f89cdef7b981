// Room queues (叫号): the waiting room display and the portal read the queue;
// nurses and doctors call, recall and pass.
#include "handlers/Etag.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"

namespace medbox::booking {

// The nurse station polls this; the ETag makes an unchanged queue a 304.
void Handlers::getQueue(Request& rq, Reply& rp) {
    replyWithEtag(rq, rp, toJsonText(views::queue(queue_.state(input::room(rq)), env_.time)));
}

void Handlers::callNext(Request& rq, Reply& rp) {
    const std::string room = input::room(rq);
    input::optionalBody(rq).allowOnly({});
    rp.json(views::queue(queue_.callNext(input::caller(rq), room), env_.time));
}

void Handlers::recall(Request& rq, Reply& rp) {
    const std::string room = input::room(rq);
    input::optionalBody(rq).allowOnly({});
    rp.json(views::queue(queue_.recall(input::caller(rq), room), env_.time));
}

void Handlers::pass(Request& rq, Reply& rp) {
    const std::string room = input::room(rq);
    input::optionalBody(rq).allowOnly({});
    rp.json(views::queue(queue_.pass(input::caller(rq), room), env_.time));
}

}  // namespace medbox::booking
