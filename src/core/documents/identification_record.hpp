// The printed identification record of an identification in person (R12): the document as the
// registration officer checked it and compared with the order, the ID copy's pages and what was
// blacked out, and — in bold — the officer's confirmation that the ID document stayed in the
// applicant's hands and the copy was made in their presence; with the record's SHA-256, which
// the officer's card signed. Made from the stored, signed record only.
#pragma once

#include "documents/order_confirmation.hpp"

#include <string>

namespace sigcard::documents {

// `record`: the canonical JSON as signed. Returns the PDF's bytes.
std::string render_identification_record(const std::string& record, Language language);

}  // namespace sigcard::documents
