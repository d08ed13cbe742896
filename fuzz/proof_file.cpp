// A proof file of a certificate attribute as an applicant uploads it (PDF, JPEG or PNG): its type
// recognised by content, a PDF read by qpdf for scripts, forms and embedded files.
#include "fuzz_support.hpp"

#include "new_order/proofs.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::refused_or_done([&] { new_order::accept_proof("profession", fuzz::text(data, size), 5 * 1024 * 1024); });
    return 0;
}
