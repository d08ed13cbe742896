#include "orders/follow_up_orders.hpp"

#include "audit/audit_log.hpp"
#include "orders/eligibility_errors.hpp"
#include "orders/order_errors.hpp"
#include "signature/cades.hpp"

#include <openssl/ocsp.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace sigcard::orders {

namespace {

constexpr std::pair<OrderState, std::string_view> kStates[] = {
    {OrderState::submitted, "submitted"},
    {OrderState::approved, "approved"},
    {OrderState::in_production, "in_production"},
    {OrderState::shipped, "shipped"},
    {OrderState::active, "active"},
    {OrderState::rejected, "rejected"},
    {OrderState::cancelled, "cancelled"},
};

constexpr const char* kOpenStates = "('submitted', 'approved', 'in_production', 'shipped')";

CertificateStanding standing_of(pki::ValidationStatus status) {
    using S = pki::ValidationStatus;
    switch (status) {
        case S::ok:
            return CertificateStanding::valid;
        case S::not_issued_by_this_ca:
        case S::unknown_to_this_ca:
            return CertificateStanding::foreign;
        case S::expired:
            return CertificateStanding::expired;
        case S::not_yet_valid:
            return CertificateStanding::not_yet_valid;
        case S::revoked:
            return CertificateStanding::revoked;
        case S::on_hold:
            return CertificateStanding::on_hold;
        case S::revocation_status_unavailable:
            return CertificateStanding::status_unavailable;
        case S::malformed:
        case S::bad_signature:
        case S::wrong_key_usage:
            return CertificateStanding::invalid;
    }
    return CertificateStanding::invalid;
}

std::int64_t not_after_of(const X509* cert) {
    return pki::to_seconds(X509_get0_notAfter(cert)).time_since_epoch().count();
}

// Order numbers holders can read out on the phone: no 0/O or 1/I/L to confuse.
std::string new_order_number(std::int64_t now) {
    static constexpr char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    const auto random = ossl::random_bytes(8);
    std::string number = "FA-" + format_utc(now).substr(0, 4) + "-";
    for (std::size_t i = 0; i < random.size(); ++i) {
        if (i == 4) {
            number += '-';
        }
        number += alphabet[random[i] % (sizeof alphabet - 1)];
    }
    return number;
}

ossl::Bytes bytes_of(const std::string& text) {
    return ossl::Bytes(text.begin(), text.end());
}

// The OCSP response for the signer's certificate at submission: the evidence that the card was
// valid and not revoked when it signed.
ossl::Bytes revocation_evidence(const pki::OcspResponder& responder, const X509* cert,
                                const X509* issuer, std::int64_t now) {
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha256(), cert, issuer);
    OCSP_request_add0_id(request.get(), id);
    const int len = i2d_OCSP_REQUEST(request.get(), nullptr);
    ossl::Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_OCSP_REQUEST(request.get(), &p);
    return responder(der, pki::Seconds(std::chrono::seconds(now)));
}

struct DraftRow {
    std::string certificate_serial;
    std::string order_data;
    std::string terms_version;
    std::string document;  // decoded bytes
    std::int64_t issued_at = 0;
    std::optional<std::int64_t> used_at;
    std::optional<std::int64_t> order_id;
};

std::optional<DraftRow> load_draft(soci::session& s, const std::string& nonce) {
    soci::row row;
    s << "SELECT certificate_serial, order_data, terms_version, document, issued_at, used_at, "
         "order_id FROM order_drafts WHERE nonce = :nonce",
        soci::use(nonce), soci::into(row);
    if (!s.got_data()) {
        return std::nullopt;
    }
    DraftRow d;
    d.certificate_serial = row.get<std::string>(0);
    d.order_data = row.get<std::string>(1);
    d.terms_version = row.get<std::string>(2);
    d.document = storage::from_base64(row.get<std::string>(3));
    d.issued_at = storage::row_int64(row, 4);
    if (row.get_indicator(5) != soci::i_null) {
        d.used_at = storage::row_int64(row, 5);
    }
    if (row.get_indicator(6) != soci::i_null) {
        d.order_id = storage::row_int64(row, 6);
    }
    return d;
}

