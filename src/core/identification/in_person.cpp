#include "identification/in_person.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "new_order/application.hpp"
#include "orders/order_life.hpp"
#include "orders/sql_order_store.hpp"
#include "retention/retention.hpp"
#include "operators/operator_signature.hpp"
#include "signature/cades.hpp"
#include "text/readable_text.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sigcard::identification {

namespace {

using nlohmann::json;

const ErrorCode reason_missing{"id_copy.reason_missing",
                               "Bitte geben Sie an, wozu Sie die Ausweiskopie öffnen.",
                               "Please say why you open the ID copy."};

constexpr std::size_t kIv = 12;
constexpr std::size_t kTag = 16;

std::string page_context(const std::string& order_number, DocumentSide side) {
    return "id-copy:" + order_number + ":" + std::string(to_string(side));
}

std::string seal(std::string_view plain, std::span<const std::uint8_t> key, std::string_view aad) {
    const auto iv = ossl::random_bytes(kIv);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    std::string out(kIv + plain.size() + kTag, '\0');
    std::copy(iv.begin(), iv.end(), out.begin());
    int length = 0;
    int total = 0;
    auto* cipher = reinterpret_cast<unsigned char*>(out.data() + kIv);
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &length,
                          reinterpret_cast<const unsigned char*>(aad.data()), int(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), cipher, &length,
                          reinterpret_cast<const unsigned char*>(plain.data()), int(plain.size())) != 1) {
        throw std::runtime_error("AES-GCM encryption failed");
    }
    total = length;
    if (EVP_EncryptFinal_ex(ctx.get(), cipher + total, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTag),
                            out.data() + kIv + plain.size()) != 1) {
        throw std::runtime_error("AES-GCM encryption failed");
    }
    return out;
}

std::string open(std::string_view sealed, std::span<const std::uint8_t> key, std::string_view aad) {
    if (sealed.size() < kIv + kTag) {
        throw std::runtime_error("sealed ID copy too short");
    }
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    const auto* iv = reinterpret_cast<const unsigned char*>(sealed.data());
    const auto body = sealed.substr(kIv, sealed.size() - kIv - kTag);
    std::string tag(sealed.substr(sealed.size() - kTag));
    std::string out(body.size(), '\0');
    int length = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &length,
                          reinterpret_cast<const unsigned char*>(aad.data()), int(aad.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                          reinterpret_cast<const unsigned char*>(body.data()), int(body.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTag), tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + length,
                            &length) != 1) {
        throw std::runtime_error("the ID copy was changed or belongs to another order");
    }
    return out;
}

std::string comparable(const std::string& value) {
    try {
        return text::normalized(value);
    } catch (const std::invalid_argument&) {
        return value;
    }
}

struct OrderFacts {
    long long id = 0;
    std::string state;
    std::string kind;
    new_order::Application application;
};

std::optional<OrderFacts> order_facts(soci::session& s, const std::string& number) {
    OrderFacts facts;
    std::string document;
    soci::indicator has_document = soci::i_null;
    s << "SELECT o.id, o.state, o.kind, a.document FROM orders o LEFT JOIN new_order_applications "
         "a ON a.order_id = o.id WHERE o.order_number = :n",
        soci::use(number), soci::into(facts.id), soci::into(facts.state), soci::into(facts.kind),
        soci::into(document, has_document);
    if (!s.got_data() || has_document == soci::i_null) {
        return std::nullopt;
    }
    facts.application = new_order::application_from_json(json::parse(document).at("application"));
    return facts;
}

}  // namespace

bool may_read_identification(const operators::Operator& who) {
    return who.has(operators::Role::registration_officer) ||
           who.has(operators::Role::approver) || who.has(operators::Role::auditor);
}

