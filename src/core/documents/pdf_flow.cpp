#include "documents/pdf_flow.hpp"

#include <fmt/format.h>

#include <new>
#include <stdexcept>

namespace sigcard::documents::pdf {

namespace {

struct GFreeDeleter {
    void operator()(gpointer p) const noexcept { g_free(p); }
};
struct AttrListDeleter {
    void operator()(PangoAttrList* list) const noexcept { pango_attr_list_unref(list); }
};
struct FontDescriptionDeleter {
    void operator()(PangoFontDescription* d) const noexcept { pango_font_description_free(d); }
};
struct FontOptionsDeleter {
    void operator()(cairo_font_options_t* o) const noexcept { cairo_font_options_destroy(o); }
};

using GString = std::unique_ptr<gchar, GFreeDeleter>;

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
    try {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
    } catch (const std::bad_alloc&) {
        return CAIRO_STATUS_WRITE_ERROR;
    }
}

void check(cairo_status_t status, std::string_view what) {
    if (status != CAIRO_STATUS_SUCCESS) {
        throw std::runtime_error(fmt::format("{}: {}", what, cairo_status_to_string(status)));
    }
}

bool breaks_the_line(gunichar c) {
    const auto type = g_unichar_type(c);
    return g_unichar_iscntrl(c) || type == G_UNICODE_LINE_SEPARATOR ||
           type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

guint16 channel(double value) {
    return static_cast<guint16>(value * 65535.0 + 0.5);
}

}  // namespace

std::string escape(std::string_view text) {
    // GLib's UTF-8 functions stop at NUL, so it goes first.
    std::string raw(text);
    for (char& c : raw) {
        if (c == '\0') {
            c = ' ';
        }
    }
    const GString valid(g_utf8_make_valid(raw.data(), static_cast<gssize>(raw.size())));
    std::string single_line;
    for (const gchar* p = valid.get(); *p != '\0';) {
        const gchar* next = g_utf8_next_char(p);
        if (breaks_the_line(g_utf8_get_char(p))) {
            single_line += ' ';
        } else {
            single_line.append(p, static_cast<std::size_t>(next - p));
        }
        p = next;
    }
    const GString escaped(
        g_markup_escape_text(single_line.data(), static_cast<gssize>(single_line.size())));
    return escaped.get();
}

double height_of(PangoLayout* layout) {
    PangoRectangle logical{};
    pango_layout_get_extents(layout, nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
}

PdfWriter::PdfWriter(double page_width, double page_height, const PdfMetadata& metadata)
    : page_width_(page_width), page_height_(page_height) {
    surface_.reset(
        cairo_pdf_surface_create_for_stream(append_to_string, &bytes_, page_width, page_height));
    check(cairo_surface_status(surface_.get()), "PDF surface");
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE,
                                   metadata.title.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_AUTHOR,
                                   metadata.author.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_SUBJECT,
                                   metadata.subject.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR,
                                   metadata.creator.c_str());
    cr_.reset(cairo_create(surface_.get()));
    check(cairo_status(cr_.get()), "cairo context");

    // Hinting is for screens; on paper it would only shift glyphs away from their true metrics.
    const std::unique_ptr<cairo_font_options_t, FontOptionsDeleter> options(
        cairo_font_options_create());
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    pango_.reset(pango_cairo_create_context(cr_.get()));
    pango_cairo_context_set_font_options(pango_.get(), options.get());
    pango_context_set_round_glyph_positions(pango_.get(), FALSE);
}

LayoutPtr PdfWriter::text(std::string_view markup, const TextStyle& style, double width) const {
    PangoAttrList* parsed_attrs = nullptr;
    gchar* parsed_text = nullptr;
    GError* error = nullptr;
    if (!pango_parse_markup(markup.data(), static_cast<int>(markup.size()), 0, &parsed_attrs,
                            &parsed_text, nullptr, &error)) {
        const std::string message = error != nullptr ? error->message : "unknown";
        g_clear_error(&error);
        throw std::runtime_error("PDF text markup: " + message);
    }
    const std::unique_ptr<PangoAttrList, AttrListDeleter> attrs(parsed_attrs);
    const GString plain(parsed_text);
    // Inserted before the markup's own spans so that a coloured span still wins.
    pango_attr_list_insert_before(
        attrs.get(), pango_attr_foreground_new(channel(style.colour.r), channel(style.colour.g),
                                               channel(style.colour.b)));

    // Breaking a long value (a hash, an e-mail address) must not add a hyphen to it.
    pango_attr_list_insert(attrs.get(), pango_attr_insert_hyphens_new(FALSE));

    LayoutPtr layout(pango_layout_new(pango_.get()));
    const std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> font(
        pango_font_description_new());
    pango_font_description_set_family(font.get(), style.family);
    // Absolute size: one device unit is one PDF point, so no 96/72 dpi conversion creeps in.
    pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_text(layout.get(), plain.get(), -1);
    pango_layout_set_attributes(layout.get(), attrs.get());
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    // Word wrap, and inside a word when a value (an e-mail address, a hash) has no break.
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), style.align);
    return layout;
}

void PdfWriter::end_page() {
    cairo_show_page(cr_.get());
}

std::string PdfWriter::finish() {
    check(cairo_status(cr_.get()), "PDF drawing");
    pango_.reset();
    cr_.reset();
    cairo_surface_finish(surface_.get());
    check(cairo_surface_status(surface_.get()), "PDF output");
    return std::move(bytes_);
}

std::vector<Page> paginate(const std::vector<Block>& flow, double first_top, double top,
                           double bottom) {
    std::vector<Page> pages(1);
    double y = first_top;
    const auto new_page = [&] {
        pages.emplace_back();
        y = top;
    };
    std::size_t i = 0;
    while (i < flow.size()) {
        // A chain of keep_with_next blocks moves to the next page as a whole.
        std::size_t last = i;
        while (last + 1 < flow.size() && flow[last].keep_with_next) {
            ++last;
        }
        double chain_height = pages.back().empty() ? 0 : flow[i].space_before;
        for (std::size_t k = i; k <= last; ++k) {
            chain_height += flow[k].height + (k == i ? 0 : flow[k].space_before);
        }
        if (!pages.back().empty() && y + chain_height > bottom) {
            new_page();
        }
        for (std::size_t k = i; k <= last; ++k) {
            const Block& block = flow[k];
            double space = pages.back().empty() ? 0 : block.space_before;
            if (!pages.back().empty() && y + space + block.height > bottom) {
                new_page();  // the chain is taller than a page: break inside it
                space = 0;
            }
            pages.back().push_back({&block, y + space});
            y += space + block.height;
        }
        i = last + 1;
    }
    return pages;
}

void draw_text(cairo_t* cr, PangoLayout* layout, double x, double y) {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
}

void draw(cairo_t* cr, const Placement& placement) {
    const Block& block = *placement.block;
    if (block.decoration) {
        cairo_save(cr);
        // The path is not part of the saved state: without this, the text's current point
        // would draw a stray line to the first arc.
        cairo_new_path(cr);
        block.decoration(cr, placement.top);
        cairo_restore(cr);
    }
    for (const Piece& piece : block.pieces) {
        draw_text(cr, piece.layout.get(), piece.x, placement.top + piece.dy);
    }
}

void hairline(cairo_t* cr, double x1, double x2, double y, double width, Colour colour) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, x1, y);
    cairo_line_to(cr, x2, y);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void fill_rectangle(cairo_t* cr, double x, double y, double w, double h, Colour colour) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
}

}  // namespace sigcard::documents::pdf
