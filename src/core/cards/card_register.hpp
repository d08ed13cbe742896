// The trust center's register of the cards it produced and of its cooperation partners: which
// certificate is on which card, how the card was sold, and which identification it rests on.
#pragma once

#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::cards {

struct Partner {
    std::string name;
    std::string contact_email;
    std::string contact_phone;
    std::string website;
};

// What the register knows of a certificate's card when a follow-up order is asked for.
struct CardRecord {
    std::int64_t id = 0;
    bool sold_by_partner = false;
    std::optional<Partner> partner;
    std::int64_t identified_at = 0;  // unix seconds of the identification the card rests on
    int remote_renewals = 0;         // follow-up orders since that identification
};

enum class IdentificationMethod { postident, in_person, eid };
std::string_view to_string(IdentificationMethod method);
std::optional<IdentificationMethod> identification_method_from(std::string_view text);

enum class CardState { produced, active, revoked };
std::string_view to_string(CardState state);

struct PartnerEntry {
    std::int64_t id = 0;
    Partner partner;
};

struct CardEntry {
    std::int64_t id = 0;
    std::string card_serial;
    std::string token_label;
    std::string certificate_serial;
    std::optional<std::int64_t> partner_id;  // set: sold by this cooperation partner
    IdentificationMethod identification_method = IdentificationMethod::in_person;
    std::int64_t identified_at = 0;
    int remote_renewals = 0;
    std::optional<std::int64_t> replaces_card_id;
    std::optional<std::int64_t> order_id;
    CardState state = CardState::produced;
    std::int64_t produced_at = 0;
};

class CardRegister {
public:
    explicit CardRegister(storage::Database& db) : db_(db) {}

    // Adds within the caller's transaction, so the card is recorded with what produced it.
    static std::int64_t add(soci::session& session, const CardEntry& card);
    static void set_state(soci::session& session, std::int64_t card_id, CardState state);

    std::optional<CardEntry> find(std::int64_t id) const;
    std::optional<CardEntry> find_by_certificate(const std::string& certificate_serial) const;
    std::vector<CardEntry> list() const;

    // Partner registry (R4).
    std::int64_t add_partner(const Partner& partner, const std::string& actor);
    std::optional<PartnerEntry> find_partner(std::int64_t id) const;
    std::optional<PartnerEntry> find_partner(const std::string& name) const;
    std::vector<PartnerEntry> partners() const;

    // What the eligibility policy needs to know of the card holding this certificate.
    std::optional<CardRecord> eligibility_record(
        const std::string& certificate_serial) const;

    // eligibility_record() as one statement (card and partner together) prepared once on a
    // session the caller holds, for a writer that looks up many cards in one transaction.
    class EligibilityLookup {
    public:
        explicit EligibilityLookup(soci::session& s);
        std::optional<CardRecord> find(const std::string& certificate_serial);

    private:
        std::string certificate_serial_;
        soci::row row_;
        soci::statement statement_;
    };

private:
    storage::Database& db_;
};

}  // namespace sigcard::cards
