// The trust center's documents share one look: A4 with the same margins, a navy heading per
// section, label/value rows, numbered steps, and a footer on every page (a running header from
// the second page on). A document composes its flow with these and then renders its pages.
#pragma once

#include "documents/pdf_flow.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::documents {

namespace layout {
// Page geometry in points: margins of about 22 mm at the sides.
inline constexpr double kLeft = 62;
inline constexpr double kRight = pdf::kA4Width - 62;
inline constexpr double kWidth = kRight - kLeft;
inline constexpr double kTop = 46;
inline constexpr double kBottom = pdf::kA4Height - 40;
inline constexpr double kLabelWidth = 136;
inline constexpr double kValueX = kLeft + kLabelWidth + 12;
inline constexpr double kValueWidth = kRight - kValueX;

inline constexpr pdf::Colour kInk{0.11, 0.12, 0.14};
inline constexpr pdf::Colour kNavy{0.09, 0.22, 0.38};
inline constexpr pdf::Colour kMuted{0.37, 0.40, 0.44};
inline constexpr pdf::Colour kRule{0.80, 0.83, 0.87};
inline constexpr pdf::Colour kTint{0.93, 0.95, 0.975};

inline constexpr pdf::TextStyle kBody{pdf::kSans, 9.5, false, kInk};
inline constexpr pdf::TextStyle kLabel{pdf::kSans, 8.8, false, kMuted};
inline constexpr pdf::TextStyle kHash{pdf::kMono, 7.9, false, kInk};
inline constexpr pdf::TextStyle kSmall{pdf::kSans, 7.4, false, kMuted};
}  // namespace layout

// A day (UTC) as the document's language writes it: 31.12.2026, or 2026-12-31.
std::string date_text(std::int64_t unix_seconds, bool english);

class DocumentFlow {
public:
    explicit DocumentFlow(pdf::PdfWriter& pdf) : pdf_(pdf) {}

    pdf::PdfWriter& pdf() { return pdf_; }
    std::vector<pdf::Block>& blocks() { return flow_; }

    // Markup across the text width.
    pdf::Block text_block(std::string_view markup, const pdf::TextStyle& style,
                          double space_before);
    void paragraph(std::string_view markup, const pdf::TextStyle& style = layout::kBody,
                   double space_before = 8) {
        flow_.push_back(text_block(markup, style, space_before));
    }
    // A section's title; a short section (up to five rows) stays on one page.
    void heading(std::string_view title);
    void row(std::string_view label, const std::string& value_markup,
             const pdf::TextStyle& value_style = layout::kBody);
    // Numbered steps: a title and a text each, escaped here.
    void steps(const std::vector<std::pair<std::string, std::string>>& steps);
    void close_section();

    // Breaks the flow into pages and draws them with `furniture(page, pages, footer_top)`
    // on each; `footer_height` is the height the footer needs. Returns the PDF's bytes.
    std::string render(double footer_height,
                       const std::function<void(int, int, double)>& furniture);

private:
    pdf::PdfWriter& pdf_;
    std::vector<pdf::Block> flow_;
    std::size_t section_start_ = 0;
};

}  // namespace sigcard::documents
