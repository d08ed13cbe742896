// Identification in person at a registration office, on a trust center as `sigcard init`, `demo
// operators` and `sigcard order new` leave it: the registration officer checks the document,
// makes the ID copy from a scan of a synthetic specimen (drawn by the test), confirms the document
// stayed in the applicant's hands, signs the record with her card — and the order is identified,
// the copy stored encrypted under a key wrapped in the HSM, readable only through an audited
// action, and deleted after its retention period. Every bad entry is refused with its code and
// nothing stored.
#include "audit/audit_log.hpp"
#include "authority/id_copy_keys.hpp"
#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "identification/in_person.hpp"
#include "integration/card_signing_support.hpp"
#include "integration_support.hpp"
#include "operators/operator_register.hpp"
#include "support/id_specimen.hpp"
#include "support/new_order_application.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

namespace sigcard::testing {
namespace {

using identification::DocumentSide;

// The HSM key opened for each use only: SoftHSM2 reads one token store per process at a time, and
// the officer's card (in the card store) signs in this process between the uses.
class HsmWhileNeeded final : public identification::KeyWrapper {
public:
    explicit HsmWhileNeeded(std::filesystem::path dir) : dir_(std::move(dir)) {}
    std::string wrap(std::span<const std::uint8_t> key, std::string_view aad) override {
        authority::TrustCenter tc(dir_);
        return authority::HsmKeyWrapper(tc).wrap(key, aad);
    }
    Secret unwrap(std::string_view wrapped, std::string_view aad) override {
        authority::TrustCenter tc(dir_);
        return authority::HsmKeyWrapper(tc).unwrap(wrapped, aad);
    }

private:
    std::filesystem::path dir_;
};

class InPersonIdentificationTest : public TrustCenterTest {
protected:
    void SetUp() override {
        TrustCenterTest::SetUp();
        std::ofstream(tmp_.path() / "agb.txt") << "Allgemeine Geschäftsbedingungen\n";
        for (const auto& step :
             {fmt::format("terms publish {} --version 2026-01 --valid-from 2026-01-01 --dir {}",
                          (tmp_.path() / "agb.txt").string(), dir().string()),
              "demo operators --dir " + dir().string()}) {
            const auto done = sigcard(step);
            ASSERT_EQ(done.status, 0) << done.output;
        }
        nlohmann::json body = valid_application();
        body["identification"] = {{"method", "registration_office"}, {"office", "koeln"}};
        body["revocation_password"] = "Sperre-2026!";
        const auto file = tmp_.path() / "application.json";
        std::ofstream(file) << body.dump();
        const auto placed = sigcard(fmt::format("order new --dir {} --from {} --out {}",
                                                dir().string(), file.string(),
                                                (tmp_.path() / "print").string()));
        ASSERT_EQ(placed.status, 0) << placed.output;
        order = capture(placed.output, "New order (NA-[0-9A-Z-]+) awaiting identification");
        config = config::TrustCenterConfig::load(dir());
        db = std::make_unique<storage::Database>(database_url(), 2);
        keys = std::make_unique<HsmWhileNeeded>(dir());
        identifications = std::make_unique<identification::InPersonIdentifications>(
            identification::IdentificationContext{config, *db, *keys, {}});
    }

    identification::InPersonIdentification entry() {
        const auto application = valid_application();
        identification::InPersonIdentification e;
        e.order_number = order;
        e.document = {application.id_document.type, application.id_document.number,
                      application.id_document.authority, application.id_document.issued_on,
                      application.id_document.expires_on};
        e.scans = {scanned_specimen(DocumentSide::id_card_front),
                   scanned_specimen(DocumentSide::id_card_back)};
        e.blackout = {"can", "eye_colour"};
        e.document_stayed_with_applicant = true;
        e.copy_made_in_presence = true;
        return e;
    }
    operators::Operator officer(const std::string& name) {
        return *operators::OperatorRegister(*db).find(name);
    }
    long long count(const std::string& sql) {
        long long n = 0;
        db->with_session([&](soci::session& s) { s << sql, soci::into(n); });
        return n;
    }
    std::string state() {
        std::string s;
        db->with_session([&](soci::session& session) {
            session << "SELECT state FROM orders WHERE order_number = :n", soci::use(order),
                soci::into(s);
        });
        return s;
    }
    std::string refusal(const std::function<void()>& work) {
        try {
            work();
        } catch (const Error& e) {
            return std::string(e.id());
        }
        return "accepted";
    }

