#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "orders/terms.hpp"

#include "audit/audit_log.hpp"
#include "crypto/ossl.hpp"
#include "orders/order_errors.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace sigcard::orders {

namespace {

// The version in force at :at: the latest already valid; of two valid from the same time, the
// one published later.
constexpr const char* kInForce =
    "WHERE valid_from <= :at ORDER BY valid_from DESC, published_at DESC LIMIT 1";

std::optional<TermsVersion> query_one(soci::session& s, const std::string& where,
                                      const std::string& param, std::int64_t at) {
    TermsVersion t;
    long long valid_from = 0;
    soci::indicator ind = soci::i_null;
    if (param.empty()) {
        s << "SELECT version, valid_from, sha256, text FROM terms_versions " + where,
            soci::into(t.version, ind), soci::into(valid_from), soci::into(t.sha256),
            soci::into(t.text), soci::use(static_cast<long long>(at));
    } else {
        s << "SELECT version, valid_from, sha256, text FROM terms_versions " + where,
            soci::into(t.version, ind), soci::into(valid_from), soci::into(t.sha256),
            soci::into(t.text), soci::use(param);
    }
    if (!s.got_data() || ind != soci::i_ok) {
        return std::nullopt;
    }
    t.valid_from = valid_from;
    return t;
}

}  // namespace

TermsVersion TermsCatalogue::publish(const std::string& text, const std::string& version,
                                     std::int64_t valid_from, const std::string& actor) {
    TermsVersion t{version, valid_from, encoding::hex(ossl::sha256(ossl::as_bytes(text))), text};
    db_.in_transaction([&](soci::session& s) {
        int existing = 0;
        s << "SELECT COUNT(*) FROM terms_versions WHERE version = :v", soci::use(version),
            soci::into(existing);
        if (existing > 0) {
            throw Error(errors::terms_version_exists, version);
        }
        const long long from = valid_from;
        const long long now = unix_now();
        s << "INSERT INTO terms_versions (version, valid_from, sha256, text, published_at) "
             "VALUES (:v, :f, :h, :t, :p)",
            soci::use(t.version), soci::use(from), soci::use(t.sha256), soci::use(t.text),
            soci::use(now);
        audit::append(s, db_.dialect(), actor, "terms.published", version,
                      nlohmann::json{{"sha256", t.sha256}, {"valid_from", valid_from}}.dump());
    });
    return t;
}

std::optional<TermsVersion> TermsCatalogue::in_force(std::int64_t at) const {
    return db_.with_session([&](soci::session& s) { return in_force(s, at); });
}

std::optional<TermsVersion> TermsCatalogue::in_force(soci::session& s, std::int64_t at) {
    return query_one(s, kInForce, {}, at);
}

TermsCatalogue::VersionLookup::VersionLookup(soci::session& s)
    : statement_((s.prepare << std::string("SELECT version FROM terms_versions ") + kInForce,
                  soci::into(version_, indicator_), soci::use(at_))) {}

std::optional<std::string> TermsCatalogue::VersionLookup::in_force(std::int64_t at) {
    at_ = at;
    indicator_ = soci::i_null;
    if (!statement_.execute(true) || indicator_ != soci::i_ok) {
        return std::nullopt;
    }
    storage::finish(statement_);
    return version_;
}

std::optional<TermsVersion> TermsCatalogue::find(const std::string& version) const {
    return db_.with_session(
        [&](soci::session& s) { return query_one(s, "WHERE version = :v", version, 0); });
}

std::vector<TermsVersion> TermsCatalogue::list() const {
    return db_.with_session([](soci::session& s) {
        std::vector<TermsVersion> out;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT version, valid_from, sha256, text FROM terms_versions "
                          "ORDER BY valid_from");
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), storage::row_int64(row, 1),
                           row.get<std::string>(2), row.get<std::string>(3)});
        }
        return out;
    });
}

}  // namespace sigcard::orders
