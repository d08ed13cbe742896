// What a PDF proof does when opened, read with qpdf. Apart from proofs.cpp because qpdf 11's
// headers compile only as C++17 under clang 15 (the sanitizer and fuzzing build): this header
// and its .cpp use nothing newer.
#pragma once

#include <string>

namespace sigcard::new_order {

// True when the PDF carries scripts, actions, embedded files, rich media or XFA forms, needed
// repair, or cannot be read at all (damaged, encrypted): a proof is a document to look at.
bool has_active_content(const std::string& content);

}  // namespace sigcard::new_order
