// Production and shipping from the back office: the production role produces the card of one
// approved order or of a batch chosen in the queue and gets the PIN letters as one PDF — printed
// once, the PIN and the activation code are not kept —; the shipping role prints the card's label
// and records the tracking numbers of the card's parcel and the PIN letter, which go separately.
#include "portal/backoffice/backoffice_pages.hpp"

#include "authority/order_production.hpp"
#include "common/clock.hpp"
#include "documents/invoice.hpp"
#include "documents/shipping_papers.hpp"
#include "invoices/invoices.hpp"
#include "orders/order_errors.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sigcard::portal::backoffice {

namespace {

using pages::PageRefusal;
using pages::PageRequest;
using operators::Role;

int production_status(std::string_view id) {
    if (id == "order.unknown") {
        return 404;
    }
    return id == "shipping.tracking_invalid" ? 422 : 409;
}

}  // namespace

void BackofficePages::add_shipping_routes(http::Router& router) {
    router.post("/produktion", operator_page(&BackofficePages::produce, Role::production));
    router.post("/versand", operator_page(&BackofficePages::ship, Role::shipping));
    router.get("/versand/etikett.pdf", operator_page(&BackofficePages::label, Role::shipping));
    router.get("/auftrag/rechnung.pdf", operator_page(&BackofficePages::invoice_pdf, std::nullopt));
}

http::Response BackofficePages::invoice_pdf(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const auto number = order_parameter(page, "auftrag");
    const auto invoice = invoices::invoice_of(context_.db, number);
    if (!invoice) {
        throw PageRefusal(orders::errors::unknown, 404, number + ": no invoice");
    }
    const auto& prices = context_.config.prices;
    auto response = http::Response::binary(
        documents::render_invoice(*invoice,
                                  {context_.config.name, prices.seller_address, prices.seller_vat_id}),
        "application/pdf");
    response.headers.set("Content-Disposition",
                         fmt::format("inline; filename=\"rechnung-{}.pdf\"", invoice->number));
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response BackofficePages::produce(PageRequest& page, const Session& session) {
    if (context_.desk == nullptr) {
        throw PageRefusal(http::errors::not_found, 404, "no production here");
    }
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto chosen = form.all("order");
    if (chosen.empty()) {
        throw PageRefusal(pages::page_errors::form_unreadable, 400, "no order chosen");
    }
    std::vector<documents::PinLetter> letters;
    for (const auto number : chosen) {
        try {
            authority::ProductionRequest request;
            request.order_number = std::string(number);
            request.actor = session.who.actor();
            letters.push_back(authority::produce_order(*context_.desk, request, unix_now()).letter);
        } catch (const Error& e) {
            if (letters.empty()) {
                throw PageRefusal(e.code(), production_status(e.id()), e.detail());
            }
            // The letters of the cards made so far must come out: their PINs exist nowhere else.
            spdlog::warn("production batch stopped at {}: {}", number, e.id());
            break;
        }
    }
    auto response = http::Response::binary(documents::render_pin_letters(letters), "application/pdf");
    for (auto& letter : letters) {
        OPENSSL_cleanse(letter.transport_pin.data(), letter.transport_pin.size());
    }
    response.headers.set("Content-Disposition",
                         fmt::format("attachment; filename=\"pin-briefe-{}.pdf\"", iso_date(unix_now())));
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("X-SigCard-Produced", std::to_string(letters.size()));
    return response;
}

http::Response BackofficePages::ship(PageRequest& page, const Session& session) {
    if (context_.desk == nullptr) {
        throw PageRefusal(http::errors::not_found, 404, "no shipping here");
    }
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    try {
        authority::ship_order(*context_.desk, number,
                              {std::string(form.find("card_tracking").value_or("")),
                               std::string(form.find("letter_tracking").value_or(""))},
                              session.who.actor(), unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), production_status(e.id()), e.detail());
    }
    return http::Response::redirect("/auftrag?auftrag=" + number + "&versandt=1");
}

http::Response BackofficePages::label(PageRequest& page, const Session&) {
    if (context_.desk == nullptr) {
        throw PageRefusal(http::errors::not_found, 404, "no shipping here");
    }
    const auto number = order_parameter(page, "auftrag");
    std::string pdf;
    try {
        pdf = authority::shipping_label(*context_.desk, number);
    } catch (const Error& e) {
        throw PageRefusal(e.code(), production_status(e.id()), e.detail());
    }
    auto response = http::Response::binary(std::move(pdf), "application/pdf");
    response.headers.set("Content-Disposition",
                         fmt::format("inline; filename=\"etikett-{}.pdf\"", number));
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace sigcard::portal::backoffice