PreparedIdentification InPersonIdentifications::prepare(const InPersonIdentification& entry,
                                                        const operators::Operator& officer,
                                                        std::int64_t now) const {
    operators::require_role(officer, operators::Role::registration_officer);
    if (!entry.document_stayed_with_applicant || !entry.copy_made_in_presence) {
        throw Error(errors::confirmation_missing);
    }
    const auto facts = context_.db.with_session(
        [&](soci::session& s) { return order_facts(s, entry.order_number); });
    if (!facts || facts->kind != "new" ||
        (facts->state != "awaiting_identification" && facts->state != "in_review")) {
        throw Error(errors::not_awaiting_identification, entry.order_number);
    }
    // The document shown, compared with the order value by value.
    const auto& ordered = facts->application.id_document;
    const std::vector<std::tuple<std::string, std::string, std::string>> pairs{
        {"id_document.type", ordered.type, entry.document.type},
        {"id_document.number", ordered.number, entry.document.number},
        {"id_document.authority", ordered.authority, entry.document.authority},
        {"id_document.issued_on", ordered.issued_on, entry.document.issued_on},
        {"id_document.expires_on", ordered.expires_on, entry.document.expires_on},
    };
    json comparison = json::array();
    std::string differing;
    for (const auto& [field, order_value, checked] : pairs) {
        const bool agrees = comparable(order_value) == comparable(checked);
        comparison.push_back(
            {{"field", field}, {"ordered", order_value}, {"checked", checked}, {"agrees", agrees}});
        if (!agrees) {
            differing += (differing.empty() ? "" : ",") + field;
        }
    }
    if (!differing.empty()) {
        throw Error(errors::document_differs, differing);
    }
    const auto expires = iso_day(entry.document.expires_on);
    const auto today = iso_day(iso_date(now));
    if (!expires || !today ||
        *expires < *today + std::chrono::days(context_.config.new_order.min_id_validity_days)) {
        throw Error(errors::document_expires_soon, entry.document.expires_on);
    }
    auto pages = process_id_copy(entry.scans, entry.blackout, context_.policy);
    const auto has = [&](DocumentSide side) {
        return std::any_of(pages.begin(), pages.end(),
                           [side](const ProcessedPage& p) { return p.side == side; });
    };
    const bool complete = entry.document.type == "passport"
                              ? has(DocumentSide::passport_data_page)
                              : has(DocumentSide::id_card_front) && has(DocumentSide::id_card_back);
    if (!complete) {
        throw Error(errors::copy_missing, entry.document.type);
    }
    PreparedIdentification prepared;
    prepared.order_number = entry.order_number;
    prepared.officer = officer.name;
    prepared.officer_certificate_serial = officer.certificate_serial;
    prepared.blackened = entry.blackout;
    json page_list = json::array();
    for (const auto& page : pages) {
        page_list.push_back(
            {{"side", to_string(page.side)},
             {"sha256", encoding::hex(ossl::sha256(ossl::as_bytes(page.jpeg)))}});
    }
    const auto office = facts->application.identification.office;
    json record{
        {"kind", "sigcard.identification_record.v1"},
        {"trust_center", context_.config.name},
        {"order_number", entry.order_number},
        {"method", "registration_office"},
        {"office", office},
        {"officer", {{"name", officer.name}, {"certificate_serial", officer.certificate_serial}}},
        {"document", {{"type", entry.document.type},
                      {"number", entry.document.number},
                      {"authority", entry.document.authority},
                      {"issued_on", entry.document.issued_on},
                      {"expires_on", entry.document.expires_on}}},
        {"comparison", comparison},
        {"id_copy", {{"pages", page_list}, {"blackened", entry.blackout}}},
        {"confirmation",
         {{"document_stayed_with_applicant", true},
          {"copy_made_in_presence", true},
          {"de", "Der Ausweis blieb in der Hand des Antragstellers; die Kopie wurde in seiner "
                 "Anwesenheit angefertigt."},
          {"en", "The ID document stayed in the applicant's hands; the copy was made in their "
                 "presence."}}},
        {"identified_at", now}};
    prepared.record = record.dump();
    prepared.record_sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(prepared.record)));
    prepared.pages = std::move(pages);
    return prepared;
}

