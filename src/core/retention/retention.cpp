#include "retention/retention.hpp"

#include "audit/audit_log.hpp"
#include "new_order/application.hpp"
#include "orders/order_data.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <functional>
#include <string_view>

namespace sigcard::retention {

namespace {

using json = nlohmann::json;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kYear = 365 * kDay;

// A new order's application document with the application left empty (its shape kept, so the
// order's pages and lookups still read it): numbers, terms, price and dates stay.
std::string without_application(const std::string& document) {
    json j = json::parse(document, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return document;
    }
    j["application"] = new_order::Application{};
    j["personal_data_deleted"] = true;
    return j.dump();
}

void blank_application(soci::session& s, long long order_id) {
    std::string document;
    s << "SELECT document FROM new_order_applications WHERE order_id = :id", soci::use(order_id),
        soci::into(document);
    if (s.got_data()) {
        const std::string blanked = without_application(document);
        s << "UPDATE new_order_applications SET document = :d WHERE order_id = :id",
            soci::use(blanked), soci::use(order_id);
    }
}

// What deleting one class of one order's records does: the content blanked, the rows kept.
void erase_entered_data(soci::session& s, long long order_id) {
    const std::string empty = json(orders::OrderData{}).dump();
    s << "UPDATE orders SET order_data = :d WHERE id = :id", soci::use(empty), soci::use(order_id);
    s << "UPDATE order_drafts SET order_data = :d, revocation_password_hash = NULL WHERE nonce = "
         "(SELECT nonce FROM orders WHERE id = :id)",
        soci::use(empty), soci::use(order_id);
    s << "UPDATE new_order_applications SET revocation_password_hash = '' WHERE order_id = :id",
        soci::use(order_id);
    // An application never identified was never signed: it is entered data only.
    long long identified = 0;
    s << "SELECT COUNT(*) FROM order_events WHERE order_id = :id AND to_state = 'identified'",
        soci::use(order_id), soci::into(identified);
    if (identified == 0) {
        blank_application(s, order_id);
    }
}

void erase_proofs(soci::session& s, long long order_id) {
    s << "DELETE FROM order_proofs WHERE order_id = :id", soci::use(order_id);
}

void erase_postident_results(soci::session& s, long long order_id) {
    s << "UPDATE postident_results SET sealed = '', review_state = CASE review_state WHEN 'open' "
         "THEN '' ELSE review_state END WHERE order_id = :id",
        soci::use(order_id);
}

void erase_mails(soci::session& s, long long order_id) {
    s << "UPDATE order_mails SET last_error = '' WHERE order_id = :id", soci::use(order_id);
}

void erase_identification(soci::session& s, long long order_id, long long at) {
    s << "UPDATE identification_records SET record = '', signature = '' WHERE order_id = :id",
        soci::use(order_id);
    s << "UPDATE id_copies SET wrapped_key = '', sealed = '', deleted_at = :at WHERE order_id = "
         ":id AND deleted_at IS NULL",
        soci::use(at), soci::use(order_id);
    s << "DELETE FROM pending_identifications WHERE order_number = (SELECT order_number FROM "
         "orders WHERE id = :id)",
        soci::use(order_id);
}

void erase_signed_order(soci::session& s, long long order_id) {
    s << "UPDATE order_drafts SET document = '' WHERE nonce = (SELECT nonce FROM orders WHERE id "
         "= :id)",
        soci::use(order_id);
    s << "UPDATE orders SET signature = '' WHERE id = :id", soci::use(order_id);
    blank_application(s, order_id);
}

struct RecordClass {
    std::string_view name;
    const config::RetentionPeriod* period;
    std::function<void(soci::session&, long long order_id, long long at)> erase;
};

struct Due {
    long long order_id;
    std::string order_number;
};

std::vector<Due> due_orders(soci::session& s, std::string_view record_class, bool finished,
                            long long cutoff, int limit) {
    const std::string name(record_class);
    const std::string query =
        finished
            ? "SELECT o.id, o.order_number FROM orders o JOIN cards k ON k.id = o.new_card_id "
              "JOIN certificates c ON c.serial = k.certificate_serial WHERE c.not_after <= :cutoff "
              "AND NOT EXISTS (SELECT 1 FROM retention_deletions d WHERE d.order_id = o.id AND "
              "d.record_class = :class) ORDER BY o.id LIMIT " + std::to_string(limit)
            : "SELECT o.id, o.order_number FROM orders o WHERE o.state IN ('rejected', "
              "'cancelled', 'expired') AND o.updated_at <= :cutoff AND NOT EXISTS (SELECT 1 FROM "
              "retention_deletions d WHERE d.order_id = o.id AND d.record_class = :class) ORDER "
              "BY o.id LIMIT " + std::to_string(limit);
    std::vector<Due> due;
    soci::rowset<soci::row> rows = (s.prepare << query, soci::use(cutoff), soci::use(name));
    for (const auto& row : rows) {
        due.push_back({storage::row_int64(row, 0), row.get<std::string>(1)});
    }
    return due;
}

std::vector<Deletion> delete_id_copies(storage::Database& db, std::int64_t now) {
    const auto dialect = db.dialect();
    return db.in_transaction([&](soci::session& s) {
        const long long at = now;
        std::vector<std::pair<long long, std::string>> due;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT c.id, o.order_number FROM id_copies c JOIN orders o ON o.id = "
                          "c.order_id WHERE c.deleted_at IS NULL AND c.delete_after IS NOT NULL "
                          "AND c.delete_after <= :now",
             soci::use(at));
        for (const auto& row : rows) {
            due.emplace_back(storage::row_int64(row, 0), row.get<std::string>(1));
        }
        std::vector<Deletion> done;
        for (const auto& [id, number] : due) {
            s << "UPDATE id_copies SET wrapped_key = '', sealed = '', deleted_at = :at WHERE id = "
                 ":id",
                soci::use(at), soci::use(id);
            audit::append(s, dialect, "system", "id_copy.deleted", number,
                          json{{"id_copy", id}, {"reason", "retention period over"}}.dump());
            done.push_back({number, "identification", "id_copy_period"});
        }
        return done;
    });
}

}  // namespace

