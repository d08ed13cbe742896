#include "new_order/new_orders.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "encoding/encoding.hpp"
#include "new_order/new_order_errors.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_number.hpp"
#include "orders/revocation_password.hpp"
#include "orders/terms.hpp"

#include <openssl/crypto.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace sigcard::new_order {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;
constexpr std::string_view kLinkPurpose = "new-order-documents";

std::string proof_context(const std::string& order_number, const std::string& attribute) {
    return "order-proof:" + order_number + ":" + attribute;
}

std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The proofs named in the application: each upload checked, each field error collected.
std::vector<AcceptedProof> accept_uploads(Application& application,
                                          std::vector<ProofUpload>& uploads,
                                          std::size_t max_bytes,
                                          std::vector<orders::FieldError>& errors) {
    std::vector<AcceptedProof> accepted;
    for (auto& upload : uploads) {
        ProofChoice* proof = proof_of(application, upload.attribute);
        if (proof == nullptr || proof->confirmed_directly || upload.content.empty()) {
            continue;  // not asked for, or confirmed directly: the file is not kept
        }
        try {
            accepted.push_back(accept_proof(upload.attribute, std::move(upload.content), max_bytes));
            proof->upload_sha256 = accepted.back().sha256;
        } catch (const Error& e) {
            errors.push_back({"certificate." + upload.attribute + ".proof", &e.code()});
        }
    }
    return accepted;
}

struct Stored {
    std::string number;
    std::string reference;
    std::int64_t created_at = 0;
    std::int64_t deadline = 0;
    std::string sha256;
};

std::optional<Stored> stored_by_key(soci::session& s, const std::string& key) {
    Stored found;
    long long created = 0;
    long long deadline = 0;
    s << "SELECT o.order_number, a.postident_reference, o.created_at, "
         "a.identification_deadline, o.document_sha256 FROM orders o JOIN "
         "new_order_applications a ON a.order_id = o.id WHERE o.nonce = :key",
        soci::use(key), soci::into(found.number), soci::into(found.reference),
        soci::into(created), soci::into(deadline), soci::into(found.sha256);
    if (!s.got_data()) {
        return std::nullopt;
    }
    found.created_at = created;
    found.deadline = deadline;
    return found;
}

bool taken(soci::session& s, const char* query, const std::string& value) {
    long long count = 0;
    s << query, soci::use(value), soci::into(count);
    return count > 0;
}

}  // namespace

std::string postident_reference(std::span<const std::uint8_t, 10> random) {
    static constexpr char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    std::string reference = "SC";
    for (const auto byte : random) {
        reference += alphabet[byte % (sizeof alphabet - 1)];
    }
    return reference;
}

orders::Price NewOrders::price() const {
    return {context_.config.prices.new_order_net_cents, context_.config.prices.vat_percent};
}

CheckedApplication check_application(SubmittedApplication& submitted,
                                     const config::TrustCenterConfig& config, std::int64_t now) {
    auto application = normalise(std::move(submitted.application));
    application.order.name_and_attributes_unchanged = false;
    std::vector<orders::FieldError> errors;
    auto proofs = accept_uploads(application, submitted.uploads,
                                 static_cast<std::size_t>(config.new_order.max_proof_bytes), errors);
    for (auto& e : validate(application, config.new_order, config.registration_offices,
                            iso_date(now))) {
        // An upload refused above already names its proof field.
        if (std::none_of(errors.begin(), errors.end(),
                         [&](const orders::FieldError& f) { return f.field == e.field; })) {
            errors.push_back(std::move(e));
        }
    }
    for (auto& e : orders::validate_revocation_password(submitted.revocation_password,
                                                        submitted.revocation_password_repeat)) {
        errors.push_back(std::move(e));
    }
    if (!errors.empty()) {
        throw orders::InvalidOrderData(std::move(errors));
    }
    return {std::move(application), std::move(proofs)};
}