void InPersonIdentifications::complete(const PreparedIdentification& prepared,
                                       std::span<const std::uint8_t> cms, std::int64_t now) {
    // A signature that does not verify is refused before the HSM wraps anything; whose card
    // made it is checked with the database below.
    try {
        signature::verify_cades(ossl::as_bytes(prepared.record), cms);
    } catch (const Error& e) {
        throw Error(errors::record_signature_invalid, std::string(e.id()));
    }
    // Wrapped outside the transaction: the HSM is not held while the database is.
    struct SealedPage {
        std::string side, wrapped, sealed, sha256;
    };
    std::vector<SealedPage> sealed;
    for (const auto& page : prepared.pages) {
        const auto context = page_context(prepared.order_number, page.side);
        auto key = ossl::random_bytes(32);
        sealed.push_back({std::string(to_string(page.side)),
                          encoding::to_base64(context_.keys.wrap(key, context)),
                          encoding::to_base64(seal(page.jpeg, key, context)),
                          encoding::hex(ossl::sha256(ossl::as_bytes(page.jpeg)))});
        OPENSSL_cleanse(key.data(), key.size());
    }
    const auto dialect = context_.db.dialect();
    context_.db.in_transaction([&](soci::session& s) {
        operators::check_operator_signature(s, prepared.officer, prepared.record, cms,
                                            errors::record_signature_invalid, now);
        const auto facts = order_facts(s, prepared.order_number);
        if (!facts) {
            throw Error(errors::not_awaiting_identification, prepared.order_number);
        }
        const std::string cms_base64 = encoding::to_base64(
            std::string(reinterpret_cast<const char*>(cms.data()), cms.size()));
        const long long at = now;
        const std::string office = facts->application.identification.office;
        s << "INSERT INTO identification_records (order_id, method, office, officer, record, "
             "record_sha256, signature, identified_at) VALUES (:order, 'registration_office', "
             ":office, :officer, :record, :sha, :signature, :at)",
            soci::use(facts->id), soci::use(office), soci::use(prepared.officer),
            soci::use(prepared.record), soci::use(prepared.record_sha256), soci::use(cms_base64),
            soci::use(at);
        const std::string blackened = json(prepared.blackened).dump();
        for (const auto& page : sealed) {
            s << "INSERT INTO id_copies (order_id, side, wrapped_key, sealed, sha256, blackened, "
                 "created_at) VALUES (:order, :side, :wrapped, :sealed, :sha, :blackened, :at)",
                soci::use(facts->id), soci::use(page.side), soci::use(page.wrapped),
                soci::use(page.sealed), soci::use(page.sha256), soci::use(blackened),
                soci::use(at);
        }
        const std::string actor = "operator:" + prepared.officer;
        orders::apply_transition(s, dialect,
                                 {prepared.order_number, &orders::rule_of(orders::OrderStep::identify),
                                  actor, "identified in person", now, std::nullopt});
        s << "DELETE FROM pending_identifications WHERE order_number = :n",
            soci::use(prepared.order_number);
        audit::append(s, dialect, actor, "identification.in_person", prepared.order_number,
                      json{{"record_sha256", prepared.record_sha256},
                           {"pages", sealed.size()},
                           {"blackened", prepared.blackened}}
                          .dump());
    });
    spdlog::info("order {} identified in person by {}", prepared.order_number, prepared.officer);
}

std::vector<ProcessedPage> InPersonIdentifications::read_copy(const std::string& order_number,
                                                              const operators::Operator& reader,
                                                              const std::string& reason) {
    if (!may_read_identification(reader)) {
        throw Error(operators::errors::role_required, reader.name + " may not read ID copies");
    }
    if (reason.empty()) {
        throw Error(reason_missing);
    }
    std::vector<std::tuple<std::string, std::string, std::string>> rows;
    context_.db.in_transaction([&](soci::session& s) {
        soci::rowset<soci::row> found =
            (s.prepare << "SELECT c.side, c.wrapped_key, c.sealed FROM id_copies c JOIN orders o "
                          "ON o.id = c.order_id WHERE o.order_number = :n AND c.deleted_at IS "
                          "NULL ORDER BY c.id",
             soci::use(order_number));
        for (const auto& row : found) {
            rows.emplace_back(row.get<std::string>(0), row.get<std::string>(1),
                              row.get<std::string>(2));
        }
        // Recorded before anything is opened: a reading is never unaccounted for.
        audit::append(s, context_.db.dialect(), reader.actor(), "id_copy.read", order_number,
                      json{{"reason", reason}, {"pages", rows.size()}}.dump());
    });
    std::vector<ProcessedPage> pages;
    for (const auto& [side_text, wrapped, sealed_text] : rows) {
        const auto side = document_side_from(side_text).value_or(DocumentSide::id_card_front);
        const auto context = page_context(order_number, side);
        const Secret key = context_.keys.unwrap(encoding::from_base64(wrapped), context);
        const auto jpeg = open(encoding::from_base64(sealed_text), ossl::as_bytes(key.view()), context);
        pages.push_back({side, jpeg, 0, 0});
    }
    return pages;
}

