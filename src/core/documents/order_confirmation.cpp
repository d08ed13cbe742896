#include "documents/order_confirmation.hpp"

#include "documents/document_flow.hpp"
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

using namespace layout;
constexpr double kScanCodeSize = 66;

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
        : pdf_(pdf),
          c_(c),
          german_(c.language == Language::german),
          t_(texts_for(c.language)),
          flow_(pdf) {}

    std::string render();

private:
    // An entered field's label as the form asked for it (orders/order_fields.hpp).
    std::string_view field_label(std::string_view name) const {
        const auto* field = orders::order_field(name);
        return german_ ? field->label_de : field->label_en;
    }
    void heading(std::string_view title) { flow_.heading(title); }
    void row(std::string_view label, const std::string& value_markup,
             const TextStyle& value_style = kBody) {
        flow_.row(label, value_markup, value_style);
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
    DocumentFlow flow_;
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
    flow_.blocks().push_back(std::move(b));
    flow_.paragraph(escape(t_.title), {pdf::kSans, 19, true, kNavy}, 10);
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
    flow_.blocks().push_back(std::move(b));
    flow_.paragraph(escape(t_.intro), kBody, 12);
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
}

void Composer::next_steps() {
    heading(t_.next_section);
    std::vector<std::pair<std::string, std::string>> steps;
    for (const auto& [title, text] : t_.steps) {
        steps.emplace_back(title, text);
    }
    flow_.steps(steps);
    flow_.paragraph(escape(t_.closing), kLabel, 16);
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

    return flow_.render(footer_height(), [this](int page, int pages, double footer_top) {
        page_furniture(page, pages, footer_top);
    });
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
