// The follow-up order API tests' fixture: a trust center with the demo cards, published terms and
// a running `sigcard-portal`, and the holder's side: the card signs the order document with the
// card library (SoftHSM2 token store of the trust center), as the card agent will.
#pragma once

#include "encoding/encoding.hpp"
#include "integration/card_signing_support.hpp"
#include "integration/integration_support.hpp"

#include "authority/demo_cards.hpp"

#include "smartcard/card_certificates.hpp"
#include "smartcard/card_session.hpp"
#include "smartcard/pkcs11_module.hpp"
#include "smartcard/pkcs11_signer.hpp"
#include "orders/terms.hpp"
#include "http/http_client.hpp"
#include "signature/cades.hpp"
#include "storage/database.hpp"

#include <signal.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <regex>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

namespace sigcard::testing {

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline std::string as_string(const ossl::Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

inline std::string base64(const std::string& bytes) {
    return encoding::to_base64(bytes);
}
inline std::string base64(const ossl::Bytes& bytes) {
    return base64(as_string(bytes));
}

// `sigcard-portal --port 0` on a trust center, stopped with SIGTERM at the end.
class PortalProcess {
public:
    explicit PortalProcess(const std::filesystem::path& dir) : log_(dir / "portal.log") {
        pid_ = ::fork();
        if (pid_ == 0) {
            // Into a file, not a pipe: a pipe nobody drains would block the portal's logging.
            const auto log = log_.string();
            if (std::freopen(log.c_str(), "w", stdout) == nullptr ||
                ::dup2(::fileno(stdout), STDERR_FILENO) < 0) {
                ::_exit(127);
            }
            const std::string binary = std::string(SIGCARD_BINARY_DIR) + "/apps/sigcard-portal";
            const auto d = dir.string();
            ::execl(binary.c_str(), "sigcard-portal", "--dir", d.c_str(), "--port", "0",
                    "--operator-port", "0", "--pki-port", "0", "--backoffice-port", "0",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            const auto port =
                capture(read_text(log_), R"(listening on https://127\.0\.0\.1:(\d+)/)");
            if (!port.empty()) {
                base_url_ = "https://127.0.0.1:" + port;
                return;
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~PortalProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    PortalProcess(const PortalProcess&) = delete;
    PortalProcess& operator=(const PortalProcess&) = delete;

    bool running() const { return !base_url_.empty(); }
    const std::string& base_url() const { return base_url_; }
    std::string log() const { return read_text(log_); }
    // The log once it holds `line` (a request's log line is written after its answer went out,
    // so right after the answer it may not be there yet); the log as it is after 10 s.
    std::string log_with(const std::string& line) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        auto text = log();
        while (text.find(line) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            text = log();
        }
        return text;
    }

private:
    std::filesystem::path log_;
    pid_t pid_ = -1;
    std::string base_url_;
};

struct ApiAnswer {
    int status = 0;
    nlohmann::json body;  // null when the answer is not JSON
    std::string raw;
    std::string content_type;

    std::string error_code() const {
        return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
    }
};

// What the database holds of orders, so a refused request can be shown to have stored nothing.
struct StoredCounts {
    long long orders = 0;
    long long drafts = 0;
    long long used_drafts = 0;
    long long audit_records = 0;
    bool operator==(const StoredCounts&) const = default;
};

inline void PrintTo(const StoredCounts& c, std::ostream* os) {
    *os << "{orders " << c.orders << ", drafts " << c.drafts << ", used drafts " << c.used_drafts
        << ", audit records " << c.audit_records << "}";
}

// The suite's fixture: one trust center with the demo cards and terms "v1", one portal.
using nlohmann::json;

constexpr std::int64_t kTermsAge = 86400;
// Raised from the default so that an oversized CMS reaches the verifier within the body limit.
constexpr int kBodyLimit = 512 * 1024;

inline std::string token_label(const std::string& slug) {
    for (const auto& spec : authority::demo_card_set()) {
        if (spec.slug == slug) {
            return spec.token_label;
        }
    }
    throw std::invalid_argument("no demo card " + slug);
}

inline nlohmann::json valid_order(const std::string& email = "holder@example.com") {
    const json address = {{"name", "Erika Mustermann"},
                          {"street", "Heidestraße 17"},
                          {"postal_code", "51147"},
                          {"city", "Köln"},
                          {"country", "DE"}};
    json billing = address;
    billing["vat_id"] = "";
    return {{"contact", {{"email", email}, {"phone", "+49 30 12345678"}}},
            {"shipping", address},
            {"billing", billing},
            {"declaration", {{"name_and_attributes_unchanged", true}, {"terms_accepted", true}}}};
}

class FollowUpApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        tmp_ = std::make_unique<TempDir>("sigcard-api");
        dir_ = tmp_->path() / "tc";
        auto step = sigcard("init --dir " + dir_.string());
        if (step.status == 0) {
            step = sigcard("demo cards --dir " + dir_.string());
        }
        if (step.status == 0) {
            step = sigcard("demo operators --dir " + dir_.string());
        }
        if (step.status != 0) {
            setup_failure_ = step.output;
            return;
        }
        raise_body_limit();
        db_ = std::make_unique<storage::Database>("sqlite:" + (dir_ / "sigcard.db").string(), 1);
        orders::TermsCatalogue(*db_).publish("Allgemeine Geschäftsbedingungen, Fassung 1\n", "v1",
                                             unix_now() - kTermsAge, "test");
        portal_ = std::make_unique<PortalProcess>(dir_);
        if (!portal_->running()) {
            setup_failure_ = "portal did not start:\n" + portal_->log();
        }
    }

    static void TearDownTestSuite() {
        portal_.reset();
        db_.reset();
        tmp_.reset();
    }

    static void raise_body_limit() {
        const auto file = dir_ / "sigcard.toml";
        auto toml =
            std::regex_replace(read_text(file), std::regex(R"(max_request_bytes = \d+)"),
                               fmt::format("max_request_bytes = {}", kBodyLimit));
        // Every test of the suite talks from 127.0.0.1: the per-client limits of what it does
        // many times are not what these tests are about (the pages' tests check them; the
        // look-ups keep theirs: OrderLookUpsAreRateLimitedPerClient checks them).
        toml = std::regex_replace(
            toml,
            std::regex(R"(((drafts|submissions|new_sessions)_(per_minute|burst)) = \d+)"),
            "$1 = 100000");
        std::ofstream(file, std::ios::binary | std::ios::trunc) << toml;
    }

    void SetUp() override { ASSERT_TRUE(setup_failure_.empty()) << setup_failure_; }

    static ApiAnswer answer_of(const http::ClientResponse& response) {
        ApiAnswer a;
        a.status = response.status;
        a.raw = response.body;
        a.content_type = std::string(response.content_type());
        if (a.content_type.starts_with("application/json")) {
            a.body = json::parse(response.body, nullptr, false);
        }
        return a;
    }

    static http::HttpClient client() {
        http::ClientConfig config;
        config.ca_file = dir_ / "ca" / "root.pem";
        config.timeout = std::chrono::seconds(20);
        return http::HttpClient(config);
    }

    ApiAnswer post(const std::string& path, std::string body) {
        return answer_of(
            client().post(portal_->base_url() + path, std::move(body), "application/json"));
    }
    ApiAnswer post(const std::string& path, const json& body) { return post(path, body.dump()); }
    ApiAnswer get(const std::string& path) {
        return answer_of(client().get(portal_->base_url() + path));
    }

    static std::string certificate_base64(const std::string& slug) {
        const auto cert = ossl::x509_from_pem(read_text(dir_ / "cards" / (slug + ".pem")));
        return base64(ossl::to_der(cert.get()));
    }

    ApiAnswer eligibility(const std::string& certificate) {
        return post("/api/v1/follow-up/eligibility", json{{"certificate", certificate}});
    }
    ApiAnswer draft(const std::string& certificate, const json& order = valid_order()) {
        return post("/api/v1/follow-up/drafts",
                    json{{"certificate", certificate}, {"order", order}});
    }
    // A draft that must succeed; its JSON.
    json draft_for(const std::string& slug, const json& order = valid_order()) {
        const auto a = draft(certificate_base64(slug), order);
        EXPECT_EQ(a.status, 201) << a.raw;
        return a.body;
    }
    ApiAnswer submit(const std::string& nonce, const std::string& document,
                     const ossl::Bytes& cms) {
        return post("/api/v1/follow-up/orders", json{{"nonce", nonce},
                                                     {"document_base64", base64(document)},
                                                     {"signature_base64", base64(cms)}});
    }
    // Without the document: the portal takes the draft's.
    ApiAnswer submit_signature_only(const std::string& nonce, const ossl::Bytes& cms) {
        return post("/api/v1/follow-up/orders",
                    json{{"nonce", nonce}, {"signature_base64", base64(cms)}});
    }
    ossl::Bytes sign(const std::string& slug, const std::string& document,
                     crypto::DigestAlgorithm digest = crypto::DigestAlgorithm::sha256) {
        return sign_with_card(dir_, token_label(slug), document, "123456", digest);
    }

    StoredCounts counts() {
        return db_->with_session([](soci::session& s) {
            StoredCounts c;
            s << "SELECT COUNT(*) FROM orders", soci::into(c.orders);
            s << "SELECT COUNT(*) FROM order_drafts", soci::into(c.drafts);
            s << "SELECT COUNT(*) FROM order_drafts d JOIN orders o ON o.nonce = d.nonce",
                soci::into(c.used_drafts);
            s << "SELECT COUNT(*) FROM audit_log", soci::into(c.audit_records);
            return c;
        });
    }

    // A refused submission must leave the draft usable and store no order and no audit record.
    void expect_submission_refused(const ApiAnswer& a, int status, const std::string& code,
                                   const StoredCounts& before) {
        EXPECT_EQ(a.status, status) << a.raw;
        EXPECT_EQ(a.error_code(), code) << a.raw;
        EXPECT_EQ(counts(), before);
    }
    // A refused eligibility check or draft must store nothing at all.
    void expect_draft_refused(const std::string& slug, int status, const std::string& code) {
        const auto before = counts();
        const auto a = draft(certificate_base64(slug));
        EXPECT_EQ(a.status, status) << a.raw;
        EXPECT_EQ(a.error_code(), code) << a.raw;
        EXPECT_EQ(counts(), before);
    }

    inline static std::unique_ptr<TempDir> tmp_;
    inline static std::filesystem::path dir_;
    inline static std::unique_ptr<storage::Database> db_;
    inline static std::unique_ptr<PortalProcess> portal_;
    inline static std::string setup_failure_;
};

}  // namespace sigcard::testing
