// Revocation in the back office: an operator revokes an order's card after checking the
// revocation password the holder says on the phone; chamber staff revoke certificates carrying
// their chamber's admission (and see nothing else).
#include "portal/backoffice/backoffice_pages.hpp"

#include "authority/revocations.hpp"
#include "common/clock.hpp"
#include "pki/qualified_profile.hpp"

#include <fmt/format.h>

namespace sigcard::portal::backoffice {

namespace {

using pages::PageRefusal;
using pages::PageRequest;
using pages::PageValues;
using operators::Role;

int revocation_status(std::string_view id) {
    if (id == "order.unknown") {
        return 404;
    }
    if (id == "operator.role_required" || id == "revocation.other_chamber") {
        return 403;
    }
    return id == "revocation.password_wrong" ? 422 : 409;
}

}  // namespace

void BackofficePages::add_revocation_routes(http::Router& router) {
    router.post("/sperren", operator_page(&BackofficePages::revoke_by_phone, std::nullopt));
    router.get("/kammer", operator_page(&BackofficePages::chamber_page, Role::chamber_staff));
    router.post("/kammer/sperren", operator_page(&BackofficePages::chamber_revoke, Role::chamber_staff));
}

http::Response BackofficePages::revoke_by_phone(PageRequest& page, const Session& session) {
    if (context_.desk == nullptr) {
        throw PageRefusal(http::errors::not_found, 404, "no revocation here");
    }
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    try {
        authority::revoke_by_operator(*context_.desk, number,
                                      Secret(form.find("revocation_password").value_or("")),
                                      session.who, unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), revocation_status(e.id()), e.detail());
    }
    return http::Response::redirect("/auftrag?auftrag=" + number + "&gesperrt=1");
}

http::Response BackofficePages::chamber_page(PageRequest& page, const Session& session) {
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Sperrung durch die Kammer", "Revocation by the chamber")));
    values.set("chamber", session.who.chamber);
    const auto serial = std::string(page.http.query.find("zertifikat").value_or(""));
    values.set("serial", serial);
    values.set("revoked_now", page.http.query.find("gesperrt") == "1");
    if (!serial.empty() && context_.desk != nullptr) {
        const auto stored = context_.desk->trust_center().certificates().find(serial);
        const auto x509 = stored ? ossl::x509_from_der(stored->der) : nullptr;
        const auto profile = x509 ? std::optional(pki::read_holder_profile(x509.get())) : std::nullopt;
        // Only what carries this chamber's admission is shown: nothing else is theirs to see.
        if (!profile || !profile->admission || profile->admission->authority != session.who.chamber) {
            throw PageRefusal(authority::errors::revocation_other_chamber, 403, serial);
        }
        values.set("found", true);
        values.set("holder", profile->common_name());
        std::string professions;
        for (const auto& info : profile->admission->professions) {
            for (const auto& item : info.items) {
                professions += (professions.empty() ? "" : ", ") + item;
            }
        }
        values.set("professions", professions);
        values.set("status", std::string(pki::to_string(stored->status)));
        values.set("revocable", stored->status != pki::CertificateStatus::revoked);
    }
    return render(page, "backoffice_chamber", std::move(values));
}

http::Response BackofficePages::chamber_revoke(PageRequest& page, const Session& session) {
    if (context_.desk == nullptr) {
        throw PageRefusal(http::errors::not_found, 404, "no revocation here");
    }
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto serial = std::string(form.find("serial").value_or(""));
    if (form.find("confirm") != "1") {
        throw PageRefusal(pages::page_errors::form_unreadable, 422, "revocation not confirmed");
    }
    try {
        authority::revoke_by_chamber(*context_.desk, serial, session.who, unix_now());
    } catch (const Error& e) {
        throw PageRefusal(e.code(), revocation_status(e.id()), e.detail());
    }
    return http::Response::redirect("/kammer?zertifikat=" + serial + "&gesperrt=1");
}

}  // namespace sigcard::portal::backoffice
