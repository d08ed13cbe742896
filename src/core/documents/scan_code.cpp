#include "documents/scan_code.hpp"

#include <zint.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace sigcard::documents {

namespace {

struct SymbolDeleter {
    void operator()(zint_symbol* symbol) const noexcept { ZBarcode_Delete(symbol); }
};

constexpr int kErrorCorrectionM = 2;

// `quiet_modules`: the symbology's quiet zone on each side, which zint adds.
ScanCode encode(int symbology, std::string_view data, int quiet_modules, int option_1 = -1) {
    const std::unique_ptr<zint_symbol, SymbolDeleter> symbol(ZBarcode_Create());
    if (!symbol) {
        throw std::bad_alloc();
    }
    symbol->symbology = symbology;
    if (option_1 >= 0) {
        symbol->option_1 = option_1;
    }
    symbol->input_mode = UNICODE_MODE;
    symbol->show_hrt = 0;  // the documents print the text themselves
    // The standard's quiet zone, so that the code scans next to other print.
    symbol->output_options |= BARCODE_QUIET_ZONES;
    const int status = ZBarcode_Encode_and_Buffer_Vector(
        symbol.get(), reinterpret_cast<const unsigned char*>(data.data()),
        static_cast<int>(data.size()), 0);
    if (status >= ZINT_ERROR || symbol->vector == nullptr || symbol->width <= 0) {
        throw std::invalid_argument(std::string("scan code: ") + symbol->errtxt);
    }

    // zint's vector units are arbitrary; express everything in modules.
    const zint_vector& vector = *symbol->vector;
    const double unit = static_cast<double>(vector.width) / (symbol->width + 2 * quiet_modules);
    ScanCode code;
    code.modules = symbol->width;
    code.extent = vector.width / unit;
    code.extent_y = vector.height / unit;
    for (const zint_vector_rect* r = vector.rectangles; r != nullptr; r = r->next) {
        code.dark.push_back({r->x / unit, r->y / unit, r->width / unit, r->height / unit});
    }
    return code;
}

}  // namespace

ScanCode encode_qr(std::string_view data) {
    return encode(BARCODE_QRCODE, data, 4, kErrorCorrectionM);
}

ScanCode encode_data_matrix(std::string_view data) {
    return encode(BARCODE_DATAMATRIX, data, 1);
}

ScanCode encode_code128(std::string_view data) {
    return encode(BARCODE_CODE128, data, 10);
}

void draw_bar_code(cairo_t* cr, const ScanCode& code, double x, double y, double width,
                   double height) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, width, height);
    cairo_fill(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, width / code.extent, height / code.extent_y);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (const auto& r : code.dark) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height);
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

void draw_scan_code(cairo_t* cr, const ScanCode& code, double x, double y, double size) {
    draw_bar_code(cr, code, x, y, size, size * code.extent_y / code.extent);
}

}  // namespace sigcard::documents
