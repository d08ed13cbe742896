// The ID copy a qualified certificate needs (R10), made from the scans a registration officer
// uploads: JPEG, PNG or PDF recognised by content, limited in bytes, pixels and pages and read
// only by the three loaders allowed (libvips, everything else blocked); turned upright as the
// scanner's EXIF says; straightened to the document type's layout from the four corners the
// officer marked (a perspective map); blackened only at the fields the policy allows (eye colour,
// height, the access number CAN by default, R11) at the regions the layout defines; and marked
// "KOPIE" across the page in its pixels (PAuswG § 20). Only the processed copy is kept.
#pragma once

#include "common/error.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::identification {

namespace errors {
inline constexpr ErrorCode copy_not_an_image{
    "id_copy.not_an_image",
    "Die Datei ist kein JPEG-, PNG- oder PDF-Scan.",
    "The file is not a JPEG, PNG or PDF scan."};
inline constexpr ErrorCode copy_too_large{
    "id_copy.too_large",
    "Der Scan ist zu groß (Dateigröße oder Bildpunkte).",
    "The scan is too large (file size or pixels)."};
inline constexpr ErrorCode copy_too_small{
    "id_copy.too_small",
    "Der Scan ist zu klein, um den Ausweis lesbar zu zeigen.",
    "The scan is too small to show the ID document legibly."};
inline constexpr ErrorCode copy_too_many_pages{
    "id_copy.too_many_pages",
    "Ein PDF-Scan darf höchstens zwei Seiten haben (Vorder- und Rückseite).",
    "A PDF scan may have at most two pages (front and back)."};
inline constexpr ErrorCode copy_unreadable{
    "id_copy.unreadable", "Der Scan kann nicht gelesen werden.", "The scan cannot be read."};
inline constexpr ErrorCode blackout_not_allowed{
    "id_copy.blackout_not_allowed",
    "Dieses Feld darf auf der Ausweiskopie nicht geschwärzt werden.",
    "This field may not be blacked out on the ID copy."};
inline constexpr ErrorCode corners_invalid{
    "id_copy.corners_invalid",
    "Die vier Ecken des Ausweises liegen nicht im Scan oder bilden kein Viereck.",
    "The four corners of the ID document are not within the scan or do not form a quadrilateral."};
}  // namespace errors

// The sides of documents SigCard knows the layout of.
enum class DocumentSide { id_card_front, id_card_back, passport_data_page };
std::string_view to_string(DocumentSide side);
std::optional<DocumentSide> document_side_from(std::string_view text);

// A region of a layout, as fractions of the straightened side's width and height.
struct LayoutRegion {
    std::string_view field;  // eye_colour | height | can | …
    double left, top, right, bottom;
};

struct DocumentLayout {
    DocumentSide side;
    int width, height;  // pixels of the straightened side (about 300 dpi)
    std::vector<LayoutRegion> regions;
};
const DocumentLayout& layout_of(DocumentSide side);

struct Point {
    double x = 0, y = 0;
};

// One uploaded scan of one side.
struct ScanPage {
    DocumentSide side = DocumentSide::id_card_front;
    std::string content;  // the file's bytes
    // The document's corners on the scan as the officer marked them (top left, top right, bottom
    // right, bottom left), in the upright scan's pixels; none: the scan is the side already.
    std::optional<std::array<Point, 4>> corners;
};

struct IdCopyPolicy {
    // From sigcard.toml [new_order] id_copy_blackout_allowed.
    std::vector<std::string> blackout_allowed{"eye_colour", "height", "can"};
    std::size_t max_bytes = 20 * 1024 * 1024;
    std::int64_t max_pixels = 50'000'000;  // per page, read from the header before decoding
    int min_width = 600;
    int min_height = 380;
    int max_pdf_pages = 2;
};

// Corners as an officer types or clicks them: "x1,y1,x2,y2,x3,y3,x4,y4" (top left, top right,
// bottom right, bottom left); empty: none (the scan is cropped). Throws id_copy.corners_invalid.
std::optional<std::array<Point, 4>> corners_from_text(std::string_view text);

struct ProcessedPage {
    DocumentSide side;
    std::string jpeg;  // the processed copy: straightened, blackened, marked; no metadata
    int width = 0, height = 0;
};

// Processes every page; throws the id_copy.* errors above (nothing is produced then). A PDF page
// counts as one scan of `side` for its first page and of the next side for its second.
std::vector<ProcessedPage> process_id_copy(const std::vector<ScanPage>& pages,
                                           const std::vector<std::string>& blackout,
                                           const IdCopyPolicy& policy);

}  // namespace sigcard::identification
