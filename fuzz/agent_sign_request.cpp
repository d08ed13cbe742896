// The card agent's POST /v1/sign body, as any page in the holder's browser may send it: parsed,
// then checked against the portal's request-signing certificate. A body that fails the signature
// check stops there, so each input is checked twice — as sent, and with its portal_request
// signed by the (fuzzing) portal's key, so the checks behind the signature (origin, times,
// nonce, the document and its text) meet the fuzzed values too.
#include "fuzz_support.hpp"

#include "agent/portal_request.hpp"
#include "core/pki_fixture.hpp"

using namespace sigcard;

namespace {

struct Portal {
    pki::testing::TrustCenter trust_center;
    crypto::SoftwareSigner key = crypto::SoftwareSigner::generate_ec();
    agent::TrustedPortal trusted;

    Portal() {
        trusted.origin = "https://portal.example";
        trusted.request_signing_certificate = trust_center.ca.create_ocsp_signer(
            trust_center.issuer(), key.public_key(), pki::testing::years(1));
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Portal portal_of_the_run;  // removed with its folder at exit
    Portal* portal = &portal_of_the_run;
    const auto now = std::chrono::system_clock::from_time_t(1'796'000'000);
    fuzz::refused_or_done([&] {
        auto body = agent::parse_sign_request(fuzz::text(data, size), 64 * 1024);
        fuzz::refused_or_done([&] { agent::verify_portal_request(body, portal->trusted, now); });
        const auto signature =
            portal->key.sign(crypto::DigestAlgorithm::sha256, ossl::as_bytes(body.portal_request));
        body.portal_signature.assign(signature.begin(), signature.end());
        agent::verify_portal_request(body, portal->trusted, now);
    });
    return 0;
}
