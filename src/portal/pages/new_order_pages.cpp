#include "portal/pages/new_order_pages.hpp"

#include "common/clock.hpp"
#include "new_order/new_order_errors.hpp"
#include "orders/order_errors.hpp"
#include "orders/order_state_text.hpp"
#include "orders/terms.hpp"
#include "portal/api_support.hpp"
#include "portal/pages/multipart_form.hpp"
#include "portal/pages/new_order_form.hpp"
#include "portal/pages/order_form.hpp"

namespace sigcard::portal::pages {

namespace {

using new_order::Application;

std::string order_path(const std::string& number, const std::string& key) {
    return "/neuauftrag/" + number + "?key=" + key;
}

}  // namespace

NewOrderPages::NewOrderPages(const config::TrustCenterConfig& config, new_order::NewOrders& orders,
                             const PageSupport& support)
    : config_(config), orders_(orders), support_(support) {}

void NewOrderPages::add_routes(http::Router& router) {
    router.get("/neuauftrag", support_.guarded([this](PageRequest& p) { return form(p); }));
    router.post("/neuauftrag", support_.guarded([this](PageRequest& p) { return submit(p); }));
    router.add_prefix("GET", "/neuauftrag/",
                      support_.guarded([this](PageRequest& p) { return order_page(p); }));
    router.add_prefix("POST", "/neuauftrag/",
                      support_.guarded([this](PageRequest& p) { return cancel(p); }));
}

http::Response NewOrderPages::form(PageRequest& page) const {
    Application application;
    application.identification.method = "postident";
    {
        std::lock_guard lock(page.session->mutex);
        if (const auto& der = page.session->wizard.certificate_der; !der.empty()) {
            application = carried_over_application(der);
        }
    }
    return render_form(page, application, {}, true, 200);
}

http::Response NewOrderPages::render_form(PageRequest& page, const Application& a,
                                          const std::vector<orders::FieldError>& errors,
                                          bool billing_same, int status) const {
    auto values = new_order_form_values(page, a, errors, billing_same, config_,
                                        orders::price_text(orders_.price(), page.english()));
    if (const auto terms = orders::TermsCatalogue(orders_.database())
                               .in_force(unix_now())) {
        values.set("terms_version", terms->version);
    } else {
        values.set("terms_missing", std::string(page.text(orders::errors::terms_unknown)));
    }
    return support_.render(page, "new_order", std::move(values), status);
}

http::Response NewOrderPages::submit(PageRequest& page) {
    const auto fields =
        parse_multipart_form(page.http.headers.get("Content-Type"), page.http.body);
    if (!fields) {
        throw PageRefusal(page_errors::form_unreadable, 400, "new order form");
    }
    auto post = split_new_order_post(*fields);
    const auto& form = post.form;
    auto& uploads = post.uploads;
    support_.require_csrf(page, form);
    bool billing_same = true;
    new_order::SubmittedApplication submitted;
    submitted.application = read_new_order_form(form, billing_same);
    submitted.uploads = std::move(uploads);
    const auto password = read_revocation_password(form);
    submitted.revocation_password = password.password;
    submitted.revocation_password_repeat = password.repeated;
    const auto id = std::string(form.find("submission_id").value_or(""));
    if (id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos) {
        submitted.submission_key = "page:" + id;
    }
    const auto entered = submitted.application;
    try {
        const auto placed = orders_.submit(std::move(submitted), unix_now());
        // The order's own page, behind its key: shown now, bookmarkable, in the mail.
        return http::Response::redirect(
            order_path(placed.order_number, orders_.document_secret(placed.order_number)), 303);
    } catch (const orders::InvalidOrderData& e) {
        return render_form(page, entered, e.fields(), billing_same, 422);
    }
}

http::Response NewOrderPages::order_page(PageRequest& page) const {
    const std::string number(page.http.path_remainder);
    const auto key = page.http.query.find("key");
    if (!is_plain_token(number) || !key || !orders_.document_secret_matches(number, *key)) {
        throw PageRefusal(new_order::errors::document_link_invalid, 404, "new order link");
    }
    const auto stored = orders_.find(number);
    if (!stored) {
        throw PageRefusal(new_order::errors::document_link_invalid, 404, "new order link");
    }
    PageValues values;
    const auto& order = stored->order;
    values.set("title", std::string(page.text("Ihr Neuauftrag", "Your new order")));
    values.set("order_number", order.order_number);
    values.set("state", std::string(order.state == orders::OrderState::awaiting_identification
                                        ? "awaiting_identification"
                                        : orders::to_string(order.state)));
    values.set("state_text", std::string(orders::holder_state_text(order.state, page.english())));
    values.set("reference", stored->postident_reference);
    values.set("deadline", format_date(stored->deadline, page.language));
    values.set("awaiting", order.state == orders::OrderState::awaiting_identification);
    values.set("cancellable", orders::allows(orders::rule_of(orders::OrderStep::cancel_by_holder),
                                             order.state));
    values.set("cancelled", order.state == orders::OrderState::cancelled);
    values.set("expired", order.state == orders::OrderState::expired);
    values.set("rejection_reason", orders::rejection_reason(order).value_or(""));
    values.set("key", std::string(*key));
    const std::string lang = page.english() ? "en" : "de";
    const std::string base = "/api/v1/new-orders/" + number + "/";
    values.set("order_form_url", base + "order-form.pdf?key=" + std::string(*key) + "&lang=" + lang);
    values.set("coupon_url", base + "postident-coupon.pdf?key=" + std::string(*key) + "&lang=" + lang);
    values.set("description_url", base + "description.pdf?key=" + std::string(*key) + "&lang=" + lang);
    values.set("postident", stored->application.identification.method == "postident");
    values.set("mail_offered", !config_.mail.smtp_url.empty());
    auto response = support_.render(page, "new_order_status", std::move(values));
    // The key is in this page's address: it must not travel on as a Referer or sit in a cache.
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response NewOrderPages::cancel(PageRequest& page) {
    std::string_view rest = page.http.path_remainder;
    if (!rest.ends_with("/stornieren")) {
        throw PageRefusal(http::errors::not_found, 404, "no page at this address");
    }
    const std::string number(rest.substr(0, rest.size() - std::string_view("/stornieren").size()));
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto key = form.find("key");
    if (!is_plain_token(number) || !key || !orders_.document_secret_matches(number, *key)) {
        throw PageRefusal(new_order::errors::document_link_invalid, 404, "new order link");
    }
    support_.require_csrf(page, form);
    try {
        orders_.cancel_by_applicant(number, unix_now());
    } catch (const Error& e) {
        if (e.id() != "order.invalid_transition") {
            throw;
        }
        throw PageRefusal(new_order::errors::not_cancellable, 409, "cancel");
    }
    return http::Response::redirect(order_path(number, std::string(*key)), 303);
}

}  // namespace sigcard::portal::pages
