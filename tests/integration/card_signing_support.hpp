// Signing with a demo card from the test process, as a holder's software would: the card store
// is read by a module loaded for the one call.
#pragma once

#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "common/secret.hpp"
#include "signature/cades.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sigcard::testing {

// Signs `content` with a card of the trust center's card store (CAdES, detached), logging in
// with `pin`. SoftHSM2 reads SOFTHSM2_CONF when the module initialises, so the module lives only
// for this call and sees the cards produced so far.
inline ossl::Bytes sign_with_card(const std::filesystem::path& tc_dir,
                                  const std::string& token_label, const std::string& content,
                                  const std::string& pin = "123456",
                                  crypto::DigestAlgorithm digest = crypto::DigestAlgorithm::sha256) {
    ::setenv("SOFTHSM2_CONF", (tc_dir / "card-store" / "softhsm2.conf").c_str(), 1);
    ossl::Bytes cms;
    {
        smartcard::Pkcs11Module module(SOFTHSM2_MODULE);
        smartcard::CardSession session(module, module.find_token(token_label).slot);
        session.login(Secret(pin));
        const auto certificate = smartcard::qualified_signing_certificate(session);
        auto signer = smartcard::Pkcs11Signer::for_certificate(session, certificate);
        cms =
            signature::create_cades(signer, certificate.certificate.get(), ossl::as_bytes(content),
                                    digest);
    }
    ::unsetenv("SOFTHSM2_CONF");
    return cms;
}

}  // namespace sigcard::testing
