#include "portal/confirmation_response.hpp"

#include <fmt/format.h>

namespace sigcard::portal {

http::Response confirmation_response(const documents::ConfirmationBuilder& builder,
                                     const orders::OrderRecord& order,
                                     documents::Language language) {
    auto response = http::Response::pdf(builder.pdf(order, language));
    response.headers.set(
        "Content-Disposition",
        fmt::format("inline; filename=\"{}\"",
                    documents::confirmation_file_name(order.order_number, language)));
    return response;
}

}  // namespace sigcard::portal
