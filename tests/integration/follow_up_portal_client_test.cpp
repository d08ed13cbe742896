// The terminal client's way to the portal: it follows only the portal's own addresses.
#include "cli/follow_up_portal.hpp"
#include "http/http_server.hpp"
#include "http/router.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace sigcard::cli {
namespace {

// A server on loopback that counts what reaches it.
struct CountingServer {
    CountingServer() {
        http::Router router;
        router.add_prefix("GET", "/", [this](const http::Request&) {
            ++requests;
            return http::Response::pdf("%PDF-1.7 not the portal's");
        });
        http::ServerConfig config;
        config.address = "127.0.0.1";
        config.port = 0;
        server = std::make_unique<http::HttpServer>(config, std::move(router));
        server->start();
    }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(server->port()); }

    std::atomic<int> requests{0};
    std::unique_ptr<http::HttpServer> server;
};

TEST(FollowUpPortalClient, AConfirmationUrlOutsideThePortalIsNotFollowed) {
    CountingServer portal;
    CountingServer elsewhere;
    FollowUpPortal client(portal.base(), std::nullopt);
    const std::vector<std::string> outside{
        elsewhere.base() + "/api/v1/orders/FA-1/confirmation.pdf",
        "https://portal.example.evil/api/v1/orders/FA-1/confirmation.pdf",
        portal.base() + ".evil.example/x"};
    for (const auto& target : outside) {
        try {
            client.confirmation_pdf({"FA-1", "submitted", target}, "holder@example.de", "de");
            FAIL() << "followed " << target;
        } catch (const Error& e) {
            EXPECT_EQ(e.id(), "portal.unexpected_answer") << target;
        }
    }
    EXPECT_EQ(elsewhere.requests.load(), 0);  // the holder's email went nowhere
    // The portal's own address, absolute or as a path, is followed.
    EXPECT_EQ(client.confirmation_pdf({"FA-1", "submitted", portal.base() + "/api/v1/x.pdf"},
                                      "holder@example.de", "de")
                  .substr(0, 4),
              "%PDF");
    EXPECT_EQ(portal.requests.load(), 1);
}

}  // namespace
}  // namespace sigcard::cli
