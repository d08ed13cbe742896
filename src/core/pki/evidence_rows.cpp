#include "pki/evidence_rows.hpp"

#include "storage/database.hpp"

namespace sigcard::pki {

EvidenceRows::EvidenceRows(soci::session& s)
    : session_(s),
      insert_((s.prepare << "INSERT INTO revocation_evidence (response, produced_at) VALUES "
                            "(:response, :at) RETURNING id",
               soci::use(response_), soci::use(at_), soci::into(id_))),
      completion_((s.prepare << "UPDATE revocation_evidence SET response = :response WHERE id = :id",
                   soci::use(response_), soci::use(id_))) {}

std::int64_t EvidenceRows::reserve(std::int64_t produced_at) {
    response_.clear();
    at_ = produced_at;
    insert_.execute(true);
    storage::finish(insert_);
    return id_;
}

void EvidenceRows::complete(std::int64_t id, std::string response_b64) {
    response_ = std::move(response_b64);
    id_ = id;
    completion_.execute(true);
}

void EvidenceRows::discard(std::int64_t id) {
    const long long row = id;
    session_ << "DELETE FROM revocation_evidence WHERE id = :id", soci::use(row);
}

}  // namespace sigcard::pki
