// The ID copy from a scan, checked on its pixels: a synthetic specimen card that the test draws
// (never a real person's document) placed on a larger scan, straightened from its four corners,
// blackened exactly at the fields chosen among those the policy allows and nowhere else, and
// marked "KOPIE"; and every bad scan refused with its code.
#include "identification/id_copy.hpp"
#include "support/id_specimen.hpp"
#include "support/new_order_application.hpp"

#include <gtest/gtest.h>
#include <vips/vips8>

#include <cstring>

namespace sigcard::identification {
namespace {

using vips::VImage;
using testing::png_of;
using testing::specimen;
const auto scanned = testing::scanned_specimen;

// A region of a layout in pixels, shrunk by `inset` on every side (negative: grown).
struct Box {
    int left, top, right, bottom;
};
Box box_of(const DocumentLayout& layout, std::string_view field, int inset) {
    for (const auto& r : layout.regions) {
        if (r.field == field) {
            return {int(r.left * layout.width) + inset, int(r.top * layout.height) + inset,
                    int(r.right * layout.width) - inset, int(r.bottom * layout.height) - inset};
        }
    }
    throw std::logic_error("no region " + std::string(field));
}
bool inside(const Box& b, int x, int y) {
    return x >= b.left && x < b.right && y >= b.top && y < b.bottom;
}

VImage decoded(const std::string& jpeg) {
    return VImage::new_from_buffer(jpeg, "").copy_memory();
}

std::string refusal(const std::vector<ScanPage>& pages, const std::vector<std::string>& blackout = {},
                    const IdCopyPolicy& policy = {}) {
    try {
        process_id_copy(pages, blackout, policy);
    } catch (const Error& e) {
        return std::string(e.id());
    }
    return "accepted";
}

std::uint32_t crc32(const unsigned char* data, std::size_t size) {
    std::uint32_t crc = 0xFFFFFFFF;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

TEST(IdCopy, BlackBoxesExactlyAtTheChosenAllowedFieldsAndAKopieMarkAcrossThePage) {
    for (const auto& [side, chosen, kept] :
         std::vector<std::tuple<DocumentSide, std::vector<std::string>, std::vector<std::string>>>{
             {DocumentSide::id_card_front, {"can"}, {}},
             {DocumentSide::id_card_back, {"eye_colour"}, {"height"}},
         }) {
        const auto& layout = layout_of(side);
        const auto pages = process_id_copy({scanned(side)}, chosen, {});
        ASSERT_EQ(pages.size(), 1u);
        EXPECT_EQ(pages[0].width, layout.width);
        EXPECT_EQ(pages[0].height, layout.height);
        const VImage copy = decoded(pages[0].jpeg);
        ASSERT_EQ(copy.width(), layout.width);
        std::vector<Box> black;
        for (const auto& field : chosen) {
            black.push_back(box_of(layout, field, 3));
        }
        std::size_t outside_dark = 0, inside_not_black = 0, red = 0, red_near_edge = 0;
        const auto* pixels = static_cast<const unsigned char*>(copy.data());
        for (int y = 0; y < copy.height(); ++y) {
            for (int x = 0; x < copy.width(); ++x) {
                const auto* p = pixels + (std::size_t(y) * copy.width() + x) * 3;
                const bool in_box = std::any_of(black.begin(), black.end(),
                                                [&](const Box& b) { return inside(b, x, y); });
                const bool near_box =
                    std::any_of(chosen.begin(), chosen.end(), [&](const std::string& f) {
                        return inside(box_of(layout, f, -4), x, y);
                    });
                const bool dark = p[0] < 40 && p[1] < 40 && p[2] < 40;
                if (in_box && (p[0] > 12 || p[1] > 12 || p[2] > 12)) {
                    ++inside_not_black;
                }
                if (!near_box && dark) {
                    ++outside_dark;
                }
                if (p[0] > p[2] + 60) {
                    ++red;
                    red_near_edge += x < 20 || y < 20 || x > copy.width() - 20 || y > copy.height() - 20;
                }
            }
        }
        EXPECT_EQ(inside_not_black, 0u) << to_string(side);
        EXPECT_EQ(outside_dark, 0u) << to_string(side) << ": black where no field was chosen";
        // The mark: a large red-tinted area in the middle, not at the edges.
        EXPECT_GT(red, std::size_t(layout.width) * layout.height / 40) << to_string(side);
        EXPECT_EQ(red_near_edge, 0u);
        // A field the holder did not choose keeps its pale box.
        for (const auto& field : kept) {
            const auto b = box_of(layout, field, 6);
            const auto* p = pixels + (std::size_t(b.top) * copy.width() + b.left) * 3;
            EXPECT_GT(p[0], 200) << field;
            EXPECT_GT(p[2], 120) << field;
        }
    }
}

TEST(IdCopy, AFieldThePolicyDoesNotAllowIsNeverBlackedOut) {
    EXPECT_EQ(refusal({scanned(DocumentSide::id_card_front)}, {"name"}),
              "id_copy.blackout_not_allowed");
    IdCopyPolicy strict;
    strict.blackout_allowed = {"eye_colour"};
    EXPECT_EQ(refusal({scanned(DocumentSide::id_card_front)}, {"can"}, strict),
              "id_copy.blackout_not_allowed");
}

TEST(IdCopy, WhatIsNoScanIsRefusedByContent) {
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, "GIF89a……", {}}}), "id_copy.not_an_image");
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, "Ausweis.jpg", {}}}), "id_copy.not_an_image");
    // A JPEG's first bytes and then nothing a decoder can read.
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, std::string("\xFF\xD8\xFF\xE0", 4) + "xx", {}}}),
              "id_copy.unreadable");
    // A valid GIF or TIFF is no scan here either: those loaders are blocked.
    const VImage small = specimen(DocumentSide::id_card_front);
    VipsBlob* tiff = small.tiffsave_buffer();
    std::size_t length = 0;
    const auto* tiff_data = static_cast<const char*>(vips_blob_get(tiff, &length));
    const std::string tiff_bytes(tiff_data, length);
    vips_area_unref(VIPS_AREA(tiff));
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, tiff_bytes, {}}}), "id_copy.not_an_image");
}

