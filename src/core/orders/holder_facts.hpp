// The holder as a qualified certificate states it — name and attributes — labelled in German and
// English for the order document, the pages and the terminal.
#pragma once

#include "pki/qualified_profile.hpp"

#include <string>
#include <vector>

namespace sigcard::orders {

// One fact about the holder as the certificate states it, labelled in both languages.
struct CertificateFact {
    std::string label_de;
    std::string label_en;
    std::string value;
};

struct CertifiedHolder {
    std::string certificate_serial;      // hex
    std::string name;                    // the name, or the pseudonym with ":PN"
    std::vector<CertificateFact> facts;  // attributes: admission, procuration, restriction …
};

CertifiedHolder certified_holder(const pki::HolderProfile& profile,
                                 const std::string& certificate_serial);

}  // namespace sigcard::orders
