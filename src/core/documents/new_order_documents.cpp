#include "documents/new_order_documents.hpp"

#include "documents/document_flow.hpp"
#include "documents/order_confirmation_texts.hpp"
#include "documents/scan_code.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace sigcard::documents {

namespace {

using namespace layout;
using pdf::escape;

constexpr double kScanCodeSize = 72;

class Words {
public:
    explicit Words(Language language) : english_(language == Language::english) {}
    std::string operator()(std::string_view de, std::string_view en) const {
        return std::string(english_ ? en : de);
    }
    bool english() const { return english_; }

private:
    bool english_;
};

// "1980-08-12" as the language writes a date.
std::string iso_as_text(const std::string& iso, Language language) {
    if (language == Language::english || iso.size() != 10) {
        return iso;
    }
    return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
}

std::string id_type_text(const std::string& type, const Words& w) {
    if (type == "id_card") return w("Personalausweis", "German identity card");
    if (type == "passport") return w("Reisepass", "Passport");
    if (type == "residence_permit") return w("Elektronischer Aufenthaltstitel", "Electronic residence permit");
    if (type == "eu_id_card") return w("Identitätskarte eines EU-/EWR-Staates", "EU/EEA identity card");
    return type;
}

std::string proof_text(const new_order::ProofChoice& proof, const Words& w) {
    if (proof.confirmed_directly) {
        return w("bestätigt die ausstellende Stelle direkt", "confirmed directly by the issuing body");
    }
    return w("Nachweis hochgeladen, SHA-256 ", "proof uploaded, SHA-256 ") +
           proof.upload_sha256.substr(0, 16) + "…";
}

std::string lines(std::initializer_list<std::string> parts) {
    std::string out;
    for (const auto& part : parts) {
        if (!part.empty()) {
            out += (out.empty() ? "" : "\n") + escape(part);
        }
    }
    return out;
}

std::string address_lines(const orders::PostalAddress& a, Language language) {
    return lines({a.company, a.name, a.address_extra, a.street, a.postal_code + " " + a.city,
                  country_name(a.country, language)});
}

const config::RegistrationOffice* office_of(const NewOrderPapers& p) {
    const auto& id = p.application.identification.office;
    const auto found = std::find_if(p.offices.begin(), p.offices.end(),
                                    [&](const config::RegistrationOffice& o) { return o.id == id; });
    return found == p.offices.end() ? nullptr : &*found;
}

std::string full_name(const new_order::Person& person) {
    return person.given_names + " " + person.surname;
}

// Letterhead: the trust center, the document's title, and on the order form the scan code.
void letterhead(DocumentFlow& flow, const NewOrderPapers& p, const std::string& title,
                const std::string& tagline, std::optional<ScanCode> code) {
    auto& pdf = flow.pdf();
    const double text_width = kWidth - (code ? kScanCodeSize + 20 : 0);
    pdf::Block b;
    b.pieces.push_back(
        {pdf.text(escape(p.trust_center), {pdf::kSans, 15, true, kNavy}, text_width), kLeft, 4});
    const double name_height = pdf::height_of(b.pieces.back().layout.get());
    b.pieces.push_back({pdf.text(escape(tagline), kLabel, text_width), kLeft, 4 + name_height + 2});
    const double text_height = 4 + name_height + 2 + pdf::height_of(b.pieces.back().layout.get());
    const double top_height = std::max(text_height, code ? kScanCodeSize : 0.0);
    b.height = top_height + 14;
    b.decoration = [code, top_height](cairo_t* cr, double top) {
        if (code) {
            draw_scan_code(cr, *code, kRight - kScanCodeSize, top, kScanCodeSize);
        }
        pdf::hairline(cr, kLeft, kRight, top + top_height + 8, 1.4, kNavy);
    };
    flow.blocks().push_back(std::move(b));
    flow.paragraph(escape(title), {pdf::kSans, 19, true, kNavy}, 10);
}

std::string footer_markup(const NewOrderPapers& p, const Words& w) {
    return fmt::format("{} {} · {} {}", escape(w("Auftrag", "Order")), escape(p.order_number),
                       escape(w("PostIdent-Referenz", "PostIdent reference")),
                       escape(p.postident_reference));
}

std::string finish(DocumentFlow& flow, const NewOrderPapers& p, const Words& w) {
    auto& pdf = flow.pdf();
    constexpr double number_width = 80;
    const auto footer = footer_markup(p, w);
    const double height = pdf::height_of(pdf.text(footer, kSmall, kWidth - number_width).get());
    return flow.render(height, [&](int page, int pages, double footer_top) {
        cairo_t* cr = pdf.context();
        pdf::hairline(cr, kLeft, kRight, footer_top - 6, 0.5, kRule);
        auto left = pdf.text(footer, kSmall, kWidth - number_width - 10);
        pdf::draw_text(cr, left.get(), kLeft, footer_top);
        auto number = pdf.text(
            escape(fmt::format("{} {} / {}", w("Seite", "Page"), page, pages)),
            {pdf::kSans, 7.4, false, kMuted, PANGO_ALIGN_RIGHT}, number_width);
        pdf::draw_text(cr, number.get(), kRight - number_width, footer_top);
    });
}

pdf::PdfMetadata metadata(const NewOrderPapers& p, const std::string& title) {
    return {fmt::format("{} {}", title, p.order_number), p.trust_center, title};
}

}  // namespace

