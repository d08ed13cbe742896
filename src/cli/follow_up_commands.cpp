// sigcard follow-up: the holder's terminal client for a follow-up order (Folgeauftrag). Reads
// the card, asks the portal whether it may renew, takes the data, shows the whole order document,
// signs it with the card (PIN pad or PIN without echo) and submits it.
#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "cli/command_groups.hpp"
#include "cli/card_choice.hpp"
#include "cli/card_signing.hpp"
#include "cli/follow_up_portal.hpp"
#include "cli/holder_terminal.hpp"
#include "orders/order_document.hpp"
#include "orders/order_fields.hpp"
#include "orders/order_state_text.hpp"
#include "orders/revocation_password.hpp"
#include "pki/certificate_store.hpp"
#include "pki/qualified_profile.hpp"
#include "signature/cades.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

namespace sigcard::cli {

namespace {

// Exit codes besides 0 (ordered) and 2 (an error of this program, the card or the connection).
constexpr int kNotEligible = 4;    // the portal says this card cannot place a follow-up order
constexpr int kPortalRefused = 5;  // the portal refused the data or the signed order
constexpr int kStopped = 6;        // the holder stopped, or must place a new order instead


inline constexpr ErrorCode data_file_invalid{
    "terminal.data_file_invalid", "Die Datei mit den Auftragsdaten kann nicht gelesen werden.",
    "The file with the order data cannot be read."};

struct FollowUpOptions {
    std::string portal;
    std::filesystem::path module;
    std::string token;
    std::filesystem::path ca_file;
    std::filesystem::path data_file;
    bool yes = false;
    std::filesystem::path out;
    std::string lang = "de";
};

// The prompt for a field: the web's words (orders/order_fields.hpp), with what the terminal
// needs on top (optional, the country as an ISO code).
std::string prompt_for(const HolderTerminal& t, const orders::OrderField& f) {
    const bool english = t.language() == Language::en;
    auto prompt = orders::field_title(f, english);
    if (f.input == "country") {
        prompt += english ? " (ISO code, e.g. DE)" : " (ISO-Code, z. B. DE)";
    }
    if (!f.required) {
        prompt += " (optional)";
    }
    if (!f.help_de.empty()) {
        prompt += std::string(" – ") + std::string(english ? f.help_en : f.help_de);
    }
    return prompt;
}

void ask_field(const HolderTerminal& t, const orders::OrderField& f, orders::OrderData& data) {
    auto& value = f.value(data);
    value = t.ask(prompt_for(t, f), value, !f.required);
}

void ask_fields(const HolderTerminal& t, orders::FieldSection section, orders::OrderData& data) {
    for (const auto& f : orders::order_fields()) {
        if (f.section == section && (f.name != "billing.vat_id" || !data.billing.company.empty())) {
            ask_field(t, f, data);
        }
    }
}

orders::OrderData read_data_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (!in || json.is_discarded()) {
        throw Error(data_file_invalid, file.string());
    }
    return orders::order_data_from_json(json);
}

class FollowUpRun {
public:
    FollowUpRun(const FollowUpOptions& o, HolderTerminal& t)
        : o_(o),
          t_(t),
          portal_(o.portal, o.ca_file.empty() ? std::nullopt
                                              : std::optional<std::filesystem::path>(o.ca_file)) {}

    int run();

private:
    void ask_revocation_password();
    void show_holder(const nlohmann::json& answer) const;
    int refused(const nlohmann::json& answer) const;
    int new_order_instead(const nlohmann::json& answer) const;
    orders::OrderData enter_data(const nlohmann::json& answer);
    std::optional<PortalDraft> draft_for(orders::OrderData& data);
    bool review(const PortalDraft& draft) const;
    ossl::Bytes sign(smartcard::CardSession& session, const smartcard::CardCertificate& cert,
                     const PortalDraft& draft) const;
    void save_confirmation(const PlacedOrder& order, const std::string& email);

