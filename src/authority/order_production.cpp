#include "authority/order_production.hpp"

#include "audit/audit_log.hpp"
#include "identification/in_person.hpp"
#include "cards/card_register.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "invoices/invoices.hpp"
#include "new_order/application.hpp"
#include "orders/order_document.hpp"
#include "orders/revocation_password.hpp"
#include "orders/sql_order_store.hpp"
#include "pki/revocation.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace sigcard::authority {

namespace {

using orders::OrderState;

// Twelve characters in three groups, without the ones that are read as each other (0/O, 1/I/L).
std::string random_code() {
    constexpr std::string_view alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 characters
    std::string code;
    while (code.size() < 14) {
        for (const auto byte : ossl::random_bytes(16)) {
            if (byte < 248 && code.size() < 14) {  // 248 = 8 × 31
                if (code.size() == 4 || code.size() == 9) {
                    code += '-';
                }
                code += alphabet[byte % alphabet.size()];
            }
        }
    }
    return code;
}

// What a holder types: spaces and hyphens left out, upper case.
std::string normalised_code(std::string_view typed) {
    std::string code;
    for (const char c : typed) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    return code;
}

std::string profession_oid(const std::string& title) {
    const auto starts = [&](std::string_view prefix) { return title.rfind(prefix, 0) == 0; };
    if (starts("Rechtsanw")) {
        return pki::oid::profession_rechtsanwalt;
    }
    if (starts("Steuerberater")) {
        return pki::oid::profession_steuerberater;
    }
    if (starts("Notar")) {
        return pki::oid::profession_notar;
    }
    if (starts("Arzt") || starts("Ärzt")) {
        return pki::oid::profession_physician;
    }
    return {};
}

// The certificate's content of a new order: the person as identified, and the attributes the
// approvers approved with the order.
pki::HolderProfile profile_of(const new_order::Application& a, const std::string& order_number) {
    pki::HolderProfile p;
    const auto& c = a.certificate;
    if (c.use_pseudonym) {
        p.pseudonym = c.pseudonym;
    } else {
        p.given_name = a.person.given_names;
        p.surname = a.person.surname;
    }
    p.serial_number = order_number;  // unique per holder and certificate
    p.country = a.person.nationality.empty() ? "DE" : a.person.nationality;
    if (c.profession) {
        pki::ProfessionInfo info;
        info.items = {c.profession->title};
        if (const auto oid = profession_oid(c.profession->title); !oid.empty()) {
            info.oids = {oid};
        }
        p.admission = pki::Admission{c.profession->chamber, {info}};
    }
    if (c.procuration) {
        p.procuration = pki::Procuration{"DE", "", c.procuration->company,
                                         c.procuration->register_number};
    }
    if (c.monetary_limit) {
        p.limit_value = pki::MonetaryLimit{"EUR", static_cast<long>(c.monetary_limit->euros), 0};
    }
    if (c.restriction) {
        p.restriction = c.restriction->text;
    }
    return p;
}

struct NewOrderFacts {
    new_order::Application application;
    cards::IdentificationMethod method = cards::IdentificationMethod::postident;
    std::int64_t identified_at = 0;
};

NewOrderFacts new_order_facts(storage::Database& db, std::int64_t order_id) {
    return db.with_session([&](soci::session& s) {
        NewOrderFacts f;
        const long long id = order_id;
        std::string document;
        s << "SELECT document FROM new_order_applications WHERE order_id = :id", soci::use(id),
            soci::into(document);
        f.application =
            new_order::application_from_json(nlohmann::json::parse(document).at("application"));
        long long records = 0;
        s << "SELECT COUNT(*) FROM identification_records WHERE order_id = :id", soci::use(id),
            soci::into(records);
        f.method = records > 0 ? cards::IdentificationMethod::in_person
                               : cards::IdentificationMethod::postident;
        long long at = 0;
        soci::indicator none = soci::i_null;
        s << "SELECT MAX(at) FROM order_events WHERE order_id = :id AND to_state = 'identified'",
            soci::use(id), soci::into(at, none);
        f.identified_at = none == soci::i_null ? 0 : at;
        return f;
    });
}

void publish_crl(TrustCenter& tc) {
    const auto t = now();
    pki::publish_crl(tc.certificates(), tc.issuing_ca(), t, t + std::chrono::hours(24));
}

std::string holder_name_of(const pki::HolderProfile& profile) { return profile.common_name(); }

// What the order was placed at: the price its signed document or its application names (not
// today's price in sigcard.toml, unless the order names none).
orders::Price price_of(TrustCenter& tc, const orders::OrderRecord& record) {
    const auto& prices = tc.config().prices;
    if (record.kind == orders::OrderKind::follow_up) {
        for (const bool english : {false, true}) {
            if (auto price =
                    orders::price_from_text(orders::price_in_document(record.document, english))) {
                return *price;
            }
        }
        spdlog::warn("order {}: no price in its document, invoiced at today's price",
                     record.order_number);
        return {prices.follow_up_net_cents, prices.vat_percent};
    }
    return tc.database().with_session([&](soci::session& s) {
        std::string document;
        const long long id = record.id;
        s << "SELECT document FROM new_order_applications WHERE order_id = :id", soci::use(id),
            soci::into(document);
        const auto price = nlohmann::json::parse(document).at("price");
        return orders::Price{price.at("net_cents").get<std::int64_t>(),
                             price.at("vat_percent").get<int>()};
    });
}

}  // namespace