std::string order_form_scan_text(const NewOrderPapers& p) {
    return p.order_number + " " + p.document_sha256;
}

std::string render_new_order_form(const NewOrderPapers& p) {
    const Words w(p.language);
    const auto title = w("Auftrag für eine qualifizierte Signaturkarte",
                         "Order for a qualified signature card");
    pdf::PdfWriter pdf(pdf::kA4Width, pdf::kA4Height, metadata(p, title));
    DocumentFlow flow(pdf);
    letterhead(flow, p, title, w("Neuauftrag – bitte unterschreiben und zur Identifizierung mitbringen",
                                 "New order – please sign and bring it to your identification"),
               encode_data_matrix(order_form_scan_text(p)));
    const auto& a = p.application;
    const auto& person = a.person;

    flow.heading(w("Auftrag", "Order"));
    flow.row(w("Auftragsnummer", "Order number"), "<b>" + escape(p.order_number) + "</b>");
    flow.row(w("PostIdent-Referenz", "PostIdent reference"), escape(p.postident_reference), kHash);
    flow.row(w("Eingegangen am", "Received on"), escape(date_text(p.created_at, p.language == Language::english)));
    flow.row(w("Identifizierung bis", "Identification by"),
             "<b>" + escape(date_text(p.deadline, p.language == Language::english)) + "</b>");

    flow.heading(w("Antragstellerin / Antragsteller (wie im Ausweis)", "Applicant (as on the ID document)"));
    flow.row(w("Vornamen", "Given names"), escape(person.given_names));
    flow.row(w("Familienname", "Surname"), "<b>" + escape(person.surname) + "</b>");
    if (!person.birth_name.empty()) {
        flow.row(w("Geburtsname", "Birth name"), escape(person.birth_name));
    }
    flow.row(w("Geboren am, in", "Born on, in"),
             escape(iso_as_text(person.birth_date, p.language) + ", " + person.birth_place));
    flow.row(w("Staatsangehörigkeit", "Nationality"),
             escape(country_name(person.nationality, p.language)));
    flow.row(w("Meldeadresse", "Registered address"),
             lines({person.address.street, person.address.postal_code + " " + person.address.city,
                    country_name(person.address.country, p.language)}));

    flow.heading(w("Ausweisdokument", "ID document"));
    flow.row(w("Art", "Type"), escape(id_type_text(a.id_document.type, w)));
    flow.row(w("Nummer", "Number"), escape(a.id_document.number), kHash);
    flow.row(w("Ausstellende Behörde", "Issuing authority"), escape(a.id_document.authority));
    flow.row(w("Ausgestellt am / gültig bis", "Issued on / valid until"),
             escape(iso_as_text(a.id_document.issued_on, p.language) + " / " +
                    iso_as_text(a.id_document.expires_on, p.language)));

    flow.heading(w("Inhalt des Zertifikats", "Certificate content"));
    const auto& c = a.certificate;
    flow.row(w("Name im Zertifikat", "Name in the certificate"),
             escape(c.use_pseudonym ? c.pseudonym + ":PN" : full_name(person)));
    if (c.use_pseudonym) {
        flow.row(w("Hinweis", "Note"), escape(w("Pseudonym – der Name wird im Zertifikat nicht genannt",
                                                "Pseudonym – the name is not shown in the certificate")));
    }
    if (c.profession) {
        flow.row(w("Berufsattribut", "Professional attribute"),
                 lines({c.profession->title, c.profession->chamber, proof_text(c.profession->proof, w)}));
    }
    if (c.procuration) {
        flow.row(w("Vertretungsmacht", "Procuration"),
                 lines({c.procuration->company,
                        c.procuration->register_court + ", " + c.procuration->register_number,
                        proof_text(c.procuration->proof, w)}));
    }
    if (c.monetary_limit) {
        flow.row(w("Betragsgrenze", "Monetary limit"),
                 lines({orders::format_amount(c.monetary_limit->euros * 100, w.english()),
                        proof_text(c.monetary_limit->proof, w)}));
    }
    if (c.restriction) {
        flow.row(w("Beschränkung", "Restriction"),
                 lines({c.restriction->text, proof_text(c.restriction->proof, w)}));
    }

    flow.heading(w("Kontakt", "Contact"));
    flow.row(w("E-Mail-Adresse", "Email address"), escape(a.order.contact.email));
    flow.row(w("Telefon", "Phone"), escape(a.order.contact.phone));
    flow.heading(w("Versand und Rechnung", "Shipping and billing"));
    flow.row(w("Versandadresse", "Shipping address"), address_lines(a.order.shipping, p.language));
    flow.row(w("Rechnungsadresse", "Billing address"), address_lines(a.order.billing, p.language));
    if (!a.order.billing.vat_id.empty()) {
        flow.row(w("USt-IdNr.", "VAT ID"), escape(a.order.billing.vat_id));
    }

    flow.heading(w("Identifizierung", "Identification"));
    if (const auto* office = office_of(p); office && a.identification.method == "registration_office") {
        flow.row(w("Persönlich bei", "In person at"), lines({office->name, office->address, office->hours}));
    } else {
        flow.row(w("Verfahren", "Method"),
                 escape(w("PostIdent in einer Filiale der Deutschen Post (Coupon beiliegend)",
                          "PostIdent at a Deutsche Post branch (coupon enclosed)")));
    }

    flow.heading(w("Bedingungen und Preis", "Terms and price"));
    flow.row(w("AGB-Version", "Terms version"), escape(p.terms_version));
    flow.row(w("SHA-256 der AGB", "SHA-256 of the terms"), escape(p.terms_sha256), kHash);
    flow.row(w("Preis", "Price"), escape(orders::price_text(p.price, w.english())));
    if (new_order::is_consumer(a)) {
        flow.row(w("Widerruf", "Withdrawal"),
                 escape(w("Die Widerrufsbelehrung wurde mir angezeigt; ich habe sie zur Kenntnis "
                          "genommen.",
                          "I was shown the information on the right of withdrawal and have taken "
                          "note of it.")));
    }
    flow.row(w("SHA-256 der Auftragsdaten", "SHA-256 of the order data"),
             escape(p.document_sha256), kHash);

    flow.heading(w("Unterschrift", "Signature"));
    flow.paragraph(escape(w("Ich beantrage eine qualifizierte Signaturkarte mit den obigen Angaben. "
                            "Die Angaben sind richtig und vollständig.",
                            "I apply for a qualified signature card with the details above. The "
                            "details are correct and complete.")));
    pdf::Block signature;
    signature.space_before = 34;
    const double half = kWidth / 2 - 12;
    signature.pieces.push_back(
        {pdf.text(escape(w("Ort, Datum", "Place, date")), kLabel, half), kLeft, 6});
    signature.pieces.push_back(
        {pdf.text(escape(w("Unterschrift", "Signature")), kLabel, half), kLeft + half + 24, 6});
    signature.height = 20;
    signature.decoration = [half](cairo_t* cr, double top) {
        pdf::hairline(cr, kLeft, kLeft + half, top, 0.8, kInk);
        pdf::hairline(cr, kLeft + half + 24, kRight, top, 0.8, kInk);
    };
    flow.blocks().push_back(std::move(signature));
    return finish(flow, p, w);
}

