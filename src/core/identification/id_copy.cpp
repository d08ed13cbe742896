#include "identification/id_copy.hpp"

#include <vips/vips8>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>

namespace sigcard::identification {

namespace {

using vips::VImage;

// Layouts at about 300 dpi. ID-1 (85.6 × 54 mm): the German identity card; ID-3 (125 × 88 mm):
// the passport's data page. The regions are those of the fields the policy may let the holder
// black out, on the 2021 models (the CAN at the front's lower right; eye colour and height in the
// back's upper block; on the passport page height and eye colour in the right column, the CAN
// at the lower right).
const std::array<DocumentLayout, 3> kLayouts{{
    {DocumentSide::id_card_front, 1011, 638, {{"can", 0.78, 0.84, 0.97, 0.95}}},
    {DocumentSide::id_card_back, 1011, 638,
     {{"eye_colour", 0.05, 0.10, 0.40, 0.20}, {"height", 0.05, 0.22, 0.40, 0.32}}},
    {DocumentSide::passport_data_page, 1476, 1039,
     {{"height", 0.66, 0.52, 0.95, 0.59},
      {"eye_colour", 0.66, 0.61, 0.95, 0.68},
      {"can", 0.80, 0.72, 0.97, 0.78}}},
}};

constexpr std::array<std::string_view, 3> kSideNames{"id_card_front", "id_card_back",
                                                     "passport_data_page"};

// libvips once per process, and only the three loaders a scan may come in: every other loader
// (and with it every other parser of outside bytes in libvips) is blocked.
void start_vips() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (VIPS_INIT("sigcard") != 0) {
            throw std::runtime_error("libvips did not start");
        }
        vips_operation_block_set("VipsForeignLoad", TRUE);
        vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
        vips_operation_block_set("VipsForeignLoadPng", FALSE);
        vips_operation_block_set("VipsForeignLoadPdf", FALSE);
        vips_cache_set_max(0);  // nothing of a scan stays in memory after its request
    });
}

enum class Kind { jpeg, png, pdf };

std::optional<Kind> kind_of(std::string_view bytes) {
    if (bytes.starts_with("\xFF\xD8\xFF")) {
        return Kind::jpeg;
    }
    if (bytes.starts_with(std::string_view("\x89PNG\r\n\x1A\n", 8))) {
        return Kind::png;
    }
    if (bytes.starts_with("%PDF-")) {
        return Kind::pdf;
    }
    return std::nullopt;
}

// The 3 × 3 homography (h[8] = 1) taking the layout's corners (0,0) (w,0) (w,h) (0,h) to the
// marked corners: solved as the eight linear equations of the four pairs.
std::array<double, 8> homography(int w, int h, const std::array<Point, 4>& to) {
    const std::array<Point, 4> from{{{0, 0}, {double(w), 0}, {double(w), double(h)}, {0, double(h)}}};
    double m[8][9] = {};
    for (int i = 0; i < 4; ++i) {
        const double u = from[i].x, v = from[i].y, x = to[i].x, y = to[i].y;
        double* r1 = m[2 * i];
        double* r2 = m[2 * i + 1];
        r1[0] = u, r1[1] = v, r1[2] = 1, r1[6] = -u * x, r1[7] = -v * x, r1[8] = x;
        r2[3] = u, r2[4] = v, r2[5] = 1, r2[6] = -u * y, r2[7] = -v * y, r2[8] = y;
    }
    for (int col = 0; col < 8; ++col) {
        int pivot = col;
        for (int row = col + 1; row < 8; ++row) {
            if (std::abs(m[row][col]) > std::abs(m[pivot][col])) {
                pivot = row;
            }
        }
        if (std::abs(m[pivot][col]) < 1e-9) {
            throw Error(errors::corners_invalid, "degenerate");
        }
        std::swap(m[col], m[pivot]);
        for (int row = 0; row < 8; ++row) {
            if (row != col) {
                const double f = m[row][col] / m[col][col];
                for (int k = col; k < 9; ++k) {
                    m[row][k] -= f * m[col][k];
                }
            }
        }
    }
    std::array<double, 8> out{};
    for (int i = 0; i < 8; ++i) {
        out[i] = m[i][8] / m[i][i];
    }
    return out;
}

