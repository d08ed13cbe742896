// A stored new order's documents: what they print, and each rendered by its name.
#pragma once

#include "config/trust_center_config.hpp"
#include "documents/new_order_documents.hpp"
#include "new_order/new_orders.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sigcard::new_order {

// The names of the three documents, as links and files name them.
inline constexpr std::array<std::string_view, 3> kDocumentNames{"order-form", "postident-coupon",
                                                                "description"};

documents::NewOrderPapers papers_of(const StoredNewOrder& order,
                                    const config::TrustCenterConfig& config,
                                    documents::Language language);

// The document's PDF; nullopt for a name that is none of kDocumentNames.
std::optional<std::string> render_document(std::string_view name,
                                           const documents::NewOrderPapers& papers);

}  // namespace sigcard::new_order
