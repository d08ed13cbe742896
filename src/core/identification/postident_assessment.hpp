// What a PostIdent result means for a new order: accepted on its own only when the identification
// succeeded, our billing number is on it, every identity value is `match` and equals the order's
// (names compared after Unicode normalisation, NFC), and the document stays valid long enough;
// declined when the post office declined; anything else goes to a person, with the order's and
// the post office's values side by side; still waiting while the case is under way.
#pragma once

#include "identification/postident_case.hpp"
#include "new_order/application.hpp"

#include <string>
#include <vector>

namespace sigcard::identification {

enum class Verdict { accepted, review, declined, waiting };

// One identity value: what the order says, what the post office read, and its status there.
struct Comparison {
    std::string field;  // the application's field name, e.g. "person.surname"
    std::string ordered;
    std::string identified;
    std::string status;  // new | match | change, or "missing"
    bool agrees = false;
};

struct Assessment {
    Verdict verdict = Verdict::waiting;
    // Why it is not accepted: billing_number, suspected_fraud, review_pending, declined,
    // conflicting_results, values_differ, id_expires_soon.
    std::vector<std::string> reasons;
    std::string declined_reason;          // the post office's, for the applicant
    std::vector<Comparison> comparisons;  // of the identification decided on
};

struct AssessmentRules {
    std::string billing_number;
    int min_id_validity_days = 28;
    std::string today;  // YYYY-MM-DD
};

Assessment assess(const PostIdentCase& result, const new_order::Application& order,
                  const AssessmentRules& rules);

// ISO 3166-1 alpha-3 of an alpha-2 code ("DE" → "DEU"); empty when unknown.
std::string alpha3_of(const std::string& alpha2);

}  // namespace sigcard::identification
