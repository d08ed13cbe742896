// A certificate as the portal gets it from a holder's card (through the agent or the API's
// `certificate` field): path validation against the trust center, then the holder's name and
// attributes and the QC statements read from it, as eligibility does.
#include "fuzz_support.hpp"

#include "core/pki_fixture.hpp"
#include "pki/path_validation.hpp"
#include "pki/qc_statements.hpp"
#include "pki/qualified_profile.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static pki::testing::TrustCenter trust_center;  // removed with its folder at exit
    static pki::PathValidator validator(trust_center.store, trust_center.root.get(),
                                        trust_center.issuing.get(), pki::PathValidator::Options{});
    fuzz::refused_or_done([&] {
        validator.validate(fuzz::bytes(data, size), pki::testing::now());
    });
    const unsigned char* p = data;
    ossl::X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(size)));
    if (certificate) {
        fuzz::refused_or_done([&] { pki::read_holder_profile(certificate.get()); });
        fuzz::refused_or_done([&] { pki::read_qc_statements(certificate.get()); });
    }
    return 0;
}
