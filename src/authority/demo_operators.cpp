#include "authority/demo_operators.hpp"

#include "pki/revocation.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>

namespace sigcard::authority {

namespace {

using operators::Role;

DemoOperatorSpec operator_card(std::string name, std::string given, std::string surname,
                               std::string label, std::string serial, std::vector<Role> roles,
                               std::string what) {
    DemoOperatorSpec spec;
    spec.name = std::move(name);
    spec.roles = std::move(roles);
    spec.card.slug = "operator-" + spec.name;
    spec.card.token_label = std::move(label);
    spec.card.pin = "123456";
    spec.card.what = std::move(what);
    spec.card.expected_answer = "operator";
    spec.card.holder.given_name = std::move(given);
    spec.card.holder.surname = std::move(surname);
    spec.card.holder.serial_number = std::move(serial);
    spec.card.holder.country = "DE";
    spec.card.identification = cards::IdentificationMethod::in_person;
    spec.card.identified_days_ago = 200;
    return spec;
}

std::vector<DemoOperatorSpec> build_set() {
    std::vector<DemoOperatorSpec> set;
    set.push_back(operator_card("anna", "Anna", "Albers", "Demo Op Anna Freigabe", "DEMO-OP-01",
                                {Role::approver}, "approver"));
    set.push_back(operator_card("bernd", "Bernd", "Brandt", "Demo Op Bernd Freigabe",
                                "DEMO-OP-02", {Role::approver}, "second approver"));
    set.push_back(operator_card("clara", "Clara", "Claasen", "Demo Op Clara RA-Stelle",
                                "DEMO-OP-03", {Role::registration_officer},
                                "registration officer (identification, PostIdent review)"));
    set.push_back(operator_card("dirk", "Dirk", "Decker", "Demo Op Dirk Produktion", "DEMO-OP-04",
                                {Role::production}, "production"));
    set.push_back(operator_card("elif", "Elif", "Ergin", "Demo Op Elif Versand", "DEMO-OP-05",
                                {Role::shipping}, "shipping"));
    set.push_back(operator_card("frank", "Frank", "Fuchs", "Demo Op Frank Revision", "DEMO-OP-06",
                                {Role::auditor}, "auditor"));
    set.push_back(operator_card("greta", "Greta", "Gerber", "Demo Op Greta Admin", "DEMO-OP-07",
                                {Role::administrator}, "administrator"));
    auto chamber = operator_card("hanna", "Hanna", "Hoffmann", "Demo Op Hanna Kammer",
                                 "DEMO-OP-08", {Role::chamber_staff},
                                 "chamber staff, Rechtsanwaltskammer Köln (revocations only)");
    chamber.chamber = "Rechtsanwaltskammer Köln";
    set.push_back(std::move(chamber));
    auto revoked = operator_card("olaf", "Olaf", "Ohlsen", "Demo Op Olaf gesperrt", "DEMO-OP-09",
                                 {Role::approver}, "approver whose card is revoked: refused");
    revoked.card.revoked = pki::RevocationReason::affiliation_changed;
    set.push_back(std::move(revoked));
    return set;
}

}  // namespace

const std::vector<DemoOperatorSpec>& demo_operator_set() {
    static const std::vector<DemoOperatorSpec> set = build_set();
    return set;
}

DemoOperators create_demo_operators(TrustCenter& tc) {
    const auto folder = tc.config().dir / "cards";
    operators::OperatorRegister operators(tc.database());
    for (const auto& spec : demo_operator_set()) {
        if (operators.find(spec.name) || std::filesystem::exists(folder / (spec.card.slug + ".pem"))) {
            throw Error(errors::demo_cards_exist, spec.name);
        }
    }
    std::filesystem::create_directories(folder);
    DemoOperators made;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (const auto& spec : demo_operator_set()) {
        // Registered while the card is good; a revoked one is revoked after (as happens when a
        // colleague leaves).
        auto card_spec = spec.card;
        card_spec.revoked.reset();
        auto card = produce_demo_card(tc, card_spec, 0, folder);
        card.spec = &spec.card;
        operators.add({spec.name, spec.card.holder.given_name + " " + spec.card.holder.surname,
                       card.certificate_serial, spec.roles, spec.chamber},
                      "demo", now);
        if (spec.card.revoked) {
            pki::revoke(tc.certificates(), card.certificate_serial, *spec.card.revoked,
                        pki::Seconds(std::chrono::seconds(now)));
        }
        made.cards.push_back(std::move(card));
    }
    made.table = folder / "OPERATORS.txt";
    std::string table = "SigCard demo operators (demo PINs 123456; never use these cards for "
                        "anything real)\n\n";
    for (std::size_t i = 0; i < made.cards.size(); ++i) {
        const auto& spec = demo_operator_set()[i];
        std::string roles;
        for (const auto role : spec.roles) {
            roles += (roles.empty() ? "" : ",") + std::string(operators::to_string(role));
        }
        table += fmt::format("{:<8} {:<26} {:<22} {}\n", spec.name, spec.card.token_label, roles,
                             spec.card.what);
    }
    std::ofstream(made.table) << table;
    return made;
}

}  // namespace sigcard::authority
