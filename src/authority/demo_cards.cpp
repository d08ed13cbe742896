#include "authority/demo_cards.hpp"
#include "common/clock.hpp"

#include "audit/audit_log.hpp"
#include "authority/card_production.hpp"
#include "cards/card_register.hpp"
#include "pki/revocation.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>

namespace sigcard::authority {

namespace {

using std::chrono::days;
constexpr int kYear = 365;
constexpr const char* kDemoPin = "123456";

pki::HolderProfile person(std::string given, std::string surname, std::string serial) {
    pki::HolderProfile h;
    h.given_name = std::move(given);
    h.surname = std::move(surname);
    h.serial_number = std::move(serial);
    h.country = "DE";
    return h;
}

pki::HolderProfile pseudonym(std::string name, std::string serial) {
    pki::HolderProfile h;
    h.pseudonym = std::move(name);
    h.serial_number = std::move(serial);
    h.country = "DE";
    return h;
}

pki::HolderProfile lawyer() {
    auto h = person("Anna", "Schmitz", "DEMO-0007");
    h.admission = pki::Admission{
        "Rechtsanwaltskammer Köln",
        {{{"Rechtsanwältin"}, {pki::oid::profession_rechtsanwalt}, "RAK-K-2015-4711"}}};
    return h;
}

pki::HolderProfile managing_director() {
    auto h = person("Thomas", "Becker", "DEMO-0008");
    h.procuration = pki::Procuration{"DE", "Geschäftsführer", "Muster Handels GmbH",
                                     "HRB 12345, Amtsgericht Koeln"};
    return h;
}

std::vector<DemoCardSpec> build_demo_card_set() {
    using cards::IdentificationMethod;
    std::vector<DemoCardSpec> set;
    auto add = [&set](DemoCardSpec spec) {
        spec.pin = kDemoPin;
        set.push_back(std::move(spec));
    };
    add({.slug = "erika-mustermann",
         .token_label = "Demo Erika Mustermann",
         .what = "valid card, sold directly, identified 2 years ago",
         .expected_answer = "eligible",
         .holder = person("Erika", "Mustermann", "DEMO-0001"),
         .identified_days_ago = 2 * kYear});
    add({.slug = "expired",
         .token_label = "Demo Abgelaufen",
         .what = "expired card (validity ended 30 days ago)",
         .expected_answer = "eligibility.certificate_expired",
         .holder = person("Jonas", "Abgelaufen", "DEMO-0002"),
         .identified_days_ago = 4 * kYear,
         .validity = DemoValidity::expired});
    add({.slug = "revoked",
         .token_label = "Demo Gesperrt",
         .what = "revoked card (keyCompromise)",
         .expected_answer = "eligibility.certificate_revoked",
         .holder = person("Lena", "Gesperrt", "DEMO-0003"),
         .identified_days_ago = kYear,
         .revoked = pki::RevocationReason::key_compromise});
    add({.slug = "partner",
         .token_label = "Demo Partnerkarte",
         .what = fmt::format("card sold by the cooperation partner {}", kDemoPartnerName),
         .expected_answer = "eligibility.partner_card",
         .holder = person("Paul", "Partner", "DEMO-0004"),
         .identified_days_ago = kYear,
         .sold_by_partner = true});
    // Came this far by a remote renewal; the identification itself is past the policy's limit.
    add({.slug = "identification-too-old",
         .token_label = "Demo Identifikation alt",
         .what = "valid card, identification 11 years ago",
         .expected_answer = "eligibility.identification_too_old",
         .holder = person("Karl", "Altbestand", "DEMO-0005"),
         .identification = IdentificationMethod::in_person,
         .identified_days_ago = 11 * kYear,
         .remote_renewals = 1});
    add({.slug = "pseudonym",
         .token_label = "Demo Pseudonym",
         .what = "pseudonym card (CN Sonnenschein:PN)",
         .expected_answer = "eligible",
         .holder = pseudonym("Sonnenschein", "DEMO-0006"),
         .identified_days_ago = 3 * kYear});
    add({.slug = "lawyer",
         .token_label = "Demo Rechtsanwaeltin",
         .what = "lawyer, admission by Rechtsanwaltskammer Köln",
         .expected_answer = "eligible",
         .holder = lawyer(),
         .identification = IdentificationMethod::in_person,
         .identified_days_ago = 2 * kYear});
    add({.slug = "managing-director",
         .token_label = "Demo Geschaeftsfuehrer",
         .what = "managing director, procuration for Muster Handels GmbH",
         .expected_answer = "eligible",
         .holder = managing_director(),
         .identified_days_ago = 2 * kYear});
    add({.slug = "pinpad",
         .token_label = "Demo PIN-Pad",
         .what = "card behind the FAKE PIN-pad reader (PIN typed on the pad)",
         .expected_answer = "eligible",
         .holder = person("Petra", "Pinpad", "DEMO-0009"),
         .identification = IdentificationMethod::eid,
         .identified_days_ago = kYear,
         .pin_pad = true});
    return set;
}

// The certificate never starts before the identification it rests on, and never runs longer
// than the policy's validity.
pki::Validity validity_for(const DemoCardSpec& spec, const config::Policy& policy,
                           pki::Seconds identified, pki::Seconds t) {
    const auto not_after = spec.validity == DemoValidity::expired ? t - days(30) : t + days(60);
    const auto not_before =
        std::max(identified, not_after - days(policy.certificate_validity_days));
    return {not_before, not_after};
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

// Refuses before anything is touched, so a second run changes nothing.
void refuse_if_present(TrustCenter& tc, const std::filesystem::path& folder) {
    if (std::filesystem::exists(folder)) {
        throw Error(errors::demo_cards_exist, folder.string());
    }
    // Cards written in a store of their own are known by the register alone.
    const auto tokens = tc.config().production.card_module.empty()
                            ? tc.hsm_module().slots()
                            : std::vector<smartcard::TokenInfo>{};
    cards::CardRegister reg(tc.database());
    const auto registered = reg.list();
    for (const auto& spec : demo_card_set()) {
        const bool on_token = std::any_of(tokens.begin(), tokens.end(), [&](const auto& t) {
            return t.present && t.label == spec.token_label;
        });
        const bool in_register = std::any_of(registered.begin(), registered.end(), [&](auto& c) {
            return c.token_label == spec.token_label;
        });
        if (on_token || in_register) {
            throw Error(errors::demo_cards_exist, spec.token_label);
        }
    }
}

std::int64_t demo_partner(TrustCenter& tc) {
    cards::CardRegister reg(tc.database());
    if (auto existing = reg.find_partner(kDemoPartnerName)) {
        return existing->id;
    }
    return reg.add_partner({kDemoPartnerName, "folgekarte@kammer-service.example",
                            "+49 221 98765-0", "https://kammer-service.example"},
                           "demo");
}

void revoke_card(TrustCenter& tc, const DemoCard& card, pki::RevocationReason reason) {
    pki::revoke(tc.certificates(), card.certificate_serial, reason, now());
    auto& db = tc.database();
    db.in_transaction([&](soci::session& s) {
        cards::CardRegister::set_state(s, card.card_id, cards::CardState::revoked);
        audit::append(s, db.dialect(), "demo", "card.revoked", card.card_serial,
                      nlohmann::json{{"certificate_serial", card.certificate_serial},
                                     {"reason", static_cast<int>(reason)}}
                          .dump());
        return 0;
    });
}

}  // namespace

DemoCard produce_demo_card(TrustCenter& tc, const DemoCardSpec& spec, std::int64_t partner_id,
                           const std::filesystem::path& folder) {
    const auto t = now();
    const auto identified = t - days(spec.identified_days_ago);
    CardOrder order;
    order.holder = spec.holder;
    order.token_label = spec.token_label;
    order.key_type = spec.key_type;
    order.transport_pin = Secret(spec.pin);
    if (spec.sold_by_partner) {
        order.partner_id = partner_id;
    }
    order.identification_method = spec.identification;
    order.identified_at = identified.time_since_epoch().count();
    order.remote_renewals = spec.remote_renewals;
    order.validity = validity_for(spec, tc.config().policy, identified, t);
    order.actor = "demo";
    const auto produced = produce_card(tc, order);

    DemoCard card{&spec, produced.card_id, produced.card_serial, produced.certificate_serial,
                  folder / (spec.slug + ".pem")};
    write_file(card.certificate_file, ossl::to_pem(produced.certificate.get()));
    if (spec.revoked) {
        revoke_card(tc, card, *spec.revoked);
    }
    return card;
}

namespace {

// The FAKE reader forwards to the trust center's SoftHSM2 and "types" this PIN on its pad.
void write_pinpad_config(const DemoSet& set, const DemoCardSpec& spec) {
    write_file(set.pinpad_config,
               fmt::format("# FAKE PIN-pad reader (demo only): forwards to this module and types\n"
                           "# the PIN below on its keypad. Card: {}\n"
                           "module={}\npin={}\nmode=normal\nmax_tries=3\n",
                           spec.token_label, set.module, spec.pin));
}

}  // namespace

const std::vector<DemoCardSpec>& demo_card_set() {
    static const std::vector<DemoCardSpec> set = build_demo_card_set();
    return set;
}

DemoSet create_demo_cards(TrustCenter& tc) {
    const auto& c = tc.config();
    DemoSet set;
    set.folder = c.dir / "cards";
    set.pinpad_config = set.folder / "pinpad-reader.conf";
    const bool own_store = !c.production.card_module.empty();
    set.module = own_store ? c.production.card_module : c.hsm.module;
    const auto& store = own_store ? c.production.softhsm_conf : c.hsm.softhsm_conf;
    if (!store.empty()) {
        set.softhsm_conf = c.resolve(store);
    }
    refuse_if_present(tc, set.folder);
    set.partner_id = demo_partner(tc);
    std::filesystem::create_directories(set.folder);
    for (const auto& spec : demo_card_set()) {
        set.cards.push_back(produce_demo_card(tc, spec, set.partner_id, set.folder));
        if (spec.pin_pad) {
            write_pinpad_config(set, spec);
        }
    }
    write_file(set.folder / "README.txt", demo_card_table(set));
    return set;
}

std::string demo_card_table(const DemoSet& set) {
    std::string out = "SigCard demo cards (demo PINs; never use these cards for anything real)\n\n";
    constexpr const char* row = "{:<24} {:<7} {:<34} {:<36} {}\n";
    out += fmt::format(row, "token label", "PIN", "certificate serial", "expected follow-up answer",
                       "what it is");
    for (const auto& card : set.cards) {
        out += fmt::format(row, card.spec->token_label, card.spec->pin, card.certificate_serial,
                           card.spec->expected_answer, card.spec->what);
    }
    out += fmt::format("\nCertificates: {}/<slug>.pem\n", set.folder.string());
    out += "\nTo reach the cards (SoftHSM2 reads one token store per process):\n";
    if (!set.softhsm_conf.empty()) {
        out += fmt::format("  export SOFTHSM2_CONF={}\n", set.softhsm_conf.string());
    }
    out += fmt::format("  PKCS#11 module: {}\n", set.module);
    out += fmt::format(
        "  e.g. pkcs11-tool --module {} --token-label \"Demo Erika Mustermann\" "
        "--login --pin 123456 --list-objects\n",
        set.module);
    out += fmt::format(
        "\nPIN-pad card: load the FAKE PIN-pad reader module (libsigcard-pinpad-reader-fake.so,\n"
        "built in the build tree) with\n  export SIGCARD_PINPAD_FAKE_CONFIG={}\n"
        "It shows every token with a PIN pad and logs in with the PIN in that file.\n",
        set.pinpad_config.string());
    return out;
}

}  // namespace sigcard::authority