constexpr const char* kOrderColumns =
    "id, order_number, state, card_id, new_card_id, certificate_serial, order_data, terms_version, "
    "document, document_sha256, signature, revocation_evidence, created_at, updated_at";

OrderRecord order_from(const soci::row& row) {
    OrderRecord o;
    o.id = storage::row_int64(row, 0);
    o.order_number = row.get<std::string>(1);
    o.state = order_state_from(row.get<std::string>(2)).value_or(OrderState::submitted);
    o.card_id = row.get_indicator(3) == soci::i_null ? 0 : storage::row_int64(row, 3);
    if (row.get_indicator(4) != soci::i_null) {
        o.new_card_id = storage::row_int64(row, 4);
    }
    o.certificate_serial = row.get<std::string>(5);
    o.data = order_data_from_json(nlohmann::json::parse(row.get<std::string>(6)));
    o.terms_version = row.get<std::string>(7);
    o.document = storage::from_base64(row.get<std::string>(8));
    o.document_sha256 = row.get<std::string>(9);
    o.signature = bytes_of(storage::from_base64(row.get<std::string>(10)));
    o.revocation_evidence = bytes_of(storage::from_base64(row.get<std::string>(11)));
    o.created_at = storage::row_int64(row, 12);
    o.updated_at = storage::row_int64(row, 13);
    return o;
}

std::vector<OrderEvent> load_events(soci::session& s, std::int64_t order_id) {
    std::vector<OrderEvent> events;
    const long long id = order_id;
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT at, from_state, to_state, actor, note FROM order_events "
                      "WHERE order_id = :id ORDER BY id",
         soci::use(id));
    for (const auto& row : rows) {
        OrderEvent e;
        e.at = storage::row_int64(row, 0);
        if (row.get_indicator(1) != soci::i_null) {
            e.from = order_state_from(row.get<std::string>(1));
        }
        e.to = order_state_from(row.get<std::string>(2)).value_or(OrderState::submitted);
        e.actor = row.get<std::string>(3);
        e.note = row.get<std::string>(4);
        events.push_back(std::move(e));
    }
    return events;
}

void add_event(soci::session& s, std::int64_t order_id, std::optional<OrderState> from,
               OrderState to, const std::string& actor, const std::string& note, std::int64_t at) {
    const long long id = order_id;
    const long long when = at;
    std::string from_text = from ? std::string(to_string(*from)) : "";
    soci::indicator from_ind = from ? soci::i_ok : soci::i_null;
    const std::string to_text_(to_string(to));
    s << "INSERT INTO order_events (order_id, at, from_state, to_state, actor, note) "
         "VALUES (:id, :at, :from_state, :to_state, :actor, :note)",
        soci::use(id), soci::use(when), soci::use(from_text, from_ind), soci::use(to_text_),
        soci::use(actor), soci::use(note);
}

}  // namespace

std::string_view to_string(OrderState state) {
    for (const auto& [s, text] : kStates) {
        if (s == state) {
            return text;
        }
    }
    return "submitted";
}

std::optional<OrderState> order_state_from(std::string_view text) {
    for (const auto& [s, name] : kStates) {
        if (name == text) {
            return s;
        }
    }
    return std::nullopt;
}

bool is_open(OrderState state) {
    return state == OrderState::submitted || state == OrderState::approved ||
           state == OrderState::in_production || state == OrderState::shipped;
}

InvalidOrderData::InvalidOrderData(std::vector<FieldError> fields)
    : Error(errors::invalid_input, std::to_string(fields.size()) + " field(s)"),
      fields_(std::move(fields)) {}

FollowUpOrders::FollowUpOrders(FollowUpContext context)
    : context_(context),
      submissions_(context.database),
      policy_(context.config.policy),
      terms_(context.database),
      cards_(context.database) {}

