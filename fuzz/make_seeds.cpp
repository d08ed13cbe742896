// Writes the fuzz targets' seeds into a corpus folder (fuzz/corpus/<target>/seed-*): valid inputs
// of each kind, made by SigCard's own code and the tests' helpers, so the fuzzers start from what
// the portal, the agent and the import really meet. Run once by hand when a parser changes
// shape: fuzz_make_seeds fuzz/corpus
#include "core/pki_fixture.hpp"
#include "support/id_specimen.hpp"
#include "support/new_order_application.hpp"
#include "support/postident_fake.hpp"
#include "support/zip_writer.hpp"

#include "config/trust_center_config.hpp"
#include "encoding/encoding.hpp"
#include "signature/cades.hpp"

#include <openssl/ocsp.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace sigcard;
using nlohmann::json;

namespace {

std::filesystem::path corpus;

void seed(const std::string& target, const std::string& name, std::string_view content) {
    const auto dir = corpus / target;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / ("seed-" + name), std::ios::binary) << content;
}

std::string text(const ossl::Bytes& bytes) {
    return {bytes.begin(), bytes.end()};
}

std::string base64(std::string_view bytes) {
    return encoding::to_base64(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

json order_json() {
    return json::parse(R"({"contact":{"email":"juergen@example.de","phone":"+49 30 1234567"},
        "shipping":{"name":"Jürgen Müller-Lüdenscheidt","company":"","street":"Friedrichstraße 1",
        "address_extra":"","postal_code":"10117","city":"Berlin","country":"DE"},
        "billing":{"name":"Jürgen Müller-Lüdenscheidt","company":"","street":"Friedrichstraße 1",
        "address_extra":"","postal_code":"10117","city":"Berlin","country":"DE","vat_id":""},
        "name_and_attributes_unchanged":true,"terms_accepted":true})");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fuzz_make_seeds CORPUS_DIR\n";
        return 2;
    }
    corpus = argv[1];
    pki::testing::TrustCenter tc;
    auto holder_key = crypto::SoftwareSigner::generate_ec();
    auto holder = tc.ca.issue_qualified(tc.issuer(), holder_key.public_key(), pki::testing::lawyer());
    const auto holder_der = ossl::to_der(holder.get());

    // The order's signature, and certificates as a card holds them.
    const std::string document = "SigCard Folgeauftrag (Fuzz-Saatgut)\n";
    seed("cades_signature", "order",
         text(signature::create_cades(holder_key, holder.get(), ossl::as_bytes(document))));
    seed("card_certificate", "holder", text(holder_der));
    seed("card_certificate", "issuing-ca", text(ossl::to_der(tc.issuing.get())));

    // An OCSP request for the holder's certificate, and one for two certificates with a nonce.
    for (int count : {1, 2}) {
        OCSP_REQUEST* request = OCSP_REQUEST_new();
        for (int i = 0; i < count; ++i) {
            OCSP_request_add0_id(request, OCSP_cert_to_id(EVP_sha1(), holder.get(), tc.issuing.get()));
        }
        if (count == 2) {
            OCSP_request_add1_nonce(request, nullptr, 16);
        }
        unsigned char* der = nullptr;
        const int size = i2d_OCSP_REQUEST(request, &der);
        seed("ocsp_request", "request-" + std::to_string(count),
             std::string(reinterpret_cast<char*>(der), static_cast<std::size_t>(size)));
        OPENSSL_free(der);
        OCSP_REQUEST_free(request);
    }

    // The follow-up API's three bodies.
    const auto certificate = base64(text(holder_der));
    seed("follow_up_json", "eligibility", json{{"certificate", certificate}}.dump());
    seed("follow_up_json", "draft",
         json{{"certificate", certificate}, {"order", order_json()},
              {"revocation_password", "Sperr-Kennwort 2026"}}.dump());
    seed("follow_up_json", "submission",
         json{{"nonce", "3f2a9c"}, {"document_base64", base64(document)},
              {"signature_base64", base64("0\x80")}}.dump());

    // The new order: the application with a proof, as the API and the page send it.
    auto application = sigcard::testing::valid_application();
    json body = application;
    body["revocation_password"] = "Sperr-Kennwort 2026";
    seed("new_order_json", "application", body.dump());
    body["certificate"]["profession"] = {{"requested", true}, {"value", "Rechtsanwältin"},
        {"proof", {{"kind", "upload"}, {"file_base64", base64(sigcard::testing::plain_pdf())}}}};
    seed("new_order_json", "with-proof", body.dump());
    const std::string boundary = "----SigCardBoundary7MA4YWxkTrZu0gW";
    std::string multipart;
    const auto part = [&](const std::string& name, const std::string& value,
                          const std::string& file = "") {
        multipart += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
        if (!file.empty()) {
            multipart += "; filename=\"" + file + "\"\r\nContent-Type: application/pdf";
        }
        multipart += "\r\n\r\n" + value + "\r\n";
    };
    for (const auto& [name, value] :
         std::vector<std::pair<std::string, std::string>>{
             {"person.given_names", "Erika Maria"}, {"person.surname", "Mustermann"},
             {"person.birth_date", "1980-08-12"}, {"person.birth_place", "Berlin"},
             {"person.nationality", "DE"}, {"contact.email", "erika@example.org"},
             {"shipping.street", "Heidestraße 17"}, {"terms_accepted", "yes"},
             {"revocation_password", "Sperr-Kennwort 2026"},
             {"revocation_password_repeat", "Sperr-Kennwort 2026"}}) {
        part(name, value);
    }
    part("certificate.profession.proof.file", sigcard::testing::plain_pdf(), "zulassung.pdf");
    multipart += "--" + boundary + "--\r\n";
    seed("multipart_body", "new-order", "multipart/form-data; boundary=" + boundary + "\n" + multipart);

    seed("form_body", "follow-up",
         "csrf=abc&contact.email=juergen%40example.de&contact.phone=%2B49+30+1234567&shipping.name="
         "J%C3%BCrgen+M%C3%BCller&shipping.street=Friedrichstra%C3%9Fe+1&shipping.postal_code=10117&"
         "shipping.city=Berlin&shipping.country=DE&billing_same=yes&terms_accepted=yes&"
         "revocation_password=Sperr-Kennwort+2026&revocation_password_repeat=Sperr-Kennwort+2026");

    seed("http_request_head", "get",
         "GET /api/v1/orders/FA-2026-0001?lang=de&x=%C3%BC HTTP/1.1\r\nHost: portal.example\r\n"
         "Accept: application/json\r\nAccept-Language: de-DE,de;q=0.9\r\n\r\n");
    seed("http_request_head", "post-chunked",
         "POST /api/v1/follow-up/orders HTTP/1.1\r\nHost: portal.example\r\nContent-Type: "
         "application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n");
    seed("http_request_head", "post-length",
         "POST /sperren HTTP/1.1\r\nHost: portal.example\r\nCookie: sigcard_session=abc\r\n"
         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\nreason=ok");

    config::TrustCenterConfig config = pki::testing::test_config();
    config.registration_offices.push_back(
        {"berlin", "Registrierungsstelle Berlin", "Friedrichstraße 1, 10117 Berlin", "Mo–Fr 9–17"});
    seed("trust_center_config", "full", config.to_toml());

    // The agent's signing request, as the portal signs it.
    const json portal_request{{"origin", "https://portal.example"}, {"nonce", "n-1"},
                              {"document_sha256", encoding::hex(ossl::sha256(ossl::as_bytes(document)))},
                              {"certificate_sha256", encoding::hex(ossl::sha256(holder_der))},
                              {"issued_at", 1'796'000'000 - 60}, {"expires_at", 1'796'000'000 + 300}};
    seed("agent_sign_request", "sign",
         json{{"document_base64", base64(document)}, {"portal_request", portal_request.dump()},
              {"portal_signature", base64("0E")}}.dump());

    // PostIdent: a result, and a ZIP of two.
    const auto result = sigcard::testing::FakePostOffice::success("SC7KQMX3PA2B", application, "RE-2026-0001").dump(2);
    seed("postident_result", "success", result);
    seed("postident_zip", "two", sigcard::testing::zip_of({{"a.json", result}, {"b/c.json", result}}));

    // Proofs and ID scans.
    seed("proof_file", "pdf", sigcard::testing::plain_pdf());
    seed("proof_file", "png", sigcard::testing::png_bytes());
    seed("proof_file", "pdf-script", sigcard::testing::pdf_with_script());
    for (const auto side : {identification::DocumentSide::id_card_front,
                            identification::DocumentSide::id_card_back}) {
        const auto scan = sigcard::testing::scanned_specimen(side);
        const char first = side == identification::DocumentSide::id_card_front ? 0 : 1;
        seed("id_copy_scan", std::string(identification::to_string(side)),
             std::string(1, first) + scan.content);
    }
    std::cout << "seeds written to " << corpus << "\n";
}
