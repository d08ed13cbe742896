// PostIdent results taken in (R13): each case document read, matched to its new order by the
// PostIdent reference, assessed (postident_assessment.hpp) and stored sealed — all of one import
// in one transaction, so a file that is not valid leaves nothing of the import behind. An
// accepted result identifies the order; one that needs a person puts the order in review with
// both values side by side; a declined one also tells the applicant (a mail). The same case
// twice changes nothing; a result for a reference no order has is kept aside and listed.
#pragma once

#include "config/trust_center_config.hpp"
#include "identification/postident_assessment.hpp"
#include "new_order/new_orders.hpp"
#include "new_order/proofs.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sigcard::identification {

namespace errors {
inline constexpr ErrorCode review_not_open{
    "postident.review_not_open",
    "Für diesen Auftrag ist keine Prüfung eines Identifizierungsergebnisses offen.",
    "No identification result of this order is waiting for review."};
inline constexpr ErrorCode review_reason_missing{
    "postident.review_reason_missing",
    "Eine Ablehnung braucht eine Begründung, die dem Antragsteller mitgeteilt wird.",
    "A rejection needs a reason, which the applicant is told."};
}  // namespace errors

// One document to take in: its name (a file's, a ZIP entry's, or "push") and its bytes.
struct ResultDocument {
    std::string name;
    std::string content;
};

// What became of one document.
enum class Outcome {
    identified,    // accepted: the order is identified
    in_review,     // a person decides (the order waits in review)
    declined,      // the post office declined: in review, and the applicant is told
    waiting,       // the case is still under way; stored, nothing changes
    duplicate,     // the same case was taken in before: nothing changed
    unmatched,     // no order has the reference: kept aside, listed
    order_closed,  // the order is finished (cancelled, expired, …): stored, nothing changes
    confirmed,     // the order was identified already and this agrees with it
};
std::string_view to_string(Outcome outcome);

struct ImportedResult {
    std::string name;
    std::string case_id;
    std::string reference;
    std::string order_number;  // empty when unmatched
    Outcome outcome = Outcome::waiting;
    std::vector<std::string> reasons;
};

// A source of result documents, read one after another inside the import's transaction (a
// folder or a ZIP need not fit in memory at once). Throws to refuse the whole import.
using ResultSource = std::function<void(const std::function<void(ResultDocument)>& take)>;

// A result that waits for a reviewer, with the order's and the post office's values.
struct ReviewItem {
    std::int64_t result_id = 0;
    std::string order_number;
    std::string case_id;
    std::string reference;
    std::string verdict;
    std::vector<std::string> reasons;
    std::string declined_reason;
    std::int64_t received_at = 0;
    std::vector<Comparison> comparisons;
};

struct UnmatchedResult {
    std::int64_t result_id = 0;
    std::string case_id;
    std::string reference;
    std::string source;
    std::int64_t received_at = 0;
};

// What a reviewer decides about an order in review.
enum class ReviewDecision {
    identify,        // the identification stands: → identified
    identify_again,  // the applicant is to be identified anew: → awaiting_identification
    reject,          // the order is rejected, with a reason the applicant is told
};

struct PostIdentContext {
    const config::TrustCenterConfig& config;
    storage::Database& db;
    const new_order::DataKey& data_key;
};

class PostIdentResults {
public:
    explicit PostIdentResults(PostIdentContext context) : context_(context) {}

    // Every document of `source` in one transaction. Throws Error(postident.malformed_result)
    // with the document's name and the field at fault when one is not valid — then nothing of the
    // import is stored.
    std::vector<ImportedResult> import(const ResultSource& source, std::int64_t now);
    std::vector<ImportedResult> import(std::vector<ResultDocument> documents, std::int64_t now);

    // Oldest first.
    std::vector<ReviewItem> review_queue(std::int64_t now) const;
    std::vector<UnmatchedResult> unmatched() const;

    // Closes the order's open reviews and takes the step. Throws postident.review_not_open,
    // postident.review_reason_missing, order.invalid_transition.
    void decide(const std::string& order_number, ReviewDecision decision, const std::string& actor,
                const std::string& reason, std::int64_t now);

    // The post office's reason for the last declined identification of an order (for the mail).
    std::optional<std::string> declined_reason(const std::string& order_number) const;

private:
    PostIdentContext context_;
};

}  // namespace sigcard::identification
