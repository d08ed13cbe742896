#include "orders/sql_order_store.hpp"

#include "audit/audit_log.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_errors.hpp"

#include <nlohmann/json.hpp>

namespace sigcard::orders {

namespace {

// The states of open orders as an SQL list: ('submitted', 'approved', …).
const std::string& open_states_sql() {
    static const std::string text = [] {
        std::string list;
        for (const auto state : all_states()) {
            if (is_open(state)) {
                list += (list.empty() ? "('" : ", '") + std::string(to_string(state)) + "'";
            }
        }
        return list + ")";
    }();
    return text;
}

ossl::Bytes bytes_of(const std::string& text) {
    return ossl::Bytes(text.begin(), text.end());
}

// An order with the revocation evidence it shares with the others of its group commit and the
// signed document, which is its draft's.
constexpr const char* kOrderColumns =
    "o.id, o.order_number, o.state, o.card_id, o.new_card_id, o.certificate_serial, o.order_data, "
    "o.terms_version, d.document, o.document_sha256, o.signature, e.response, o.created_at, "
    "o.updated_at, o.kind";
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
    o.kind = order_kind_from(row.get<std::string>(14)).value_or(OrderKind::follow_up);
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

// A draft by nonce, with the order that used it.
class DraftLookup {
public:
    explicit DraftLookup(soci::session& s)
        : statement_((s.prepare << "SELECT d.certificate_serial, d.order_data, d.terms_version, "
                                   "d.document_sha256, d.issued_at, o.id FROM order_drafts d LEFT "
                                   "JOIN orders o ON o.nonce = d.nonce WHERE d.nonce = :nonce",
                      soci::use(nonce_), soci::into(row_.certificate_serial),
                      soci::into(row_.order_data_json), soci::into(row_.terms_version),
                      soci::into(row_.document_sha256), soci::into(issued_at_),
                      soci::into(order_id_, order_id_ind_))) {}