// The scan as 3-band sRGB bytes, upright as the scanner's EXIF orientation says.
VImage upright_rgb(VImage image) {
    image = image.autorot();
    if (image.has_alpha()) {
        image = image.flatten(VImage::option()->set("background", std::vector<double>{255}));
    }
    image = image.colourspace(VIPS_INTERPRETATION_sRGB);
    if (image.bands() > 3) {
        image = image.extract_band(0, VImage::option()->set("n", 3));
    }
    return image.cast(VIPS_FORMAT_UCHAR);
}

VImage straightened(const VImage& scan, const DocumentLayout& layout,
                    const std::optional<std::array<Point, 4>>& corners) {
    if (!corners) {
        return scan.resize(double(layout.width) / scan.width(),
                           VImage::option()->set("vscale", double(layout.height) / scan.height()));
    }
    for (const auto& p : *corners) {
        if (p.x < 0 || p.y < 0 || p.x > scan.width() || p.y > scan.height()) {
            throw Error(errors::corners_invalid, "outside the scan");
        }
    }
    const auto h = homography(layout.width, layout.height, *corners);
    const VImage xy = VImage::xyz(layout.width, layout.height).cast(VIPS_FORMAT_FLOAT);
    const VImage u = xy.extract_band(0);
    const VImage v = xy.extract_band(1);
    const VImage denominator = u * h[6] + v * h[7] + 1.0;
    const VImage x = (u * h[0] + v * h[1] + h[2]) / denominator;
    const VImage y = (u * h[3] + v * h[4] + h[5]) / denominator;
    return scan
        .mapim(x.bandjoin(y),
               VImage::option()->set("interpolate", vips::VInterpolate::new_from_name("bilinear")))
        .cast(VIPS_FORMAT_UCHAR);
}

// "KOPIE" across the page, blended into the pixels (not an overlay a viewer could hide).
VImage marked(const VImage& page) {
    const VImage text = VImage::text(
        "KOPIE", VImage::option()
                     ->set("font", "DejaVu Sans Bold")
                     ->set("width", page.width() * 3 / 4)
                     ->set("height", page.height() / 3));
    const VImage rotated = text.rotate(-20);
    const int left = (page.width() - rotated.width()) / 2;
    const int top = (page.height() - rotated.height()) / 2;
    const VImage mask =
        rotated.embed(left, top, page.width(), page.height()).cast(VIPS_FORMAT_FLOAT) * (0.55 / 255);
    const VImage ink = page.new_from_image(std::vector<double>{200, 20, 20});
    return (page * (1.0 - mask) + ink * mask).cast(VIPS_FORMAT_UCHAR);
}

void check_size(const VImage& header, const IdCopyPolicy& policy) {
    if (std::int64_t(header.width()) * header.height() > policy.max_pixels) {
        throw Error(errors::copy_too_large, "pixels");
    }
    if (header.width() < policy.min_height || header.height() < policy.min_height ||
        std::max(header.width(), header.height()) < policy.min_width) {
        throw Error(errors::copy_too_small, "pixels");
    }
}

}  // namespace

std::string_view to_string(DocumentSide side) { return kSideNames[static_cast<int>(side)]; }

std::optional<DocumentSide> document_side_from(std::string_view text) {
    for (std::size_t i = 0; i < kSideNames.size(); ++i) {
        if (kSideNames[i] == text) {
            return static_cast<DocumentSide>(i);
        }
    }
    return std::nullopt;
}

const DocumentLayout& layout_of(DocumentSide side) { return kLayouts[static_cast<int>(side)]; }