PlacedNewOrder NewOrders::submit(SubmittedApplication submitted, std::int64_t now) {
    const auto& config = context_.config;
    auto checked = check_application(submitted, config, now);
    auto& application = checked.application;
    auto& proofs = checked.proofs;
    const auto terms = orders::TermsCatalogue(context_.db).in_force(now);
    if (!terms) {
        throw Error(orders::errors::terms_unknown);
    }
    const auto password_hash = orders::hash_revocation_password(submitted.revocation_password);
    const std::string key = submitted.submission_key.empty()
                                ? encoding::hex(ossl::random_bytes(16))
                                : "new:" + submitted.submission_key;
    const auto deadline = now + config.new_order.identification_valid_days * kDay;
    const auto cost = price();

    return context_.db.in_transaction([&](soci::session& s) {
        if (auto existing = stored_by_key(s, key)) {
            return PlacedNewOrder{existing->number, existing->reference, existing->created_at,
                                  existing->deadline, existing->sha256, true};
        }
        std::string number;
        do {
            const auto random = ossl::random_bytes(4);
            number = orders::new_order_number(now, unix_ms(), std::span(random).first<4>(), "NA");
        } while (taken(s, "SELECT COUNT(*) FROM orders WHERE order_number = :v", number));
        std::string reference;
        do {
            const auto random = ossl::random_bytes(10);
            reference = postident_reference(std::span(random).first<10>());
        } while (taken(s,
                       "SELECT COUNT(*) FROM new_order_applications WHERE postident_reference = :v",
                       reference));
        nlohmann::json document{{"kind", "new"},
                                {"order_number", number},
                                {"postident_reference", reference},
                                {"application", application},
                                {"terms", {{"version", terms->version}, {"sha256", terms->sha256}}},
                                {"price",
                                 {{"net_cents", cost.net_cents},
                                  {"vat_percent", cost.vat_percent},
                                  {"gross_cents", cost.gross_cents()}}},
                                {"created_at", now},
                                {"identification_deadline", deadline}};
        const std::string text = document.dump();
        const std::string sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(text)));
        const std::string data_json = nlohmann::json(application.order).dump();
        const std::string kind = "new";
        const std::string state(to_string(orders::OrderState::awaiting_identification));
        const long long at = now;
        s << "INSERT INTO orders (order_number, kind, state, card_id, order_data, terms_version, "
             "document_sha256, signature, signature_sha256, certificate_serial, nonce, "
             "created_at, updated_at) VALUES (:number, :kind, :state, NULL, :data, :terms, "
             ":sha, '', '', '', :nonce, :created, :updated)",
            soci::use(number), soci::use(kind), soci::use(state), soci::use(data_json),
            soci::use(terms->version), soci::use(sha256), soci::use(key), soci::use(at),
            soci::use(at);
        long long order_id = 0;
        s << "SELECT id FROM orders WHERE order_number = :number", soci::use(number),
            soci::into(order_id);
        const long long deadline_at = deadline;
        s << "INSERT INTO new_order_applications (order_id, postident_reference, "
             "identification_method, registration_office, document, revocation_password_hash, "
             "identification_deadline) VALUES (:id, :reference, :method, :office, :document, "
             ":hash, :deadline)",
            soci::use(order_id), soci::use(reference), soci::use(application.identification.method),
            soci::use(application.identification.office), soci::use(text),
            soci::use(password_hash), soci::use(deadline_at);
        for (const auto& proof : proofs) {
            const std::string sealed = encoding::to_base64(
                context_.data_key.seal(proof.content, proof_context(number, proof.attribute)));
            const long long size = static_cast<long long>(proof.content.size());
            s << "INSERT INTO order_proofs (order_id, attribute, media_type, size, sha256, sealed) "
                 "VALUES (:id, :attribute, :type, :size, :sha, :sealed)",
                soci::use(order_id), soci::use(proof.attribute), soci::use(proof.media_type),
                soci::use(size), soci::use(proof.sha256), soci::use(sealed);
        }
        const std::string actor = "applicant";
        const std::string note = "applied online";
        s << "INSERT INTO order_events (order_id, at, from_state, to_state, actor, note) VALUES "
             "(:id, :at, NULL, :to, :actor, :note)",
            soci::use(order_id), soci::use(at), soci::use(state), soci::use(actor),
            soci::use(note);
        audit::append(s, context_.db.dialect(), actor, "order." + state, number,
                      nlohmann::json{{"kind", kind}, {"document_sha256", sha256}}.dump());
        spdlog::info("new order {} placed, awaiting identification", number);
        return PlacedNewOrder{number, reference, now, deadline, sha256, false};
    });
}