CertifiedHolder FollowUpOrders::certified_holder(const pki::HolderProfile& p,
                                                 const std::string& certificate_serial) {
    CertifiedHolder h;
    h.certificate_serial = certificate_serial;
    h.name = p.common_name();
    auto fact = [&](std::string de, std::string en, std::string value) {
        if (!value.empty()) {
            h.facts.push_back({std::move(de), std::move(en), std::move(value)});
        }
    };
    fact("Kennung des Inhabers", "Holder identifier", p.serial_number);
    if (p.admission) {
        fact("Zulassende Stelle", "Admitting authority", p.admission->authority);
        for (const auto& profession : p.admission->professions) {
            std::string items;
            for (const auto& item : profession.items) {
                items += (items.empty() ? "" : ", ") + item;
            }
            fact("Beruf", "Profession", items);
            fact("Registriernummer", "Registration number", profession.registration_number);
        }
    }
    if (p.procuration) {
        fact("Vertretungsmacht für", "Signing on behalf of", p.procuration->signing_for);
        fact("Register", "Register", p.procuration->register_number);
        fact("Art der Vertretung", "Type of representation", p.procuration->type_of_substitution);
    }
    if (p.restriction) {
        fact("Beschränkung", "Restriction", *p.restriction);
    }
    if (p.additional_information) {
        fact("Zusatzinformation", "Additional information", *p.additional_information);
    }
    if (p.limit_value) {
        std::string amount = std::to_string(p.limit_value->amount);
        if (p.limit_value->exponent > 0) {
            amount += std::string(static_cast<std::size_t>(p.limit_value->exponent), '0');
        }
        fact("Betragsgrenze", "Monetary limit", amount + " " + p.limit_value->currency);
    }
    return h;
}

EligibilityFacts FollowUpOrders::facts_for(const X509* cert,
                                           const pki::ValidationResult& validation) const {
    EligibilityFacts facts;
    facts.standing = standing_of(validation.status);
    facts.certificate_not_after = not_after_of(cert);
    const std::string serial = pki::serial_hex(cert);
    facts.card = cards_.eligibility_record(serial);
    if (facts.card) {
        context_.database.with_session([&](soci::session& s) {
            std::string number;
            soci::indicator ind = soci::i_null;
            const long long card_id = facts.card->id;
            s << std::string(
                     "SELECT order_number FROM orders WHERE card_id = :card AND state IN ") +
                     kOpenStates,
                soci::use(card_id), soci::into(number, ind);
            if (s.got_data() && ind == soci::i_ok) {
                facts.open_order_number = number;
            }
        });
    }
    return facts;
}

EligibilityReport FollowUpOrders::check(std::span<const std::uint8_t> certificate_der,
                                        std::int64_t now) const {
    EligibilityReport report;
    auto cert = ossl::x509_from_der(certificate_der);
    if (!cert) {
        report.decision.refusal = &errors::certificate_invalid;
        return report;
    }
    report.certificate_serial = pki::serial_hex(cert.get());
    report.not_after = not_after_of(cert.get());
    try {
        report.profile = pki::read_holder_profile(cert.get());
        report.holder = certified_holder(*report.profile, report.certificate_serial);
    } catch (const Error& e) {
        spdlog::info("eligibility: certificate profile unreadable: {}", e.what());
    }
    const auto validation =
        context_.validator.validate(cert.get(), pki::Seconds(std::chrono::seconds(now)));
    report.decision = policy_.decide(facts_for(cert.get(), validation), now);
    if (report.decision.eligible() && !report.profile) {
        report.decision.refusal = &errors::certificate_invalid;
    }
    return report;
}