    std::optional<StoredDraft> find(const std::string& nonce) {
        nonce_ = nonce;
        order_id_ind_ = soci::i_null;
        if (!statement_.execute(true)) {
            return std::nullopt;
        }
        StoredDraft d = row_;
        d.issued_at = issued_at_;
        if (order_id_ind_ == soci::i_ok) {
            d.order_id = order_id_;
        }
        storage::finish(statement_);
        return d;
    }

private:
    std::string nonce_;
    StoredDraft row_;
    long long issued_at_ = 0, order_id_ = 0;
    soci::indicator order_id_ind_ = soci::i_null;
    soci::statement statement_;
};

class OpenOrderLookup {
public:
    explicit OpenOrderLookup(soci::session& s)
        : statement_((s.prepare << "SELECT order_number FROM orders WHERE card_id = :card AND "
                                   "state IN " + open_states_sql(),
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

class SqlOrderBatch final : public OrderBatch {
public:
    explicit SqlOrderBatch(soci::session& s)
        : session_(s),
          drafts_(s),
          open_orders_(s),
          events_(s),
          insert_((s.prepare << "INSERT INTO orders (order_number, kind, state, card_id, "
                                "order_data, terms_version, document_sha256, signature, "
                                "signature_sha256, certificate_serial, evidence_id, nonce, "
                                "created_at, updated_at) VALUES (:number, :kind, 'submitted', "
                                ":card, :data, :terms, :doc_sha, :sig, :sig_sha, :serial, "
                                ":evidence, :nonce, :created, :updated) "
                                "RETURNING id",
                   soci::use(v_.number), soci::use(kind_), soci::use(card_id_),
                   soci::use(v_.order_data_json), soci::use(v_.terms_version),
                   soci::use(v_.document_sha256), soci::use(v_.signature_b64),
                   soci::use(v_.signature_sha256), soci::use(v_.certificate_serial),
                   soci::use(evidence_id_), soci::use(v_.nonce), soci::use(created_at_),
                   soci::use(created_at_), soci::into(order_id_))),
          taken_((s.prepare << "SELECT COUNT(*) FROM orders WHERE order_number = :number",
                  soci::use(lookup_number_), soci::into(found_))) {}

    std::optional<StoredDraft> draft(const std::string& nonce) override {
        return drafts_.find(nonce);
    }

    std::vector<std::uint8_t> draft_document_digest(const std::string& nonce,
                                                    int digest_nid) override {
        std::string document_b64;
        session_ << "SELECT document FROM order_drafts WHERE nonce = :nonce", soci::use(nonce),
            soci::into(document_b64);
        const EVP_MD* md = EVP_get_digestbynid(digest_nid);
        if (!session_.got_data() || md == nullptr) {
            return {};
        }
        return ossl::digest(md, ossl::as_bytes(encoding::from_base64(document_b64)));
    }

    std::optional<std::string> open_order_of_card(std::int64_t card_id) override {
        return open_orders_.find(card_id);
    }

    std::optional<UsedDraft> order_by_id(std::int64_t order_id) override {
        UsedDraft used;
        std::string state;
        long long created = 0;
        const long long id = order_id;
        session_ << "SELECT order_number, state, signature_sha256, created_at FROM orders WHERE "
                    "id = :id",
            soci::use(id), soci::into(used.order_number), soci::into(state),
            soci::into(used.signature_sha256), soci::into(created);
        if (!session_.got_data()) {
            return std::nullopt;
        }
        used.state = order_state_from(state).value_or(OrderState::submitted);
        used.created_at = created;
        return used;
    }

    bool number_taken(const std::string& number) override {
        lookup_number_ = number;
        found_ = 0;
        taken_.execute(true);
        storage::finish(taken_);
        return found_ != 0;
    }

    std::int64_t insert(const NewOrder& order) override {
        v_ = order;
        kind_ = std::string(to_string(order.kind));
        card_id_ = order.card_id;
        evidence_id_ = order.evidence_id;
        created_at_ = order.created_at;
        insert_.execute(true);
        storage::finish(insert_);
        return order_id_;
    }

    void add_event(std::int64_t order_id, std::optional<OrderState> from, OrderState to,
                   const std::string& actor, const std::string& note, std::int64_t at) override {
        events_.add(order_id, from, to, actor, note, at);
    }

private:
    soci::session& session_;
    DraftLookup drafts_;
    OpenOrderLookup open_orders_;
    EventWriter events_;
    NewOrder v_;
    std::string kind_;
    long long card_id_ = 0, evidence_id_ = 0, created_at_ = 0, order_id_ = 0;
    soci::statement insert_;
    std::string lookup_number_;
    long long found_ = 0;
    soci::statement taken_;
};

}  // namespace

void SqlDraftStore::add(const NewDraft& d) {
    const long long issued = d.issued_at;
    const std::string document_b64 = encoding::to_base64(d.document);
    db_.in_transaction([&](soci::session& s) {
        soci::indicator has_hash =
            d.revocation_password_hash.empty() ? soci::i_null : soci::i_ok;
        s << "INSERT INTO order_drafts (nonce, certificate_serial, order_data, terms_version, "
             "document, document_sha256, issued_at, revocation_password_hash) VALUES (:nonce, "
             ":serial, :data, :terms, :doc, :sha, :issued, :hash)",
            soci::use(d.nonce), soci::use(d.certificate_serial), soci::use(d.order_data_json),
            soci::use(d.terms_version), soci::use(document_b64), soci::use(d.document_sha256),
            soci::use(issued), soci::use(d.revocation_password_hash, has_hash);
    });
}

std::int64_t SqlDraftStore::unsigned_since(const std::string& certificate_serial,
                                           std::int64_t since) const {
    return db_.with_session([&](soci::session& s) {
        long long count = 0;
        const long long from = since;
        s << "SELECT COUNT(*) FROM order_drafts d WHERE d.certificate_serial = :serial AND "
             "d.issued_at >= :since AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.nonce = "
             "d.nonce)",
            soci::use(certificate_serial), soci::use(from), soci::into(count);
        return static_cast<std::int64_t>(count);
    });
}

std::int64_t SqlDraftStore::purge_unsigned(std::int64_t before) {
    return db_.in_transaction([&](soci::session& s) {
        const long long until = before;
        soci::statement purge =
            (s.prepare << "DELETE FROM order_drafts WHERE issued_at < :before AND NOT EXISTS "
                          "(SELECT 1 FROM orders o WHERE o.nonce = order_drafts.nonce)",
             soci::use(until));
        purge.execute(true);
        return static_cast<std::int64_t>(purge.get_affected_rows());
    });
}

std::optional<OrderRecord> SqlOrderStore::find(const std::string& order_number) const {
    return db_.with_session([&](soci::session& s) -> std::optional<OrderRecord> {
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

std::vector<OrderRecord> SqlOrderStore::list(std::optional<OrderState> state) const {
    return db_.with_session([&](soci::session& s) {
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

std::vector<std::pair<OrderState, std::int64_t>> SqlOrderStore::count_by_state() const {
    return db_.with_session([&](soci::session& s) {
        std::vector<std::pair<OrderState, std::int64_t>> counts;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT state, COUNT(*) FROM orders GROUP BY state");
        for (const auto& row : rows) {
            if (auto state = order_state_from(row.get<std::string>(0))) {
                counts.emplace_back(*state, storage::row_int64(row, 1));
            }
        }
        return counts;
    });
}

std::optional<std::string> SqlOrderStore::open_order_of_card(std::int64_t card_id) const {
    return db_.with_session([&](soci::session& s) { return OpenOrderLookup(s).find(card_id); });
}

void SqlOrderStore::apply(const Transition& t) {
    db_.in_transaction([&](soci::session& s) { apply_transition(s, db_.dialect(), t); });
}

void SqlOrderStore::attach_new_card(const std::string& order_number, std::int64_t card_id) {
    db_.in_transaction([&](soci::session& s) {
        const long long card = card_id;
        soci::statement attach =
            (s.prepare << "UPDATE orders SET new_card_id = :card WHERE order_number = :n AND "
                          "state = 'in_production' AND new_card_id IS NULL",
             soci::use(card), soci::use(order_number));
        attach.execute(true);
        if (attach.get_affected_rows() != 1) {
            throw Error(errors::invalid_transition, order_number + ": no card to attach");
        }
    });
}

void apply_transition(soci::session& s, storage::Dialect dialect, const Transition& t) {
    const StepRule& rule = *t.rule;
    long long id = 0;
    std::string current_text;
    s << "SELECT id, state FROM orders WHERE order_number = :n", soci::use(t.order_number),
        soci::into(id), soci::into(current_text);
    if (!s.got_data()) {
        throw Error(errors::not_found, t.order_number);
    }
    const auto current = order_state_from(current_text);
    const std::string to_text(to_string(rule.to));
    if (!current || !allows(rule, *current)) {
        throw Error(errors::invalid_transition, current_text + " -> " + to_text);
    }
    const long long at = t.at;
    // Conditional on the state read above: two operators cannot both move the same order.
    soci::statement update =
        (s.prepare << "UPDATE orders SET state = :to, updated_at = :at WHERE id = :id AND "
                      "state = :from",
         soci::use(to_text), soci::use(at), soci::use(id), soci::use(current_text));
    update.execute(true);
    if (update.get_affected_rows() != 1) {
        throw Error(errors::invalid_transition, "changed concurrently");
    }
    if (t.new_card_id) {
        const long long card = *t.new_card_id;
        s << "UPDATE orders SET new_card_id = :card WHERE id = :id", soci::use(card),
            soci::use(id);
    }
    // The order moves to another queue: whoever worked on it is done.
    s << "DELETE FROM order_claims WHERE order_id = :id", soci::use(id);
    EventWriter(s).add(id, current, rule.to, t.actor, t.note, t.at);
    audit::append(s, dialect, t.actor, "order." + to_text, t.order_number,
                  nlohmann::json{{"from", current_text}, {"note", t.note}}.dump());
}

std::unique_ptr<OrderBatch> prepare_order_batch(soci::session& session) {
    return std::make_unique<SqlOrderBatch>(session);
}

}  // namespace sigcard::orders