std::string render_postident_coupon(const NewOrderPapers& p) {
    const Words w(p.language);
    const auto title = w("PostIdent-Coupon", "PostIdent coupon");
    pdf::PdfWriter pdf(pdf::kA4Width, pdf::kA4Height, metadata(p, title));
    DocumentFlow flow(pdf);
    letterhead(flow, p, title,
               w("Bitte in einer Filiale der Deutschen Post vorlegen",
                 "Please present at a Deutsche Post branch"),
               std::nullopt);
    flow.paragraph("<b>" + escape(w("Gültig bis ", "Valid until ")) +
                       escape(date_text(p.deadline, p.language == Language::english)) + "</b>",
                   {pdf::kSans, 24, true, kNavy}, 14);
    flow.heading(w("Für die Filiale", "For the branch"));
    flow.row(w("Abrechnungsnummer", "Billing number"), "<b>" + escape(p.postident_billing_number) + "</b>",
             {pdf::kMono, 12, true, kInk});
    flow.row(w("Referenznummer", "Reference number"), "<b>" + escape(p.postident_reference) + "</b>",
             {pdf::kMono, 14, true, kInk});
    pdf::Block bars;
    bars.space_before = 10;
    bars.height = 58;
    bars.decoration = [code = encode_code128(p.postident_reference)](cairo_t* cr, double top) {
        const double width = std::min(kWidth, code.extent * 1.6);
        draw_bar_code(cr, code, kLeft, top, width, 56);
    };
    flow.blocks().push_back(std::move(bars));
    flow.row(w("Name", "Name"),
             escape(p.application.person.given_names + " " + p.application.person.surname));
    flow.row(w("Auftraggeber", "Client"), escape(p.trust_center));
    flow.heading(w("Bitte mitbringen", "Please bring"));
    flow.steps({{w("Einen gültigen Ausweis", "A valid ID document"),
                 w("Das Dokument aus Ihrem Auftrag: ", "The document from your order: ") +
                     id_type_text(p.application.id_document.type, w) + " " +
                     w("(noch mindestens vier Wochen gültig).", "(valid for at least four more weeks).")},
                {w("Diesen Coupon", "This coupon"),
                 w("ausgedruckt oder auf dem Smartphone.", "printed or on your smartphone.")},
                {w("Den unterschriebenen Auftrag", "The signed order form"),
                 w("Er wird mit der Identifizierung an uns gesandt.",
                   "It is sent to us with the identification.")}});
    flow.paragraph(escape(w("Die Filiale prüft Ihren Ausweis in Ihrer Anwesenheit und fertigt die "
                            "Ausweiskopie an. Sie müssen den Ausweis nicht aus der Hand geben.",
                            "The branch checks your ID document in your presence and makes the ID "
                            "copy. You need not hand your document over.")),
                   kLabel, 16);
    return finish(flow, p, w);
}