ProducedOrder produce_order(TrustCenterOrders& desk, const ProductionRequest& request,
                            std::int64_t now_seconds) {
    auto& tc = desk.trust_center();
    auto& book = desk.book();
    const auto record = book.find(request.order_number);
    if (!record) {
        throw Error(errors::order_unknown, request.order_number);
    }
    if (record->state == OrderState::in_production && record->new_card_id) {
        throw Error(errors::order_already_produced, request.order_number);
    }
    if (record->state != OrderState::approved && record->state != OrderState::in_production) {
        throw Error(errors::order_not_approved,
                    fmt::format("{} is {}", record->order_number, orders::to_string(record->state)));
    }
    CardOrder order;
    order.token_label = request.token_label.value_or(default_token_label(record->order_number));
    order.order_id = record->id;
    order.hold_until_receipt = true;
    order.actor = request.actor;
    std::optional<new_order::Application> application;
    if (record->kind == orders::OrderKind::follow_up) {
        cards::CardRegister reg(tc.database());
        const auto old_card = reg.find(record->card_id);
        const auto old_certificate =
            old_card ? tc.certificates().find(old_card->certificate_serial) : std::nullopt;
        const auto old_x509 = old_certificate ? ossl::x509_from_der(old_certificate->der) : nullptr;
        if (!old_x509) {
            throw Error(errors::replaced_card_missing, fmt::format("card {}", record->card_id));
        }
        // Carried over unchanged: the holder declared in the signed order that nothing changed.
        order.holder = pki::read_holder_profile(old_x509.get());
        order.key_type = key_type_of_certificate(old_x509.get());
        order.partner_id = old_card->partner_id;
        order.identification_method = old_card->identification_method;
        order.identified_at = old_card->identified_at;
        order.remote_renewals = old_card->remote_renewals + 1;
        order.replaces_card_id = old_card->id;
    } else {
        auto facts = new_order_facts(tc.database(), record->id);
        order.holder = profile_of(facts.application, record->order_number);
        order.identification_method = facts.method;
        order.identified_at = facts.identified_at;
        application = std::move(facts.application);
    }
    order.transport_pin = request.transport_pin.value_or(random_transport_pin());

    if (record->state == OrderState::approved) {
        book.start_production(record->order_number, request.actor, now_seconds);
    }
    auto produced = produce_card(tc, order);
    publish_crl(tc);
    book.attach_new_card(record->order_number, produced.card_id);
    if (application) {
        // The ID copy is kept for its period after this certificate expires.
        identification::set_id_copy_retention(
            tc.database(), tc.config(), record->order_number,
            ossl::to_seconds(X509_get0_notAfter(produced.certificate.get())).time_since_epoch().count());
    }

    const auto code = random_code();
    const long long deadline = now_seconds + std::int64_t(tc.config().policy.activation_days) * 86400;
    const std::string code_hash = orders::hash_revocation_password(Secret(normalised_code(code)));
    auto& db = tc.database();
    db.in_transaction([&](soci::session& s) {
        const long long at = now_seconds;
        const long long id = record->id;
        s << "DELETE FROM activation_codes WHERE order_id = :id", soci::use(id);
        s << "INSERT INTO activation_codes (order_id, code_hash, deadline, created_at) VALUES "
             "(:id, :hash, :deadline, :at)",
            soci::use(id), soci::use(code_hash), soci::use(deadline), soci::use(at);
        audit::append(s, db.dialect(), request.actor, "order.produced", record->order_number,
                      nlohmann::json{{"card_serial", produced.card_serial},
                                     {"certificate_serial", produced.certificate_serial},
                                     {"activation_deadline", deadline}}
                          .dump());
    });
    spdlog::info("order {}: card {} produced by {}", record->order_number, produced.card_serial,
                 request.actor);

    ProducedOrder out;
    out.letter.trust_center = tc.config().name;
    out.letter.portal_url = tc.config().urls.portal;
    out.letter.order_number = record->order_number;
    out.letter.holder_name = record->data.shipping.name.empty() ? holder_name_of(order.holder)
                                                                : record->data.shipping.name;
    out.letter.address = record->data.shipping;
    out.letter.transport_pin = std::string(order.transport_pin.view());
    out.letter.activation_code = code;
    out.letter.activation_deadline = deadline;
    out.card = std::move(produced);
    return out;
}

