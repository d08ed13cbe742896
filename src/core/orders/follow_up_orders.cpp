#include "orders/follow_up_orders.hpp"

#include "audit/audit_log.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "orders/eligibility_errors.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_number.hpp"
#include "signature/cades.hpp"

#include <openssl/ocsp.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

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
    return ossl::to_seconds(X509_get0_notAfter(cert)).time_since_epoch().count();
}

std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

ossl::Bytes bytes_of(const std::string& text) {
    return ossl::Bytes(text.begin(), text.end());
}

struct DraftRow {
    std::string certificate_serial;
    std::string order_data;
    std::string terms_version;
    std::string document_sha256;  // of the rendered bytes
    std::int64_t issued_at = 0;
    std::optional<std::int64_t> order_id;  // set once an order used the draft
};

// A draft by nonce, with the order that used it, as one statement prepared once per session.
class DraftLookup {
public:
    explicit DraftLookup(soci::session& s)
        : statement_((s.prepare << "SELECT d.certificate_serial, d.order_data, d.terms_version, "
                                   "d.document_sha256, d.issued_at, o.id FROM order_drafts d LEFT "
                                   "JOIN orders o ON o.nonce = d.nonce WHERE d.nonce = :nonce",
                      soci::use(nonce_), soci::into(row_.certificate_serial),
                      soci::into(row_.order_data), soci::into(row_.terms_version),
                      soci::into(row_.document_sha256), soci::into(issued_at_),
                      soci::into(order_id_, order_id_ind_))) {}

    std::optional<DraftRow> find(const std::string& nonce) {
        nonce_ = nonce;
        order_id_ind_ = soci::i_null;
        if (!statement_.execute(true)) {
            return std::nullopt;
        }
        DraftRow d = row_;
        d.issued_at = issued_at_;
        if (order_id_ind_ == soci::i_ok) {
            d.order_id = order_id_;
        }
        storage::finish(statement_);
        return d;
    }

private:
    std::string nonce_;
    DraftRow row_;
    long long issued_at_ = 0, order_id_ = 0;
    soci::indicator order_id_ind_ = soci::i_null;
    soci::statement statement_;
};

// The open follow-up order of a card, as one statement prepared once per session.
class OpenOrderLookup {
public:
    explicit OpenOrderLookup(soci::session& s)
        : statement_((s.prepare << std::string("SELECT order_number FROM orders WHERE card_id = "
                                               ":card AND state IN ") +
                                       kOpenStates,
                      soci::use(card_id_), soci::into(number_, number_ind_))) {}

    std::optional<std::string> find(std::int64_t card_id) {
        card_id_ = card_id;
        number_ind_ = soci::i_null;
        if (!statement_.execute(true)) {
            return std::nullopt;
        }
        std::optional<std::string> number;
        if (number_ind_ == soci::i_ok) {
            number = number_;
        }
        storage::finish(statement_);
        return number;
    }

private:
    long long card_id_ = 0;
    std::string number_;
    soci::indicator number_ind_ = soci::i_null;
    soci::statement statement_;
};

EligibilityFacts facts_of(const X509* cert, const pki::ValidationResult& validation,
                          cards::CardRegister::EligibilityLookup& cards, OpenOrderLookup& open) {
    EligibilityFacts facts;
    facts.standing = standing_of(validation.status);
    facts.certificate_not_after = not_after_of(cert);
    facts.card = cards.find(ossl::serial_hex(cert));
    if (facts.card) {
        facts.open_order_number = open.find(facts.card->id);
    }
    return facts;
}

// An order's state history, one row per change.
class EventWriter {
public:
    explicit EventWriter(soci::session& s)
        : statement_((s.prepare << "INSERT INTO order_events (order_id, at, from_state, "
                                   "to_state, actor, note) VALUES (:id, :at, :from_state, "
                                   ":to_state, :actor, :note)",
                      soci::use(order_id_), soci::use(at_), soci::use(from_, from_ind_),
                      soci::use(to_), soci::use(actor_), soci::use(note_))) {}

