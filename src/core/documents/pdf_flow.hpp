// Building blocks for the trust center's PDF documents: cairo/pango handles with RAII, a PDF
// surface that writes into memory, text laid out from Pango markup, and a flow of blocks that
// is broken into pages. Each document in documents/ composes its pages from these.
#pragma once

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::documents::pdf {

struct CairoDeleter {
    void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
};
struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct GObjectDeleter {
    void operator()(gpointer object) const noexcept { g_object_unref(object); }
};

using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;

// ISO 216 A4 (210 mm x 297 mm) in PDF points.
inline constexpr double kA4Width = 595.276;
inline constexpr double kA4Height = 841.89;

// Fonts: DejaVu covers umlauts, ß and the dashes in the titles; fontconfig falls back to any
// sans font should it be missing.
inline constexpr const char* kSans = "DejaVu Sans,Sans";
inline constexpr const char* kMono = "DejaVu Sans Mono,Monospace";

struct Colour {
    double r = 0, g = 0, b = 0;
};

struct TextStyle {
    const char* family = kSans;
    double size = 9.5;  // points
    bool bold = false;
    Colour colour{};
    PangoAlignment align = PANGO_ALIGN_LEFT;
};

// Text made safe to put into Pango markup: invalid UTF-8 repaired, control characters (line
// breaks included) turned into spaces, markup characters escaped. Every value that did not come
// from this code goes through here.
std::string escape(std::string_view text);

// Height of laid-out text in points.
double height_of(PangoLayout* layout);

struct PdfMetadata {
    std::string title;
    std::string author;
    std::string subject;
    std::string creator = "SigCard";
};

// A PDF document of equal pages, written into memory. Not movable: cairo holds a pointer to it
// for its output.
class PdfWriter {
public:
    PdfWriter(double page_width, double page_height, const PdfMetadata& metadata);
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;

    cairo_t* context() const { return cr_.get(); }
    double page_width() const { return page_width_; }
    double page_height() const { return page_height_; }

    // Lays out markup (values escaped by the caller) wrapped to width points. Throws
    // std::runtime_error when the markup does not parse.
    LayoutPtr text(std::string_view markup, const TextStyle& style, double width) const;

    void end_page();
    // Finishes the document and hands out its bytes; the writer is spent afterwards.
    std::string finish();

private:
    double page_width_;
    double page_height_;
    std::string bytes_;
    SurfacePtr surface_;
    CairoPtr cr_;
    ContextPtr pango_;
};

// Laid-out text at a position relative to its block's top left.
struct Piece {
    LayoutPtr layout;
    double x = 0;
    double dy = 0;
};

// A unit of the flow that is never split across pages: a heading, a table row, a paragraph.
struct Block {
    std::vector<Piece> pieces;
    double height = 0;
    double space_before = 0;      // dropped at the top of a page
    bool keep_with_next = false;  // a heading stays with its first row
    // Rules, boxes and images, drawn before the text; gets the block's top.
    std::function<void(cairo_t*, double top)> decoration;
};

struct Placement {
    const Block* block;
    double top;
};
using Page = std::vector<Placement>;

// Breaks the flow into pages whose body runs from first_top (first page) or top (later pages)
// down to bottom. A block taller than a whole body is placed on a page of its own and runs past
// bottom; the documents keep their values short enough (validated upstream) for that not to
// happen.
std::vector<Page> paginate(const std::vector<Block>& flow, double first_top, double top,
                           double bottom);

void draw(cairo_t* cr, const Placement& placement);
void draw_text(cairo_t* cr, PangoLayout* layout, double x, double y);
void hairline(cairo_t* cr, double x1, double x2, double y, double width, Colour colour);
void fill_rectangle(cairo_t* cr, double x, double y, double w, double h, Colour colour);

}  // namespace sigcard::documents::pdf
