// A private SoftHSM2 token directory per test, and test cards produced on it with the token
// administration API. SoftHSM2 reads SOFTHSM2_CONF in C_Initialize, so the module object of a
// test is created only after this fixture has set the environment.
#pragma once

#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/token_admin.hpp"
#include "signature/cades_test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace sigcard::testing {

inline const Secret so_pin{"87654321"};
inline const Secret user_pin{"123456"};

inline std::string fake_reader_module() {
    return std::string(SIGCARD_BINARY_DIR) +
           "/src/fakes/pinpad_reader/libsigcard-pinpad-reader-fake.so";
}

struct ProducedCard {
    smartcard::TokenInfo token;
    ossl::X509Ptr certificate;
};

class SoftHsmTest : public ::testing::Test {
protected:
    SoftHsmTest() {
        std::filesystem::create_directories(dir_.path() / "tokens");
        const auto conf = dir_.write("softhsm2.conf",
                                     "directories.tokendir = " + (dir_.path() / "tokens").string() +
                                         "\nobjectstore.backend = file\nlog.level = ERROR\n");
        setenv("SOFTHSM2_CONF", conf.c_str(), 1);
        set_fake_reader("normal", user_pin.view());
    }

    // Writes the FAKE PIN-pad reader's configuration (re-read by the fake on each login).
    void set_fake_reader(std::string_view mode, std::string_view keypad_pin, int max_tries = 3) {
        const auto conf = dir_.write("pinpad-fake.conf",
                                     fmt::format("module={}\npin={}\nmode={}\nmax_tries={}\n",
                                                 SOFTHSM2_MODULE, keypad_pin, mode, max_tries));
        setenv("SIGCARD_PINPAD_FAKE_CONFIG", conf.c_str(), 1);
    }

    // Personalises a card the way production does: blank token → SO PIN → user PIN → key pair
    // on the card → certificate from the test CA → certificate and CA certificate onto the card.
    ProducedCard produce_card(const smartcard::Pkcs11Module& module, const std::string& label,
                              smartcard::KeyType type = smartcard::KeyType::ec_p256,
                              Usage usage = Usage::qualified_signature,
                              bool always_authenticate = false) {
        const auto blank = module.free_slot();
        const auto token = smartcard::initialize_token(module, blank.slot, label, so_pin);
        {
            smartcard::CardSession so(module, token.slot, smartcard::CardSession::Access::read_write);
            so.login_security_officer(so_pin);
            smartcard::set_user_pin(so, user_pin);
        }
        smartcard::CardSession session(module, token.slot, smartcard::CardSession::Access::read_write);
        session.login(user_pin);
        const ossl::Bytes id{0x45, 0x01};
        auto pair = smartcard::generate_key_pair(session, {type, id, "QES key", always_authenticate});
        auto cert = ca_.issue(pair.public_key_value.get(), "Erika Mustermann " + label, usage);
        smartcard::store_certificate(session, cert.get(), id, "QES certificate");
        smartcard::store_ca_certificate(session, ca_.certificate.get(), {0xca}, "SigCard Test CA");
        return {module.find_token(label), std::move(cert)};
    }

    ScratchDir dir_;
    TestCa ca_;
};

}  // namespace sigcard::testing
