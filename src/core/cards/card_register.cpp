#include "cards/card_register.hpp"
#include "common/clock.hpp"

#include "audit/audit_log.hpp"
#include "cards/card_register_errors.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace sigcard::cards {

namespace {

constexpr const char* kCardColumns =
    "id, card_serial, token_label, certificate_serial, partner_id, identification_method, "
    "identified_at, remote_renewals, replaces_card_id, order_id, state, produced_at";

std::optional<std::int64_t> optional_id(const soci::row& row, std::size_t column) {
    if (row.get_indicator(column) == soci::i_null) {
        return std::nullopt;
    }
    return storage::row_int64(row, column);
}

CardState card_state_from(const std::string& text) {
    if (text == "active") {
        return CardState::active;
    }
    if (text == "revoked") {
        return CardState::revoked;
    }
    return CardState::produced;
}

CardEntry card_from(const soci::row& row) {
    CardEntry c;
    c.id = storage::row_int64(row, 0);
    c.card_serial = row.get<std::string>(1);
    c.token_label = row.get<std::string>(2);
    c.certificate_serial = row.get<std::string>(3);
    c.partner_id = optional_id(row, 4);
    c.identification_method = identification_method_from(row.get<std::string>(5))
                                  .value_or(IdentificationMethod::in_person);
    c.identified_at = storage::row_int64(row, 6);
    c.remote_renewals = static_cast<int>(storage::row_int64(row, 7));
    c.replaces_card_id = optional_id(row, 8);
    c.order_id = optional_id(row, 9);
    c.state = card_state_from(row.get<std::string>(10));
    c.produced_at = storage::row_int64(row, 11);
    return c;
}

PartnerEntry partner_from(const soci::row& row) {
    return {storage::row_int64(row, 0),
            {row.get<std::string>(1), row.get<std::string>(2), row.get<std::string>(3),
             row.get<std::string>(4)}};
}

template <typename Param>
std::vector<CardEntry> query_cards(soci::session& s, const std::string& where, const Param& param) {
    std::vector<CardEntry> out;
    soci::rowset<soci::row> rows =
        (s.prepare << std::string("SELECT ") + kCardColumns + " FROM cards " + where,
         soci::use(param));
    for (const auto& row : rows) {
        out.push_back(card_from(row));
    }
    return out;
}

template <typename Param>
std::vector<PartnerEntry> query_partners(soci::session& s, const std::string& where,
                                         const Param& param) {
    std::vector<PartnerEntry> out;
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, name, contact_email, contact_phone, website FROM partners " +
                          where,
         soci::use(param));
    for (const auto& row : rows) {
        out.push_back(partner_from(row));
    }
    return out;
}

}  // namespace

std::string_view to_string(IdentificationMethod method) {
    switch (method) {
        case IdentificationMethod::postident:
            return "postident";
        case IdentificationMethod::in_person:
            return "in_person";
        case IdentificationMethod::eid:
            return "eid";
    }
    return "in_person";
}

std::optional<IdentificationMethod> identification_method_from(std::string_view text) {
    for (auto m : {IdentificationMethod::postident, IdentificationMethod::in_person,
                   IdentificationMethod::eid}) {
        if (to_string(m) == text) {
            return m;
        }
    }
    return std::nullopt;
}

std::string_view to_string(CardState state) {
    switch (state) {
        case CardState::produced:
            return "produced";
        case CardState::active:
            return "active";
        case CardState::revoked:
            return "revoked";
    }
    return "produced";
}

std::int64_t CardRegister::add(soci::session& s, const CardEntry& c) {
    const std::string method(to_string(c.identification_method));
    const std::string state(to_string(c.state));
    long long partner = c.partner_id.value_or(0);
    long long replaces = c.replaces_card_id.value_or(0);
    long long order = c.order_id.value_or(0);
    soci::indicator partner_ind = c.partner_id ? soci::i_ok : soci::i_null;
    soci::indicator replaces_ind = c.replaces_card_id ? soci::i_ok : soci::i_null;
    soci::indicator order_ind = c.order_id ? soci::i_ok : soci::i_null;
    const long long identified_at = c.identified_at;
    const long long produced_at = c.produced_at;
    long long id = 0;
    s << "INSERT INTO cards (card_serial, token_label, certificate_serial, partner_id, "
         "identification_method, identified_at, remote_renewals, replaces_card_id, order_id, "
         "state, produced_at) VALUES (:serial, :label, :cert, :partner, :method, :identified, "
         ":renewals, :replaces, :order_id, :state, :produced) RETURNING id",
        soci::use(c.card_serial), soci::use(c.token_label), soci::use(c.certificate_serial),
        soci::use(partner, partner_ind), soci::use(method), soci::use(identified_at),
        soci::use(c.remote_renewals), soci::use(replaces, replaces_ind),
        soci::use(order, order_ind), soci::use(state), soci::use(produced_at), soci::into(id);
    return id;
}