std::vector<StoredDeletion> deletions_of(storage::Database& db, const std::string& order_number) {
    return db.with_session([&](soci::session& s) {
        std::vector<StoredDeletion> out;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT d.record_class, d.reason, d.deleted_at FROM retention_deletions d "
                          "JOIN orders o ON o.id = d.order_id WHERE o.order_number = :n ORDER BY "
                          "d.deleted_at, d.record_class",
             soci::use(order_number));
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<std::string>(1),
                           storage::row_int64(row, 2)});
        }
        return out;
    });
}

int delete_due_id_copies(storage::Database& db, std::int64_t now) {
    return int(delete_id_copies(db, now).size());
}

std::vector<Deletion> RecordKeeper::delete_due(std::int64_t now, int limit) {
    const auto& r = schedule_;
    const std::vector<RecordClass> classes{
        {"entered_data", &r.entered_data, [](auto& s, long long id, long long) { erase_entered_data(s, id); }},
        {"proofs", &r.proofs, [](auto& s, long long id, long long) { erase_proofs(s, id); }},
        {"postident_results", &r.postident_results,
         [](auto& s, long long id, long long) { erase_postident_results(s, id); }},
        {"mails", &r.mails, [](auto& s, long long id, long long) { erase_mails(s, id); }},
        {"identification", &r.identification, erase_identification},
        {"signed_order", &r.signed_order,
         [](auto& s, long long id, long long) { erase_signed_order(s, id); }},
    };
    const auto dialect = db_.dialect();
    const long long at = now;
    std::vector<Deletion> done = delete_id_copies(db_, now);
    for (const auto& c : classes) {
        for (const bool finished : {false, true}) {
            const long long cutoff =
                finished ? now - c.period->finished_years * kYear : now - c.period->ended_days * kDay;
            const std::string reason = finished ? "finished" : "ended";
            const auto due = db_.with_session(
                [&](soci::session& s) { return due_orders(s, c.name, finished, cutoff, limit); });
            for (const auto& order : due) {
                const std::string name(c.name);
                const bool deleted = db_.in_transaction([&](soci::session& s) {
                    // Another instance may have deleted it meanwhile: the row decides.
                    soci::statement claim =
                        (s.prepare << "INSERT INTO retention_deletions (order_id, record_class, "
                                      "reason, deleted_at) VALUES (:id, :class, :reason, :at) ON "
                                      "CONFLICT DO NOTHING",
                         soci::use(order.order_id), soci::use(name), soci::use(reason),
                         soci::use(at));
                    claim.execute(true);
                    if (claim.get_affected_rows() != 1) {
                        return false;
                    }
                    c.erase(s, order.order_id, at);
                    audit::append(s, dialect, "system", "retention.deleted", order.order_number,
                                  json{{"record_class", name}, {"reason", reason}}.dump());
                    return true;
                });
                if (deleted) {
                    done.push_back({order.order_number, name, reason});
                }
            }
        }
    }
    // PostIdent results that never named an order: the identity the post office read, of someone
    // who has no order here.
    const long long unmatched_cutoff = now - r.postident_results.ended_days * kDay;
    db_.in_transaction([&](soci::session& s) {
        std::vector<std::pair<long long, std::string>> results;
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, case_id FROM postident_results WHERE order_id IS NULL AND "
                          "sealed <> '' AND received_at <= :cutoff ORDER BY id LIMIT " +
                              std::to_string(limit),
             soci::use(unmatched_cutoff));
        for (const auto& row : rows) {
            results.emplace_back(storage::row_int64(row, 0), row.get<std::string>(1));
        }
        for (const auto& [id, case_id] : results) {
            s << "UPDATE postident_results SET sealed = '' WHERE id = :id", soci::use(id);
            audit::append(s, dialect, "system", "retention.deleted", "postident:" + case_id,
                          json{{"record_class", "postident_results"}, {"reason", "unmatched"}}.dump());
            done.push_back({"postident:" + case_id, "postident_results", "unmatched"});
        }
    });
    return done;
}

}  // namespace sigcard::retention