    void add(std::int64_t order_id, std::optional<OrderState> from, OrderState to,
             const std::string& actor, const std::string& note, std::int64_t at) {
        order_id_ = order_id;
        at_ = at;
        from_ = from ? std::string(to_string(*from)) : "";
        from_ind_ = from ? soci::i_ok : soci::i_null;
        to_ = std::string(to_string(to));
        actor_ = actor;
        note_ = note;
        statement_.execute(true);
    }

private:
    long long order_id_ = 0, at_ = 0;
    std::string from_, to_, actor_, note_;
    soci::indicator from_ind_ = soci::i_null;
    soci::statement statement_;
};

// A used draft's order: the same signature again is a retry and gets that order; any other
// signature for the draft is a replay.
SubmittedOrder answer_used_draft(soci::session& s, std::int64_t order_id,
                                 const std::string& signature_sha256) {
    std::string number, state, stored_signature_sha;
    long long created = 0;
    const long long id = order_id;
    s << "SELECT order_number, state, signature_sha256, created_at FROM orders WHERE id = :id",
        soci::use(id), soci::into(number), soci::into(state), soci::into(stored_signature_sha),
        soci::into(created);
    if (!s.got_data() || stored_signature_sha != signature_sha256) {
        throw Error(errors::nonce_replayed);
    }
    return {number, order_state_from(state).value_or(OrderState::submitted), created, true};
}

// A new order with everything it is stored with, as one statement prepared once per session.
class OrderWriter {
public:
    struct Values {
        std::string number, state, order_data, terms_version, document_sha256, signature_b64,
            signature_sha256, certificate_serial, nonce;
        long long card_id = 0, evidence_id = 0, created_at = 0;
    };

    explicit OrderWriter(soci::session& s)
        : insert_((s.prepare << "INSERT INTO orders (order_number, kind, state, card_id, "
                                "order_data, terms_version, document_sha256, signature, "
                                "signature_sha256, certificate_serial, evidence_id, nonce, "
                                "created_at, updated_at) VALUES (:number, 'follow_up', :state, "
                                ":card, :data, :terms, :doc_sha, :sig, :sig_sha, :serial, "
                                ":evidence, :nonce, :created, :updated) "
                                "RETURNING id",
                   soci::use(v_.number), soci::use(v_.state), soci::use(v_.card_id),
                   soci::use(v_.order_data), soci::use(v_.terms_version),
                   soci::use(v_.document_sha256), soci::use(v_.signature_b64),
                   soci::use(v_.signature_sha256), soci::use(v_.certificate_serial),
                   soci::use(v_.evidence_id), soci::use(v_.nonce), soci::use(v_.created_at),
                   soci::use(v_.created_at), soci::into(order_id_))),
          taken_((s.prepare << "SELECT COUNT(*) FROM orders WHERE order_number = :number",
                  soci::use(lookup_number_), soci::into(found_))) {}

    // Whether an order already has this number (numbers are unique).
    bool taken(const std::string& number) {
        lookup_number_ = number;
        found_ = 0;
        taken_.execute(true);
        storage::finish(taken_);
        return found_ != 0;
    }

    // The draft's nonce is unique among orders: a second order for one draft fails here.
    std::int64_t insert(Values values) {
        v_ = std::move(values);
        insert_.execute(true);
        storage::finish(insert_);
        return order_id_;
    }

private:
    Values v_;
    long long order_id_ = 0;
    soci::statement insert_;
    std::string lookup_number_;
    long long found_ = 0;
    soci::statement taken_;
};

// One holder's submission on its way through the group commit.
struct Submission final : storage::GroupCommit::Work {
    // Established on the submitting thread.
    std::string nonce;
    std::string document_sha256;  // of the signed document; empty when only signed_digest is known
    ossl::Bytes signed_digest;    // the signed message digest by digest_nid, when not SHA-256
    int digest_nid = 0;
    std::string signature_b64;
    std::string signature_sha256;
    ossl::X509Ptr signer;
    std::string signer_serial;
    bool issued_by_this_ca = false;
    pki::ValidationResult validation;  // all but the status from the store
    bool store_status_pending = false;
    std::int64_t now = 0;
    FollowUpOrders::SubmissionDone done;

    // Established in the writer's transaction.
    std::optional<DraftRow> draft;
    std::optional<pki::CertificateRecord> record;
    std::int64_t card_id = 0;
    std::optional<SubmittedOrder> order;
    std::exception_ptr refusal;