    std::string order;
    config::TrustCenterConfig config;
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<HsmWhileNeeded> keys;
    std::unique_ptr<identification::InPersonIdentifications> identifications;
    std::int64_t now = unix_now();
};

TEST_F(InPersonIdentificationTest, TheOfficerIdentifiesAndTheCopyIsKeptEncryptedAndReadAudited) {
    const auto clara = officer("clara");
    const auto prepared = identifications->prepare(entry(), clara, now);
    EXPECT_NE(prepared.record.find("\"document_stayed_with_applicant\":true"), std::string::npos);
    EXPECT_NE(prepared.record.find("in seiner Anwesenheit"), std::string::npos);
    // Nothing about a document handed over or deposited.
    EXPECT_EQ(prepared.record.find("deposit"), std::string::npos);
    EXPECT_EQ(prepared.record.find("handed"), std::string::npos);
    const auto cms = sign_with_card(dir(), "Demo Op Clara RA-Stelle", prepared.record);
    identifications->complete(prepared, cms, now);
    EXPECT_EQ(state(), "identified");
    EXPECT_EQ(count("SELECT COUNT(*) FROM identification_records"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM id_copies WHERE deleted_at IS NULL"), 2);
    // At rest: no JPEG, no key in the clear.
    db->with_session([&](soci::session& s) {
        soci::rowset<soci::row> rows = (s.prepare << "SELECT sealed, wrapped_key FROM id_copies");
        for (const auto& row : rows) {
            const auto sealed = encoding::from_base64(row.get<std::string>(0));
            EXPECT_EQ(sealed.find("\xFF\xD8\xFF"), std::string::npos);
            EXPECT_EQ(encoding::from_base64(row.get<std::string>(1)).size(), 12u + 32u + 16u);
        }
    });
    // Read by an approver with a reason: in the audit log, then the pages.
    const auto pages = identifications->read_copy(order, officer("anna"), "Freigabe prüfen");
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'id_copy.read' AND actor = "
                    "'operator:anna'"),
              1);
    // The decrypted front: the CAN box black.
    const auto front = vips::VImage::new_from_buffer(pages[0].jpeg, "");
    const auto& layout = identification::layout_of(DocumentSide::id_card_front);
    const auto& can = layout.regions.front();
    const auto box = front.extract_area(int(can.left * layout.width) + 4,
                                        int(can.top * layout.height) + 4,
                                        int((can.right - can.left) * layout.width) - 8,
                                        int((can.bottom - can.top) * layout.height) - 8);
    EXPECT_LT(box.max(), 16);
    // Production and shipping never see it; nor does anybody without a reason.
    EXPECT_EQ(refusal([&] { identifications->read_copy(order, officer("dirk"), "x"); }),
              "operator.role_required");
    EXPECT_EQ(refusal([&] { identifications->read_copy(order, officer("anna"), ""); }),
              "id_copy.reason_missing");
    // Audit chain intact.
    EXPECT_TRUE(audit::verify(*db).intact);

    // Retention: kept 10 years past the certificate's expiry, then deleted with a record.
    identifications->set_retention(order, now - 11 * 365 * 86400LL);
    EXPECT_EQ(identifications->delete_due(now), 2);
    EXPECT_EQ(identifications->delete_due(now), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'id_copy.deleted'"), 2);
    EXPECT_TRUE(identifications->read_copy(order, officer("anna"), "Prüfung").empty());
}

TEST_F(InPersonIdentificationTest, BadEntriesAreRefusedWithTheirCodesAndNothingIsStored) {
    const auto clara = officer("clara");
    auto unconfirmed = entry();
    unconfirmed.document_stayed_with_applicant = false;
    auto other_number = entry();
    other_number.document.number = "T22000129";
    auto no_back = entry();
    no_back.scans.pop_back();
    auto forbidden = entry();
    forbidden.blackout = {"name"};
    auto not_a_scan = entry();
    not_a_scan.scans[1].content = "Rückseite.txt";
    const std::vector<std::pair<std::function<void()>, std::string>> cases{
        {[&] { identifications->prepare(entry(), officer("anna"), now); }, "operator.role_required"},
        {[&] { identifications->prepare(unconfirmed, clara, now); }, "identification.confirmation_missing"},
        {[&] { identifications->prepare(other_number, clara, now); }, "identification.document_differs"},
        {[&] { identifications->prepare(no_back, clara, now); }, "identification.copy_missing"},
        {[&] { identifications->prepare(forbidden, clara, now); }, "id_copy.blackout_not_allowed"},
        {[&] { identifications->prepare(not_a_scan, clara, now); }, "id_copy.not_an_image"},
    };
    for (const auto& [work, code] : cases) {
        EXPECT_EQ(refusal(work), code);
    }
    // The applicant comes in years later, when the document the order names is about to expire.
    const std::int64_t ten_days_before_expiry =
        std::chrono::sys_seconds(*iso_day(valid_application().id_document.expires_on) -
                                 std::chrono::days(10))
            .time_since_epoch()
            .count();
    EXPECT_EQ(refusal([&] { identifications->prepare(entry(), clara, ten_days_before_expiry); }),
              "identification.document_expires_soon");
    // Signed by another card than the officer's: refused at completion.
    const auto prepared = identifications->prepare(entry(), clara, now);
    const auto by_anna = sign_with_card(dir(), "Demo Op Anna Freigabe", prepared.record);
    EXPECT_EQ(refusal([&] { identifications->complete(prepared, by_anna, now); }),
              "identification.record_signature_invalid");
    const auto over_other = sign_with_card(dir(), "Demo Op Clara RA-Stelle", prepared.record + " ");
    EXPECT_EQ(refusal([&] { identifications->complete(prepared, over_other, now); }),
              "identification.record_signature_invalid");
    EXPECT_EQ(count("SELECT COUNT(*) FROM identification_records"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM id_copies"), 0);
    EXPECT_EQ(state(), "awaiting_identification");
    // Once identified, a second identification is refused.
    identifications->complete(prepared, sign_with_card(dir(), "Demo Op Clara RA-Stelle", prepared.record), now);
    EXPECT_EQ(refusal([&] { identifications->prepare(entry(), clara, now); }),
              "identification.not_awaiting");
}

TEST_F(InPersonIdentificationTest, TheCommandRecordsItWithTheOfficersCardAndRefusesWithoutConfirmation) {
    const auto front = tmp_.path() / "front.png";
    const auto back = tmp_.path() / "back.png";
    const auto front_scan = scanned_specimen(DocumentSide::id_card_front);
    std::ofstream(front, std::ios::binary) << front_scan.content;
    std::ofstream(back, std::ios::binary)
        << png_of(specimen(DocumentSide::id_card_back));  // already cropped: no corners
    std::string corners;
    for (const auto& p : *front_scan.corners) {
        corners += fmt::format("{}{},{}", corners.empty() ? "" : ",", p.x, p.y);
    }
    const auto application = valid_application();
    const auto base = fmt::format(
        "identify --dir {} --order {} --officer clara --module {} --token 'Demo Op Clara RA-Stelle' "
        "--number {} --authority '{}' --issued-on {} --expires-on {} --front {} --front-corners {} "
        "--back {} --blackout can,height",
        dir().string(), order, SOFTHSM2_MODULE, application.id_document.number,
        application.id_document.authority, application.id_document.issued_on,
        application.id_document.expires_on, front.string(), corners, back.string());
    const auto card_store = "SOFTHSM2_CONF=" + (dir() / "card-store" / "softhsm2.conf").string();
    // Without the officer's confirmation: refused, nothing stored, no PIN asked.
    const auto refused = run_command("echo 123456 | " + card_store + " " + sigcard_binary() + " " + base);
    EXPECT_EQ(refused.status, 2) << refused.output;
    EXPECT_NE(refused.output.find("identification.confirmation_missing"), std::string::npos);
    EXPECT_EQ(state(), "awaiting_identification");
    const auto done = run_command("echo 123456 | " + card_store + " " + sigcard_binary() + " " +
                                  base + " --document-stayed-with-applicant --copy-made-in-presence --out " +
                                  (tmp_.path() / "record.pdf").string());
    ASSERT_EQ(done.status, 0) << done.output;
    EXPECT_NE(done.output.find("ist identifiziert"), std::string::npos) << done.output;
    EXPECT_NE(done.output.find("in seiner Anwesenheit"), std::string::npos) << done.output;
    EXPECT_EQ(state(), "identified");
    EXPECT_EQ(count("SELECT COUNT(*) FROM id_copies"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM identification_records WHERE officer = 'clara'"), 1);
    // The printed record says where the document was, and that the copy was made in presence.
    const auto text = run_command("pdftotext -enc UTF-8 " + (tmp_.path() / "record.pdf").string() + " -");
    ASSERT_EQ(text.status, 0) << text.output;
    EXPECT_NE(text.output.find("Der Ausweis blieb in der Hand des Antragstellers"), std::string::npos)
        << text.output;
    EXPECT_NE(text.output.find("Anwesenheit angefertigt"), std::string::npos) << text.output;
    EXPECT_NE(text.output.find(order), std::string::npos);
    EXPECT_NE(text.output.find("can, height"), std::string::npos) << text.output;
}

}  // namespace
}  // namespace sigcard::testing