std::optional<std::array<Point, 4>> corners_from_text(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    std::vector<double> values;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        const std::string part(text.substr(start, end - start));
        try {
            std::size_t used = 0;
            values.push_back(std::stod(part, &used));
            if (used != part.size()) {
                throw std::invalid_argument(part);
            }
        } catch (const std::exception&) {
            throw Error(errors::corners_invalid, "not a number");
        }
        start = end + 1;
    }
    if (values.size() != 8) {
        throw Error(errors::corners_invalid, "not four points");
    }
    std::array<Point, 4> corners{};
    for (int i = 0; i < 4; ++i) {
        corners[i] = {values[2 * i], values[2 * i + 1]};
    }
    return corners;
}

std::vector<ProcessedPage> process_id_copy(const std::vector<ScanPage>& pages,
                                           const std::vector<std::string>& blackout,
                                           const IdCopyPolicy& policy) {
    for (const auto& field : blackout) {
        if (std::find(policy.blackout_allowed.begin(), policy.blackout_allowed.end(), field) ==
            policy.blackout_allowed.end()) {
            throw Error(errors::blackout_not_allowed, field);
        }
    }
    start_vips();
    // Every scan checked before any is processed: a bad second page refuses the first too.
    struct Side {
        DocumentSide side;
        VImage scan;
        const ScanPage* page;
    };
    std::vector<Side> sides;
    for (const auto& page : pages) {
        const auto kind = kind_of(page.content);
        if (!kind) {
            throw Error(errors::copy_not_an_image, "by content");
        }
        if (page.content.size() > policy.max_bytes) {
            throw Error(errors::copy_too_large, "bytes");
        }
        try {
            const auto* data = page.content.data();
            const auto size = page.content.size();
            if (*kind == Kind::pdf) {
                const VImage header = VImage::new_from_buffer(data, size, "");
                const int n = header.get_typeof("n-pages") != 0 ? header.get_int("n-pages") : 1;
                if (n > policy.max_pdf_pages) {
                    throw Error(errors::copy_too_many_pages, std::to_string(n));
                }
                for (int i = 0; i < n; ++i) {
                    const VImage scan = VImage::new_from_buffer(
                        data, size, "", VImage::option()->set("page", i)->set("dpi", 300));
                    check_size(scan, policy);
                    const auto side = i == 0 ? page.side
                                             : static_cast<DocumentSide>(
                                                   std::min(int(page.side) + 1, 1));
                    sides.push_back({side, scan, i == 0 ? &page : nullptr});
                }
            } else {
                // The header only: the pixels are counted before anything is decoded.
                const VImage scan = VImage::new_from_buffer(
                    data, size, "", VImage::option()->set("fail_on", VIPS_FAIL_ON_ERROR));
                check_size(scan, policy);
                sides.push_back({page.side, scan, &page});
            }
        } catch (const vips::VError& e) {
            throw Error(errors::copy_unreadable, e.what());
        }
    }
    std::vector<ProcessedPage> out;
    for (const auto& side : sides) {
        const auto& layout = layout_of(side.side);
        try {
            VImage image = upright_rgb(side.scan);
            image = straightened(image, layout,
                                 side.page != nullptr ? side.page->corners : std::nullopt);
            image = marked(image).copy_memory();
            for (const auto& region : layout.regions) {
                if (std::find(blackout.begin(), blackout.end(), region.field) == blackout.end()) {
                    continue;
                }
                const int left = int(std::floor(region.left * layout.width));
                const int top = int(std::floor(region.top * layout.height));
                const int right = int(std::ceil(region.right * layout.width));
                const int bottom = int(std::ceil(region.bottom * layout.height));
                image.draw_rect({0, 0, 0}, left, top, right - left, bottom - top,
                                VImage::option()->set("fill", true));
            }
            VipsBlob* blob = image.jpegsave_buffer(
                VImage::option()->set("Q", 90)->set("strip", true));
            std::size_t length = 0;
            const auto* bytes = static_cast<const char*>(vips_blob_get(blob, &length));
            out.push_back({side.side, std::string(bytes, length), image.width(), image.height()});
            vips_area_unref(VIPS_AREA(blob));
        } catch (const vips::VError& e) {
            throw Error(errors::copy_unreadable, e.what());
        }
    }
    return out;
}

}  // namespace sigcard::identification