OrderDraft FollowUpOrders::create_draft(std::span<const std::uint8_t> certificate_der,
                                        const OrderData& entered, std::int64_t now) {
    const OrderData data = normalise(entered);
    if (auto problems = validate(data); !problems.empty()) {
        throw InvalidOrderData(std::move(problems));
    }
    const auto report = check(certificate_der, now);
    if (!report.decision.eligible()) {
        throw Error(*report.decision.refusal, report.certificate_serial);
    }
    auto terms = terms_.in_force(now);
    if (!terms) {
        throw Error(errors::terms_unknown);
    }
    OrderDraft draft;
    draft.nonce = ossl::hex(ossl::random_bytes(16));
    draft.terms = *terms;
    draft.issued_at = now;
    draft.expires_at =
        now + static_cast<std::int64_t>(context_.config.policy.nonce_max_age_minutes) * 60;
    OrderDocumentInput input;
    input.trust_center = context_.config.name;
    input.holder = report.holder;
    input.data = data;
    input.terms_version = terms->version;
    input.terms_sha256 = terms->sha256;
    input.nonce = draft.nonce;
    input.created_at = now;
    draft.document = render_order_document(input);
    draft.document_sha256 = ossl::hex(ossl::sha256(ossl::as_bytes(draft.document)));

    const std::string data_json = nlohmann::json(data).dump();
    const std::string document_b64 = storage::to_base64(draft.document);
    const long long issued = now;
    context_.database.in_transaction([&](soci::session& s) {
        s << "INSERT INTO order_drafts (nonce, certificate_serial, order_data, terms_version, "
             "document, document_sha256, issued_at) VALUES (:nonce, :serial, :data, :terms, :doc, "
             ":sha, :issued)",
            soci::use(draft.nonce), soci::use(report.certificate_serial), soci::use(data_json),
            soci::use(terms->version), soci::use(document_b64), soci::use(draft.document_sha256),
            soci::use(issued);
    });
    return draft;
}

