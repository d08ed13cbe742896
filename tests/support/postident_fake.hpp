// FAKE: the post office. Deutsche Post's PostIdent cannot run here, so the tests write the result
// documents it would return for a case, in its result API's shape, from the application the
// applicant placed: every value `match` unless a test changes it.
#pragma once

#include "new_order/application.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace sigcard::testing {

class FakePostOffice {
public:
    // A closed case with one successful identification of `application`'s person and document.
    static nlohmann::json success(const std::string& reference,
                                  const new_order::Application& application,
                                  const std::string& billing_number,
                                  const std::string& nationality_alpha3 = "DEU") {
        const auto& p = application.person;
        const auto& d = application.id_document;
        const auto match = [](const std::string& value) {
            return nlohmann::json{{"status", "match"}, {"value", value}};
        };
        nlohmann::json document{
            {"type", match("IDCARD")},
            {"number", match(d.number)},
            {"firstName", match(p.given_names)},
            {"lastName", match(p.surname)},
            {"birthDate", match(p.birth_date)},
            {"birthPlace", match(p.birth_place)},
            {"nationality", match(nationality_alpha3)},
            {"address",
             {{"streetAddress", match(p.address.street)},
              {"postalCode", match(p.address.postal_code)},
              {"city", match(p.address.city)},
              {"country", match("DEU")}}},
            {"dateIssued", match(d.issued_on)},
            {"dateOfExpiry", match(d.expires_on)},
            {"authority", match(d.authority)},
            {"placeOfIssue", match(p.address.city)},
            {"countryOfDocument", match("DEU")},
        };
        if (!p.birth_name.empty()) {
            document["birthName"] = match(p.birth_name);
        }
        return {{"caseId", "CASE-" + reference},
                {"caseStatus",
                 {{"status", "closed"},
                  {"archived", false},
                  {"validUntil", "2027-06-30T00:00:00Z"},
                  {"created", "2026-12-01T09:00:00Z"},
                  {"modified", "2026-12-02T10:15:00Z"}}},
                {"orderData", {{"processData", {{"referenceId", reference}}}}},
                {"identifications",
                 nlohmann::json::array({{{"identificationMethod", "basic"},
                                         {"identificationStatus",
                                          {{"status", "success"},
                                           {"subStatus", "completed"},
                                           {"identificationTime", "2026-12-02T10:14:00Z"},
                                           {"created", "2026-12-02T10:00:00Z"},
                                           {"modified", "2026-12-02T10:15:00Z"}}},
                                         {"identificationDocument", document}}})},
                {"accountingData",
                 {{"accountingNumber", billing_number}, {"accountingProduct", "POSTIDENT"}}}};
    }
};

}  // namespace sigcard::testing
