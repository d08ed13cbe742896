#include "orders/holder_facts.hpp"

namespace sigcard::orders {

CertifiedHolder certified_holder(const pki::HolderProfile& p, const std::string& certificate_serial) {
    CertifiedHolder h;
    h.certificate_serial = certificate_serial;
    h.name = p.common_name();
    auto fact = [&](std::string de, std::string en, std::string value) {
        if (!value.empty()) {
            h.facts.push_back({std::move(de), std::move(en), std::move(value)});
        }
    };
    fact("Kennung des Inhabers", "Holder identifier", p.serial_number);
    if (p.admission) {
        fact("Zulassende Stelle", "Admitting authority", p.admission->authority);
        for (const auto& profession : p.admission->professions) {
            std::string items;
            for (const auto& item : profession.items) {
                items += (items.empty() ? "" : ", ") + item;
            }
            fact("Beruf", "Profession", items);
            fact("Registriernummer", "Registration number", profession.registration_number);
        }
    }
    if (p.procuration) {
        fact("Vertretungsmacht für", "Signing on behalf of", p.procuration->signing_for);
        fact("Register", "Register", p.procuration->register_number);
        fact("Art der Vertretung", "Type of representation", p.procuration->type_of_substitution);
    }
    if (p.restriction) {
        fact("Beschränkung", "Restriction", *p.restriction);
    }
    if (p.additional_information) {
        fact("Zusatzinformation", "Additional information", *p.additional_information);
    }
    if (p.limit_value) {
        std::string amount = std::to_string(p.limit_value->amount);
        if (p.limit_value->exponent > 0) {
            amount += std::string(static_cast<std::size_t>(p.limit_value->exponent), '0');
        }
        fact("Betragsgrenze", "Monetary limit", amount + " " + p.limit_value->currency);
    }
    return h;
}

}  // namespace sigcard::orders
