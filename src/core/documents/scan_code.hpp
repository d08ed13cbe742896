// Scan codes on the trust center's documents: a QR code of a short reference (the order
// number), so the back office can scan a printed or forwarded page instead of typing it.
#pragma once

#include <cairo.h>

#include <string_view>
#include <vector>

namespace sigcard::documents {

// A code as dark rectangles in module units, quiet zone included; drawn at any size.
struct ScanCode {
    struct Rect {
        double x, y, width, height;
    };
    int modules = 0;    // modules across without the quiet zone (21 for the smallest QR code)
    double extent = 0;  // width in module units, quiet zone included
    double extent_y = 0;  // height in module units (a square code: extent)
    std::vector<Rect> dark;
};

// Error correction level M. Throws std::invalid_argument when zint cannot encode the data.
ScanCode encode_qr(std::string_view data);
// ECC 200 Data Matrix (square), what hand scanners at a desk read from paper.
ScanCode encode_data_matrix(std::string_view data);
// Code 128, a one-dimensional bar code (the PostIdent coupon's reference).
ScanCode encode_code128(std::string_view data);

// Draws the code on a white square of side size with its top left at (x, y).
void draw_scan_code(cairo_t* cr, const ScanCode& code, double x, double y, double size);
// Draws a code stretched to width x height on white (bar codes: the bars' height is free).
void draw_bar_code(cairo_t* cr, const ScanCode& code, double x, double y, double width,
                   double height);

}  // namespace sigcard::documents
