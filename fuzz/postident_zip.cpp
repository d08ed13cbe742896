// A ZIP of PostIdent results as the result portal or SFTP deliver it: entries read one after
// another with the limits (names, count, sizes, unpacked ratio), each entry read as a case.
#include "fuzz_support.hpp"

#include "identification/postident_case.hpp"
#include "identification/postident_files.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const config::PostIdentSettings limits;
    fuzz::refused_or_done([&] {
        const auto source = identification::zip_documents(fuzz::text(data, size), "results.zip", limits);
        source([](identification::ResultDocument document) {
            fuzz::refused_or_done([&] { identification::parse_postident_case(document.content); });
        });
    });
    return 0;
}
