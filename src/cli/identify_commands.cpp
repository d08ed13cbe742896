// sigcard identify --order N …: a registration officer records an identification in person at
// the terminal — the document checked, the scans of front and back (with the corners marked, or
// already cropped), the fields the applicant asks to black out, and the officer's confirmation
// that the document stayed in the applicant's hands and the copy was made in their presence.
// The record is shown, signed with the officer's card (its PIN typed without echo), and stored
// with the encrypted copy; the order is identified.
#include "authority/id_copy_keys.hpp"
#include "authority/trust_center.hpp"
#include "cli/card_signing.hpp"
#include "cli/command_groups.hpp"
#include "cli/holder_terminal.hpp"
#include "common/clock.hpp"
#include "documents/identification_record.hpp"
#include "identification/in_person.hpp"
#include "operators/operator_register.hpp"
#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "text/readable_text.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace sigcard::cli {

namespace {

struct Options {
    std::filesystem::path dir;
    std::string order;
    std::string officer;
    std::string module;
    std::string token;
    std::string type = "id_card";
    std::string number, authority, issued_on, expires_on;
    std::filesystem::path front, back;
    std::string front_corners, back_corners;
    std::string blackout;
    bool stayed = false;
    bool presence = false;
    std::string lang = "de";
    std::filesystem::path out;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> list_from(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        if (!part.empty()) {
            out.push_back(part);
        }
    }
    return out;
}

// The officer's card signs the record (the card's module is loaded for this alone: on the demo's
// SoftHSM2 the cards and the HSM are two token stores, one per module load).
ossl::Bytes sign_record(const Options& o, const std::string& record, const HolderTerminal& t) {
    smartcard::Pkcs11Module module(o.module);
    smartcard::CardSession session(module, module.find_token(o.token).slot);
    const auto certificate = smartcard::qualified_signing_certificate(session);
    return sign_at_terminal(session, certificate, record, t,
                            t.text("PIN Ihrer Mitarbeiterkarte", "Your operator card's PIN"));
}

}  // namespace

void add_identify_commands(CLI::App& app) {
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "identify", "Record an identification in person at a registration office, with the ID "
                    "copy, signed with the registration officer's card");
    cmd->add_option("--dir", o->dir, "Trust center folder")->required();
    cmd->add_option("--order", o->order, "Order number")->required();
    cmd->add_option("--officer", o->officer, "The registration officer's short name")->required();
    cmd->add_option("--module", o->module, "PKCS#11 module of the officer's card reader")->required();
    cmd->add_option("--token", o->token, "Token label of the officer's card")->required();
    cmd->add_option("--document-type", o->type, "id_card or passport")
        ->check(CLI::IsMember({"id_card", "passport"}));
    cmd->add_option("--number", o->number, "Document number as checked")->required();
    cmd->add_option("--authority", o->authority, "Issuing authority as checked")->required();
    cmd->add_option("--issued-on", o->issued_on, "YYYY-MM-DD as checked")->required();
    cmd->add_option("--expires-on", o->expires_on, "YYYY-MM-DD as checked")->required();
    cmd->add_option("--front", o->front, "Scan of the front (or the passport's data page): JPEG, "
                                         "PNG or PDF")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--back", o->back, "Scan of the back (identity card)")->check(CLI::ExistingFile);
    cmd->add_option("--front-corners", o->front_corners,
                    "The document's corners on the front scan: x1,y1,…,x4,y4 (top left, top "
                    "right, bottom right, bottom left); none: the scan is cropped to the document");
    cmd->add_option("--back-corners", o->back_corners, "The same for the back scan");
    cmd->add_option("--blackout", o->blackout,
                    "Fields the applicant asks to black out, of those the policy allows (e.g. "
                    "can,eye_colour,height)");
    cmd->add_flag("--document-stayed-with-applicant", o->stayed,
                  "Confirm: the ID document stayed in the applicant's hands");
    cmd->add_flag("--copy-made-in-presence", o->presence,
                  "Confirm: the copy was made in the applicant's presence");
    cmd->add_option("--lang", o->lang, "de or en")->check(CLI::IsMember({"de", "en"}));
    cmd->add_option("--out", o->out, "Write the printed identification record (PDF) here");
    cmd->callback([o] {
        const HolderTerminal t(o->lang == "en" ? Language::en : Language::de);
        const auto config = config::TrustCenterConfig::load(o->dir);
        // The HSM only when the record is signed: the officer's card is read first.
        struct LaterHsm final : identification::KeyWrapper {
            explicit LaterHsm(std::filesystem::path dir) : dir(std::move(dir)) {}
            authority::HsmKeyWrapper& keys() {
                if (!wrapper) {
                    tc = std::make_unique<authority::TrustCenter>(dir);
                    wrapper = std::make_unique<authority::HsmKeyWrapper>(*tc);
                }
                return *wrapper;
            }
            std::string wrap(std::span<const std::uint8_t> key, std::string_view aad) override {
                return keys().wrap(key, aad);
            }
            Secret unwrap(std::string_view wrapped, std::string_view aad) override {
                return keys().unwrap(wrapped, aad);
            }
            std::filesystem::path dir;
            std::unique_ptr<authority::TrustCenter> tc;
            std::unique_ptr<authority::HsmKeyWrapper> wrapper;
        } hsm(o->dir);
        storage::Database db(config.resolved_database_url(), 2);
        const auto officer = operators::OperatorRegister(db).find(o->officer);
        if (!officer) {
            throw Error(operators::errors::not_found, o->officer);
        }
        identification::InPersonIdentification entry;
        entry.order_number = o->order;
        entry.document = {o->type, o->number, o->authority, o->issued_on, o->expires_on};
        const auto front_side = o->type == "passport" ? identification::DocumentSide::passport_data_page
                                                      : identification::DocumentSide::id_card_front;
        entry.scans.push_back({front_side, read_file(o->front), identification::corners_from_text(o->front_corners)});
        if (!o->back.empty()) {
            entry.scans.push_back({identification::DocumentSide::id_card_back, read_file(o->back),
                                   identification::corners_from_text(o->back_corners)});
        }
        entry.blackout = list_from(o->blackout);
        entry.document_stayed_with_applicant = o->stayed;
        entry.copy_made_in_presence = o->presence;
        identification::IdCopyPolicy policy;
        policy.blackout_allowed = config.new_order.id_copy_blackout_allowed;
        identification::InPersonIdentifications identifications({config, db, hsm, policy});
        const auto prepared = identifications.prepare(entry, *officer, unix_now());
        t.say(t.text("Identifizierungsprotokoll (wird mit Ihrer Karte signiert):",
                     "Identification record (signed with your card):"));
        t.say(text::escaped_for_terminal(nlohmann::json::parse(prepared.record).dump(2),
                                         text::Lines::multiple));
        const auto cms = sign_record(*o, prepared.record, t);
        identifications.complete(prepared, cms, unix_now());
        if (!o->out.empty()) {
            std::ofstream(o->out, std::ios::binary) << documents::render_identification_record(
                prepared.record,
                o->lang == "en" ? documents::Language::english : documents::Language::german);
            t.say(fmt::format("{}: {}", t.text("Protokoll", "Record"), o->out.string()));
        }
        t.say(fmt::format("{} {} {}", t.text("Auftrag", "Order"), o->order,
                          t.text("ist identifiziert.", "is identified.")));
    });
}

}  // namespace sigcard::cli
