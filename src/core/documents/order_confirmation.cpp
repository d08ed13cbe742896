#include "documents/order_confirmation.hpp"

#include "documents/order_confirmation_texts.hpp"
#include "documents/pdf_flow.hpp"
#include "documents/scan_code.hpp"
#include "orders/order_fields.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sigcard::documents {

namespace {

using pdf::Block;
using pdf::Colour;
using pdf::escape;
using pdf::TextStyle;

// Page geometry in points: margins of about 22 mm at the sides.
constexpr double kLeft = 62;
constexpr double kRight = pdf::kA4Width - 62;
constexpr double kWidth = kRight - kLeft;
constexpr double kTop = 46;
constexpr double kBottom = pdf::kA4Height - 40;
constexpr double kLabelWidth = 136;
constexpr double kValueX = kLeft + kLabelWidth + 12;
constexpr double kValueWidth = kRight - kValueX;
constexpr double kScanCodeSize = 66;

constexpr Colour kInk{0.11, 0.12, 0.14};
constexpr Colour kNavy{0.09, 0.22, 0.38};
constexpr Colour kMuted{0.37, 0.40, 0.44};
constexpr Colour kRule{0.80, 0.83, 0.87};
constexpr Colour kTint{0.93, 0.95, 0.975};

constexpr TextStyle kBody{pdf::kSans, 9.5, false, kInk};
constexpr TextStyle kLabel{pdf::kSans, 8.8, false, kMuted};
constexpr TextStyle kHash{pdf::kMono, 7.9, false, kInk};
constexpr TextStyle kSmall{pdf::kSans, 7.4, false, kMuted};

// Lines of a postal address, each escaped, as printed on an envelope.
std::string address_markup(const orders::PostalAddress& a, Language language) {
    std::string out;
    const auto add = [&out](const std::string& line) {
        if (!line.empty()) {
            out += (out.empty() ? "" : "\n") + escape(line);
        }
    };
    add(a.company);
    add(a.name);
    add(a.address_extra);
    add(a.street);
    add(a.postal_code + " " + a.city);
    add(country_name(a.country, language));
    return out;
}

class Composer {
public:
    Composer(pdf::PdfWriter& pdf, const OrderConfirmation& c)
        : pdf_(pdf), c_(c), german_(c.language == Language::german), t_(texts_for(c.language)) {}

    std::string render();

private:
    Block text_block(std::string_view markup, const TextStyle& style, double space_before) {
        Block b;
        b.pieces.push_back({pdf_.text(markup, style, kWidth), kLeft, 0});
        b.height = pdf::height_of(b.pieces.back().layout.get());
        b.space_before = space_before;
        return b;
    }

    // A short section (an address, the terms) stays on one page; a long one (many attributes)
    // may break between its rows.
    void close_section() {
        constexpr std::size_t short_section = 5;
        const std::size_t rows = flow_.size() - section_start_;
        if (section_start_ > 0 && rows <= short_section) {
            for (std::size_t i = section_start_; i + 1 < flow_.size(); ++i) {
                flow_[i].keep_with_next = true;
            }
        }
    }

    void heading(std::string_view title) {
        close_section();
        Block b = text_block(escape(title), {pdf::kSans, 11.5, true, kNavy}, 18);
        b.decoration = [h = b.height](cairo_t* cr, double top) {
            pdf::hairline(cr, kLeft, kRight, top + h + 3, 0.9, kNavy);
        };
        b.height += 7;
        b.keep_with_next = true;
        flow_.push_back(std::move(b));
        section_start_ = flow_.size();
    }

    // An entered field's label as the form asked for it (orders/order_fields.hpp).
    std::string_view field_label(std::string_view name) const {
        const auto* field = orders::order_field(name);
        return german_ ? field->label_de : field->label_en;
    }

    void row(std::string_view label, const std::string& value_markup,
             const TextStyle& value_style = kBody) {
        constexpr double pad = 4;
        Block b;
        b.pieces.push_back({pdf_.text(escape(label), kLabel, kLabelWidth), kLeft, pad + 0.6});
        b.pieces.push_back({pdf_.text(value_markup, value_style, kValueWidth), kValueX, pad});
        b.height = std::max(pdf::height_of(b.pieces[0].layout.get()),
                            pdf::height_of(b.pieces[1].layout.get())) +
                   2 * pad;
        b.decoration = [h = b.height](cairo_t* cr, double top) {
            pdf::hairline(cr, kLeft, kRight, top + h, 0.4, kRule);
        };
        flow_.push_back(std::move(b));
    }

