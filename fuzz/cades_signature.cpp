// The holder's signature on an order (CAdES-B-B, a CMS SignedData) as the portal receives it:
// verified against the document it signs and, as the submission does, without it.
#include "fuzz_support.hpp"

#include "crypto/ossl.hpp"
#include "signature/cades.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string document = "SigCard Folgeauftrag (Fuzz-Saatgut)\n";
    fuzz::refused_or_done(
        [&] { signature::verify_cades(ossl::as_bytes(document), fuzz::bytes(data, size)); });
    fuzz::refused_or_done(
        [&] { signature::verify_cades_without_content(fuzz::bytes(data, size)); });
    return 0;
}
