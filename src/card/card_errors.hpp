// The failures a holder can meet with a card or reader, each with a stable code and its texts.
#pragma once

#include "common/error.hpp"

namespace sigcard::card::errors {

inline constexpr ErrorCode module_not_loadable{
    "card.module_not_loadable",
    "Die Kartenleser-Software (PKCS#11-Modul) konnte nicht geladen werden. Bitte installieren "
    "Sie die Treiber Ihres Kartenlesers neu.",
    "The card reader software (PKCS#11 module) could not be loaded. Please reinstall your card "
    "reader's drivers."};

}  // namespace sigcard::card::errors