    bool pending() const { return !order && !refusal; }

    void settle(std::exception_ptr failure) noexcept override {
        try {
            if (failure) {
                done(std::nullopt, failure);
            } else if (refusal) {
                done(std::nullopt, refusal);
            } else {
                done(order, nullptr);
            }
        } catch (const std::exception& e) {
            spdlog::error("order submission: completion failed: {}", e.what());
        }
    }
};

// An order with the revocation evidence it shares with the others of its group commit and the
// signed document, which is its draft's.
constexpr const char* kOrderColumns =
    "o.id, o.order_number, o.state, o.card_id, o.new_card_id, o.certificate_serial, o.order_data, "
    "o.terms_version, d.document, o.document_sha256, o.signature, e.response, o.created_at, "
    "o.updated_at";
constexpr const char* kOrdersWithEvidence =
    " FROM orders o LEFT JOIN revocation_evidence e ON e.id = o.evidence_id "
    "LEFT JOIN order_drafts d ON d.nonce = o.nonce ";

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
    if (row.get_indicator(8) != soci::i_null) {
        o.document = encoding::from_base64(row.get<std::string>(8));
    }
    o.document_sha256 = row.get<std::string>(9);
    o.signature = bytes_of(encoding::from_base64(row.get<std::string>(10)));
    if (row.get_indicator(11) != soci::i_null) {
        o.revocation_evidence = bytes_of(encoding::from_base64(row.get<std::string>(11)));
    }
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

EligibilityRefused::EligibilityRefused(EligibilityDecision decision, std::string certificate_serial)
    : Error(*decision.refusal, std::move(certificate_serial)), decision_(std::move(decision)) {}

// The thread that makes a batch's revocation evidence while the writer stores its orders: one
// thread for the writer's lifetime (a thread per batch costs more than the signature: OpenSSL
// sets up its random generators anew in every thread).
class EvidenceThread {
public:
    EvidenceThread() : thread_([this] { run(); }) {}
    ~EvidenceThread() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    EvidenceThread(const EvidenceThread&) = delete;
    EvidenceThread& operator=(const EvidenceThread&) = delete;

    std::future<ossl::Bytes> start(std::function<ossl::Bytes()> make) {
        std::packaged_task<ossl::Bytes()> task(std::move(make));
        auto result = task.get_future();
        {
            std::lock_guard lock(mutex_);
            task_ = std::move(task);
        }
        wake_.notify_one();
        return result;
    }

private:
    void run() {
        ::pthread_setname_np(::pthread_self(), "sigcard-ocsp");
        for (;;) {
            std::packaged_task<ossl::Bytes()> task;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || task_.valid(); });
                if (!task_.valid()) {
                    return;
                }
                task = std::move(task_);
            }
            task();  // its result or exception goes to the future
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::packaged_task<ossl::Bytes()> task_;
    bool stopping_ = false;
    std::thread thread_;
};

// Waits for a future when leaving a scope, also by an exception: the task may use what the
// scope owns.
struct AwaitOnExit {
    std::future<ossl::Bytes>& future;
    ~AwaitOnExit() {
        if (future.valid()) {
            future.wait();
        }
    }
};

// Prepared once per writer session instead of once per batch (preparing was a seventh of the
// writer's time): lookups and inserts of store_submissions().
struct FollowUpOrders::WriterStatements {
    // Constructed inside a transaction: the appender reads (locks) the audit head.
    WriterStatements(soci::session& s, storage::Dialect dialect)
        : session(&s),
          audit(s, dialect),
          drafts(s),
          certificates(s),
          cards(s),
          open_orders(s),
          terms(s),
          orders(s),
          events(s),
          savepoint(s.prepare << "SAVEPOINT submission"),
          release(s.prepare << "RELEASE SAVEPOINT submission"),
          rollback(s.prepare << "ROLLBACK TO SAVEPOINT submission"),
          evidence((s.prepare << "INSERT INTO revocation_evidence (response, produced_at) VALUES "
                                 "(:response, :at) RETURNING id",
                    soci::use(evidence_response), soci::use(evidence_at), soci::into(evidence_id))),
          evidence_completion(
              (s.prepare << "UPDATE revocation_evidence SET response = :response WHERE id = :id",
               soci::use(evidence_response), soci::use(evidence_id))) {}