std::string render_new_order_description(const NewOrderPapers& p) {
    const Words w(p.language);
    const auto title = w("So geht es weiter", "What happens next");
    pdf::PdfWriter pdf(pdf::kA4Width, pdf::kA4Height, metadata(p, title));
    DocumentFlow flow(pdf);
    letterhead(flow, p, title, w("Beschreibung zu Ihrem Neuauftrag", "About your new order"),
               std::nullopt);
    flow.paragraph(escape(fmt::format(
        fmt::runtime(w("Ihr Auftrag {} ist eingegangen. Bitte lassen Sie sich bis zum {} "
                       "identifizieren; danach verfällt der Auftrag.",
                       "Your order {} has been received. Please be identified by {}; after that "
                       "the order expires.")),
        p.order_number, date_text(p.deadline, p.language == Language::english))));
    flow.heading(w("PostIdent in der Filiale", "PostIdent at a branch"));
    flow.steps({{w("Auftrag ausdrucken und unterschreiben", "Print and sign the order form"),
                 w("Prüfen Sie alle Angaben und unterschreiben Sie den Auftrag.",
                   "Check every detail and sign the order form.")},
                {w("Zur Filiale gehen", "Go to a branch"),
                 w("In jeder Filiale der Deutschen Post, mit dem PostIdent-Coupon, dem "
                   "unterschriebenen Auftrag und Ihrem gültigen Ausweis.",
                   "At any Deutsche Post branch, with the PostIdent coupon, the signed order form "
                   "and your valid ID document.")},
                {w("Identifizierung", "Identification"),
                 w("Die Mitarbeiterin oder der Mitarbeiter prüft Ausweis und Person und fertigt "
                   "in Ihrer Anwesenheit die Ausweiskopie an.",
                   "The clerk checks the document and you and makes the ID copy in your "
                   "presence.")},
                {w("Ergebnis", "Result"),
                 w("Die Deutsche Post meldet uns das Ergebnis unter Ihrer Referenznummer, meist "
                   "am selben oder nächsten Werktag.",
                   "Deutsche Post reports the result to us under your reference number, usually "
                   "the same or the next working day.")}});
    flow.heading(w("Oder persönlich bei einer Registrierungsstelle",
                   "Or in person at a registration office"));
    for (const auto& office : p.offices) {
        flow.row(office.name, lines({office.address, office.hours}));
    }
    flow.heading(w("Die Ausweiskopie", "The ID copy"));
    flow.paragraph(escape(w(
        "Für ein qualifiziertes Zertifikat ist immer eine Kopie Ihres Ausweises nötig. Auf der "
        "Kopie dürfen Sie nur Augenfarbe, Größe und die Zugangsnummer (CAN) schwärzen; alle "
        "anderen Angaben werden gebraucht.",
        "A qualified certificate always needs a copy of your ID document. On the copy you may "
        "black out only eye colour, height and the access number (CAN); every other detail is "
        "needed.")));
    flow.paragraph(escape(w(
        "Niemand darf verlangen, dass Sie den Ausweis aus der Hand geben. Die Kopie wird in Ihrer "
        "Anwesenheit angefertigt.",
        "Nobody may demand that you hand your ID document over. The copy is made in your "
        "presence.")));
    flow.heading(w("Danach", "Afterwards"));
    flow.steps({{w("Prüfung", "Review"),
                 w("Zwei Mitarbeiter prüfen Ihren Auftrag und die Nachweise (1–3 Werktage).",
                   "Two staff members review your order and proofs (1–3 working days).")},
                {w("Produktion und Versand", "Production and shipping"),
                 w("Karte und PIN-Brief kommen getrennt per Post (3–5 Werktage).",
                   "Card and PIN letter arrive separately by post (3–5 working days).")},
                {w("Empfang bestätigen", "Confirm receipt"),
                 w("Erst danach wird Ihr Zertifikat freigeschaltet.",
                   "Only then is your certificate activated.")}});
    flow.paragraph(escape(w("Bis zur Identifizierung können Sie den Auftrag über den Link in Ihrer "
                            "Bestätigung kostenlos stornieren.",
                            "Until the identification you can cancel the order free of charge "
                            "through the link in your confirmation.")),
                   kLabel, 14);
    return finish(flow, p, w);
}

}  // namespace sigcard::documents
