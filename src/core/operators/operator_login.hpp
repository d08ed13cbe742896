// How an operator logs in to the back office: no password — the back office issues a short
// statement with a fresh challenge for the card the operator chose, the card agent shows it and
// the card signs it (CAdES), and the back office checks the signature, that the signer is exactly
// the operator's registered certificate, still good, and that the challenge is fresh and unused.
// Challenges live in the database: any back-office instance checks what another issued, and a
// replayed signature finds its challenge used.
#pragma once

#include "operators/operator_register.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <span>
#include <string>

namespace sigcard::operators {

namespace errors {
inline constexpr ErrorCode not_operator{
    "login.not_operator",
    "Diese Karte gehört keinem Mitarbeiter des Backoffice. Bitte verwenden Sie Ihre "
    "Mitarbeiterkarte.",
    "This card belongs to no back-office operator. Please use your operator card."};
inline constexpr ErrorCode card_not_valid{
    "login.card_not_valid",
    "Das Zertifikat dieser Karte ist gesperrt oder abgelaufen. Eine Anmeldung ist damit nicht "
    "möglich.",
    "This card's certificate is revoked or expired. It cannot be used to log in."};
inline constexpr ErrorCode challenge_unknown{
    "login.challenge_unknown", "Diese Anmeldung kennen wir nicht. Bitte melden Sie sich neu an.",
    "We do not know this sign-in. Please sign in again."};
inline constexpr ErrorCode challenge_expired{
    "login.challenge_expired",
    "Die Anmeldung ist abgelaufen. Bitte melden Sie sich neu an.",
    "The sign-in has expired. Please sign in again."};
inline constexpr ErrorCode challenge_used{
    "login.challenge_used",
    "Diese Anmeldung wurde schon verwendet. Bitte melden Sie sich neu an.",
    "This sign-in was used already. Please sign in again."};
inline constexpr ErrorCode signature_invalid{
    "login.signature_invalid",
    "Die Anmeldung ist nicht gültig signiert.", "The sign-in is not validly signed."};
inline constexpr ErrorCode wrong_card{
    "login.wrong_card",
    "Die Anmeldung wurde nicht mit der gewählten Mitarbeiterkarte signiert.",
    "The sign-in was not signed with the chosen operator card."};
}  // namespace errors

// How long an issued challenge may be signed.
inline constexpr std::int64_t challenge_lifetime = 180;

struct LoginChallenge {
    std::string nonce;
    std::string text;                // exactly the bytes the card signs
    std::string certificate_sha256;  // hex, of the operator card's certificate (DER)
    std::int64_t issued_at = 0;
};

class OperatorLogin {
public:
    OperatorLogin(storage::Database& db, std::string trust_center_name)
        : db_(db), register_(db), trust_center_(std::move(trust_center_name)) {}

    // For the card whose certificate (DER) the agent listed. Throws login.not_operator (not this
    // trust center's, or no operator's) or login.card_not_valid.
    LoginChallenge challenge(std::span<const std::uint8_t> certificate_der,
                             const std::string& origin, std::int64_t now);

    // Checks the card's signature over the challenge and uses the challenge up. Throws the
    // login.* errors; nothing is changed then.
    Operator sign_in(const std::string& nonce, std::span<const std::uint8_t> cms,
                     std::int64_t now);

    // A challenge issued and not yet used or expired (the page asks for its signing request
    // again on every try).
    std::optional<LoginChallenge> open_challenge(const std::string& nonce, std::int64_t now) const;

    // The operator as they may act now (still registered, card still good); nullopt otherwise —
    // a session asks on every request.
    std::optional<Operator> current(const std::string& name, std::int64_t now) const;

private:
    std::string statement(const Operator& who, const std::string& origin,
                          const std::string& nonce, std::int64_t issued_at) const;

    storage::Database& db_;
    OperatorRegister register_;
    std::string trust_center_;
};

}  // namespace sigcard::operators
