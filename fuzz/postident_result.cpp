// A PostIdent result document (JSON) as the post office delivers it, through the push endpoint,
// a file or a ZIP entry: read into a case.
#include "fuzz_support.hpp"

#include "identification/postident_case.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::refused_or_done([&] { identification::parse_postident_case(fuzz::text(data, size)); });
    return 0;
}