    const FollowUpOptions& o_;
    HolderTerminal& t_;
    FollowUpPortal portal_;
    ossl::Bytes certificate_der_;
    bool billing_same_ = false;
    std::optional<Secret> revocation_password_;
};

void FollowUpRun::show_holder(const nlohmann::json& answer) const {
    const auto holder = answer.value("holder", nlohmann::json::object());
    t_.say(fmt::format("{}: {}", t_.text("Name", "Name"), holder.value("name", "")));
    const char* own_label = t_.language() == Language::de ? "label_de" : "label_en";
    for (const auto& a : holder.value("attributes", nlohmann::json::array())) {
        // {"label": {"de", "en"}} or flat label_de / label_en
        auto label = a.contains("label") ? t_.text(a["label"]) : a.value(own_label, "");
        t_.say(fmt::format("  {}: {}", label, a.value("value", "")));
    }
}

int FollowUpRun::refused(const nlohmann::json& answer) const {
    const auto reason = answer.value("reason", nlohmann::json::object());
    t_.say(fmt::format("{} [{}]: {}", t_.text("Kein Folgeauftrag möglich", "No follow-up order"),
                       reason.value("code", ""),
                       t_.text(reason.value("message", nlohmann::json{}))));
    if (const auto partner = answer.value("partner", nlohmann::json{}); partner.is_object()) {
        t_.say(fmt::format("{}: {}", t_.text("Kooperationspartner", "Cooperation partner"),
                           partner.value("name", "")));
        for (const auto& [key, value] : partner.items()) {
            if (key != "name" && value.is_string() && !value.get<std::string>().empty()) {
                t_.say(fmt::format("  {}: {}", key, value.get<std::string>()));
            }
        }
    }
    if (answer.value("open_order", false)) {
        t_.say(std::string(t_.text(
            "Für diese Karte ist bereits ein Auftrag offen; seinen Stand zeigt das Portal unter "
            "„Auftragsstatus“ mit Auftragsnummer und E-Mail-Adresse.",
            "An order is already open for this card; the portal shows where it stands under "
            "\"Order status\" with the order number and email address.")));
    }
    if (answer.value("new_order_instead", false)) {
        t_.say(fmt::format("{} {}",
                           t_.text("Neuauftrag mit Identifizierung im Portal:",
                                   "New order with identification on the portal:"),
                           o_.portal));
    }
    return kNotEligible;
}

// R6: a changed name or attribute needs a new identification; the new order starts pre-filled.
int FollowUpRun::new_order_instead(const nlohmann::json& answer) const {
    t_.say(t_.text(
        "Wenn sich Ihr Name oder Angaben im Zertifikat geändert haben, ist ein Neuauftrag mit "
        "Identifizierung nötig. Vorausgefüllt aus Ihrem Zertifikat:",
        "If your name or information in the certificate changed, a new order with identification "
        "is needed. Pre-filled from your certificate:"));
    show_holder(answer);
    if (const auto prefill = answer.value("new_order_prefill", nlohmann::json{});
        prefill.is_object()) {
        t_.say(prefill.dump(2));
    }
    t_.say(fmt::format("{} {}", t_.text("Neuauftrag:", "New order:"), o_.portal));
    return kStopped;
}

orders::OrderData FollowUpRun::enter_data(const nlohmann::json& answer) {
    orders::OrderData data;
    data.shipping.name = answer.value("holder", nlohmann::json::object()).value("name", "");
    const bool english = t_.language() == Language::en;
    using orders::FieldSection;
    t_.say(fmt::format("\n{}", orders::section_label(FieldSection::contact, english)));
    ask_fields(t_, FieldSection::contact, data);
    t_.say(fmt::format("\n{}", orders::section_label(FieldSection::shipping, english)));
    ask_fields(t_, FieldSection::shipping, data);
    billing_same_ = t_.confirm(t_.text("Die Rechnungsadresse ist die Versandadresse?",
                                       "The billing address is the shipping address?"),
                               true);
    if (billing_same_) {
        static_cast<orders::PostalAddress&>(data.billing) = data.shipping;
        // As on the web: a VAT ID may be given either way.
        ask_field(t_, *orders::order_field("billing.vat_id"), data);
    } else {
        data.billing.country = data.shipping.country;
        t_.say(fmt::format("\n{}", orders::section_label(FieldSection::billing, english)));
        ask_fields(t_, FieldSection::billing, data);
    }
    data.name_and_attributes_unchanged = true;
    ask_revocation_password();
    // The terms are shown (version, checksum, where to read them) before the holder agrees.
    const auto terms = portal_.current_terms();
    t_.say(fmt::format("\n{} {} (SHA-256 {})\n  {}",
                       t_.text("Allgemeine Geschäftsbedingungen, Version",
                               "General terms and conditions, version"),
                       terms.value("version", ""), terms.value("sha256", ""),
                       terms.value("url", "")));
    data.terms_accepted = t_.confirm(
        t_.text("Stimmen Sie diesen Allgemeinen Geschäftsbedingungen zu?",
                "Do you agree to these general terms and conditions?"),
        false);
    return data;
}

// The new card's revocation password, twice and without echo, by the pages' rule.
void FollowUpRun::ask_revocation_password() {
    t_.say(t_.text("\nSperrkennwort für die neue Karte (mindestens 8 Zeichen): damit können Sie "
                   "die Karte später telefonisch oder online sperren lassen.",
                   "\nRevocation password for the new card (at least 8 characters): with it you "
                   "can have the card revoked later by phone or online."));
    for (;;) {
        auto password = t_.read_pin(t_.text("Sperrkennwort", "Revocation password"));
        const auto repeated =
            t_.read_pin(t_.text("Sperrkennwort wiederholen", "Repeat the revocation password"));
        const auto problems = orders::validate_revocation_password(password, repeated);
        if (problems.empty()) {
            revocation_password_ = std::move(password);
            return;
        }
        t_.say(fmt::format("  {} [{}]", t_.text(problems.front().code->de, problems.front().code->en),
                           problems.front().code->id));
    }
}

// The draft, asking again for just the fields the portal refused; nullopt when it cannot be fixed
// here (data from a file without a terminal, or a declaration the holder did not give).
std::optional<PortalDraft> FollowUpRun::draft_for(orders::OrderData& data) {
    for (;;) {
        auto answer = portal_.create_draft(
            certificate_der_, data, revocation_password_ ? &*revocation_password_ : nullptr);
        if (answer.draft) {
            return answer.draft;
        }
        t_.say(fmt::format("\n{}", t_.text(answer.message)));
        bool fixable = t_.interactive() || o_.data_file.empty();
        // With billing = shipping, a billing error repeats the shipping one: shown and asked once.
        std::erase_if(answer.field_errors, [this](const auto& e) {
            return billing_same_ && e.field.starts_with("billing.") && e.field != "billing.vat_id";
        });
        for (const auto& e : answer.field_errors) {
            const auto* field = orders::order_field(e.field);
            const auto name =
                field != nullptr ? orders::field_title(*field, t_.language() == Language::en) : e.field;
            t_.say(fmt::format("  {}: {} [{}]", name, t_.text(e.message), e.code));
            fixable = fixable && field != nullptr;
        }
        if (!fixable) {
            return std::nullopt;
        }
        for (const auto& e : answer.field_errors) {
            ask_field(t_, *orders::order_field(e.field), data);
        }
        if (billing_same_) {
            static_cast<orders::PostalAddress&>(data.billing) = data.shipping;
        }
    }
}

bool FollowUpRun::review(const PortalDraft& draft) const {
    t_.say(t_.text("\nIhr Auftragsdokument – genau dieser Text wird signiert:",
                   "\nYour order document – exactly this text is signed:"));
    t_.say(std::string(72, '-'));
    t_.say(draft.document);
    t_.say(std::string(72, '-'));
    t_.say(fmt::format("{} {} (SHA-256 {}) {}", t_.text("AGB-Version", "Terms version"),
                       draft.terms_version, draft.terms_sha256, draft.terms_url));
    t_.say(fmt::format("{}: {}", t_.text("Dokument SHA-256", "Document SHA-256"),
                       draft.document_sha256));
    if (o_.yes) {
        return true;
    }
    return t_.confirm(t_.text("Diesen Auftrag mit Ihrer Signaturkarte signieren?",
                              "Sign this order with your signature card?"),
                      false);
}

ossl::Bytes FollowUpRun::sign(smartcard::CardSession& session, const smartcard::CardCertificate& cert,
                              const PortalDraft& draft) const {
    return sign_at_terminal(session, cert, draft.document, t_,
                            t_.text("PIN Ihrer Signaturkarte", "Your signature card's PIN"));
}

void FollowUpRun::save_confirmation(const PlacedOrder& order, const std::string& email) {
    const auto out = o_.out.empty()
                         ? std::filesystem::path(fmt::format(
                               "{}-{}.pdf", t_.text("Auftragsbestaetigung", "order-confirmation"),
                               order.order_number))
                         : o_.out;
    try {
        const auto pdf = portal_.confirmation_pdf(order, email, o_.lang);
        std::ofstream file(out, std::ios::binary | std::ios::trunc);
        file << pdf;
        if (!file.flush()) {
            throw std::runtime_error("cannot write " + out.string());
        }
        t_.say(fmt::format("{}: {}",
                           t_.text("Auftragsbestätigung gespeichert", "Confirmation saved"),
                           out.string()));
    } catch (const std::exception& e) {
        // The order stands; only the copy of its confirmation is missing.
        t_.say(
            fmt::format("{} ({})",
                        t_.text("Die Auftragsbestätigung konnte nicht geladen werden; Sie finden "
                                "sie im Portal.",
                                "The confirmation could not be downloaded; you find it on the "
                                "portal."),
                        e.what()));
    }
}

int FollowUpRun::run() {
    smartcard::Pkcs11Module module(o_.module);
    const auto token = choose_card(module, t_, o_.token, !o_.data_file.empty());
    smartcard::CardSession session(module, token.slot);
    const auto cert = smartcard::qualified_signing_certificate(session);
    certificate_der_ = ossl::to_der(cert.certificate.get());
    t_.say(fmt::format("{}: {} ({})", t_.text("Signaturkarte", "Signature card"), token.label,
                       token.reader));

    const auto answer = portal_.eligibility(certificate_der_);
    show_holder(answer);
    t_.say(
        fmt::format("{}: {} – {}", t_.text("Gültig", "Valid"),
                    orders::format_utc(ossl::to_seconds(X509_get0_notBefore(cert.certificate.get()))
                                           .time_since_epoch()
                                           .count()),
                    orders::format_utc(ossl::to_seconds(X509_get0_notAfter(cert.certificate.get()))
                                           .time_since_epoch()
                                           .count())));
    if (!answer.value("eligible", false)) {
        return refused(answer);
    }
    t_.say(t_.text("Für diese Karte ist ein Folgeauftrag möglich.",
                   "This card can place a follow-up order."));

    orders::OrderData data;
    if (!o_.data_file.empty()) {
        data = read_data_file(o_.data_file);
        if (!data.name_and_attributes_unchanged) {
            return new_order_instead(answer);
        }
    } else {
        if (t_.confirm(t_.text("Haben sich Ihr Name oder eine der Angaben oben geändert?",
                               "Has your name or any of the information above changed?"),
                       false)) {
            return new_order_instead(answer);
        }
        data = enter_data(answer);
    }

    for (int attempt = 0;; ++attempt) {
        const auto draft = draft_for(data);
        if (!draft) {
            return kPortalRefused;
        }
        if (!review(*draft)) {
            t_.say(
                t_.text("Abgebrochen; es wurde nichts bestellt.", "Stopped; nothing was ordered."));
            return kStopped;
        }
        const auto signature = sign(session, cert, *draft);
        try {
            const auto order = portal_.submit(*draft, signature);
            const auto state = orders::order_state_from(order.state);
            t_.say(fmt::format("\n{}: {} ({})", t_.text("Ihre Auftragsnummer", "Your order number"),
                               order.order_number,
                               state ? orders::holder_state_text(*state, t_.language() == Language::en)
                                     : std::string_view(order.state)));
            save_confirmation(order, data.contact.email);
            return 0;
        } catch (const PortalRefusal& e) {
            // Terms changed or the draft went stale while the holder read: review the new one.
            const bool review_again =
                e.code() == "order.terms_outdated" || e.code() == "order.nonce_expired";
            if (!review_again || !t_.interactive() || attempt > 0) {
                throw;
            }
            t_.say(fmt::format("[{}] {}", e.code(), t_.text(e.message())));
            session.logout();
        }
    }
}

}  // namespace

