#include "smartcard/card_writer_protocol.hpp"

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "smartcard/blank_card.hpp"
#include "common/error.hpp"

namespace sigcard::smartcard {

namespace {

using nlohmann::json;

KeyType key_type_named(const std::string& name) {
    if (name == "ec_p384") {
        return KeyType::ec_p384;
    }
    if (name == "rsa_3072") {
        return KeyType::rsa_3072;
    }
    if (name == "ec_p256") {
        return KeyType::ec_p256;
    }
    throw std::invalid_argument("key_type " + name);
}

std::string public_key_pem(EVP_PKEY* key) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
        throw std::runtime_error("public key PEM: " + ossl::last_error());
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

ossl::X509Ptr certificate_from(const json& value) {
    auto certificate = ossl::x509_from_pem(value.get<std::string>());
    if (!certificate) {
        throw std::invalid_argument("certificate PEM unreadable");
    }
    return certificate;
}

// One line of JSON; the line is wiped once parsed (the first one carries the PIN).
json read_request(std::istream& in) {
    std::string line;
    if (!std::getline(in, line)) {
        throw std::runtime_error("request missing");
    }
    auto request = json::parse(line);
    OPENSSL_cleanse(line.data(), line.size());
    return request;
}

void answer(std::ostream& out, const json& value) {
    out << value.dump() << '\n' << std::flush;
}

}  // namespace

int run_card_writer(const std::filesystem::path& module_path, std::istream& in,
                    std::ostream& out) {
    try {
        Pkcs11Module module(module_path);
        auto begin = read_request(in);
        auto& pin_text = begin.at("transport_pin").get_ref<std::string&>();
        const Secret transport_pin(pin_text);
        OPENSSL_cleanse(pin_text.data(), pin_text.size());
        BlankCard card(module, begin.at("label").get<std::string>(),
                       key_type_named(begin.at("key_type").get<std::string>()), transport_pin);
        answer(out, {{"card_serial", card.card_serial()},
                     {"public_key_pem", public_key_pem(card.public_key())}});

        const auto finish = read_request(in);
        const auto certificate = certificate_from(finish.at("certificate_pem"));
        std::vector<ossl::X509Ptr> chain;
        std::vector<const X509*> chain_view;
        for (const auto& pem : finish.at("chain_pem")) {
            chain.push_back(certificate_from(pem));
            chain_view.push_back(chain.back().get());
        }
        card.store_certificates(certificate.get(), chain_view);
        answer(out, {{"stored", true}});
        return 0;
    } catch (const Error& e) {
        answer(out, {{"error", {{"code", e.id()}, {"detail", e.detail()}}}});
    } catch (const std::exception& e) {
        answer(out, {{"error", {{"code", "card.writer_failed"}, {"detail", e.what()}}}});
    }
    return 1;
}

}  // namespace sigcard::smartcard
