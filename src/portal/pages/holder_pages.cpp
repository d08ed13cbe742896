#include "portal/pages/holder_pages.hpp"

#include "authority/order_production.hpp"

#include "common/clock.hpp"
#include "mail/order_mails.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_state_text.hpp"
#include "http/http_errors.hpp"
#include "portal/pages/embedded_assets.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace sigcard::portal::pages {

namespace {

const ErrorCode cancel_lookup_first{
    "page.cancel_lookup_first",
    "Bitte rufen Sie zuerst den Status Ihres Auftrags mit Auftragsnummer und E-Mail-Adresse ab.",
    "Please look up your order's status with its number and your email address first."};
const ErrorCode cancel_not_confirmed{
    "page.cancel_not_confirmed",
    "Bitte bestätigen Sie, dass Sie den Auftrag stornieren möchten.",
    "Please confirm that you want to cancel the order."};
const ErrorCode cancel_too_late{
    "order.cancel_too_late",
    "Dieser Auftrag ist bereits freigegeben und kann hier nicht mehr storniert werden. Bitte "
    "wenden Sie sich an das Trust Center.",
    "This order has already been approved and can no longer be cancelled here. Please contact "
    "the trust center."};

bool is_asset_name(std::string_view name) {
    return !name.empty() && name.front() != '.' &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") ==
               std::string_view::npos;
}

}  // namespace

HolderPages::HolderPages(HolderPagesContext context)
    : config_(context.config),
      new_order_pages_(context.config, context.new_orders, support_),
      book_(context.book),
      database_(context.database),
      sessions_(std::chrono::minutes(30), 20'000, context.config.limits.new_sessions.per_second(),
                context.config.limits.new_sessions.burst),
      support_(context.config.name, sessions_,
               {context.config.imprint_url, context.config.privacy_url}),
      signer_(PortalRequestSigner::load_or_create(context.request_signing_folder)),
      status_limiter_(context.config.limits.status.per_second(), context.config.limits.status.burst),
      wizard_(
          {context.config, context.follow_up, context.book, context.database, signer_, support_}) {
    if (context.desk != nullptr) {
        receipt_.emplace(context.config, *context.desk, support_, signer_);
    }
}

void HolderPages::add_routes(http::Router& router) {
    const auto page = [this](http::Response (HolderPages::*member)(PageRequest&) const) {
        return support_.guarded([this, member](PageRequest& p) { return (this->*member)(p); });
    };
    router.get("/", page(&HolderPages::start));
    new_order_pages_.add_routes(router);
    router.get("/hilfe/karte", page(&HolderPages::card_help));
    router.get("/status", page(&HolderPages::status_form));
    router.post("/status", support_.guarded([this](PageRequest& p) { return status_lookup(p); }));
    router.post("/status/link",
                support_.guarded([this](PageRequest& p) { return mail_status_link(p); }));
    router.post("/status/stornieren",
                support_.guarded([this](PageRequest& p) { return cancel_order(p); }));
    router.add_prefix("GET", "/static/", static_asset);
    wizard_.add_routes(router);
    if (receipt_) {
        receipt_->add_routes(router);
    }
    // A person who mistypes an address gets a page in their language; programs get JSON.
    auto page_not_found = support_.guarded([](PageRequest&) -> http::Response {
        throw PageRefusal(http::errors::not_found, 404, "no page at this address");
    });
    router.set_not_found([page_not_found](const http::Request& request) {
        const bool browser = request.headers.get("Accept").find("text/html") != std::string::npos;
        if (!browser || request.path.starts_with("/api/")) {
            return http::Response::error(http::errors::not_found, 404);
        }
        return page_not_found(request);
    });
}

http::Response HolderPages::start(PageRequest& page) const {
    PageValues values;
    values.set("title", std::string(page.text("Folgeauftrag für Ihre Signaturkarte",
                                              "Follow-up order for your signature card")));
    values.set("require_pin_pad", config_.policy.require_pin_pad);
    values.set("renewal_window_days", std::to_string(config_.policy.renewal_window_days));
    return support_.render(page, "start", std::move(values));
}

http::Response HolderPages::card_help(PageRequest& page) const {
    PageValues values;
    values.set("title", std::string(page.text("Hilfe zu Karte, Kartenleser und Karten-Agent",
                                              "Help with card, card reader and card agent")));
    values.set("help_groups", card_help_groups(page));
    values.set("agent_url", config_.portal.card_agent_url);
    values.set("require_pin_pad", config_.policy.require_pin_pad);
    auto response = support_.render(page, "card_help", std::move(values));
    // The page asks the local card agent whether it runs.
    response.headers.set("Content-Security-Policy", agent_page_csp(config_.portal.card_agent_url));
    return response;
}

http::Response HolderPages::status_form(PageRequest& page) const {
    PageValues values;
    values.set("title", std::string(page.text("Auftragsstatus", "Order status")));
    values.set("mail_offered", !config_.mail.smtp_url.empty());
    // The link in the holder's mail carries the order number (never the email address).
    if (const auto number = page.http.query.find("auftrag");
        number && number->size() <= 32 &&
        number->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string::npos) {
        values.set("order_number", std::string(*number));
    }
    return support_.render(page, "status", std::move(values));
}

