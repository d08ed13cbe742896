#include "documents/document_flow.hpp"

#include <ctime>

#include <fmt/format.h>

#include <algorithm>

namespace sigcard::documents {

using namespace layout;
using pdf::Block;
using pdf::escape;

Block DocumentFlow::text_block(std::string_view markup, const pdf::TextStyle& style,
                               double space_before) {
    Block b;
    b.pieces.push_back({pdf_.text(markup, style, kWidth), kLeft, 0});
    b.height = pdf::height_of(b.pieces.back().layout.get());
    b.space_before = space_before;
    return b;
}

// A short section (an address, the terms) stays on one page; a long one (many attributes) may
// break between its rows.
void DocumentFlow::close_section() {
    constexpr std::size_t short_section = 5;
    const std::size_t rows = flow_.size() - section_start_;
    if (section_start_ > 0 && rows <= short_section) {
        for (std::size_t i = section_start_; i + 1 < flow_.size(); ++i) {
            flow_[i].keep_with_next = true;
        }
    }
}

void DocumentFlow::heading(std::string_view title) {
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

void DocumentFlow::row(std::string_view label, const std::string& value_markup,
                       const pdf::TextStyle& value_style) {
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

void DocumentFlow::steps(const std::vector<std::pair<std::string, std::string>>& steps) {
    constexpr double badge = 15;
    constexpr double text_x = kLeft + badge + 10;
    int number = 0;
    for (const auto& [title, text] : steps) {
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
}

std::string DocumentFlow::render(double footer_height,
                                 const std::function<void(int, int, double)>& furniture) {
    close_section();
    const double footer_top = kBottom - footer_height;
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
        furniture(i + 1, count, footer_top);
        pdf_.end_page();
    }
    return pdf_.finish();
}

std::string date_text(std::int64_t unix_seconds, bool english) {
    const std::time_t t = unix_seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, english ? "%Y-%m-%d" : "%d.%m.%Y", &tm);
    return buffer;
}

}  // namespace sigcard::documents
