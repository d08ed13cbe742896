// sigcard init: a new trust center in a folder.
#include "authority/trust_center.hpp"
#include "cli/command_groups.hpp"

#include <fmt/format.h>

#include <memory>

namespace sigcard::cli {

void add_trust_center_commands(CLI::App& app) {
    auto options = std::make_shared<authority::InitOptions>();
    auto* init = app.add_subcommand(
        "init",
        "Create a trust center: configuration, database, HSM token with CA keys, "
        "root CA, qualified issuing CA, OCSP signer and the portal's TLS certificate");
    init->add_option("--dir", options->dir, "Folder of the new trust center")->required();
    init->add_option("--name", options->name, "Name of the trust center");
    init->add_option("--portal-url", options->portal_url,
                     "Base URL of the holders' portal (https://HOST[:PORT])");
    init->add_option("--port", options->portal_port, "Port the portal listens on");
    init->add_option("--backoffice-url", options->backoffice_url,
                     "Base URL of the back office, its own listener (https://HOST[:PORT])");
    init->add_option("--pki-url", options->pki_url,
                     "Base of the OCSP, CRL and CA certificate URLs named in certificates, served "
                     "over plain HTTP (http://HOST[:PORT]; its port is the listener's)");
    init->add_option("--smtp-url", options->smtp_url,
                     "SMTP server for the holders' mails (smtp://host:port; default: none)");
    init->add_option("--card-agent-url", options->card_agent_url,
                     "Where the pages reach the holders' card agent (http://127.0.0.1:PORT)");
    init->add_option(
        "--pkcs11-module", options->pkcs11_module,
        "PKCS#11 module of the HSM (default: SoftHSM2 with a token store in the folder)");
    init->add_option(
        "--database", options->database_url,
        "sqlite:PATH or postgresql:CONNINFO (default: sqlite:sigcard.db in the folder)");
    init->add_option(
        "--hsm-pin-env", options->hsm_pin_env,
        "Keep the HSM PIN in this environment variable instead of a file (production)");
    init->callback([options] {
        const auto config = authority::TrustCenter::create(*options);
        fmt::print("Created trust center \"{}\" in {}\n", config.name, config.dir.string());
        fmt::print("  root CA, qualified issuing CA and OCSP signer: {}/ca/\n",
                   config.dir.string());
        fmt::print("  portal: {} (sigcard-portal --dir {})\n", config.urls.portal,
                   config.dir.string());
        fmt::print("  back office: {}\n", config.urls.backoffice);
        fmt::print("  OCSP, CRLs and CA certificates over HTTP: {}\n", config.urls.ocsp.substr(
                       0, config.urls.ocsp.size() - std::string_view("/ocsp").size()));
    });
}

}  // namespace sigcard::cli
