#include "authority/holder_receipt.hpp"

#include <fmt/format.h>

#include "cards/card_register.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_document.hpp"
#include "signature/cades.hpp"

namespace sigcard::authority {

namespace {

struct ShippedCard {
    std::string certificate_serial;
    ossl::Bytes certificate_der;
};

ShippedCard shipped_card(TrustCenterOrders& desk, const std::string& order_number) {
    const auto record = desk.book().find(order_number);
    if (!record) {
        throw Error(errors::order_unknown, order_number);
    }
    if (record->state != orders::OrderState::shipped || !record->new_card_id) {
        throw Error(errors::order_not_shipped, std::string(orders::to_string(record->state)));
    }
    const auto card = cards::CardRegister(desk.trust_center().database()).find(*record->new_card_id);
    const auto certificate =
        card ? desk.trust_center().certificates().find(card->certificate_serial) : std::nullopt;
    if (!certificate) {
        throw Error(errors::replaced_card_missing, fmt::format("new card {}", *record->new_card_id));
    }
    return {card->certificate_serial, certificate->der};
}

std::string statement_text(const std::string& trust_center, const std::string& order_number,
                           const std::string& certificate_serial, std::int64_t issued_at) {
    return fmt::format(
        "Empfangsbestätigung / Confirmation of receipt\n\n"
        "Vertrauensdiensteanbieter / Trust service provider: {}\n"
        "Auftrag / Order: {}\n"
        "Zertifikat der neuen Karte / Certificate of the new card: {}\n\n"
        "Ich bestätige, dass ich die neue Signaturkarte und ihre PIN erhalten habe, und bitte, "
        "das Zertifikat freizuschalten.\n"
        "I confirm that I have received the new signature card and its PIN, and ask for its "
        "certificate to be activated.\n\n"
        "Zeit / Time: {}\n",
        trust_center, order_number,
        certificate_serial, orders::format_utc(issued_at));
}

}  // namespace

ReceiptStatement receipt_statement(TrustCenterOrders& desk, const std::string& order_number,
                                   std::int64_t now) {
    const auto card = shipped_card(desk, order_number);
    return {statement_text(desk.trust_center().config().name, order_number,
                           card.certificate_serial, now),
            encoding::hex(ossl::sha256(card.certificate_der)), now};
}

std::string confirm_receipt_signed(TrustCenterOrders& desk, const std::string& order_number,
                                   std::int64_t issued_at, std::span<const std::uint8_t> cms,
                                   std::int64_t now) {
    const auto card = shipped_card(desk, order_number);
    if (now - issued_at > receipt_statement_lifetime || issued_at > now + 60) {
        throw Error(errors::receipt_expired, order_number);
    }
    const auto text = statement_text(desk.trust_center().config().name, order_number,
                                     card.certificate_serial, issued_at);
    signature::VerifiedSignature verified;
    try {
        verified = signature::verify_cades(ossl::as_bytes(text), cms);
    } catch (const Error& e) {
        throw Error(errors::receipt_signature_invalid, std::string(e.id()));
    }
    // The certificate on hold is accepted here only as the one this order's card holds: the
    // signer must be exactly it (and so issued by this CA, which stored it).
    if (ossl::to_der(verified.signer_certificate.get()) != card.certificate_der) {
        throw Error(errors::receipt_wrong_card, order_number);
    }
    return confirm_receipt(desk, order_number, "holder");
}

}  // namespace sigcard::authority
