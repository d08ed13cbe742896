// sigcard card produce|list, sigcard partner add|list.
#include "authority/card_production.hpp"
#include "authority/follow_up_production.hpp"
#include "authority/order_production.hpp"
#include "common/clock.hpp"
#include "documents/shipping_papers.hpp"
#include "authority/trust_center.hpp"
#include "cards/card_register_errors.hpp"
#include "cli/command_groups.hpp"
#include "cli/dates.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

namespace sigcard::cli {

namespace {

struct ProduceOptions {
    std::filesystem::path dir;
    std::string label;
    std::string given_name, surname, pseudonym, serial_number, country = "DE";
    std::string admission_authority, registration_number;
    std::vector<std::string> professions, profession_oids;
    std::string procuration_for, procuration_register, procuration_type;
    std::string restriction, additional_information;
    std::string partner;
    std::string identification = "in_person";
    std::string identified_on;
    std::string key = "ec-p256";
    std::string transport_pin;
    std::string order_number;  // set: the order's card, everything else comes from the order
    std::filesystem::path pin_letter;  // with an order: write the PIN letter (PDF) here
};

pki::HolderProfile holder_from(const ProduceOptions& o) {
    pki::HolderProfile h;
    h.given_name = o.given_name;
    h.surname = o.surname;
    if (!o.pseudonym.empty()) {
        h.pseudonym = o.pseudonym;
    }
    h.serial_number = o.serial_number;
    h.country = o.country;
    if (!o.admission_authority.empty() || !o.professions.empty()) {
        pki::Admission admission;
        admission.authority = o.admission_authority;
        admission.professions.push_back({o.professions, o.profession_oids, o.registration_number});
        h.admission = admission;
    }
    if (!o.procuration_for.empty()) {
        h.procuration =
            pki::Procuration{"DE", o.procuration_type, o.procuration_for, o.procuration_register};
    }
    if (!o.restriction.empty()) {
        h.restriction = o.restriction;
    }
    if (!o.additional_information.empty()) {
        h.additional_information = o.additional_information;
    }
    return h;
}

// Six digits, uniformly drawn.
smartcard::KeyType key_type_from(const std::string& text) {
    if (text == "ec-p384") {
        return smartcard::KeyType::ec_p384;
    }
    if (text == "rsa-3072") {
        return smartcard::KeyType::rsa_3072;
    }
    if (text != "ec-p256") {
        throw CLI::ValidationError("--key", "ec-p256, ec-p384 or rsa-3072");
    }
    return smartcard::KeyType::ec_p256;
}

void print_transport_pin(const ProduceOptions& o, const Secret& pin) {
    if (o.transport_pin.empty()) {
        fmt::print("Transport PIN: {}\n", pin.view());
    }
}

// An order's card takes its content from the order (a follow-up card carries over what the
// holder declared unchanged); options that would change it are refused rather than ignored.
void produce_for_order(const CLI::App& cmd, const ProduceOptions& o) {
    for (const char* holder_option :
         {"--given-name", "--surname", "--pseudonym", "--serial-number", "--country",
          "--admission-authority", "--profession", "--profession-oid", "--registration-number",
          "--procuration-for", "--procuration-register", "--procuration-type", "--restriction",
          "--additional-information", "--partner", "--identification", "--identified-on",
          "--key"}) {
        if (cmd.count(holder_option) > 0) {
            throw CLI::ValidationError(holder_option,
                                       "not with --order: the order names the holder, the "
                                       "identification and the key type");
        }
    }
    authority::TrustCenter tc(o.dir);
    authority::TrustCenterOrders desk(tc);
    authority::ProductionRequest request;
    request.order_number = o.order_number;
    if (!o.label.empty()) {
        request.token_label = o.label;
    }
    if (!o.transport_pin.empty()) {
        request.transport_pin = Secret(o.transport_pin);
    }
    request.actor = "operator:cli";
    const auto produced = authority::produce_order(desk, request, unix_now());
    fmt::print(
        "Produced card {} (token \"{}\") for order {}, certificate serial {} (on hold until "
        "receipt)\n",
        produced.card.card_serial, produced.card.token_label, o.order_number,
        produced.card.certificate_serial);
    if (!o.pin_letter.empty()) {
        std::ofstream(o.pin_letter, std::ios::binary)
            << documents::render_pin_letter(produced.letter);
        fmt::print("PIN letter (PIN and activation code, printed once): {}\n", o.pin_letter.string());
    } else {
        print_transport_pin(o, Secret(produced.letter.transport_pin));
        fmt::print("Activation code: {}\n", produced.letter.activation_code);
    }
}

void add_produce(CLI::App& card) {
    auto o = std::make_shared<ProduceOptions>();
    auto* cmd = card.add_subcommand("produce", "Personalise a new signature card for a holder");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--label", o->label,
                    "Token label of the new card (required unless --order; then default "
                    "\"SigCard <order>\")");
    cmd->add_option("--order", o->order_number,
                    "Produce the card of this approved order (a follow-up card carries over the "
                    "holder and identification of the card it replaces; a new order's card gets "
                    "the identified person and the approved attributes)");
    cmd->add_option("--pin-letter", o->pin_letter,
                    "With --order: write the PIN letter (transport PIN and activation code, "
                    "printed once) to this PDF instead of printing both");
    cmd->add_option("--given-name", o->given_name);
    cmd->add_option("--surname", o->surname);
    cmd->add_option("--pseudonym", o->pseudonym, "Pseudonym (the certificate shows NAME:PN)");
    cmd->add_option("--serial-number", o->serial_number, "Holder's subject serialNumber");
    cmd->add_option("--country", o->country);
    cmd->add_option("--admission-authority", o->admission_authority,
                    "Chamber that admitted the holder");
    cmd->add_option("--profession", o->professions, "Profession item, e.g. Rechtsanwältin");
    cmd->add_option("--profession-oid", o->profession_oids, "Profession OID");
    cmd->add_option("--registration-number", o->registration_number);
    cmd->add_option("--procuration-for", o->procuration_for, "Company the holder signs for");
    cmd->add_option("--procuration-register", o->procuration_register,
                    "Its commercial register number");
    cmd->add_option("--procuration-type", o->procuration_type, "e.g. Geschäftsführer");
    cmd->add_option("--restriction", o->restriction);
    cmd->add_option("--additional-information", o->additional_information);
    cmd->add_option("--partner", o->partner, "Name of the cooperation partner that sold the card");
    cmd->add_option("--identification", o->identification, "postident, in_person or eid");
    cmd->add_option("--identified-on", o->identified_on, "Date of the identification (YYYY-MM-DD)");
    cmd->add_option("--key", o->key, "ec-p256 (default), ec-p384 or rsa-3072");
    cmd->add_option("--transport-pin", o->transport_pin,
                    "Transport PIN (default: random, printed)");
    cmd->callback([o, cmd] {
        if (!o->order_number.empty()) {
            produce_for_order(*cmd, *o);
            return;
        }
        for (const char* required : {"--label", "--serial-number", "--identified-on"}) {
            if (cmd->count(required) == 0) {
                throw CLI::RequiredError(fmt::format("{} (or --order)", required));
            }
        }
        authority::TrustCenter tc(o->dir);
        authority::CardOrder order;
        order.holder = holder_from(*o);
        order.token_label = o->label;
        order.key_type = key_type_from(o->key);
        order.transport_pin =
            o->transport_pin.empty() ? authority::random_transport_pin() : Secret(o->transport_pin);
        if (!o->partner.empty()) {
            cards::CardRegister reg(tc.database());
            auto partner = reg.find_partner(o->partner);
            if (!partner) {
                throw Error(cards::errors::partner_unknown, o->partner);
            }
            order.partner_id = partner->id;
        }
        auto method = cards::identification_method_from(o->identification);
        if (!method) {
            throw CLI::ValidationError("--identification", "postident, in_person or eid");
        }
        order.identification_method = *method;
        order.identified_at = parse_date(o->identified_on);
        order.actor = "operator:cli";
        const auto produced = authority::produce_card(tc, order);
        fmt::print("Produced card {} (token \"{}\"), certificate serial {}\n", produced.card_serial,
                   produced.token_label, produced.certificate_serial);
        print_transport_pin(*o, order.transport_pin);
    });
}

void add_list(CLI::App& card) {
    auto dir = std::make_shared<std::filesystem::path>();
    auto* cmd = card.add_subcommand("list", "List the produced cards");
    cmd->add_option("--dir", *dir, "Trust center folder")->required();
    cmd->callback([dir] {
        authority::TrustCenter tc(*dir);
        cards::CardRegister reg(tc.database());
        fmt::print("{:>4}  {:<18} {:<34} {:<10} {:<10} {}\n", "id", "card serial", "certificate",
                   "state", "sold", "identified");
        for (const auto& c : reg.list()) {
            fmt::print("{:>4}  {:<18} {:<34} {:<10} {:<10} {} ({})\n", c.id, c.card_serial,
                       c.certificate_serial, cards::to_string(c.state),
                       c.partner_id ? "partner" : "direct", format_date(c.identified_at),
                       cards::to_string(c.identification_method));
        }
    });
}

void add_partner_commands(CLI::App& app) {
    auto* partner = app.add_subcommand("partner", "Cooperation partners (their cards renew there)");
    partner->require_subcommand(1);
    struct AddOptions {
        std::filesystem::path dir;
        cards::Partner partner;
    };
    auto o = std::make_shared<AddOptions>();
    auto* add = partner->add_subcommand("add", "Register a cooperation partner");
    add->add_option("--dir", o->dir, "Trust center folder")->required();
    add->add_option("--name", o->partner.name)->required();
    add->add_option("--email", o->partner.contact_email, "Contact email for holders")->required();
    add->add_option("--phone", o->partner.contact_phone);
    add->add_option("--website", o->partner.website);
    add->callback([o] {
        authority::TrustCenter tc(o->dir);
        cards::CardRegister reg(tc.database());
        const auto id = reg.add_partner(o->partner, "operator:cli");
        fmt::print("Registered partner {} ({})\n", o->partner.name, id);
    });
    auto dir = std::make_shared<std::filesystem::path>();
    auto* list = partner->add_subcommand("list", "List cooperation partners");
    list->add_option("--dir", *dir, "Trust center folder")->required();
    list->callback([dir] {
        authority::TrustCenter tc(*dir);
        cards::CardRegister reg(tc.database());
        for (const auto& p : reg.partners()) {
            fmt::print("{:>3}  {}  <{}>  {}  {}\n", p.id, p.partner.name, p.partner.contact_email,
                       p.partner.contact_phone, p.partner.website);
        }
    });
}

}  // namespace

void add_card_commands(CLI::App& app) {
    auto* card = app.add_subcommand("card", "Signature cards: production and register");
    card->require_subcommand(1);
    add_produce(*card);
    add_list(*card);
    add_partner_commands(app);
}

}  // namespace sigcard::cli