http::Response HolderPages::status_lookup(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    if (!status_limiter_.allow(page.http.remote_address)) {
        throw PageRefusal(http::errors::rate_limited, 429, "status look-ups");
    }
    const std::string number(form.find("order_number").value_or(""));
    const std::string email(form.find("email").value_or(""));
    PageValues values;
    values.set("title", std::string(page.text("Auftragsstatus", "Order status")));
    values.set("order_number", number);
    values.set("email", email);
    values.set("searched", true);
    values.set("mail_offered", !config_.mail.smtp_url.empty());
    // A wrong email and an unknown number give the same answer: the page must not confirm
    // which order numbers exist.
    const auto order =
        number.empty() || email.empty() ? std::nullopt : book_.find_for_holder(number, email);
    if (!order) {
        values.set("not_found", std::string(page.text(orders::errors::not_found)));
        return support_.render(page, "status", std::move(values));
    }
    {
        // The holder proved to know number and email: they may act on this order.
        std::lock_guard lock(page.session->mutex);
        page.session->looked_up.order_number = order->order_number;
        page.session->looked_up.receipt_issued_at = 0;
    }
    return render_status(page, *order, std::move(values));
}

http::Response HolderPages::render_status(PageRequest& page, const orders::OrderRecord& order,
                                    PageValues values) const {
    values.set("title", std::string(page.text("Auftragsstatus", "Order status")));
    values.set("order_number", order.order_number);
    values.set("mail_offered", !config_.mail.smtp_url.empty());
    values.set("found", true);
    values.set("receipt_open", receipt_.has_value() && order.state == orders::OrderState::shipped);
    values.set("cancel_open", order.state == orders::OrderState::submitted);
    values.set("state", std::string(orders::holder_state_text(order.state, page.english())));
    values.set("created_at", format_date_time(order.created_at, page.language));
    values.set("rejection_reason", orders::rejection_reason(order).value_or(""));
    if (const auto shipment = authority::shipment_of(database_, order.order_number)) {
        values.set("card_tracking", shipment->card_tracking);
        values.set("letter_tracking", shipment->letter_tracking);
    }
    PageValues history{PageValues::type::list};
    for (const auto& event : order.events) {
        PageValues entry;
        entry.set("at", format_date_time(event.at, page.language));
        entry.set("state", std::string(orders::holder_state_text(event.to, page.english())));
        history << entry;
    }
    values.set("history", history);
    return support_.render(page, "status", std::move(values));
}

// The status link again by mail, to the order's own address only. The answer is the same
// whether number and email matched or not: the page must not confirm which orders exist.
http::Response HolderPages::mail_status_link(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    if (config_.mail.smtp_url.empty()) {
        throw PageRefusal(http::errors::not_found, 404, "no mails configured");
    }
    if (!status_limiter_.allow(page.http.remote_address)) {
        throw PageRefusal(http::errors::rate_limited, 429, "status links");
    }
    const std::string number(form.find("order_number").value_or(""));
    const std::string email(form.find("email").value_or(""));
    if (const auto order = number.empty() || email.empty()
                               ? std::nullopt
                               : book_.find_for_holder(number, email)) {
        mail::request_status_link(database_, order->id);
    }
    PageValues values;
    values.set("title", std::string(page.text("Auftragsstatus", "Order status")));
    values.set("mail_offered", true);
    values.set("link_requested", true);
    return support_.render(page, "status", std::move(values));
}

// The holder withdraws the order they looked up, as long as nobody approved it.
http::Response HolderPages::cancel_order(PageRequest& page) {
    const auto form = http::QueryParameters::parse(page.http.body);
    support_.require_csrf(page, form);
    std::string number;
    {
        std::lock_guard lock(page.session->mutex);
        number = page.session->looked_up.order_number;
    }
    const auto order = number.empty() ? std::nullopt : book_.find(number);
    if (!order) {
        throw PageRefusal(cancel_lookup_first, 409, "no order looked up");
    }
    PageValues values;
    if (!form.find("confirm_cancel")) {
        values.set("cancel_error", std::string(page.text(cancel_not_confirmed)));
        return render_status(page, *order, std::move(values));
    }
    try {
        book_.cancel_by_holder(number, unix_now());
        values.set("cancelled", true);
        spdlog::info("page order cancelled by the holder: {}", number);
    } catch (const Error& e) {
        // Approved meanwhile: no longer the holder's to withdraw.
        spdlog::info("page cancel refused: {}", e.id());
        values.set("cancel_error", std::string(page.text(cancel_too_late)));
    }
    return render_status(page, *book_.find(number), std::move(values));
}

http::Response static_asset(const http::Request& request) {
    const std::string_view name = request.path_remainder;
    const auto content =
        is_asset_name(name) ? embedded_asset("static/" + std::string(name)) : std::nullopt;
    if (!content) {
        return http::Response::text("not found", 404);
    }
    std::string_view type = "application/octet-stream";
    if (name.ends_with(".css")) {
        type = "text/css; charset=utf-8";
    } else if (name.ends_with(".js")) {
        type = "text/javascript; charset=utf-8";
    } else if (name.ends_with(".svg")) {
        type = "image/svg+xml";
    }
    auto response = http::Response::binary(std::string(*content), type);
    response.headers.set("Cache-Control", "public, max-age=300");
    return response;
}

void add_page_routes(http::Router& router, HolderPages& pages) {
    pages.add_routes(router);
}

}  // namespace sigcard::portal::pages
