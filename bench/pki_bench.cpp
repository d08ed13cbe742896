// Throughput of the trust center's PKI: qualified certificates issued per second (with and
// without the SQLite insert) and OCSP responses per second, next to raw ECDSA P-256 signing in
// this process and `openssl speed ecdsap256`, all measured in the same run.
#include "config/trust_center_config.hpp"
#include "crypto/signer.hpp"
#include "pki/certificate_authority.hpp"
#include "pki/ocsp_responder.hpp"
#include "storage/database.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace sigcard;

pki::Seconds now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

pki::Validity years(int n) {
    return {now(), now() + std::chrono::days(365 * n)};
}

pki::HolderProfile holder() {
    pki::HolderProfile p;
    p.given_name = "Jürgen";
    p.surname = "Müller";
    p.serial_number = "BENCH-1";
    p.country = "DE";
    p.admission =
        pki::Admission{"Rechtsanwaltskammer Köln",
                       {{{"Rechtsanwalt"}, {pki::oid::profession_rechtsanwalt}, "RAK-1"}}};
    return p;
}

config::TrustCenterConfig bench_config() {
    config::TrustCenterConfig c;
    c.urls.portal = "https://127.0.0.1:8443";
    c.urls.ocsp = "http://127.0.0.1:8080/ocsp";
    c.urls.crl = "http://127.0.0.1:8080/crl/ca.crl";
    c.urls.ca_issuers = "http://127.0.0.1:8080/ca/ca.cer";
    c.urls.pds_en = "https://trust.example/pds/en.pdf";
    c.urls.pds_de = "https://trust.example/pds/de.pdf";
    return c;
}

// A trust center with P-256 software keys in a temporary SQLite database.
struct BenchTrustCenter {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("sigcard-pki-bench-" + std::to_string(::getpid()));
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<pki::CertificateStore> store;
    crypto::SoftwareSigner root_key = crypto::SoftwareSigner::generate_ec();
    crypto::SoftwareSigner issuing_key = crypto::SoftwareSigner::generate_ec();
    crypto::SoftwareSigner ocsp_key = crypto::SoftwareSigner::generate_ec();
    crypto::SoftwareSigner holder_key = crypto::SoftwareSigner::generate_ec();
    ossl::X509Ptr root, issuing, ocsp;

    BenchTrustCenter() {
        std::filesystem::create_directories(dir);
        db = std::make_unique<storage::Database>("sqlite:" + (dir / "pki.db").string(), 1);
        db->migrate();
        store = std::make_unique<pki::CertificateStore>(*db);
        pki::CertificateAuthority ca(bench_config(), store.get());
        root = ca.create_root(root_key, years(20));
        issuing = ca.create_issuing_ca({root.get(), root_key}, issuing_key.public_key(), years(10));
        ocsp = ca.create_ocsp_signer({issuing.get(), issuing_key}, ocsp_key.public_key(), years(2));
    }
    ~BenchTrustCenter() {
        store.reset();
        db.reset();
        std::filesystem::remove_all(dir);
    }
};

void issue(benchmark::State& state, bool record) {
    BenchTrustCenter tc;
    pki::CertificateAuthority ca(bench_config(), record ? tc.store.get() : nullptr);
    const auto profile = holder();
    for (auto _ : state) {
        auto cert = ca.issue_qualified({tc.issuing.get(), tc.issuing_key},
                                       tc.holder_key.public_key(), profile);
        benchmark::DoNotOptimize(cert.get());
    }
    state.counters["certs/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_IssueQualifiedCertificate(benchmark::State& state) {
    issue(state, false);
}
void BM_IssueQualifiedCertificateWithSqliteInsert(benchmark::State& state) {
    issue(state, true);
}

void BM_OcspResponse(benchmark::State& state) {
    BenchTrustCenter tc;
    pki::CertificateAuthority ca(bench_config(), tc.store.get());
    auto cert = ca.issue_qualified({tc.issuing.get(), tc.issuing_key}, tc.holder_key.public_key(),
                                   holder());
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_request_add0_id(request.get(), OCSP_cert_to_id(EVP_sha1(), cert.get(), tc.issuing.get()));
    OCSP_request_add1_nonce(request.get(), nullptr, 16);
    ossl::Bytes der(static_cast<std::size_t>(i2d_OCSP_REQUEST(request.get(), nullptr)));
    unsigned char* p = der.data();
    i2d_OCSP_REQUEST(request.get(), &p);
    pki::OcspResponder responder(*tc.store, tc.issuing.get(), tc.ocsp.get(), tc.ocsp_key);
    for (auto _ : state) {
        auto response = responder(der, now());
        benchmark::DoNotOptimize(response.data());
    }
    state.counters["responses/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Reference: one raw EVP ECDSA P-256 signature over a certificate-sized message.
void BM_EvpEcdsaP256Sign(benchmark::State& state) {
    auto key = crypto::SoftwareSigner::generate_ec();
    const ossl::Bytes message(1024, 0x42);
    for (auto _ : state) {
        auto signature = key.sign(crypto::DigestAlgorithm::sha256, message);
        benchmark::DoNotOptimize(signature.data());
    }
    state.counters["signs/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_IssueQualifiedCertificate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_IssueQualifiedCertificateWithSqliteInsert)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OcspResponse)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EvpEcdsaP256Sign)->Unit(benchmark::kMicrosecond);

// `openssl speed` for the same key type, so the figures above can be read against it.
void print_openssl_speed() {
    FILE* pipe = ::popen("openssl speed -seconds 2 ecdsap256 2>/dev/null", "r");
    if (pipe == nullptr) {
        return;
    }
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) {
        out += buf;
    }
    ::pclose(pipe);
    const auto table = out.rfind("sign    verify");
    std::cout << "\nopenssl speed ecdsap256 (same machine, same run):\n"
              << (table == std::string::npos ? out : out.substr(out.rfind('\n', table) + 1))
              << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    print_openssl_speed();
    return 0;
}
