// The order confirmation as an HTTP answer, the same from the API and the pages.
#pragma once

#include "documents/confirmation_builder.hpp"
#include "http/response.hpp"

namespace sigcard::portal {

http::Response confirmation_response(const documents::ConfirmationBuilder& builder,
                                     const orders::OrderRecord& order,
                                     documents::Language language);

}  // namespace sigcard::portal