void InPersonIdentifications::keep_pending(const PreparedIdentification& prepared,
                                           const new_order::DataKey& sealing, std::int64_t now) {
    json pages = json::array();
    for (const auto& page : prepared.pages) {
        pages.push_back({{"side", to_string(page.side)},
                         {"jpeg", encoding::to_base64(page.jpeg)},
                         {"width", page.width},
                         {"height", page.height}});
    }
    const json plain{{"record", prepared.record},
                     {"officer_certificate_serial", prepared.officer_certificate_serial},
                     {"pages", pages},
                     {"blackened", prepared.blackened}};
    const std::string sealed = encoding::to_base64(
        sealing.seal(plain.dump(), "pending-identification:" + prepared.order_number));
    const long long at = now;
    const long long stale = now - pending_lifetime;
    context_.db.in_transaction([&](soci::session& s) {
        s << "DELETE FROM pending_identifications WHERE created_at < :stale OR order_number = :n",
            soci::use(stale), soci::use(prepared.order_number);
        s << "INSERT INTO pending_identifications (order_number, officer, prepared, created_at) "
             "VALUES (:n, :officer, :prepared, :at)",
            soci::use(prepared.order_number), soci::use(prepared.officer), soci::use(sealed),
            soci::use(at);
    });
}

std::optional<PreparedIdentification> InPersonIdentifications::pending(
    const std::string& order_number, const std::string& officer,
    const new_order::DataKey& sealing, std::int64_t now) const {
    std::string sealed;
    long long created = 0;
    const bool found = context_.db.with_session([&](soci::session& s) {
        s << "SELECT prepared, created_at FROM pending_identifications WHERE order_number = :n "
             "AND officer = :officer",
            soci::use(order_number), soci::use(officer), soci::into(sealed), soci::into(created);
        return s.got_data();
    });
    if (!found || now - created > pending_lifetime) {
        return std::nullopt;
    }
    const auto plain = json::parse(sealing.open(encoding::from_base64(sealed),
                                                "pending-identification:" + order_number));
    PreparedIdentification prepared;
    prepared.order_number = order_number;
    prepared.officer = officer;
    prepared.officer_certificate_serial = plain.at("officer_certificate_serial").get<std::string>();
    prepared.record = plain.at("record").get<std::string>();
    prepared.record_sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(prepared.record)));
    prepared.blackened = plain.at("blackened").get<std::vector<std::string>>();
    for (const auto& page : plain.at("pages")) {
        prepared.pages.push_back(
            {document_side_from(page.at("side").get<std::string>()).value_or(DocumentSide::id_card_front),
             encoding::from_base64(page.at("jpeg").get<std::string>()), page.at("width").get<int>(),
             page.at("height").get<int>()});
    }
    return prepared;
}

std::optional<std::string> InPersonIdentifications::record_of(
    const std::string& order_number) const {
    return context_.db.with_session([&](soci::session& s) -> std::optional<std::string> {
        std::string record;
        s << "SELECT r.record FROM identification_records r JOIN orders o ON o.id = r.order_id "
             "WHERE o.order_number = :n ORDER BY r.id DESC LIMIT 1",
            soci::use(order_number), soci::into(record);
        return s.got_data() ? std::optional(record) : std::nullopt;
    });
}

void set_id_copy_retention(storage::Database& db, const config::TrustCenterConfig& config,
                           const std::string& order_number, std::int64_t certificate_not_after) {
    const long long until =
        certificate_not_after + std::int64_t(config.retention.identification.finished_years) * 365 * 86400;
    db.with_session([&](soci::session& s) {
        s << "UPDATE id_copies SET delete_after = :until WHERE order_id = (SELECT id FROM orders "
             "WHERE order_number = :n)",
            soci::use(until), soci::use(order_number);
    });
}

void InPersonIdentifications::set_retention(const std::string& order_number,
                                            std::int64_t certificate_not_after) {
    set_id_copy_retention(context_.db, context_.config, order_number, certificate_not_after);
}

int InPersonIdentifications::delete_due(std::int64_t now) {
    return retention::delete_due_id_copies(context_.db, now);
}

}  // namespace sigcard::identification
