// A PostIdent result as Deutsche Post returns it for one identification case (its result API's
// JSON; the same documents come as files in a ZIP from its result portal or by SFTP): the case,
// our reference, each identification with its status and the document the post office read,
// every document value with its status (new | match | change). Unknown extra fields are ignored;
// a document that lacks a required value or has a value of the wrong type is refused whole.
#pragma once

#include "common/error.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::identification {

namespace errors {
inline constexpr ErrorCode malformed_result{
    "postident.malformed_result",
    "Das PostIdent-Ergebnis ist nicht lesbar oder unvollständig; es wurde nichts davon übernommen.",
    "The PostIdent result cannot be read or is incomplete; nothing of it was taken over."};
}  // namespace errors

// A value the post office read from the document, and whether it matches what it was sent.
struct CheckedValue {
    std::string status;  // new | match | change; empty when the value is absent
    std::string value;
    bool present() const { return !status.empty(); }
};

struct CheckedAddress {
    CheckedValue street_address, appendix, postal_code, city, country;
};

struct IdentificationDocument {
    CheckedValue type, number, first_name, last_name, birth_name, birth_date, birth_place,
        nationality, date_issued, date_of_expiry, authority, place_of_issue, country_of_document;
    CheckedAddress address;
};

struct Identification {
    std::string method;  // basic | video | eid | photo | autoid
    std::string status;  // started | coupon requested | incomplete | review pending | declined | success
    std::string sub_status;
    std::string sub_status_reason;  // e.g. suspected fraud
    std::string identification_time;
    std::string created;
    std::string modified;
    std::optional<IdentificationDocument> document;
};

struct PostIdentCase {
    std::string case_id;
    std::string case_status;  // new | in progress | closed
    bool archived = false;
    std::string reference_id;  // our PostIdent reference
    std::vector<Identification> identifications;
    std::string accounting_number;  // our billing number, as the post office booked it
    std::string accounting_product;
};

// Throws Error(postident.malformed_result) naming the field at fault (never its value).
PostIdentCase parse_postident_case(std::string_view json);
// The same from a document already parsed (a discarded value is "not a JSON object").
PostIdentCase postident_case_from(const nlohmann::json& root);

}  // namespace sigcard::identification
