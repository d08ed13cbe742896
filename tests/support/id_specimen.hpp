// A synthetic specimen of an ID document side, drawn by the tests (never a real person's
// document): a pale card, every field of the layout a pale yellow box, a name in dark blue;
// nothing on it is black. And the specimen lying on a white scanner bed, as a scan of the bed
// with the card's four corners.
#pragma once

#include "identification/id_copy.hpp"

#include <vips/vips8>

#include <string>

namespace sigcard::testing {

inline vips::VImage specimen(identification::DocumentSide side) {
    using vips::VImage;
    const auto& layout = identification::layout_of(side);
    VImage card = VImage::black(layout.width, layout.height, VImage::option()->set("bands", 3))
                      .new_from_image(std::vector<double>{215, 225, 240})
                      .copy_memory();
    for (const auto& r : layout.regions) {
        const int left = int(r.left * layout.width), top = int(r.top * layout.height);
        card.draw_rect({250, 240, 170}, left, top, int(r.right * layout.width) - left,
                       int(r.bottom * layout.height) - top, VImage::option()->set("fill", true));
    }
    const VImage name =
        VImage::text("MUSTERMANN ERIKA", VImage::option()->set("font", "DejaVu Sans 28"));
    const VImage ink = card.new_from_image(std::vector<double>{30, 50, 130});
    const VImage mask = name.embed(60, 260, layout.width, layout.height);
    return mask.ifthenelse(ink, card, VImage::option()->set("blend", true))
        .cast(VIPS_FORMAT_UCHAR);
}

inline std::string png_of(const vips::VImage& image) {
    VipsBlob* blob = image.pngsave_buffer();
    std::size_t length = 0;
    const auto* data = static_cast<const char*>(vips_blob_get(blob, &length));
    std::string out(data, length);
    vips_area_unref(VIPS_AREA(blob));
    return out;
}

// The specimen on a white scanner bed at (250, 200), scanned with the bed.
inline identification::ScanPage scanned_specimen(identification::DocumentSide side) {
    using vips::VImage;
    const VImage card = specimen(side);
    const VImage bed = card.embed(250, 200, card.width() + 500, card.height() + 400,
                                  VImage::option()->set("extend", VIPS_EXTEND_WHITE));
    const double w = card.width(), h = card.height();
    return {side, png_of(bed),
            std::array<identification::Point, 4>{
                {{250, 200}, {250 + w, 200}, {250 + w, 200 + h}, {250, 200 + h}}}};
}

}  // namespace sigcard::testing