    // The digest of a draft's document by another algorithm than the SHA-256 kept with it.
    ossl::Bytes draft_document_digest(const std::string& nonce, int digest_nid) {
        std::string document_b64;
        *session << "SELECT document FROM order_drafts WHERE nonce = :nonce", soci::use(nonce),
            soci::into(document_b64);
        const EVP_MD* md = EVP_get_digestbynid(digest_nid);
        if (!session->got_data() || md == nullptr) {
            return {};
        }
        return ossl::digest(md, ossl::as_bytes(encoding::from_base64(document_b64)));
    }

    long long insert_evidence(std::string response, std::int64_t at) {
        evidence_response = std::move(response);
        evidence_at = at;
        evidence.execute(true);
        storage::finish(evidence);
        return evidence_id;
    }

    void complete_evidence(long long id, std::string response) {
        evidence_response = std::move(response);
        evidence_id = id;
        evidence_completion.execute(true);
    }

    soci::session* session;
    audit::Appender audit;
    DraftLookup drafts;
    pki::CertificateStore::Lookup certificates;
    cards::CardRegister::EligibilityLookup cards;
    OpenOrderLookup open_orders;
    TermsCatalogue::VersionLookup terms;
    OrderWriter orders;
    EventWriter events;
    soci::statement savepoint, release, rollback;
    std::string evidence_response;
    long long evidence_at = 0, evidence_id = 0;
    soci::statement evidence, evidence_completion;
    EvidenceThread evidence_thread;
};

FollowUpOrders::~FollowUpOrders() = default;

FollowUpOrders::FollowUpOrders(FollowUpContext context)
    : context_(context),
      policy_(context.config.policy),
      terms_(context.database),
      cards_(context.database),
      submissions_(context.database, [this](soci::session& s, storage::GroupCommit::Batch& b) {
          store_submissions(s, b);
      }) {}

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
    return context_.database.with_session([&](soci::session& s) {
        cards::CardRegister::EligibilityLookup cards(s);
        OpenOrderLookup open(s);
        return facts_of(cert, validation, cards, open);
    });
}

namespace {

// A draft's nonce: the time in microseconds (8 bytes, big-endian), then 16 random bytes, as
// hex. The random part makes it unguessable and unique; the time in front makes nonces of one
// period sort together, so the orders' unique index on them grows at its end instead of writing
// a page at a random place for every order.
std::string new_nonce() {
    const auto micros =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    ossl::Bytes bytes(8);
    for (int i = 0; i < 8; ++i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(micros >> (56 - 8 * i));
    }
    const auto random = ossl::random_bytes(16);
    bytes.insert(bytes.end(), random.begin(), random.end());
    return encoding::hex(bytes);
}

}  // namespace

ossl::X509Ptr FollowUpOrders::parsed_certificate(std::span<const std::uint8_t> der) const {
    if (auto known = context_.validator.verified_certificate(der)) {
        return known;
    }
    return ossl::x509_from_der(der);
}

EligibilityReport FollowUpOrders::check(std::span<const std::uint8_t> certificate_der,
                                        std::int64_t now) const {
    EligibilityReport report;
    auto cert = parsed_certificate(certificate_der);
    if (!cert) {
        report.decision.refusal = &errors::certificate_invalid;
        return report;
    }
    report.certificate_serial = ossl::serial_hex(cert.get());
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
                                        const OrderData& entered, std::int64_t now,
                                        const std::string& revocation_password_hash) {
    const OrderData data = normalise(entered);
    if (auto problems = validate(data); !problems.empty()) {
        throw InvalidOrderData(std::move(problems));
    }
    const auto report = check(certificate_der, now);
    if (!report.decision.eligible()) {
        throw EligibilityRefused(report.decision, report.certificate_serial);
    }
    auto terms = terms_.in_force(now);
    if (!terms) {
        throw Error(errors::terms_unknown);
    }
    OrderDraft draft;
    draft.nonce = new_nonce();
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
    input.price = {context_.config.prices.follow_up_net_cents,
                   context_.config.prices.vat_percent};
    input.nonce = draft.nonce;
    input.created_at = now;
    draft.document = render_order_document(input);
    draft.document_sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(draft.document)));

    const std::string data_json = nlohmann::json(data).dump();
    const std::string document_b64 = encoding::to_base64(draft.document);
    const long long issued = now;
    context_.database.in_transaction([&](soci::session& s) {
        soci::indicator has_hash = revocation_password_hash.empty() ? soci::i_null : soci::i_ok;
        s << "INSERT INTO order_drafts (nonce, certificate_serial, order_data, terms_version, "
             "document, document_sha256, issued_at, revocation_password_hash) VALUES (:nonce, "
             ":serial, :data, :terms, :doc, :sha, :issued, :hash)",
            soci::use(draft.nonce), soci::use(report.certificate_serial), soci::use(data_json),
            soci::use(terms->version), soci::use(document_b64), soci::use(draft.document_sha256),
            soci::use(issued), soci::use(revocation_password_hash, has_hash);
    });
    return draft;
}

