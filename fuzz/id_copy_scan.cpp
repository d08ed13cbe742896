// A scan of an ID document as the registration officer uploads it (JPEG, PNG or PDF): read by
// libvips with the size limits, straightened, blackened and marked. The first byte chooses the
// side and whether corners are given, so both ways through are fuzzed.
#include "fuzz_support.hpp"

#include "identification/id_copy.hpp"

using namespace sigcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    static const identification::IdCopyPolicy policy = [] {
        identification::IdCopyPolicy p;
        p.max_pixels = 4'000'000;  // the fuzzer's memory limit, not the portal's
        return p;
    }();
    identification::ScanPage page;
    page.side = data[0] & 1 ? identification::DocumentSide::id_card_back
                            : identification::DocumentSide::id_card_front;
    if (data[0] & 2) {
        page.corners = std::array<identification::Point, 4>{
            identification::Point{40, 30}, {900, 50}, {880, 600}, {30, 580}};
    }
    page.content = fuzz::text(data + 1, size - 1);
    fuzz::refused_or_done([&] { identification::process_id_copy({page}, policy.blackout_allowed, policy); });
    return 0;
}