void add_follow_up_commands(CLI::App& app) {
    auto o = std::make_shared<FollowUpOptions>();
    auto* cmd = app.add_subcommand(
        "follow-up",
        "Place a follow-up order with your signature card (exit 0 ordered, 2 error, 4 card not "
        "eligible, 5 refused by the portal, 6 stopped or new order needed)");
    cmd->add_option("--portal", o->portal, "Portal URL, e.g. https://portal.example")->required();
    cmd->add_option("--module", o->module, "PKCS#11 module of your card reader")->required();
    cmd->add_option("--token", o->token,
                    "Token label of the card (default: the only card; with several, asked)");
    cmd->add_option("--ca-file", o->ca_file, "Trust anchors of the portal's TLS certificate (PEM)");
    cmd->add_option("--data", o->data_file,
                    "Order data as JSON (contact, shipping, billing, declaration) instead of "
                    "questions");
    cmd->add_flag("--yes", o->yes, "Sign without asking again after showing the document");
    cmd->add_option("--out", o->out, "Where to save the confirmation PDF");
    cmd->add_option("--lang", o->lang, "de (default) or en")->check(CLI::IsMember({"de", "en"}));
    cmd->callback([o] {
        HolderTerminal terminal(o->lang == "en" ? Language::en : Language::de);
        int status = 0;
        try {
            FollowUpRun run(*o, terminal);
            status = run.run();
        } catch (const PortalRefusal& e) {
            fmt::print(stderr, "{} [{}]: {}\n", terminal.text("Fehler", "error"), e.code(),
                       terminal.text(e.message()));
            status = e.code().starts_with("eligibility.") ? kNotEligible : kPortalRefused;
        } catch (const Error& e) {
            // Once, in the holder's language; the detail only in the log.
            spdlog::debug("follow-up: {} {}", e.id(), e.detail());
            fmt::print(stderr, "{} [{}]: {}\n", terminal.text("Fehler", "error"), e.id(),
                       terminal.text(e.code().de, e.code().en));
            status = 2;
        }
        if (status != 0) {
            throw CLI::RuntimeError(status);
        }
    });
}

}  // namespace sigcard::cli
