#include "core/net/HttpClient.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <mutex>

using namespace medbox;

namespace {

struct Seen {
    std::mutex mutex;
    std::string method, uri, contentType, authorization, messageId, body;
};

class EchoHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit EchoHandler(Seen& s) : s_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        std::string body;
        Poco::StreamCopier::copyToString(req.stream(), body);
        {
            std::lock_guard<std::mutex> lock(s_.mutex);
            s_.method = req.getMethod();
            s_.uri = req.getURI();
            s_.contentType = req.getContentType();
            s_.authorization = req.get("Authorization", "");
            s_.messageId = req.get("Message-Id", "");
            s_.body = body;
        }
        resp.setStatus(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
        resp.setContentType("application/json");
        resp.send() << R"({"accepted":true})";
    }

private:
    Seen& s_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(Seen& s) : s_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new EchoHandler(s_);
    }

private:
    Seen& s_;
};

}  // namespace

TEST(HttpClientTest, PostsJsonWithBearerAndMessageId) {
    Seen seen;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::HTTPServer server(new Factory(seen), socket, new Poco::Net::HTTPServerParams);
    server.start();
    HttpClient client(nullptr, 5);
    const std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/api/v1/inbox?x=1";
    HttpResult r = client.postJson(url, R"({"a":"张三"})", "tok.en.sig", "msg-42");
    server.stopAll(true);
    EXPECT_EQ(r.status, 202) << r.error;
    EXPECT_EQ(r.body, R"({"accepted":true})");
    EXPECT_TRUE(r.error.empty());
    std::lock_guard<std::mutex> lock(seen.mutex);
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.uri, "/api/v1/inbox?x=1");
    EXPECT_EQ(seen.contentType, "application/json");
    EXPECT_EQ(seen.authorization, "Bearer tok.en.sig");
    EXPECT_EQ(seen.messageId, "msg-42");
    EXPECT_EQ(seen.body, R"({"a":"张三"})");
}

TEST(HttpClientTest, TransportErrorsAreReturnedNotThrown) {
    HttpClient client(nullptr, 2);
    Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
    const int port = closed.address().port();
    closed.close();
    for (const std::string& url :
         {"http://127.0.0.1:" + std::to_string(port) + "/", std::string("not a url"), std::string("ftp://127.0.0.1/x"),
          std::string("https://127.0.0.1:1/x"), std::string("http://[::1")}) {
        HttpResult r;
        EXPECT_NO_THROW(r = client.postJson(url, "{}", "", ""));
        EXPECT_EQ(r.status, 0) << url;
        EXPECT_FALSE(r.error.empty()) << url;
    }
}

TEST(HttpClientTest, GetsWithBearerAndNoBody) {
    Seen seen;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::HTTPServer server(new Factory(seen), socket, new Poco::Net::HTTPServerParams);
    server.start();
    HttpClient client(nullptr, 5);
    const std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port()) +
                            "/api/v1/auth/revocations?after=7";
    HttpResult r = client.get(url, "tok.en.sig");
    server.stopAll(true);
    EXPECT_EQ(r.status, 202) << r.error;
    EXPECT_EQ(r.body, R"({"accepted":true})");
    std::lock_guard<std::mutex> lock(seen.mutex);
    EXPECT_EQ(seen.method, "GET");
    EXPECT_EQ(seen.uri, "/api/v1/auth/revocations?after=7");
    EXPECT_EQ(seen.authorization, "Bearer tok.en.sig");
    EXPECT_TRUE(seen.contentType.empty());
    EXPECT_TRUE(seen.body.empty());
}
