// Retention: the personal data of an order is deleted class by class on the schedule of
// [retention] in sigcard.toml — for an order that ended without a card (rejected, cancelled,
// expired) some days after it ended, for an order a card was made for some years after the
// certificate expired. A deletion blanks the content and keeps the row (numbers, states, hashes:
// what was there and when it went); each is one transaction with its audit record and its row in
// retention_deletions, so two instances delete it once. PostIdent results that never matched an
// order go the same number of days after they arrived.
#pragma once

#include "config/trust_center_config.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sigcard::retention {

struct Deletion {
    std::string subject;       // the order number, or "postident:<case id>" for an unmatched result
    std::string record_class;  // as named in [retention]
    std::string reason;        // ended | finished | unmatched
};

// ID copies whose own period is over (delete_after, set at production from the certificate's
// expiry): the pages' content goes, the row stays as the record that there was a copy. Returns
// how many pages.
int delete_due_id_copies(storage::Database& db, std::int64_t now);

// What was deleted of an order, oldest first.
struct StoredDeletion {
    std::string record_class;
    std::string reason;
    std::int64_t deleted_at = 0;
};
std::vector<StoredDeletion> deletions_of(storage::Database& db, const std::string& order_number);

class RecordKeeper {
public:
    RecordKeeper(storage::Database& db, const config::Retention& schedule)
        : db_(db), schedule_(schedule) {}

    // Deletes what is due at `now`, at most `limit` orders per class and run (the rest next run),
    // the ID copies due by their own period included.
    std::vector<Deletion> delete_due(std::int64_t now, int limit = 500);

private:
    storage::Database& db_;
    const config::Retention& schedule_;
};

}  // namespace sigcard::retention