std::optional<StoredNewOrder> NewOrders::find(const std::string& order_number) const {
    auto order = context_.book.find(order_number);
    if (!order || order->kind != orders::OrderKind::new_order) {
        return std::nullopt;
    }
    StoredNewOrder stored;
    long long deadline = 0;
    const long long id = order->id;
    context_.db.with_session([&](soci::session& s) {
        s << "SELECT postident_reference, document, identification_deadline FROM "
             "new_order_applications WHERE order_id = :id",
            soci::use(id), soci::into(stored.postident_reference), soci::into(stored.document),
            soci::into(deadline);
    });
    const auto document = nlohmann::json::parse(stored.document);
    stored.application = application_from_json(document.at("application"));
    stored.terms_version = document.at("terms").at("version").get<std::string>();
    stored.terms_sha256 = document.at("terms").at("sha256").get<std::string>();
    stored.price = {document.at("price").at("net_cents").get<std::int64_t>(),
                    document.at("price").at("vat_percent").get<int>()};
    stored.deadline = deadline;
    stored.order = std::move(*order);
    return stored;
}

std::string NewOrders::document_secret(const std::string& order_number) const {
    return context_.data_key.mac(kLinkPurpose, order_number).substr(0, 32);
}

bool NewOrders::document_secret_matches(const std::string& order_number,
                                        std::string_view secret) const {
    const auto expected = document_secret(order_number);
    return secret.size() == expected.size() &&
           CRYPTO_memcmp(secret.data(), expected.data(), expected.size()) == 0;
}

void NewOrders::cancel_by_applicant(const std::string& order_number, std::int64_t now) {
    context_.book.cancel_by_holder(order_number, now);
}

std::vector<std::string> NewOrders::expire_overdue(std::int64_t now) {
    std::vector<std::string> due;
    context_.db.with_session([&](soci::session& s) {
        const long long at = now;
        const std::string state(to_string(orders::OrderState::awaiting_identification));
        soci::rowset<std::string> rows =
            (s.prepare << "SELECT o.order_number FROM orders o JOIN new_order_applications a ON "
                          "a.order_id = o.id WHERE o.state = :state AND "
                          "a.identification_deadline <= :now ORDER BY a.identification_deadline",
             soci::use(state), soci::use(at));
        due.assign(rows.begin(), rows.end());
    });
    std::vector<std::string> expired;
    for (const auto& number : due) {
        try {
            context_.book.expire(number, "not identified by the deadline", now);
            expired.push_back(number);
        } catch (const Error& e) {
            // Identified or cancelled meanwhile, or expired by another instance.
            spdlog::info("order {} not expired: {}", number, e.id());
        }
    }
    return expired;
}

std::optional<AcceptedProof> NewOrders::proof(const std::string& order_number,
                                              const std::string& attribute) const {
    AcceptedProof proof;
    std::string sealed;
    const bool found = context_.db.with_session([&](soci::session& s) {
        s << "SELECT p.media_type, p.sha256, p.sealed FROM order_proofs p JOIN orders o ON "
             "o.id = p.order_id WHERE o.order_number = :number AND p.attribute = :attribute",
            soci::use(order_number), soci::use(attribute), soci::into(proof.media_type),
            soci::into(proof.sha256), soci::into(sealed);
        return s.got_data();
    });
    if (!found) {
        return std::nullopt;
    }
    proof.attribute = attribute;
    proof.content = context_.data_key.open(encoding::from_base64(sealed),
                                           proof_context(order_number, attribute));
    return proof;
}

}  // namespace sigcard::new_order