SubmittedOrder FollowUpOrders::submit(const std::string& nonce, const std::string& document,
                                      std::span<const std::uint8_t> signature_der,
                                      std::int64_t now) {
    // Shared with the group commit's thread, which may still be inside set_value when get()
    // returns.
    auto answer = std::make_shared<std::promise<SubmittedOrder>>();
    auto future = answer->get_future();
    submit_async(nonce, document, signature_der, now,
                 [answer](std::optional<SubmittedOrder> order, std::exception_ptr error) {
                     if (error) {
                         answer->set_exception(error);
                     } else {
                         answer->set_value(*order);
                     }
                 });
    return future.get();
}

void FollowUpOrders::submit_async(const std::string& nonce,
                                  std::optional<std::string_view> document,
                                  std::span<const std::uint8_t> signature_der, std::int64_t now,
                                  SubmissionDone done) {
    // 1. The signature over exactly these bytes (tampered documents fail here), and what can be
    // known of the signer's certificate without the database. The CPU-heavy part of a
    // submission runs here, on the caller's thread, in parallel with other submissions.
    const auto parser = [this](std::span<const std::uint8_t> der) {
        return parsed_certificate(der);
    };
    auto verified =
        document ? signature::verify_cades(ossl::as_bytes(*document), signature_der, {}, parser)
                 : signature::verify_cades_without_content(signature_der, {}, parser);
    auto work = std::make_unique<Submission>();
    work->nonce = nonce;
    work->now = now;
    work->signer = std::move(verified.signer_certificate);
    const X509* signer = work->signer.get();
    work->signer_serial = ossl::serial_hex(signer);
    work->issued_by_this_ca = X509_check_issued(const_cast<X509*>(context_.issuing_ca),
                                                const_cast<X509*>(signer)) == X509_V_OK;
    if (work->issued_by_this_ca) {
        work->validation = context_.validator.validate_before_status(
            signer, pki::Seconds(std::chrono::seconds(now)), work->store_status_pending);
    }
    work->signature_sha256 = encoding::hex(ossl::sha256(signature_der));
    work->signature_b64 = encoding::to_base64(signature_der.data(), signature_der.size());
    // The signed digest is the document's (verify_cades compared them when it was sent): with
    // SHA-256 it is the hash the draft keeps, so the document is not hashed again.
    if (verified.digest_nid == NID_sha256) {
        work->document_sha256 = encoding::hex(verified.message_digest);
    } else if (document) {
        work->document_sha256 = encoding::hex(ossl::sha256(ossl::as_bytes(*document)));
    } else {
        // Signed with another digest: the writer hashes the draft's document that way.
        work->signed_digest = std::move(verified.message_digest);
        work->digest_nid = verified.digest_nid;
    }
    work->done = std::move(done);
    // 2.–5. in the next group commit: store_submissions().
    submissions_.enqueue(std::move(work));
}

void FollowUpOrders::store_submissions(soci::session& s, storage::GroupCommit::Batch& batch) {
    // First: on PostgreSQL the audit head is locked, so batches of several portal instances
    // take turns and each sees what the one before committed.
    if (!writer_statements_ || writer_statements_->session != &s) {
        writer_statements_ = std::make_unique<WriterStatements>(s, context_.database.dialect());
    } else {
        writer_statements_->audit.restart();
    }
    try {
        store_submissions(s, *writer_statements_, batch);
    } catch (...) {
        writer_statements_.reset();  // the batch failed: prepare afresh next time
        throw;
    }
}

