#include "documents/invoice.hpp"

#include "documents/document_flow.hpp"

#include <fmt/format.h>

namespace sigcard::documents {

using namespace layout;
using pdf::escape;

std::string render_invoice(const invoices::Invoice& i, const Seller& seller) {
    const std::string title = "Rechnung / Invoice " + i.number;
    pdf::PdfWriter pdf(pdf::kA4Width, pdf::kA4Height, {title, seller.name, title});
    DocumentFlow flow(pdf);
    flow.paragraph(escape(seller.name), {pdf::kSans, 15, true, kNavy}, 0);
    if (!seller.address.empty()) {
        flow.paragraph(escape(seller.address), kSmall, 2);
    }
    flow.paragraph(escape("Rechnung / Invoice"), {pdf::kSans, 19, true, kNavy}, 10);

    flow.heading("Rechnung / Invoice");
    flow.row("Rechnungsnummer / Invoice number", "<b>" + escape(i.number) + "</b>");
    flow.row("Rechnungsdatum / Invoice date",
             escape(date_text(i.issued_at, false) + " (" + date_text(i.issued_at, true) + ")"));
    flow.row("Leistungsdatum / Date of supply", escape(date_text(i.issued_at, false)));
    flow.row("Auftragsnummer / Order number", escape(i.order_number));
    if (!seller.vat_id.empty()) {
        flow.row("USt-IdNr. des Verkäufers / Seller's VAT id", escape(seller.vat_id));
    }
    flow.close_section();

    flow.heading("Rechnungsempfänger / Billed to");
    std::string buyer = escape(i.buyer.name);
    if (!i.buyer.company.empty()) {
        buyer += "\n" + escape(i.buyer.company);
    }
    buyer += "\n" + escape(i.buyer.street);
    if (!i.buyer.address_extra.empty()) {
        buyer += "\n" + escape(i.buyer.address_extra);
    }
    buyer += "\n" + escape(i.buyer.postal_code + " " + i.buyer.city + ", " + i.buyer.country);
    flow.row("Anschrift / Address", buyer);
    if (!i.buyer.vat_id.empty()) {
        flow.row("USt-IdNr. / VAT id", escape(i.buyer.vat_id));
    }
    flow.close_section();

    flow.heading("Leistung / Item");
    flow.row("Beschreibung / Description", escape(i.description));
    flow.row("Nettobetrag / Net", escape(orders::format_amount(i.price.net_cents, false)));
    flow.row(fmt::format("USt {} % / VAT {} %", i.price.vat_percent, i.price.vat_percent),
             escape(orders::format_amount(i.price.vat_cents(), false)));
    flow.row("Gesamtbetrag / Total", "<b>" + escape(orders::format_amount(i.price.gross_cents(), false)) +
                                         "</b>");
    flow.close_section();
    flow.paragraph(escape("Der Betrag ist ohne Abzug innerhalb von 14 Tagen zu zahlen. / Please pay "
                          "the amount without deduction within 14 days."),
                   kBody, 8);

    const std::string footer = escape(seller.name + " · " + title);
    const double height = pdf::height_of(pdf.text(footer, kSmall, kWidth).get());
    return flow.render(height, [&](int page, int pages, double footer_top) {
        cairo_t* cr = pdf.context();
        pdf::hairline(cr, kLeft, kRight, footer_top - 6, 0.5, kRule);
        auto left = pdf.text(footer + escape(fmt::format(" · Seite / Page {} / {}", page, pages)),
                             kSmall, kWidth);
        pdf::draw_text(cr, left.get(), kLeft, footer_top);
    });
}

}  // namespace sigcard::documents