SubmittedOrder FollowUpOrders::submit(const std::string& nonce, const std::string& document,
                                      std::span<const std::uint8_t> signature_der,
                                      std::int64_t now) {
    // 1. The signature over exactly these bytes (tampered documents fail here).
    const auto verified = signature::verify_cades(ossl::as_bytes(document), signature_der);
    const X509* signer = verified.signer_certificate.get();
    const std::string signature_sha256 = ossl::hex(ossl::sha256(signature_der));

    // 2. The draft the portal issued: known, same bytes, same card, unused and fresh.
    auto& db = context_.database;
    auto draft = db.with_session([&](soci::session& s) { return load_draft(s, nonce); });
    if (!draft) {
        throw Error(errors::nonce_unknown);
    }
    if (draft->document != document) {
        throw Error(errors::document_mismatch);
    }
    if (pki::serial_hex(signer) != draft->certificate_serial ||
        X509_check_issued(const_cast<X509*>(context_.issuing_ca), const_cast<X509*>(signer)) !=
            X509_V_OK) {
        throw Error(errors::signer_mismatch);
    }
    // A draft already used: the same signature again is a retry and gets the same order; any
    // other signature for it is a replay.
    auto answer_used_draft = [&](std::int64_t order_id) -> SubmittedOrder {
        auto [number, state, stored_signature_sha, created] =
            db.with_session([&](soci::session& s) {
                std::string n, st, sig;
                long long c = 0;
                const long long id = order_id;
                s << "SELECT order_number, state, signature_sha256, created_at FROM orders WHERE "
                     "id = :id",
                    soci::use(id), soci::into(n), soci::into(st), soci::into(sig), soci::into(c);
                return std::make_tuple(n, st, sig, static_cast<std::int64_t>(c));
            });
        if (stored_signature_sha != signature_sha256) {
            throw Error(errors::nonce_replayed);
        }
        return {number, order_state_from(state).value_or(OrderState::submitted), created, true};
    };
    if (draft->used_at) {
        return answer_used_draft(draft->order_id.value_or(0));
    }
    if (now - draft->issued_at >
        static_cast<std::int64_t>(context_.config.policy.nonce_max_age_minutes) * 60) {
        throw Error(errors::nonce_expired);
    }

    // From here on a concurrent submission of the same draft may win the race, and its order
    // makes this card's order "open": every refusal below is first checked against that.
    try {
        // 3. Still valid, not revoked, still eligible — checked live at submission.
        const auto validation =
            context_.validator.validate(signer, pki::Seconds(std::chrono::seconds(now)));
        const auto facts = facts_for(signer, validation);
        const auto decision = policy_.decide(facts, now);
        if (!decision.eligible()) {
            throw Error(*decision.refusal, draft->certificate_serial);
        }
        // 4. The terms the holder reviewed are still the ones in force (R7).
        const auto terms = terms_.in_force(now);
        if (!terms || terms->version != draft->terms_version) {
            throw Error(errors::terms_outdated, draft->terms_version);
        }
        const auto evidence = revocation_evidence(context_.ocsp, signer, context_.issuing_ca, now);

        // 5. One transaction: order, event, draft used, audit. The conditional UPDATE makes a
        // concurrent second submission of the same draft lose cleanly.
        SubmittedOrder result;
        result.created_at = now;
        result.order_number = new_order_number(now);
        const std::string document_b64 = storage::to_base64(document);
        const std::string document_sha256 = ossl::hex(ossl::sha256(ossl::as_bytes(document)));
        const std::string signature_b64 =
            storage::to_base64(signature_der.data(), signature_der.size());
        const std::string evidence_b64 = storage::to_base64(evidence.data(), evidence.size());
        const long long card_id = facts.card->id;
        const long long at = now;
        const std::string state(to_string(OrderState::submitted));
        submissions_.run([&](soci::session& s) {
            long long order_id = 0;
            s << "INSERT INTO orders (order_number, kind, state, card_id, order_data, "
                 "terms_version, document, document_sha256, signature, signature_sha256, "
                 "certificate_serial, revocation_evidence, nonce, created_at, updated_at) VALUES "
                 "(:number, 'follow_up', :state, :card, :data, :terms, :doc, :doc_sha, :sig, "
                 ":sig_sha, :serial, :evidence, :nonce, :created, :updated) RETURNING id",
                soci::use(result.order_number), soci::use(state), soci::use(card_id),
                soci::use(draft->order_data), soci::use(draft->terms_version),
                soci::use(document_b64), soci::use(document_sha256), soci::use(signature_b64),
                soci::use(signature_sha256), soci::use(draft->certificate_serial),
                soci::use(evidence_b64), soci::use(nonce), soci::use(at), soci::use(at),
                soci::into(order_id);
            soci::statement mark =
                (s.prepare << "UPDATE order_drafts SET used_at = :at, order_id = :id "
                              "WHERE nonce = :nonce AND used_at IS NULL",
                 soci::use(at), soci::use(order_id), soci::use(nonce));
            mark.execute(true);
            if (mark.get_affected_rows() != 1) {
                throw Error(errors::nonce_replayed, "draft used concurrently");
            }
            add_event(s, order_id, std::nullopt, OrderState::submitted,
                      "holder:" + draft->certificate_serial, "", now);
            audit::append(s, db.dialect(), "holder:" + draft->certificate_serial, "order.submitted",
                          result.order_number,
                          nlohmann::json{{"document_sha256", document_sha256},
                                         {"signature_sha256", signature_sha256},
                                         {"terms_version", draft->terms_version},
                                         {"card_id", card_id}}
                              .dump());
        });
        return result;
    } catch (...) {
        auto again = db.with_session([&](soci::session& s) { return load_draft(s, nonce); });
        if (again && again->used_at) {
            return answer_used_draft(again->order_id.value_or(0));
        }
        throw;
    }
}

std::optional<OrderRecord> FollowUpOrders::find(const std::string& order_number) const {
    return context_.database.with_session([&](soci::session& s) -> std::optional<OrderRecord> {
        soci::row row;
        s << std::string("SELECT ") + kOrderColumns + " FROM orders WHERE order_number = :n",
            soci::use(order_number), soci::into(row);
        if (!s.got_data()) {
            return std::nullopt;
        }
        auto order = order_from(row);
        order.events = load_events(s, order.id);
        return order;
    });
}

