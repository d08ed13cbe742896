// Scan codes on the trust center's documents: a QR code of a short reference (the order
// number), so the back office can scan a printed or forwarded page instead of typing it.
#pragma once

#include <cairo.h>

#include <string_view>
#include <vector>

namespace sigcard::documents {

// A QR code as dark rectangles in module units, quiet zone included; drawn at any size.
struct ScanCode {
    struct Rect {
        double x, y, width, height;
    };
    int modules = 0;    // modules per side without the quiet zone (21 for the smallest code)
    double extent = 0;  // side length in module units, quiet zone included
    std::vector<Rect> dark;
};

// Error correction level M. Throws std::invalid_argument when zint cannot encode the data.
ScanCode encode_qr(std::string_view data);

// Draws the code on a white square of side size with its top left at (x, y).
void draw_scan_code(cairo_t* cr, const ScanCode& code, double x, double y, double size);

}  // namespace sigcard::documents
