#include "documents/identification_record.hpp"

#include "common/clock.hpp"
#include "crypto/ossl.hpp"
#include "documents/document_flow.hpp"
#include "encoding/encoding.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctime>

namespace sigcard::documents {

using namespace layout;
using pdf::escape;

std::string render_identification_record(const std::string& record_text, Language language) {
    const bool en = language == Language::english;
    const auto w = [en](std::string_view de, std::string_view english) {
        return std::string(en ? english : de);
    };
    const auto record = nlohmann::json::parse(record_text);
    const auto value = [&](const nlohmann::json& j, const char* key) {
        return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>()
                                                         : std::string();
    };
    const std::string order = value(record, "order_number");
    const std::string title = w("Identifizierungsprotokoll", "Identification record");
    pdf::PdfWriter pdf(pdf::kA4Width, pdf::kA4Height,
                       {fmt::format("{} {}", title, order), value(record, "trust_center"), title});
    DocumentFlow flow(pdf);
    flow.paragraph(escape(value(record, "trust_center")), {pdf::kSans, 15, true, kNavy}, 0);
    flow.paragraph(escape(title), {pdf::kSans, 19, true, kNavy}, 10);

    flow.heading(w("Identifizierung vor Ort", "Identification in person"));
    flow.row(w("Auftragsnummer", "Order number"), "<b>" + escape(order) + "</b>");
    flow.row(w("Registrierungsstelle", "Registration office"), escape(value(record, "office")));
    const auto& officer = record.at("officer");
    flow.row(w("Registrierungsbeauftragte(r)", "Registration officer"),
             escape(value(officer, "name")));
    flow.row(w("Zertifikat der Karte", "Card certificate"),
             escape(value(officer, "certificate_serial")), kHash);
    flow.row(w("Zeitpunkt", "Time"),
             escape(utc_time_text(record.value("identified_at", std::int64_t{0}))));
    flow.close_section();

    flow.heading(w("Vorgelegter Ausweis, wie geprüft", "ID document shown, as checked"));
    const auto& document = record.at("document");
    flow.row(w("Art", "Type"), escape(value(document, "type")));
    flow.row(w("Nummer", "Number"), escape(value(document, "number")));
    flow.row(w("Behörde", "Authority"), escape(value(document, "authority")));
    flow.row(w("Ausgestellt", "Issued"), escape(value(document, "issued_on")));
    flow.row(w("Gültig bis", "Valid until"), escape(value(document, "expires_on")));
    std::string compared;
    for (const auto& c : record.at("comparison")) {
        compared += (compared.empty() ? "" : ", ") + value(c, "field") + ": " +
                    (c.value("agrees", false) ? w("stimmt", "agrees") : w("weicht ab", "differs"));
    }
    flow.row(w("Mit dem Auftrag verglichen", "Compared with the order"), escape(compared));
    flow.close_section();

    flow.heading(w("Ausweiskopie", "ID copy"));
    const auto& copy = record.at("id_copy");
    for (const auto& page : copy.at("pages")) {
        flow.row(escape(value(page, "side")), escape(value(page, "sha256")), kHash);
    }
    std::string blackened;
    for (const auto& f : copy.at("blackened")) {
        blackened += (blackened.empty() ? "" : ", ") + f.get<std::string>();
    }
    flow.row(w("Geschwärzt", "Blacked out"),
             escape(blackened.empty() ? w("nichts", "nothing") : blackened));
    flow.row(w("Kennzeichnung", "Marking"),
             escape(w("„KOPIE“ quer über jede Seite, in den Bildpunkten",
                      "\"KOPIE\" across every page, in the pixels")));
    flow.close_section();

    flow.heading(w("Bestätigung", "Confirmation"));
    const auto& confirmation = record.at("confirmation");
    flow.paragraph("<b>" + escape(value(confirmation, en ? "en" : "de")) + "</b>", kBody, 4);
    flow.paragraph(escape(w("Das Protokoll wurde mit der Mitarbeiterkarte der oder des "
                            "Registrierungsbeauftragten qualifiziert elektronisch signiert "
                            "(CAdES über genau diesen Inhalt):",
                            "The record was signed with the registration officer's card with a "
                            "qualified electronic signature (CAdES over exactly this content):")),
                   kBody, 8);
    flow.paragraph(escape("SHA-256 " +
                          encoding::hex(ossl::sha256(ossl::as_bytes(record_text)))),
                   kHash, 4);
    flow.close_section();

    const std::string footer = escape(fmt::format("{} {}", title, order));
    const double height = pdf::height_of(pdf.text(footer, kSmall, kWidth).get());
    return flow.render(height, [&](int page, int pages, double footer_top) {
        cairo_t* cr = pdf.context();
        pdf::hairline(cr, kLeft, kRight, footer_top - 6, 0.5, kRule);
        auto left = pdf.text(footer + escape(fmt::format(" · {} {} / {}", w("Seite", "Page"),
                                                         page, pages)),
                             kSmall, kWidth);
        pdf::draw_text(cr, left.get(), kLeft, footer_top);
    });
}

}  // namespace sigcard::documents