void ship_order(TrustCenterOrders& desk, const std::string& order_number, const Shipment& shipment,
                const std::string& actor, std::int64_t now_seconds) {
    const auto valid = [](const std::string& tracking, bool required) {
        if (tracking.empty()) {
            return !required;
        }
        return tracking.size() <= 40 &&
               std::all_of(tracking.begin(), tracking.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
               });
    };
    if (!valid(shipment.card_tracking, true) || !valid(shipment.letter_tracking, false)) {
        throw Error(errors::tracking_invalid, order_number);
    }
    auto& db = desk.trust_center().database();
    const auto record = desk.book().find(order_number);
    if (!record) {
        throw Error(errors::order_unknown, order_number);
    }
    if (record->state != OrderState::in_production || !record->new_card_id) {
        throw Error(errors::order_not_produced,
                    fmt::format("{} is {}", order_number, orders::to_string(record->state)));
    }
    invoices::InvoiceInput invoice;
    invoice.order_id = record->id;
    invoice.order_number = order_number;
    invoice.data = record->data;
    invoice.price = price_of(desk.trust_center(), *record);
    invoice.description =
        fmt::format("Qualifizierte Signaturkarte ({}) / Qualified signature card ({}), {} {}",
                    record->kind == orders::OrderKind::follow_up ? "Folgekarte" : "Neukarte",
                    record->kind == orders::OrderKind::follow_up ? "follow-up card" : "new card",
                    "Auftrag / order", order_number);
    db.in_transaction([&](soci::session& s) {
        const long long id = record->id;
        const long long at = now_seconds;
        // The invoice's number is drawn here: a shipment that fails gives it back.
        invoices::issue(s, db.dialect(), invoice, actor, now_seconds);
        s << "INSERT INTO order_shipments (order_id, card_tracking, letter_tracking, shipped_by, "
             "shipped_at) VALUES (:id, :card, :letter, :actor, :at)",
            soci::use(id), soci::use(shipment.card_tracking), soci::use(shipment.letter_tracking),
            soci::use(actor), soci::use(at);
        orders::apply_transition(s, db.dialect(),
                                 {order_number, &orders::rule_of(orders::OrderStep::ship), actor,
                                  "card " + shipment.card_tracking +
                                      (shipment.letter_tracking.empty()
                                           ? std::string()
                                           : ", PIN letter " + shipment.letter_tracking),
                                  now_seconds, record->new_card_id});
    });
}

std::optional<Shipment> shipment_of(storage::Database& db, const std::string& order_number) {
    return db.with_session([&](soci::session& s) -> std::optional<Shipment> {
        Shipment shipment;
        s << "SELECT p.card_tracking, p.letter_tracking FROM order_shipments p JOIN orders o ON "
             "o.id = p.order_id WHERE o.order_number = :n",
            soci::use(order_number), soci::into(shipment.card_tracking),
            soci::into(shipment.letter_tracking);
        return s.got_data() ? std::optional(shipment) : std::nullopt;
    });
}

std::string shipping_label(TrustCenterOrders& desk, const std::string& order_number) {
    const auto record = desk.book().find(order_number);
    if (!record) {
        throw Error(errors::order_unknown, order_number);
    }
    documents::ShippingLabel label;
    label.trust_center = desk.trust_center().config().name;
    label.order_number = order_number;
    label.address = record->data.shipping;
    return documents::render_shipping_label(label);
}

std::string confirm_receipt_with_code(TrustCenterOrders& desk, const std::string& order_number,
                                      const Secret& code, std::int64_t now_seconds) {
    auto& tc = desk.trust_center();
    auto& db = tc.database();
    const auto record = desk.book().find(order_number);
    if (!record) {
        throw Error(errors::order_unknown, order_number);
    }
    if (record->state != OrderState::shipped) {
        throw Error(errors::order_not_shipped, order_number);
    }
    std::string hash;
    long long tries = 0;
    long long deadline = 0;
    const long long id = record->id;
    const bool found = db.with_session([&](soci::session& s) {
        s << "SELECT code_hash, failed_tries, deadline FROM activation_codes WHERE order_id = :id "
             "AND used_at IS NULL",
            soci::use(id), soci::into(hash), soci::into(tries), soci::into(deadline);
        return s.got_data();
    });
    if (!found) {
        throw Error(errors::code_wrong, order_number + ": no code");
    }
    if (now_seconds > deadline) {
        throw Error(errors::code_expired, order_number);
    }
    if (tries >= tc.config().policy.activation_max_tries) {
        throw Error(errors::code_locked, order_number);
    }
    if (!orders::revocation_password_matches(hash, Secret(normalised_code(code.view())))) {
        // Counted where every instance sees it, before the holder is told.
        db.in_transaction([&](soci::session& s) {
            s << "UPDATE activation_codes SET failed_tries = failed_tries + 1 WHERE order_id = :id",
                soci::use(id);
            audit::append(s, db.dialect(), "holder", "receipt.code_wrong", order_number,
                          nlohmann::json{{"failed_tries", tries + 1}}.dump());
        });
        throw Error(tries + 1 >= tc.config().policy.activation_max_tries ? errors::code_locked
                                                                          : errors::code_wrong,
                    order_number);
    }
    const auto serial = confirm_receipt(desk, order_number, "holder");
    db.with_session([&](soci::session& s) {
        const long long at = now_seconds;
        s << "UPDATE activation_codes SET used_at = :at WHERE order_id = :id", soci::use(at),
            soci::use(id);
    });
    return serial;
}

}  // namespace sigcard::authority