std::optional<OrderRecord> FollowUpOrders::find_for_holder(const std::string& order_number,
                                                           const std::string& email) const {
    auto order = find(order_number);
    if (!order || email.empty()) {
        return std::nullopt;
    }
    auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return text;
    };
    if (lower(order->data.contact.email) != lower(email)) {
        return std::nullopt;
    }
    return order;
}

std::vector<OrderRecord> FollowUpOrders::list(std::optional<OrderState> state) const {
    return context_.database.with_session([&](soci::session& s) {
        std::vector<OrderRecord> out;
        const std::string filter = state ? std::string(to_string(*state)) : "";
        soci::rowset<soci::row> rows =
            (s.prepare << std::string("SELECT ") + kOrderColumns +
                              " FROM orders WHERE (:state = '' OR state = :state2) ORDER BY id",
             soci::use(filter), soci::use(filter));
        for (const auto& row : rows) {
            out.push_back(order_from(row));
        }
        return out;
    });
}

void FollowUpOrders::transition(const std::string& order_number,
                                std::initializer_list<OrderState> from, OrderState to,
                                const std::string& actor, const std::string& note, std::int64_t now,
                                std::optional<std::int64_t> new_card_id) {
    auto& db = context_.database;
    db.in_transaction([&](soci::session& s) {
        long long id = 0;
        std::string current_text;
        s << "SELECT id, state FROM orders WHERE order_number = :n", soci::use(order_number),
            soci::into(id), soci::into(current_text);
        if (!s.got_data()) {
            throw Error(errors::not_found, order_number);
        }
        const auto current = order_state_from(current_text);
        if (!current || std::find(from.begin(), from.end(), *current) == from.end()) {
            throw Error(errors::invalid_transition,
                        current_text + " -> " + std::string(to_string(to)));
        }
        const std::string to_text_(to_string(to));
        const long long at = now;
        // Conditional on the state read above: two operators cannot both move the same order.
        soci::statement update =
            (s.prepare << "UPDATE orders SET state = :to, updated_at = :at WHERE id = :id AND "
                          "state = :from",
             soci::use(to_text_), soci::use(at), soci::use(id), soci::use(current_text));
        update.execute(true);
        if (update.get_affected_rows() != 1) {
            throw Error(errors::invalid_transition, "changed concurrently");
        }
        if (new_card_id) {
            const long long card = *new_card_id;
            s << "UPDATE orders SET new_card_id = :card WHERE id = :id", soci::use(card),
                soci::use(id);
        }
        add_event(s, id, current, to, actor, note, now);
        audit::append(s, db.dialect(), actor, "order." + to_text_, order_number,
                      nlohmann::json{{"from", current_text}, {"note", note}}.dump());
    });
}

void FollowUpOrders::approve(const std::string& n, const std::string& actor, std::int64_t now) {
    transition(n, {OrderState::submitted}, OrderState::approved, actor, "", now);
}

void FollowUpOrders::reject(const std::string& n, const std::string& actor,
                            const std::string& reason, std::int64_t now) {
    transition(n, {OrderState::submitted, OrderState::approved}, OrderState::rejected, actor,
               reason, now);
}

void FollowUpOrders::cancel(const std::string& n, const std::string& actor, std::int64_t now) {
    transition(n, {OrderState::submitted, OrderState::approved}, OrderState::cancelled, actor, "",
               now);
}

void FollowUpOrders::start_production(const std::string& n, const std::string& actor,
                                      std::int64_t now) {
    transition(n, {OrderState::approved}, OrderState::in_production, actor, "", now);
}

void FollowUpOrders::mark_shipped(const std::string& n, std::int64_t new_card_id,
                                  const std::string& actor, std::int64_t now) {
    transition(n, {OrderState::in_production}, OrderState::shipped, actor, "", now, new_card_id);
}

void FollowUpOrders::mark_active(const std::string& n, const std::string& actor, std::int64_t now) {
    transition(n, {OrderState::shipped}, OrderState::active, actor, "", now);
}

}  // namespace sigcard::orders