void FollowUpOrders::store_submissions(soci::session& s, WriterStatements& statements,
                                       storage::GroupCommit::Batch& batch) {
    auto& audit = statements.audit;
    auto& drafts = statements.drafts;
    auto& certificates = statements.certificates;
    auto& cards = statements.cards;
    auto& open_orders = statements.open_orders;
    // The version only: the check compares versions, the terms' text need not be read.
    std::optional<std::pair<std::int64_t, std::optional<std::string>>> terms;  // per second
    auto terms_in_force = [&](std::int64_t at) -> const std::optional<std::string>& {
        if (!terms || terms->first != at) {
            terms.emplace(at, statements.terms.in_force(at));
        }
        return terms->second;
    };
    const auto nonce_max_age =
        static_cast<std::int64_t>(context_.config.policy.nonce_max_age_minutes) * 60;

    // 2.–4. Every check, in the transaction that will store the orders: what is checked is
    // what is stored.
    std::vector<Submission*> accepted;
    std::vector<pki::OcspResponder::Attestation> attestations;
    for (auto& w : batch) {
        auto& sub = static_cast<Submission&>(*w);
        try {
            // 2. The draft the portal issued: known, same bytes, same card, unused and fresh.
            sub.draft = drafts.find(sub.nonce);
            if (!sub.draft) {
                throw Error(errors::nonce_unknown);
            }
            if (sub.document_sha256.empty() &&
                statements.draft_document_digest(sub.nonce, sub.digest_nid) == sub.signed_digest) {
                sub.document_sha256 = sub.draft->document_sha256;
            }
            if (sub.draft->document_sha256 != sub.document_sha256) {
                throw Error(errors::document_mismatch);
            }
            if (sub.signer_serial != sub.draft->certificate_serial || !sub.issued_by_this_ca) {
                throw Error(errors::signer_mismatch);
            }
            if (sub.draft->order_id) {
                sub.order = answer_used_draft(s, *sub.draft->order_id, sub.signature_sha256);
                continue;
            }
            if (sub.now - sub.draft->issued_at > nonce_max_age) {
                throw Error(errors::nonce_expired);
            }
            // 3. Still valid, not revoked, still eligible — the status as stored right now.
            sub.record = certificates.find(sub.signer_serial);
            auto validation = sub.validation;
            if (sub.store_status_pending) {
                validation = pki::PathValidator::status_from_record(sub.signer.get(), sub.record);
            }
            const auto facts = facts_of(sub.signer.get(), validation, cards, open_orders);
            const auto decision = policy_.decide(facts, sub.now);
            if (!decision.eligible()) {
                throw EligibilityRefused(decision, sub.draft->certificate_serial);
            }
            // 4. The terms the holder reviewed are still the ones in force (R7).
            const auto& in_force = terms_in_force(sub.now);
            if (!in_force || *in_force != sub.draft->terms_version) {
                throw Error(errors::terms_outdated, sub.draft->terms_version);
            }
            sub.card_id = facts.card->id;
            accepted.push_back(&sub);
            attestations.push_back({sub.signer.get(), &*sub.record});
        } catch (...) {
            sub.refusal = std::current_exception();
        }
    }
    if (accepted.empty()) {
        return;
    }

    // The revocation evidence of all accepted orders: one OCSP response, one HSM signature. It
    // is made on another thread while this one stores the orders (the writer is the serial part
    // of a busy portal); its row is reserved first, so that the orders can name it, and filled
    // in before the commit. A failure to attest fails the whole batch, as it would here.
    const std::int64_t produced_at = unix_now();
    const long long evidence_id = statements.insert_evidence("", produced_at);
    auto evidence = statements.evidence_thread.start([&] {
        return context_.ocsp.attest(attestations, pki::Seconds(std::chrono::seconds(produced_at)));
    });
    const AwaitOnExit await_evidence{evidence};

    // 5. Each order in its own savepoint: order, draft used, event, audit record.
    auto& orders = statements.orders;
    auto& events = statements.events;
    auto& savepoint = statements.savepoint;
    auto& release = statements.release;
    const std::string submitted(to_string(OrderState::submitted));
    std::size_t stored = 0;
    const auto order_number_randomness = ossl::random_bytes(4 * accepted.size());
    std::size_t attempt = 0;  // each order its own 4 bytes, also after a failed one
    const std::int64_t numbered_at = unix_now_ms();
    for (Submission* sub : accepted) {
        savepoint.execute(true);
        auto chain_end = audit.position();
        try {
            OrderWriter::Values v;
            v.number = new_order_number(
                sub->now, numbered_at,
                std::span(order_number_randomness).subspan(4 * attempt++).first<4>());
            for (int draw = 0; orders.taken(v.number); ++draw) {
                if (draw == 16) {
                    throw std::runtime_error("no free order number");
                }
                const auto fresh = ossl::random_bytes(4);
                v.number = new_order_number(sub->now, numbered_at, std::span(fresh).first<4>());
            }
            v.state = submitted;
            v.card_id = sub->card_id;
            v.order_data = sub->draft->order_data;
            v.terms_version = sub->draft->terms_version;
            v.document_sha256 = sub->document_sha256;
            v.signature_b64 = sub->signature_b64;
            v.signature_sha256 = sub->signature_sha256;
            v.certificate_serial = sub->draft->certificate_serial;
            v.evidence_id = evidence_id;
            v.nonce = sub->nonce;
            v.created_at = sub->now;
            const std::string actor = "holder:" + sub->draft->certificate_serial;
            const auto order_id = orders.insert(v);
            events.add(order_id, std::nullopt, OrderState::submitted, actor, "", sub->now);
            audit.append(actor, "order.submitted", v.number,
                         nlohmann::json{{"document_sha256", v.document_sha256},
                                        {"signature_sha256", v.signature_sha256},
                                        {"terms_version", v.terms_version},
                                        {"card_id", v.card_id},
                                        {"revocation_evidence_id", evidence_id}}
                             .dump());
            release.execute(true);
            sub->order = SubmittedOrder{v.number, OrderState::submitted, sub->now, false};
            ++stored;
        } catch (...) {
            const auto failure = std::current_exception();
            statements.rollback.execute(true);
            release.execute(true);
            audit.rewind(std::move(chain_end));
            // Lost to another submission in this batch: the same draft (a retry or a replay),
            // or another draft of the same card (whose order is now open).
            try {
                const auto again = drafts.find(sub->nonce);
                if (again && again->order_id) {
                    sub->order = answer_used_draft(s, *again->order_id, sub->signature_sha256);
                } else if (auto open = open_orders.find(sub->card_id)) {
                    EligibilityDecision refused;
                    refused.refusal = &errors::open_order_exists;
                    refused.open_order_number = std::move(open);
                    throw EligibilityRefused(std::move(refused), sub->draft->certificate_serial);
                } else {
                    std::rethrow_exception(failure);
                }
            } catch (...) {
                sub->refusal = std::current_exception();
            }
        }
    }
    const auto response = evidence.get();
    if (stored == 0) {
        // Every order of the batch lost to an earlier one in it: keep no evidence for nothing.
        s << "DELETE FROM revocation_evidence WHERE id = :id", soci::use(evidence_id);
    } else {
        statements.complete_evidence(evidence_id,
                                     encoding::to_base64(response.data(), response.size()));
    }
    audit.finish();
}

std::optional<OrderRecord> FollowUpOrders::find(const std::string& order_number) const {
    return context_.database.with_session([&](soci::session& s) -> std::optional<OrderRecord> {
        soci::row row;
        s << std::string("SELECT ") + kOrderColumns + kOrdersWithEvidence +
                 "WHERE o.order_number = :n",
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
            (s.prepare << std::string("SELECT ") + kOrderColumns + kOrdersWithEvidence +
                              "WHERE (:state = '' OR o.state = :state2) ORDER BY o.id",
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
        EventWriter(s).add(id, current, to, actor, note, now);
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

void FollowUpOrders::cancel_by_holder(const std::string& n, std::int64_t now) {
    transition(n, {OrderState::submitted}, OrderState::cancelled, "holder",
               "cancelled by the holder", now);
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