void CardRegister::set_state(soci::session& s, std::int64_t card_id, CardState state) {
    const std::string text(to_string(state));
    const long long id = card_id;
    s << "UPDATE cards SET state = :state WHERE id = :id", soci::use(text), soci::use(id);
}

std::optional<CardEntry> CardRegister::find(std::int64_t id) const {
    return db_.with_session([&](soci::session& s) -> std::optional<CardEntry> {
        auto found = query_cards(s, "WHERE id = :id", static_cast<long long>(id));
        return found.empty() ? std::nullopt : std::optional(found.front());
    });
}

std::optional<CardEntry> CardRegister::find_by_certificate(const std::string& serial) const {
    return db_.with_session([&](soci::session& s) -> std::optional<CardEntry> {
        auto found = query_cards(s, "WHERE certificate_serial = :serial", serial);
        return found.empty() ? std::nullopt : std::optional(found.front());
    });
}

std::vector<CardEntry> CardRegister::list() const {
    return db_.with_session(
        [](soci::session& s) { return query_cards(s, "WHERE id > :zero ORDER BY id", 0LL); });
}

std::int64_t CardRegister::add_partner(const cards::Partner& p, const std::string& actor) {
    if (p.name.empty() || p.contact_email.empty()) {
        throw Error(errors::partner_invalid);
    }
    return db_.in_transaction([&](soci::session& s) {
        if (!query_partners(s, "WHERE name = :name", p.name).empty()) {
            throw Error(errors::partner_exists, p.name);
        }
        const long long now = unix_now();
        long long id = 0;
        s << "INSERT INTO partners (name, contact_email, contact_phone, website, created_at) "
             "VALUES (:n, :e, :p, :w, :t) RETURNING id",
            soci::use(p.name), soci::use(p.contact_email), soci::use(p.contact_phone),
            soci::use(p.website), soci::use(now), soci::into(id);
        audit::append(s, db_.dialect(), actor, "partner.added", p.name,
                      nlohmann::json{{"id", id}, {"contact_email", p.contact_email}}.dump());
        return static_cast<std::int64_t>(id);
    });
}

std::optional<PartnerEntry> CardRegister::find_partner(std::int64_t id) const {
    return db_.with_session([&](soci::session& s) -> std::optional<PartnerEntry> {
        auto found = query_partners(s, "WHERE id = :id", static_cast<long long>(id));
        return found.empty() ? std::nullopt : std::optional(found.front());
    });
}

std::optional<PartnerEntry> CardRegister::find_partner(const std::string& name) const {
    return db_.with_session([&](soci::session& s) -> std::optional<PartnerEntry> {
        auto found = query_partners(s, "WHERE name = :name", name);
        return found.empty() ? std::nullopt : std::optional(found.front());
    });
}

std::vector<PartnerEntry> CardRegister::partners() const {
    return db_.with_session(
        [](soci::session& s) { return query_partners(s, "WHERE id > :zero ORDER BY name", 0LL); });
}

std::optional<cards::CardRecord> CardRegister::eligibility_record(
    const std::string& certificate_serial) const {
    return db_.with_session(
        [&](soci::session& s) { return EligibilityLookup(s).find(certificate_serial); });
}

CardRegister::EligibilityLookup::EligibilityLookup(soci::session& s)
    : statement_((s.prepare << "SELECT c.id, c.identified_at, c.remote_renewals, c.partner_id, "
                               "p.name, p.contact_email, p.contact_phone, p.website FROM cards c "
                               "LEFT JOIN partners p ON p.id = c.partner_id "
                               "WHERE c.certificate_serial = :serial",
                  soci::use(certificate_serial_), soci::into(row_))) {}

std::optional<cards::CardRecord> CardRegister::EligibilityLookup::find(
    const std::string& certificate_serial) {
    certificate_serial_ = certificate_serial;
    if (!statement_.execute(true)) {
        return std::nullopt;
    }
    cards::CardRecord record;
    record.id = storage::row_int64(row_, 0);
    record.identified_at = storage::row_int64(row_, 1);
    record.remote_renewals = static_cast<int>(storage::row_int64(row_, 2));
    record.sold_by_partner = row_.get_indicator(3) != soci::i_null;
    if (row_.get_indicator(4) != soci::i_null) {
        record.partner = cards::Partner{row_.get<std::string>(4), row_.get<std::string>(5),
                                         row_.get<std::string>(6), row_.get<std::string>(7)};
    }
    storage::finish(statement_);
    return record;
}

}  // namespace sigcard::cards
