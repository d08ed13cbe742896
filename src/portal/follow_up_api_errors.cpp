#include "portal/follow_up_api_errors.hpp"

#include "orders/order_errors.hpp"

namespace sigcard::portal {

MalformedRequest::MalformedRequest(std::string field, std::string detail)
    : http::HttpError(orders::errors::malformed_request, 400, std::move(detail)),
      field_(std::move(field)) {}

void set_follow_up_error_statuses(http::ErrorStatusTable& table) {
    // Eligibility refusals: the card may not do this (R1–R6).
    table.set("eligibility.", 403);
    table.set("eligibility.open_order_exists", 409);
    // Not the holder's fault: the status could not be established now; try again.
    table.set("eligibility.revocation_status_unavailable", 503);
    // The storage took nothing (disk full, I/O error): not confirmed, send again later.
    table.set("storage.unavailable", 503);
    // Entered data the holder can correct.
    table.set("field.", 422);
    table.set("order.invalid_input", 422);
    table.set("order.declaration_missing", 422);
    table.set("order.terms_not_accepted", 422);
    // The order process's state moved on (nonce used or expired, terms changed, …): conflicts.
    table.set("order.", 409);
    table.set("order.not_found", 404);
    // The signed document or its signer is not the one the draft was made for.
    table.set("order.document_mismatch", 422);
    table.set("order.signer_mismatch", 422);
    table.set("order.terms_unknown", 503);
    table.set("order.too_many_drafts", 429);
    table.set("terms.version_not_found", 404);
    // A signature that cannot be read is a bad request; one that can but is wrong is refused.
    table.set("signature.", 422);
    table.set("signature.malformed", 400);
    table.set("request.malformed", 400);
    table.set("request.unsupported_media_type", 415);
}

}  // namespace sigcard::portal
