// Card signatures per second through SoftHSM2 (EC P-256, RSA-3072), CAdES creation and
// verification per second, and in-memory OpenSSL ECDSA P-256 in the same run for reference
// (compare with `openssl speed ecdsap256 rsa3072` on the same machine).
#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "smartcard/token_admin.hpp"
#include "signature/cades.hpp"

#include <benchmark/benchmark.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace {

using namespace sigcard;
using crypto::DigestAlgorithm;

const Secret so_pin{"87654321"};
const Secret user_pin{"123456"};

ossl::X509Ptr bench_certificate(EVP_PKEY* public_key, const crypto::SoftwareSigner& ca) {
    // The bench needs a certificate for the card key; a throw-away key signs it.
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Bench Holder"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), public_key);
    ossl::X509ExtensionPtr usage(
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_key_usage, "critical,nonRepudiation"));
    X509_add_ext(cert.get(), usage.get(), -1);
    X509_sign(cert.get(), ca.private_key(), EVP_sha256());
    return cert;
}

// One SoftHSM2 token directory for the whole run, with an EC and an RSA card.
struct BenchCards {
    std::filesystem::path dir;
    std::unique_ptr<smartcard::Pkcs11Module> module;
    crypto::SoftwareSigner ca = crypto::SoftwareSigner::generate_ec();

    BenchCards() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "sigcard-bench-XXXXXX").string();
        dir = mkdtemp(pattern.data());
        std::filesystem::create_directories(dir / "tokens");
        std::ofstream(dir / "softhsm2.conf")
            << "directories.tokendir = " << (dir / "tokens").string()
            << "\nobjectstore.backend = file\nlog.level = ERROR\n";
        setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
        module = std::make_unique<smartcard::Pkcs11Module>(SOFTHSM2_MODULE);
        produce("EC card", smartcard::KeyType::ec_p256);
        produce("RSA card", smartcard::KeyType::rsa_3072);
    }
    ~BenchCards() {
        module.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    void produce(const std::string& label, smartcard::KeyType type) {
        const auto token = smartcard::initialize_token(*module, module->free_slot().slot, label, so_pin);
        {
            smartcard::CardSession so(*module, token.slot, smartcard::CardSession::Access::read_write);
            so.login_security_officer(so_pin);
            smartcard::set_user_pin(so, user_pin);
        }
        smartcard::CardSession session(*module, token.slot, smartcard::CardSession::Access::read_write);
        session.login(user_pin);
        const ossl::Bytes id{0x01};
        auto pair = smartcard::generate_key_pair(session, {type, id, "key", false});
        auto cert = bench_certificate(pair.public_key_value.get(), ca);
        smartcard::store_certificate(session, cert.get(), id, "cert");
    }
};

BenchCards& cards() {
    static BenchCards instance;
    return instance;
}

struct OpenCard {
    smartcard::CardSession session;
    smartcard::CardCertificate cert;
    smartcard::Pkcs11Signer signer;

    explicit OpenCard(const std::string& label)
        : session(*cards().module, cards().module->find_token(label).slot),
          cert((session.login(user_pin), smartcard::qualified_signing_certificate(session))),
          signer(smartcard::Pkcs11Signer::for_certificate(session, cert)) {}
};

const ossl::Bytes order = ossl::random_bytes(4096);

void card_sign(benchmark::State& state, const char* label) {
    OpenCard card(label);
    for (auto _ : state) {
        benchmark::DoNotOptimize(card.signer.sign(DigestAlgorithm::sha256, order));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(card_sign, softhsm_ec_p256, "EC card")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(card_sign, softhsm_rsa_3072, "RSA card")->Unit(benchmark::kMicrosecond);

void cades_create_with_card(benchmark::State& state) {
    OpenCard card("EC card");
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            signature::create_cades(card.signer, card.cert.certificate.get(), order));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(cades_create_with_card)->Unit(benchmark::kMicrosecond);

void cades_verify(benchmark::State& state) {
    OpenCard card("EC card");
    const auto cms = signature::create_cades(card.signer, card.cert.certificate.get(), order);
    for (auto _ : state) {
        benchmark::DoNotOptimize(signature::verify_cades(order, cms));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(cades_verify)->Unit(benchmark::kMicrosecond);

// As the portal verifies a submission: the signer's certificate is one it checked for the draft,
// so its parsed copy (with the key) comes from the validator's memo, and the document is the
// draft's (compared by its digest later).
void cades_verify_known_signer(benchmark::State& state) {
    OpenCard card("EC card");
    const auto cms = signature::create_cades(card.signer, card.cert.certificate.get(), order);
    const signature::CertificateParser known = [&](std::span<const std::uint8_t>) {
        X509_up_ref(card.cert.certificate.get());
        return ossl::X509Ptr(card.cert.certificate.get());
    };
    for (auto _ : state) {
        benchmark::DoNotOptimize(signature::verify_cades_without_content(cms, {}, known));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(cades_verify_known_signer)->Unit(benchmark::kMicrosecond);

// Reference: the same ECDSA P-256 work in process memory, no PKCS#11 in between.
void openssl_ecdsa_p256_sign(benchmark::State& state) {
    auto key = crypto::SoftwareSigner::generate_ec();
    for (auto _ : state) {
        benchmark::DoNotOptimize(key.sign(DigestAlgorithm::sha256, order));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(openssl_ecdsa_p256_sign)->Unit(benchmark::kMicrosecond);

void openssl_ecdsa_p256_verify(benchmark::State& state) {
    auto key = crypto::SoftwareSigner::generate_ec();
    const auto sig = key.sign(DigestAlgorithm::sha256, order);
    for (auto _ : state) {
        ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.public_key());
        benchmark::DoNotOptimize(
            EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), order.data(), order.size()));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(openssl_ecdsa_p256_verify)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
