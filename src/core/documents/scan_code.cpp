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

}  // namespace

ScanCode encode_qr(std::string_view data) {
    const std::unique_ptr<zint_symbol, SymbolDeleter> symbol(ZBarcode_Create());
    if (!symbol) {
        throw std::bad_alloc();
    }
    symbol->symbology = BARCODE_QRCODE;
    symbol->option_1 = kErrorCorrectionM;
    symbol->input_mode = UNICODE_MODE;
    // The standard's four-module quiet zone, so that the code scans next to other print.
    symbol->output_options |= BARCODE_QUIET_ZONES;
    const int status = ZBarcode_Encode_and_Buffer_Vector(
        symbol.get(), reinterpret_cast<const unsigned char*>(data.data()),
        static_cast<int>(data.size()), 0);
    if (status >= ZINT_ERROR || symbol->vector == nullptr || symbol->width <= 0) {
        throw std::invalid_argument(std::string("QR code: ") + symbol->errtxt);
    }

    // zint's vector units are arbitrary; express everything in modules.
    const zint_vector& vector = *symbol->vector;
    const double unit = static_cast<double>(vector.width) / (symbol->width + 8);
    ScanCode code;
    code.modules = symbol->width;
    code.extent = vector.width / unit;
    for (const zint_vector_rect* r = vector.rectangles; r != nullptr; r = r->next) {
        code.dark.push_back({r->x / unit, r->y / unit, r->width / unit, r->height / unit});
    }
    return code;
}

void draw_scan_code(cairo_t* cr, const ScanCode& code, double x, double y, double size) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, size / code.extent, size / code.extent);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (const auto& r : code.dark) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height);
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

}  // namespace sigcard::documents