TEST(IdCopy, ADecompressionBombIsRefusedFromItsHeaderAndATinyScanToo) {
    // A small PNG whose header claims 100 000 × 100 000 pixels.
    std::string bomb = png_of(specimen(DocumentSide::id_card_front));
    auto* ihdr = reinterpret_cast<unsigned char*>(bomb.data()) + 12;  // "IHDR" + 13 bytes + CRC
    const unsigned char huge[4] = {0x00, 0x01, 0x86, 0xA0};            // 100000
    std::memcpy(ihdr + 4, huge, 4);
    std::memcpy(ihdr + 8, huge, 4);
    const std::uint32_t crc = crc32(ihdr, 17);
    const unsigned char crc_bytes[4] = {static_cast<unsigned char>(crc >> 24),
                                        static_cast<unsigned char>(crc >> 16),
                                        static_cast<unsigned char>(crc >> 8),
                                        static_cast<unsigned char>(crc)};
    std::memcpy(ihdr + 17, crc_bytes, 4);
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, bomb, {}}}), "id_copy.too_large");
    IdCopyPolicy small_files;
    small_files.max_bytes = 1000;
    EXPECT_EQ(refusal({scanned(DocumentSide::id_card_front)}, {}, small_files), "id_copy.too_large");
    const VImage tiny = specimen(DocumentSide::id_card_front).resize(0.1);
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, png_of(tiny), {}}}), "id_copy.too_small");
}

TEST(IdCopy, APdfScanHasAtMostTwoPages) {
    const std::string page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 243 153] >>";
    const auto pdf = [&](int pages) {
        std::vector<std::string> objects{"<< /Type /Catalog /Pages 2 0 R >>", ""};
        std::string kids;
        for (int i = 0; i < pages; ++i) {
            kids += std::to_string(3 + i) + " 0 R ";
            objects.push_back(page);
        }
        objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>";
        return testing::pdf_with(objects);
    };
    EXPECT_EQ(refusal({{DocumentSide::id_card_front, pdf(3), {}}}), "id_copy.too_many_pages");
    // Front and back in one PDF: two processed pages.
    const auto both = process_id_copy({{DocumentSide::id_card_front, pdf(2), {}}}, {"can"}, {});
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0].side, DocumentSide::id_card_front);
    EXPECT_EQ(both[1].side, DocumentSide::id_card_back);
}

TEST(IdCopy, AScanTheScannerMarkedAsRotatedIsTurnedUprightFirst) {
    const VImage card = specimen(DocumentSide::id_card_front);
    // Stored on its side, with EXIF orientation 6 ("turn 90° clockwise to view").
    VImage stored = card.rot(VIPS_ANGLE_D270).copy_memory();
    stored.set("orientation", 6);
    VipsBlob* blob = stored.jpegsave_buffer(VImage::option()->set("Q", 95));
    std::size_t length = 0;
    const auto* data = static_cast<const char*>(vips_blob_get(blob, &length));
    const std::string jpeg(data, length);
    vips_area_unref(VIPS_AREA(blob));
    const auto pages = process_id_copy({{DocumentSide::id_card_front, jpeg, {}}}, {}, {});
    const VImage copy = decoded(pages[0].jpeg);
    EXPECT_GT(copy.width(), copy.height());
    // The name (dark blue) is where the specimen has it, upright: at its left, not turned away.
    const auto& layout = layout_of(DocumentSide::id_card_front);
    const VImage name_strip = copy.extract_area(40, 250, 400, 60);
    const VImage opposite = copy.extract_area(layout.width - 440, layout.height - 310, 400, 60);
    // (Red is high everywhere but in the dark blue name, the mark's red ink included.)
    EXPECT_LT(name_strip.extract_band(0).min(), 100);
    EXPECT_GT(opposite.extract_band(0).min(), 150);
}

TEST(IdCopy, CornersAreReadFromTheirTextOrRefusedWithTheirCode) {
    EXPECT_FALSE(corners_from_text(""));
    const auto corners = corners_from_text("250,200,1261,200,1261.5,838,250,838");
    ASSERT_TRUE(corners);
    EXPECT_DOUBLE_EQ((*corners)[2].x, 1261.5);
    EXPECT_DOUBLE_EQ((*corners)[3].y, 838);
    for (const auto* bad : {"1,2,3", "1,2,3,4,5,6,7,8,9", "a,2,3,4,5,6,7,8", "1,2,3,4,5,6,7,8px", ",,,,,,,"}) {
        try {
            corners_from_text(bad);
            ADD_FAILURE() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.id(), "id_copy.corners_invalid") << bad;
        }
    }
}

TEST(IdCopy, CornersOutsideTheScanAreRefused) {
    auto page = scanned(DocumentSide::id_card_back);
    (*page.corners)[2] = {99999, 99999};
    EXPECT_EQ(refusal({page}), "id_copy.corners_invalid");
    (*page.corners) = {{{10, 10}, {10, 10}, {10, 10}, {10, 10}}};
    EXPECT_EQ(refusal({page}), "id_copy.corners_invalid");
}

}  // namespace
}  // namespace sigcard::identification
