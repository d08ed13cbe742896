// The rows of revocation evidence (table revocation_evidence) as a writer keeps them: one OCSP
// response for all orders of a batch, reserved first so that the orders can name it and filled
// in before the commit. Statements prepared once on the writer's session.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>

namespace sigcard::pki {

class EvidenceRows {
public:
    explicit EvidenceRows(soci::session& s);
    std::int64_t reserve(std::int64_t produced_at);
    void complete(std::int64_t id, std::string response_b64);
    void discard(std::int64_t id);

private:
    soci::session& session_;
    std::string response_;
    long long at_ = 0, id_ = 0;
    soci::statement insert_, completion_;
};

}  // namespace sigcard::pki
