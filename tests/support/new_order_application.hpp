// A complete, valid new-order application as a person would enter it, and small PDFs for proofs:
// the starting point the tests change one field at a time.
#pragma once

#include "new_order/application.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace sigcard::testing {

// Born in 1980, a German identity card valid for years after `today`.
inline new_order::Application valid_application() {
    new_order::Application a;
    a.person = {"Erika Maria", "Mustermann", "Gabler", "1980-08-12", "Berlin", "DE",
                {"Heidestraße 17", "51147", "Köln", "DE"}};
    a.id_document = {"id_card", "L01X00T47", "Stadt Köln", "2021-03-01", "2031-02-28"};
    a.order.contact = {"erika@example.org", "+49 221 1234567"};
    a.order.shipping = {"Erika Mustermann", "", "Heidestraße 17", "", "51147", "Köln", "DE"};
    static_cast<orders::PostalAddress&>(a.order.billing) = a.order.shipping;
    a.order.terms_accepted = true;
    a.identification = {"postident", ""};
    a.withdrawal_acknowledged = true;
    return a;
}

// A PDF with `objects` (their bodies, numbered from 1; object 1 is the catalog) and a correct
// cross-reference table, so that a reader needs no repair.
inline std::string pdf_with(const std::vector<std::string>& objects) {
    std::string pdf = "%PDF-1.7\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const auto xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const auto offset : offsets) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

// A one-page PDF with nothing but a page.
inline std::string plain_pdf() {
    return pdf_with({"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"});
}

// The same page with a script that runs when the file is opened.
inline std::string pdf_with_script() {
    return pdf_with({"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                     "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"});
}

// A page with a file attached to the document (an embedded file).
inline std::string pdf_with_embedded_file() {
    return pdf_with({"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                     "<< /Names [(x.exe) 5 0 R] >>",
                     "<< /Type /Filespec /F (x.exe) >>"});
}

// A PNG signature and header (enough to be recognised by content).
inline std::string png_bytes() {
    return std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16) + std::string(64, '\0');
}

}  // namespace sigcard::testing
