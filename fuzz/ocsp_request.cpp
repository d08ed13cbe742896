// An OCSP request as anyone may send it to the portal's responder (POST /ocsp), answered by the
// responder of a small trust center with software keys. Bad requests must get malformedRequest,
// never a crash: the responder answers everything itself and throws nothing.
#include "fuzz_support.hpp"

#include "core/pki_fixture.hpp"
#include "pki/ocsp_responder.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Made once, removed (its temporary folder too) when the fuzzer exits.
    static pki::testing::TrustCenter trust_center;
    static const bool issued = (trust_center.issue(), true);
    (void)issued;
    static pki::OcspResponder responder(trust_center.store, trust_center.issuing.get(),
                                        trust_center.ocsp.get(), trust_center.ocsp_key);
    const auto answer = responder(fuzz::bytes(data, size), pki::testing::now());
    if (answer.empty()) {
        __builtin_trap();  // every request gets an answer, if only malformedRequest
    }
    return 0;
}
