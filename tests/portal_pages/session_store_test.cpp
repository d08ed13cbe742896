// The pages' sessions under a flood: one place cannot push everybody else's sessions out.
#include "portal/pages/page_session.hpp"

#include <gtest/gtest.h>

namespace sigcard::portal::pages {
namespace {

http::Request with_cookie(const Session& session) {
    http::Request request;
    request.headers.add("Cookie", std::string(SessionStore::cookie_name) + "=" + session.id);
    return request;
}

TEST(SessionStore, AFloodFromOneAddressKeepsOnlyItsShareAndEvictsNoOne) {
    SessionStore store(std::chrono::minutes(30), 100, 0.001, 20);
    const auto holder = store.create("192.0.2.10");
    int refused = 0;
    for (int i = 0; i < 500; ++i) {
        refused += store.create("203.0.113.66") == nullptr ? 1 : 0;
    }
    EXPECT_GE(refused, 479);  // beyond its burst, a client gets no session (the page says 429)
    EXPECT_LE(store.size(), 21u);  // the holder's and at most the flooder's burst
    EXPECT_EQ(store.find(with_cookie(*holder)), holder);
    // A flood from one IPv6 /64 is one place, whatever the addresses.
    for (int i = 0; i < 500; ++i) {
        store.create("2001:db8:66:1::" + std::to_string(i + 1));
    }
    EXPECT_LE(store.size(), 41u);
    EXPECT_EQ(store.find(with_cookie(*holder)), holder);
}

TEST(SessionStore, WhenFullTheLeastRecentlyUsedGoesFirst) {
    SessionStore store(std::chrono::minutes(30), 3);
    const auto a = store.create("192.0.2.1");
    const auto b = store.create("192.0.2.2");
    const auto c = store.create("192.0.2.3");
    EXPECT_TRUE(store.find(with_cookie(*a)));  // a is used again: b is now the oldest
    store.create("192.0.2.4");
    EXPECT_EQ(store.size(), 3u);
    EXPECT_TRUE(store.find(with_cookie(*a)));
    EXPECT_FALSE(store.find(with_cookie(*b)));
    EXPECT_TRUE(store.find(with_cookie(*c)));
}

TEST(SessionStore, ARenewedSessionAnswersOnlyToItsNewId) {
    SessionStore store;
    const auto session = store.create("192.0.2.1");
    const auto old_request = with_cookie(*session);
    const auto old_token = session->csrf_token;
    store.rotate(*session);
    EXPECT_FALSE(store.find(old_request));
    EXPECT_EQ(store.find(with_cookie(*session)), session);
    EXPECT_NE(session->csrf_token, old_token);
    EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace sigcard::portal::pages
