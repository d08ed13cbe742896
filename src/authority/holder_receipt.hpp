// The holder confirms receipt with the new card itself: a short statement about exactly this
// order and this certificate, signed by the new card's key. The card's certificate is on hold
// until then; it is accepted for this statement about its own order and for nothing else. The
// signature proves the card arrived; the hold is released at once.
#pragma once

#include "authority/follow_up_production.hpp"
#include "common/error.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace sigcard::authority {

namespace errors {
inline constexpr ErrorCode receipt_signature_invalid{
    "receipt.signature_invalid",
    "Die Empfangsbestätigung ist nicht gültig signiert. Es wurde nichts freigeschaltet.",
    "The confirmation of receipt is not validly signed. Nothing was activated."};
inline constexpr ErrorCode receipt_wrong_card{
    "receipt.wrong_card",
    "Die Empfangsbestätigung wurde nicht mit der neuen Karte dieses Auftrags signiert. Bitte "
    "verwenden Sie die neue Karte. Es wurde nichts freigeschaltet.",
    "The confirmation of receipt was not signed with this order's new card. Please use the new "
    "card. Nothing was activated."};
inline constexpr ErrorCode receipt_expired{
    "receipt.expired",
    "Die Empfangsbestätigung ist abgelaufen. Bitte bestätigen Sie den Empfang erneut.",
    "The confirmation of receipt has expired. Please confirm receipt again."};
}  // namespace errors

// How long an issued statement may be signed.
inline constexpr std::int64_t receipt_statement_lifetime = 15 * 60;

struct ReceiptStatement {
    std::string text;                // exactly the bytes the card signs
    std::string certificate_sha256;  // hex of the new card's certificate (DER)
    std::int64_t issued_at = 0;
};

// The statement for an order whose card was shipped, issued at `now`. Throws order.unknown,
// order.not_shipped or order.replaced_card_missing.
ReceiptStatement receipt_statement(TrustCenterOrders& desk, const std::string& order_number,
                                   std::int64_t now);

// Checks the CAdES signature over the statement issued at `issued_at` (not older than its
// lifetime), signed by the new card's own certificate, then releases the hold and activates the
// card as confirm_receipt does. Returns the certificate's serial. Throws receipt.* errors and
// changes nothing then.
std::string confirm_receipt_signed(TrustCenterOrders& desk, const std::string& order_number,
                                   std::int64_t issued_at, std::span<const std::uint8_t> cms,
                                   std::int64_t now);

}  // namespace sigcard::authority