    void letterhead();
    void order_box();
    void summary();
    void next_steps();
    double footer_height();
    void page_furniture(int page, int pages, double footer_top);

    pdf::PdfWriter& pdf_;
    const OrderConfirmation& c_;
    bool german_;
    const ConfirmationTexts& t_;
    std::vector<Block> flow_;
    std::size_t section_start_ = 0;
};

void Composer::letterhead() {
    const double text_width = kWidth - kScanCodeSize - 20;
    Block b;
    b.pieces.push_back(
        {pdf_.text(escape(c_.trust_center), {pdf::kSans, 15, true, kNavy}, text_width), kLeft, 4});
    const double name_height = pdf::height_of(b.pieces.back().layout.get());
    b.pieces.push_back(
        {pdf_.text(escape(t_.tagline), kLabel, text_width), kLeft, 4 + name_height + 2});
    const double text_height = 4 + name_height + 2 + pdf::height_of(b.pieces.back().layout.get());
    const double top_height = std::max(text_height, kScanCodeSize);
    b.height = top_height + 14;
    b.decoration = [code = encode_qr(c_.order_number), top_height](cairo_t* cr, double top) {
        draw_scan_code(cr, code, kRight - kScanCodeSize, top, kScanCodeSize);
        pdf::hairline(cr, kLeft, kRight, top + top_height + 8, 1.4, kNavy);
    };
    flow_.push_back(std::move(b));
    flow_.push_back(text_block(escape(t_.title), {pdf::kSans, 19, true, kNavy}, 10));
}

// The order number is what the holder quotes on the phone, so it gets its own box.
void Composer::order_box() {
    constexpr double pad = 11;
    const double half = kWidth / 2;
    Block b;
    b.space_before = 12;
    b.pieces.push_back({pdf_.text(escape(t_.order_number), kLabel, half), kLeft + pad, pad});
    const double label_height = pdf::height_of(b.pieces.back().layout.get()) + 2;
    b.pieces.push_back(
        {pdf_.text(escape(c_.order_number), {pdf::kSans, 17, true, kInk}, half - 2 * pad),
         kLeft + pad, pad + label_height});
    const double left_height = label_height + pdf::height_of(b.pieces.back().layout.get());
    b.pieces.push_back({pdf_.text(escape(t_.received), kLabel, half - pad), kLeft + half, pad});
    b.pieces.push_back(
        {pdf_.text(escape(received_at(c_.created_at, c_.language)), kBody, half - pad),
         kLeft + half, pad + label_height});
    const double right_height = label_height + pdf::height_of(b.pieces.back().layout.get());
    b.height = std::max(left_height, right_height) + 2 * pad;
    b.decoration = [h = b.height](cairo_t* cr, double top) {
        pdf::fill_rectangle(cr, kLeft, top, kWidth, h, kTint);
        pdf::fill_rectangle(cr, kLeft, top, 3, h, kNavy);
    };
    flow_.push_back(std::move(b));
    flow_.push_back(text_block(escape(t_.intro), kBody, 12));
}

void Composer::summary() {
    heading(t_.order_section);
    row(t_.kind, escape(t_.kind_value));
    row(t_.trust_center, escape(c_.trust_center));

    heading(t_.holder_section);
    row(t_.name, "<b>" + escape(c_.holder.name) + "</b>");
    row(t_.old_serial, escape(c_.holder.certificate_serial), kHash);
    for (const auto& fact : c_.holder.facts) {
        row(german_ ? fact.label_de : fact.label_en, escape(fact.value));
    }

    heading(t_.contact_section);
    row(field_label("contact.email"), escape(c_.data.contact.email));
    row(field_label("contact.phone"), escape(c_.data.contact.phone));

    heading(t_.shipping_section);
    row(t_.address, address_markup(c_.data.shipping, c_.language));

    heading(t_.billing_section);
    row(t_.address, address_markup(c_.data.billing, c_.language));
    if (!c_.data.billing.vat_id.empty()) {
        row(field_label("billing.vat_id"), escape(c_.data.billing.vat_id));
    }

    heading(t_.terms_section);
    row(t_.terms_version, escape(c_.terms_version));
    row(t_.terms_hash, escape(c_.terms_sha256), kHash);
    if (!c_.price.empty()) {
        row(t_.price, escape(c_.price));
    }

    heading(t_.signed_section);
    row(t_.document_hash, escape(c_.document_sha256), kHash);
    if (c_.data.name_and_attributes_unchanged) {
        row(t_.declaration, escape(t_.declaration_text));
    }
    close_section();
}

void Composer::next_steps() {
    heading(t_.next_section);
    constexpr double badge = 15;
    constexpr double text_x = kLeft + badge + 10;
    int number = 0;
    for (const auto& [title, text] : t_.steps) {
        ++number;
        Block b;
        b.space_before = 7;
        b.pieces.push_back({pdf_.text(fmt::format("{}", number),
                                      {pdf::kSans, 8, true, {1, 1, 1}, PANGO_ALIGN_CENTER}, badge),
                            kLeft, 2.2});
        b.pieces.push_back({pdf_.text(fmt::format("<b>{}</b>\n{}", escape(title), escape(text)),
                                      kBody, kRight - text_x),
                            text_x, 0});
        b.height = std::max(badge, pdf::height_of(b.pieces.back().layout.get()));
        b.decoration = [](cairo_t* cr, double top) {
            cairo_set_source_rgb(cr, kNavy.r, kNavy.g, kNavy.b);
            cairo_arc(cr, kLeft + badge / 2, top + badge / 2 + 0.5, badge / 2, 0, 2 * G_PI);
            cairo_fill(cr);
        };
        flow_.push_back(std::move(b));
    }
    flow_.push_back(text_block(escape(t_.closing), kLabel, 16));
}

std::string footer_markup(const OrderConfirmation& c, const ConfirmationTexts& t) {
    return fmt::format("{} <span font=\"{} 6.7px\">{}</span>\n{} <span font=\"{} 7px\">{}</span>",
                       escape(t.footer_hash), pdf::kMono, escape(c.document_sha256),
                       escape(t.footer_signed), pdf::kMono, escape(c.holder.certificate_serial));
}

constexpr double kPageNumberWidth = 80;

double Composer::footer_height() {
    auto layout = pdf_.text(footer_markup(c_, t_), kSmall, kWidth - kPageNumberWidth - 10);
    return pdf::height_of(layout.get());
}

// Footer on every page; from the second page on, a running header names the order.
void Composer::page_furniture(int page, int pages, double footer_top) {
    cairo_t* cr = pdf_.context();
    pdf::hairline(cr, kLeft, kRight, footer_top - 6, 0.5, kRule);
    auto footer = pdf_.text(footer_markup(c_, t_), kSmall, kWidth - kPageNumberWidth - 10);
    pdf::draw_text(cr, footer.get(), kLeft, footer_top);
    auto number = pdf_.text(escape(fmt::format(fmt::runtime(t_.page), page, pages)),
                            {pdf::kSans, 7.4, false, kMuted, PANGO_ALIGN_RIGHT}, kPageNumberWidth);
    pdf::draw_text(cr, number.get(), kRight - kPageNumberWidth, footer_top);
    if (page == 1) {
        return;
    }
    auto left = pdf_.text(fmt::format("{} · {}", escape(c_.trust_center), escape(t_.title)), kSmall,
                          kWidth * 0.62);
    auto right = pdf_.text(fmt::format("{} {}", escape(t_.order_number), escape(c_.order_number)),
                           {pdf::kSans, 7.4, true, kMuted, PANGO_ALIGN_RIGHT}, kWidth * 0.36);
    pdf::draw_text(cr, left.get(), kLeft, kTop);
    pdf::draw_text(cr, right.get(), kRight - kWidth * 0.36, kTop);
}

std::string Composer::render() {
    letterhead();
    order_box();
    summary();
    next_steps();

    const double footer_top = kBottom - footer_height();
    // The running header is a line or two of small text; leave room for the longest case.
    const double later_top = kTop + 34;
    const auto pages = pdf::paginate(flow_, kTop, later_top, footer_top - 18);
    const int count = static_cast<int>(pages.size());
    for (int i = 0; i < count; ++i) {
        if (i > 0) {
            pdf::hairline(pdf_.context(), kLeft, kRight, later_top - 10, 0.5, kRule);
        }
        for (const auto& placement : pages[static_cast<std::size_t>(i)]) {
            pdf::draw(pdf_.context(), placement);
        }
        page_furniture(i + 1, count, footer_top);
        pdf_.end_page();
    }
    return pdf_.finish();
}

}  // namespace

std::string render_order_confirmation(const OrderConfirmation& confirmation) {
    const ConfirmationTexts& texts = texts_for(confirmation.language);
    pdf::PdfWriter pdf(
        pdf::kA4Width, pdf::kA4Height,
        {fmt::format("{} {}", texts.title, confirmation.order_number), confirmation.trust_center,
         fmt::format("{} {}", texts.order_number, confirmation.order_number)});
    return Composer(pdf, confirmation).render();
}

}  // namespace sigcard::documents
