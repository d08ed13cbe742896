// What can go wrong when a trust center is created or opened.
#pragma once

#include "common/error.hpp"

namespace sigcard::authority::errors {

inline constexpr ErrorCode already_exists{
    "trust_center.already_exists",
    "In diesem Ordner gibt es bereits ein Trust Center; es wurde nichts verändert.",
    "There is already a trust center in this folder; nothing was changed."};
inline constexpr ErrorCode not_found{
    "trust_center.not_found", "In diesem Ordner gibt es kein Trust Center (sigcard.toml fehlt).",
    "There is no trust center in this folder (sigcard.toml is missing)."};
inline constexpr ErrorCode hsm_pin_missing{
    "trust_center.hsm_pin_missing",
    "Die PIN des HSM ist nicht angegeben (Umgebungsvariable oder PIN-Datei laut sigcard.toml).",
    "The HSM PIN is not given (environment variable or PIN file as named in sigcard.toml)."};
inline constexpr ErrorCode hsm_key_missing{
    "trust_center.hsm_key_missing", "Ein Schlüssel der Zertifizierungsstelle fehlt im HSM.",
    "A key of the certification authority is missing in the HSM."};
inline constexpr ErrorCode ca_certificate_missing{
    "trust_center.ca_certificate_missing",
    "Ein Zertifikat der Zertifizierungsstelle fehlt im Trust-Center-Ordner.",
    "A certificate of the certification authority is missing in the trust center folder."};
inline constexpr ErrorCode card_writer_failed{
    "production.card_writer_failed",
    "Die Karte konnte nicht beschrieben werden; es wurde keine Karte registriert. Bitte "
    "prüfen Sie den Kartenschreiber und versuchen Sie es erneut.",
    "The card could not be written; no card was registered. Please check the card writer and "
    "try again."};

}  // namespace sigcard::authority::errors
