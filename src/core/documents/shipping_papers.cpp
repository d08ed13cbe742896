#include "documents/shipping_papers.hpp"

#include "documents/document_flow.hpp"
#include "documents/scan_code.hpp"

#include <fmt/format.h>

namespace sigcard::documents {

namespace {

using namespace layout;
using pdf::escape;

constexpr double kMm = 2.8346;
// DIN 5008 form B: the address field of a DL window envelope, 20 mm from the left, 45 mm from
// the top (with the return line above the recipient).
constexpr double kWindowX = 20 * kMm + 5;
constexpr double kWindowY = 45 * kMm;
constexpr double kWindowWidth = 85 * kMm;

std::string address_lines(const std::string& name, const orders::PostalAddress& a) {
    std::string text = escape(name);
    for (const auto* part : {&a.company, &a.street, &a.address_extra}) {
        if (!part->empty()) {
            text += "\n" + escape(*part);
        }
    }
    text += "\n" + escape(a.postal_code + " " + a.city);
    if (a.country != "DE") {
        text += "\n" + escape(a.country);
    }
    return text;
}

// One letter on the writer's current page.
void draw_letter(pdf::PdfWriter& pdf, const PinLetter& l) {
    cairo_t* cr = pdf.context();
    auto put = [&](const std::string& markup, const pdf::TextStyle& style, double x, double y,
                   double width) {
        auto layout = pdf.text(markup, style, width);
        pdf::draw_text(cr, layout.get(), x, y);
        return y + pdf::height_of(layout.get());
    };
    put(escape(l.trust_center), {pdf::kSans, 14, true, kNavy}, kLeft, 40, kWidth);
    put(escape(l.trust_center + " · " + "PIN-Brief / PIN letter"), kSmall, kWindowX,
        kWindowY - 12, kWindowWidth);
    put(address_lines(l.holder_name, l.address), {pdf::kSans, 10.5, false, kInk}, kWindowX,
        kWindowY + 4, kWindowWidth);

    double y = 105 * kMm;
    y = put("<b>" + escape("Ihre PIN und Ihr Aktivierungscode") + "</b>",
            {pdf::kSans, 17, true, kNavy}, kLeft, y, kWidth);
    y = put(escape("Your PIN and activation code"), {pdf::kSans, 12, false, kNavy}, kLeft, y + 2,
            kWidth);
    y += 14;
    const auto row = [&](const std::string& label, const std::string& value,
                         const pdf::TextStyle& style) {
        put(escape(label), kLabel, kLeft, y + 4, kLabelWidth);
        y = std::max(y + 20, put(value, style, kValueX, y, kValueWidth)) + 6;
    };
    row("Auftragsnummer / Order number", "<b>" + escape(l.order_number) + "</b>",
        {pdf::kMono, 12, true, kInk});
    row("Transport-PIN der Karte / The card's transport PIN", "<b>" + escape(l.transport_pin) + "</b>",
        {pdf::kMono, 22, true, kInk});
    row("Aktivierungscode / Activation code", "<b>" + escape(l.activation_code) + "</b>",
        {pdf::kMono, 22, true, kInk});
    row("Aktivieren bis / Activate by",
        "<b>" + escape(date_text(l.activation_deadline, false)) + "</b> (" +
            escape(date_text(l.activation_deadline, true)) + ")",
        {pdf::kSans, 11, false, kInk});
    y += 8;
    y = put(escape(fmt::format(
                "Ihre Signaturkarte kommt in einer eigenen Sendung. Sobald Sie sie in den Händen "
                "halten, bestätigen Sie den Empfang unter {}/status mit der Auftragsnummer und dem "
                "Aktivierungscode – oder mit der neuen Karte selbst. Erst dann wird Ihr Zertifikat "
                "freigeschaltet; eine unterwegs verlorene Karte kann nichts signieren. Ändern Sie "
                "die Transport-PIN, bevor Sie zum ersten Mal signieren. Bewahren Sie diesen Brief "
                "nie zusammen mit der Karte auf.",
                l.portal_url)),
            kBody, kLeft, y, kWidth);
    y = put(escape(fmt::format(
                "Your signature card comes in a separate parcel. Once you hold it, confirm receipt "
                "at {}/status with the order number and the activation code — or with the new "
                "card itself. Only then is your certificate released; a card lost on its way "
                "cannot sign anything. Change the transport PIN before you sign for the first "
                "time. Never keep this letter together with the card.",
                l.portal_url)),
            {pdf::kSans, 9, false, kMuted}, kLeft, y + 8, kWidth);
    pdf::hairline(cr, kLeft, kRight, kBottom - 24, 0.5, kRule);
    put(escape(l.trust_center + " · " + l.order_number), kSmall, kLeft, kBottom - 18, kWidth);
}

}  // namespace

std::string render_pin_letters(const std::vector<PinLetter>& letters) {
    const std::string title = "PIN-Brief / PIN letter";
    pdf::PdfWriter pdf(pdf::kA4Width, pdf::kA4Height,
                       {title, letters.empty() ? std::string() : letters.front().trust_center, title});
    for (const auto& letter : letters) {
        draw_letter(pdf, letter);
        pdf.end_page();
    }
    return pdf.finish();
}

std::string render_pin_letter(const PinLetter& letter) { return render_pin_letters({letter}); }

std::string render_shipping_label(const ShippingLabel& label) {
    constexpr double width = 105 * kMm;
    constexpr double height = 148 * kMm;
    constexpr double margin = 8 * kMm;
    const std::string title = "Versandetikett / Shipping label " + label.order_number;
    pdf::PdfWriter pdf(width, height, {title, label.trust_center, title});
    cairo_t* cr = pdf.context();
    auto put = [&](const std::string& markup, const pdf::TextStyle& style, double y) {
        auto layout = pdf.text(markup, style, width - 2 * margin);
        pdf::draw_text(cr, layout.get(), margin, y);
        return y + pdf::height_of(layout.get());
    };
    double y = put(escape("Absender / From"), kSmall, margin);
    std::string sender = escape(label.trust_center);
    if (!label.sender_address.empty()) {
        sender += "\n" + escape(label.sender_address);
    }
    y = put(sender, {pdf::kSans, 8.5, false, kInk}, y + 2);
    pdf::hairline(cr, margin, width - margin, y + 8, 0.7, kRule);
    y = put(escape("Empfänger / To"), kSmall, y + 16);
    y = put(address_lines(label.address.name, label.address), {pdf::kSans, 13, true, kInk}, y + 3);
    y = put(escape("Signaturkarte · persönlich / Signature card · personal"),
            {pdf::kSans, 9, true, kNavy}, y + 14);
    const auto code = encode_code128(label.order_number);
    draw_bar_code(cr, code, margin, height - margin - 70, width - 2 * margin, 50);
    put(escape(label.order_number), {pdf::kMono, 10, true, kInk}, height - margin - 16);
    pdf.end_page();
    return pdf.finish();
}

}  // namespace sigcard::documents
