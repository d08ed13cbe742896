#include "portal/pages/page_session.hpp"

#include "encoding/encoding.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>

namespace sigcard::portal::pages {

namespace {

std::string random_token() {
    return encoding::hex(ossl::random_bytes(32));
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

SessionStore::SessionStore(std::chrono::seconds idle_timeout, std::size_t max_sessions,
                           double new_per_second, double new_burst)
    : idle_timeout_(idle_timeout),
      max_sessions_(std::max<std::size_t>(max_sessions, 1)),
      creations_(new_per_second, new_burst) {}

std::shared_ptr<Session> SessionStore::find(const http::Request& request) {
    const auto id = request_cookie(request, cookie_name);
    if (!id) {
        return nullptr;
    }
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(*id);
    if (it == sessions_.end()) {
        return nullptr;
    }
    if (now - it->second.session->last_used > idle_timeout_) {
        recent_.erase(it->second.position);
        sessions_.erase(it);
        return nullptr;
    }
    it->second.session->last_used = now;
    recent_.splice(recent_.begin(), recent_, it->second.position);
    return it->second.session;
}

std::shared_ptr<Session> SessionStore::create(std::string_view client) {
    auto session = std::make_shared<Session>();
    session->id = random_token();
    session->csrf_token = random_token();
    const auto now = Clock::now();
    session->last_used = now;
    if (!creations_.allow(client)) {
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    drop_expired(now);
    if (sessions_.size() >= max_sessions_) {
        sessions_.erase(recent_.back());
        recent_.pop_back();
    }
    recent_.push_front(session->id);
    sessions_.emplace(session->id, Entry{session, recent_.begin()});
    return session;
}

void SessionStore::rotate(Session& session) {
    const auto fresh_id = random_token();
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(session.id); it != sessions_.end()) {
        auto entry = std::move(it->second);
        sessions_.erase(it);
        *entry.position = fresh_id;
        sessions_.emplace(fresh_id, std::move(entry));
    }
    session.id = fresh_id;
    session.csrf_token = random_token();
}

std::shared_ptr<Session> SessionStore::unsaved(std::string form_token) {
    auto session = std::make_shared<Session>();
    session->csrf_token = std::move(form_token);
    session->last_used = Clock::now();
    return session;
}

std::optional<std::string> SessionStore::form_token(const http::Request& request) {
    auto token = request_cookie(request, form_cookie_name);
    if (!token || token->size() != 64 ||
        token->find_first_not_of("0123456789abcdef") != std::string::npos) {
        return std::nullopt;
    }
    return token;
}

std::string SessionStore::new_form_token() {
    return random_token();
}

std::string SessionStore::form_cookie_for(std::string_view token) {
    return fmt::format("{}={}; Path=/; HttpOnly; Secure; SameSite=Strict", form_cookie_name, token);
}

std::size_t SessionStore::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::string SessionStore::cookie_for(const Session& session) {
    return fmt::format("{}={}; Path=/; HttpOnly; Secure; SameSite=Strict", cookie_name, session.id);
}

// The least recently used sessions are the oldest: drop from the end while they are expired.
void SessionStore::drop_expired(Clock::time_point now) {
    while (!recent_.empty()) {
        const auto it = sessions_.find(recent_.back());
        if (now - it->second.session->last_used <= idle_timeout_) {
            break;
        }
        sessions_.erase(it);
        recent_.pop_back();
    }
}

std::optional<std::string> request_cookie(const http::Request& request, std::string_view name) {
    for (const auto& [field, value] : request.headers.fields()) {
        if (!http::equals_ignoring_case(field, "Cookie")) {
            continue;
        }
        std::string_view rest = value;
        while (!rest.empty()) {
            const auto end = rest.find(';');
            const auto pair = trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            const auto equals = pair.find('=');
            if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
                return std::string(pair.substr(equals + 1));
            }
        }
    }
    return std::nullopt;
}

bool same_token(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sigcard::portal::pages
