#include "authority/card_writer.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "authority/authority_errors.hpp"
#include "smartcard/blank_card.hpp"

extern char** environ;

namespace sigcard::authority {

namespace {

using nlohmann::json;

// The HSM's own store, in this process (no card store configured).
class InProcessWriter final : public CardWriter {
public:
    explicit InProcessWriter(const smartcard::Pkcs11Module& module) : module_(module) {}

    ossl::EvpPkeyPtr begin(const std::string& label, smartcard::KeyType key_type,
                           const Secret& transport_pin) override {
        card_.emplace(module_, label, key_type, transport_pin);
        EVP_PKEY* key = card_->public_key();
        EVP_PKEY_up_ref(key);
        return ossl::EvpPkeyPtr(key);
    }
    const std::string& card_serial() const override { return card_->card_serial(); }
    void finish(const X509* certificate, const std::vector<const X509*>& chain) override {
        card_->store_certificates(certificate, chain);
    }

private:
    const smartcard::Pkcs11Module& module_;
    std::optional<smartcard::BlankCard> card_;
};

[[noreturn]] void writer_failed(const std::string& detail) {
    throw Error(errors::card_writer_failed, detail);
}

// sigcard-card-writer as a child with its standard input and output on pipes, and the card
// store's SOFTHSM2_CONF. Stopped and reaped when dropped.
class ChildProcessWriter final : public CardWriter {
public:
    ChildProcessWriter(const std::string& module, const std::string& softhsm_conf) {
        // A writer that died must be an error here, not a SIGPIPE that ends this process.
        ::signal(SIGPIPE, SIG_IGN);
        int to_child[2];
        int from_child[2];
        if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
            writer_failed("pipe");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
        posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
        std::vector<std::string> environment;
        for (char** e = environ; *e != nullptr; ++e) {
            if (!std::string_view(*e).starts_with("SOFTHSM2_CONF=")) {
                environment.emplace_back(*e);
            }
        }
        if (!softhsm_conf.empty()) {
            environment.push_back("SOFTHSM2_CONF=" + softhsm_conf);
        }
        std::vector<char*> envp;
        for (auto& variable : environment) {
            envp.push_back(variable.data());
        }
        envp.push_back(nullptr);
        const auto program = card_writer_program().string();
        std::string module_arg = module;
        char flag[] = "--module";
        char* argv[] = {const_cast<char*>(program.c_str()), flag, module_arg.data(), nullptr};
        const int spawned =
            posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(to_child[0]);
        ::close(from_child[1]);
        to_child_ = to_child[1];
        from_child_ = from_child[0];
        if (spawned != 0) {
            pid_ = -1;
            writer_failed(program + ": " + std::strerror(spawned));
        }
    }

    ~ChildProcessWriter() override {
        ::close(to_child_);
        ::close(from_child_);
        if (pid_ <= 0) {
            return;
        }
        // The writer ends by itself once it answered (or sees its input closed) and closes the
        // card cleanly; only one that hangs for seconds is stopped.
        int status = 0;
        for (int waited = 0; waited < 500; ++waited) {
            if (::waitpid(pid_, &status, WNOHANG) != 0) {
                return;
            }
            ::usleep(10'000);
        }
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, &status, 0);
    }

    ossl::EvpPkeyPtr begin(const std::string& label, smartcard::KeyType key_type,
                           const Secret& transport_pin) override {
        static const char* const names[] = {"ec_p256", "ec_p384", "rsa_3072"};
        json request{{"label", label},
                     {"key_type", names[static_cast<int>(key_type)]},
                     {"transport_pin", std::string(transport_pin.view())}};
        std::string line = request.dump();
        OPENSSL_cleanse(request["transport_pin"].get_ref<std::string&>().data(),
                        transport_pin.view().size());
        send(line);
        OPENSSL_cleanse(line.data(), line.size());
        const auto answer = receive();
        card_serial_ = answer.at("card_serial").get<std::string>();
        const auto pem = answer.at("public_key_pem").get<std::string>();
        ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
        ossl::EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
        if (!key) {
            writer_failed("public key from the card writer unreadable");
        }
        return key;
    }

    const std::string& card_serial() const override { return card_serial_; }

    void finish(const X509* certificate, const std::vector<const X509*>& chain) override {
        json request{{"certificate_pem", ossl::to_pem(certificate)}, {"chain_pem", json::array()}};
        for (const auto* ca : chain) {
            request["chain_pem"].push_back(ossl::to_pem(ca));
        }
        send(request.dump());
        receive();
    }

private:
    void send(const std::string& line) {
        std::string data = line + "\n";
        std::size_t written = 0;
        while (written < data.size()) {
            const auto n = ::write(to_child_, data.data() + written, data.size() - written);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                OPENSSL_cleanse(data.data(), data.size());
                writer_failed("card writer does not read");
            }
            written += static_cast<std::size_t>(n);
        }
        OPENSSL_cleanse(data.data(), data.size());
    }

    json receive() {
        std::string line;
        char c = 0;
        for (;;) {
            const auto n = ::read(from_child_, &c, 1);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                writer_failed("card writer ended without an answer");
            }
            if (c == '\n') {
                break;
            }
            line.push_back(c);
        }
        auto answer = json::parse(line, nullptr, false);
        if (!answer.is_object()) {
            writer_failed("card writer answered: " + line.substr(0, 200));
        }
        if (answer.contains("error")) {
            writer_failed(answer["error"].value("code", "") + ": " +
                          answer["error"].value("detail", ""));
        }
        return answer;
    }

    pid_t pid_ = -1;
    int to_child_ = -1;
    int from_child_ = -1;
    std::string card_serial_;
};

}  // namespace

std::filesystem::path card_writer_program() {
    if (const char* configured = std::getenv("SIGCARD_CARD_WRITER");
        configured != nullptr && *configured != '\0') {
        return configured;
    }
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto beside = self.parent_path() / "sigcard-card-writer";
        if (std::filesystem::exists(beside, ec)) {
            return beside;
        }
    }
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::string_view rest(path);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const auto folder = std::filesystem::path(std::string(rest.substr(0, colon)));
            if (std::filesystem::exists(folder / "sigcard-card-writer", ec)) {
                return folder / "sigcard-card-writer";
            }
            rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
        }
    }
    return "sigcard-card-writer";
}

std::unique_ptr<CardWriter> card_writer_for(TrustCenter& trust_center) {
    const auto& c = trust_center.config();
    if (c.production.card_module.empty()) {
        return std::make_unique<InProcessWriter>(trust_center.hsm_module());
    }
    const auto store =
        c.production.softhsm_conf.empty() ? std::string() : c.resolve(c.production.softhsm_conf).string();
    return std::make_unique<ChildProcessWriter>(c.production.card_module, store);
}

}  // namespace sigcard::authority
