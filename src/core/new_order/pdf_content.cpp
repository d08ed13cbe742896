#include "new_order/pdf_content.hpp"

#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr only
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <array>
#include <exception>

namespace sigcard::new_order {

namespace {

// Keys that make a PDF do something when opened or carry files: scripts, actions, embedded
// files, rich media and XFA forms. A proof is a document to look at, nothing more.
constexpr std::array kActiveKeys{"/JS",        "/JavaScript", "/AA",     "/OpenAction",
                                 "/Launch",    "/EmbeddedFile", "/EmbeddedFiles", "/EF",
                                 "/RichMedia", "/XFA",        "/SubmitForm", "/ImportData"};

}  // namespace

bool has_active_content(const std::string& content) {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    try {
        pdf.processMemoryFile("proof.pdf", content.data(), content.size());
        for (auto object : pdf.getAllObjects()) {
            auto dictionary = object.isStream() ? object.getDict() : object;
            if (!dictionary.isDictionary()) {
                continue;
            }
            for (const char* key : kActiveKeys) {
                if (dictionary.hasKey(key)) {
                    return true;
                }
            }
            if (dictionary.getKey("/S").isNameAndEquals("/JavaScript") ||
                dictionary.getKey("/Type").isNameAndEquals("/Filespec")) {
                return true;
            }
        }
        // A file qpdf had to repair is refused too: what a viewer makes of it is unknown.
        return pdf.anyWarnings();
    } catch (const std::exception&) {
        return true;  // not readable as PDF (damaged, encrypted with an unknown password)
    }
}

}  // namespace sigcard::new_order
